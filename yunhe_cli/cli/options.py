"""The options the commands share, declared once, and the bundle a report command runs on.

Each shared option is a typed Annotated alias (`DataOption`, `AsOfOption`, `FormatOption` …)
reused by every command that takes it, so its flag, metavar and help are written in one place.
A report command turns what it was given into one frozen `ReportOptions` (hledger's ReportSpec),
built once per run; `cli.loading` loads the data it names and `cli.printing` prints the result.

Also here: reading a date, the data folders asked for (--data, --counties) and where the data
folder is when none is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from yunhe_cli.outputs.formats import OutputFormat
from yunhe_cli.outputs.labels import Lang, default_lang

DATA_FOLDER_HELP = (
    "A data folder holds plan.yaml, units.yaml, people.yaml and projects/ (and indicators/, issues/); "
    "`yunhe init DIR` makes one. 数据目录应包含 plan.yaml、units.yaml、people.yaml 和 projects/。"
)


def parse_date(value: str | None) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) from the command line; anything else is a usage error."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


def check_month_given(period: str | None, param_hint: str = "--period") -> None:
    """A month given on the command line, or a usage error saying what is wrong with it."""
    from yunhe_cli.core.periods import period_fault

    fault = None if period is None else period_fault(period)
    if fault is not None:
        raise typer.BadParameter(fault, param_hint=param_hint)


def date_option(name: str, help_text: str) -> object:
    """A date option named `name` (YYYY-MM-DD), read by `parse_date`."""
    return typer.Option(name, parser=parse_date, metavar="YYYY-MM-DD", help=help_text)


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
AsOfOption = Annotated[
    dt.date | None,
    typer.Option(
        "--as-of",
        parser=parse_date,
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
LANG_HELP = (
    "语言：zh 或 en。默认取数据 plan.yaml 的 language，其次 YUNHE_LANG，再次系统语言环境。 "
    "zh or en. Default: plan.yaml's language, then $YUNHE_LANG, then the locale."
)
LangOption = Annotated[Lang | None, typer.Option("--lang", metavar="zh|en", help=LANG_HELP)]
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
LeadUnitOption = Annotated[
    str | None, typer.Option("--unit", help="只看此单位牵头的工程。 Only projects this unit leads.")
]
ConvenerOption = Annotated[
    str | None, typer.Option("--convener", help="Only the projects of this convener (召集人).")
]
OverdueOption = Annotated[bool, typer.Option("--overdue", help="Only what is overdue (逾期).")]
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="REV|YYYY-MM-DD",
        help="按提交版本或日期读取数据。 "
        "Read the data as committed at this git revision (a commit, tag or branch) or, for a day, "
        "at the last commit on or before it; from git's objects, the work tree is not read. "
        "--as-of still sets the date.",
    ),
]
NoPagerOption = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        help="不用分页器。 Print straight to the terminal, not through $YUNHE_PAGER, $PAGER or less.",
    ),
]


def parse_count(value: str | None) -> int | None:
    """How many (1 or more) from the command line; anything else is a usage error."""
    if value is None:
        return None
    if not value.strip().isdigit() or int(value) < 1:
        raise typer.BadParameter(f"{value!r} is not a number of changes: write 1 or more")
    return int(value)


MaxCountOption = Annotated[
    int | None,
    typer.Option(
        "--max-count",
        "-n",
        parser=parse_count,
        metavar="N",
        help="只显示最新的 N 条。 Only the N newest changes.",
    ),
]
PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        metavar="YYYY-MM",
        help="报送月份（默认上月）。 Month to report (default: last month).",
    ),
]


class SortOrder(StrEnum):
    worst = "worst"
    plan = "plan"


SortOption = Annotated[
    SortOrder,
    typer.Option(
        "--sort",
        help="排序：worst 最需处理的在前（默认），plan 按方案顺序。 "
        "worst: what needs attention first (default; the rule is printed under the table); "
        "plan: the plan's order.",
    ),
]
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


@dataclass(frozen=True)
class ReportOptions:
    """What a report command was asked for, once per run: where the data is, when, how to show it.

    `folders` are the data folders named by --data and --counties (none: the default folder; more
    than one: each county reported on its own). The filters (project, unit, convener, status,
    overdue) are names as typed, resolved against each county's data when it is loaded.
    """

    folders: tuple[Path, ...] = ()
    as_of: dt.date | None = None
    at: str | None = None
    output_format: OutputFormat | None = None
    lang: Lang = Lang.zh
    project: str | None = None
    unit: str | None = None
    convener: str | None = None
    status: str | None = None
    overdue: bool = False
    sort: SortOrder = SortOrder.worst  # worst first (reports.ordering), or the plan's order

    @classmethod
    def of(
        cls,
        data: Path | list[Path] | None = None,
        *,
        counties_file: Path | None = None,
        as_of: dt.date | None = None,
        at: str | None = None,
        output_format: OutputFormat | None = None,
        lang: Lang | None = None,
        project: str | None = None,
        unit: str | None = None,
        convener: str | None = None,
        status: str | None = None,
        overdue: bool = False,
        sort: SortOrder = SortOrder.worst,
    ) -> ReportOptions:
        """The bundle from the options as parsed: --counties read, the language settled."""
        given = [data] if isinstance(data, Path) else data
        folders_ = folders(given, counties_file)
        return cls(
            tuple(folders_),
            as_of,
            at,
            output_format,
            settled_lang(lang, folders_[0] if folders_ else None),
            project,
            unit,
            convener,
            status,
            overdue,
            sort,
        )

    @property
    def data(self) -> Path | None:
        """The one data folder asked for (None: the default one)."""
        return self.folders[0] if self.folders else None

    @property
    def today(self) -> dt.date:
        """The day reported on: --as-of, else today."""
        return self.as_of or dt.date.today()


ARGS: ContextVar[tuple[str, ...]] = ContextVar("yunhe_args", default=())


def _values_of(args: Sequence[str], name: str) -> list[str]:
    """The values typed after `name`, in order (a command's own --lang after yunhe's)."""
    found = []
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            found.append(args[i + 1])
        elif arg.startswith(name + "="):
            found.append(arg[len(name) + 1 :])
    return found


def usage_lang(args: Sequence[str] | None = None, data: Path | None = None) -> Lang:
    """The language of a run from the words typed: --lang (yunhe's or the command's), else the
    data's own (`language:` in plan.yaml of `data`, of --data, or of the folder yunhe finds),
    $YUNHE_LANG, the locale. Never fails: a usage error must still be said."""
    args = ARGS.get() if args is None else args
    given = [value for value in _values_of(args, "--lang") if value in ("zh", "en")]
    if given:
        return Lang(given[-1])
    from yunhe_cli.store.layout import plan_language

    if data is None:
        typed = _values_of(args, "--data")
        data = Path(typed[0]) if typed else None
    try:
        return default_lang(plan_language(data if data is not None else find_data_root()))
    except (OSError, ValueError):
        return default_lang()


def settled_lang(lang: Lang | None, data: Path | None = None) -> Lang:
    """The language of this run: the command's --lang, else `yunhe --lang`, else the data's own
    (`language:` in the plan.yaml of `data`, of --data, or of the folder yunhe finds), then
    $YUNHE_LANG, then the locale."""
    if lang is not None:
        return lang
    return usage_lang(data=data)


def folders(data: list[Path] | None, listing: Path | None) -> list[Path]:
    """The data folders asked for: every --data, then the listing's (none: the default folder)."""
    found = list(data or [])
    if listing is not None:
        from yunhe_cli.outputs.counties import ListingError, read_listing

        try:
            found += read_listing(listing)
        except ListingError as exc:
            raise typer.BadParameter(str(exc), param_hint="--counties") from None
    return found


def find_data_root(start: Path | None = None) -> Path:
    """./data, or walk up like git does to the first folder holding plan.yaml or data/plan.yaml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "plan.yaml").is_file():
            return display_path(folder / "data")
        if (folder / "plan.yaml").is_file():
            return display_path(folder)
    return Path("data")


def display_path(path: Path) -> Path:
    """`path` relative to the working folder when it lies under it, else as it is."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def data_root(data: Path | None) -> Path:
    """The data folder: --data, or the nearest one up. Anything that is not a data folder is a
    usage error (exit 2) saying what one is, not an empty report."""
    root = data if data is not None else find_data_root()
    from yunhe_cli.outputs.problem_printer import safe_text

    shown = safe_text(str(root))
    if data is None and not root.is_dir():  # --data not given and none found: say where yunhe looked
        from typer._click.exceptions import UsageError

        looked = safe_text(str(Path.cwd()))
        raise UsageError(
            f"no data folder here: {looked} has no plan.yaml or data/plan.yaml, nor any folder above it. "
            f"Give --data DIR. {DATA_FOLDER_HELP}"
        )
    if not root.is_dir():
        raise typer.BadParameter(f"{shown} is not a folder. {DATA_FOLDER_HELP}", param_hint="--data")
    if not any((root / name).exists() for name in ("plan.yaml", "projects", "units.yaml")):
        raise typer.BadParameter(
            f"{shown} is not a yunhe data folder. {DATA_FOLDER_HELP}", param_hint="--data"
        )
    return root
