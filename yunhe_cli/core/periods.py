"""Months and dates of the plan: the one home of the month's grammar and of period arithmetic.

A period is a month written ``YYYY-MM`` (`PERIOD`); a data file names a month of this century
(`PERIOD_PATTERN`, the schemas' pattern, and `PERIOD_FILE`, a monthly report's file name).
What the plan leaves to `plan.yaml` has its default here (`DEFAULT_DUE_DAY`, and the shipped
plan's dates for a folder without a plan); `plan_defaults.py` reads a plan with them.

Positions on the month axis are exact fractions (`Fraction`): the end of January 2023 is
``2023 * 12 + 1``, the 15th of a 30-day month is half way through it. Every function here works
for any date Python can hold (0001-01-01 to 9999-12-31): arithmetic that would leave the
calendar stops at its edge instead of raising.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from fractions import Fraction

_MONTH = r"(0[1-9]|1[0-2])"
_FILE_YEAR = r"20[0-9]{2}"
PERIOD = re.compile(rf"^([0-9]{{4}})-{_MONTH}$")
PERIOD_PATTERN = rf"^{_FILE_YEAR}-{_MONTH}$"  # a month as a data file writes it (the schemas')
PERIOD_FILE = re.compile(rf"^{_FILE_YEAR}-{_MONTH}\.yaml$")  # indicators/<project>/<YYYY-MM>.yaml
# A month inside a form's file name as clerks write it: 2026-10, 2026_10, 2026.10, 2026年10, 202610.
PERIOD_IN_NAME = re.compile(rf"(?<!\d)({_FILE_YEAR})[-_.年]?{_MONTH}(?!\d)")
# A quarter as a data file writes it (2026-Q3): an assessment's or a practice's quarter.
QUARTER_PATTERN = rf"^{_FILE_YEAR}-Q[1-4]$"
FIRST_INDEX = 1 * 12  # 0001-01
LAST_INDEX = 9999 * 12 + 11  # 9999-12

# What the plan does not say is a setting (plan.yaml's `reporting`), with these defaults.
DEFAULT_DUE_DAY = 10  # a month's report is due on this day of the following month
# A data folder without a plan.yaml is read on the shipped plan's dates.
DEFAULT_ISSUED_ON = dt.date(2023, 4, 28)
DEFAULT_HORIZON = (dt.date(2023, 1, 1), dt.date(2027, 12, 31))


def is_period(text: str) -> bool:
    return PERIOD.match(text) is not None and text[:4] != "0000"


def period_fault(text: str) -> str | None:
    """Why `text` is not a month written YYYY-MM (None: it is one), blaming what is wrong."""
    if is_period(text):
        return None
    written = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text)
    if written and not 1 <= int(written.group(2)) <= 12:
        return f"{text!r} is written YYYY-MM, but its month {written.group(2)} is not 01–12"
    if written:
        return f"{text!r} is written YYYY-MM, but the year 0000 is not a year"
    return f"{text!r} is not a month written YYYY-MM"


def month_index(period: str) -> int:
    """Months since year 0: 2023-01 is 2023 * 12."""
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def period_of(index: int) -> str:
    """The period of a month index, held inside the calendar (0001-01 … 9999-12)."""
    index = min(max(index, FIRST_INDEX), LAST_INDEX)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period_of_date(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def period_after(day: dt.date) -> str:
    """The month after the one `day` falls in (a plan's first reporting month by default)."""
    return period_of(day.year * 12 + day.month)


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


def last_quarter_due(today: dt.date, due_day: int) -> tuple[int, int]:
    """The last quarter (year, 1–4) whose reports are due by `today`: its third month's report."""
    year, q = today.year, (today.month - 1) // 3 + 1
    while year > 1 and report_due(f"{year:04d}-{3 * q:02d}", due_day) > today:
        year, q = (year - 1, 4) if q == 1 else (year, q - 1)
    return year, q


def last_year_due(today: dt.date, due_day: int) -> int:
    """The last year whose reports are due by `today`: its December report."""
    year = today.year
    while year > 1 and report_due(f"{year:04d}-12", due_day) > today:
        year -= 1
    return year


def month_before(day: dt.date) -> dt.date:
    """The same day a month earlier (the month's last day when it is shorter; 0001-01-01 for January
    of year 1)."""
    if day.year == 1 and day.month == 1:
        return dt.date.min
    year, month = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    return dt.date(year, month, min(day.day, days_in_month(year, month)))


def quarter_periods(quarter: str) -> tuple[str, str]:
    """The first and last month of a quarter written YYYY-Qn (2026-Q3: 2026-07, 2026-09)."""
    year, number = int(quarter[:4]), int(quarter[-1])
    return f"{year:04d}-{number * 3 - 2:02d}", f"{year:04d}-{number * 3:02d}"


def quarter_of_date(day: dt.date) -> str:
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


def quarter_closed_by(period: str) -> str | None:
    """The quarter whose last month is `period` (2026-09: 2026-Q3); None for another month."""
    month = int(period[5:7])
    return f"{period[:4]}-Q{month // 3}" if month % 3 == 0 else None
