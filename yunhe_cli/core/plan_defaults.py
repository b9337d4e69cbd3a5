"""What the plan leaves to `plan.yaml` (DESIGN.md: a setting, not data), read with its default.

One place answers for every report: the due day of a month's report, the first month reported
and the plan's horizon, from the plan's model when the folder has one, else the defaults in
`periods.py`.
"""

from __future__ import annotations

import datetime as dt

from yunhe_cli.core import model as m
from yunhe_cli.core.periods import DEFAULT_DUE_DAY, DEFAULT_HORIZON, DEFAULT_ISSUED_ON, period_after


def due_day(plan: m.Plan | None) -> int:
    """The day of the following month by which a month's report is due."""
    return plan.reporting.monthly_due_day if plan is not None else DEFAULT_DUE_DAY


def first_period(plan: m.Plan | None) -> str:
    """The first month reported: the plan's setting, else the month after the plan was issued."""
    if plan is not None and plan.reporting.first_period:
        return plan.reporting.first_period
    return period_after(plan.issued_on if plan is not None else DEFAULT_ISSUED_ON)


def horizon(plan: m.Plan | None) -> tuple[dt.date, dt.date]:
    """The plan period's first and last day."""
    return (plan.horizon.start, plan.horizon.end) if plan is not None else DEFAULT_HORIZON


def thresholds(plan: m.Plan | None) -> m.Thresholds:
    return plan.thresholds if plan is not None else m.Thresholds()
