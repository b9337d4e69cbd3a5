"""The problem closure lists (问题销号, `issues/<project>.yaml`): a problem added, crossed off,
reopened.

The closing rule lives here once (`closing_refused`, `cross_off`): `yunhe issue close` and a form's
销号 rows (`yunhe import`) ask it. Each write goes through `session.edit` / `session.create`:
checked first, atomic and locked.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yunhe_cli.core import model as m
from yunhe_cli.core.index import Index
from yunhe_cli.core.problems import Problem
from yunhe_cli.core.repository import Repository
from yunhe_cli.edits.roundtrip import block_style, empty_list, load_round_trip, schema_comment, set_in_order
from yunhe_cli.edits.session import UnknownUnit, checked_repo, create, edit, project_of
from yunhe_cli.store.write import LOCK_TIMEOUT_S, dump, refuse, repo_lock

if TYPE_CHECKING:
    from yunhe_cli.checks.validation import Checked

PROBLEM_ORDER = list(m.PlanProblem.model_fields)


def next_problem_id(repo: Repository, project: str) -> str:
    pattern = re.compile(rf"^{re.escape(project)}-(\d+)$")
    numbers = [
        int(match.group(1))
        for lst in repo.problem_lists
        for q in lst.model.problems
        if (match := pattern.match(q.id))
    ]
    return f"{project}-{max(numbers, default=0) + 1:03d}"


def add_problem(
    root: Path,
    project_ref: str,
    title: str,
    owner: str,
    due: dt.date,
    raised_on: dt.date,
    source: str | None,
    today: dt.date | None = None,
    lock_timeout: float = LOCK_TIMEOUT_S,
    notices: list[Problem] | None = None,
) -> tuple[str, Path]:
    """Append a problem to the project's list (creating the list); its id and file."""
    today = today or dt.date.today()
    with repo_lock(root, lock_timeout):
        checked = checked_repo(root, today, notices)
        repo = checked.repo
        project = project_of(repo, project_ref)
        index = Index.build(repo)
        if index.unit(owner) is None:
            raise UnknownUnit(owner, list(index.units))
        if raised_on > today:
            raise refuse(
                root / f"issues/{project.id}.yaml",
                "W503",
                f"--raised-on {raised_on} is in the future (today is {today})",
            )
        problem_id = _add_problem(root, checked, project, title, owner, due, raised_on, source, today)
    return problem_id, root / f"issues/{project.id}.yaml"


def _add_problem(
    root: Path,
    checked: Checked,
    project: m.Project,
    title: str,
    owner: str,
    due: dt.date,
    raised_on: dt.date,
    source: str | None,
    today: dt.date,
) -> str:
    rel = f"issues/{project.id}.yaml"
    problem_id = next_problem_id(checked.repo, project.id)
    entry: dict[str, Any] = {
        "id": problem_id,
        "title": title,
        "owner": owner,
        "raised_on": raised_on,
        "due": due,
        "status": "open",
    }
    if source:
        entry["source"] = source
    if not (root / rel).exists():
        text = "\n".join([schema_comment(rel, "problems"), f"project: {project.id}", "problems: []", ""])
        data = load_round_trip(text)
        data["problems"].append(entry)
        block_style(data["problems"])
        create(root, rel, dump(data), today, checked)
        return problem_id

    def change(data: Any) -> None:
        from ruamel.yaml.comments import CommentedMap

        problems = data.get("problems")
        if problems is None:
            data["problems"] = problems = empty_list()
        problems.append(CommentedMap(entry))
        block_style(problems)

    edit(root, rel, change, today, checked)
    return problem_id


def find_problem(root: Path, repo: Repository, problem_id: str) -> tuple[str, m.PlanProblem]:
    for lst in repo.problem_lists:
        for q in lst.model.problems:
            if q.id == problem_id:
                return lst.source.rel, q
    known = sorted(q.id for lst in repo.problem_lists for q in lst.model.problems)
    raise UnknownId(problem_id, known)


class UnknownId(LookupError):
    """An id typed on the command line that no list holds (a problem, W502; a supervision item,
    W511): said with the nearest ids, placed at the argument (no place in a file to point at)."""

    def __init__(self, ref: str, known: list[str], code: str = "W502", what: str = "problem") -> None:
        self.code = code
        near = nearest_ids(ref, known)
        hint = f"; the nearest ids: {', '.join(near)}" if near else ""
        super().__init__(f"there is no {what} {ref!r}{hint}")


def nearest_ids(ref: str, known: list[str], n: int = 3) -> list[str]:
    """Up to `n` ids nearest `ref`: of the same prefix (p01-, p01-s), by the distance of their
    numbers (ties: the lower first); else the most alike by spelling."""
    import difflib

    found = re.fullmatch(r"(.+?)(\d+)", ref)
    if found:
        prefix, number = found[1], int(found[2])
        same = [
            (abs(int(k[len(prefix) :]) - number), k)
            for k in known
            if re.fullmatch(rf"{re.escape(prefix)}\d+", k)
        ]
        if same:
            return [k for _, k in sorted(same)[:n]]
    return difflib.get_close_matches(ref, known, n=n, cutoff=0.5)


def _entry(data: Any, problem_id: str) -> tuple[int, Any]:
    for i, entry in enumerate(data.get("problems") or []):
        if entry.get("id") == problem_id:
            return i, entry
    raise KeyError(problem_id)  # pragma: no cover - find_problem found it a moment ago


# --------------------------------------------------------------------------- crossing off (销号)


def closing_refused(
    entry: Any, problem: m.PlanProblem, on: dt.date, today: dt.date
) -> tuple[str, str] | None:
    """Why `problem` (its entry in the round-trip list) cannot be crossed off on `on`: (code,
    message), or None. The one closing rule, for `issue close` and a form's 销号 rows alike."""
    if entry.get("status") == "closed":
        return "W501", f"{problem.id} was crossed off on {entry.get('closed_on')} already"
    if on < problem.raised_on:
        return "W503", f"{on} is before {problem.id} was raised ({problem.raised_on})"
    if on > today:
        return "W503", f"{on} is in the future (today is {today})"
    return None


def cross_off(entry: Any, on: dt.date, resolution: str, evidence: list[str]) -> None:
    """Mark the entry closed on `on`, with its resolution and evidence, each key at its place."""
    set_in_order(entry, "status", "closed", PROBLEM_ORDER)
    set_in_order(entry, "closed_on", on, PROBLEM_ORDER)
    set_in_order(entry, "resolution", resolution, PROBLEM_ORDER)
    if evidence:
        set_in_order(entry, "evidence", list(evidence), PROBLEM_ORDER)


def close_problem(
    root: Path,
    problem_id: str,
    on: dt.date,
    resolution: str,
    evidence: list[str],
    today: dt.date,
    lock_timeout: float = LOCK_TIMEOUT_S,
    notices: list[Problem] | None = None,
) -> Path:
    """销号: cross a problem off with its date, resolution and evidence."""
    with repo_lock(root, lock_timeout):
        checked = checked_repo(root, today, notices)
        rel, problem = find_problem(root, checked.repo, problem_id)
        path = root / rel

        def change(data: Any) -> None:
            i, entry = _entry(data, problem_id)
            refused = closing_refused(entry, problem, on, today)
            if refused is not None:
                raise refuse(path, *refused, ("problems", i, "id"))
            cross_off(entry, on, resolution, evidence)

        edit(root, rel, change, today, checked)
    return path


# --------------------------------------------------------------------------- reopening


def reopen_problem(
    root: Path,
    problem_id: str,
    on: dt.date,
    reason: str,
    today: dt.date,
    by: str | None = None,
    lock_timeout: float = LOCK_TIMEOUT_S,
    notices: list[Problem] | None = None,
) -> Path:
    """Reopen a crossed-off problem, keeping what the closing said (date, resolution, evidence) and
    who reopened it in `reopened`."""
    with repo_lock(root, lock_timeout):
        checked = checked_repo(root, today, notices)
        rel, problem = find_problem(root, checked.repo, problem_id)
        path = root / rel

        def change(data: Any) -> None:
            i, entry = _entry(data, problem_id)
            loc = ("problems", i, "id")
            if entry.get("status") != "closed":
                raise refuse(
                    path, "W506", f"{problem_id} is open; only a crossed-off problem can be reopened", loc
                )
            closed_on = problem.closed_on
            if closed_on is not None and on < closed_on:
                raise refuse(path, "W503", f"{on} is before {problem_id} was crossed off ({closed_on})", loc)
            if on > today:
                raise refuse(path, "W503", f"{on} is in the future (today is {today})", loc)
            record: dict[str, Any] = {"on": on}
            if by:
                record["by"] = by
            record["reason"] = reason
            if closed_on is not None:
                record["closed_on"] = closed_on
            if problem.resolution:
                record["resolution"] = problem.resolution
            if problem.evidence:
                record["evidence"] = list(problem.evidence)
            set_in_order(entry, "status", "open", PROBLEM_ORDER)
            for key in ("closed_on", "resolution", "evidence"):
                if key in entry:
                    del entry[key]
            if "reopened" not in entry:
                set_in_order(entry, "reopened", empty_list(), PROBLEM_ORDER)
            entry["reopened"].append(record)
            block_style(entry["reopened"])

        edit(root, rel, change, today, checked)
    return path
