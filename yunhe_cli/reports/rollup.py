"""The roll-up: where each indicator, task and problem stands on a date, and which months each
project reported. Pure functions: nothing here reads files, prints or looks at the clock.

An indicator's status (its readings, `judge`, `IndicatorProgress`) is `indicator_status.py`; its
names stay importable from here, where the views and the commands have always asked for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from yunhe_cli.core import model as m
from yunhe_cli.core import plan_defaults as defaults
from yunhe_cli.core.index import Index
from yunhe_cli.core.periods import (
    LAST_INDEX,
    month_index,
    period_of,
    period_start,
    report_due,
)
from yunhe_cli.core.readings import Note, note
from yunhe_cli.core.repository import Repository
from yunhe_cli.reports.indicator_status import (
    STATUSES,
    IndicatorProgress,
    ProjectReports,
    Status,
    Verdict,
    context,
    indicator_progress,
    is_visible,
    judge,
    readings,
    visible_reports,
)
from yunhe_cli.reports.order import Standing, standing, worst_first

TaskState = Literal["not_started", "in_progress", "done", "blocked", "not_reported"]
TASK_STATES: tuple[TaskState, ...] = ("not_started", "in_progress", "done", "blocked", "not_reported")

__all__ = [  # re-exported: the roll-up is where callers ask for an indicator's status too
    "STATUSES",
    "IndicatorProgress",
    "Note",
    "ProjectReports",
    "Status",
    "Verdict",
    "context",
    "indicator_progress",
    "is_visible",
    "judge",
    "note",
    "readings",
    "report_due",
    "visible_reports",
]


# --------------------------------------------------------------------------- key tasks


@dataclass(frozen=True, slots=True)
class TaskProgress:
    project: str
    task: str
    title: str
    title_en: str | None
    owner: str
    start: dt.date | None
    due: dt.date
    next_deadline: dt.date | None  # the next milestone or the due date still ahead
    state: TaskState
    percent: int | None
    done_on: dt.date | None
    last_update: str | None  # the month of the latest update
    overdue: bool
    days_overdue: int
    note: str | None


def task_progress(
    project: m.Project,
    task: m.KeyTask,
    reports: Sequence[m.MonthlyReport],
    as_of: dt.date,
    owner: str,
    updates: Sequence[tuple[str, m.TaskUpdate]] | None = None,
) -> TaskProgress:
    """Where one key task stands; `updates` ((period, update) in order) when already grouped."""
    if updates is None:
        updates = [(r.period, u) for r in reports for u in r.tasks if u.task == task.id]
    latest: m.TaskUpdate | None = None
    latest_period = None
    reached: set[str] = set()  # milestones a report says were reached (on or before as_of)
    for period, update in updates:
        latest, latest_period = update, period
        if update.milestones:
            reached.update(r.milestone for r in update.milestones if r.reached_on <= as_of)
    state: TaskState = latest.status if latest else "not_reported"
    deadlines = sorted([*(ms.due for ms in task.milestones if ms.title not in reached), task.due])
    passed = [d for d in deadlines if d < as_of]
    ahead = [d for d in deadlines if d >= as_of]
    overdue = state != "done" and bool(passed)
    return TaskProgress(
        project=project.id,
        task=task.id,
        title=task.title,
        title_en=task.title_en,
        owner=owner,
        start=task.start,
        due=task.due,
        next_deadline=ahead[0] if ahead else None,
        state=state,
        percent=latest.percent if latest else None,
        done_on=latest.done_on if latest else None,
        last_update=latest_period,
        overdue=overdue,
        days_overdue=(as_of - passed[0]).days if overdue else 0,
        note=latest.note if latest else None,
    )


# --------------------------------------------------------------------------- problems (问题销号)


@dataclass(frozen=True, slots=True)
class ProblemProgress:
    project: str
    id: str
    title: str
    owner: str
    source: str | None
    raised_on: dt.date
    due: dt.date
    closed: bool
    closed_on: dt.date | None
    resolution: str | None
    evidence: tuple[str, ...]
    overdue: bool
    age_days: int  # open: days since raised; closed: days it took
    days_overdue: int
    reopened: tuple[tuple[dt.date, str | None, str], ...] = ()  # (on, by, reason) up to the day, oldest first


def problem_progress(project: str, problem: m.PlanProblem, as_of: dt.date, owner: str) -> ProblemProgress:
    # As of a past date, a problem closed later was still open then, and one closed then and
    # reopened later was closed.
    reopened = tuple((r.on, r.by, r.reason) for r in problem.reopened if r.on <= as_of)
    problem = problem.standing_on(as_of)
    closed = problem.status == "closed" and problem.closed_on is not None and problem.closed_on <= as_of
    end = problem.closed_on if closed and problem.closed_on else as_of
    overdue = not closed and problem.due < as_of
    return ProblemProgress(
        project=project,
        id=problem.id,
        title=problem.title,
        owner=owner,
        source=problem.source,
        raised_on=problem.raised_on,
        due=problem.due,
        closed=closed,
        closed_on=problem.closed_on if closed else None,
        resolution=problem.resolution if closed else None,
        evidence=tuple(problem.evidence) if closed else (),
        overdue=overdue,
        age_days=(end - problem.raised_on).days,
        days_overdue=(as_of - problem.due).days if overdue else 0,
        reopened=reopened,
    )


# --------------------------------------------------------------------------- monthly reports


@dataclass(frozen=True, slots=True)
class ReportingState:
    last_period: str | None
    missing: tuple[str, ...]  # months past their due date with no report
    late: tuple[str, ...]  # months reported after their due date
    # The first of the missing months that run on without a gap to the latest month due (None when
    # the latest month due is in): these months are still missing "from" it, the others are gaps.
    missing_from: str | None = None


def reporting_state(
    repo: Repository,
    project: str,
    as_of: dt.date,
    all_reports: Sequence[m.MonthlyReport] | None = None,
) -> ReportingState:
    """Months reported, late and missing; `all_reports` (the project's, visible or not) when grouped."""
    plan = repo.plan.model if repo.plan else None
    due_day = defaults.due_day(plan)
    last_month = defaults.horizon(plan)[1]
    if all_reports is None:
        all_reports = [r.model for r in repo.reports if r.model.project == project]
    by_period = {r.period: r for r in all_reports}
    # A report counts as submitted once it carries submitted_on (a draft from `yunhe report new`
    # does not); its figures are used either way.
    visible = [p for p, r in by_period.items() if r.submitted_on is not None and is_visible(r, as_of)]
    missing, late = [], []
    index = month_index(defaults.first_period(plan))
    while index <= LAST_INDEX:
        period = period_of(index)
        due = report_due(period, due_day)
        if due >= as_of or period_start(period) > last_month:
            break
        report = by_period.get(period)
        if report is None or report.submitted_on is None or not is_visible(report, as_of):
            missing.append(period)
        elif report.submitted_on is not None and report.submitted_on > due:
            late.append(period)
        index += 1
    return ReportingState(
        max(visible) if visible else None, tuple(missing), tuple(late), _run_to_now(missing, index - 1)
    )


def _run_to_now(missing: Sequence[str], latest_due: int) -> str | None:
    """The first month of the missing run that ends at the latest month due, if there is one."""
    first = None
    for period in reversed(missing):
        if month_index(period) != latest_due:
            break
        first, latest_due = period, latest_due - 1
    return first


# --------------------------------------------------------------------------- projects


@dataclass(frozen=True, slots=True)
class ProjectStatus:
    id: str
    number: int
    name: str
    name_en: str | None
    convener: str
    convener_title: str | None
    lead_unit: str
    indicators: tuple[IndicatorProgress, ...]
    tasks: tuple[TaskProgress, ...]
    problems: tuple[ProblemProgress, ...]
    reporting: ReportingState
    counts: dict[str, int] = field(default_factory=dict)  # indicators per status
    short_name: str | None = None  # the plan's shorthand, for narrow tables
    short_name_en: str | None = None
    supervision_overdue: int = 0  # 督办事项 open past their due day (督查督办)

    @property
    def tasks_overdue(self) -> int:
        return sum(t.overdue for t in self.tasks)

    @property
    def tasks_blocked(self) -> int:
        return sum(t.state == "blocked" for t in self.tasks)

    @property
    def problems_open(self) -> int:
        return sum(not p.closed for p in self.problems)

    @property
    def problems_overdue(self) -> int:
        return sum(p.overdue for p in self.problems)

    def standing(self) -> Standing:
        """Its lights and score, which order the projects (`reports.order`)."""
        return standing(self.number, ((i.status, i.score) for i in self.indicators))

    def severity(self) -> tuple[object, ...]:
        """Sort key, worst first: the one project order read from its worst end."""
        return worst_first(self.standing())


@dataclass(frozen=True, slots=True)
class StatusReport:
    as_of: dt.date
    projects: tuple[ProjectStatus, ...]  # worst first
    # Unit names as the roll-up gives them (the registry's Chinese name) -> English name.
    units_en: dict[str, str] = field(default_factory=dict)
    supervision: bool = False  # the folder keeps supervision/ lists: status shows their overdue items

    def unit_label(self, name: str, english: bool) -> str:
        return self.units_en.get(name, name) if english else name

    def indicators(self) -> list[IndicatorProgress]:
        return [i for p in sorted(self.projects, key=lambda p: p.number) for i in p.indicators]

    def tasks(self) -> list[TaskProgress]:
        return [t for p in sorted(self.projects, key=lambda p: p.number) for t in p.tasks]

    def problems(self) -> list[ProblemProgress]:
        return [q for p in sorted(self.projects, key=lambda p: p.number) for q in p.problems]


def roll_up(repo: Repository, as_of: dt.date, projects: Iterable[str] | None = None) -> StatusReport:
    """Everything `yunhe status` and the three forms show, as of a date."""
    index = Index.build(repo)
    ctx = context(repo)
    wanted = set(projects) if projects is not None else None

    def unit_name(ref: str | None, default: str) -> str:
        entry = index.unit(ref) if ref else None
        return entry.name if entry else (ref or default)

    by_project: dict[str, list[m.MonthlyReport]] = {}
    for loaded_report in repo.reports:
        by_project.setdefault(loaded_report.model.project, []).append(loaded_report.model)
    out = []
    for loaded in repo.projects:
        project = loaded.model
        if wanted is not None and project.id not in wanted:
            continue
        mine = by_project.get(project.id, [])
        grouped = ProjectReports.of(sorted((r for r in mine if is_visible(r, as_of)), key=lambda r: r.period))
        reports = grouped.reports
        lead = unit_name(project.lead_unit, project.lead_unit)
        indicators = tuple(
            indicator_progress(
                project,
                ind,
                reports,
                as_of,
                ctx,
                unit_name(ind.owner, lead),
                grouped.readings.get(ind.id, []),
            )
            for ind in project.indicators
        )
        tasks = tuple(
            task_progress(project, t, reports, as_of, unit_name(t.owner, lead), grouped.updates.get(t.id, []))
            for t in project.tasks
        )
        problems = tuple(
            problem_progress(project.id, q, as_of, unit_name(q.owner, q.owner))
            for lst in repo.problem_lists
            if lst.model.project == project.id
            for q in lst.model.problems
            if q.raised_on <= as_of
        )
        person = index.people.get(project.convener)
        supervision_overdue = sum(
            item.overdue_on(as_of)
            for lst in repo.supervision_lists
            if lst.model.project == project.id
            for item in lst.model.items
        )
        counts: dict[str, int] = {s: sum(i.status == s for i in indicators) for s in STATUSES}
        out.append(
            ProjectStatus(
                id=project.id,
                number=project.number,
                name=project.name,
                name_en=project.name_en,
                convener=person.name if person else project.convener,
                convener_title=person.title if person else None,
                lead_unit=lead,
                indicators=indicators,
                tasks=tasks,
                problems=problems,
                reporting=reporting_state(repo, project.id, as_of, mine),
                counts=counts,
                short_name=project.short_name,
                short_name_en=project.short_name_en,
                supervision_overdue=supervision_overdue,
            )
        )
    units_en = {u.name: u.name_en for u in index.units.values() if u.name_en}
    return StatusReport(
        as_of, tuple(sorted(out, key=ProjectStatus.severity)), units_en, bool(repo.supervision_lists)
    )
