"""Figures that are allowed but look wrong (warnings at commit): a running total that falls, a count
with a fraction, two figures more than ten times apart. Each kind (`kinds.py`) says which apply."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from yunhe_cli.core import model as m
from yunhe_cli.core.numbers import is_whole
from yunhe_cli.core.readings import Reading

# Units that count whole things: a fraction is a typo, and a count is never negative.
COUNT_UNITS = frozenset({"个", "家", "套（间）", "户", "人"})
# Two figures in a row further apart than this factor are probably a typo (a slipped decimal point).
JUMP_FACTOR = Decimal(10)


@dataclass(frozen=True, slots=True)
class Warning_:
    """A figure that is allowed but looks wrong (a typo caught at commit)."""

    period: str
    field: str  # value or level
    code: str
    message: str


def falls(ind: m.Indicator, series: Sequence[Reading], within: str, field: str = "value") -> list[Warning_]:
    """A running total that goes down: within a year for 1–N月累计, ever for a plan-to-date total."""
    out = []
    previous: Reading | None = None
    for r in series:
        if r.value is None:
            continue
        same_run = previous is not None and (within == "plan" or previous.period[:4] == r.period[:4])
        if previous is not None and previous.value is not None and same_run and r.value < previous.value:
            basis = "1–N月累计" if within == "year" else "自期初累计"
            out.append(
                Warning_(
                    r.period,
                    field,
                    "V403",
                    f"{ind.id}: {r.value:f} is less than {previous.value:f} reported for {previous.period}; "
                    f"a running total ({basis}) does not fall",
                )
            )
        previous = r
    return out


def count_fractions(ind: m.Indicator, series: Sequence[Reading]) -> list[Warning_]:
    # A count per head (每千人口…托位数 5.5个) is not whole; a target that is whole says the figure is.
    target = ind.target.value
    if ind.unit not in COUNT_UNITS or target is None or not is_whole(target):
        return []
    return [
        Warning_(
            r.period, "value", "V404", f"{ind.id}: {r.value:f} {ind.unit} is not a whole number of {ind.unit}"
        )
        for r in series
        if r.value is not None and not is_whole(r.value)
    ]


def jumps(
    ind: m.Indicator, series: Sequence[Reading], within_year: bool, field: str = "value"
) -> list[Warning_]:
    """Two consecutive figures more than ten times apart (a slipped decimal point, a wrong unit)."""
    out = []
    previous: Reading | None = None
    for r in series:
        if r.value is None:
            continue
        comparable_pair = previous is not None and (not within_year or previous.period[:4] == r.period[:4])
        if previous is not None and previous.value and r.value and comparable_pair:
            a, b = abs(previous.value), abs(r.value)
            if max(a, b) > JUMP_FACTOR * min(a, b):
                out.append(
                    Warning_(
                        r.period,
                        field,
                        "V405",
                        f"{ind.id}: {r.value:f} is more than ten times "
                        f"{'above' if b > a else 'below'} {previous.value:f} reported for {previous.period}",
                    )
                )
        previous = r
    return out
