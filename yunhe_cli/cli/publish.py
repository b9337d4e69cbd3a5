"""What is published from the data: `yunhe export` (xlsx, csv, parquet) and `yunhe site` (one
self-contained HTML page)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from yunhe_cli.cli.loading import load_repo, load_repo_problems
from yunhe_cli.cli.options import (
    AsOfOption,
    AtOption,
    CountiesOption,
    DataFoldersOption,
    DataOption,
    LangOption,
    ReportOptions,
    find_data_root,
)
from yunhe_cli.cli.printing import export_failed, notice

export_app = typer.Typer(help="Export the three forms of every project (导出三张表单).", no_args_is_help=True)


def output_path(out: Path, folder: bool) -> Path:
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
    from yunhe_cli.outputs.mechanism_export import mechanism_tables
    from yunhe_cli.reports.board import latest_board
    from yunhe_cli.reports.rollup import roll_up
    from yunhe_cli.store.write import WriteRefused

    output_path(out, folder=False)
    options = ReportOptions.of(data, as_of=as_of, at=at, lang=lang)
    repo, code = load_repo(options.data, options.at, options.as_of)
    report = roll_up(repo, options.today)
    try:
        write_xlsx(
            report,
            out,
            options.lang,
            latest_board(repo, options.today),
            mechanism_tables(repo, report.as_of, options.lang),
        )
    except (OSError, WriteRefused) as exc:
        raise export_failed(out, exc) from None
    notice("wrote", options.lang, path=out)
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
    from yunhe_cli.outputs.mechanism_export import mechanism_tables
    from yunhe_cli.reports.board import latest_board
    from yunhe_cli.reports.rollup import roll_up
    from yunhe_cli.store.write import WriteRefused

    output_path(out, folder=True)
    options = ReportOptions.of(data, as_of=as_of, at=at, lang=lang)
    repo, code = load_repo(options.data, options.at, options.as_of)
    report = roll_up(repo, options.today)
    try:
        written = write_csvs(
            report,
            out,
            options.lang,
            latest_board(repo, options.today),
            mechanism_tables(repo, report.as_of, options.lang),
        )
    except (OSError, WriteRefused) as exc:
        raise export_failed(out, exc) from None
    for path in written:
        notice("wrote", options.lang, path=path)
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
    (county=NAME/project=ID), for DuckDB,
    Spark or Trino. Needs pip install 'yunhe[parquet]'."""
    from yunhe_cli.core.progress import each
    from yunhe_cli.outputs.counties import counties, label
    from yunhe_cli.outputs.parquet import ParquetUnavailable, commit_of, refusal, write_county
    from yunhe_cli.outputs.problem_printer import safe_text
    from yunhe_cli.reports.rollup import roll_up

    output_path(out, folder=True)
    options = ReportOptions.of(data, counties_file=counties_file, as_of=as_of, at=at)
    day = options.today
    worst = 0
    places = counties(list(options.folders) or [find_data_root()])
    for county in places:  # every county checked before any is written
        why = refusal(out, county.label, county.root)
        if why is not None:
            raise typer.BadParameter(safe_text(why), param_hint="DIR")
    for county in each("progress.counties", places, label):
        repo, problems, code = load_repo_problems(county.root, options.at, options.as_of)
        try:
            written = write_county(
                out, county.label, roll_up(repo, day), repo, problems, commit_of(county.root, options.at)
            )
        except ParquetUnavailable as exc:
            sys.stderr.write(f"{exc}\n")
            raise typer.Exit(1) from None
        except OSError as exc:
            raise export_failed(out, exc) from None
        notice("notice.parquet_wrote", county=county.label, count=len(written), path=out)
        worst = max(worst, code)
    raise typer.Exit(worst)


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

    options = ReportOptions.of(data, as_of=as_of, at=at, lang=lang)
    repo, code = load_repo(options.data, options.at)  # checked as of today, whatever --as-of says
    write_site(repo, out, options.today, options.lang)
    notice("wrote", options.lang, path=out)
    raise typer.Exit(code)
