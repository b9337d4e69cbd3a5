"""Worst first: each report's order (reports/ordering.py) on hand-made rows, and through the CLI on
examples/sample, with `--sort plan` keeping the plan's order and the rule printed under the table."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.reports.dispatch import Dispatch, OverdueItem, ReportState, StatusChange
from yunhe_cli.reports.indicator_status import IndicatorProgress
from yunhe_cli.reports.ordering import (
    dispatch_worst_first,
    indicators_worst_first,
    problems_worst_first,
    tasks_worst_first,
)
from yunhe_cli.reports.rollup import ProblemProgress, StatusReport, TaskProgress

from .conftest import DATA

SAMPLE = DATA.parent / "examples" / "sample"
AS_OF = "2026-11-15"
DAY = dt.date(2026, 11, 15)
runner = CliRunner()


def indicator(name: str, status: str, target: str | None, gap: str | None) -> IndicatorProgress:
    return IndicatorProgress(
        "p01", name, name, None, "cumulative", "亿元", ">=", None if target is None else Decimal(target),
        DAY, "县发改局", None, None, None, None, None, None if gap is None else Decimal(gap), None, None,
        status,  # type: ignore[arg-type]
    )  # fmt: skip


def test_indicators_by_status_then_gap_as_a_share_of_the_target() -> None:
    rows = [
        indicator("a", "on_track", "100", "10"),  # 10%
        indicator("b", "off_track", "350", "106.5"),  # 30.4%
        indicator("c", "at_risk", "20", "5.54"),  # 27.7%
        indicator("d", "off_track", "200", "91.37"),  # 45.7%: more of its target still to go than b
        indicator("e", "achieved", "5", "0"),
        indicator("f", "no_data", None, None),
        indicator("g", "at_risk", "3", "0.41"),  # 13.7%
        indicator("h", "off_track", None, None),  # no share: after the ones with one
    ]
    assert [i.indicator for i in indicators_worst_first(rows)] == ["d", "b", "h", "c", "g", "f", "a", "e"]


def task(name: str, state: str, days: int) -> TaskProgress:
    return TaskProgress(
        "p01", name, name, None, "县发改局", None, DAY, None, state, None, None, None,  # type: ignore[arg-type]
        days > 0, days, None,
    )  # fmt: skip


def test_tasks_by_days_overdue_then_blocked_then_plan_order() -> None:
    rows = [
        task("a", "in_progress", 0),
        task("b", "blocked", 0),
        task("c", "in_progress", 1295),
        task("d", "done", 0),
        task("e", "in_progress", 1310),
        task("f", "blocked", 0),
    ]
    assert [x.task for x in tasks_worst_first(rows)] == ["e", "c", "b", "f", "a", "d"]


def problem(name: str, closed: bool, age: int, days: int) -> ProblemProgress:
    return ProblemProgress(
        "p01", name, name, "县发改局", None, DAY, DAY, closed, DAY if closed else None, None, (),
        days > 0, age, days,
    )  # fmt: skip


def test_problems_by_days_overdue_then_age_closed_last() -> None:
    rows = [
        problem("a", True, 900, 0),  # closed: last, however old
        problem("b", False, 60, 0),
        problem("c", False, 1081, 1021),
        problem("d", False, 300, 0),  # open, not overdue, older than b
        problem("e", False, 1075, 1015),
        problem("f", False, 1200, 1015),  # as overdue as e, older: first of the two
    ]
    assert [q.id for q in problems_worst_first(rows)] == ["c", "f", "e", "d", "b", "a"]


def test_dispatch_puts_what_needs_a_decision_first() -> None:
    def report(n: int, state: str, late: int) -> ReportState:
        return ReportState(f"p0{n}", n, str(n), "县发改局", "傅雅涛", state, None, late)

    def item(n: int, days: int) -> OverdueItem:
        return OverdueItem("problem", "p01", 1, f"p01-00{n}", "x", "县发改局", "傅雅涛", DAY, days)

    def change(n: int, after: str) -> StatusChange:
        return StatusChange("p01", 1, f"i{n}", "x", None, "on_track", after)

    d = Dispatch(
        "2026-10",
        DAY,
        DAY,
        (report(1, "on_time", 0), report(2, "late", 2), report(3, "missing", 5), report(4, "late", 7)),
        (item(1, 35), item(2, 1015), item(3, 58)),
        (change(1, "achieved"), change(2, "off_track"), change(3, "at_risk")),
        (),
        StatusReport(DAY, ()),
    )
    out = dispatch_worst_first(d)
    assert [r.number for r in out.reports] == [3, 4, 2, 1]
    assert [i.days_overdue for i in out.overdue] == [1015, 58, 35]
    assert [c.after for c in out.changes] == ["off_track", "at_risk", "achieved"]


def run(*args: str) -> str:
    result = runner.invoke(app, [*args, "--data", str(SAMPLE), "--as-of", AS_OF])
    assert result.exit_code == 0, result.stderr or result.stdout
    return result.stdout


def test_tasks_on_the_sample_put_the_longest_overdue_first_and_say_so() -> None:
    tasks = json.loads(run("tasks", "--format", "json"))["tasks"]
    # by hand: 2023-04-15 to 2026-11-15 is 1,096 + 214 = 1,310 days; 2023-04-30 is 15 fewer
    assert [(x["project"], x["id"], x["days_overdue"]) for x in tasks[:2]] == [
        ("p09", "implementation-plan", 1310),
        ("p06", "deployment", 1295),
    ]
    planned = json.loads(run("tasks", "--format", "json", "--sort", "plan"))["tasks"]
    assert [x["project"] for x in planned] == sorted(x["project"] for x in planned)
    assert sorted(map(json.dumps, planned)) == sorted(map(json.dumps, tasks))  # the same rows
    out = run("tasks", "--format", "plain", "--lang", "zh")
    assert out.endswith("\n排序：按逾期天数从多到少，其次受阻任务，其余按方案顺序；--sort plan 按方案顺序\n")
    assert "排序" not in run("tasks", "--format", "plain", "--lang", "zh", "--sort", "plan")


def test_issues_indicators_and_dispatch_on_the_sample_lead_with_the_worst() -> None:
    problems = json.loads(run("issues", "--format", "json"))["problems"]
    # p05-001 was due 2024-01-29: 1,021 days before 2026-11-15, the longest overdue
    assert (problems[0]["id"], problems[0]["days_overdue"]) == ("p05-001", 1021)
    assert all(
        q["status"] == "closed"
        for q in problems[problems.index(next(q for q in problems if q["status"] == "closed")) :]
    )
    statuses = [i["status"] for i in json.loads(run("indicators", "--format", "json"))["indicators"]]
    order = ["off_track", "at_risk", "no_data", "on_track", "achieved"]
    assert statuses == sorted(statuses, key=order.index)
    reports = json.loads(run("dispatch", "--format", "json"))["reports"]
    assert [r["state"] for r in reports[:3]] == ["missing", "missing", "missing"]  # p05, p07, p09
