"""The form's layout, shared by building a workbook (`forms.build`) and reading one back
(`forms.read`): the sheets and their columns, which cells take input, the hidden record sheet (its
records and their digest), the version of the plan data a form is made from, and the month's report
(or draft) the input cells hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Iterator
from typing import Any

from yunhe_cli.core import model as m
from yunhe_cli.core.repository import Repository
from yunhe_cli.edits.drafts import new_report_text
from yunhe_cli.edits.roundtrip import comparable_text

FORMAT_NAME = "yunhe-form"
LAYOUT = "1"  # the layout of the sheets below; a form of another layout is refused
META_SHEET = "_yunhe"
SHEET_KEYS = ("submission", "indicators", "tasks", "problems")
# Sheets a form has only in some months (forms.mechanism_sheets): 形势研判 in a quarter's last month,
# 督办反馈 when the lead unit has supervision items open. A form without them reads as before.
OPTIONAL_SHEET_KEYS = ("assessment", "feedback")
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3

# Columns of each table sheet: (key, input?). The order is the layout.
COLUMNS: dict[str, tuple[tuple[str, bool], ...]] = {
    "indicators": (
        ("id", False),
        ("name", False),
        ("unit", False),
        ("basis", False),
        ("target", False),
        ("last", False),
        ("last_period", False),
        ("value", True),  # the figure; 是/否 for a milestone
        ("level", True),  # a growth indicator's level (水平值), where it has a level unit
        ("achieved_on", True),  # a milestone's date
        ("note", True),
    ),
    "tasks": (
        ("id", False),
        ("title", False),
        ("due", False),
        ("last_status", False),
        ("last_percent", False),
        ("status", True),
        ("percent", True),
        ("done_on", True),  # the task's date done, or a milestone's date reached
        ("note", True),  # progress, and the reason when blocked
    ),
    "problems": (
        ("id", False),
        ("title", False),
        ("owner", False),
        ("raised_on", False),
        ("due", False),
        ("closed_on", True),
        ("resolution", True),
        ("evidence", True),
    ),
}
# The submission sheet: label in column A, value in column B.
SUBMISSION_ROWS: tuple[tuple[str, bool], ...] = (
    ("project", False),
    ("period", False),
    ("submitted_by", True),
    ("submitted_on", True),
    ("notes", True),
)
SUBMISSION_FIRST_ROW = 2
HELP_ROW = SUBMISSION_FIRST_ROW + len(SUBMISSION_ROWS) + 1
MAX_FIGURE = 10**12  # data validation's bounds for a figure (no county figure comes near)
LOCKED_FILL, INPUT_FILL, HEADER_FILL = "F2F2F2", "FFF9DB", "D9D9D9"
DONE_FILL, MISSING_COLOR = "E2EFDA", "C00000"  # a task done before the month; the months not reported
DONE_COLUMNS = ("status", "percent", "done_on", "note")  # a done task's cells, shown done
CODE_HIDDEN = ("indicators", "tasks")  # sheets whose code column (A) is hidden: the name beside it is read
# (least, most) width of a column, in digits; any other is 6 to 16 (an input one at least 10).
COLUMN_BOUNDS: dict[str, tuple[float, float]] = {
    "name": (16.0, 36.0),
    "title": (16.0, 36.0),
    "note": (24.0, 36.0),
    "resolution": (24.0, 36.0),
    "evidence": (20.0, 30.0),
}
TEXT_FORMAT, DATE_FORMAT = "@", "yyyy-mm-dd"


def column_letter(sheet: str, key: str) -> str:
    keys = [k for k, _ in COLUMNS[sheet]]
    return chr(ord("A") + keys.index(key))


def norm(value: Any) -> str:
    """A cell's value as comparable text: the same for the same content whichever program saved it."""
    return comparable_text(value)


# --------------------------------------------------------------------------- the record sheet


def plan_version(project: m.Project) -> str:
    """The version of what a form is made from: the project's indicators and tasks as the form lays
    them out. Text, targets and notes may change without making older forms stale."""
    items: list[list[str]] = [
        ["indicator", i.id, i.kind, i.unit or "", i.reported_as or "", i.level_unit or ""]
        for i in project.indicators
    ]
    items += [["task", k.id, *(ms.title for ms in k.milestones)] for k in project.tasks]
    text = json.dumps([project.id, items], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def trimmed(record: list[str]) -> list[str]:
    out = list(record)
    while out and out[-1] == "":
        out.pop()
    return out


def digest(records: list[list[str]]) -> str:
    text = "\x1e".join("\x1f".join(trimmed(r)) for r in records)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def iter_records(rows: Iterator[tuple[Any, ...]]) -> list[list[str]] | None:
    """The hidden sheet's records (None when one cannot be read)."""
    out = []
    for row in rows:
        if not row or row[0] is None:
            continue
        try:
            record = json.loads(str(row[0]))
        except ValueError:
            return None
        if not isinstance(record, list) or not record or not all(isinstance(x, str) for x in record):
            return None
        out.append(record)
    return out


# --------------------------------------------------------------------------- the month's report


def month_report(
    repo: Repository, project: m.Project, period: str, as_of: dt.date
) -> tuple[m.MonthlyReport, str | None]:
    """The month's report and its text when it exists, else the draft `report new` writes (and None)."""
    from yunhe_cli.store.yamlio import parse_text

    for rep in repo.reports:
        if rep.model.project == project.id and rep.model.period == period:
            return rep.model, rep.source.rel
    rel = f"indicators/{project.id}/{period}.yaml"
    parsed = parse_text(new_report_text(repo, project, period, as_of), repo.root / rel)
    return m.MonthlyReport.model_validate(parsed.data), None


# --------------------------------------------------------------------------- sizes from the text

# A column's width is counted in the default font's digits; the reader's font may be wider than the
# workbook's (LibreOffice draws Calibri as DejaVu Sans, about 1.25 times as wide), so each narrow
# character is given WIDTH_SLACK digits and each cell PADDING digits of margin.
WIDTH_SLACK, PADDING = 1.25, 2.0
LINE_POINTS, ROW_MARGIN_POINTS = 15.0, 3.0  # one line of 11-point text, and the room above and below it


def text_width(text: str) -> int:
    """A text's width in narrow characters: a wide or full-width (CJK) character counts twice, a
    combining mark not at all. The widest line of a text of several lines."""
    widest = 0
    for line in text.split("\n"):
        width = 0
        for ch in line:
            if unicodedata.combining(ch):
                continue
            width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        widest = max(widest, width)
    return widest


def column_width(texts: list[str], least: float, most: float) -> float:
    """The width (in digits) a column needs for its widest text, kept between `least` and `most`
    (a text wider than `most` wraps)."""
    widest = max((text_width(t) for t in texts), default=0)
    return max(least, min(most, round(widest * WIDTH_SLACK + PADDING, 1)))


def line_count(text: str, width: float) -> int:
    """The lines a wrapped text takes in a column `width` digits wide: wrapped as a spreadsheet
    wraps, between any two wide characters, after a space or a hyphen, and inside a word only when
    the word alone is wider than the column."""
    room = max(1.0, (width - PADDING) / WIDTH_SLACK)
    total = 0
    for line in text.split("\n"):
        lines, used = 1, 0.0
        for token in _break_units(line):
            size, full = text_width(token.rstrip()), text_width(token)  # a trailing space may hang
            if used + size <= room:
                used += full
            elif size <= room:
                lines, used = lines + 1, float(full)
            else:  # a word wider than the column, broken inside
                if used:
                    lines += 1
                pieces = int(-(-size // room))
                lines, used = lines + pieces - 1, size - (pieces - 1) * room
        total += lines
    return total


def _break_units(line: str) -> list[str]:
    """A line cut where it may wrap: each wide character on its own, a run of narrow ones after
    each space or hyphen."""
    units: list[str] = []
    word = ""
    for ch in line:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            if word:
                units.append(word)
                word = ""
            units.append(ch)
            continue
        word += ch
        if ch in " -/":
            units.append(word)
            word = ""
    if word:
        units.append(word)
    return units


def row_height(lines: int, points: float = 11) -> float:
    """The height (in points) of a row whose tallest cell has `lines` lines of `points`-point text."""
    return round(max(1, lines) * LINE_POINTS * points / 11 + ROW_MARGIN_POINTS, 1)
