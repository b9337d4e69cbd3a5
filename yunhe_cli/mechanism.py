"""The plan's working mechanism: 月调度 (monthly dispatch), 季分析 (quarterly ranking), 年总结.

Pure functions over the repository and dates, built on `rollup.roll_up`: each returns a
plain value that `views` turns into tables and JSON. A quarter or a year is read as of the
day its last month's reports fall due, unless the caller gives another date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from . import model as m
from .checks import period_end, period_start
from .loader import Repository
from .rollup import (
    IndicatorProgress,
    StatusReport,
    average_growth,
    comparable,
    expected_at,
    meets,
    period_position,
    readings,
    report_due,
    roll_up,
    tolerance_of,
    visible_reports,
)

QUARTER = re.compile(r"^(20\d\d)-?Q([1-4])$", re.IGNORECASE)


def due_day(repo: Repository) -> int:
    return repo.plan.model.reporting.monthly_due_day if repo.plan else m.Reporting().monthly_due_day


def horizon(repo: Repository) -> m.Horizon:
    return (
        repo.plan.model.horizon
        if repo.plan
        else m.Horizon(start=dt.date(2023, 1, 1), end=dt.date(2027, 12, 31))
    )


def month_before(day: dt.date) -> dt.date:
    """The same day a month earlier (the last day of that month when it is shorter)."""
    year, month = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    last = period_end(f"{year:04d}-{month:02d}").day
    return dt.date(year, month, min(day.day, last))


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


def dispatch(repo: Repository, period: str, as_of: dt.date) -> Dispatch:
    """月调度 for `period`: its reports, what is overdue, and what changed in the month before `as_of`."""
    now = roll_up(repo, as_of)
    since = month_before(as_of)
    before = roll_up(repo, since)
    due = report_due(period, due_day(repo))
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
    score: float | None  # mean score of its ranked indicators
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


def rag(status: str) -> str:
    return {"off_track": "red", "at_risk": "amber", "on_track": "green", "achieved": "green"}.get(
        status, "grey"
    )


def quarter_as_of(repo: Repository, year: int, quarter: int) -> dt.date:
    return report_due(quarter_end_period(year, quarter), due_day(repo))


def _ranks(
    report: StatusReport,
) -> tuple[dict[tuple[str, str], int], dict[str, int], dict[str, float | None]]:
    scored = sorted(
        (i for i in report.indicators() if i.score is not None),
        key=lambda i: (-(i.score or 0.0), i.project, i.indicator),
    )
    indicator_rank = {(i.project, i.indicator): n for n, i in enumerate(scored, 1)}
    means: dict[str, float | None] = {}
    for p in report.projects:
        scores = [i.score for i in p.indicators if i.score is not None]
        means[p.id] = sum(scores) / len(scores) if scores else None
    ordered = sorted((pid for pid, s in means.items() if s is not None), key=lambda pid: -(means[pid] or 0.0))
    project_rank = {pid: n for n, pid in enumerate(ordered, 1)}
    return indicator_rank, project_rank, means


def quarter(repo: Repository, year: int, q: int, as_of: dt.date | None = None) -> Quarter:
    """季分析: indicators and projects ranked by progress against their paths, with the movement."""
    when = as_of or quarter_as_of(repo, year, q)
    py, pq = previous_quarter(year, q)
    before_when = quarter_as_of(repo, py, pq)
    now, before = roll_up(repo, when), roll_up(repo, before_when)
    ranks, project_ranks, means = _ranks(now)
    old_ranks, old_project_ranks, _ = _ranks(before)
    numbers = {p.id: p.number for p in now.projects}
    indicators = sorted(
        (
            RankedIndicator(
                ranks.get((i.project, i.indicator)),
                old_ranks.get((i.project, i.indicator)),
                i,
                numbers[i.project],
            )
            for i in now.indicators()
        ),
        key=lambda r: (r.rank is None, r.rank or 0, r.number, r.progress.indicator),
    )
    projects = []
    for p in now.projects:
        colours = [rag(i.status) for i in p.indicators]
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
                colours.count("red"),
                colours.count("amber"),
                colours.count("green"),
                colours.count("grey"),
            )
        )
    projects.sort(key=lambda r: (r.rank is None, r.rank or 0, r.number))
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
    year_target: float | None  # the year's target (annual target, or the path's share of the year)
    year_actual: float | None  # the year's figure (the year's flow, or the level at year end)
    actual_period: str | None  # the month the year's figure comes from
    met: bool | None
    next_target: float | None
    achieved_on: dt.date | None


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


def year_target(ind: m.Indicator, year: int, hz: m.Horizon) -> float | None:
    """What the year asks of an indicator: its annual target, or its share of the path."""
    annual = {a.year: a.value for a in ind.annual_targets}
    if year in annual:
        return annual[year]
    if ind.kind == "milestone" or not hz.start.year <= year <= ind.target.by.year:
        return None
    end = float((year + 1) * 12)
    if ind.kind == "cumulative":
        at_end = expected_at(ind, end, hz)
        at_start = expected_at(ind, float(year * 12), hz) if year > hz.start.year else 0.0
        if at_end is None or at_start is None:
            return None
        return at_end - at_start
    return expected_at(ind, end, hz)


def year_actual(ind: m.Indicator, series: list, year: int, hz: m.Horizon) -> tuple[float | None, str | None]:  # type: ignore[type-arg]
    """The year's figure: a flow's total for the year, or the level (rate) at its last reported month."""
    in_year = [
        i
        for i, r in enumerate(series)
        if r.period.startswith(f"{year}-") and (r.value is not None or r.level is not None)
    ]
    if not in_year:
        return None, None
    last = in_year[-1]
    reading = series[last]
    if ind.kind == "cumulative":
        if ind.reported_as == "year_to_date":
            return reading.value, reading.period
        before = [i for i, r in enumerate(series) if r.period < f"{year}-01" and r.value is not None]
        start = series[before[-1]].value if before else 0.0
        return (
            reading.value - start if reading.value is not None and start is not None else None
        ), reading.period
    if ind.kind == "growth":
        if reading.value is not None:
            return reading.value, reading.period
        rate, _ = average_growth(ind, series[: last + 1])
        return rate, reading.period
    value, _ = comparable(ind, series, last, hz.start.year)
    return value, reading.period


def annual(repo: Repository, year: int, as_of: dt.date | None = None) -> Annual:
    """年总结: each indicator's year against its target, tasks done, problems raised and closed."""
    when = as_of or report_due(f"{year:04d}-12", due_day(repo))
    hz = horizon(repo)
    status = roll_up(repo, when)
    numbers = {p.id: p.number for p in status.projects}
    lines = []
    for loaded in sorted(repo.projects, key=lambda p: p.model.number):
        project = loaded.model
        reports = visible_reports(repo, project.id, when)
        progress = {i.indicator: i for p in status.projects if p.id == project.id for i in p.indicators}
        for ind in project.indicators:
            series = readings(reports, ind.id)
            target = year_target(ind, year, hz)
            if ind.kind == "milestone":
                achieved_on = progress[ind.id].achieved_on
                achieved = progress[ind.id].status == "achieved"
                # not achieved counts against the year only once the goal's date has come
                verdict = True if achieved else (False if ind.target.by.year <= year else None)
                lines.append(
                    AnnualLine(
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
                        progress[ind.id].latest_period,
                        verdict,
                        None,
                        achieved_on,
                    )
                )
                continue
            actual, period = year_actual(ind, series, year, hz)
            met = None
            if actual is not None and target is not None and ind.comparator is not None:
                thresholds = repo.plan.model.thresholds if repo.plan else m.Thresholds()
                met = meets(actual, target, ind.comparator, tolerance_of(ind, thresholds, target))
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
                    actual,
                    period,
                    met,
                    year_target(ind, year + 1, hz),
                    None,
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
            if q.raised_on.year == year:
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
    published: float | None  # as reported (value, or level for growth)
    actual: float | None  # comparable with the target
    expected: float | None
    achieved: bool | None


def history(
    repo: Repository, project: m.Project, ind: m.Indicator, as_of: dt.date
) -> tuple[HistoryPoint, ...]:
    hz = horizon(repo)
    series = readings(visible_reports(repo, project.id, as_of), ind.id)
    points = []
    for i, r in enumerate(series):
        if r.value is None and r.level is None and r.achieved is None:
            continue
        actual: float | None
        if ind.kind == "growth":
            actual = r.value
        elif ind.kind == "milestone":
            actual = None
        else:
            actual, _ = comparable(ind, series, i, hz.start.year)
        published = r.value if r.value is not None else r.level
        points.append(
            HistoryPoint(
                r.period, published, actual, expected_at(ind, period_position(r.period), hz), r.achieved
            )
        )
    return tuple(points)


def find_indicator(repo: Repository, ref: str) -> tuple[m.Project, m.Indicator] | list[str]:
    """An indicator by `project.id` or by a unique id; else the candidates (for the message)."""
    project_ref, _, indicator_id = ref.rpartition(".")
    matches = []
    for loaded in sorted(repo.projects, key=lambda p: p.model.number):
        project = loaded.model
        if project_ref and project_ref not in (project.id, str(project.number)):
            continue
        for ind in project.indicators:
            if ind.id == indicator_id:
                matches.append((project, ind))
    if len(matches) == 1:
        return matches[0]
    return [f"{p.id}.{i.id}" for p, i in matches]
