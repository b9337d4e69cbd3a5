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
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len

from yunhe_cli.core.numbers import to_json
from yunhe_cli.outputs.problem_printer import safe_text
from yunhe_cli.outputs.wrap import min_width, narrowest_in_lines, wrap

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
    """A rich table whose cells are broken into lines by `outputs.wrap` alone: a name (a person's,
    a unit's, a project's) stays whole, a number, a date, a code or a ratio is never broken, no line
    starts with closing punctuation, figures are right-aligned on their decimal point, and a header
    takes at most two lines.

    When the table is wider than the terminal, projects go by their short names and columns stand
    one space apart; when even that cannot fit, the columns of `view.drop` are left out in that
    order (a line under the table names them); when nothing left out makes it fit, each row is
    printed as a block of `label  value` lines (as psql's expanded display does)."""
    console_width = width or 240
    names = table_names(view)
    layout = table_layout(view, console_width, names)
    if layout is None:
        return _records(view, console_width, names)
    return _rich_table(view, color, console_width, layout, names)


@dataclass(frozen=True, slots=True)
class Layout:
    """How a table is laid out: the columns shown by their short forms (a project's short name, a
    count for a list), the gap, each column's width (None: left out)."""

    short: frozenset[int]
    gap: int
    widths: tuple[int | None, ...]


# A column that wraps is given at least this many cells (five Chinese characters) when its text is
# longer: narrower, a table reads as a column of syllables.
READABLE = 10

# Columns whose every cell is a name (a person, a unit, a project): words that are never split.
NAME_KEYS = frozenset({"project", "convener", "lead_unit", "owner", "unit", "author", "by", "lead"})


def table_names(view: TableView) -> frozenset[str]:
    """The names a table holds, which no line may split: its name columns, its projects (full and
    short) and the names the view gives."""
    found: set[str] = set(view.names)
    every = (*view.rows, *((view.footer,) if view.footer else ()))
    for i, key in enumerate(view.keys):
        if key in NAME_KEYS:
            found.update(safe_text(row[i].text) for row in every if i < len(row) and row[i].text)
    for row in every:
        for cell in row:
            if cell.short:
                found.update((safe_text(cell.text), safe_text(cell.short)))
    return frozenset(x for x in found if x.strip())


def _header_width(label: str, names: frozenset[str]) -> int:
    return narrowest_in_lines(safe_text(label), 2, names)


def _column_texts(view: TableView, i: int, short: bool) -> list[str]:
    """Column i's cells as shown; a column of figures padded so that decimal points line up."""
    every = (*view.rows, *((view.footer,) if view.footer else ()))
    texts = [_shown(row[i], short) for row in every]
    if not _numeric(view, i):
        return texts
    fractions = [_fraction(x) for x in texts]
    most = max((f for f in fractions if f is not None), default=0)
    return [
        x if f is None or not most else x + " " * (most - f + (0 if f else 1))
        for x, f in zip(texts, fractions, strict=True)
    ]


_FIGURE = re.compile(r"^[-+]?[\d,]+(?:\.(\d+))?%?$")


def _fraction(text: str) -> int | None:
    """The digits after a figure's decimal point (0 without one); None for what is not a figure."""
    found = _FIGURE.match(text)
    if found is None:
        return None
    return len(found.group(1) or "")


def _numeric(view: TableView, i: int) -> bool:
    return any(i < len(row) and row[i].numeric for row in view.rows)


def _column_size(view: TableView, i: int, short: bool, names: frozenset[str]) -> tuple[int, int]:
    """Column i: the width that keeps every cell on one line, and the narrowest it may wrap to."""
    key = view.keys[i] if i < len(view.keys) else ""
    texts = _column_texts(view, i, short)
    header = _header_width(view.columns[i], names)  # the header on at most two lines
    cells = max((cell_len(x) for x in texts), default=0)
    widest = max(cells, header)
    if view.wrap and key not in view.wrap:
        return widest, widest
    least = max([header, min(cells, READABLE), *(min_width(x, names) for x in texts)])
    return widest, least


def _has_short(view: TableView, i: int) -> bool:
    return any(i < len(row) and row[i].short for row in view.rows)


def table_layout(view: TableView, console_width: int, names: frozenset[str]) -> Layout | None:
    """The layout that fits `console_width`, or None: rows as blocks.

    In order: every column on one line with its full text; else columns one space apart, short
    forms where they exist, each column given back its full form (the last first) where the room
    allows; else the columns of `view.drop` left out one by one."""
    count = len(view.columns)
    full = [_column_size(view, i, False, names) for i in range(count)]
    # with room, every header on one line
    roomy = [max(w, cell_len(safe_text(label))) for (w, _), label in zip(full, view.columns, strict=True)]
    if sum(roomy) + 3 * count <= console_width:
        return Layout(frozenset(), 1, tuple(roomy))
    if sum(w for w, _ in full) + 3 * count <= console_width:
        return Layout(frozenset(), 1, tuple(w for w, _ in full))
    shortened = {i for i in range(count) if _has_short(view, i)}
    short = {i: _column_size(view, i, True, names) for i in shortened}
    keys = [*view.keys, *[""] * (count - len(view.keys))]
    left_out: set[int] = set()
    for dropping in (None, *view.drop):
        if dropping is not None:
            left_out |= {i for i in range(count) if keys[i] == dropping}
        chosen = set(shortened)
        if _narrowest(_sizes(full, short, chosen, left_out)) > console_width:
            continue
        for i in sorted(shortened, reverse=True):  # the last column first: a list's months, then names
            if _narrowest(_sizes(full, short, chosen - {i}, left_out)) <= console_width:
                chosen.discard(i)
        return Layout(
            frozenset(chosen), 0, tuple(_allocate(_sizes(full, short, chosen, left_out), console_width))
        )
    return None


def _sizes(
    full: list[tuple[int, int]], short: dict[int, tuple[int, int]], using: set[int], left_out: set[int]
) -> list[tuple[int, int] | None]:
    """Each column's sizes: by its short form where `using` says, None where it is left out."""
    return [None if i in left_out else (short[i] if i in using else full[i]) for i in range(len(full))]


def _narrowest(sizes: list[tuple[int, int] | None]) -> int:
    shown = [x for x in sizes if x is not None]
    return sum(least for _, least in shown) + len(shown) - 1


def _allocate(sizes: list[tuple[int, int] | None], console_width: int) -> list[int | None]:
    """Every column's width for a narrow table: its narrowest plus a share of what is left, in
    proportion to how much more it could use, what rounding leaves given a cell at a time from
    the left (a column left out stays None)."""
    shown = [x for x in sizes if x is not None]
    spare = console_width - (sum(least for _, least in shown) + len(shown) - 1)
    total = sum(widest - least for widest, least in shown)
    out: list[int | None] = []
    for size in sizes:
        if size is None:
            out.append(None)
            continue
        widest, least = size
        want = widest - least
        out.append(least + (min(want, spare * want // total) if spare > 0 and total else 0))
    left = console_width - (sum(w for w in out if w is not None) + len(shown) - 1)
    while left > 0:
        hungry = [i for i, size in enumerate(sizes) if size is not None and (out[i] or 0) < size[0]]
        if not hungry:
            break
        for i in hungry[:left]:
            out[i] = (out[i] or 0) + 1
        left -= len(hungry[:left])
    return out


def _rich_table(
    view: TableView, color: bool, console_width: int, layout: Layout, names: frozenset[str]
) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(
        box=box.SIMPLE_HEAD,
        show_footer=False,
        pad_edge=False,
        show_edge=False,
        padding=(0, layout.gap, 0, layout.gap),  # plus the one-space column separator of box.SIMPLE_HEAD
    )
    columns = [i for i, w in enumerate(layout.widths) if w is not None]
    texts = {i: _column_texts(view, i, i in layout.short) for i in columns}
    right = {i for i in columns if _numeric(view, i)}

    def lines(i: int, text: str) -> str:
        """A cell's text broken into the column's lines; a figure right-aligned (padded by hand:
        rich strips the spaces that line up decimal points)."""
        width = layout.widths[i] or 1
        if i in right:
            return "\n".join(" " * (width - cell_len(x)) + x for x in wrap(text, width, names))
        return "\n".join(wrap(text, width, names))

    for i in columns:
        label = safe_text(view.columns[i])
        width = layout.widths[i] or 1
        # a header on one line where it fits, else on two as even as they go
        header = (
            label
            if cell_len(label) <= width
            else "\n".join(wrap(label, min(width, narrowest_in_lines(label, 2, names)), names))
        )
        if i in right:
            header = "\n".join(" " * (width - cell_len(x)) + x for x in header.split("\n"))
        table.add_column(Text(header), width=width, overflow="fold")

    def cells(row: tuple[Cell, ...], at: int, style: str | None) -> list[Text]:
        return [
            Text(lines(i, texts[i][at]), style=style or STYLES.get(row[i].style or "", "")) for i in columns
        ]

    for at, row in enumerate(view.rows):
        table.add_row(*cells(row, at, None))
    if view.footer is not None:
        table.add_section()
        table.add_row(*cells(view.footer, len(view.rows), "bold"))
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
    # The title on its own lines: a long title is wrapped to the terminal, not to the table.
    for line in wrap(safe_text(view.title), console_width, names):
        console.print(Text(line, style="bold"), overflow="ignore", crop=False)
    console.print(table)
    left_out = [view.columns[i] for i, w in enumerate(layout.widths) if w is None]
    under = [left_out_line(left_out, view)] if left_out else []
    for said in (*under, *((legend_text(view.legend),) if view.legend else ())):
        for part in wrap(said, console_width, names):
            console.print(Text(part, style="dim"), overflow="ignore", crop=False)
    # Rich pads every line to the console's width; the padding carries nothing.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def left_out_line(labels: list[str], view: TableView) -> str:
    """The line under a table that names the columns left out for want of width, in the table's
    language (a table whose title is Chinese is a Chinese table)."""
    from yunhe_cli.outputs.labels import Lang, t

    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in view.title)
    sep = "、" if chinese else ", "
    return t(
        "table.left_out", Lang.zh if chinese else Lang.en, columns=sep.join(safe_text(x) for x in labels)
    )


def _records(view: TableView, console_width: int, names: frozenset[str] = frozenset()) -> str:
    """Each row as a block of `label  value` lines: for a terminal too narrow for the table."""
    labels = [safe_text(c) for c in view.columns]
    pad = max(cell_len(label) for label in labels) + 2
    room = max(console_width - pad, 10)
    lines = [*wrap(safe_text(view.title), console_width, names), ""]
    for row in (*view.rows, *((view.footer,) if view.footer else ())):
        for label, cell in zip(labels, row, strict=True):
            text = safe_text(cell.text)
            if not text:
                continue
            first, *rest = wrap(text, room, names)
            lines.append(f"{label}{' ' * (pad - cell_len(label))}{first}")
            lines.extend(" " * pad + more for more in rest)
        lines.append("")
    if view.legend:
        lines.extend(wrap(legend_text(view.legend), console_width, names))
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
    if fmt is OutputFormat.table:  # a name one table of the paper holds is a word in every table
        from dataclasses import replace

        shared = frozenset().union(*(table_names(v) for v in views))
        views = [replace(v, names=shared) for v in views]
    parts = [TABLE_RENDERERS[fmt](view, color, width) for view in views]
    if fmt is OutputFormat.markdown and parts:
        parts[0] = "# " + parts[0].removeprefix("## ")  # the first section's title heads the paper
    parts = [
        f"{safe_text(v.lead)}\n\n{part}" if v.lead else part for v, part in zip(views, parts, strict=True)
    ]
    return "\n".join(parts)
