"""What a workbook must be before `forms.read` trusts it: a zip whose parts are small once inflated,
and a record sheet whose every entry has the form's own shape.

A form made by `yunhe form` is 13 parts and about 65 KB inflated (the largest part 24 KB). The
limits below are hundreds of times that, and are checked from the zip's directory before anything
is inflated: Python's zip reader never inflates a part beyond the size its directory states, so a
part that claims a small size and inflates to more is cut there (and fails its CRC). A record sheet
carries a digest, but anyone can recompute a plain SHA-256: every entry is therefore checked for
its kind, length, sheet, cell and row before it is used, and the first that does not fit is placed
at its row of the record sheet (`_yunhe!A7`), never a traceback.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yunhe_cli.forms.layout import OPTIONAL_SHEET_KEYS, SHEET_KEYS

MAX_PARTS = 500
MAX_PART_BYTES = 8 * 1024 * 1024
MAX_UNPACKED_BYTES = 32 * 1024 * 1024

ROLES = frozenset({"input", "locked"})
_COORD = re.compile(r"^([A-Z]{1,3})([1-9][0-9]{0,6})$")
_RANGE = re.compile(r"^[A-Z]{1,3}[1-9][0-9]{0,6}:[A-Z]{1,3}[1-9][0-9]{0,6}$")
DAMAGED = "the form's record sheet is damaged ({}); make a new form with yunhe form"


def zip_problem(path: Path) -> str | None:
    """Why the workbook's zip may not be opened (too many parts, a part or the whole too large once
    inflated), from its directory alone; None when it may."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        reason = f"{type(exc).__name__}: {exc}"[:160]
        return f"cannot read the workbook ({reason}); is it a damaged file?"
    if len(parts) > MAX_PARTS:
        return f"the workbook has {len(parts):,} parts; a form has a few dozen (at most {MAX_PARTS} are read)"
    for part in parts:
        if part.file_size > MAX_PART_BYTES:
            return (
                f"the workbook's part {part.filename!r} inflates to {part.file_size:,} bytes; "
                f"a form's parts are far smaller (at most {MAX_PART_BYTES:,} bytes each are read)"
            )
    total = sum(part.file_size for part in parts)
    if total > MAX_UNPACKED_BYTES:
        return (
            f"the workbook inflates to {total:,} bytes; a form is far smaller "
            f"(at most {MAX_UNPACKED_BYTES:,} bytes are read)"
        )
    return None


def cell_position(coord: str) -> tuple[int, int]:
    """(row, column) of a cell such as "H7" (column A is 1); the coordinate is checked before."""
    found = _COORD.match(coord)
    assert found is not None
    column = 0
    for letter in found.group(1):
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(found.group(2)), column


@dataclass
class Records:
    """The record sheet's entries, each checked for its shape."""

    keys: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # sheet key -> the sheet's name
    cells: dict[str, dict[str, tuple[str, str]]] = field(default_factory=lambda: {k: {} for k in SHEET_KEYS})
    rows: list[tuple[str, int, str, str, str]] = field(default_factory=list)  # sheet, row, what, id, extra
    merges: set[tuple[str, str]] = field(default_factory=set)
    hidden: set[tuple[str, str]] = field(default_factory=set)  # columns hidden as made (sheet, letter)
    extent: dict[str, tuple[int, int]] = field(default_factory=dict)  # sheet key -> last row, column


def numbered_records(rows: Iterable[tuple[Any, ...]]) -> list[tuple[int, Any]]:
    """(row number, the first cell's value) of every row of the record sheet that holds one."""
    return [(i, row[0]) for i, row in enumerate(rows, start=1) if row and row[0] is not None]


def check_records(numbered: list[tuple[int, list[str]]]) -> tuple[Records | None, int, str]:
    """The entries (without the final digest) read into `Records`, or None with the row of the
    record sheet and the reason of the first entry that does not fit."""
    out = Records()
    for row, r in numbered:
        kind, size = r[0], len(r)
        if kind == "key" and size in (2, 3):
            out.keys[r[1]] = r[2] if size > 2 else ""
            continue
        if size < 3 or r[1] not in SHEET_KEYS + OPTIONAL_SHEET_KEYS:
            return None, row, f"entry {kind!r} has no sheet of the form"
        out.cells.setdefault(r[1], {})  # an optional sheet's cells, when the form has it
        if kind == "sheet" and size == 3 and r[2].strip():
            out.names[r[1]] = r[2]
        elif kind == "cell" and size in (4, 5) and _COORD.match(r[2]) and r[3] in ROLES:
            out.cells[r[1]][r[2]] = (r[3], r[4] if size > 4 else "")
            _grow(out, r[1], *cell_position(r[2]))
        elif kind == "row" and size in (5, 6) and r[2].isascii() and r[2].isdigit() and 0 < int(r[2]) < 10**6:
            out.rows.append((r[1], int(r[2]), r[3], r[4], r[5] if size > 5 else ""))
            _grow(out, r[1], int(r[2]), 1)
        elif kind == "merge" and size == 3 and _RANGE.match(r[2]):
            out.merges.add((r[1], r[2]))
        elif kind == "hidden" and size == 3 and re.fullmatch(r"[A-Z]{1,3}", r[2]):
            out.hidden.add((r[1], r[2]))
        else:
            return None, row, f"entry {kind!r} is malformed"
    missing = [k for k in SHEET_KEYS if k not in out.names]
    if missing:
        return None, numbered[-1][0] if numbered else 1, f"no sheet is named for {', '.join(missing)}"
    if any(key not in out.names for key in out.cells if key in OPTIONAL_SHEET_KEYS):
        return None, numbered[-1][0], "an entry names a sheet the record does not"
    if len(set(out.names.values())) != len(out.names):
        return None, numbered[-1][0], "two sheets have one name"
    return out, 0, ""


def _grow(out: Records, key: str, row: int, column: int) -> None:
    last = out.extent.get(key, (0, 0))
    out.extent[key] = (max(last[0], row), max(last[1], column))
