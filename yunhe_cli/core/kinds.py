"""What each kind of indicator means: one object per kind, and nothing kind-specific elsewhere.

An indicator's `kind` says how its figures relate to its target (DESIGN.md "Indicator kinds"):

- `cumulative`: a flow summed over the plan period (到2027年完成…, 五年累计);
- `level`: a value read at a date (累计数达到45家, 占比达到63%);
- `growth`: an average yearly rate (年均增长15%, 年均提高0.8个百分点);
- `annual`: a target that holds in every year (每年滚动推进…);
- `milestone`: a qualitative goal, achieved or not, with a date.

Each kind answers the same questions: how a reported figure becomes comparable with the target,
where the expected path stands at a point of the month axis (and which rule drew it), what a
year asks and what the year's figure is, where the pace so far leads, which figures look
implausible, and what a report draft shows. The roll-up, the annual summary, `history`, the
checks and `report new` all ask these objects; adding a kind touches this file and its tests.

What the kinds read and answer with (readings, the context, the expected value, notes, the
comparator rule) is `readings.py`; the warnings they choose among are `plausibility.py`.
Everything is exact decimal arithmetic under the rule of `numbers.py`; positions on the month
axis are exact fractions (`periods.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from yunhe_cli.core import model as m
from yunhe_cli.core.numbers import DECIMAL_ZERO, TWELVE, ratio, root_rate, settle, times
from yunhe_cli.core.periods import month_position, period_position, year_end_position
from yunhe_cli.core.plausibility import COUNT_UNITS, Warning_, count_fractions, falls, jumps
from yunhe_cli.core.readings import (
    Context,
    Expected,
    Note,
    Reading,
    YearResult,
    note,
    year_of_position,
)

# Units whose figures are not summed over months (a share, a rate, an age, a span of years).
NON_ADDITIVE_UNITS = frozenset({"%", "个百分点", "岁", "年"})


def whole_count(ind: m.Indicator, value: Decimal | None) -> Decimal | None:
    """A year's target in a count unit as a whole number, rounded half up (7.6 projects → 8);
    other units as they are."""
    if value is None or ind.unit not in COUNT_UNITS:
        return value
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- the kinds


class IndicatorKind:
    """The behaviour every kind shares; each subclass overrides what differs."""

    name = ""
    hold = False  # the target must hold in every year (not reached once)
    has_pace = False  # a pace per remaining month means something
    qualitative = False  # achieved or not, with a date: no figure, no path, no bands
    reports_level = False  # a report may give the level (水平值) its figure comes from
    is_rate = False  # the figure is a rate of change (plausible within ±1000), never a count
    percent_is_share = False  # a figure in % is a share of a whole (at most 100)
    axis_from_zero = True  # a chart's axis starts at zero (a rate need not)

    # -- figures

    def comparable(
        self, ind: m.Indicator, series: Sequence[Reading], index: int, ctx: Context
    ) -> tuple[Decimal | None, list[Note]]:
        """The figure at series[index] made comparable with the target."""
        return series[index].value, []

    def current(
        self, ind: m.Indicator, series: Sequence[Reading], index: int, ctx: Context
    ) -> tuple[Decimal | None, list[Note]]:
        """The figure the status is judged by, at the latest reading."""
        return self.comparable(ind, series, index, ctx)

    # -- the path

    def expected(self, ind: m.Indicator, position: Fraction, ctx: Context) -> Expected:
        return Expected(None, None)

    def year_target(self, ind: m.Indicator, year: int, ctx: Context) -> Decimal | None:
        return None

    def year_result(self, ind: m.Indicator, series: Sequence[Reading], year: int, ctx: Context) -> YearResult:
        return YearResult(None, None, False)

    def projection(
        self,
        ind: m.Indicator,
        series: Sequence[Reading],
        latest_index: int,
        actual: Decimal,
        position: Fraction,
        ctx: Context,
    ) -> Decimal | None:
        return None

    # -- checks and drafts

    def plausibility(self, ind: m.Indicator, series: Sequence[Reading]) -> list[Warning_]:
        return count_fractions(ind, series) + jumps(ind, series, ind.reported_as == "year_to_date")

    def draft_about(self, ind: m.Indicator) -> str:
        basis = BASIS_ZH.get(ind.reported_as or "", "")
        return f"{ind.unit} | 目标 {ind.comparator}{_plain(ind.target.value)} | {basis} ({ind.reported_as})"

    def draft_field(self, ind: m.Indicator, last: Reading | None) -> str:
        return "value:"


BASIS_ZH = {"year_to_date": "1–N月累计", "plan_to_date": "自规划期初累计", "point": "时点数"}


def _plain(value: Decimal | None) -> str:
    return "" if value is None else f"{value:f}"


def _annual(ind: m.Indicator) -> dict[int, Decimal]:
    return {a.year: a.value for a in ind.annual_targets}


def _clamp(share: Fraction) -> Fraction:
    return min(Fraction(1), max(Fraction(0), share))


def _straight(start: Fraction, base: Decimal, end: Fraction, target: Decimal, position: Fraction) -> Decimal:
    if end <= start:
        return target
    return settle(base + times(target - base, _clamp((position - start) / (end - start))))


def _december(series: Sequence[Reading], year: int) -> Reading | None:
    period = f"{year:04d}-12"
    return next((r for r in series if r.period == period and r.numeric), None)


def _in_year(series: Sequence[Reading], year: int) -> list[int]:
    prefix = f"{year:04d}-"
    return [i for i, r in enumerate(series) if r.period.startswith(prefix) and r.numeric]


def _additive(ind: m.Indicator, unit: str | None = None) -> bool:
    return (unit or ind.unit) not in NON_ADDITIVE_UNITS


class Cumulative(IndicatorKind):
    """A flow summed over the plan period; reported 1–N月累计, since the plan began, or as a total."""

    name = "cumulative"
    has_pace = True

    def comparable(
        self, ind: m.Indicator, series: Sequence[Reading], index: int, ctx: Context
    ) -> tuple[Decimal | None, list[Note]]:
        if ind.reported_as != "year_to_date":
            return series[index].value, []
        return plan_to_date(series, index, ctx.start_year)

    def _base(self, ind: m.Indicator, ctx: Context) -> tuple[Fraction, Decimal]:
        if ind.baseline is not None:
            return month_position(ind.baseline.on), ind.baseline.value
        return ctx.start_position, DECIMAL_ZERO

    def _first_year(self, start: Fraction) -> int:
        """The first year the path runs through: the year the start falls in, or the next one when
        the start is a year's end (a baseline on 12-31, the plan's first day)."""
        year = year_of_position(start)
        return year + 1 if start == year_end_position(year) else year

    def year_amounts(self, ind: m.Indicator, ctx: Context) -> tuple[dict[int, Decimal], str] | None:
        """What each year from the start (the baseline, else the plan's first day) to the target's
        year adds: its annual target where the plan gives one; the years without one share what
        remains of the target above the starting value evenly. None without annual targets."""
        annual = _annual(ind)
        target = ind.target.value
        if not annual or target is None:
            return None
        start, base = self._base(ind, ctx)
        years = range(self._first_year(start), ind.target.by.year + 1)
        given = {y: annual[y] for y in years if y in annual}
        missing = [y for y in years if y not in annual]
        amounts = dict(given)
        if missing:
            share = settle((target - base - sum(given.values(), DECIMAL_ZERO)) / len(missing))
            amounts.update({y: share for y in missing})
        return amounts, ("shared_remainder" if missing else "annual_targets")

    def expected(self, ind: m.Indicator, position: Fraction, ctx: Context) -> Expected:
        """The straight line from the start to the target; with annual targets, the start's value
        plus what each year adds, spread evenly over the year's months after the start (so a
        baseline inside a year spreads that year's amount over the months it has left)."""
        target = ind.target.value
        if target is None:
            return Expected(None, None)
        start, base = self._base(ind, ctx)
        end = month_position(ind.target.by)
        by_year = self.year_amounts(ind, ctx)
        if by_year is None:
            return Expected(_straight(start, base, end, target, position), "straight")
        amounts, rule = by_year
        if position <= start:
            return Expected(base, rule)
        reached = min(position, end)
        total = base
        for year, amount in amounts.items():
            begins, ends = max(Fraction(year * 12), start), year_end_position(year)
            total += times(amount, _clamp((reached - begins) / (ends - begins)))
        return Expected(settle(total), rule)

    def year_target(self, ind: m.Indicator, year: int, ctx: Context) -> Decimal | None:
        if not ctx.start_year <= year <= ind.target.by.year:
            return None
        # In a count unit, the whole count the path reaches by the year's end less the whole count
        # by the end of the year before (38 projects over five years: 8, 7, 8, 7, 8); a year that
        # adds no whole one has no target of its own.
        at_end = whole_count(ind, self.expected(ind, year_end_position(year), ctx).value)
        at_start = whole_count(ind, self.expected(ind, year_end_position(year - 1), ctx).value)
        if at_end is None or at_start is None:
            return None
        amount = settle(at_end - at_start)
        return None if ind.unit in COUNT_UNITS and amount <= 0 else amount

    def year_result(self, ind: m.Indicator, series: Sequence[Reading], year: int, ctx: Context) -> YearResult:
        in_year = _in_year(series, year)
        if not in_year:
            return YearResult(None, None, False)
        last = series[in_year[-1]]
        complete = last.period.endswith("-12")
        if ind.reported_as == "year_to_date":
            return YearResult(last.value, last.period, complete)
        # A running total: the year adds what it ends on less what the year before ended on.
        if year <= ctx.start_year:
            start: Decimal | None = DECIMAL_ZERO
        else:
            before = _december(series, year - 1)
            start = before.value if before is not None else None
        if start is None or last.value is None:
            return YearResult(None, last.period, False, (note("year_missing", year=year - 1),))
        return YearResult(last.value - start, last.period, complete)

    def projection(
        self,
        ind: m.Indicator,
        series: Sequence[Reading],
        latest_index: int,
        actual: Decimal,
        position: Fraction,
        ctx: Context,
    ) -> Decimal | None:
        start, base = self._base(ind, ctx)
        return at_this_pace(ind, actual, position, start, base)

    def plausibility(self, ind: m.Indicator, series: Sequence[Reading]) -> list[Warning_]:
        return [*super().plausibility(ind, series), *falls(ind, series, self._running(ind))]

    @staticmethod
    def _running(ind: m.Indicator) -> str:
        # 1–N月累计 only rises within a year; a total since the plan began never falls at all.
        return "year" if ind.reported_as == "year_to_date" else "plan"


def at_this_pace(
    ind: m.Indicator, actual: Decimal, position: Fraction, start: Fraction, base: Decimal
) -> Decimal | None:
    """The value on the target date if the pace from `base` at `start` to `actual` now goes on."""
    remaining = month_position(ind.target.by) - position
    if remaining <= 0:
        return actual
    elapsed = position - start
    if elapsed <= 0:
        return None
    return settle(actual + times(actual - base, remaining / elapsed))


def plan_to_date(series: Sequence[Reading], index: int, start_year: int) -> tuple[Decimal | None, list[Note]]:
    """The plan-to-date total at series[index] from year-to-date figures (1–N月累计): this year's
    figure plus each earlier year's December (or, noted, the last month that year reported)."""
    current = series[index]
    if current.value is None:
        return None, []
    year = int(current.period[:4])
    total = current.value
    notes: list[Note] = []
    earlier_readings = [r for r in series[: index + 1] if r.value is not None]
    for earlier in range(start_year, year):
        prefix = f"{earlier:04d}-"
        in_year = [r for r in earlier_readings if r.period.startswith(prefix)]
        if not in_year:
            notes.append(note("year_missing", year=earlier))
            continue
        last = max(in_year, key=lambda r: r.period)
        total += last.value or DECIMAL_ZERO
        if not last.period.endswith("-12"):
            notes.append(note("december_missing", year=earlier, used=last.period))
    return total, notes


class Level(IndicatorKind):
    """A value read at a date; a 1–N月累计 level in an additive unit is a year's flow, annualised."""

    name = "level"
    has_pace = True
    percent_is_share = True

    def comparable(
        self, ind: m.Indicator, series: Sequence[Reading], index: int, ctx: Context
    ) -> tuple[Decimal | None, list[Note]]:
        return annualised(ind, series[index])

    def anchors(self, ind: m.Indicator) -> list[tuple[Fraction, Decimal, str]]:
        """The points the path runs through: the baseline, each annual target at its year's end and
        the target at its date."""
        points: dict[Fraction, tuple[Decimal, str]] = {}
        if ind.baseline is not None:
            points[month_position(ind.baseline.on)] = (ind.baseline.value, "baseline")
        for year, value in _annual(ind).items():
            points[year_end_position(year)] = (value, "annual")
        if ind.target.value is not None:
            points.setdefault(month_position(ind.target.by), (ind.target.value, "target"))
        return [(p, v, k) for p, (v, k) in sorted(points.items())]

    def expected(self, ind: m.Indicator, position: Fraction, ctx: Context) -> Expected:
        anchors = self.anchors(ind)
        annual = _annual(ind)
        rule = (
            "annual_targets"
            if year_of_position(position) in annual
            else ("interpolated" if annual else "straight")
        )
        before = [a for a in anchors if a[0] <= position]
        after = [a for a in anchors if a[0] > position]
        if not before:
            return Expected(None, None)  # no baseline: the path has no start
        p0, v0, _ = before[-1]
        if not after:
            return Expected(v0, rule)
        p1, v1, _ = after[0]
        return Expected(_straight(p0, v0, p1, v1, position), rule)

    def year_target(self, ind: m.Indicator, year: int, ctx: Context) -> Decimal | None:
        if not ctx.start_year <= year <= ind.target.by.year:
            return None
        annual = _annual(ind)
        if year in annual:
            return whole_count(ind, annual[year])
        expected = self.expected(ind, year_end_position(year), ctx).value
        if expected is None and ind.comparator in ("<=", "~"):
            return ind.target.value  # no path: a ceiling or an about-target holds as it stands
        if expected is None and year == ind.target.by.year:
            return ind.target.value
        return whole_count(ind, expected)

    def year_result(self, ind: m.Indicator, series: Sequence[Reading], year: int, ctx: Context) -> YearResult:
        in_year = _in_year(series, year)
        if not in_year:
            return YearResult(None, None, False)
        last = series[in_year[-1]]
        value, notes = self.comparable(ind, series, in_year[-1], ctx)
        return YearResult(value, last.period, last.period.endswith("-12"), tuple(notes))

    def projection(
        self,
        ind: m.Indicator,
        series: Sequence[Reading],
        latest_index: int,
        actual: Decimal,
        position: Fraction,
        ctx: Context,
    ) -> Decimal | None:
        if month_position(ind.target.by) <= position:
            return actual
        if ind.baseline is not None:
            start, base = month_position(ind.baseline.on), ind.baseline.value
        else:
            earlier = [i for i in range(latest_index) if series[i].value is not None]
            if not earlier:
                return None
            first, _ = self.comparable(ind, series, earlier[0], ctx)
            if first is None:
                return None
            start, base = period_position(series[earlier[0]].period), first
        return at_this_pace(ind, actual, position, start, base)

    def plausibility(self, ind: m.Indicator, series: Sequence[Reading]) -> list[Warning_]:
        flow = ind.reported_as == "year_to_date" and _additive(ind)
        return [*super().plausibility(ind, series), *(falls(ind, series, "year") if flow else [])]


def annualised(ind: m.Indicator, reading: Reading) -> tuple[Decimal | None, list[Note]]:
    """A 1–N月累计 figure in an additive unit scaled ×12/N to a full year; other figures as they are."""
    if ind.reported_as != "year_to_date" or reading.value is None or not _additive(ind):
        return reading.value, []
    month = int(reading.period[5:7])
    if month == 12:
        return reading.value, []
    return settle(reading.value * TWELVE / month), [note("annualised", months=month)]


class HeldEveryYear(IndicatorKind):
    """A target that must hold in each year: the year's annual target, else the target itself."""

    hold = True
    axis_from_zero = False

    def expected(self, ind: m.Indicator, position: Fraction, ctx: Context) -> Expected:
        annual = _annual(ind)
        year = year_of_position(position)
        if year in annual:
            return Expected(annual[year], "annual_targets")
        return Expected(ind.target.value, "target_every_year")

    def year_target(self, ind: m.Indicator, year: int, ctx: Context) -> Decimal | None:
        if not ctx.start_year <= year <= ind.target.by.year:
            return None
        return whole_count(ind, _annual(ind).get(year, ind.target.value))


class Growth(HeldEveryYear):
    """An average yearly rate: as published, or computed from the levels it comes from."""

    name = "growth"
    reports_level = True
    is_rate = True

    def comparable(
        self, ind: m.Indicator, series: Sequence[Reading], index: int, ctx: Context
    ) -> tuple[Decimal | None, list[Note]]:
        reading = series[index]
        if reading.value is not None:
            return reading.value, []  # a published rate is used as published
        return self.average_rate(ind, series[: index + 1])

    def average_rate(self, ind: m.Indicator, series: Sequence[Reading]) -> tuple[Decimal | None, list[Note]]:
        """The average yearly rate from a level series, comparing like with like.

        1–N月累计 levels are compared with the same months of an earlier year (同比), never with
        a whole year; a baseline (a whole year's level) is comparable with a December only.
        Other levels use the baseline or, noted, the first reading at least a year earlier."""
        levels = [r for r in series if r.level is not None]
        if not levels:
            return None, []
        latest = levels[-1]
        assert latest.level is not None
        if ind.reported_as == "year_to_date":
            return self._same_period_rate(ind, levels, latest)
        notes: list[Note] = []
        if ind.baseline is not None:
            base_value, base_position = ind.baseline.value, month_position(ind.baseline.on)
        else:
            first = levels[0]
            if period_position(latest.period) - period_position(first.period) < 12:
                return None, [note("no_baseline_growth")]
            assert first.level is not None
            base_value, base_position = first.level, period_position(first.period)
            notes.append(note("base_from_first", period=first.period))
        years = (period_position(latest.period) - base_position) / 12
        rate = _rate(ind, base_value, latest.level, years)
        return rate, notes if rate is not None else [*notes, note("no_baseline_growth")]

    def _same_period_rate(
        self, ind: m.Indicator, levels: Sequence[Reading], latest: Reading
    ) -> tuple[Decimal | None, list[Note]]:
        assert latest.level is not None
        month = latest.period[5:7]
        year = int(latest.period[:4])
        if (
            ind.baseline is not None
            and month == "12"
            and ind.baseline.on.month == 12
            and ind.baseline.on.day == 31
        ):
            base_year, base_value = ind.baseline.on.year, ind.baseline.value
        else:
            same = [r for r in levels if r.period[5:7] == month and int(r.period[:4]) < year]
            if not same:
                previous = f"{year - 1:04d}-{month}"
                return None, [note("no_same_period", period=previous)]
            assert same[0].level is not None
            base_year, base_value = int(same[0].period[:4]), same[0].level
        rate = _rate(ind, base_value, latest.level, Fraction(year - base_year))
        notes = (
            []
            if base_year == year - 1 or ind.baseline is not None
            else [note("base_same_period", year=base_year)]
        )
        return rate, notes if rate is not None else [*notes, note("no_baseline_growth")]

    def year_result(self, ind: m.Indicator, series: Sequence[Reading], year: int, ctx: Context) -> YearResult:
        """The year's own rate: the published December rate, or December's level over the previous
        December's (1–12月累计同比)."""
        in_year = _in_year(series, year)
        if not in_year:
            return YearResult(None, None, False)
        last = series[in_year[-1]]
        complete = last.period.endswith("-12")
        if last.value is not None:
            return YearResult(last.value, last.period, complete)
        previous = _same_month(series, last.period, year - 1)
        if previous is None or previous.level is None or last.level is None:
            if year - 1 < ctx.start_year and ind.baseline is not None and ind.baseline.on.year == year - 1:
                base: Decimal | None = ind.baseline.value
            else:
                return YearResult(
                    None,
                    last.period,
                    complete,
                    (note("no_same_period", period=f"{year - 1:04d}{last.period[4:]}"),),
                )
        else:
            base = previous.level
        assert base is not None and last.level is not None
        return YearResult(_rate(ind, base, last.level, Fraction(1)), last.period, complete)

    def plausibility(self, ind: m.Indicator, series: Sequence[Reading]) -> list[Warning_]:
        levels = [Reading(r.period, r.level, None, None, None) for r in series if r.level is not None]
        running = ind.reported_as == "year_to_date" and _additive(ind, ind.level_unit)
        return jumps(ind, levels, running, "level") + (falls(ind, levels, "year", "level") if running else [])

    def draft_field(self, ind: m.Indicator, last: Reading | None) -> str:
        if ind.level_unit and last is not None and last.level is not None:
            return f"level:  # {ind.level_unit}"
        return "value:"


def _same_month(series: Sequence[Reading], period: str, year: int) -> Reading | None:
    wanted = f"{year:04d}{period[4:]}"
    return next((r for r in series if r.period == wanted), None)


def _rate(ind: m.Indicator, base: Decimal, level: Decimal, years: Fraction) -> Decimal | None:
    """Compound for a percentage; linear for 个百分点 (points a year)."""
    if years <= 0:
        return None
    if ind.unit == "个百分点":
        return times(level - base, 1 / years)
    if base <= 0:
        return None
    share = ratio(level, base)
    return None if share is None else root_rate(share, years)


class Annual(HeldEveryYear):
    """A target that holds in every year (每年…): the year's own figure against the year's target."""

    name = "annual"
    percent_is_share = True

    def comparable(
        self, ind: m.Indicator, series: Sequence[Reading], index: int, ctx: Context
    ) -> tuple[Decimal | None, list[Note]]:
        return annualised(ind, series[index])

    def year_result(self, ind: m.Indicator, series: Sequence[Reading], year: int, ctx: Context) -> YearResult:
        return Level.year_result(LEVEL, ind, series, year, ctx)

    def plausibility(self, ind: m.Indicator, series: Sequence[Reading]) -> list[Warning_]:
        flow = ind.reported_as == "year_to_date" and _additive(ind)
        return [*super().plausibility(ind, series), *(falls(ind, series, "year") if flow else [])]


class Milestone(IndicatorKind):
    """A qualitative goal: achieved (with a date) or not yet."""

    name = "milestone"
    hold = False
    qualitative = True

    def plausibility(self, ind: m.Indicator, series: Sequence[Reading]) -> list[Warning_]:
        return []

    def draft_about(self, ind: m.Indicator) -> str:
        return f"定性目标 milestone, {ind.target.by}前"

    def draft_field(self, ind: m.Indicator, last: Reading | None) -> str:
        return "achieved:"


LEVEL = Level()
KINDS: dict[str, IndicatorKind] = {k.name: k for k in (Cumulative(), LEVEL, Growth(), Annual(), Milestone())}


def kind_of(ind: m.Indicator) -> IndicatorKind:
    return KINDS[ind.kind]


def kind_named(name: str) -> IndicatorKind:
    """The kind an output names by its word (`IndicatorProgress.kind`, a view's `kind`)."""
    return KINDS[name]
