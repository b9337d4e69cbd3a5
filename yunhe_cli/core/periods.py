"""Months and dates of the plan: the one home of period arithmetic.

A period is a month written ``YYYY-MM``. Positions on the month axis are exact fractions
(`Fraction`): the end of January 2023 is ``2023 * 12 + 1``, the 15th of a 30-day month is half
way through it. Every function here works for any date Python can hold (0001-01-01 to
9999-12-31): arithmetic that would leave the calendar stops at its edge instead of raising.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from fractions import Fraction

PERIOD = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
FIRST_INDEX = 1 * 12  # 0001-01
LAST_INDEX = 9999 * 12 + 11  # 9999-12


def is_period(text: str) -> bool:
    return PERIOD.match(text) is not None and text[:4] != "0000"


def month_index(period: str) -> int:
    """Months since year 0: 2023-01 is 2023 * 12."""
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def period_of(index: int) -> str:
    """The period of a month index, held inside the calendar (0001-01 … 9999-12)."""
    index = min(max(index, FIRST_INDEX), LAST_INDEX)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period_of_date(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def add_months(period: str, months: int) -> str:
    return period_of(month_index(period) + months)


def period_start(period: str) -> dt.date:
    return dt.date(int(period[:4]), int(period[5:7]), 1)


def period_end(period: str) -> dt.date:
    year, month = int(period[:4]), int(period[5:7])
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def month_position(day: dt.date) -> Fraction:
    """A date on the month axis: the end of 2023-01 is 2023*12 + 1 (exact)."""
    return day.year * 12 + day.month - 1 + Fraction(day.day, days_in_month(day.year, day.month))


def period_position(period: str) -> Fraction:
    """The end of a reporting month on the month axis."""
    return Fraction(month_index(period) + 1)


def year_end_position(year: int) -> Fraction:
    return Fraction((year + 1) * 12)


def report_due(period: str, due_day: int) -> dt.date:
    """The day a month's report falls due: `due_day` of the following month (the calendar's last day
    for 9999-12, which has no following month)."""
    index = month_index(period) + 1
    if index > LAST_INDEX:
        return dt.date.max
    return dt.date(index // 12, index % 12 + 1, due_day)


def month_before(day: dt.date) -> dt.date:
    """The same day a month earlier (the month's last day when it is shorter; 0001-01-01 for January
    of year 1)."""
    if day.year == 1 and day.month == 1:
        return dt.date.min
    year, month = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    return dt.date(year, month, min(day.day, days_in_month(year, month)))
