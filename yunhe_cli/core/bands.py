"""The status bands of an indicator: for each month, which figures `rollup.judge` would call
achieved, on track, at risk or off track.

A chart draws these bands behind the figures, so a point's colour on the chart and the status
marker in the tables come from the same rule: each band is `judge` solved for the figure (the
thresholds of `model.Thresholds`, the tolerance of `readings.tolerance_of`, the expected path of
`kinds`). `tests/test_bands.py` probes every band of every indicator of the sample with `judge`
itself, so the two cannot drift apart. Bands are for the months up to the target date; after
it, a target not met is off track whatever the band.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from yunhe_cli.core import model as m
from yunhe_cli.core.kinds import kind_of
from yunhe_cli.core.numbers import DECIMAL_ZERO, settle
from yunhe_cli.core.periods import add_months, month_index, month_position, period_of_date, period_position
from yunhe_cli.core.readings import Context, tolerance_of


@dataclass(frozen=True, slots=True)
class Zone:
    """Figures from `low` to `high` (None: no bound) take `status`."""

    status: str  # achieved, on_track, at_risk, off_track
    low: Decimal | None
    high: Decimal | None


@dataclass(frozen=True, slots=True)
class PathPoint:
    period: str
    expected: Decimal | None
    zones: tuple[Zone, ...]  # low to high; empty where the roll-up has no path to judge by


def zones(
    ind: m.Indicator, expected: Decimal | None, ctx: Context, partial: bool = False
) -> tuple[Zone, ...]:
    """The bands at a point whose expected value is `expected`, before the target date.

    `partial`: the figure is an annualised part-year (never achieved before December)."""
    target = ind.target.value
    comparator = ind.comparator
    kind = kind_of(ind)
    if target is None or comparator is None or kind.qualitative:
        return ()
    thresholds = ctx.thresholds
    goal = expected if kind.hold and expected is not None else target
    if comparator == "~":
        return _about(ind, goal, tolerance_of(ind, thresholds, goal))
    if comparator == "<=":
        return _ceiling(ind, expected, goal, thresholds)
    if kind.hold:  # growth or annual: the year's figure over the year's target
        if goal <= 0:
            return ()
        return (
            Zone("off_track", None, settle(goal * thresholds.at_risk)),
            Zone("at_risk", settle(goal * thresholds.at_risk), settle(goal * thresholds.on_track)),
            Zone("on_track", settle(goal * thresholds.on_track), None),
        )
    met = "on_track" if partial else "achieved"
    if expected is None:  # no path: met is met; below the target the roll-up judges by the projection
        return (Zone(met, target, None),)
    start = ind.baseline.value if ind.baseline is not None else DECIMAL_ZERO
    progress = expected - start
    if progress <= 0:
        return (Zone("on_track", None, target), Zone(met, target, None))
    risk = min(settle(start + progress * thresholds.at_risk), target)
    on = min(settle(start + progress * thresholds.on_track), target)
    return (
        Zone("off_track", None, risk),
        Zone("at_risk", risk, on),
        Zone("on_track", on, target),
        Zone(met, target, None),
    )


def _about(ind: m.Indicator, goal: Decimal, tolerance: Decimal) -> tuple[Zone, ...]:
    low1, high1 = goal - tolerance, goal + tolerance
    low2, high2 = goal - 2 * tolerance, goal + 2 * tolerance
    if ind.prefer == "higher":
        return (Zone("off_track", None, low2), Zone("at_risk", low2, low1), Zone("on_track", low1, None))
    if ind.prefer == "lower":
        return (Zone("on_track", None, high1), Zone("at_risk", high1, high2), Zone("off_track", high2, None))
    return (
        Zone("off_track", None, low2),
        Zone("at_risk", low2, low1),
        Zone("on_track", low1, high1),
        Zone("at_risk", high1, high2),
        Zone("off_track", high2, None),
    )


def _ceiling(
    ind: m.Indicator, expected: Decimal | None, goal: Decimal, thresholds: m.Thresholds
) -> tuple[Zone, ...]:
    path = expected if ind.baseline is not None and not kind_of(ind).hold else None
    limit = path if path is not None else goal
    if path is not None and ind.baseline is not None and ind.baseline.value > path:
        start = ind.baseline.value
        on = settle(start - (start - path) * thresholds.on_track)
        risk = settle(start - (start - path) * thresholds.at_risk)
    elif limit > 0:
        on, risk = limit, settle(limit / thresholds.at_risk)
    else:
        return ()
    return (Zone("on_track", None, on), Zone("at_risk", on, risk), Zone("off_track", risk, None))


def path(ind: m.Indicator, ctx: Context, partial: bool = False) -> tuple[PathPoint, ...]:
    """Each month's end from the plan's first month to the target's: the expected value and bands."""
    kind = kind_of(ind)
    first = period_of_date(ctx.start)
    last = period_of_date(ind.target.by)
    out = []
    for n in range(max(0, month_index(last) - month_index(first) + 1)):
        period = add_months(first, n)
        expected = kind.expected(ind, period_position(period), ctx).value
        out.append(PathPoint(period, expected, zones(ind, expected, ctx, partial)))
    return tuple(out)


def trend_path(
    ind: m.Indicator, ctx: Context, first_period: str, first_value: Decimal, partial: bool = False
) -> tuple[PathPoint, ...]:
    """The bands where the roll-up has no path (no baseline) and judges a figure by the trend: the
    projection from the first figure through it to the target date, over the target, against the
    thresholds. Solved for the figure at a month's end p (first figure v0 at p0, target T at t):
    on track from v0 + (on_track × T − v0) × (p − p0) / (t − p0), at risk from the same with
    at_risk, met from T; straight lines from the first figure to the thresholds at the target date.
    Months after the first figure's, up to the target's."""
    target = ind.target.value
    kind = kind_of(ind)
    if target is None or ind.comparator not in (">=", ">") or kind.qualitative or kind.hold or target <= 0:
        return ()
    start, end = period_position(first_period), month_position(ind.target.by)
    if end <= start:
        return ()
    thresholds = ctx.thresholds
    met = "on_track" if partial else "achieved"
    out = []
    period = add_months(first_period, 1)
    while period_position(period) <= end:
        share = (period_position(period) - start) / (end - start)
        fraction = Decimal(share.numerator) / Decimal(share.denominator)
        risk = min(settle(first_value + (target * thresholds.at_risk - first_value) * fraction), target)
        on = min(settle(first_value + (target * thresholds.on_track - first_value) * fraction), target)
        out.append(
            PathPoint(
                period,
                None,
                (
                    Zone("off_track", None, risk),
                    Zone("at_risk", risk, on),
                    Zone("on_track", on, target),
                    Zone(met, target, None),
                ),
            )
        )
        period = add_months(period, 1)
    return tuple(out)
