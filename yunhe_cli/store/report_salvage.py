"""A monthly report with a bad figure or task update, kept without that one entry's bad fields.

One `.nan` (or a word where a figure belongs) must not drop the whole month: the month would
count as missing and every other figure of it would be lost. Its problem is reported, placed, by
the loader; this keeps the rest of the report: each entry of `values` or `tasks` with a problem
loses the fields named in the problem (a figure left out is a figure not given that month), and
an entry that is still not valid without them (its indicator or task id, or its status, is the
problem) is left out whole. A problem anywhere else in the report keeps the old answer: no model.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from yunhe_cli.core.records import MonthlyReport, ReportedValue, TaskUpdate

# The lists of a report whose entries are mended, or set aside, one by one.
ENTRIES: dict[str, type[ReportedValue] | type[TaskUpdate]] = {"values": ReportedValue, "tasks": TaskUpdate}


def salvage_report(data: dict[str, Any], exc: ValidationError) -> MonthlyReport | None:
    """The report without its bad entries' bad fields; None when a problem lies outside them."""
    bad: dict[tuple[str, int], set[str]] = {}
    for err in exc.errors(include_input=False, include_url=False):
        loc = tuple(err["loc"])
        if len(loc) < 2 or loc[0] not in ENTRIES or not isinstance(loc[1], int):
            return None
        fields = bad.setdefault((str(loc[0]), loc[1]), set())
        if len(loc) >= 3 and isinstance(loc[2], str):
            fields.add(loc[2])
    kept = dict(data)
    for name, entry_model in ENTRIES.items():
        items = kept.get(name)
        if not isinstance(items, list) or not any(key == name for key, _ in bad):
            continue
        mended = []
        for i, item in enumerate(items):
            if (name, i) in bad:
                item = _mended(item, bad[(name, i)], entry_model)
                if item is None:
                    continue
            mended.append(item)
        kept[name] = mended
    try:
        return MonthlyReport.model_validate(kept)
    except ValidationError:
        return None


def _mended(
    item: object, fields: set[str], entry_model: type[ReportedValue] | type[TaskUpdate]
) -> dict[str, Any] | None:
    """The entry without `fields`, if that is a valid entry; else None (the entry is left out)."""
    if not isinstance(item, dict) or not fields:
        return None
    rest = {key: value for key, value in item.items() if key not in fields}
    try:
        entry_model.model_validate(rest)
    except ValidationError:
        return None
    return rest
