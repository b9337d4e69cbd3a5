"""The numeric rule, in one place: figures are decimals as published.

Figures are read from YAML as `Decimal` from their own digits (``78.8`` is 78.8, not the binary
float nearest to it), so sums and differences of published figures are exact: 61.5 + 78.8 +
67.6 + 63.2 + 78.9 is 350. A figure derived by division, a root or a share of the month axis
(a ratio, an average rate, an annualised or expected value) is computed to 28 significant
digits and then *settled*: rounded half-even to `PLACES` (ten decimal places), far below any
published precision and far above the last digit of the arithmetic, so 115/100 - 1 is exactly
0.15 and ((152.0875/100) ** (1/3) - 1) is exactly 0.15. Every comparison that decides a status
compares settled decimals; no float ever decides one.
"""

from __future__ import annotations

from decimal import Context, Decimal, InvalidOperation, localcontext
from fractions import Fraction

PLACES = Decimal("1e-10")
_WIDE = Context(prec=80)
DECIMAL_ZERO = Decimal(0)  # not store.git.ZERO, the null commit id
ONE = Decimal(1)
HUNDRED = Decimal(100)
TWELVE = Decimal(12)


def settle(value: Decimal) -> Decimal:
    """A derived figure rounded to `PLACES`; figures too large to round stay as they are."""
    if not value.is_finite():
        return value
    try:
        return value.quantize(PLACES, context=_WIDE)
    except InvalidOperation:  # more digits than the context holds: nothing to settle
        return value


def dec(value: Fraction | int | Decimal) -> Decimal:
    """An exact month-axis fraction (or an int) as a decimal, settled."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if value.denominator == 1:
        return Decimal(value.numerator)
    return settle(Decimal(value.numerator) / Decimal(value.denominator))


def times(value: Decimal, share: Fraction) -> Decimal:
    """value × share, with the one division last (exact fractions stay exact), settled."""
    if share.denominator == 1:
        return value * share.numerator
    return settle(value * share.numerator / share.denominator)


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator / denominator, settled; None for a zero denominator."""
    if denominator == 0:
        return None
    return settle(numerator / denominator)


def root_rate(ratio_: Decimal, years: Fraction) -> Decimal | None:
    """The average yearly rate, in percent, that turns 1 into `ratio_` in `years` (compound)."""
    if ratio_ <= 0 or years <= 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        if years == 1:
            grown = ratio_
        else:
            exponent = Decimal(years.denominator) / Decimal(years.numerator)
            grown = ratio_**exponent
        return settle((grown - ONE) * HUNDRED)


def meets(actual: Decimal, target: Decimal, comparator: str, tolerance: Decimal) -> bool:
    """Whether a figure meets a target under the plan's comparator (左右: within the tolerance)."""
    if comparator == ">=":
        return actual >= target
    if comparator == ">":
        return actual > target
    if comparator == "<=":
        return actual <= target
    return abs(actual - target) <= tolerance  # "~"


def is_whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def to_json(value: Decimal | None, places: int = 4) -> float | int | None:
    """A decimal for a JSON document: an int when whole, else a float rounded to `places`."""
    if value is None:
        return None
    if not value.is_finite():
        return None
    rounded = round(value, places) if value.adjusted() < 30 else value
    if is_whole(rounded):
        return int(rounded)
    return float(rounded)
