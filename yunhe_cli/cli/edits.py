"""The commands that change the data: `yunhe report new`, `yunhe issue add|close|reopen` and
`yunhe fmt`. Each write is checked and atomic; what refused it is printed and nothing changes."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from yunhe_cli.cli.options import (
    AsOfOption,
    DataOption,
    LockTimeoutOption,
    PeriodOption,
    check_month_given,
    data_root,
    date_option,
    parse_date,
)
from yunhe_cli.cli.printing import emit_problems, notice, notices, refused, run_lang, run_write
from yunhe_cli.outputs.problem_printer import ProblemFormat

if TYPE_CHECKING:
    from pathlib import Path

    from yunhe_cli.core.problems import Problem

report_app = typer.Typer(help="Monthly reports (月报).", no_args_is_help=True)
issue_app = typer.Typer(help="Problems to cross off (问题销号): add, close, reopen.", no_args_is_help=True)


@report_app.command("new")
def report_new(
    project: Annotated[str, typer.Argument(help="工程编号或序号。 Project id (p03) or number (3).")],
    period: PeriodOption = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lock_timeout: LockTimeoutOption = 30,
) -> None:
    """Write last month's report (or --period's), ready to fill in; never overwrites (新建月报)."""

    from yunhe_cli.edits.drafts import default_period, write_new_report
    from yunhe_cli.edits.session import UnknownProject
    from yunhe_cli.store.write import WriteRefused

    today = as_of or dt.date.today()
    check_month_given(period)
    elsewhere: list[Problem] = []
    try:
        path = write_new_report(
            data_root(data), project, period or default_period(today), today, lock_timeout, elsewhere
        )
    except WriteRefused as exc:
        raise refused(exc) from None
    except UnknownProject as exc:
        raise typer.BadParameter(str(exc), param_hint="PROJECT") from None
    notice("wrote", path=path)
    notices(elsewhere)


@issue_app.command("add")
def issue_add(
    project: Annotated[
        str, typer.Option("--project", "-p", help="工程编号或序号。 Project id (p03) or number (3).")
    ],
    title: Annotated[str, typer.Option("--title", help="The problem (问题).")],
    owner: Annotated[str, typer.Option("--owner", help="Unit responsible (责任单位): name, alias or id.")],
    due: Annotated[
        dt.date, typer.Option("--due", parser=parse_date, metavar="YYYY-MM-DD", help="Due (销号时限).")
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="Where it came from: 月调度, 季分析, 年总结, 督查 or 其他.")
    ] = None,
    raised_on: Annotated[
        dt.date | None, date_option("--raised-on", "提出日期（默认今天）。 Date raised (default: today).")
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lock_timeout: LockTimeoutOption = 30,
) -> None:
    """Add a problem with the next free id (新增问题)."""
    from yunhe_cli.edits.problems import add_problem

    today = as_of or dt.date.today()
    added: list[str] = []

    def action(elsewhere: list[Problem]) -> Path:
        new_id, path = add_problem(
            data_root(data),
            project,
            title,
            owner,
            due,
            raised_on or today,
            source,
            today,
            lock_timeout,
            elsewhere,
        )
        added.append(new_id)
        return path

    run_write(
        action,
        lambda: ("notice.problem_added", {"id": added[0]}),
        project_hint="--project",
        unit_hint="--owner",
    )


@issue_app.command("close")
def issue_close(
    problem_id: Annotated[
        str, typer.Argument(metavar="ID", help="问题编号。 The problem's id, e.g. p03-002.")
    ],
    resolution: Annotated[str, typer.Option("--resolution", help="How it was solved (解决情况).")],
    on: Annotated[
        dt.date | None, date_option("--on", "销号日期（默认今天）。 Date crossed off (default: today).")
    ] = None,
    evidence: Annotated[
        list[str] | None, typer.Option("--evidence", help="Evidence (佐证材料); repeat for more than one.")
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lock_timeout: LockTimeoutOption = 30,
) -> None:
    """Cross a problem off (销号) with its date, resolution and evidence."""
    from yunhe_cli.edits.problems import close_problem

    today = as_of or dt.date.today()
    root = data_root(data)
    run_write(
        lambda seen: close_problem(
            root, problem_id, on or today, resolution, evidence or [], today, lock_timeout, seen
        ),
        ("notice.problem_closed", {"id": problem_id}),
    )


@issue_app.command("reopen")
def issue_reopen(
    problem_id: Annotated[
        str, typer.Argument(metavar="ID", help="问题编号。 The problem's id, e.g. p03-002.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why it is open again (原因).")],
    on: Annotated[
        dt.date | None, date_option("--on", "重新打开日期（默认今天）。 Date reopened (default: today).")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", help="由谁重新打开。 Who reopens it (default: git's author, git var GIT_AUTHOR_IDENT)."
        ),
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lock_timeout: LockTimeoutOption = 30,
) -> None:
    """Reopen a crossed-off problem (重新打开); the closing it undoes and who reopened it are kept."""
    from yunhe_cli.edits.problems import reopen_problem
    from yunhe_cli.store.git import user_name

    today = as_of or dt.date.today()
    root = data_root(data)
    who = by or user_name(root)
    if not who:
        raise typer.BadParameter("say who reopens it (git has no author identity here)", param_hint="--by")
    run_write(
        lambda seen: reopen_problem(root, problem_id, on or today, reason, today, who, lock_timeout, seen),
        ("notice.problem_reopened", {"id": problem_id}),
    )


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
    from yunhe_cli.edits.fmt import CanonicalCache, FormatError, format_file
    from yunhe_cli.outputs.problem_printer import RENDERERS, shown_path
    from yunhe_cli.store.loader import discover
    from yunhe_cli.store.write import WriteRefused

    root = data_root(data)
    files, problems = discover(root)
    if problems:
        sys.stderr.write(RENDERERS[ProblemFormat.text](problems, len(files), run_lang()))
        raise typer.Exit(1)
    known = CanonicalCache(None) if no_cache else CanonicalCache.default()
    changed = []
    try:
        for source in files:
            if not format_file(root, source.rel, source.kind, check, lock_timeout, known):
                changed.append(source)
    except WriteRefused as exc:
        raise refused(exc) from None
    except FormatError as exc:  # only what the data can cause; anything else is a bug, and shows
        found = [
            Problem(
                exc.path, "Y002", f"cannot format: {exc.message}; run yunhe validate", (), exc.line, exc.col
            )
        ]
        emit_problems(found, len(files), output_format)
        raise typer.Exit(1) from None
    finally:
        known.save()
    if check:
        unformatted = [
            Problem(s.path, "W507", "not in canonical layout; run yunhe fmt", (), 1, 1) for s in changed
        ]
        if unformatted or output_format is not ProblemFormat.text:
            emit_problems(unformatted, len(files), output_format)
        if unformatted:
            raise typer.Exit(1)
    else:
        for source in changed:
            notice("notice.formatted", path=shown_path(source.path))
    if not changed and output_format is ProblemFormat.text:
        notice("notice.all_formatted", files=len(files))
