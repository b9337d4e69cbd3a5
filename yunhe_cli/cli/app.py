"""The command line: thin commands over the library (sqlite-utils' cli.py over db.py).

Heavy modules are imported inside the commands, so that `yunhe --help` and a small
command start fast.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from yunhe_cli.core.periods import is_period
from yunhe_cli.outputs.formats import OutputFormat
from yunhe_cli.outputs.labels import Lang, default_lang
from yunhe_cli.outputs.problem_printer import ProblemFormat

if TYPE_CHECKING:
    from yunhe_cli.core.problems import Problem
    from yunhe_cli.core.repository import Repository
    from yunhe_cli.outputs.views import TableView
    from yunhe_cli.reports.query import Query
    from yunhe_cli.reports.rollup import StatusReport
    from yunhe_cli.store.git import Git

app = typer.Typer(
    name="yunhe",
    help="Track Yunhe County's Ten Major Projects plan (云和县“十项重大工程”, 2023–2027) from YAML files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        from yunhe_cli import __version__

        sys.stdout.write(f"yunhe {__version__}\n")
        raise typer.Exit()


@app.callback()
def _run_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print yunhe's version and exit. 版本。"
        ),
    ] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            file_okay=False,
            help="Where files read before are remembered (default: $YUNHE_CACHE_DIR, else the user's "
            "cache folder). The cache never changes an answer; see README.",
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Read every file afresh and remember nothing (also YUNHE_NO_CACHE=1)."
        ),
    ] = False,
) -> None:
    """Options for every command: yunhe [--cache-dir DIR | --no-cache] COMMAND ..."""
    from yunhe_cli.store import cache

    cache.configure(cache_dir, enabled=not no_cache)


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Data folder (数据目录). Default: ./data, or the nearest one up (as git finds .git).",
        file_okay=False,
    ),
]


DataFoldersOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--data",
        help="Data folder (数据目录); give it again for more counties, each checked and reported on its "
        "own. Default: ./data, or the nearest one up (as git finds .git).",
        file_okay=False,
    ),
]
CountiesOption = Annotated[
    Path | None,
    typer.Option(
        "--counties",
        metavar="FILE",
        dir_okay=False,
        help="县数据目录清单文件。 "
        "A file listing county data folders, one a line (# starts a comment); with --data, both.",
    ),
]


def _folders(data: list[Path] | None, listing: Path | None) -> list[Path]:
    """The data folders asked for: every --data, then the listing's (none: the default folder)."""
    folders = list(data or [])
    if listing is not None:
        from yunhe_cli.outputs.counties import ListingError, read_listing

        try:
            folders += read_listing(listing)
        except ListingError as exc:
            raise typer.BadParameter(str(exc), param_hint="--counties") from None
    return folders


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


def _date_option(name: str, help_text: str) -> object:
    return typer.Option(name, parser=_parse_date, metavar="YYYY-MM-DD", help=help_text)


AsOfOption = Annotated[
    dt.date | None,
    typer.Option(
        "--as-of",
        parser=_parse_date,
        metavar="YYYY-MM-DD",
        help="Report as of this date (截至日期). Default: today.",
    ),
]
FormatOption = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        help="输出格式。 "
        "table (terminal), plain, markdown, csv or json. Default: table on a terminal, else plain.",
    ),
]
LangOption = Annotated[
    Lang | None, typer.Option("--lang", help="zh or en (语言). Default: from the locale (zh_* gives zh).")
]
ProjectOption = Annotated[
    str | None,
    typer.Option(
        "--project",
        "-p",
        help="只看此工程（编号、序号或名称）。 Only this project: its id (p03) or number (3).",
    ),
]
UnitOption = Annotated[
    str | None,
    typer.Option(
        "--unit", help="只看此单位负责的事项。 Only what this unit owns or leads (name, alias or id)."
    ),
]
ConvenerOption = Annotated[
    str | None, typer.Option("--convener", help="Only the projects of this convener (召集人).")
]
OverdueOption = Annotated[bool, typer.Option("--overdue", help="Only what is overdue (逾期).")]
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="REV",
        help="按某一提交版本读取数据。 "
        "Read the data as committed at this git revision (a commit, tag or branch), from git's "
        "objects; the work tree is not read. --as-of still sets the date.",
    ),
]


def find_data_root(start: Path | None = None) -> Path:
    """./data, or walk up like git does to the first folder holding plan.yaml or data/plan.yaml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "plan.yaml").is_file():
            return _display(folder / "data")
        if (folder / "plan.yaml").is_file():
            return _display(folder)
    return Path("data")


def _display(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


@app.command()
def validate(
    data: DataFoldersOption = None,
    counties_file: CountiesOption = None,
    output_format: Annotated[
        ProblemFormat,
        typer.Option("--format", help="输出格式。 text (for people), json, or github (workflow annotations)"),
    ] = ProblemFormat.text,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Warnings (implausible figures) fail too. 警告也视为失败。"),
    ] = False,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="REV",
            help="与某版本比较，审查改动。 "
            "Also compare with the data committed at REV: refuse unrecorded changes to submitted "
            "months, deleted problems, rewritten or backdated closings.",
        ),
    ] = None,
    staged: Annotated[
        bool,
        typer.Option(
            "--staged",
            help="只检查暂存的文件。 Check the staged files (what a commit would hold), not the work tree.",
        ),
    ] = False,
    as_of: Annotated[
        dt.date | None,
        typer.Option(
            "--as-of",
            parser=_parse_date,
            metavar="YYYY-MM-DD",
            help="检查日期。 "
            "The day the data is checked on (nothing done may be dated after it), and the day a "
            "change is recorded, for --base. Default: today.",
        ),
    ] = None,
    require_signed: Annotated[
        bool,
        typer.Option(
            "--require-signed",
            help="要求签名提交。 "
            "With --base: refuse every commit since REV without a good signature (git verify-commit).",
        ),
    ] = False,
) -> None:
    """Check every data file; report every problem as path:line:col: CODE message (校验数据).

    Exit status: 0 clean or warnings only, 1 problems found (or warnings with --strict), 2 usage error.
    """
    from yunhe_cli.checks.validation import validate as run_validate
    from yunhe_cli.outputs.problem_printer import RENDERERS

    folders = _folders(data, counties_file)
    checked_on = as_of or dt.date.today()
    if len(folders) > 1:
        if staged or base is not None:
            raise typer.BadParameter("--staged and --base check one data folder; give one --data")
        _validate_counties(folders, output_format, strict, checked_on)
    root = _root(folders[0] if folders else None)
    if require_signed and base is None:
        raise typer.BadParameter("--require-signed checks the commits since --base REV; give --base")
    if staged or base is not None:
        from yunhe_cli.checks.audit import audit
        from yunhe_cli.checks.owners import check_commits
        from yunhe_cli.checks.validation import load_snapshot
        from yunhe_cli.store.git import GitError
        from yunhe_cli.store.snapshot import at_revision, snapshot_texts
        from yunhe_cli.store.snapshot import staged as staged_snapshot
        from yunhe_cli.store.yamlio import place

        git, prefix = _git(root)
        try:
            if staged:
                head_snap = staged_snapshot(git, prefix)
                repo, problems = load_snapshot(head_snap, checked_on)
                texts = snapshot_texts(head_snap)
            else:
                repo, problems = run_validate(root, today=checked_on)
                texts = {}
            if base is not None and (base != "HEAD" or git.has_commits()):
                base_repo, _ = load_snapshot(at_revision(git, prefix, base))
                found = audit(base_repo, repo, checked_on, base)
                problems = sorted([*problems, *place(found, texts)], key=lambda p: p.sort_key())
                problems += check_commits(git, prefix, base, require_signed)  # oldest commit first
        except GitError as exc:
            raise typer.BadParameter(str(exc), param_hint="--base") from None
    else:
        repo, problems = run_validate(root, today=checked_on)
    text = RENDERERS[output_format](problems, len(repo.files))
    stream = sys.stderr if output_format is ProblemFormat.text and problems else sys.stdout
    stream.write(text)
    failing = [p for p in problems if strict or p.severity == "error"]
    raise typer.Exit(1 if failing else 0)


def _validate_counties(folders: list[Path], output_format: ProblemFormat, strict: bool, day: dt.date) -> None:
    """validate over many data folders: each county's problems under its name, one exit status."""
    import json

    from yunhe_cli.outputs.counties import counties, validate_all
    from yunhe_cli.outputs.problem_printer import RENDERERS

    failing = False
    docs = []
    for county, repo, problems in validate_all(counties(folders), day):  # one county in memory at a time
        failing = failing or any(strict or p.severity == "error" for p in problems)
        text = RENDERERS[output_format](problems, len(repo.files))
        if output_format is ProblemFormat.json:
            docs.append({"county": county.label, **json.loads(text)})
            continue
        if output_format is ProblemFormat.text:
            lines = text.splitlines(keepends=True)  # the last line is the county's summary
            text = "".join(lines[:-1]) + f"{county.label}: {lines[-1]}" if lines else text
        stream = sys.stderr if output_format is ProblemFormat.text and problems else sys.stdout
        stream.write(text)
    if output_format is ProblemFormat.json:
        sys.stdout.write(json.dumps({"version": 1, "counties": docs}, ensure_ascii=False, indent=2) + "\n")
    raise typer.Exit(1 if failing else 0)


def _each_county(
    data: list[Path] | None,
    listing: Path | None,
    as_of: dt.date | None,
    at: str | None,
    filters: tuple[str | None, str | None, str | None, str | None, bool],
    build: Callable[[StatusReport, Query], tuple[list[TableView], dict[str, object]]],
    output_format: OutputFormat | None,
    lang: Lang,
) -> None:
    """One report command over one data folder or many: each county rolled up on its own, labelled.

    `filters`: project, unit, convener, status, overdue, resolved in each county (see query.py).
    """
    project, unit, convener, status, overdue = filters
    folders = _folders(data, listing)
    if len(folders) <= 1:
        report, query, code = _load(
            folders[0] if folders else None, as_of, project, unit, at, convener, status, overdue
        )
        views, doc = build(report, query)
        _emit_document(views, doc, output_format)
        raise typer.Exit(code)
    from yunhe_cli.outputs.counties import counties, labelled_document, labelled_views, merged_document

    per_views, per_docs, worst = [], [], 0
    for county in counties(folders):
        report, query, code = _load(county.root, as_of, project, unit, at, convener, status, overdue)
        views, doc = build(report, query)
        per_views.append((county.label, views))
        per_docs.append((county.label, doc))
        worst = max(worst, code)
    # CSV is a projection of the JSON document: one table of every county's records, county first.
    doc = merged_document(per_docs) if output_format is OutputFormat.csv else labelled_document(per_docs)
    _emit_document(labelled_views(per_views, lang), doc, output_format)
    raise typer.Exit(worst)


def _load(
    data: Path | None,
    as_of: dt.date | None,
    project: str | None,
    unit: str | None = None,
    at: str | None = None,
    convener: str | None = None,
    status: str | None = None,
    overdue: bool = False,
) -> tuple[StatusReport, Query, int]:
    """Validate and roll up (problems go to stderr; the report is still shown from what loaded).

    Returns the report, the filters resolved (an unknown name is a usage error with the nearest
    candidates), and the exit status.
    """
    from yunhe_cli.reports.query import Query, UnknownName
    from yunhe_cli.reports.rollup import roll_up

    repo, code = _repo(data, at, as_of)
    try:
        query = Query.resolve(repo, project, unit, convener, status, overdue)
    except UnknownName as exc:
        hint = {"project": "--project", "indicator": "INDICATOR"}.get(exc.what)
        if hint is None:
            hint = "--unit" if exc.what.startswith("unit") else "--convener"
        raise typer.BadParameter(str(exc), param_hint=hint) from None
    return roll_up(repo, as_of or dt.date.today(), query.projects), query, code


def _emit(view: TableView, doc: dict[str, object], output_format: OutputFormat | None) -> None:
    _emit_document([view], doc, output_format)


def _emit_document(
    views: list[TableView], doc: dict[str, object], output_format: OutputFormat | None
) -> None:
    from yunhe_cli.outputs.formats import render_document

    fmt = output_format or (OutputFormat.table if sys.stdout.isatty() else OutputFormat.plain)
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    width = None
    if sys.stdout.isatty() or "COLUMNS" in os.environ:  # COLUMNS: a width asked for (scripts, tests)
        import shutil

        width = shutil.get_terminal_size().columns
    sys.stdout.write(render_document(views, doc, fmt, color=color, width=width))


def _repo(data: Path | None, at: str | None = None, as_of: dt.date | None = None) -> tuple[Repository, int]:
    """Validate and load (from git at `at` when given); problems go to stderr and make the exit status 1.

    Nothing done may be dated after today, or after --as-of when that is later: a report as of
    a past day leaves out what came later without calling it wrong.
    """
    repo, _, code = _repo_problems(data, at, as_of)
    return repo, code


def _repo_problems(
    data: Path | None, at: str | None = None, as_of: dt.date | None = None
) -> tuple[Repository, list[Problem], int]:
    """As `_repo`, with every problem found (warnings too)."""
    from yunhe_cli.checks.validation import validate as run_validate
    from yunhe_cli.outputs.problem_printer import render_text

    root = _root(data) if at is None else (data if data is not None else find_data_root())
    today = dt.date.today()
    checked_on = max(as_of, today) if as_of else today
    if at is not None:
        from yunhe_cli.checks.validation import load_at
        from yunhe_cli.store.git import GitError

        try:
            repo, problems = load_at(root, at, checked_on)
        except GitError as exc:
            raise typer.BadParameter(str(exc), param_hint="--at") from None
    else:
        repo, problems = run_validate(root, today=checked_on)
    errors = [p for p in problems if p.severity == "error"]  # warnings are for `yunhe validate`
    if errors:
        sys.stderr.write(render_text(errors, len(repo.files)))
    return repo, problems, 1 if errors else 0


@app.command()
def status(
    data: DataFoldersOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    project: ProjectOption = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="只看此单位牵头的工程。 Only projects this unit leads.")
    ] = None,
    convener: ConvenerOption = None,
    at: AtOption = None,
    counties_file: CountiesOption = None,
) -> None:
    """Where each of the ten projects stands against its 2027 targets, worst first (推进情况)."""
    from dataclasses import replace

    from yunhe_cli.outputs.views import status_json, status_view

    language = lang or default_lang()

    def build(report: StatusReport, query: Query) -> tuple[list[TableView], dict[str, object]]:
        report = replace(report, projects=query.projects_of(report))
        return [status_view(report, language)], status_json(report)

    _each_county(
        data, counties_file, as_of, at, (project, unit, convener, None, False), build, output_format, language
    )


@app.command()
def indicators(
    data: DataFoldersOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    project: ProjectOption = None,
    unit: UnitOption = None,
    convener: ConvenerOption = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="按状态筛选指标。 "
            "Only indicators with this status: achieved, on_track, at_risk, off_track, no_data.",
        ),
    ] = None,
    at: AtOption = None,
    counties_file: CountiesOption = None,
) -> None:
    """主要指标进度表: every indicator against its 2027 target."""
    from yunhe_cli.outputs.views import indicators_json, indicators_view
    from yunhe_cli.reports.rollup import STATUSES

    if status is not None and status not in STATUSES:
        raise typer.BadParameter(f"use one of {', '.join(STATUSES)}", param_hint="--status")
    language = lang or default_lang()

    def build(report: StatusReport, query: Query) -> tuple[list[TableView], dict[str, object]]:
        rows = query.indicators_of(report)
        return [indicators_view(report, rows, language)], indicators_json(report, rows)

    _each_county(
        data,
        counties_file,
        as_of,
        at,
        (project, unit, convener, status, False),
        build,
        output_format,
        language,
    )


@app.command()
def tasks(
    data: DataFoldersOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    project: ProjectOption = None,
    unit: UnitOption = None,
    convener: ConvenerOption = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="按状态筛选任务。 "
            "Only tasks in this state: not_started, in_progress, done, blocked, not_reported.",
        ),
    ] = None,
    overdue: OverdueOption = False,
    at: AtOption = None,
    counties_file: CountiesOption = None,
) -> None:
    """重点任务进度表: every key task, its latest state and what is overdue."""
    from yunhe_cli.outputs.views import tasks_json, tasks_view
    from yunhe_cli.reports.rollup import TASK_STATES

    if status is not None and status not in TASK_STATES:
        raise typer.BadParameter(f"use one of {', '.join(TASK_STATES)}", param_hint="--status")
    language = lang or default_lang()

    def build(report: StatusReport, query: Query) -> tuple[list[TableView], dict[str, object]]:
        rows = query.tasks_of(report)
        return [tasks_view(report, rows, language)], tasks_json(report, rows)

    _each_county(
        data,
        counties_file,
        as_of,
        at,
        (project, unit, convener, status, overdue),
        build,
        output_format,
        language,
    )


@app.command("issues")
def issues_command(
    data: DataFoldersOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    project: ProjectOption = None,
    unit: UnitOption = None,
    convener: ConvenerOption = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="按销号状态筛选问题。 Only problems that are open or closed."),
    ] = None,
    overdue: OverdueOption = False,
    at: AtOption = None,
    counties_file: CountiesOption = None,
) -> None:
    """问题销号进度表: every problem, open, overdue or crossed off."""
    from yunhe_cli.outputs.views import problems_json, problems_view

    if status is not None and status not in ("open", "closed"):
        raise typer.BadParameter("use open or closed", param_hint="--status")
    language = lang or default_lang()

    def build(report: StatusReport, query: Query) -> tuple[list[TableView], dict[str, object]]:
        rows = query.problems_of(report)
        return [problems_view(report, rows, language)], problems_json(report, rows)

    _each_county(
        data,
        counties_file,
        as_of,
        at,
        (project, unit, convener, status, overdue),
        build,
        output_format,
        language,
    )


# --------------------------------------------------------------------------- the working mechanism


@app.command()
def dispatch(
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="YYYY-MM",
            help="调度月份（默认上月）。 Month dispatched (default: last month).",
        ),
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    at: AtOption = None,
) -> None:
    """月调度: reports late or missing, what is overdue by unit and convener, what changed this month."""

    from yunhe_cli.edits.operations import default_period
    from yunhe_cli.outputs.meeting_views import dispatch_json, dispatch_views
    from yunhe_cli.reports.meetings import OutsidePlan, check_period, dispatch_as_of, plan_months
    from yunhe_cli.reports.meetings import dispatch as run_dispatch

    today = as_of or dt.date.today()
    if period is not None and not is_period(period):
        raise typer.BadParameter(f"{period!r} is not a month written YYYY-MM", param_hint="--period")
    repo, code = _repo(data, at, as_of)
    first, last = plan_months(repo)
    # Without --period: last month, held inside the plan's months (before the plan: its first).
    month = period or min(max(default_period(today), first), last)
    try:
        check_period(repo, month)
    except OutsidePlan as exc:
        raise typer.BadParameter(str(exc), param_hint="--period") from None
    # A past month's dispatch is read on the day its reports fell due, unless --as-of says otherwise.
    when = as_of if as_of is not None else dispatch_as_of(repo, month, today)
    result = run_dispatch(repo, month, when)
    _emit_document(dispatch_views(result, lang or default_lang()), dispatch_json(result), output_format)
    raise typer.Exit(code)


@app.command()
def quarter(
    which: Annotated[str, typer.Argument(metavar="YYYY-Qn", help="季度。 The quarter, e.g. 2026-Q3.")],
    data: DataOption = None,
    as_of: Annotated[
        dt.date | None,
        typer.Option(
            "--as-of",
            parser=_parse_date,
            metavar="YYYY-MM-DD",
            help="排名截至日期。 Rank as of this date. Default: the day the quarter's last reports fall due.",
        ),
    ] = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    at: AtOption = None,
) -> None:
    """季分析 (晾晒): indicators and projects ranked against their paths, with the movement."""
    from yunhe_cli.outputs.meeting_views import quarter_json, quarter_views
    from yunhe_cli.reports.meetings import OutsidePlan, check_year, parse_quarter
    from yunhe_cli.reports.meetings import quarter as run_quarter

    try:
        year, q = parse_quarter(which)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="YYYY-Qn") from None
    repo, code = _repo(data, at, as_of)
    try:
        check_year(repo, year)
    except OutsidePlan as exc:
        raise typer.BadParameter(str(exc), param_hint="YYYY-Qn") from None
    result = run_quarter(repo, year, q, as_of)
    _emit_document(quarter_views(result, lang or default_lang()), quarter_json(result), output_format)
    raise typer.Exit(code)


@app.command()
def annual(
    year: Annotated[
        int, typer.Argument(metavar="YYYY", help="年度。 The year, e.g. 2025.", min=2000, max=2100)
    ],
    data: DataOption = None,
    as_of: Annotated[
        dt.date | None,
        typer.Option(
            "--as-of",
            parser=_parse_date,
            metavar="YYYY-MM-DD",
            help="截至日期。 As of this date. Default: the day December's reports fall due.",
        ),
    ] = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    at: AtOption = None,
) -> None:
    """年总结: each indicator's year against its target, tasks done, problems raised and closed, next year."""
    from yunhe_cli.outputs.meeting_views import annual_json, annual_views
    from yunhe_cli.reports.meetings import OutsidePlan, check_year
    from yunhe_cli.reports.meetings import annual as run_annual

    repo, code = _repo(data, at, as_of)
    try:
        check_year(repo, year)
    except OutsidePlan as exc:
        raise typer.BadParameter(str(exc), param_hint="YYYY") from None
    result = run_annual(repo, year, as_of)
    _emit_document(annual_views(result, lang or default_lang()), annual_json(result), output_format)
    raise typer.Exit(code)


@app.command()
def history(
    indicator: Annotated[
        str,
        typer.Argument(
            help="PROJECT.INDICATOR (p01.investment), an id, a name (有效投资) or a unique part of one. "
            "指标：编号或名称。"
        ),
    ],
    data: DataOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    at: AtOption = None,
) -> None:
    """An indicator's monthly series with its expected values, and a sparkline (指标历史)."""
    from yunhe_cli.outputs.meeting_views import history_json, history_views
    from yunhe_cli.reports.meetings import history as run_history
    from yunhe_cli.reports.query import UnknownName, resolve_indicator

    repo, code = _repo(data, at, as_of)
    try:
        project, ind = resolve_indicator(repo, indicator)
    except UnknownName as exc:
        raise typer.BadParameter(str(exc), param_hint="INDICATOR") from None
    today = as_of or dt.date.today()
    points = run_history(repo, project, ind, today)
    views = history_views(project, ind, points, lang or default_lang())
    _emit_document(views, history_json(project, ind, points, today.isoformat()), output_format)
    raise typer.Exit(code)


# --------------------------------------------------------------------------- the audit trail (git)


def _git(root: Path) -> tuple[Git, str]:
    from yunhe_cli.store.git import GitError, open_repository

    try:
        return open_repository(root)
    except GitError as exc:
        raise typer.BadParameter(str(exc), param_hint="--data") from None


def _print_problems(problems: list[object]) -> None:
    from yunhe_cli.core.problems import Problem
    from yunhe_cli.outputs.problem_printer import problem_line

    for p in problems:
        assert isinstance(p, Problem)
        sys.stderr.write(problem_line(p) + "\n")


@app.command("log")
def log_command(
    what: Annotated[
        str | None,
        typer.Argument(
            metavar="[PROJECT[.INDICATOR|.TASK]|PROBLEM-ID]",
            help="工程、指标、任务或问题。 "
            "p01, p01.investment, p01.deployment or p01-002; nothing: every change.",
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", metavar="YYYY-MM", help="只看此月。 Only the figures and tasks of this month."
        ),
    ] = None,
    since: Annotated[
        dt.date | None, _date_option("--since", "起始日期。 Only commits made on or after this day.")
    ] = None,
    until: Annotated[
        dt.date | None, _date_option("--until", "截止日期。 Only commits made on or before this day.")
    ] = None,
    data: DataOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
) -> None:
    """Every change of a figure, a task update or a problem, old → new, with author, date, commit and
    message, newest first (变更记录). Reformatting alone is not a change."""
    import re

    from yunhe_cli.outputs.change_views import log_json, log_view
    from yunhe_cli.reports.changes import Selection
    from yunhe_cli.reports.changes import log as run_log
    from yunhe_cli.store.git import GitError

    if period is not None and not is_period(period):
        raise typer.BadParameter(f"{period!r} is not a month written YYYY-MM", param_hint="--period")
    root = data if data is not None else find_data_root()
    git, prefix = _git(root)
    selection = Selection(period=period, since=since, until=until)
    if what:
        if "." in what:
            project, _, item = what.partition(".")
            selection = Selection(project, item, None, period, since, until)
        elif (root / "projects" / f"{what}.yaml").is_file() or re.fullmatch(r"p\d+", what):
            selection = Selection(what, None, None, period, since, until)
        else:
            # A problem id names its project (p01-002): then only that project's list is read.
            owner = what.rsplit("-", 1)[0]
            in_list = owner if (root / "issues" / f"{owner}.yaml").is_file() else None
            selection = Selection(in_list, None, what, period, since, until)
    try:
        if git.is_shallow():
            raise GitError(
                "this clone is shallow, so the log would miss changes; run `git fetch --unshallow`"
            )
        result = run_log(git, prefix, selection)
    except GitError as exc:
        raise typer.BadParameter(str(exc), param_hint="--data") from None
    if what and not result.known:
        raise typer.BadParameter(f"nothing in the history of {root} is called {what!r}", param_hint="WHAT")
    language = lang or default_lang()
    title = what or ("全部" if language is Lang.zh else "everything")
    _emit(log_view(result, language, title), log_json(result, what or ""), output_format)
    _print_problems(list(result.problems))
    raise typer.Exit(1 if result.problems else 0)


@app.command("diff")
def diff_command(
    revs: Annotated[
        str | None,
        typer.Argument(
            metavar="[REV1..REV2]",
            help="比较的版本。 "
            "REV1..REV2, REV1...REV2 (from their merge base), or REV (against the work tree). "
            "Default: the last commit against the work tree; in a pull request's CI, its base against HEAD.",
        ),
    ] = None,
    staged: Annotated[
        bool,
        typer.Option("--staged", help="与暂存区比较。 Compare with the staged files, not the work tree."),
    ] = False,
    data: DataOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
) -> None:
    """What changed between two states of the data, in its own terms: figures, statuses, tasks done,
    problems opened, closed and reopened, reports submitted (语义差异). Markdown fits a pull request."""
    from yunhe_cli.outputs.change_views import diff_json, diff_views
    from yunhe_cli.reports.changes import diff_states
    from yunhe_cli.store.git import GitError
    from yunhe_cli.store.snapshot import at_revision, work_tree
    from yunhe_cli.store.snapshot import staged as staged_snapshot

    root = data if data is not None else find_data_root()
    git, prefix = _git(root)
    try:
        if revs is None and os.environ.get("GITHUB_BASE_REF"):
            base_ref = f"origin/{os.environ['GITHUB_BASE_REF']}"
            base_name, target_name = git.merge_base(base_ref, "HEAD"), "HEAD"
            base_name = base_name[:10]
        elif revs is None:
            base_name, target_name = "HEAD", ""
        elif "..." in revs:
            a, _, b = revs.partition("...")
            base_name, target_name = git.merge_base(a or "HEAD", b or "HEAD")[:10], b or "HEAD"
        elif ".." in revs:
            a, _, b = revs.partition("..")
            base_name, target_name = a or "HEAD", b or "HEAD"
        else:
            base_name, target_name = revs, ""
        base = at_revision(git, prefix, base_name)
        if target_name:
            target = at_revision(git, prefix, target_name)
        elif staged:
            target, target_name = staged_snapshot(git, prefix), "(staged)"
        else:
            target, _ = work_tree(root)
            target_name = "(work tree)"
    except GitError as exc:
        raise typer.BadParameter(str(exc), param_hint="REV1..REV2") from None
    result = diff_states(base, target, base_name, target_name, as_of or dt.date.today())
    _emit_document(diff_views(result, lang or default_lang()), diff_json(result), output_format)
    errors = [p for p in result.problems if p.severity == "error"]  # warnings are for `yunhe validate`
    _print_problems(list(errors))
    raise typer.Exit(1 if errors else 0)


export_app = typer.Typer(help="Export the three forms of every project (导出三张表单).", no_args_is_help=True)
app.add_typer(export_app, name="export")


def _output_path(out: Path, folder: bool) -> Path:
    """Refuse, as a usage error, an output the system could only refuse with a traceback."""
    param = "DIR" if folder else "OUT.xlsx"
    if folder and out.exists() and not out.is_dir():
        raise typer.BadParameter(f"{out} exists and is not a folder", param_hint=param)
    if not folder and out.is_dir():
        raise typer.BadParameter(f"{out} is a folder; name the workbook to write", param_hint=param)
    for parent in (out, *out.parents) if folder else out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise typer.BadParameter(f"{parent} is a file, not a folder", param_hint=param)
            break
    return out


def _export_failed(out: Path, exc: Exception) -> typer.Exit:
    from yunhe_cli.outputs.problem_printer import safe_text
    from yunhe_cli.store.write import WriteRefused

    reason = (
        exc.problems[0].message
        if isinstance(exc, WriteRefused)
        else (exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__)
    )
    sys.stderr.write(f"{safe_text(str(out))}: cannot write the export: {safe_text(reason)}\n")
    return typer.Exit(1)


@export_app.command("xlsx")
def export_xlsx(
    out: Annotated[Path, typer.Argument(metavar="OUT.xlsx", help="输出的工作簿。 The workbook to write.")],
    data: DataOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    at: AtOption = None,
) -> None:
    """A workbook (三张表单): a summary sheet and the three forms of each project, laid out for printing."""
    from yunhe_cli.outputs.export import write_xlsx
    from yunhe_cli.outputs.problem_printer import safe_text
    from yunhe_cli.reports.rollup import roll_up
    from yunhe_cli.store.write import WriteRefused

    _output_path(out, folder=False)
    repo, code = _repo(data, at, as_of)
    report = roll_up(repo, as_of or dt.date.today())
    try:
        write_xlsx(report, out, lang or default_lang())
    except (OSError, WriteRefused) as exc:
        raise _export_failed(out, exc) from None
    sys.stdout.write(f"wrote {safe_text(str(out))}\n")
    raise typer.Exit(code)


@export_app.command("csv")
def export_csv(
    out: Annotated[
        Path, typer.Argument(metavar="DIR", help="CSV 输出目录。 The folder to write the CSV files to.")
    ],
    data: DataOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    at: AtOption = None,
) -> None:
    """The same tables as CSV files (导出CSV; UTF-8 with BOM, so that Excel opens Chinese correctly).

    A text cell that begins with = + - @, a tab or a carriage return gets a leading ' so that a
    spreadsheet shows it instead of running it as a formula.
    """
    from yunhe_cli.outputs.export import write_csvs
    from yunhe_cli.outputs.problem_printer import safe_text
    from yunhe_cli.reports.rollup import roll_up
    from yunhe_cli.store.write import WriteRefused

    _output_path(out, folder=True)
    repo, code = _repo(data, at, as_of)
    report = roll_up(repo, as_of or dt.date.today())
    try:
        written = write_csvs(report, out, lang or default_lang())
    except (OSError, WriteRefused) as exc:
        raise _export_failed(out, exc) from None
    for path in written:
        sys.stdout.write(f"wrote {safe_text(str(path))}\n")
    raise typer.Exit(code)


@export_app.command("parquet")
def export_parquet(
    out: Annotated[
        Path,
        typer.Argument(
            metavar="DIR", help="快照输出目录。 The folder of the snapshot (kept county by county)."
        ),
    ],
    data: DataFoldersOption = None,
    counties_file: CountiesOption = None,
    as_of: AsOfOption = None,
    at: AtOption = None,
) -> None:
    """快照 Parquet: the roll-up of one county or many as Hive-partitioned Parquet
    (county=…/project=…), for DuckDB,
    Spark or Trino. Needs pip install 'yunhe[parquet]'."""
    from yunhe_cli.outputs.counties import counties
    from yunhe_cli.outputs.parquet import ParquetUnavailable, commit_of, write_county
    from yunhe_cli.outputs.problem_printer import safe_text
    from yunhe_cli.reports.rollup import roll_up

    _output_path(out, folder=True)
    folders = _folders(data, counties_file) or [find_data_root()]
    day = as_of or dt.date.today()
    worst = 0
    for county in counties(folders):
        repo, problems, code = _repo_problems(county.root, at, as_of)
        try:
            written = write_county(
                out, county.label, roll_up(repo, day), repo, problems, commit_of(county.root, at)
            )
        except ParquetUnavailable as exc:
            sys.stderr.write(f"{exc}\n")
            raise typer.Exit(1) from None
        except OSError as exc:
            raise _export_failed(out, exc) from None
        sys.stdout.write(f"wrote {safe_text(county.label)}: {len(written)} tables in {safe_text(str(out))}\n")
        worst = max(worst, code)
    raise typer.Exit(worst)


@app.command()
def site(
    out: Annotated[Path, typer.Argument(metavar="OUT.html", help="输出网页文件。 The page to write.")],
    data: DataOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    at: AtOption = None,
) -> None:
    """One self-contained HTML page: overview, each project's forms and charts, the quarter's
    ranking, problems by owner unit (发布页面). Works offline and prints on A4 landscape."""
    from yunhe_cli.outputs.site import write_site

    repo, code = _repo(data, at)
    write_site(repo, out, as_of or dt.date.today(), lang or default_lang())
    sys.stdout.write(f"wrote {out}\n")
    raise typer.Exit(code)


# --------------------------------------------------------------------------- writing

report_app = typer.Typer(help="Monthly reports (月报).", no_args_is_help=True)
issue_app = typer.Typer(help="Problems to cross off (问题销号): add, close, reopen.", no_args_is_help=True)
app.add_typer(report_app, name="report")
app.add_typer(issue_app, name="issue")


LockTimeoutOption = Annotated[
    float,
    typer.Option(
        "--lock-timeout",
        min=0,
        metavar="SECONDS",
        help="等待写锁的秒数。 "
        "How long to wait for another yunhe writing in the same data folder (default 30).",
    ),
]


def _refused(exc: Exception) -> typer.Exit:
    """The problems that stopped a write, placed, and the assurance that nothing changed."""
    from yunhe_cli.outputs.problem_printer import problem_line
    from yunhe_cli.store.write import WriteRefused

    assert isinstance(exc, WriteRefused)
    for p in exc.problems:
        sys.stderr.write(problem_line(p) + "\n")
    sys.stderr.write("nothing was written\n")
    return typer.Exit(1)


def _notices(problems: list[Problem]) -> None:
    """Problems already in the data, elsewhere than the file written: shown, not blocking."""
    if problems:
        from yunhe_cli.outputs.problem_printer import problem_line

        sys.stderr.write("written; the data already had these problems elsewhere (run yunhe validate):\n")
        sys.stderr.write("".join(problem_line(p) + "\n" for p in problems))


def _root(data: Path | None) -> Path:
    """The data folder: --data, or the nearest one up. Anything that is not a data folder is a
    usage error (exit 2) saying what one is, not an empty report."""
    root = data if data is not None else find_data_root()
    from yunhe_cli.outputs.problem_printer import safe_text

    shown = safe_text(str(root))
    if not root.is_dir():
        raise typer.BadParameter(f"{shown} is not a folder. {DATA_FOLDER_HELP}", param_hint="--data")
    if not any((root / name).exists() for name in ("plan.yaml", "projects", "units.yaml")):
        raise typer.BadParameter(
            f"{shown} is not a yunhe data folder. {DATA_FOLDER_HELP}", param_hint="--data"
        )
    return root


DATA_FOLDER_HELP = (
    "A data folder holds plan.yaml, units.yaml, people.yaml and projects/ (and indicators/, issues/); "
    "`yunhe init DIR` makes one. 数据目录应包含 plan.yaml、units.yaml、people.yaml 和 projects/。"
)


@report_app.command("new")
def report_new(
    project: Annotated[str, typer.Argument(help="工程编号或序号。 Project id (p03) or number (3).")],
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="YYYY-MM",
            help="报送月份（默认上月）。 Month to report (default: last month).",
        ),
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lock_timeout: LockTimeoutOption = 30,
) -> None:
    """Write last month's report (or --period's), ready to fill in; never overwrites (新建月报)."""

    from yunhe_cli.edits.operations import UnknownProject, default_period, write_new_report
    from yunhe_cli.outputs.problem_printer import safe_text
    from yunhe_cli.store.write import WriteRefused

    today = as_of or dt.date.today()
    if period is not None and not is_period(period):
        raise typer.BadParameter(f"{period!r} is not a month written YYYY-MM", param_hint="--period")
    notices: list[Problem] = []
    try:
        path = write_new_report(
            _root(data), project, period or default_period(today), today, lock_timeout, notices
        )
    except WriteRefused as exc:
        raise _refused(exc) from None
    except UnknownProject as exc:
        raise typer.BadParameter(str(exc), param_hint="PROJECT") from None
    sys.stdout.write(f"wrote {safe_text(str(path))}\n")
    _notices(notices)


@issue_app.command("add")
def issue_add(
    project: Annotated[
        str, typer.Option("--project", "-p", help="工程编号或序号。 Project id (p03) or number (3).")
    ],
    title: Annotated[str, typer.Option("--title", help="The problem (问题).")],
    owner: Annotated[str, typer.Option("--owner", help="Unit responsible (责任单位): name, alias or id.")],
    due: Annotated[
        dt.date, typer.Option("--due", parser=_parse_date, metavar="YYYY-MM-DD", help="Due (销号时限).")
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="Where it came from: 月调度, 季分析, 年总结, 督查 or 其他.")
    ] = None,
    raised_on: Annotated[
        dt.date | None, _date_option("--raised-on", "提出日期（默认今天）。 Date raised (default: today).")
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lock_timeout: LockTimeoutOption = 30,
) -> None:
    """Add a problem with the next free id (新增问题)."""
    from yunhe_cli.edits.operations import UnknownProject, UnknownUnit, add_problem
    from yunhe_cli.outputs.problem_printer import safe_text
    from yunhe_cli.store.write import WriteRefused

    today = as_of or dt.date.today()
    notices: list[Problem] = []
    try:
        new_id, path = add_problem(
            _root(data), project, title, owner, due, raised_on or today, source, today, lock_timeout, notices
        )
    except WriteRefused as exc:
        raise _refused(exc) from None
    except UnknownProject as exc:
        raise typer.BadParameter(str(exc), param_hint="--project") from None
    except UnknownUnit as exc:
        raise typer.BadParameter(str(exc), param_hint="--owner") from None
    sys.stdout.write(f"added {new_id} to {safe_text(str(path))}\n")
    _notices(notices)


@issue_app.command("close")
def issue_close(
    problem_id: Annotated[
        str, typer.Argument(metavar="ID", help="问题编号。 The problem's id, e.g. p03-002.")
    ],
    resolution: Annotated[str, typer.Option("--resolution", help="How it was solved (解决情况).")],
    on: Annotated[
        dt.date | None, _date_option("--on", "销号日期（默认今天）。 Date crossed off (default: today).")
    ] = None,
    evidence: Annotated[
        list[str] | None, typer.Option("--evidence", help="Evidence (佐证材料); repeat for more than one.")
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lock_timeout: LockTimeoutOption = 30,
) -> None:
    """Cross a problem off (销号) with its date, resolution and evidence."""
    from yunhe_cli.edits.operations import close_problem
    from yunhe_cli.outputs.problem_printer import safe_text
    from yunhe_cli.store.write import WriteRefused

    today = as_of or dt.date.today()
    notices: list[Problem] = []
    try:
        path = close_problem(
            _root(data), problem_id, on or today, resolution, evidence or [], today, lock_timeout, notices
        )
    except WriteRefused as exc:
        raise _refused(exc) from None
    sys.stdout.write(f"closed {safe_text(problem_id)} in {safe_text(str(path))}\n")
    _notices(notices)


@issue_app.command("reopen")
def issue_reopen(
    problem_id: Annotated[
        str, typer.Argument(metavar="ID", help="问题编号。 The problem's id, e.g. p03-002.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why it is open again (原因).")],
    on: Annotated[
        dt.date | None, _date_option("--on", "重新打开日期（默认今天）。 Date reopened (default: today).")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="由谁重新打开。 Who reopens it (default: git's user.name, if set)."),
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lock_timeout: LockTimeoutOption = 30,
) -> None:
    """Reopen a crossed-off problem (重新打开); the closing it undoes and who reopened it are kept."""
    from yunhe_cli.edits.operations import reopen_problem
    from yunhe_cli.outputs.problem_printer import safe_text
    from yunhe_cli.store.git import user_name
    from yunhe_cli.store.write import WriteRefused

    today = as_of or dt.date.today()
    root = _root(data)
    who = by or user_name(root)
    if not who:
        raise typer.BadParameter("say who reopens it (git has no user.name here)", param_hint="--by")
    notices: list[Problem] = []
    try:
        path = reopen_problem(root, problem_id, on or today, reason, today, who, lock_timeout, notices)
    except WriteRefused as exc:
        raise _refused(exc) from None
    sys.stdout.write(f"reopened {safe_text(problem_id)} in {safe_text(str(path))}\n")
    _notices(notices)


# --------------------------------------------------------------------------- forms (Excel)


@app.command("form")
def form_command(
    project: Annotated[str, typer.Argument(help="工程编号或序号。 Project id (p03) or number (3).")],
    out: Annotated[Path, typer.Argument(metavar="OUT.xlsx", help="输出的工作簿。 The workbook to write.")],
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="YYYY-MM",
            help="报送月份（默认上月）。 Month to report (default: last month).",
        ),
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lang: Annotated[Lang, typer.Option("--lang", help="zh or en (语言). Default: zh.")] = Lang.zh,
) -> None:
    """Write the month's fillable form of a project, for Excel or WPS (月报填报表)."""
    import re

    from yunhe_cli.edits.operations import UnknownProject, default_period
    from yunhe_cli.forms.build import write_form
    from yunhe_cli.outputs.problem_printer import safe_text
    from yunhe_cli.store.write import WriteRefused

    today = as_of or dt.date.today()
    if period is not None and not re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", period):
        raise typer.BadParameter(f"{period!r} is not a month written YYYY-MM", param_hint="--period")
    if out.suffix.lower() != ".xlsx":
        raise typer.BadParameter(f"{out} does not end in .xlsx", param_hint="OUT.xlsx")
    root = _root(data)
    try:
        write_form(root, project, period or default_period(today), out, today, lang)
    except WriteRefused as exc:
        raise _refused(exc) from None
    except UnknownProject as exc:
        raise typer.BadParameter(str(exc), param_hint="PROJECT") from None
    except OSError as exc:
        raise _export_failed(out, exc) from None
    sys.stdout.write(f"wrote {safe_text(str(out))}\n")


@app.command("import")
def import_command(
    forms: Annotated[
        list[Path], typer.Argument(metavar="FORM.xlsx...", help="填好的报表。 Filled forms (yunhe form).")
    ],
    data: DataOption = None,
    as_of: AsOfOption = None,
    revise: Annotated[
        bool,
        typer.Option(
            "--revise",
            help="修订已报送月份（记入 revisions:）。 Forms may change submitted months (see revisions:).",
        ),
    ] = False,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why submitted months change (修订原因); needed by --revise."),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who revises (default: the form's 报送单位).")
    ] = None,
) -> None:
    """Read filled forms into the monthly reports and problem lists; the whole batch or nothing (导入)."""
    from yunhe_cli.forms.read import ImportRefused, import_forms
    from yunhe_cli.store.write import WriteRefused

    if revise and not reason:
        raise typer.BadParameter("--revise needs --reason (修订原因)", param_hint="--reason")
    if reason and not revise:
        raise typer.BadParameter("--reason goes with --revise", param_hint="--reason")
    try:
        result = import_forms(_root(data), forms, as_of or dt.date.today(), revise, reason, by)
    except WriteRefused as exc:
        raise _refused(exc) from None
    except ImportRefused as exc:
        for p in exc.problems:
            sys.stderr.write(p.text() + "\n")
        sys.stderr.write("nothing was written\n")
        raise typer.Exit(1) from None
    for p in result.warnings:
        sys.stderr.write(p.text() + "\n")
    for line in result.actions:
        sys.stdout.write(line + "\n")


@app.command()
def init(
    target: Annotated[Path, typer.Argument(metavar="DIR", help="A new (or empty) folder. 新目录。")],
    first_period: Annotated[
        str | None,
        typer.Option(
            "--first-period",
            metavar="YYYY-MM",
            help="首个报送月。 The first month reports are due for; asked on a terminal, else the month "
            "yunhe init runs in (the month of --as-of).",
        ),
    ] = None,
    org: Annotated[
        str | None,
        typer.Option("--org", help="The git host's organisation, for CODEOWNERS teams. 代码托管组织名。"),
    ] = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
) -> None:
    """Start a county's data repository: the plan's data, schemas, .gitignore, pre-commit, CI,
    CODEOWNERS and a README with the branch protection to turn on (新建数据仓库)."""
    from yunhe_cli.edits.init import InitError, check_target, default_first_period
    from yunhe_cli.edits.init import init as run_init
    from yunhe_cli.outputs.problem_printer import safe_text
    from yunhe_cli.store.shipped import ShippedDataMissing

    try:
        check_target(target)  # before anything is asked
    except InitError as exc:
        raise typer.BadParameter(str(exc), param_hint="DIR") from None
    month = first_period
    if month is None:
        month = default_first_period(as_of or dt.date.today())
        if sys.stdin.isatty():
            month = typer.prompt("First month reported (首个报送月, YYYY-MM)", default=month)
    try:
        written = run_init(target, month, org, (lang or default_lang()).value)
    except InitError as exc:  # the folder was checked above: what is left is the month
        raise typer.BadParameter(str(exc), param_hint="--first-period") from None
    except ShippedDataMissing as exc:
        sys.stderr.write(f"yunhe: {exc}\n")
        raise typer.Exit(1) from None
    for path in written:
        sys.stdout.write(f"wrote {safe_text(str(path))}\n")
    command = _yunhe_command()
    sys.stdout.write(f"next: cd {_shell_word(str(target))} && git init && {command} status\n")


def _yunhe_command() -> str:
    """How to run this yunhe again: `yunhe` when PATH finds this very program, else its full path."""
    import shutil

    program = Path(sys.argv[0])
    if program.name.startswith("yunhe"):
        found = shutil.which("yunhe")
        if found and Path(found).resolve() == program.resolve():
            return "yunhe"
        return _shell_word(str(program.resolve()))
    return f"{_shell_word(sys.executable)} -m yunhe_cli"


def _shell_word(text: str) -> str:
    import shlex

    from yunhe_cli.outputs.problem_printer import safe_text

    return shlex.quote(safe_text(text))


@app.command()
def fmt(
    data: DataOption = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only list the files that need formatting. 只检查，不改写。")
    ] = False,
    output_format: Annotated[
        ProblemFormat,
        typer.Option("--format", help="text, json or github, as for validate. 输出格式，同 validate。"),
    ] = ProblemFormat.text,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", help="Lay out every file again (for CI). 不使用缓存。"),
    ] = False,
    lock_timeout: LockTimeoutOption = 30,
) -> None:
    """Give every data file the canonical layout, so that diffs stay small (格式化).

    A file already found canonical (by its content's digest) is not laid out again; the digests
    live in the user's cache folder, never in the data.
    """
    from yunhe_cli.core.problems import Problem
    from yunhe_cli.edits.operations import CanonicalCache, FormatError, format_file
    from yunhe_cli.outputs.problem_printer import RENDERERS, safe_text, shown_path
    from yunhe_cli.store.loader import discover
    from yunhe_cli.store.write import WriteRefused

    root = _root(data)
    files, problems = discover(root)
    if problems:
        sys.stderr.write(RENDERERS[ProblemFormat.text](problems, len(files)))
        raise typer.Exit(1)
    known = CanonicalCache(None) if no_cache else CanonicalCache.default()
    changed = []
    try:
        for source in files:
            if not format_file(root, source.rel, source.kind, check, lock_timeout, known):
                changed.append(source)
    except WriteRefused as exc:
        raise _refused(exc) from None
    except FormatError as exc:  # only what the data can cause; anything else is a bug, and shows
        found = [
            Problem(
                exc.path, "Y002", f"cannot format: {exc.message}; run yunhe validate", (), exc.line, exc.col
            )
        ]
        _emit_problems(found, len(files), output_format)
        raise typer.Exit(1) from None
    finally:
        known.save()
    if check:
        unformatted = [
            Problem(s.path, "W507", "not in canonical layout; run yunhe fmt", (), 1, 1) for s in changed
        ]
        if unformatted or output_format is not ProblemFormat.text:
            _emit_problems(unformatted, len(files), output_format)
        if unformatted:
            raise typer.Exit(1)
    else:
        for source in changed:
            sys.stdout.write(f"formatted {safe_text(shown_path(source.path))}\n")
    if not changed and output_format is ProblemFormat.text:
        sys.stdout.write(f"{len(files)} files already formatted\n")


def _emit_problems(problems: list[Problem], files: int, output_format: ProblemFormat) -> None:
    """Problems through the one renderer per format: text to stderr, json and github to stdout."""
    from yunhe_cli.outputs.problem_printer import RENDERERS

    text = RENDERERS[output_format](problems, files)
    (sys.stderr if output_format is ProblemFormat.text else sys.stdout).write(text)


@app.command()
def schema(
    out: Annotated[
        Path, typer.Option("--out", help="JSON Schema 输出目录。 Folder to write the JSON Schemas to")
    ] = Path("schemas"),
    check: Annotated[
        bool, typer.Option("--check", help="只检查是否过期。 Only report schema files that are out of date")
    ] = False,
) -> None:
    """Write the JSON Schema of every kind of data file, generated from the models (生成 JSON Schema)."""
    from yunhe_cli.store.schema import stale_schemas, write_schemas

    if check:
        stale = stale_schemas(out)
        for name in stale:
            sys.stderr.write(f"{out / name}: out of date; run `yunhe schema --out {out}`\n")
        raise typer.Exit(1 if stale else 0)
    for path in write_schemas(out):
        sys.stdout.write(f"wrote {path}\n")


@app.command()
def owners(
    data: DataOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="CODEOWNERS 文件。 "
            "The CODEOWNERS file. Default: CODEOWNERS at the top of the git repository of the data.",
            dir_okay=False,
        ),
    ] = None,
    org: Annotated[
        str | None,
        typer.Option(
            "--org",
            help="代码托管组织。 The host's organisation or group: a unit without a team is @ORG/<unit id>.",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="只检查，不写入。 Write nothing; fail (P704) when the file differs from the data."
        ),
    ] = False,
) -> None:
    """Write CODEOWNERS from the plan: each project's reports and problem list to its lead unit's
    team, the plan, projects, units, people and members to the office's (写出代码所有者文件)."""
    import re

    from yunhe_cli.checks.owners import (
        OwnersError,
        codeowners_drift,
        codeowners_target,
        render_codeowners,
        rules_of,
    )
    from yunhe_cli.checks.validation import validate as run_validate
    from yunhe_cli.outputs.problem_printer import render_text
    from yunhe_cli.store.write import atomic_write

    if org is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", org):
        raise typer.BadParameter(f"{org!r} is not an organisation name (letters, digits, - _ .)")
    root = _root(data)
    repo, problems = run_validate(root)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        sys.stderr.write(render_text(errors, len(repo.files)))
        raise typer.Exit(1)
    try:
        target, prefix = codeowners_target(root, out)
        text = render_codeowners(rules_of(repo), prefix, org)
    except OwnersError as exc:
        raise typer.BadParameter(str(exc), param_hint="--org") from None
    if check:
        drift = codeowners_drift(target, text)
        if drift:
            sys.stderr.write(render_text(drift, 1))
            raise typer.Exit(1)
        sys.stdout.write(f"{target} is up to date\n")
        return
    atomic_write(target, text)
    sys.stdout.write(f"wrote {target}\n")


def main() -> None:
    app()
