"""Exports of the three forms (主要指标进度表, 重点任务进度表, 问题销号进度表) for the county office.

Nothing from the data is ever run by a spreadsheet: every text cell of the workbook is stored
as a string (openpyxl would store text beginning with `=` as a formula), and a CSV cell that
begins with = + - @, a tab or a carriage return gets a leading `'` (OWASP's advice).

`write_xlsx` lays each table on a sheet as an office prints it: a title row, a frozen header
row, Chinese headers, widths that fit Chinese text (measured with wcwidth), status colours,
landscape pages one sheet wide with the header repeated. `write_csvs` writes the same tables
as CSV in UTF-8 with a BOM, which Excel needs to open Chinese text correctly.

When a quarter has fallen due, the last two sheets are its board (工程排名, 指标排名): the one
board `reports.board.latest_board` gives `yunhe quarter` and the site, read on its board day.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from wcwidth import wcswidth

from yunhe_cli.outputs.formats import FORMULA_START, csv_document
from yunhe_cli.outputs.labels import Lang, t
from yunhe_cli.outputs.meeting_views import quarter_json, quarter_views
from yunhe_cli.outputs.problem_printer import safe_text
from yunhe_cli.outputs.views import Cell, TableView, indicators_view, problems_view, status_view, tasks_view
from yunhe_cli.reports.quarterly import Quarter
from yunhe_cli.reports.rollup import StatusReport
from yunhe_cli.store.write import atomic_write

FILLS = {
    "achieved": "C6EFCE",
    "on_track": "DDEBF7",
    "at_risk": "FFEB9C",
    "off_track": "FFC7CE",
    "no_data": "EDEDED",
}
NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?%?$")
MAX_WIDTH = 60


def sheets(report: StatusReport, lang: Lang, board: Quarter | None = None) -> list[tuple[str, TableView]]:
    """(sheet name, table) for the summary and each project's three forms, in project order, then
    the quarter's board (its projects and its indicators ranked) when one is given."""
    out = [(t("sheet.summary", lang), status_view(report, lang))]
    for p in sorted(report.projects, key=lambda p: p.number):
        out.append(
            (
                t("sheet.indicators", lang, n=p.number),
                _titled(indicators_view(report, p.indicators, lang), p.name),
            )
        )
        out.append((t("sheet.tasks", lang, n=p.number), _titled(tasks_view(report, p.tasks, lang), p.name)))
        out.append(
            (t("sheet.problems", lang, n=p.number), _titled(problems_view(report, p.problems, lang), p.name))
        )
    if board is not None:
        _, projects, indicators = quarter_views(board, lang)
        which = {"year": board.year, "quarter": board.quarter}
        out.append((t("sheet.board.projects", lang, **which), projects))
        out.append((t("sheet.board.indicators", lang, **which), indicators))
    return out


def _titled(view: TableView, project_name: str) -> TableView:
    from dataclasses import replace

    return replace(view, title=f"{project_name}  {view.title}")


def _put(sheet: Any, row: int, column: int, value: str | float | int | dt.date) -> Any:
    """Write a cell; text always as a string, never as a formula."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl types text that begins with '=' as a formula
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def cell_value(cell: Cell) -> str | float | int | dt.date:
    """What goes in a spreadsheet cell: the number or date itself where the view has it (stored as a
    number or a date, with its format), a count as a number, else the text."""
    if isinstance(cell.value, Decimal):
        return int(cell.value) if cell.value == cell.value.to_integral_value() else float(cell.value)
    if isinstance(cell.value, (int, dt.date)):
        return cell.value
    text = cell.text.strip()
    if cell.numeric and NUMBER.match(text) and "%" not in text:
        number = float(text.replace(",", ""))
        return int(number) if number.is_integer() else number
    return safe_text(cell.text)


def number_format(cell: Cell, value: object) -> str | None:
    if isinstance(value, dt.date):
        return "yyyy-mm-dd"
    if cell.percent and isinstance(value, (int, float)):
        return "0.0%"
    if isinstance(value, float):
        return "#,##0.00##"
    return None


def write_xlsx(
    report: StatusReport,
    out: Path,
    lang: Lang,
    board: Quarter | None = None,
    extra: Sequence[tuple[str, TableView, str]] = (),
) -> Path:
    """The workbook; `board` adds a quarter's board after the projects' forms, `extra` (sheet name,
    table, CSV text) adds sheets after that."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, view in [*sheets(report, lang, board), *((name, view) for name, view, _ in extra)]:
        sheet = book.create_sheet(title=name[:31])
        columns = len(view.columns)
        _put(sheet, 1, 1, safe_text(view.title)).font = Font(bold=True, size=14)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(columns, 1))
        widths = [wcswidth(label) for label in view.columns]
        for col, label in enumerate(view.columns, 1):
            cell = _put(sheet, 2, col, label)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9D9D9")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
        rows = list(view.rows) + ([view.footer] if view.footer else [])
        for r, row in enumerate(rows, 3):
            for col, source in enumerate(row, 1):
                value = cell_value(source)
                cell = _put(sheet, r, col, value)
                cell.border = border
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                shown_as = number_format(source, value)
                if shown_as is not None:
                    cell.number_format = shown_as
                if source.style in FILLS:
                    cell.fill = PatternFill("solid", fgColor=FILLS[source.style])
                widths[col - 1] = max(widths[col - 1], wcswidth(source.text) if source.text else 0)
        for col, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(col)].width = min(MAX_WIDTH, max(6, width + 2))
        sheet.freeze_panes = "A3"
        sheet.print_title_rows = "2:2"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    # Saved whole, then written by the one atomic write: an interrupted export leaves no half workbook.
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write(out, buffer.getvalue())
    return out


def csv_name(index: int, sheet: str) -> str:
    return f"{index:02d}-{re.sub(r'[^0-9A-Za-z一-鿿-]+', '_', sheet)}.csv"


def documents(report: StatusReport, board: Quarter | None = None) -> list[dict[str, Any]]:
    """The JSON documents of the summary, of each project's three forms and of the board's two
    tables (`yunhe quarter --format json`, one table each), in sheet order."""
    from yunhe_cli.outputs.views import indicators_json, problems_json, status_json, tasks_json

    out = [status_json(report)]
    for p in sorted(report.projects, key=lambda p: p.number):
        out += [
            indicators_json(report, p.indicators),
            tasks_json(report, p.tasks),
            problems_json(report, p.problems),
        ]
    if board is not None:
        doc = quarter_json(board)
        heading = {k: v for k, v in doc.items() if k not in ("projects", "indicators")}
        out += [{**heading, "projects": doc["projects"]}, {**heading, "indicators": doc["indicators"]}]
    return out


def write_csvs(
    report: StatusReport,
    folder: Path,
    lang: Lang,
    board: Quarter | None = None,
    extra: Sequence[tuple[str, TableView, str]] = (),
) -> list[Path]:
    """The tables as CSV files: the same projection of the JSON documents as `--format csv`
    (raw numbers, ISO dates, the JSON keys), named by the sheets, with a BOM for Excel; `extra`
    (sheet name, table, CSV text) adds files after them, numbered on."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    names = [name for name, _ in sheets(report, lang, board)]
    for index, (name, doc) in enumerate(zip(names, documents(report, board), strict=True)):
        path = folder / csv_name(index, name)
        atomic_write(path, "\ufeff" + csv_document(doc))  # the BOM tells Excel the file is UTF-8
        written.append(path)
    for index, (name, _view, text) in enumerate(extra, len(names)):
        path = folder / csv_name(index, name)
        atomic_write(path, "\ufeff" + text)
        written.append(path)
    return written
