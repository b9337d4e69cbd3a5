"""催报 (reminders): what each unit owes, due or overdue within a number of days of a date.

Pure values over the roll-up: nothing here reads the clock, prints or words anything. Every rule
comes from its one home: a month's report is owed as `rollup.reporting_state` says (its due day
from `periods.report_due` and the plan's `monthly_due_day`), a task's deadlines as
`rollup.task_progress` judges them, a problem as `rollup.problem_progress` does, and a unit is
named as the roll-up names it (the registry's name) and found by `query.resolve_unit`.

Each thing owed is a `Due`: its source kind, the unit that owes it, the project, what it is, the
day it falls due, the days overdue or left, and an `id` that names the thing itself (not the
run, not the date), so a calendar built from two runs updates an event instead of adding one.
The sources are collectors in `COLLECTORS`, one per kind of thing owed; supervision items (督查)
and the quarter's assessment (考核) plug in as further collectors of `Due`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from yunhe_cli.core import model as m
from yunhe_cli.core.index import Index
from yunhe_cli.core.periods import report_due
from yunhe_cli.core.repository import Repository
from yunhe_cli.reports.meetings import due_day
from yunhe_cli.reports.quarterly import previous_quarter, quarter_as_of
from yunhe_cli.reports.query import resolve_unit
from yunhe_cli.reports.rollup import (
    ProjectStatus,
    StatusReport,
    TaskProgress,
    is_visible,
    reporting_state,
    roll_up,
)

DEFAULT_WITHIN = 14

# The kinds of thing owed, in the order they are listed when everything else is equal.
# report: a month's report of a project the unit leads; task: a key task's own deadline;
# milestone: a dated milestone of a key task; problem: an open problem to cross off (销号).
# supervision: an item the supervision office issued (督查督办), owed by its unit; assessment: the
# quarter's assessment (形势研判), owed by the lead unit by the quarter's board day.
SOURCES: tuple[str, ...] = ("report", "task", "milestone", "problem", "supervision", "assessment")


@dataclass(frozen=True, slots=True)
class Due:
    """One thing a unit owes by a day.

    `ref` names the thing within its source and project: the month for a report (2026-10), the
    task's id for a task, `task/milestone title` for a milestone, the problem's id for a problem.
    `title` is the thing's own words (for a report, its month); `parent` what it belongs to (a
    milestone's task). `days_overdue` counts the days past the due day (0 when not overdue),
    `days_left` the days still to go (0 when due today or overdue).
    """

    source: str
    unit: str  # the registry's name of the unit that owes it
    project: str  # project id
    number: int  # project number (for sorting and short references)
    project_name: str
    ref: str
    title: str
    due: dt.date
    days_overdue: int
    days_left: int
    title_en: str | None = None
    parent: str | None = None
    parent_en: str | None = None
    project_name_en: str | None = None

    @property
    def id(self) -> str:
        """Stable identity: the same thing owed has the same id in every run, whatever the date."""
        return f"{self.source}/{self.project}/{self.ref}"

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    def severity(self) -> tuple[int, int, int, int, str]:
        """Sort key, worst first: the longest overdue, then the soonest due."""
        order = SOURCES.index(self.source) if self.source in SOURCES else len(SOURCES)
        return (-self.days_overdue, self.days_left, self.number, order, self.ref)


def days_apart(due: dt.date, as_of: dt.date) -> tuple[int, int]:
    """(days overdue, days left) of something due on `due`, as of `as_of`."""
    gap = (due - as_of).days
    return (max(0, -gap), max(0, gap))


@dataclass(frozen=True, slots=True)
class UnitReminders:
    unit: str  # the registry's name
    unit_en: str | None
    items: tuple[Due, ...]  # worst first

    @property
    def overdue(self) -> int:
        return sum(d.overdue for d in self.items)

    @property
    def upcoming(self) -> int:
        return sum(not d.overdue for d in self.items)


@dataclass(frozen=True, slots=True)
class Reminders:
    as_of: dt.date
    within: int
    until: dt.date  # the last day looked at: as_of + within
    units: tuple[UnitReminders, ...]  # the unit with the worst item first
    unit: str | None = None  # the one unit asked for (registry name), if any

    def items(self) -> list[Due]:
        return [d for u in self.units for d in u.items]


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class Window:
    """What a collector reads: the repository, its roll-up as of `as_of`, and the last day looked at."""

    repo: Repository
    status: StatusReport
    as_of: dt.date
    until: dt.date
    projects: dict[str, m.Project] = field(default_factory=dict)

    def due(
        self,
        source: str,
        unit: str,
        p: ProjectStatus,
        ref: str,
        title: str,
        due: dt.date,
        **extra: str | None,
    ) -> Due:
        overdue, left = days_apart(due, self.as_of)
        return Due(
            source=source,
            unit=unit,
            project=p.id,
            number=p.number,
            project_name=p.name,
            ref=ref,
            title=title,
            due=due,
            days_overdue=overdue,
            days_left=left,
            project_name_en=p.name_en,
            **extra,
        )


Collector = Callable[[Window], Iterable[Due]]


def monthly_reports(w: Window) -> Iterable[Due]:
    """Each month's report a project owes by `until`, not submitted as of `as_of`, owed by its lead unit.

    The months are `reporting_state`'s missing months as of the day after `until`, read from the
    reports submitted by `as_of` (the one rule of what counts as reported and when it falls due).
    """
    day = due_day(w.repo)
    by_project: dict[str, list[m.MonthlyReport]] = {}
    for loaded in w.repo.reports:
        by_project.setdefault(loaded.model.project, []).append(loaded.model)
    after = w.until + dt.timedelta(days=1)
    for p in sorted(w.status.projects, key=lambda p: p.number):
        seen = [r for r in by_project.get(p.id, []) if is_visible(r, w.as_of)]
        for period in reporting_state(w.repo, p.id, after, seen).missing:
            yield w.due("report", p.lead_unit, p, period, period, report_due(period, day))


def _deadline(w: Window, p: ProjectStatus, t: TaskProgress, day: dt.date) -> Iterable[Due]:
    """The task's own due date, or the milestones of the task that fall on `day`."""
    if day == t.due:
        yield w.due("task", t.owner, p, t.task, t.title, day, title_en=t.title_en)
        return
    project = w.projects.get(p.id)
    task = next((k for k in project.tasks if k.id == t.task), None) if project is not None else None
    for ms in task.milestones if task is not None else ():
        if ms.due == day:
            yield w.due(
                "milestone",
                t.owner,
                p,
                f"{t.task}/{ms.title}",
                ms.title,
                day,
                parent=t.title,
                parent_en=t.title_en,
            )


def key_tasks(w: Window) -> Iterable[Due]:
    """A task not done: the first deadline it missed (as the roll-up counts its days overdue) and the
    next deadline ahead when it falls by `until`; a deadline is a milestone not reached or the due date."""
    for p in sorted(w.status.projects, key=lambda p: p.number):
        for t in p.tasks:
            if t.state == "done":
                continue
            if t.overdue:
                yield from _deadline(w, p, t, w.as_of - dt.timedelta(days=t.days_overdue))
            if t.next_deadline is not None and t.next_deadline <= w.until:
                yield from _deadline(w, p, t, t.next_deadline)


def open_problems(w: Window) -> Iterable[Due]:
    """Problems open as of `as_of` and due by `until`, owed by their owner unit."""
    for p in sorted(w.status.projects, key=lambda p: p.number):
        for q in p.problems:
            if not q.closed and q.due <= w.until:
                yield w.due("problem", q.owner, p, q.id, q.title, q.due)


def supervision_items(w: Window) -> Iterable[Due]:
    """Supervision items (督查督办) issued by `as_of`, not closed then, and due by `until`, owed by
    the unit they were issued to."""
    index = Index.build(w.repo)
    by_id = {p.id: p for p in w.status.projects}
    for lst in w.repo.supervision_lists:
        p = by_id.get(lst.model.project)
        if p is None:
            continue
        for item in lst.model.items:
            if item.issued_on <= w.as_of and not item.closed_by(w.as_of) and item.due <= w.until:
                unit = index.unit(item.unit)
                yield w.due(
                    "supervision", unit.name if unit else item.unit, p, item.id, item.requirement, item.due
                )


def quarter_assessments(w: Window) -> Iterable[Due]:
    """The latest quarter whose board day (the day its last reports fall due) comes by `until`, not
    assessed (形势研判) by `as_of`, owed by the lead unit; only once the folder keeps assessments."""
    if not w.repo.assessment_lists:
        return
    year, q = w.until.year, (w.until.month - 1) // 3 + 1
    while quarter_as_of(w.repo, year, q) > w.until:  # back to the last quarter whose board day came
        year, q = previous_quarter(year, q)
    name, board = f"{year:04d}-Q{q}", quarter_as_of(w.repo, year, q)
    done = {
        lst.model.project
        for lst in w.repo.assessment_lists
        for a in lst.model.assessments
        if a.quarter == name and a.written_on <= w.as_of
    }
    for p in sorted(w.status.projects, key=lambda p: p.number):
        if p.id not in done:
            yield w.due("assessment", p.lead_unit, p, name, name, board)


# One collector per kind of thing owed (a collector may give more than one kind: tasks give
# task and milestone).
COLLECTORS: tuple[Collector, ...] = (
    monthly_reports,
    key_tasks,
    open_problems,
    supervision_items,
    quarter_assessments,
)


# --------------------------------------------------------------------------- reminders


def reminders(
    repo: Repository,
    as_of: dt.date,
    within: int = DEFAULT_WITHIN,
    unit: str | None = None,
    collectors: Iterable[Collector] = COLLECTORS,
) -> Reminders:
    """What each unit owes, overdue or due by `as_of` + `within` days, worst first.

    `unit`: one unit only, by id, name, alias or a unique part of its name; it is listed even when
    it owes nothing. An unknown or ambiguous name raises `query.UnknownName` (a ValueError naming
    the nearest units), which the command line turns into a usage error. A negative `within`
    raises ValueError.
    """
    if within < 0:
        raise ValueError(f"within must be 0 or more days, not {within}")
    wanted = resolve_unit(Index.build(repo), unit).name if unit is not None else None
    last = dt.date.max - dt.timedelta(days=1)  # the day after `until` must exist
    until = as_of + dt.timedelta(days=within) if within < (last - as_of).days else last
    status = roll_up(repo, as_of)
    window = Window(repo, status, as_of, until, {p.model.id: p.model for p in repo.projects})
    by_unit: dict[str, dict[str, Due]] = {}
    for collect in collectors:
        for item in collect(window):
            if wanted is None or item.unit == wanted:
                by_unit.setdefault(item.unit, {}).setdefault(item.id, item)
    if wanted is not None:
        by_unit.setdefault(wanted, {})
    units = [
        UnitReminders(name, status.units_en.get(name), tuple(sorted(items.values(), key=Due.severity)))
        for name, items in by_unit.items()
    ]
    units.sort(key=lambda u: (u.items[0].severity() if u.items else (1, 0, 0, 0, ""), u.unit))
    return Reminders(as_of, within, until, tuple(units), wanted)
