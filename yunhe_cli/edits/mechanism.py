"""Writes of the rest of the working mechanism: a quarter's assessment drafted (`yunhe assess`), and
supervision items issued, answered, closed and sent back (`yunhe supervise`).

Each write goes through `session.edit` / `session.create` under the lock: checked with the whole
folder first, atomic, comments and layout kept.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yunhe_cli.core.index import Index
from yunhe_cli.core.mechanism_records import SupervisionItem
from yunhe_cli.core.problems import Problem
from yunhe_cli.core.repository import Repository
from yunhe_cli.edits.roundtrip import block_style, empty_list, load_round_trip, schema_comment, set_in_order
from yunhe_cli.edits.session import UnknownUnit, checked_repo, create, edit, project_of
from yunhe_cli.store.write import LOCK_TIMEOUT_S, dump, refuse, repo_lock

if TYPE_CHECKING:
    from yunhe_cli.checks.validation import Checked

ITEM_ORDER = list(SupervisionItem.model_fields)
# What the lead unit fills in, as a comment beside each empty key of a draft.
DRAFT_HINTS = {
    "rating": "研判结论：绿 / 黄 / 红",
    "progress": "进展",
    "risks": "风险与困难",
    "next_steps": "下一步",
}


def new_list_text(rel: str, project: str, key: str) -> str:
    """A project's new mechanism file at `rel` (assessments/p01.yaml): its schema, its project and
    the empty list `key`."""
    kind = rel.split("/")[0]
    return "\n".join([schema_comment(rel, kind), f"project: {project}", f"{key}: []", ""])


def _append(
    root: Path, checked: Checked, rel: str, project: str, key: str, entry: dict[str, Any], today: dt.date
) -> Any:
    """Append `entry` to the list `key` of the project's file at `rel`, creating the file."""
    from ruamel.yaml.comments import CommentedMap

    if not (root / rel).exists():
        data = load_round_trip(new_list_text(rel, project, key))
        data[key].append(entry)
        block_style(data[key])
        create(root, rel, dump(data), today, checked)
        return

    def change(data: Any) -> None:
        items = data.get(key)
        if items is None:
            data[key] = items = empty_list()
        items.append(entry if isinstance(entry, CommentedMap) else CommentedMap(entry))
        block_style(items)

    edit(root, rel, change, today, checked)


# --------------------------------------------------------------------------- 形势研判


def draft_assessment(
    root: Path,
    project_ref: str,
    quarter: str,
    today: dt.date,
    lock_timeout: float = LOCK_TIMEOUT_S,
    notices: list[Problem] | None = None,
) -> Path:
    """Append the quarter's assessment to the project's list with the computed facts filled in and
    the judgement (rating, 进展, 风险与困难, 下一步) left for the lead unit. The facts are as of the
    quarter's board day, or today when that is still ahead."""
    from ruamel.yaml.comments import CommentedMap

    from yunhe_cli.reports.mechanism_rest import facts
    from yunhe_cli.reports.quarterly import quarter_as_of
    from yunhe_cli.reports.rollup import roll_up

    with repo_lock(root, lock_timeout):
        checked = checked_repo(root, today, notices)
        repo = checked.repo
        project = project_of(repo, project_ref)
        rel = f"assessments/{project.id}.yaml"
        for lst in repo.assessment_lists:
            for i, a in enumerate(lst.model.assessments):
                if lst.source.rel == rel and a.quarter == quarter:
                    raise refuse(
                        root / rel,
                        "W512",
                        f"{project.id} has an assessment of {quarter} already (written {a.written_on})",
                        ("assessments", i, "quarter"),
                    )
        when = min(today, quarter_as_of(repo, int(quarter[:4]), int(quarter[-1])))
        computed = facts(roll_up(repo, when), project.id)
        # A date is written out where it stands (the same object twice would become a YAML alias).
        computed["as_of"] = dt.date.fromordinal(when.toordinal())
        entry = CommentedMap()
        for key, value in (
            ("quarter", quarter),
            ("written_on", dt.date.fromordinal(today.toordinal())),
            ("written_by", project.lead_unit),
            ("rating", None),
            ("progress", None),
            ("risks", None),
            ("next_steps", None),
            ("facts", computed),
        ):
            entry[key] = value
        for key, hint in DRAFT_HINTS.items():
            entry.yaml_add_eol_comment(hint, key)
        _append(root, checked, rel, project.id, "assessments", entry, today)
    return root / rel


# --------------------------------------------------------------------------- 督查督办


def next_item_id(repo: Repository, project: str) -> str:
    pattern = re.compile(rf"^{re.escape(project)}-s(\d+)$")
    numbers = [
        int(match.group(1))
        for lst in repo.supervision_lists
        for item in lst.model.items
        if (match := pattern.match(item.id))
    ]
    return f"{project}-s{max(numbers, default=0) + 1:03d}"


def add_item(
    root: Path,
    project_ref: str,
    unit: str,
    due: dt.date,
    requirement: str,
    issued_on: dt.date,
    today: dt.date,
    problem: str | None = None,
    task: str | None = None,
    lock_timeout: float = LOCK_TIMEOUT_S,
    notices: list[Problem] | None = None,
) -> tuple[str, Path]:
    """交办: append an item to the project's supervision list; its id and file."""
    with repo_lock(root, lock_timeout):
        checked = checked_repo(root, today, notices)
        project = project_of(checked.repo, project_ref)
        index = Index.build(checked.repo)
        if index.unit(unit) is None:
            raise UnknownUnit(unit, list(index.units))
        rel = f"supervision/{project.id}.yaml"
        if issued_on > today:
            raise refuse(root / rel, "W503", f"--issued-on {issued_on} is in the future (today is {today})")
        item_id = next_item_id(checked.repo, project.id)
        entry: dict[str, Any] = {
            "id": item_id,
            "unit": unit,
            "issued_on": issued_on,
            "due": due,
            "requirement": requirement,
        }
        if problem:
            entry["problem"] = problem
        if task:
            entry["task"] = task
        entry["status"] = "open"
        _append(root, checked, rel, project.id, "items", entry, today)
    return item_id, root / rel


def _find_item(root: Path, repo: Repository, item_id: str) -> tuple[str, SupervisionItem]:
    for lst in repo.supervision_lists:
        for item in lst.model.items:
            if item.id == item_id:
                return lst.source.rel, item
    from yunhe_cli.edits.problems import UnknownId

    known = sorted(item.id for lst in repo.supervision_lists for item in lst.model.items)
    raise UnknownId(item_id, known, "W511", "supervision item")


def _change_item(
    root: Path,
    item_id: str,
    on: dt.date,
    today: dt.date,
    apply: Any,
    lock_timeout: float,
    notices: list[Problem] | None,
) -> Path:
    """Apply `apply(entry)` to an open item, dated `on`: refused when the item is closed (W510), or
    `on` is before it was issued or in the future (W503)."""
    with repo_lock(root, lock_timeout):
        checked = checked_repo(root, today, notices)
        rel, item = _find_item(root, checked.repo, item_id)
        path = root / rel

        def change(data: Any) -> None:
            i, entry = next((i, e) for i, e in enumerate(data.get("items") or []) if e.get("id") == item_id)
            refused = item_change_refused(entry, item, on, today)
            if refused is not None:
                raise refuse(path, *refused, ("items", i, "id"))
            apply(entry)

        edit(root, rel, change, today, checked)
    return path


def item_change_refused(
    entry: Any, item: SupervisionItem, on: dt.date, today: dt.date
) -> tuple[str, str] | None:
    """(code, message) when an item's entry may not change on `on`: it is closed (W510), or `on` is
    before it was issued or in the future (W503); None when it may."""
    if entry.get("status") == "closed":
        return "W510", f"{item.id} was closed (办结) on {entry.get('closed_on')} already"
    if on < item.issued_on:
        return "W503", f"{on} is before {item.id} was issued ({item.issued_on})"
    if on > today:
        return "W503", f"{on} is in the future (today is {today})"
    return None


def answer_item(entry: Any, text: str, on: dt.date, evidence: list[str]) -> None:
    """办理情况 onto an item's entry: a feedback record; an item sent back is open again once answered."""
    record: dict[str, Any] = {"on": on, "text": text}
    if evidence:
        record["evidence"] = list(evidence)
    _append_to(entry, "feedback", record)
    if entry.get("status") == "returned":
        set_in_order(entry, "status", "open", ITEM_ORDER)


def _append_to(entry: Any, key: str, record: dict[str, Any]) -> None:
    if key not in entry:
        set_in_order(entry, key, empty_list(), ITEM_ORDER)
    entry[key].append(record)
    block_style(entry[key])


def item_feedback(
    root: Path,
    item_id: str,
    text: str,
    on: dt.date,
    evidence: list[str],
    today: dt.date,
    lock_timeout: float = LOCK_TIMEOUT_S,
    notices: list[Problem] | None = None,
) -> Path:
    """办理情况: the unit's feedback; an item sent back is open again once answered."""

    def apply(entry: Any) -> None:
        answer_item(entry, text, on, evidence)

    return _change_item(root, item_id, on, today, apply, lock_timeout, notices)


def close_item(
    root: Path,
    item_id: str,
    on: dt.date,
    conclusion: str | None,
    today: dt.date,
    lock_timeout: float = LOCK_TIMEOUT_S,
    notices: list[Problem] | None = None,
) -> Path:
    """办结: the office closes the item."""

    def apply(entry: Any) -> None:
        set_in_order(entry, "status", "closed", ITEM_ORDER)
        set_in_order(entry, "closed_on", on, ITEM_ORDER)
        set_in_order(entry, "conclusion", conclusion, ITEM_ORDER)

    return _change_item(root, item_id, on, today, apply, lock_timeout, notices)


def return_item(
    root: Path,
    item_id: str,
    on: dt.date,
    reason: str,
    today: dt.date,
    lock_timeout: float = LOCK_TIMEOUT_S,
    notices: list[Problem] | None = None,
) -> Path:
    """退回: the office sends the item back to its unit, with the reason."""

    def apply(entry: Any) -> None:
        set_in_order(entry, "status", "returned", ITEM_ORDER)
        _append_to(entry, "returns", {"on": on, "reason": reason})

    return _change_item(root, item_id, on, today, apply, lock_timeout, notices)
