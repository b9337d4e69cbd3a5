"""The plan's working mechanism, what its meetings share: the months and years the plan covers, a
problem raised or closed, and an indicator's history. The meetings themselves: 月调度 in
`reports.dispatch`, 季分析 in `reports.quarterly`, 年总结 in `reports.annual`.

Pure functions over the repository and dates, built on `rollup.roll_up`: each returns a
plain value that `views` turns into tables and JSON. A quarter or a year is read as of the
day its last month's reports fall due, unless the caller gives another date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from yunhe_cli.core import model as m
from yunhe_cli.core import plan_defaults as defaults
from yunhe_cli.core.kinds import kind_of
from yunhe_cli.core.periods import period_of_date, period_position
from yunhe_cli.core.repository import Repository
from yunhe_cli.reports.rollup import context, readings, visible_reports


def due_day(repo: Repository) -> int:
    return defaults.due_day(repo.plan.model if repo.plan else None)


class OutsidePlan(ValueError):
    """A period, quarter or year that the plan does not cover (a usage error)."""


def plan_months(repo: Repository) -> tuple[str, str]:
    """The first and the last month reported under the plan."""
    plan = repo.plan.model if repo.plan else None
    ctx = context(repo)
    return defaults.first_period(plan), period_of_date(ctx.end)


def check_period(repo: Repository, period: str) -> None:
    first, last = plan_months(repo)
    if not first <= period <= last:
        raise OutsidePlan(f"{period} is outside the plan's reporting months ({first} to {last})")


def check_year(repo: Repository, year: int) -> None:
    ctx = context(repo)
    if not ctx.start.year <= year <= ctx.end.year:
        raise OutsidePlan(f"{year} is outside the plan's years ({ctx.start.year} to {ctx.end.year})")


@dataclass(frozen=True, slots=True)
class ProblemEvent:
    project: str
    number: int
    id: str
    title: str
    owner: str
    event: str  # raised or closed
    on: dt.date


# --------------------------------------------------------------------------- history


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    period: str
    published: Decimal | None  # as reported (value, or level for growth)
    actual: Decimal | None  # comparable with the target
    expected: Decimal | None
    achieved: bool | None


def history(
    repo: Repository, project: m.Project, ind: m.Indicator, as_of: dt.date
) -> tuple[HistoryPoint, ...]:
    ctx = context(repo)
    kind = kind_of(ind)
    series = readings(visible_reports(repo, project.id, as_of), ind.id)
    points = []
    for i, r in enumerate(series):
        if not r.numeric and r.achieved is None:
            continue
        actual = None if kind.qualitative else kind.comparable(ind, series, i, ctx)[0]
        points.append(
            HistoryPoint(
                r.period,
                r.published,
                actual,
                kind.expected(ind, period_position(r.period), ctx).value,
                r.achieved,
            )
        )
    return tuple(points)
