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

from yunhe_cli.core.numbers import to_json
from yunhe_cli.outputs.problem_printer import safe_text

if TYPE_CHECKING:  # the CLI imports this module for OutputFormat before any data is loaded
    from yunhe_cli.outputs.views import Cell, TableView


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


def _widths(view: TableView, short: bool) -> list[tuple[int, int, bool]]:
    """Per column: its widest cell, the narrowest it may wrap to, and whether its text may wrap."""
    from rich.cells import cell_len

    every = (*view.rows, *((view.footer,) if view.footer else ()))
    out = []
    for i, label in enumerate(view.columns):
        key = view.keys[i] if i < len(view.keys) else ""
        texts = [_shown(row[i], short) for row in every]
        header = _word_min(safe_text(label))
        widest = max((cell_len(x) for x in texts), default=1)
        # A short name is kept whole: it is the shortest the plan writes a project.
        whole = [cell_len(_shown(row[i], short)) for row in every if short and row[i].short]
        narrowest = max([header, *whole, *(_word_min(x) for x in texts)])
        out.append((max(widest, header), narrowest, not view.wrap or key in view.wrap))
    return out


def _word_min(text: str) -> int:
    """The narrowest a text may wrap to: its longest English word whole, or two Chinese characters."""
    from rich.cells import cell_len

    return max((cell_len(w) if w.isascii() else min(cell_len(w), 4) for w in text.split()), default=1)


def _wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells: between words, or between Chinese characters."""
    from rich.cells import cell_len

    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if cell_len(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for ch in word if cell_len(word) > width else [word]:
            if cell_len(current + ch) > width:
                lines.append(current)
                current = ""
            current += ch
    lines.append(current)
    return lines


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
    """A rich table that never breaks a number, a date or a ratio across lines.

    When the table is wider than the terminal, projects go by their short names, columns are
    one space apart and only text columns wrap; when even that cannot fit, each row is printed
    as a block of `label  value` lines (as psql's expanded display does)."""

    console_width = width or 240
    widths = _widths(view, False)
    natural = sum(w for w, _, _ in widths) + 3 * len(widths)
    if natural <= console_width:
        return _rich_table(view, color, console_width, short=False, gap=1)
    widths = _widths(view, True)
    # One space between columns, none at the edges: the narrowest the table can be.
    narrowest = sum(least if wraps else w for w, least, wraps in widths) + len(widths) - 1
    if narrowest <= console_width:
        fixed = _allocate(widths, console_width)
        out = _rich_table(view, False, console_width, short=True, gap=0, fixed=fixed)
        if _intact(view, out):  # a safety net: if rich still squeezed a column, rows go as blocks
            return _rich_table(view, color, console_width, short=True, gap=0, fixed=fixed) if color else out
    return _records(view, console_width)


def _allocate(widths: list[tuple[int, int, bool]], console_width: int) -> list[int]:
    """Every column's width for a narrow table: fixed columns their widest cell, text columns their
    narrowest plus a share of what is left, in proportion to how much more they could use."""
    out = [least if wraps else widest for widest, least, wraps in widths]
    spare = console_width - (sum(out) + len(out) - 1)
    wants = [widest - least if wraps else 0 for widest, least, wraps in widths]
    total = sum(wants)
    if spare > 0 and total:
        for i, want in enumerate(wants):
            out[i] += min(want, spare * want // total)
    return out


def _intact(view: TableView, out: str) -> bool:
    """Whether every cell of a column that does not wrap stands whole on its row's first line."""
    lines = out.splitlines()
    at = 0
    for row in view.rows:
        first = next(
            (i for i in range(at, len(lines)) if lines[i].split()[:1] == [_shown(row[0], True)]), None
        )
        if first is None:
            return False
        at, rest = first + 1, lines[first]
        for i, cell in enumerate(row):
            key = view.keys[i] if i < len(view.keys) else ""
            if (view.wrap and key in view.wrap) or not cell.text:
                continue
            shown = _shown(cell, True)
            if shown not in rest:
                return False
            rest = rest[rest.index(shown) + len(shown) :]
    return True


def _rich_table(
    view: TableView, color: bool, console_width: int, short: bool, gap: int, fixed: list[int] | None = None
) -> str:
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
        show_edge=False,
        padding=(0, gap, 0, gap),  # plus the one-space column separator of box.SIMPLE_HEAD
    )
    for i, ((widest, least, wraps), label) in enumerate(zip(_widths(view, short), view.columns, strict=True)):
        if fixed is not None:  # a narrow table: every width decided here, none left to rich
            table.add_column(Text(safe_text(label)), overflow="fold", width=fixed[i])
        elif wraps:
            table.add_column(Text(safe_text(label)), overflow="fold", min_width=least)
        else:
            # keeps its widest cell on one line (the header may wrap)
            table.add_column(Text(safe_text(label)), overflow="fold", width=widest)
    for row in view.rows:
        table.add_row(*(Text(_shown(c, short), style=STYLES.get(c.style or "", "")) for c in row))
    if view.footer is not None:
        table.add_section()
        table.add_row(*(Text(_shown(c, short), style="bold") for c in view.footer))
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        color_system="standard" if color else None,
        width=console_width,
        highlight=False,
        emoji=False,
        markup=False,
        no_color=not color,
    )
    console.print(table)
    if view.legend:
        console.print(Text(legend_text(view.legend), style="dim"))
    # Rich pads every line to the console's width; the padding carries nothing.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _records(view: TableView, console_width: int) -> str:
    """Each row as a block of `label  value` lines: for a terminal too narrow for the table."""
    from rich.cells import cell_len

    labels = [safe_text(c) for c in view.columns]
    pad = max(cell_len(label) for label in labels) + 2
    room = max(console_width - pad, 10)
    lines = [safe_text(view.title), ""]
    for row in (*view.rows, *((view.footer,) if view.footer else ())):
        for label, cell in zip(labels, row, strict=True):
            text = safe_text(cell.text)
            if not text:
                continue
            first, *rest = _wrap(text, room)
            lines.append(f"{label}{' ' * (pad - cell_len(label))}{first}")
            lines.extend(" " * pad + more for more in rest)
        lines.append("")
    if view.legend:
        for line in legend_text(view.legend).split("\n"):
            lines.extend(_wrap(line, console_width))
    return "\n".join(lines).rstrip("\n") + "\n"


def _shown(cell: Cell, short: bool) -> str:
    return safe_text(cell.short if short and cell.short else cell.text)


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


def legend_text(legend: str) -> str:
    """A legend's lines (a legend may hold several, one sentence each), each made safe to print."""
    return "\n".join(safe_text(line) for line in legend.split("\n"))


def _legend(view: TableView) -> str:
    return f"\n{legend_text(view.legend)}\n" if view.legend else ""


def render_plain(view: TableView, color: bool = False, width: int | None = None) -> str:
    return f"{safe_text(view.title)}\n\n{_tabulate(view, 'simple')}\n{_legend(view)}"


def render_markdown(view: TableView, color: bool = False, width: int | None = None) -> str:
    return f"## {safe_text(view.title)}\n\n{_tabulate(view, 'pipe')}\n{_legend(view)}"


def csv_document(doc: dict[str, Any]) -> str:
    """CSV as a projection of the JSON document: the same keys, raw numbers, ISO dates.

    Each list of records in the document is a table; a document with one table gives its records
    as they are, one with several (dispatch, quarter) puts the table's name in a first column
    `table`. Nested objects become dotted keys (`indicators.achieved`), lists of plain values are
    joined with `;`, lists of objects (notes) are written as JSON. The only CSV writer yunhe has:
    `yunhe export csv` writes the same text, with a BOM for Excel.
    """
    tables = [(key, value) for key, value in doc.items() if _is_records(value)]
    rows: list[dict[str, str]] = []
    header: dict[str, None] = {}
    if len(tables) > 1:
        header["table"] = None
    for name, records in tables:
        for record in records:
            flat = {"table": name} if len(tables) > 1 else {}
            flat.update(_flatten(record))
            header.update(dict.fromkeys(flat))
            rows.append(flat)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(header))
    for flat in rows:
        writer.writerow([csv_cell(flat.get(key, "")) for key in header])
    return buffer.getvalue()


def _is_records(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            if all(not isinstance(v, (dict, list)) for v in value):
                out[name] = ";".join(_scalar(v) for v in value)
            else:
                out[name] = json.dumps(value, ensure_ascii=False, default=_json_default)
        else:
            out[name] = _scalar(value)
    return out


def _scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(to_json(value, 10))
    return safe_text(str(value))


TableRenderer = Callable[["TableView", bool, "int | None"], str]

TABLE_RENDERERS: dict[OutputFormat, TableRenderer] = {
    OutputFormat.table: render_table,
    OutputFormat.plain: render_plain,
    OutputFormat.markdown: render_markdown,
}


def _json_default(value: object) -> object:
    """Figures are Decimals: a JSON number (an int when whole); NaN never reaches the document."""
    if isinstance(value, Decimal):
        return to_json(value, 10)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def render_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, default=_json_default, allow_nan=False) + "\n"


# Formats for programs: projections of the JSON document, not of the tables people read.
DOCUMENT_RENDERERS: dict[OutputFormat, Callable[[dict[str, Any]], str]] = {
    OutputFormat.json: render_json,
    OutputFormat.csv: csv_document,
}


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
    if fmt in DOCUMENT_RENDERERS:
        return DOCUMENT_RENDERERS[fmt](doc)
    parts = [TABLE_RENDERERS[fmt](view, color, width) for view in views]
    if fmt is OutputFormat.markdown and parts:
        parts[0] = "# " + parts[0].removeprefix("## ")  # the first section's title heads the paper
    parts = [
        f"{safe_text(v.lead)}\n\n{part}" if v.lead else part for v, part in zip(views, parts, strict=True)
    ]
    return "\n".join(parts)
