"""What may not change quietly once committed: `yunhe validate --base REV`.

Compared with the repository at REV (the main branch, or HEAD before a commit):

- a submitted month's figures, task updates, `submitted_on` and `submitted_by` change only with
  a new `revisions:` entry in that report giving the old value (A601); a submitted report is
  never deleted (A605); recorded revisions stay as they were (A606);
- a problem is never deleted (A602);
- a closing is never rewritten or dropped: it stays as it was, or a reopening keeps it
  (A604), and the reopenings recorded stay as they were;
- a new closing is not dated more than `plan.yaml`'s `audit.backdate_days` before the day it is
  recorded, nor after it (A603): the day of the commit that recorded it (`recorded.py`), or the
  day checked for a closing not committed yet; a reopening that keeps a closing, followed by a new
  closing, is history, not a rewrite.

Pure: two loaded repositories in, problems out (placed later by the caller).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from yunhe_cli.checks.members import unit_lookup
from yunhe_cli.checks.recorded import Closing, Recorded, Records, RevisionKey
from yunhe_cli.core import model as m
from yunhe_cli.core.problems import Loc, Problem
from yunhe_cli.core.repository import Loaded, Repository
from yunhe_cli.store.facts import same_value


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # as the file writes it: 61, not 61.0
    return str(value)


def audit(
    base: Repository,
    head: Repository,
    recorded_on: dt.date,
    base_name: str,
    recorded: Records | None = None,
) -> list[Problem]:
    """Every change from `base` to `head` that the audit rules refuse. A closing or a revision is
    judged by the commit that recorded it (`recorded`, from `recorded.changes_recorded`); one in no
    commit by `recorded_on`, the day checked."""
    days = head.plan.model.audit.backdate_days if head.plan else m.Audit().backdate_days
    judged = _Days(recorded_on, recorded or Records({}, {}))
    return [*_reports(base, head, judged, base_name), *_problems(base, head, judged, days, base_name)]


class _Days:
    """The day each closing and revision was recorded, and how to say it."""

    def __init__(self, checked_on: dt.date, recorded: Records) -> None:
        self.checked_on = checked_on
        self.recorded = recorded.closings
        self.revisions = recorded.revisions

    def of(self, closing: Closing) -> tuple[dt.date, str]:
        return self._said(self.recorded.get(closing))

    def of_revision(self, key: RevisionKey) -> tuple[dt.date, str, bool]:
        found = self.revisions.get(key)
        return (*self._said(found), found is not None)

    def _said(self, found: Recorded | None) -> tuple[dt.date, str]:
        if found is None:
            return self.checked_on, f"{self.checked_on}"
        return found.committed, found.describe()


# --------------------------------------------------------------------------- submitted months


def _reports(base: Repository, head: Repository, judged: _Days, base_name: str) -> list[Problem]:
    now = {(r.model.project, r.model.period): r for r in head.reports}
    out: list[Problem] = []
    for old in base.reports:
        if old.model.submitted_on is None:
            continue  # a draft may change freely
        key = (old.model.project, old.model.period)
        new = now.get(key)
        where = f"{old.model.project} {old.model.period}"
        if new is None:
            path = head.root / old.source.rel
            submitted = old.model.submitted_on
            message = f"the report {where}, submitted on {submitted}, is deleted (it is in {base_name})"
            out.append(Problem(path, "A605", message, (), 1, 1))
            continue
        out.extend(_revisions_kept(old, new, where, base_name))
        out.extend(_new_revisions(old, new, head, judged, where))
        recorded = [r for r in new.model.revisions if r not in old.model.revisions]
        for loc, what, field, before, after in locked_changes(old.model, new.model):
            matching = [
                r
                for r in recorded
                if r.changed == field
                and r.indicator == (what if loc[0] == "values" else None)
                and r.task == (what if loc[0] == "tasks" else None)
            ]
            name = f"{what} {field}" if what else field
            if not matching:
                message = (
                    f"{where} was submitted on {old.model.submitted_on}; its {name} changed from "
                    f"{_show(before)} to {_show(after)} without a revisions: entry "
                    f"(on, by, reason, old: {_show(before)})"
                )
                out.append(Problem(new.source.path, "A601", message, loc))
            elif not any(same_value(r.old, before) for r in matching):
                message = (
                    f"{where}: the revision of {name} gives the old value {_show(matching[-1].old)}, "
                    f"but {base_name} has {_show(before)}"
                )
                out.append(Problem(new.source.path, "A601", message, loc))
    return out


def _revisions_kept(
    old: Loaded[m.MonthlyReport], new: Loaded[m.MonthlyReport], where: str, base_name: str
) -> list[Problem]:
    kept = new.model.revisions[: len(old.model.revisions)]
    for i, revision in enumerate(old.model.revisions):
        if i >= len(kept) or kept[i] != revision:
            message = f"{where}: the revision recorded on {revision.on} in {base_name} is changed or removed"
            loc: Loc = ("revisions", i) if i < len(kept) else ("revisions",)
            return [Problem(new.source.path, "A606", message, loc)]
    return []


def _revisers(head: Repository, project: str) -> frozenset[str] | None:
    """Who a revisions: entry may name as `by`: any unit (id, name, alias), or a member (name or
    email) of the project's lead unit or of the office; None without members.yaml (no people known)."""
    if head.members is None:
        return None
    lookup = unit_lookup(head.units.model if head.units else None)
    proj = head.project(project)
    keepers = {
        unit.id
        for ref in (
            proj.model.lead_unit if proj else None,
            head.plan.model.office_unit if head.plan else None,
        )
        if ref is not None and (unit := lookup.get(ref)) is not None
    }
    names = set(lookup)
    for group in head.members.model.units:
        unit = lookup.get(group.unit)
        if unit is not None and unit.id in keepers:
            names.update(n for person in group.people for n in (person.name, person.email) if n)
    return frozenset(names)


def _new_revisions(
    old: Loaded[m.MonthlyReport], new: Loaded[m.MonthlyReport], head: Repository, judged: _Days, where: str
) -> list[Problem]:
    """A608: a new revisions: entry by someone who does not answer for the month, dated before the
    month was submitted, or dated after the commit that records it."""
    submitted = old.model.submitted_on
    allowed = _revisers(head, old.model.project)
    out: list[Problem] = []
    for j, r in enumerate(new.model.revisions):
        if r in old.model.revisions:
            continue
        if allowed is not None and r.by not in allowed:
            message = (
                f"{where}: the revision of {r.on} is by {r.by}, who is not a unit in units.yaml nor, in "
                "members.yaml, a member of the project's lead unit or of the office"
            )
            out.append(Problem(new.source.path, "A608", message, ("revisions", j, "by")))
        day, said, committed = judged.of_revision((old.model.project, old.model.period, r.on, r.by, r.reason))
        if submitted is not None and r.on < submitted:
            message = f"{where}: the revision is dated {r.on}, before the month was submitted ({submitted})"
            out.append(Problem(new.source.path, "A608", message, ("revisions", j, "on")))
        elif committed and r.on > day:
            message = f"{where}: the revision is dated {r.on}, after it is recorded ({said})"
            out.append(Problem(new.source.path, "A608", message, ("revisions", j, "on")))
    return out


def locked_changes(old: m.MonthlyReport, new: m.MonthlyReport) -> list[tuple[Loc, str | None, str, Any, Any]]:
    """(place in the new file, indicator or task, field, old, new) of every locked field that differs."""
    out: list[tuple[Loc, str | None, str, Any, Any]] = []
    for name in m.REPORT_FIELDS:
        if not same_value(getattr(old, name), getattr(new, name)):
            out.append(((name,), None, name, getattr(old, name), getattr(new, name)))
    for group, ident, fields in (("values", "indicator", m.FIGURE_FIELDS), ("tasks", "task", m.TASK_FIELDS)):
        before = {getattr(e, ident): e for e in getattr(old, group)}
        after = {getattr(e, ident): (i, e) for i, e in enumerate(getattr(new, group))}
        for what in [*before, *(k for k in after if k not in before)]:
            a = before.get(what)
            i, b = after.get(what, (None, None))
            for name in fields:
                va, vb = getattr(a, name, None), getattr(b, name, None)
                if not same_value(va, vb):
                    loc: Loc = (
                        (group, i, name)
                        if i is not None and vb is not None
                        else ((group, i) if i is not None else (group,))
                    )
                    out.append((loc, what, name, va, vb))
    return out


# --------------------------------------------------------------------------- problems


def _problems(base: Repository, head: Repository, judged: _Days, days: int, base_name: str) -> list[Problem]:
    now: dict[str, tuple[Loaded[m.ProblemList], int, m.PlanProblem]] = {}
    for lst in head.problem_lists:
        for i, q in enumerate(lst.model.problems):
            now.setdefault(q.id, (lst, i, q))
    was = {q.id: q for lst in base.problem_lists for q in lst.model.problems}
    out: list[Problem] = []
    for lst in base.problem_lists:
        for q in lst.model.problems:
            if q.id not in now:
                path = head.root / lst.source.rel
                message = (
                    f"the problem {q.id} ({q.title}) is deleted; it is in {base_name} (close it instead)"
                )
                out.append(Problem(path, "A602", message, (), 1, 1))
    for pid, (lst, i, q) in now.items():
        path = lst.source.path
        old = was.get(pid)
        if old is not None:
            out.extend(_closings_kept(old, q, path, i, base_name))
        newly_closed = q.status == "closed" and (
            old is None or old.status != "closed" or old.closed_on != q.closed_on
        )
        if not newly_closed or q.closed_on is None:
            continue
        recorded_on, said = judged.of((pid, q.closed_on))
        late = (recorded_on - q.closed_on).days
        if late > days:
            message = (
                f"{pid} is crossed off as of {q.closed_on}, {late} days before "
                f"it is recorded ({said}); plan.yaml allows {days} (audit.backdate_days)"
            )
            out.append(Problem(path, "A603", message, ("problems", i, "closed_on")))
        elif late < 0 and (pid, q.closed_on) in judged.recorded:  # uncommitted: D304 says it
            message = (
                f"{pid} is crossed off as of {q.closed_on}, {-late} days after it is recorded ({said}); "
                "a closing cannot be dated after the day it is recorded"
            )
            out.append(Problem(path, "A603", message, ("problems", i, "closed_on")))
    return out


def _closings_kept(
    old: m.PlanProblem, new: m.PlanProblem, path: Any, i: int, base_name: str
) -> list[Problem]:
    out = []
    kept = new.reopened[: len(old.reopened)]
    if kept != old.reopened:
        message = f"{new.id}: the reopenings recorded in {base_name} are changed or removed"
        out.append(Problem(path, "A604", message, ("problems", i, "reopened")))
    if old.status != "closed":
        return out
    undone = [
        r
        for r in new.reopened[len(old.reopened) :]
        if r.closed_on == old.closed_on and r.resolution == old.resolution
    ]
    if new.status == "closed":
        same = new.closed_on == old.closed_on and new.resolution == old.resolution
        if undone:
            return out  # reopened, keeping the closing, and closed again: history, not a rewrite
        if not same or not set(old.evidence) <= set(new.evidence):
            message = (
                f"{new.id} was crossed off on {old.closed_on} ({old.resolution}) in {base_name}; the closing "
                "is rewritten (reopen it with yunhe issue reopen, then close it again)"
            )
            out.append(Problem(path, "A604", message, ("problems", i, "closed_on")))
        return out
    if not undone:
        message = (
            f"{new.id} was crossed off on {old.closed_on} in {base_name}; it is open now without a reopened: "
            "entry keeping that closing (use yunhe issue reopen)"
        )
        out.append(Problem(path, "A604", message, ("problems", i, "status")))
    return out
