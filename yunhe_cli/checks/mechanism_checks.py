"""Checks across files for the rest of the working mechanism: assessments (形势研判), supervision
items (督查督办) and good practices (经验推广).

Each list is one project's: the file is named after it (R201) and the project exists (R205); the
indicators, tasks and problems it names are the project's (R206, R207, R211); units are in
units.yaml (R203); dates of what was done are not after the day checked on (D304) nor outside the
plan (D301), and come in order (D302). A quarter is assessed once (R209), by the project's lead
unit (R210), and not before it has begun (D304).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import Any

from yunhe_cli.core.index import Index
from yunhe_cli.core.periods import period_start, quarter_periods
from yunhe_cli.core.problems import Loc, Problem
from yunhe_cli.core.repository import Loaded, Repository

AnyLoaded = Loaded[Any]


def _p(src: AnyLoaded, code: str, message: str, loc: Loc) -> Problem:
    return Problem(src.source.path, code, message, loc)


def _suggest(ref: str, names: Iterable[str]) -> str:
    close = difflib.get_close_matches(ref, list(names), n=1, cutoff=0.5)
    return f"; did you mean {close[0]!r}?" if close else ""


def _project_lists(repo: Repository) -> Iterator[AnyLoaded]:
    yield from repo.assessment_lists
    yield from repo.supervision_lists
    yield from repo.practice_lists


def check_mechanism(repo: Repository, index: Index) -> Iterator[Problem]:
    for lst in _project_lists(repo):
        project_id = lst.model.project
        stem = lst.source.rel.split("/")[-1].removesuffix(".yaml")
        if project_id != stem:
            yield _p(
                lst,
                "R201",
                f"the file is named {stem}.yaml but names the project {project_id!r}",
                ("project",),
            )
        if project_id not in index.projects:
            yield _p(
                lst,
                "R205",
                f"there is no project {project_id!r}{_suggest(project_id, index.projects)}",
                ("project",),
            )
    yield from _assessments(repo, index)
    yield from _supervision(repo, index)
    yield from _practices(repo, index)


class _Dates:
    """The date rules every list shares: inside the plan, not after the day checked on."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def done(self, src: AnyLoaded, day: Any, loc: Loc, what: str) -> Iterator[Problem]:
        horizon, today = self.index.horizon, self.index.today
        if horizon is not None and not horizon.start <= day <= horizon.end:
            yield _p(
                src,
                "D301",
                f"{what} {day} is outside the plan's horizon ({horizon.start} to {horizon.end})",
                loc,
            )
        if today is not None and day > today:
            yield _p(src, "D304", f"{what} {day} is after {today}, the day checked on; it cannot be yet", loc)

    def quarter(self, src: AnyLoaded, quarter: str, loc: Loc, begun: bool) -> Iterator[Problem]:
        horizon, today = self.index.horizon, self.index.today
        first, last = quarter_periods(quarter)
        if horizon is not None and (
            period_start(last) < horizon.start.replace(day=1) or period_start(first) > horizon.end
        ):
            yield _p(
                src,
                "D301",
                f"the quarter {quarter} is outside the plan's horizon ({horizon.start} to {horizon.end})",
                loc,
            )
        if begun and today is not None and period_start(first) > today:
            yield _p(src, "D304", f"the quarter {quarter} has not begun on {today}, the day checked on", loc)


def _unit(src: AnyLoaded, index: Index, ref: str, loc: Loc) -> Iterator[Problem]:
    if index.units and ref not in index.units:
        yield _p(src, "R203", f"the unit {ref!r} is not in units.yaml{_suggest(ref, index.units)}", loc)


def _assessments(repo: Repository, index: Index) -> Iterator[Problem]:
    dates = _Dates(index)
    for lst in repo.assessment_lists:
        project = index.projects.get(lst.model.project)
        lead = index.unit(project.lead_unit) if project is not None else None
        seen: dict[str, int] = {}
        for i, a in enumerate(lst.model.assessments):
            at: Loc = ("assessments", i)
            yield from dates.quarter(lst, a.quarter, (*at, "quarter"), begun=True)
            if a.quarter in seen:
                yield _p(
                    lst,
                    "R209",
                    f"the quarter {a.quarter} is assessed twice (first as entry {seen[a.quarter] + 1})",
                    (*at, "quarter"),
                )
            seen.setdefault(a.quarter, i)
            yield from dates.done(lst, a.written_on, (*at, "written_on"), "written on")
            if a.facts is not None:
                yield from dates.done(lst, a.facts.as_of, (*at, "facts", "as_of"), "computed as of")
            writer = index.unit(a.written_by)
            if writer is None:
                yield from _unit(lst, index, a.written_by, (*at, "written_by"))
            elif lead is not None and writer.id != lead.id:
                yield _p(
                    lst,
                    "R210",
                    f"{a.written_by} is not the lead unit of {lst.model.project} ({lead.name}), "
                    "who writes its assessments",
                    (*at, "written_by"),
                )
            if project is None:
                continue
            indicator_ids = [ind.id for ind in project.indicators]
            for j, ref in enumerate(a.indicators):
                if ref not in indicator_ids:
                    yield _p(
                        lst,
                        "R206",
                        f"project {project.id} has no indicator {ref!r}{_suggest(ref, indicator_ids)}",
                        (*at, "indicators", j),
                    )
            task_ids = [t.id for t in project.tasks]
            for j, ref in enumerate(a.tasks):
                if ref not in task_ids:
                    yield _p(
                        lst,
                        "R207",
                        f"project {project.id} has no task {ref!r}{_suggest(ref, task_ids)}",
                        (*at, "tasks", j),
                    )


def _supervision(repo: Repository, index: Index) -> Iterator[Problem]:
    dates = _Dates(index)
    problems = {q.id for lst in repo.problem_lists for q in lst.model.problems}
    ids: dict[str, AnyLoaded] = {}
    for lst in repo.supervision_lists:
        project = index.projects.get(lst.model.project)
        task_ids = [t.id for t in project.tasks] if project is not None else []
        mine = sorted(
            q.id
            for pl in repo.problem_lists
            if pl.model.project == lst.model.project
            for q in pl.model.problems
        )
        for i, item in enumerate(lst.model.items):
            at: Loc = ("items", i)
            if item.id in ids:
                yield _p(
                    lst,
                    "R202",
                    f"the item id {item.id!r} is used twice (first in {ids[item.id].source.path})",
                    (*at, "id"),
                )
            ids.setdefault(item.id, lst)
            yield from _unit(lst, index, item.unit, (*at, "unit"))
            yield from dates.done(lst, item.issued_on, (*at, "issued_on"), "issued on")
            if item.due < item.issued_on:
                yield _p(
                    lst, "D302", f"due {item.due} is before it was issued ({item.issued_on})", (*at, "due")
                )
            if project is not None and item.task is not None and item.task not in task_ids:
                yield _p(
                    lst,
                    "R207",
                    f"project {project.id} has no task {item.task!r}{_suggest(item.task, task_ids)}",
                    (*at, "task"),
                )
            if item.problem is not None and item.problem not in mine:
                where = (
                    " (it is another project's)" if item.problem in problems else _suggest(item.problem, mine)
                )
                yield _p(
                    lst,
                    "R211",
                    f"the problem list of {lst.model.project} has no problem {item.problem!r}{where}",
                    (*at, "problem"),
                )
            later: list[tuple[Any, Loc, str]] = [
                (f.on, (*at, "feedback", j, "on"), "feedback on") for j, f in enumerate(item.feedback)
            ]
            later += [(r.on, (*at, "returns", j, "on"), "sent back on") for j, r in enumerate(item.returns)]
            if item.closed_on is not None:
                later.append((item.closed_on, (*at, "closed_on"), "closed on"))
            for day, loc, what in later:
                yield from dates.done(lst, day, loc, what)
                if day < item.issued_on:
                    yield _p(
                        lst, "D302", f"{what} {day} is before the item was issued ({item.issued_on})", loc
                    )


def _practices(repo: Repository, index: Index) -> Iterator[Problem]:
    dates = _Dates(index)
    for lst in repo.practice_lists:
        for i, pr in enumerate(lst.model.practices):
            at: Loc = ("practices", i)
            yield from _unit(lst, index, pr.unit, (*at, "unit"))
            yield from dates.done(lst, pr.on, (*at, "on"), "dated")
            if pr.presented_at is not None:
                yield from dates.quarter(lst, pr.presented_at, (*at, "presented_at"), begun=True)
