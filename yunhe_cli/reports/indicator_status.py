"""Where an indicator stands on a date: its readings, the status rule (`judge`) and the progress
the roll-up reports. Pure functions; the roll-up (`rollup.py`) adds tasks, problems and reporting.

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

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from yunhe_cli.core import model as m
from yunhe_cli.core import plan_defaults as defaults
from yunhe_cli.core.kinds import kind_of
from yunhe_cli.core.numbers import DECIMAL_ZERO, ONE, ratio, times
from yunhe_cli.core.periods import (
    month_position,
    period_end,
    period_position,
)
from yunhe_cli.core.readings import Context, Note, Reading, holds, note, side_of, tolerance_of
from yunhe_cli.core.repository import Repository

Status = Literal["achieved", "on_track", "at_risk", "off_track", "no_data"]
STATUSES: tuple[Status, ...] = ("achieved", "on_track", "at_risk", "off_track", "no_data")


# --------------------------------------------------------------------------- inputs


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


@dataclass(frozen=True, slots=True)
class ProjectReports:
    """One project's visible reports, grouped once: each indicator's readings and each task's
    updates in period order (the roll-up reads every report once, not once per indicator)."""

    reports: tuple[m.MonthlyReport, ...]
    readings: dict[str, list[Reading]]
    updates: dict[str, list[tuple[str, m.TaskUpdate]]]

    @classmethod
    def of(cls, reports: Sequence[m.MonthlyReport]) -> ProjectReports:
        values: dict[str, list[Reading]] = {}
        updates: dict[str, list[tuple[str, m.TaskUpdate]]] = {}
        for report in reports:
            for v in report.values:
                values.setdefault(v.indicator, []).append(
                    Reading(report.period, v.value, v.level, v.achieved, v.achieved_on)
                )
            for u in report.tasks:
                updates.setdefault(u.task, []).append((report.period, u))
        return cls(tuple(reports), values, updates)


def context(repo: Repository) -> Context:
    plan = repo.plan.model if repo.plan else None
    start, end = defaults.horizon(plan)
    return Context(start, end, defaults.thresholds(plan))


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
    target: Decimal | None
    target_by: dt.date
    owner: str
    latest_period: str | None  # the month of the latest figure
    latest_value: Decimal | None  # the figure as published (value, or level for growth)
    actual: Decimal | None  # comparable with the target: plan-to-date, annualised, or a rate
    expected: Decimal | None  # expected value at the latest figure's date
    completion: Decimal | None  # actual / target (none for a ceiling: being under it is not "done")
    gap: Decimal | None  # still to go, in the target's unit (a ceiling: how far to come down)
    pace_needed: Decimal | None  # per remaining month, to meet the target on time
    projection: Decimal | None  # at the target date, at the pace so far
    status: Status
    achieved_on: dt.date | None = None
    notes: tuple[Note, ...] = ()
    # Progress against the expected path: 1.0 is on it, above is ahead, below behind.
    # The number the status thresholds are applied to, and what a quarter ranks by.
    score: Decimal | None = None
    path_rule: str | None = None  # how the expected path was drawn (readings.Expected.rule)
    side: str | None = None  # for a ~ (左右) target outside its tolerance: high or low
    prefer: str | None = None  # the harmless side of a ~ target, as the indicator says


def _ratio_status(score: Decimal, thresholds: m.Thresholds) -> Status:
    if score >= thresholds.on_track:
        return "on_track"
    if score >= thresholds.at_risk:
        return "at_risk"
    return "off_track"


def indicator_progress(
    project: m.Project,
    ind: m.Indicator,
    reports: Sequence[m.MonthlyReport],
    as_of: dt.date,
    ctx: Context,
    owner: str,
    series: Sequence[Reading] | None = None,
) -> IndicatorProgress:
    """Where one indicator stands on `as_of`; `series` (its readings) when already grouped."""
    kind = kind_of(ind)
    if series is None:
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
        prefer=ind.prefer,
    )
    if kind.qualitative:
        return _milestone_progress(base, ind, series, as_of)
    numeric = [i for i, r in enumerate(series) if r.numeric]
    if not numeric:
        path = kind.expected(ind, month_position(as_of), ctx)
        return dataclasses.replace(
            base, expected=path.value, path_rule=path.rule, notes=(note("no_reports"),)
        )
    latest_index = numeric[-1]
    latest = series[latest_index]
    position = period_position(latest.period)
    actual, notes = kind.current(ind, series, latest_index, ctx)
    path = kind.expected(ind, position, ctx)
    if path.rule == "shared_remainder":
        notes.append(note("path_shared"))
    result = dataclasses.replace(
        base,
        latest_period=latest.period,
        latest_value=latest.published,
        actual=actual,
        expected=path.value,
        path_rule=path.rule,
    )
    target = ind.target.value
    if actual is None or target is None or ind.comparator is None:
        return dataclasses.replace(result, notes=tuple(notes))
    verdict = judge(ind, actual, path.value, as_of, ctx, notes)
    remaining = month_position(ind.target.by) - position
    projection = kind.projection(ind, series, latest_index, actual, position, ctx) if kind.has_pace else None
    if verdict.score is None and verdict.status == "no_data" and projection is not None:
        score = ratio(projection, target)
        if score is not None:
            verdict = Verdict(_ratio_status(score, ctx.thresholds), score, None)
            notes.append(note("judged_by_projection"))
    elif verdict.status == "no_data":
        notes.append(note("no_baseline"))
    if ind.comparator == "<=":
        completion = None
        gap = max(DECIMAL_ZERO, actual - target)
        if gap > 0:
            notes.append(note("over_ceiling", by=f"{gap:f}"))
    else:
        completion = ratio(actual, target)
        gap = target - actual
    reach = ind.comparator in (">=", ">")
    pace_needed = times(gap, 1 / remaining) if kind.has_pace and reach and remaining > 0 and gap > 0 else None
    return dataclasses.replace(
        result,
        completion=completion,
        gap=gap,
        pace_needed=pace_needed,
        projection=projection,
        status=verdict.status,
        notes=tuple(notes),
        score=verdict.score,
        side=verdict.side,
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    status: Status
    score: Decimal | None
    side: str | None


def judge(
    ind: m.Indicator,
    actual: Decimal,
    expected: Decimal | None,
    as_of: dt.date,
    ctx: Context,
    notes: list[Note],
) -> Verdict:
    """The status of a figure made comparable, and the score it is ranked by: the one rule.

    - Reach targets (>=, >) of a cumulative or level are achieved once met (a part-year estimate
      only on track); otherwise actual progress over expected progress is held against the
      thresholds.
    - Hold targets (growth, annual) are compared with the year's target; on track while they hold,
      achieved once the target date has passed with the target held.
    - About (~, 左右): on track within the tolerance; a deviation on the indicator's harmless side
      (`prefer`) holds too; otherwise at risk up to twice the tolerance, off track beyond.
    - Ceilings (<=): with a baseline, judged against the path down to the target; without one,
      under the ceiling is on track and over it never is (at risk while within the at-risk share).
    - Past the target date, a target not met is off track.
    """
    kind = kind_of(ind)
    target = ind.target.value
    comparator = ind.comparator
    assert target is not None and comparator is not None
    thresholds = ctx.thresholds
    goal = expected if kind.hold and expected is not None else target
    tolerance = tolerance_of(ind, thresholds, goal)
    due_passed = as_of > ind.target.by
    partial = any(n.key == "annualised" for n in notes)
    side = side_of(ind, actual, goal, tolerance)
    if comparator == "<=":
        return _ceiling(ind, actual, expected, goal, due_passed, thresholds)
    if comparator == "~":
        deviation = abs(actual - goal)
        score = ONE if holds(ind, actual, goal, tolerance) else _about_score(deviation, tolerance, goal)
        if holds(ind, actual, goal, tolerance):
            status: Status = "achieved" if due_passed and not partial else "on_track"
            if side is not None:
                notes.append(note("harmless_side", side=side))
        elif due_passed:
            status = "off_track"
        else:
            status = "at_risk" if deviation <= 2 * tolerance else "off_track"
        return Verdict(status, score, side)
    hold = kind.hold
    met = holds(ind, actual, goal, tolerance)
    score = _reach_score(ind, actual, goal, expected, hold)
    if met:
        if hold:
            status = "achieved" if due_passed and not partial else "on_track"
        else:
            status = "on_track" if partial else "achieved"
        return Verdict(status, score if score is not None else ONE, None)
    if due_passed:
        return Verdict("off_track", score, None)
    if score is None:
        return Verdict("no_data", None, None)
    return Verdict(_ratio_status(score, thresholds), score, None)


def _about_score(deviation: Decimal, tolerance: Decimal, goal: Decimal) -> Decimal | None:
    if goal == 0:
        return None
    shortfall = ratio(max(DECIMAL_ZERO, deviation - tolerance), abs(goal))
    return None if shortfall is None else ONE - shortfall


def _reach_score(
    ind: m.Indicator, actual: Decimal, goal: Decimal, expected: Decimal | None, hold: bool
) -> Decimal | None:
    if hold:  # growth or annual: the year's figure against the year's target
        return ratio(actual, goal)
    if expected is None:
        return None  # no path: the caller judges by the projection
    start = ind.baseline.value if ind.baseline is not None else DECIMAL_ZERO
    progress_expected = expected - start
    if progress_expected <= 0:
        return ONE
    return ratio(actual - start, progress_expected)


def _ceiling(
    ind: m.Indicator,
    actual: Decimal,
    expected: Decimal | None,
    goal: Decimal,
    due_passed: bool,
    thresholds: m.Thresholds,
) -> Verdict:
    target = ind.target.value
    assert target is not None
    path = expected if ind.baseline is not None and not kind_of(ind).hold else None
    limit = path if path is not None else goal
    if due_passed:
        met = actual <= target
        return Verdict("achieved" if met else "off_track", ratio(target, actual) if actual > 0 else ONE, None)
    if path is not None and ind.baseline is not None and ind.baseline.value > path:
        start = ind.baseline.value
        score = ratio(start - actual, start - path)
        assert score is not None
        return Verdict("on_track" if actual <= path else _ratio_status(score, thresholds), score, None)
    score = ratio(limit, actual) if actual > 0 else ONE
    assert score is not None
    if actual <= limit:
        return Verdict("on_track", score, None)
    return Verdict("at_risk" if score >= thresholds.at_risk else "off_track", score, None)


def _milestone_progress(
    base: IndicatorProgress, ind: m.Indicator, series: Sequence[Reading], as_of: dt.date
) -> IndicatorProgress:
    reported = [r for r in series if r.achieved is not None]
    if not reported:
        status: Status = "off_track" if as_of > ind.target.by else "no_data"
        return dataclasses.replace(base, status=status, notes=(note("no_reports"),))
    latest = reported[-1]
    if latest.achieved:
        return dataclasses.replace(
            base, latest_period=latest.period, status="achieved", achieved_on=latest.achieved_on
        )
    status = "off_track" if as_of > ind.target.by else "on_track"
    return dataclasses.replace(base, latest_period=latest.period, status=status)
