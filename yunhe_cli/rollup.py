"""The roll-up: where each indicator, task and problem stands on a date. Pure functions.

Nothing here reads files, prints or looks at the clock: every function takes the loaded
repository and an `as_of` date and returns plain values (hledger's budget report: actual
and goal, either may be missing). The semantics are those of DESIGN.md "Indicator semantics":

- `cumulative` flows are summed over the plan period. Year-to-date figures (1–N月累计) become
  plan-to-date ones by adding each earlier year's December figure.
- `level` figures are read at a date; a year-to-date level (an annual output, say) is
  annualised (×12/N) before it is compared with a full-year target.
- `growth` is a rate reported as published, or the average annual rate computed from a
  level series and a base.
- `annual` targets hold in every year; `milestone`s are achieved or not, with a date.

Reach targets (`>=`, `>`) are achieved as soon as they are met. Hold targets (`~`, `<=`,
growth and annual targets) are on track while they hold and achieved only once the target
date has passed with the target held. Otherwise the status compares actual progress with
the expected progress to date, using the thresholds in `model.Thresholds` (one place).

Where something cannot be computed (no baseline, a missing December) the result says so in
`notes` instead of guessing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from . import model as m
from .checks import Index, period_end, period_start
from .loader import Repository

Status = Literal["achieved", "on_track", "at_risk", "off_track", "no_data"]
STATUSES: tuple[Status, ...] = ("achieved", "on_track", "at_risk", "off_track", "no_data")
TaskState = Literal["not_started", "in_progress", "done", "blocked", "not_reported"]
TASK_STATES: tuple[TaskState, ...] = ("not_started", "in_progress", "done", "blocked", "not_reported")

HOLD_COMPARATORS = ("~", "<=")
NON_ADDITIVE_UNITS = frozenset({"%", "个百分点", "岁", "年"})


@dataclass(frozen=True, slots=True)
class Note:
    """Something the roll-up could not compute, or an assumption it made; rendered by i18n."""

    key: str
    params: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str:
        return dict(self.params).get(name, "")


def note(key: str, **params: object) -> Note:
    return Note(key, tuple((k, str(v)) for k, v in params.items()))


# --------------------------------------------------------------------------- months


def month_index(period: str) -> int:
    year, month = period.split("-")
    return int(year) * 12 + int(month) - 1


def period_of(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_position(day: dt.date) -> float:
    """A date as a position on a month axis: the end of 2023-01 is 2023*12 + 1."""
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    days = (following - dt.date(day.year, day.month, 1)).days
    return day.year * 12 + day.month - 1 + day.day / days


def period_position(period: str) -> float:
    """The end of a reporting month on the month axis."""
    return month_index(period) + 1.0


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class Reading:
    period: str
    value: float | None
    level: float | None
    achieved: bool | None
    achieved_on: dt.date | None


def is_visible(report: m.MonthlyReport, as_of: dt.date) -> bool:
    """A report counts from the day it was submitted (or, undated, once its month is over)."""
    if report.submitted_on is not None:
        return report.submitted_on <= as_of
    return period_end(report.period) < as_of


def visible_reports(repo: Repository, project: str, as_of: dt.date) -> list[m.MonthlyReport]:
    reports = [r.model for r in repo.reports if r.model.project == project and is_visible(r.model, as_of)]
    return sorted(reports, key=lambda r: r.period)


def readings(reports: Sequence[m.MonthlyReport], indicator: str) -> list[Reading]:
    out = []
    for report in reports:
        for v in report.values:
            if v.indicator == indicator:
                out.append(Reading(report.period, v.value, v.level, v.achieved, v.achieved_on))
    return out


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True, slots=True)
class IndicatorProgress:
    project: str
    indicator: str
    name: str
    name_en: str | None
    kind: str
    unit: str | None
    comparator: str | None
    target: float | None
    target_by: dt.date
    owner: str
    latest_period: str | None  # the month of the latest figure
    latest_value: float | None  # the figure as published (value, or level for growth)
    actual: float | None  # comparable with the target: plan-to-date, annualised, or a rate
    expected: float | None  # expected value at the latest figure's date
    completion: float | None  # actual / target
    gap: float | None  # how far from the target, in its unit (positive: still to go)
    pace_needed: float | None  # per remaining month, to meet the target on time
    projection: float | None  # at the target date, at the pace so far
    status: Status
    achieved_on: dt.date | None = None
    notes: tuple[Note, ...] = ()
    # Progress against the expected path: 1.0 is on it, above is ahead, below behind.
    # The number the status thresholds are applied to, and what a quarter ranks by.
    score: float | None = None


def meets(actual: float, target: float, comparator: str, tolerance: float) -> bool:
    if comparator == ">=":
        return actual >= target
    if comparator == ">":
        return actual > target
    if comparator == "<=":
        return actual <= target
    return abs(actual - target) <= tolerance  # "~"


def _ratio_status(ratio: float, thresholds: m.Thresholds) -> Status:
    if ratio >= thresholds.on_track:
        return "on_track"
    if ratio >= thresholds.at_risk:
        return "at_risk"
    return "off_track"


def tolerance_of(ind: m.Indicator, thresholds: m.Thresholds, target: float | None = None) -> float:
    """How far a ~ (左右) figure may stray: the indicator's own tolerance, or a share of `target`."""
    if ind.tolerance is not None:
        return ind.tolerance
    reference = target if target is not None else ind.target.value
    return abs(reference or 0.0) * thresholds.approx_tolerance


def plan_to_date(series: Sequence[Reading], index: int, start_year: int) -> tuple[float | None, list[Note]]:
    """The plan-to-date total at series[index] from year-to-date figures (1–N月累计)."""
    current = series[index]
    if current.value is None:
        return None, []
    year = int(current.period[:4])
    total = current.value
    notes: list[Note] = []
    by_period = {r.period: r for r in series[: index + 1] if r.value is not None}
    for earlier in range(start_year, year):
        december = by_period.get(f"{earlier}-12")
        if december is not None and december.value is not None:
            total += december.value
            continue
        in_year = [r for p, r in by_period.items() if p.startswith(f"{earlier}-")]
        if in_year:
            last = max(in_year, key=lambda r: r.period)
            total += last.value or 0.0
            notes.append(note("december_missing", year=earlier, used=last.period))
        else:
            notes.append(note("year_missing", year=earlier))
    return total, notes


def comparable(
    ind: m.Indicator, series: Sequence[Reading], index: int, start_year: int
) -> tuple[float | None, list[Note]]:
    """The figure at series[index] made comparable with the target."""
    r = series[index]
    if ind.kind == "cumulative" and ind.reported_as == "year_to_date":
        return plan_to_date(series, index, start_year)
    additive = ind.unit not in NON_ADDITIVE_UNITS  # a share or an age is not summed over months
    if (
        ind.kind in ("level", "annual")
        and ind.reported_as == "year_to_date"
        and r.value is not None
        and additive
    ):
        month = int(r.period[5:])
        if month == 12:
            return r.value, []
        return r.value * 12 / month, [note("annualised", months=month)]
    return r.value, []


def expected_at(ind: m.Indicator, position: float, horizon: m.Horizon) -> float | None:
    """The expected value at a point of the month axis, or None when it cannot be known."""
    target = ind.target.value
    if target is None:
        return None
    end = month_position(ind.target.by)
    annual = {a.year: a.value for a in ind.annual_targets}
    year = int(position // 12) if position % 12 else int(position // 12) - 1
    month_in_year = position - year * 12
    if ind.kind in ("growth", "annual"):
        return annual.get(year, target)
    if ind.kind == "cumulative":
        years = range(horizon.start.year, year + 1)
        if annual and all(y in annual for y in years):
            return sum(annual[y] for y in years[:-1]) + annual[year] * month_in_year / 12
        start = month_position(ind.baseline.on) if ind.baseline else float(horizon.start.year * 12)
        base = ind.baseline.value if ind.baseline else 0.0
    else:  # level
        if annual and year in annual:
            previous = annual.get(year - 1, ind.baseline.value if ind.baseline else None)
            if previous is None:
                return None
            return previous + (annual[year] - previous) * month_in_year / 12
        if ind.baseline is None:
            return None
        start, base = month_position(ind.baseline.on), ind.baseline.value
    if end <= start:
        return target
    share = min(1.0, max(0.0, (position - start) / (end - start)))
    return base + (target - base) * share


def average_growth(ind: m.Indicator, series: Sequence[Reading]) -> tuple[float | None, list[Note]]:
    """The average annual rate from a level series, over at least a year."""
    levels = [r for r in series if r.level is not None]
    if not levels:
        return None, []
    latest = levels[-1]
    notes: list[Note] = []
    if ind.baseline is not None:
        base_value, base_position = ind.baseline.value, month_position(ind.baseline.on)
    else:
        first = levels[0]
        if period_position(latest.period) - period_position(first.period) < 12:
            return None, [note("no_baseline_growth")]
        base_value, base_position = first.level or 0.0, period_position(first.period)
        notes.append(note("base_from_first", period=first.period))
    years = (period_position(latest.period) - base_position) / 12
    if years <= 0 or latest.level is None:
        return None, [*notes, note("no_baseline_growth")]
    if ind.unit == "个百分点":
        return (latest.level - base_value) / years, notes
    if base_value <= 0:
        return None, [*notes, note("no_baseline_growth")]
    return ((latest.level / base_value) ** (1 / years) - 1) * 100, notes


def indicator_progress(
    project: m.Project,
    ind: m.Indicator,
    reports: Sequence[m.MonthlyReport],
    as_of: dt.date,
    horizon: m.Horizon,
    thresholds: m.Thresholds,
    owner: str,
) -> IndicatorProgress:
    series = readings(reports, ind.id)
    base = IndicatorProgress(
        project=project.id,
        indicator=ind.id,
        name=ind.name,
        name_en=ind.name_en,
        kind=ind.kind,
        unit=ind.unit,
        comparator=ind.comparator,
        target=ind.target.value,
        target_by=ind.target.by,
        owner=owner,
        latest_period=None,
        latest_value=None,
        actual=None,
        expected=None,
        completion=None,
        gap=None,
        pace_needed=None,
        projection=None,
        status="no_data",
    )
    if ind.kind == "milestone":
        return _milestone_progress(base, ind, series, as_of)
    numeric = [r for r in series if r.value is not None or r.level is not None]
    if not numeric:
        expected = expected_at(ind, month_position(as_of), horizon)
        return _replace(base, expected=expected, notes=(note("no_reports"),))
    latest_index = series.index(numeric[-1])
    latest = series[latest_index]
    position = period_position(latest.period)
    notes: list[Note] = []
    if ind.kind == "growth":
        if latest.value is not None:
            actual: float | None = latest.value
        else:
            actual, notes = average_growth(ind, series)
    else:
        actual, notes = comparable(ind, series, latest_index, horizon.start.year)
    target = ind.target.value
    assert target is not None and ind.comparator is not None  # guaranteed by the model for non-milestones
    expected = expected_at(ind, position, horizon)
    published = latest.value if latest.value is not None else latest.level
    result = _replace(
        base, latest_period=latest.period, latest_value=published, actual=actual, expected=expected
    )
    if actual is None:
        return _replace(result, notes=tuple(notes))
    tolerance = tolerance_of(ind, thresholds)
    remaining = month_position(ind.target.by) - position
    completion = actual / target if target else None
    gap = target - actual
    if ind.comparator == "<=":
        gap = min(0.0, gap)  # under a ceiling nothing is still to go
    pace_needed = (
        gap / remaining if remaining > 0 and gap > 0 and ind.kind in ("cumulative", "level") else None
    )
    projection = _projection(ind, series, latest_index, actual, position, remaining, horizon, notes)
    hold = ind.comparator in HOLD_COMPARATORS or ind.kind in ("growth", "annual")
    met = meets(actual, target, ind.comparator, tolerance)
    due_passed = as_of > ind.target.by
    score = _score(ind, actual, target, tolerance, expected, projection, hold)
    status: Status
    partial_year = any(n.key == "annualised" for n in notes)  # a part-year estimate achieves nothing yet
    if met:
        status = "achieved" if (not hold or due_passed) and not partial_year else "on_track"
    elif due_passed:
        status = "off_track"
    elif ind.comparator == "~":
        status = "at_risk" if abs(actual - target) <= 2 * tolerance else "off_track"
    elif ind.comparator == "<=":  # over the ceiling is never on track
        status = "at_risk" if target / actual >= thresholds.at_risk else "off_track"
    elif score is not None:
        status = _ratio_status(score, thresholds)
        if not hold and expected is None:
            notes.append(note("judged_by_projection"))
    else:
        status = "no_data"
        notes.append(note("no_baseline"))
    return _replace(
        result,
        completion=completion,
        gap=gap,
        pace_needed=pace_needed,
        projection=projection,
        status=status,
        notes=tuple(notes),
        score=score,
    )


def _score(
    ind: m.Indicator,
    actual: float,
    target: float,
    tolerance: float,
    expected: float | None,
    projection: float | None,
    hold: bool,
) -> float | None:
    """Actual progress over expected progress (1.0: on the path), or None when it cannot be known."""
    if ind.comparator == "~":
        return 1.0 - max(0.0, abs(actual - target) - tolerance) / abs(target) if target else None
    if ind.comparator == "<=":
        return target / actual if actual > 0 else 1.0
    if hold:  # growth or annual against a reach-type comparator
        return actual / target if target else None
    if expected is not None:
        start_value = _start_value(ind)
        denominator = expected - start_value
        return 1.0 if denominator <= 0 else (actual - start_value) / denominator
    if projection is not None:
        return projection / target if target else None
    return None


def _start_value(ind: m.Indicator) -> float:
    if ind.baseline is not None:
        return ind.baseline.value
    return 0.0


def _projection(
    ind: m.Indicator,
    series: Sequence[Reading],
    latest_index: int,
    actual: float,
    position: float,
    remaining: float,
    horizon: m.Horizon,
    notes: list[Note],
) -> float | None:
    """The value at the target date if the pace so far goes on."""
    if ind.kind not in ("cumulative", "level"):
        return None
    if remaining <= 0:
        return actual
    if ind.kind == "cumulative" or ind.baseline is not None:
        start = month_position(ind.baseline.on) if ind.baseline else float(horizon.start.year * 12)
        elapsed = position - start
        if elapsed <= 0:
            return None
        return actual + (actual - _start_value(ind)) / elapsed * remaining
    earlier = [i for i in range(latest_index) if series[i].value is not None]
    if not earlier:
        return None
    first_value, _ = comparable(ind, series, earlier[0], horizon.start.year)
    elapsed = position - period_position(series[earlier[0]].period)
    if first_value is None or elapsed <= 0:
        return None
    return actual + (actual - first_value) / elapsed * remaining


def _milestone_progress(
    base: IndicatorProgress, ind: m.Indicator, series: Sequence[Reading], as_of: dt.date
) -> IndicatorProgress:
    reported = [r for r in series if r.achieved is not None]
    if not reported:
        status: Status = "off_track" if as_of > ind.target.by else "no_data"
        return _replace(base, status=status, notes=(note("no_reports"),))
    latest = reported[-1]
    if latest.achieved:
        return _replace(base, latest_period=latest.period, status="achieved", achieved_on=latest.achieved_on)
    status = "off_track" if as_of > ind.target.by else "on_track"
    return _replace(base, latest_period=latest.period, status=status)


def _replace(p: IndicatorProgress, **changes: object) -> IndicatorProgress:
    import dataclasses

    return dataclasses.replace(p, **changes)  # type: ignore[arg-type]


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
    project: m.Project, task: m.KeyTask, reports: Sequence[m.MonthlyReport], as_of: dt.date, owner: str
) -> TaskProgress:
    latest: m.TaskUpdate | None = None
    latest_period = None
    for report in reports:
        for update in report.tasks:
            if update.task == task.id:
                latest, latest_period = update, report.period
    state: TaskState = latest.status if latest else "not_reported"
    deadlines = sorted([*(ms.due for ms in task.milestones), task.due])
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


def problem_progress(project: str, problem: m.PlanProblem, as_of: dt.date, owner: str) -> ProblemProgress:
    # As of a past date, a problem closed later was still open then.
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
    )


# --------------------------------------------------------------------------- monthly reports


@dataclass(frozen=True, slots=True)
class ReportingState:
    last_period: str | None
    missing: tuple[str, ...]  # months past their due date with no report
    late: tuple[str, ...]  # months reported after their due date


def report_due(period: str, due_day: int) -> dt.date:
    end = period_end(period)
    return dt.date(end.year + end.month // 12, end.month % 12 + 1, due_day)


def first_period(plan: m.Plan | None) -> str:
    if plan is not None and plan.reporting.first_period:
        return plan.reporting.first_period
    issued = plan.issued_on if plan is not None else dt.date(2023, 4, 28)
    return period_of(issued.year * 12 + issued.month)  # the month after the plan was issued


def reporting_state(repo: Repository, project: str, as_of: dt.date) -> ReportingState:
    plan = repo.plan.model if repo.plan else None
    due_day = plan.reporting.monthly_due_day if plan else m.Reporting().monthly_due_day
    last_month = plan.horizon.end if plan else dt.date(2027, 12, 31)
    by_period = {r.model.period: r.model for r in repo.reports if r.model.project == project}
    # A report counts as submitted once it carries submitted_on (a draft from `yunhe report new`
    # does not); its figures are used either way.
    visible = [p for p, r in by_period.items() if r.submitted_on is not None and is_visible(r, as_of)]
    missing, late = [], []
    index = month_index(first_period(plan))
    while True:
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
    return ReportingState(max(visible) if visible else None, tuple(missing), tuple(late))


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

    @property
    def tasks_overdue(self) -> int:
        return sum(t.overdue for t in self.tasks)

    @property
    def problems_open(self) -> int:
        return sum(not p.closed for p in self.problems)

    @property
    def problems_overdue(self) -> int:
        return sum(p.overdue for p in self.problems)

    def severity(self) -> tuple[int, ...]:
        """Sort key, worst first."""
        return (
            -self.counts.get("off_track", 0),
            -self.counts.get("at_risk", 0),
            -self.tasks_overdue,
            -self.problems_overdue,
            -len(self.reporting.missing),
            self.number,
        )


@dataclass(frozen=True, slots=True)
class StatusReport:
    as_of: dt.date
    projects: tuple[ProjectStatus, ...]  # worst first

    def indicators(self) -> list[IndicatorProgress]:
        return [i for p in sorted(self.projects, key=lambda p: p.number) for i in p.indicators]

    def tasks(self) -> list[TaskProgress]:
        return [t for p in sorted(self.projects, key=lambda p: p.number) for t in p.tasks]

    def problems(self) -> list[ProblemProgress]:
        return [q for p in sorted(self.projects, key=lambda p: p.number) for q in p.problems]


def roll_up(repo: Repository, as_of: dt.date, projects: Iterable[str] | None = None) -> StatusReport:
    """Everything `yunhe status` and the three forms show, as of a date."""
    index = Index.build(repo)
    plan = repo.plan.model if repo.plan else None
    horizon = plan.horizon if plan else m.Horizon(start=dt.date(2023, 1, 1), end=dt.date(2027, 12, 31))
    thresholds = plan.thresholds if plan else m.Thresholds()
    wanted = set(projects) if projects is not None else None

    def unit_name(ref: str | None, default: str) -> str:
        entry = index.unit(ref) if ref else None
        return entry.name if entry else (ref or default)

    out = []
    for loaded in repo.projects:
        project = loaded.model
        if wanted is not None and project.id not in wanted:
            continue
        reports = visible_reports(repo, project.id, as_of)
        lead = unit_name(project.lead_unit, project.lead_unit)
        indicators = tuple(
            indicator_progress(project, ind, reports, as_of, horizon, thresholds, unit_name(ind.owner, lead))
            for ind in project.indicators
        )
        tasks = tuple(
            task_progress(project, t, reports, as_of, unit_name(t.owner, lead)) for t in project.tasks
        )
        problems = tuple(
            problem_progress(project.id, q, as_of, unit_name(q.owner, q.owner))
            for lst in repo.problem_lists
            if lst.model.project == project.id
            for q in lst.model.problems
            if q.raised_on <= as_of
        )
        person = index.people.get(project.convener)
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
                reporting=reporting_state(repo, project.id, as_of),
                counts=counts,
            )
        )
    return StatusReport(as_of, tuple(sorted(out, key=ProjectStatus.severity)))
