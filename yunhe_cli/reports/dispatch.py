"""月调度 (monthly dispatch): a month's reports, what is overdue, and what changed since the
previous month's reports fell due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from yunhe_cli.core.periods import add_months, report_due
from yunhe_cli.core.repository import Repository
from yunhe_cli.reports.meetings import ProblemEvent, due_day
from yunhe_cli.reports.rollup import StatusReport, roll_up


@dataclass(frozen=True, slots=True)
class ReportState:
    project: str
    number: int
    name: str
    lead_unit: str
    convener: str
    state: str  # on_time, late, missing, not_due
    submitted_on: dt.date | None
    days_late: int


@dataclass(frozen=True, slots=True)
class OverdueItem:
    kind: str  # task or problem
    project: str
    number: int
    id: str
    title: str
    owner: str
    convener: str
    due: dt.date
    days_overdue: int
    title_en: str | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    project: str
    number: int
    indicator: str
    name: str
    name_en: str | None
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Dispatch:
    period: str
    as_of: dt.date
    since: dt.date
    reports: tuple[ReportState, ...]
    overdue: tuple[OverdueItem, ...]
    changes: tuple[StatusChange, ...]
    events: tuple[ProblemEvent, ...]
    status: StatusReport


def dispatch_as_of(repo: Repository, period: str, today: dt.date) -> dt.date:
    """A month's dispatch is read on the day its reports fall due, or today if that is still ahead."""
    return min(today, report_due(period, due_day(repo)))


def dispatch(repo: Repository, period: str, as_of: dt.date) -> Dispatch:
    """月调度 for `period`: its reports, what is overdue on `as_of`, and what changed since the
    previous month's reports fell due (statuses, problems raised and closed), up to `as_of`."""
    due = report_due(period, due_day(repo))
    since = min(report_due(add_months(period, -1), due_day(repo)), as_of)
    now = roll_up(repo, as_of)
    before = roll_up(repo, since)
    reports = []
    by_key = {(r.model.project, r.model.period): r.model for r in repo.reports}
    for p in sorted(now.projects, key=lambda p: p.number):
        report = by_key.get((p.id, period))
        submitted = report.submitted_on if report is not None else None
        if submitted is not None and submitted <= as_of:
            state = "late" if submitted > due else "on_time"
            days = max(0, (submitted - due).days)
        elif as_of > due:
            state, days = "missing", (as_of - due).days
        else:
            state, days = "not_due", 0
        reports.append(
            ReportState(
                p.id,
                p.number,
                p.name,
                p.lead_unit,
                p.convener,
                state,
                submitted if state in ("late", "on_time") else None,
                days,
            )
        )
    overdue: list[OverdueItem] = []
    for p in sorted(now.projects, key=lambda p: p.number):
        for t in p.tasks:
            if t.overdue:
                missed = as_of - dt.timedelta(days=t.days_overdue)  # the first deadline it missed
                overdue.append(
                    OverdueItem(
                        "task",
                        p.id,
                        p.number,
                        t.task,
                        t.title,
                        t.owner,
                        p.convener,
                        missed,
                        t.days_overdue,
                        t.title_en,
                    )
                )
        for q in p.problems:
            if q.overdue:
                overdue.append(
                    OverdueItem(
                        "problem", p.id, p.number, q.id, q.title, q.owner, p.convener, q.due, q.days_overdue
                    )
                )
    overdue.sort(key=lambda o: (o.owner, o.number, o.kind, o.id))
    previous = {(i.project, i.indicator): i.status for i in before.indicators()}
    projects = {p.id: p for p in now.projects}
    changes = tuple(
        StatusChange(
            i.project,
            projects[i.project].number,
            i.indicator,
            i.name,
            i.name_en,
            previous.get((i.project, i.indicator), "no_data"),
            i.status,
        )
        for i in now.indicators()
        if previous.get((i.project, i.indicator), "no_data") != i.status
    )
    events: list[ProblemEvent] = []
    for lst in repo.problem_lists:
        project = projects.get(lst.model.project)
        if project is None:
            continue
        owners = {shown.id: shown.owner for shown in project.problems}
        for problem in lst.model.problems:
            if since < problem.raised_on <= as_of:
                events.append(
                    ProblemEvent(
                        project.id,
                        project.number,
                        problem.id,
                        problem.title,
                        owners.get(problem.id, problem.owner),
                        "raised",
                        problem.raised_on,
                    )
                )
            if (
                problem.status == "closed"
                and problem.closed_on is not None
                and since < problem.closed_on <= as_of
            ):
                events.append(
                    ProblemEvent(
                        project.id,
                        project.number,
                        problem.id,
                        problem.title,
                        owners.get(problem.id, problem.owner),
                        "closed",
                        problem.closed_on,
                    )
                )
    events.sort(key=lambda e: (e.on, e.number, e.id, e.event))
    return Dispatch(period, as_of, since, tuple(reports), tuple(overdue), changes, tuple(events), now)
