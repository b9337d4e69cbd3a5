"""The plan's working mechanism: 月调度 (monthly dispatch), 季分析 (quarterly ranking), 年总结.

Pure functions over the repository and dates, built on `rollup.roll_up`: each returns a
plain value that `views` turns into tables and JSON. A quarter or a year is read as of the
day its last month's reports fall due, unless the caller gives another date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from yunhe_cli.core import model as m
from yunhe_cli.core import plan_defaults as defaults
from yunhe_cli.core.kinds import kind_of
from yunhe_cli.core.numbers import DECIMAL_ZERO
from yunhe_cli.core.periods import add_months, period_of_date, period_position, period_start, report_due
from yunhe_cli.core.readings import Note, holds, note, tolerance_of
from yunhe_cli.core.repository import Repository
from yunhe_cli.reports.order import best_first, rag, ranks
from yunhe_cli.reports.rollup import (
    IndicatorProgress,
    StatusReport,
    context,
    readings,
    roll_up,
    visible_reports,
)

QUARTER = re.compile(r"^([0-9]{4})-?Q([1-4])$", re.IGNORECASE)


def due_day(repo: Repository) -> int:
    return defaults.due_day(repo.plan.model if repo.plan else None)


class OutsidePlan(ValueError):
    """A period, quarter or year that the plan does not cover (a usage error)."""


def plan_months(repo: Repository) -> tuple[str, str]:
    """The first and the last month reported under the plan."""
    plan = repo.plan.model if repo.plan else None
    ctx = context(repo)
    return defaults.first_period(plan), period_of_date(ctx.end)


def check_period(repo: Repository, period: str) -> None:
    first, last = plan_months(repo)
    if not first <= period <= last:
        raise OutsidePlan(f"{period} is outside the plan's reporting months ({first} to {last})")


def check_year(repo: Repository, year: int) -> None:
    ctx = context(repo)
    if not ctx.start.year <= year <= ctx.end.year:
        raise OutsidePlan(f"{year} is outside the plan's years ({ctx.start.year} to {ctx.end.year})")


# --------------------------------------------------------------------------- 月调度


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
class ProblemEvent:
    project: str
    number: int
    id: str
    title: str
    owner: str
    event: str  # raised or closed
    on: dt.date


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


# --------------------------------------------------------------------------- 季分析 (晾晒)


def parse_quarter(text: str) -> tuple[int, int]:
    match = QUARTER.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a quarter written YYYY-Qn (2026-Q3)")
    return int(match.group(1)), int(match.group(2))


def quarter_end_period(year: int, quarter: int) -> str:
    return f"{year:04d}-{quarter * 3:02d}"


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


@dataclass(frozen=True, slots=True)
class RankedIndicator:
    rank: int | None  # None: not ranked (no score)
    previous_rank: int | None
    progress: IndicatorProgress
    number: int
    previous_status: str | None = None  # None: not in the previous quarter's roll-up


@dataclass(frozen=True, slots=True)
class RankedProject:
    rank: int | None
    previous_rank: int | None
    id: str
    number: int
    name: str
    name_en: str | None
    convener: str
    lead_unit: str
    score: Decimal | None  # mean score of its scored indicators
    red: int
    amber: int
    green: int
    grey: int


@dataclass(frozen=True, slots=True)
class Quarter:
    year: int
    quarter: int
    as_of: dt.date
    previous_as_of: dt.date
    indicators: tuple[RankedIndicator, ...]
    projects: tuple[RankedProject, ...]
    rag: dict[str, int]


def quarter_as_of(repo: Repository, year: int, quarter: int, as_of: dt.date | None = None) -> dt.date:
    """A quarter's board day: the due day of its last monthly report, or `as_of` when earlier."""
    due = report_due(quarter_end_period(year, quarter), due_day(repo))
    return due if as_of is None or as_of > due else as_of


COLOUR_ORDER = {"green": 0, "amber": 1, "red": 2}


def _ranks(
    report: StatusReport,
) -> tuple[dict[tuple[str, str], int], dict[str, int], dict[str, Decimal | None]]:
    """Every indicator with a colour is ranked, green before amber before red (so a rank never
    contradicts a colour), then by score within its colour; grey (no data) is not ranked."""
    coloured = [i for i in report.indicators() if rag(i.status) != "grey"]
    ranked = sorted(
        coloured,
        key=lambda i: (
            COLOUR_ORDER[rag(i.status)],
            i.score is None,
            -(i.score if i.score is not None else DECIMAL_ZERO),
            i.project,
            i.indicator,
        ),
    )
    indicator_rank = {(i.project, i.indicator): n for n, i in enumerate(ranked, 1)}
    standings = {p.id: p.standing() for p in report.projects}
    by_number = ranks(standings.values())  # projects: the one order (`reports.order`)
    project_rank = {pid: by_number[s.number] for pid, s in standings.items() if s.number in by_number}
    return indicator_rank, project_rank, {pid: s.score for pid, s in standings.items()}


def quarter(repo: Repository, year: int, q: int, as_of: dt.date | None = None) -> Quarter:
    """季分析: indicators and projects ranked by progress against their paths, with the movement."""
    when = quarter_as_of(repo, year, q, as_of)  # each quarter as known on its own board day
    py, pq = previous_quarter(year, q)
    before_when = quarter_as_of(repo, py, pq, as_of)
    now, before = roll_up(repo, when), roll_up(repo, before_when)
    ranks, project_ranks, means = _ranks(now)
    old_ranks, old_project_ranks, _ = _ranks(before)
    old_status = {(i.project, i.indicator): i.status for i in before.indicators()}
    numbers = {p.id: p.number for p in now.projects}
    indicators = sorted(
        (
            RankedIndicator(
                ranks.get((i.project, i.indicator)),
                old_ranks.get((i.project, i.indicator)),
                i,
                numbers[i.project],
                old_status.get((i.project, i.indicator)),
            )
            for i in now.indicators()
        ),
        key=lambda r: (r.rank is None, r.rank or 0, r.number, r.progress.indicator),
    )
    projects = []
    for p in sorted(now.projects, key=lambda p: best_first(p.standing())):
        s = p.standing()
        projects.append(
            RankedProject(
                project_ranks.get(p.id),
                old_project_ranks.get(p.id),
                p.id,
                p.number,
                p.name,
                p.name_en,
                p.convener,
                p.lead_unit,
                means[p.id],
                s.red,
                s.amber,
                s.green,
                s.grey,
            )
        )
    totals = {c: sum(rag(i.status) == c for i in now.indicators()) for c in ("red", "amber", "green", "grey")}
    return Quarter(year, q, when, before_when, tuple(indicators), tuple(projects), totals)


# --------------------------------------------------------------------------- 年总结


@dataclass(frozen=True, slots=True)
class AnnualLine:
    project: str
    number: int
    indicator: str
    name: str
    name_en: str | None
    kind: str
    unit: str | None
    comparator: str | None
    year_target: Decimal | None  # the year's target (annual target, or the path's share of the year)
    year_actual: Decimal | None  # the year's figure (the year's flow, the level or rate at year end)
    actual_period: str | None  # the month the year's figure comes from
    met: bool | None  # None: unknown (the year is not complete, or nothing to compare)
    next_target: Decimal | None
    achieved_on: dt.date | None
    complete: bool = False  # December is in: the year's figure is final
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class TaskDone:
    project: str
    number: int
    task: str
    title: str
    title_en: str | None
    done_on: dt.date | None


@dataclass(frozen=True, slots=True)
class Annual:
    year: int
    as_of: dt.date
    lines: tuple[AnnualLine, ...]
    tasks_done: tuple[TaskDone, ...]
    problems_raised: int
    problems_closed: int
    problem_events: tuple[ProblemEvent, ...]


def _milestone_line(
    project: m.Project, ind: m.Indicator, progress: IndicatorProgress, year: int, period: str | None
) -> AnnualLine:
    """A milestone counts in the year it was reached: met that year, not counted in later years,
    and not met in its due year or after if it was not reached by the end of it."""
    achieved = progress.status == "achieved"
    reached_year = None
    if achieved:
        reached_year = (
            progress.achieved_on.year if progress.achieved_on else int((progress.latest_period or "0")[:4])
        )
    verdict: bool | None
    notes: tuple[Note, ...] = ()
    if reached_year is not None and reached_year <= year:
        verdict = True if reached_year == year else None
        if reached_year < year:
            notes = (note("reached_earlier", year=reached_year),)
    else:
        verdict = False if ind.target.by.year <= year else None
    return AnnualLine(
        project.id,
        project.number,
        ind.id,
        ind.name,
        ind.name_en,
        ind.kind,
        None,
        None,
        None,
        None,
        period,
        verdict,
        None,
        progress.achieved_on if reached_year is not None and reached_year <= year else None,
        True,
        notes,
    )


def annual(repo: Repository, year: int, as_of: dt.date | None = None) -> Annual:
    """年总结: each indicator's year against its target, tasks done, problems raised and closed.

    The year's figure is final only with December in; before that `met` is unknown and the line
    says which month it has. Targets and results come from each indicator's kind (kinds.py), so
    the annual summary and the status apply one rule."""
    when = as_of or report_due(f"{year:04d}-12", due_day(repo))
    ctx = context(repo)
    status = roll_up(repo, when)
    numbers = {p.id: p.number for p in status.projects}
    lines = []
    for loaded in sorted(repo.projects, key=lambda p: p.model.number):
        project = loaded.model
        reports = visible_reports(repo, project.id, when)
        progress = {i.indicator: i for p in status.projects if p.id == project.id for i in p.indicators}
        for ind in project.indicators:
            kind = kind_of(ind)
            series = readings(reports, ind.id)
            if kind.qualitative:
                # the month it was last reported in the year summarised, never one of a later year
                in_year = [r.period for r in series if r.period.startswith(f"{year:04d}-")]
                lines.append(
                    _milestone_line(project, ind, progress[ind.id], year, max(in_year, default=None))
                )
                continue
            target = kind.year_target(ind, year, ctx)
            result = kind.year_result(ind, series, year, ctx)
            notes = list(result.notes)
            met = None
            if result.value is not None and target is not None and ind.comparator is not None:
                if result.complete:
                    met = holds(ind, result.value, target, tolerance_of(ind, ctx.thresholds, target))
                else:
                    notes.append(note("year_incomplete", period=result.period or ""))
            lines.append(
                AnnualLine(
                    project.id,
                    project.number,
                    ind.id,
                    ind.name,
                    ind.name_en,
                    ind.kind,
                    ind.unit,
                    ind.comparator,
                    target,
                    result.value,
                    result.period,
                    met,
                    kind.year_target(ind, year + 1, ctx),
                    None,
                    result.complete,
                    tuple(notes),
                )
            )
    done: list[TaskDone] = []
    for loaded in sorted(repo.projects, key=lambda p: p.model.number):
        project = loaded.model
        first_done: dict[str, tuple[str, dt.date | None]] = {}
        for report in visible_reports(repo, project.id, when):
            for update in report.tasks:
                if update.status == "done" and update.task not in first_done:
                    first_done[update.task] = (report.period, update.done_on)
        tasks = {t.id: t for t in project.tasks}
        for task_id, (period, done_on) in first_done.items():
            when_done = done_on or period_start(period)
            if when_done.year == year and task_id in tasks:
                task = tasks[task_id]
                done.append(TaskDone(project.id, project.number, task_id, task.title, task.title_en, done_on))
    events: list[ProblemEvent] = []
    for lst in repo.problem_lists:
        number = numbers.get(lst.model.project, 0)
        for q in lst.model.problems:
            if q.raised_on.year == year and q.raised_on <= when:
                events.append(
                    ProblemEvent(lst.model.project, number, q.id, q.title, q.owner, "raised", q.raised_on)
                )
            if (
                q.status == "closed"
                and q.closed_on is not None
                and q.closed_on.year == year
                and q.closed_on <= when
            ):
                events.append(
                    ProblemEvent(lst.model.project, number, q.id, q.title, q.owner, "closed", q.closed_on)
                )
    events.sort(key=lambda e: (e.on, e.number, e.id, e.event))
    return Annual(
        year,
        when,
        tuple(lines),
        tuple(done),
        sum(e.event == "raised" for e in events),
        sum(e.event == "closed" for e in events),
        tuple(events),
    )


# --------------------------------------------------------------------------- history


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    period: str
    published: Decimal | None  # as reported (value, or level for growth)
    actual: Decimal | None  # comparable with the target
    expected: Decimal | None
    achieved: bool | None


def history(
    repo: Repository, project: m.Project, ind: m.Indicator, as_of: dt.date
) -> tuple[HistoryPoint, ...]:
    ctx = context(repo)
    kind = kind_of(ind)
    series = readings(visible_reports(repo, project.id, as_of), ind.id)
    points = []
    for i, r in enumerate(series):
        if not r.numeric and r.achieved is None:
            continue
        actual = None if kind.qualitative else kind.comparable(ind, series, i, ctx)[0]
        points.append(
            HistoryPoint(
                r.period,
                r.published,
                actual,
                kind.expected(ind, period_position(r.period), ctx).value,
                r.achieved,
            )
        )
    return tuple(points)
