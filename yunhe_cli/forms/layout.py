"""The form's layout, shared by building a workbook (`forms.build`) and reading one back
(`forms.read`): the sheets and their columns, which cells take input, the hidden record sheet (its
records and their digest), the version of the plan data a form is made from, and the month's report
(or draft) the input cells hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
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
