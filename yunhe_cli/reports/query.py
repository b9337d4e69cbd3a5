"""What a report asks for: projects, a unit, a convener, an indicator — resolved once through the
index of units, people and projects, and applied to the roll-up (the CLI only parses options).

A name resolves by id, by number, by the plan's own words (full name, short name such as 双扩双争,
English name) or by a unique part of a name; anything else is an `UnknownName` with the nearest
candidates, which the CLI turns into a usage error.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from yunhe_cli.core import model as m
from yunhe_cli.core.index import Index
from yunhe_cli.core.repository import Repository
from yunhe_cli.reports.rollup import (
    IndicatorProgress,
    ProblemProgress,
    ProjectStatus,
    StatusReport,
    TaskProgress,
)


class UnknownName(ValueError):
    """A name that matches nothing, or more than one thing; `candidates` are the nearest."""

    def __init__(self, what: str, ref: str, candidates: Sequence[str], ambiguous: bool = False) -> None:
        self.what, self.ref, self.candidates, self.ambiguous = what, ref, tuple(candidates), ambiguous
        hint = f"; did you mean {', '.join(candidates)}?" if candidates else ""
        verb = "matches more than one" if ambiguous else "matches no"
        super().__init__(f"{ref!r} {verb} {what}{hint}")


def nearest(ref: str, names: Iterable[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(ref, list(dict.fromkeys(names)), n=n, cutoff=0.5)


def _pick(what: str, ref: str, exact: list[str], partial: list[str], names: Iterable[str]) -> str:
    for found in (exact, partial):
        unique = list(dict.fromkeys(found))
        if len(unique) == 1:
            return unique[0]
        if len(unique) > 1:
            raise UnknownName(what, ref, unique[:5], ambiguous=True)
    raise UnknownName(what, ref, nearest(ref, names))


def projects_by_number(repo: Repository) -> list[m.Project]:
    return [p.model for p in sorted(repo.projects, key=lambda p: p.model.number)]


def _project_names(p: m.Project) -> list[str]:
    return [x for x in (p.id, str(p.number), p.name, p.name_en, p.short_name, p.short_name_en) if x]


def resolve_project(repo: Repository, ref: str) -> m.Project:
    """A project by id (p03), number (3), name, short name (双扩双争) or a unique part of its name."""
    projects = projects_by_number(repo)
    wanted = ref.strip().casefold()
    exact = [p.id for p in projects if wanted in (n.casefold() for n in _project_names(p))]
    partial = [p.id for p in projects if any(wanted in n.casefold() for n in _project_names(p)[2:])]
    names = [n for p in projects for n in _project_names(p)]
    found = _pick("project", ref, exact, partial, names)
    return next(p for p in projects if p.id == found)


def resolve_indicator(repo: Repository, ref: str) -> tuple[m.Project, m.Indicator]:
    """An indicator by `project.id`, a unique id, its name (有效投资) or a unique part of its name."""
    project_ref, dot, indicator_ref = ref.rpartition(".")
    projects = projects_by_number(repo)
    if dot:
        try:
            projects = [resolve_project(repo, project_ref)]
        except UnknownName:
            projects, indicator_ref = projects_by_number(repo), ref  # a name with a dot in it
    else:
        indicator_ref = ref
    wanted = indicator_ref.strip().casefold()
    keyed = {f"{p.id}.{i.id}": (p, i) for p in projects for i in p.indicators}

    def names(i: m.Indicator) -> list[str]:
        return [x for x in (i.id, i.name, i.name_en) if x]

    exact = [k for k, (_, i) in keyed.items() if wanted in (n.casefold() for n in names(i))]
    partial = [k for k, (_, i) in keyed.items() if any(wanted in n.casefold() for n in names(i)[1:])]
    all_names = [*keyed, *(n for _, i in keyed.values() for n in names(i))]
    found = _pick("indicator", ref, exact, partial, all_names)
    return keyed[found]


def resolve_unit(index: Index, ref: str) -> m.UnitEntry:
    entry = index.unit(ref)
    if entry is not None:
        return entry
    units = {u.id: u for u in index.units.values()}
    partial = [u.id for u in units.values() if ref in u.name or any(ref in a for a in u.aliases)]
    found = _pick("unit in units.yaml", ref, [], partial, list(index.units))
    return units[found]


def resolve_convener(index: Index, ref: str) -> m.Person:
    person = index.people.get(ref)
    if person is not None:
        return person
    people = {p.id: p for p in index.people.values()}
    partial = [p.id for p in people.values() if ref in p.name]
    found = _pick("person in people.yaml", ref, [], partial, list(index.people))
    return people[found]


@dataclass(frozen=True, slots=True)
class Query:
    """The filters of a report, resolved to the names the roll-up uses."""

    projects: frozenset[str] | None = None  # project ids
    unit: str | None = None  # a unit's registry name: what it leads or owns
    convener: str | None = None  # a person's registry name
    status: str | None = None
    overdue: bool = False

    @classmethod
    def resolve(
        cls,
        repo: Repository,
        project: str | None = None,
        unit: str | None = None,
        convener: str | None = None,
        status: str | None = None,
        overdue: bool = False,
    ) -> Query:
        index = Index.build(repo)
        return cls(
            frozenset({resolve_project(repo, project).id}) if project is not None else None,
            resolve_unit(index, unit).name if unit is not None else None,
            resolve_convener(index, convener).name if convener is not None else None,
            status,
            overdue,
        )

    def _project(self, p: ProjectStatus) -> bool:
        return (self.projects is None or p.id in self.projects) and (
            self.convener is None or p.convener == self.convener
        )

    def projects_of(self, report: StatusReport) -> tuple[ProjectStatus, ...]:
        """Projects kept: by project and convener, and --unit as the lead unit."""
        return tuple(
            p for p in report.projects if self._project(p) and (self.unit is None or p.lead_unit == self.unit)
        )

    def _kept(self, report: StatusReport) -> set[str]:
        return {p.id for p in report.projects if self._project(p)}

    def indicators_of(self, report: StatusReport) -> list[IndicatorProgress]:
        kept = self._kept(report)
        return [
            i
            for i in report.indicators()
            if i.project in kept
            and (self.status is None or i.status == self.status)
            and (self.unit is None or i.owner == self.unit)
        ]

    def tasks_of(self, report: StatusReport) -> list[TaskProgress]:
        kept = self._kept(report)
        return [
            x
            for x in report.tasks()
            if x.project in kept
            and (self.status is None or x.state == self.status)
            and (not self.overdue or x.overdue)
            and (self.unit is None or x.owner == self.unit)
        ]

    def problems_of(self, report: StatusReport) -> list[ProblemProgress]:
        kept = self._kept(report)
        return [
            q
            for q in report.problems()
            if q.project in kept
            and (self.status is None or q.closed == (self.status == "closed"))
            and (not self.overdue or q.overdue)
            and (self.unit is None or q.owner == self.unit)
        ]


def units_in_english(repo: Repository) -> dict[str, str]:
    """Each unit's name as the data writes it (its registry name and its aliases) -> its English
    name, for the units that have one (`name_en` in units.yaml)."""
    if repo.units is None:
        return {}
    return {name: u.name_en for u in repo.units.model.units if u.name_en for name in (u.name, *u.aliases)}
