"""One renderer per output format (pip-audit's `_format/`): a `TableView` in, text out.

- `table`: rich, for a terminal, coloured by status (the text markers ++ + ! !! ? carry the
  same meaning without colour). Every cell goes in as `rich.text.Text`, never as markup, so
  text from the data cannot style or break the table.
- `plain` and `markdown`: tabulate, which measures wide (Chinese) characters with wcwidth.
- `csv`: the standard library, with the stable column keys as the header row. A cell that a
  spreadsheet would run as a formula gets a leading `'` (see `csv_cell`).
- `json`: built from the roll-up (see `views.*_json`), not from the table.

Control characters from the data are escaped in every text format.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .numbers import to_json
from .render_problems import safe_text

if TYPE_CHECKING:  # the CLI imports this module for OutputFormat before any data is loaded
    from .views import Cell, TableView


class OutputFormat(StrEnum):
    table = "table"
    plain = "plain"
    markdown = "markdown"
    csv = "csv"
    json = "json"


STYLES = {
    "achieved": "green",
    "on_track": "cyan",
    "at_risk": "yellow",
    "off_track": "bold red",
    "no_data": "dim",
}


def _text(cell: Cell) -> str:
    return safe_text(cell.text)


# What a spreadsheet program runs as a formula when a CSV cell begins with it (OWASP, "CSV
# Injection"); a signed plain number is read as a number, and is left alone.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"^[-+]?(?:\d[\d,]*)?(?:\.\d+)?%?$")


def csv_cell(text: str) -> str:
    """A CSV cell that a spreadsheet shows as written: a leading ' where it would be a formula."""
    if text.startswith(FORMULA_START) and not (_SIGNED_NUMBER.match(text) and any(c.isdigit() for c in text)):
        return "'" + text
    return text


def render_table(view: TableView, color: bool = False, width: int | None = None) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=Text(safe_text(view.title), style="bold"),
        box=box.SIMPLE_HEAD,
        show_footer=False,
        title_justify="left",
        pad_edge=False,
    )
    for label in view.columns:
        table.add_column(Text(safe_text(label)), overflow="fold")
    for row in view.rows:
        table.add_row(*(Text(_text(c), style=STYLES.get(c.style or "", "")) for c in row))
    if view.footer is not None:
        table.add_section()
        table.add_row(*(Text(_text(c), style="bold") for c in view.footer))
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        color_system="standard" if color else None,
        width=width or 240,
        highlight=False,
        emoji=False,
        markup=False,
        no_color=not color,
    )
    console.print(table)
    if view.legend:
        console.print(Text(safe_text(view.legend), style="dim"))
    # Rich pads every line to the console's width; the padding carries nothing.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _tabulate(view: TableView, fmt: str) -> str:
    from tabulate import tabulate

    rows = [[_text(c) for c in row] for row in view.rows]
    if view.footer is not None:
        rows.append([_text(c) for c in view.footer])
    align = ["right" if view.rows and view.rows[0][i].numeric else "left" for i in range(len(view.columns))]
    body = tabulate(
        rows,
        headers=[safe_text(c) for c in view.columns],
        tablefmt=fmt,
        colalign=align,
        disable_numparse=True,
    )
    return body


def _legend(view: TableView) -> str:
    return f"\n{safe_text(view.legend)}\n" if view.legend else ""


def render_plain(view: TableView, color: bool = False, width: int | None = None) -> str:
    return f"{safe_text(view.title)}\n\n{_tabulate(view, 'simple')}\n{_legend(view)}"


def render_markdown(view: TableView, color: bool = False, width: int | None = None) -> str:
    return f"## {safe_text(view.title)}\n\n{_tabulate(view, 'pipe')}\n{_legend(view)}"


def render_csv(view: TableView, color: bool = False, width: int | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(view.keys or view.columns)
    for row in view.rows:
        writer.writerow([csv_cell(_text(c)) for c in row])
    return buffer.getvalue()


TableRenderer = Callable[["TableView", bool, "int | None"], str]

TABLE_RENDERERS: dict[OutputFormat, TableRenderer] = {
    OutputFormat.table: render_table,
    OutputFormat.plain: render_plain,
    OutputFormat.markdown: render_markdown,
    OutputFormat.csv: render_csv,
}


def _json_default(value: object) -> object:
    """Figures are Decimals: a JSON number (an int when whole); NaN never reaches the document."""
    if isinstance(value, Decimal):
        return to_json(value, 10)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def render_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, default=_json_default, allow_nan=False) + "\n"


def render_document(
    views: list[TableView],
    doc: dict[str, Any],
    fmt: OutputFormat,
    color: bool = False,
    width: int | None = None,
) -> str:
    """Several tables, one after another (a meeting paper): JSON is the whole document.

    Every format has exactly one renderer (a test checks the mapping is exhaustive).
    """
    if fmt is OutputFormat.json:
        return render_json(doc)
    parts = [TABLE_RENDERERS[fmt](view, color, width) for view in views]
    if fmt is OutputFormat.markdown and parts:
        parts[0] = "# " + parts[0].removeprefix("## ")  # the first section's title heads the paper
    return "\n".join(parts)
