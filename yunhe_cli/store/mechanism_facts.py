"""The working mechanism's lists as facts, for `log` and `diff` (store/facts.py asks here):

- a supervision item (督办事项) `("supervision", project, id)`: its requirement, unit, due day,
  status and how many feedback entries it has; issued (交办), closed (办结), sent back (退回), or
  answered (反馈) are the events a change of it is told as;
- an assessment (形势研判) `("assessment", project, quarter)`: its rating, who wrote it and when,
  and its three texts;
- a good practice (经验推广) `("practice", project, title)`: its unit, date, summary and the
  quarter it was presented at.

A thing that appears or disappears is one change (field: its kind), as a problem is.
"""

from __future__ import annotations

from typing import Any

MECHANISM_KINDS = ("supervision", "assessment", "practice")
# What names a new or deleted one in a change's old/new value.
TITLE_FIELD = {"supervision": "requirement", "assessment": "rating", "practice": "summary"}
FIELDS = {
    "supervision": ("requirement", "unit", "due", "status", "feedback"),
    "assessment": ("rating", "written_by", "written_on", "progress", "risks", "next_steps"),
    "practice": ("unit", "on", "summary", "presented_at"),
}
# The file's kind (layout.classify) -> the fact's kind, the list's key, the field naming an entry.
_LISTS = {
    "supervision": ("supervision", "items", "id"),
    "assessments": ("assessment", "assessments", "quarter"),
    "practices": ("practice", "practices", "title"),
}


def mechanism_facts(
    kind: str, data: dict[str, Any], parts: list[str]
) -> dict[tuple[str, ...], dict[str, Any]]:
    """The facts of one list file (`kind` as layout.classify names it)."""
    fact, key, name = _LISTS[kind]
    project = data.get("project") if isinstance(data.get("project"), str) else parts[1].removesuffix(".yaml")
    entries = data.get(key)
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get(name), str):
            continue
        fields = {f: entry.get(f) for f in FIELDS[fact]}
        if fact == "supervision":
            feedback = entry.get("feedback")
            fields["feedback"] = len(feedback) if isinstance(feedback, list) else 0
        out[(fact, str(project), entry[name])] = fields
    return out


def mechanism_event(kind: str, field: str, old: Any, new: Any) -> str:
    """What a change of one of the lists is, in one word the views label."""
    if field == kind:
        if kind == "supervision":
            return "issued" if old is None else "deleted_item"
        if kind == "assessment":
            return "assessed" if old is None else "removed"
        return "practice_added" if old is None else "removed"
    if kind == "supervision" and field == "status":
        return {"closed": "settled", "returned": "sent_back"}.get(str(new), "changed")
    if kind == "supervision" and field == "feedback" and isinstance(new, int) and new > (old or 0):
        return "feedback"
    if old is None:
        return "added"
    return "removed" if new is None else "changed"
