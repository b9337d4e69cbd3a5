"""A parsed form onto its month's report (the round-trip document): each key set in order by
edits' one helper, where each key of the report is on the form, and the revisions of a submitted
month.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from yunhe_cli.core import model as m
from yunhe_cli.core.problems import Loc
from yunhe_cli.edits.roundtrip import block_style, set_in_order, yaml_number
from yunhe_cli.forms.cells import ParsedForm
from yunhe_cli.forms.layout import DONE_COLUMNS, column_letter
from yunhe_cli.forms.read import ReadForm

VALUE_ORDER = list(m.ReportedValue.model_fields)
TASK_ORDER = list(m.TaskUpdate.model_fields)
REPORT_ORDER = list(m.MonthlyReport.model_fields)


def apply_report(data: Any, parsed: ParsedForm, project: m.Project) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    for name, (value, _coord) in parsed.submission.items():
        set_in_order(data, name, value, REPORT_ORDER)
    if data.get("values") is None:
        data["values"] = CommentedSeq()
    values = data["values"]
    order = [i.id for i in project.indicators]
    for item in parsed.indicators:
        entry = _entry(values, "indicator", item.ident, order, CommentedMap)
        for key in ("value", "level", "achieved", "achieved_on", "note"):
            new = getattr(item, key)
            set_in_order(entry, key, yaml_number(new) if isinstance(new, Decimal) else new, VALUE_ORDER)
        if any(entry.get(k) is not None for k in ("value", "level", "achieved")):
            for key in ("value", "level", "achieved"):  # the draft's empty placeholder gives way
                if key in entry and entry[key] is None:
                    del entry[key]
    block_style(values)
    if data.get("tasks") is None:
        data["tasks"] = CommentedSeq()
    tasks = data["tasks"]
    order = [k.id for k in project.tasks]
    for task in parsed.tasks:
        if task.kept:  # done before the month: the entry, where the report has one, as the form showed it
            kept = next((e for e in tasks if e.get("task") == task.ident), None)
            if kept is not None:
                for key in DONE_COLUMNS:
                    set_in_order(kept, key, getattr(task, key), TASK_ORDER)
            continue
        if task.status is None:
            for i, entry in enumerate(tasks):
                if entry.get("task") == task.ident:
                    del tasks[i]
                    break
            continue
        entry = _entry(tasks, "task", task.ident, order, CommentedMap)
        set_in_order(entry, "status", task.status, TASK_ORDER)
        set_in_order(entry, "percent", task.percent, TASK_ORDER)
        set_in_order(entry, "done_on", task.done_on, TASK_ORDER)
        reached = [{"milestone": title, "reached_on": day} for title, day, _ in task.reached]
        was = [(r.get("milestone"), r.get("reached_on")) for r in entry.get("milestones") or []]
        if [(r["milestone"], r["reached_on"]) for r in reached] != was:
            if reached:
                seq = CommentedSeq([CommentedMap(r) for r in reached])
                set_in_order(entry, "milestones", seq, TASK_ORDER)
                entry["milestones"] = seq
            elif "milestones" in entry:
                del entry["milestones"]
        set_in_order(entry, "note", task.note, TASK_ORDER)
    if tasks:
        block_style(tasks)


def _entry(seq: Any, key: str, ident: str, order: list[str], make: Any) -> Any:
    for entry in seq:
        if entry.get(key) == ident:
            return entry
    rank = order.index(ident)
    position = sum(1 for e in seq if e.get(key) in order and order.index(e.get(key)) < rank)
    entry = make({key: ident})
    seq.insert(position, entry)
    return entry


def report_places(data: Any, form: ReadForm, parsed: ParsedForm) -> dict[Loc, tuple[ReadForm, str, str]]:
    """Where each place of the report is on the form (for a problem that validate finds there)."""
    places: dict[Loc, tuple[ReadForm, str, str]] = {}
    for name, (_value, coord) in parsed.submission.items():
        places[(name,)] = (form, "submission", coord)
    places[("project",)] = (form, "submission", "B2")
    places[("period",)] = (form, "submission", "B3")
    rows = {i.ident: i.row for i in parsed.indicators}
    for i, entry in enumerate(data.get("values") or []):
        row = rows.get(entry.get("indicator"))
        if row is None:
            continue
        places[("values", i)] = (form, "indicators", f"{column_letter('indicators', 'value')}{row}")
        for key, column in (
            ("value", "value"),
            ("achieved", "value"),
            ("level", "level"),
            ("achieved_on", "achieved_on"),
            ("note", "note"),
        ):
            places[("values", i, key)] = (form, "indicators", f"{column_letter('indicators', column)}{row}")
    tasks = {t.ident: t for t in parsed.tasks}
    for i, entry in enumerate(data.get("tasks") or []):
        item = tasks.get(entry.get("task"))
        if item is None:
            continue
        places[("tasks", i)] = (form, "tasks", f"{column_letter('tasks', 'status')}{item.row}")
        for key in ("status", "percent", "done_on", "note"):
            places[("tasks", i, key)] = (form, "tasks", f"{column_letter('tasks', key)}{item.row}")
        places[("tasks", i, "milestones")] = (form, "tasks", f"{column_letter('tasks', 'done_on')}{item.row}")
        for j, (_title, _day, row) in enumerate(item.reached):
            places[("tasks", i, "milestones", j)] = (
                form,
                "tasks",
                f"{column_letter('tasks', 'done_on')}{row}",
            )
    return places


def record_revisions(
    data: Any, old: m.MonthlyReport, new: m.MonthlyReport, on: dt.date, by: str, reason: str | None
) -> None:
    """One revisions: entry per locked field the form changed, with the value it replaces."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    changes = locked_changes(old, new)
    if not changes:
        return
    if data.get("revisions") is None:
        set_in_order(data, "revisions", CommentedSeq(), REPORT_ORDER)
    for group, what, name, before in changes:
        entry: dict[str, Any] = {"on": on, "by": by, "reason": reason or ""}
        if group == "values":
            entry["indicator"] = what
            default = "value"
        elif group == "tasks":
            entry["task"] = what
            default = "status"
        else:
            default = ""
        if name != default:
            entry["field"] = name
        entry["old"] = yaml_number(before) if isinstance(before, Decimal) else before
        data["revisions"].append(CommentedMap(entry))
    block_style(data["revisions"])


def locked_changes(old: m.MonthlyReport, new: m.MonthlyReport) -> list[tuple[str, str | None, str, Any]]:
    """(group, indicator or task, field, old value) of every locked field that differs: what a
    revisions: entry must record; the audit's own walk (`validate --base` judges by the same)."""
    from yunhe_cli.checks.audit import locked_changes as audited

    return [
        (str(loc[0]) if what is not None else "", what, name, before)
        for loc, what, name, before, _ in audited(old, new)
    ]
