"""A read form's input cells as typed values: figures, dates, yes/no, task states, percents, text.

Text where a number belongs ("63%", "６３", "1,234", "约50") is refused with the fix, placed at its
cell; `parse_form` gathers the form's content (the submission, each indicator's figures, each
task's state and milestones reached, the problems crossed off).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from yunhe_cli.core import model as m
from yunhe_cli.core.kinds import kind_of
from yunhe_cli.forms.layout import DONE_COLUMNS, SUBMISSION_FIRST_ROW, SUBMISSION_ROWS, column_letter, norm
from yunhe_cli.forms.read import Cell, FormProblem, ReadForm
from yunhe_cli.outputs.labels import LABELS

STATUS_WORDS = {
    **{LABELS[f"task.{s}"][0]: s for s in ("not_started", "in_progress", "done", "blocked")},
    **{LABELS[f"task.{s}"][1]: s for s in ("not_started", "in_progress", "done", "blocked")},
    **{s: s for s in ("not_started", "in_progress", "done", "blocked")},
}
YES = {"是", "yes", "y", "true", "已完成", "完成"}
NO = {"否", "no", "n", "false", "未完成"}
PLAIN_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")  # ASCII only: ６３ is refused
DATE_TEXT = re.compile(r"^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?$")
QUALIFIERS = ("约", "大约", "左右", "近", "超", "余", "多", "以上", "以下", "about", "approx", "~", "≈")


class Bad(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _text_of(raw: Any) -> str:
    return raw.strip() if isinstance(raw, str) else norm(raw)


def to_number(cell: Cell, unit: str | None) -> Decimal | None:
    raw = cell.raw
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise Bad("S103", f"{norm(raw)} is not a number")
    if isinstance(raw, dt.date | dt.datetime) or cell.is_date:
        raise Bad("S103", f"{norm(raw)!r} is a date, not a number")
    if isinstance(raw, int | float):
        number = Decimal(format(float(raw), ".15g"))
        if "%" in cell.number_format:
            shown = norm(number * 100)
            raise Bad(
                "S104",
                f"'{shown}%' was typed as a percentage (the cell holds {norm(number)}); write {shown} "
                f"without %{_unit_hint(unit)}",
            )
        return number
    text = str(raw).strip()
    if PLAIN_NUMBER.match(text):
        return Decimal(text)
    raise Bad("S104", f"'{text}' is not a number; {_number_hint(text, unit)}")


def _unit_hint(unit: str | None) -> str:
    return f": the Unit column says {unit}" if unit else ""


def _number_hint(text: str, unit: str | None) -> str:
    ascii_text = text.translate(
        {0xFF0E: ".", 0xFF0C: ",", 0xFF05: "%", **{0xFF10 + i: str(i) for i in range(10)}}
    )
    digits = re.sub(r"[^0-9.+-]", "", ascii_text)
    if ascii_text != text:
        return f"it has full-width characters; write {digits} with ASCII digits"
    if any(q in text.lower() for q in QUALIFIERS):
        return f"write the figure alone ({digits}); put words such as 约 or 左右 in the note (说明)"
    if "," in text:
        return f"write {digits} without the thousands separator"
    if text.endswith("%") and (unit is None or "%" in unit):  # a percent hint only for a percentage
        return f"write {digits} without %{_unit_hint(unit)}"
    if text.endswith("%"):
        return f"the figure is in {unit}, not a percentage: write it in {unit}, without %"
    return f"write the figure alone, without units{_unit_hint(unit)}"


def to_date(cell: Cell) -> dt.date | None:
    raw = cell.raw
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = _text_of(raw)
    match = DATE_TEXT.match(text)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise Bad("S103", f"{text!r} is not a date; write YYYY-MM-DD (2026-05-03)")


def to_bool(cell: Cell) -> bool | None:
    raw = cell.raw
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        return raw
    text = _text_of(raw).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise Bad("S105", f"{_text_of(raw)!r} is not allowed; choose 是 or 否 (yes or no)")


def to_status(cell: Cell) -> str | None:
    raw = cell.raw
    text = _text_of(raw) if raw is not None else ""
    if not text:
        return None
    status = STATUS_WORDS.get(text) or STATUS_WORDS.get(text.lower())
    if status is None:
        raise Bad("S105", f"{text!r} is not allowed; choose 未开始, 推进中, 已完成 or 受阻")
    return status


def to_percent(cell: Cell) -> int | None:
    raw = cell.raw
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    number = to_number(cell, "%")
    assert number is not None
    if number != number.to_integral_value() or not 0 <= number <= 100:
        raise Bad("S107", f"{norm(number)} is not a whole percent from 0 to 100")
    return int(number)


def to_text(cell: Cell) -> str | None:
    raw = cell.raw
    if raw is None:
        return None
    text = _text_of(raw)
    return text or None


# --------------------------------------------------------------------------- the form's content


@dataclass
class IndicatorInput:
    ident: str
    row: int
    value: Decimal | None = None
    level: Decimal | None = None
    achieved: bool | None = None
    achieved_on: dt.date | None = None
    note: str | None = None


@dataclass
class TaskInput:
    ident: str
    row: int
    status: str | None = None
    percent: int | None = None
    done_on: dt.date | None = None
    note: str | None = None
    reached: list[tuple[str, dt.date, int]] = field(default_factory=list)  # milestone, date, row
    kept: bool = False  # done before the month: its locked cells, as made, keep the report's entry


@dataclass
class Closing:
    ident: str
    row: int
    closed_on: dt.date | None
    resolution: str | None
    evidence: list[str]


@dataclass
class ParsedForm:
    submission: dict[str, Any] = field(default_factory=dict)
    indicators: list[IndicatorInput] = field(default_factory=list)
    tasks: list[TaskInput] = field(default_factory=list)
    closings: list[Closing] = field(default_factory=list)
    problems: list[FormProblem] = field(default_factory=list)
    empty: bool = False


def parse_form(form: ReadForm, project: m.Project) -> ParsedForm:
    out = ParsedForm()
    by_id = {i.id: i for i in project.indicators}

    def read(key: str, coord: str, convert: Any, *args: Any) -> Any:
        cell = form.inputs.get((key, coord))
        if cell is None:
            return None
        try:
            return convert(cell, *args)
        except Bad as bad:
            out.problems.append(form.at(key, coord, bad.code, str(bad)))
            return None

    for offset, (name, is_input) in enumerate(SUBMISSION_ROWS):
        if is_input:
            coord = f"B{SUBMISSION_FIRST_ROW + offset}"
            convert = to_date if name == "submitted_on" else to_text
            out.submission[name] = (read("submission", coord, convert), coord)

    def col(key: str, name: str, row: int) -> str:
        return f"{column_letter(key, name)}{row}"

    for r in form.rows.get("indicators", []):
        ind = by_id[r.ident]
        item = IndicatorInput(r.ident, r.row)
        if kind_of(ind).qualitative:
            item.achieved = read("indicators", col("indicators", "value", r.row), to_bool)
            item.achieved_on = read("indicators", col("indicators", "achieved_on", r.row), to_date)
        else:
            item.value = read("indicators", col("indicators", "value", r.row), to_number, ind.unit)
            item.level = read("indicators", col("indicators", "level", r.row), to_number, ind.level_unit)
        item.note = read("indicators", col("indicators", "note", r.row), to_text)
        out.indicators.append(item)
    current: TaskInput | None = None
    for r in form.rows.get("tasks", []):
        if r.what == "task" and ("tasks", col("tasks", "status", r.row)) in form.locked:
            current = TaskInput(r.ident, r.row, kept=True)
            made = {k: form.locked.get(("tasks", col("tasks", k, r.row)), "") for k in DONE_COLUMNS}
            current.status = to_status(Cell("tasks", "", made["status"]))
            current.percent = to_percent(Cell("tasks", "", made["percent"]))
            current.done_on = to_date(Cell("tasks", "", made["done_on"]))
            current.note = made["note"] or None
            out.tasks.append(current)
            current = None  # its milestones are locked too
        elif r.what == "task":
            current = TaskInput(r.ident, r.row)
            current.status = read("tasks", col("tasks", "status", r.row), to_status)
            current.percent = read("tasks", col("tasks", "percent", r.row), to_percent)
            current.done_on = read("tasks", col("tasks", "done_on", r.row), to_date)
            current.note = read("tasks", col("tasks", "note", r.row), to_text)
            out.tasks.append(current)
        elif current is not None:
            day = read("tasks", col("tasks", "done_on", r.row), to_date)
            if day is not None:
                current.reached.append((r.extra, day, r.row))
    for task in out.tasks:
        filled = task.percent is not None or task.done_on is not None or task.note or task.reached
        if task.status is None and filled:
            out.problems.append(
                form.at(
                    "tasks",
                    col("tasks", "status", task.row),
                    "S101",
                    f"{task.ident}: choose the status (状态)",
                )
            )
    for r in form.rows.get("problems", []):
        closed_on = read("problems", col("problems", "closed_on", r.row), to_date)
        resolution = read("problems", col("problems", "resolution", r.row), to_text)
        evidence_text = read("problems", col("problems", "evidence", r.row), to_text) or ""
        evidence = [e.strip() for e in re.split(r"[\n；;]", evidence_text) if e.strip()]
        if closed_on is None and resolution is None and not evidence:
            continue
        if closed_on is None or resolution is None:
            missing = "closed_on" if closed_on is None else "resolution"
            out.problems.append(
                form.at(
                    "problems",
                    col("problems", missing, r.row),
                    "S101",
                    f"{r.ident}: crossing off (销号) needs the date and the resolution (销号日期, 解决情况)",
                )
            )
            continue
        out.closings.append(Closing(r.ident, r.row, closed_on, resolution, evidence))
    blank = all(not norm(c.raw).strip() for c in form.inputs.values())
    typed = any(norm(c.raw).strip() != form.made.get(k, "") for k, c in form.inputs.items())
    figures = any(
        i.value is not None or i.level is not None or i.achieved is not None for i in out.indicators
    )
    out.empty = blank or (not typed and not figures)
    return out
