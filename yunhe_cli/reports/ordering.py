"""Worst first: the order each report's rows are read in, so that what is urgent leads.

Each rule is one sentence (printed under its table, `outputs/priorities.py`); rows equal under a
rule keep the plan's order (the sorts are stable). `--sort plan` skips them.

- indicators: by status (滞后, 预警, 无数据, 正常, 已完成), then by the gap as a share of the
  target, largest first (a gap is in the target's own unit; its share compares 亿元 with %);
- tasks: by days overdue, most first; then blocked ones; the rest in plan order;
- problems: open ones by days overdue, most first, then by age, oldest first; closed ones last;
- dispatch (what needs a decision first): reports missing, then late (most days first), then on
  time; overdue items by days overdue, most first; indicators that moved, worst new status first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from yunhe_cli.reports.dispatch import Dispatch
from yunhe_cli.reports.indicator_status import IndicatorProgress
from yunhe_cli.reports.rollup import ProblemProgress, TaskProgress

SORTS = ("worst", "plan")
STATUS_ORDER = ("off_track", "at_risk", "no_data", "on_track", "achieved")
REPORT_ORDER = ("missing", "late", "on_time", "not_due")


def gap_share(i: IndicatorProgress) -> Decimal | None:
    """The gap as a share of the target (None without either)."""
    if i.gap is None or not i.target:
        return None
    return i.gap / abs(i.target)


def indicators_worst_first(rows: Sequence[IndicatorProgress]) -> list[IndicatorProgress]:
    def key(i: IndicatorProgress) -> tuple[int, int, Decimal]:
        share = gap_share(i)
        return STATUS_ORDER.index(i.status), share is None, -share if share is not None else Decimal(0)

    return sorted(rows, key=key)


def tasks_worst_first(rows: Sequence[TaskProgress]) -> list[TaskProgress]:
    return sorted(rows, key=lambda x: (-x.days_overdue if x.overdue else 0, x.state != "blocked"))


def problems_worst_first(rows: Sequence[ProblemProgress]) -> list[ProblemProgress]:
    return sorted(
        rows,
        key=lambda q: (q.closed, -q.days_overdue if q.overdue else 0, -q.age_days if not q.closed else 0),
    )


def dispatch_worst_first(d: Dispatch) -> Dispatch:
    """The month's dispatch with what needs a decision first in each of its lists."""
    return replace(
        d,
        reports=tuple(sorted(d.reports, key=lambda r: (REPORT_ORDER.index(r.state), -r.days_late))),
        overdue=tuple(sorted(d.overdue, key=lambda i: -i.days_overdue)),
        changes=tuple(sorted(d.changes, key=lambda c: STATUS_ORDER.index(c.after))),
    )
