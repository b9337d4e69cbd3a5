"""What the kinds read and answer with: a report's reading, the plan's context, the expected value,
a year's result, the notes the roll-up renders, and the comparator rule (`holds`) every report applies.

Kept apart from the kinds themselves (`kinds.py`) so that a kind's meaning is all that file holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from yunhe_cli.core import model as m
from yunhe_cli.core.numbers import DECIMAL_ZERO, meets, settle
from yunhe_cli.core.periods import days_in_month, month_position


@dataclass(frozen=True, slots=True)
class Note:
    """Something the roll-up could not compute, or a rule it applied; rendered by i18n."""

    key: str
    params: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str:
        return dict(self.params).get(name, "")


def note(key: str, **params: object) -> Note:
    return Note(key, tuple((k, str(v)) for k, v in params.items()))


@dataclass(frozen=True, slots=True)
class Reading:
    """One indicator's entry in one monthly report."""

    period: str
    value: Decimal | None
    level: Decimal | None
    achieved: bool | None
    achieved_on: dt.date | None

    @property
    def numeric(self) -> bool:
        return self.value is not None or self.level is not None

    @property
    def published(self) -> Decimal | None:
        return self.value if self.value is not None else self.level


@dataclass(frozen=True, slots=True)
class Context:
    """What every kind needs from the plan: its horizon and thresholds."""

    start: dt.date
    end: dt.date
    thresholds: m.Thresholds

    @property
    def start_year(self) -> int:
        return self.start.year

    @property
    def start_position(self) -> Fraction:
        """The beginning of the plan's first day on the month axis."""
        return month_position(self.start) - Fraction(1, days_in_month(self.start.year, self.start.month))


@dataclass(frozen=True, slots=True)
class Expected:
    """The expected value at a point, and the rule that drew the path there."""

    value: Decimal | None
    rule: str | None  # annual_targets, shared_remainder, straight, interpolated, target_every_year


@dataclass(frozen=True, slots=True)
class YearResult:
    value: Decimal | None
    period: str | None  # the month the year's figure comes from
    complete: bool  # December is in: the year's figure is final
    notes: tuple[Note, ...] = ()


def year_of_position(position: Fraction) -> int:
    """The year a point of the month axis belongs to (the end of December belongs to its year)."""
    whole = position // 12
    return int(whole) - 1 if position == whole * 12 else int(whole)


def tolerance_of(ind: m.Indicator, thresholds: m.Thresholds, target: Decimal | None = None) -> Decimal:
    """How far a ~ (左右) figure may stray: the indicator's own tolerance, or a share of `target`."""
    if ind.tolerance is not None:
        return ind.tolerance
    reference = target if target is not None else ind.target.value
    return settle(abs(reference or DECIMAL_ZERO) * thresholds.approx_tolerance)


def side_of(ind: m.Indicator, actual: Decimal, goal: Decimal, tolerance: Decimal) -> str | None:
    """For a ~ (左右) target: high or low when a figure is outside its tolerance, else None."""
    if ind.comparator != "~" or abs(actual - goal) <= tolerance:
        return None
    return "high" if actual > goal else "low"


def holds(ind: m.Indicator, actual: Decimal, goal: Decimal, tolerance: Decimal) -> bool:
    """Whether a figure meets its goal under the plan's comparator; for ~ a deviation on the side the
    indicator calls harmless (`prefer`) holds too."""
    if meets(actual, goal, ind.comparator or ">=", tolerance):
        return True
    side = side_of(ind, actual, goal, tolerance)
    return side is not None and ind.prefer is not None and (side == "high") == (ind.prefer == "higher")
