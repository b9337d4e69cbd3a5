"""Figures and reports, second pass (issue #20): every figure worked out by hand beside it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from fractions import Fraction

import pytest

from yunhe_cli.checks.validation import validate
from yunhe_cli.core import model as m
from yunhe_cli.core.kinds import kind_of
from yunhe_cli.core.readings import Context
from yunhe_cli.reports.rollup import IndicatorProgress, roll_up

from .conftest import CHECKED_ON, RepoMaker

# --------------------------------------------------------------------------- 1. annual targets


def cumulative_project(basis: str, baseline: str) -> str:
    return f"""\
    id: p01
    number: 1
    name: 测试工程
    convener: 张三
    lead_unit: 县发改局
    goal: 合成测试
    indicators:
      - id: inv
        name: 有效投资
        kind: cumulative
        unit: 亿元
        comparator: ">="
        target: {{value: 350, by: 2027-12-31}}
        annual_targets:
          - {{year: 2025, value: 80}}
          - {{year: 2026, value: 90}}
        reported_as: {basis}
        {baseline}
    """


def monthly(period: str, value: str) -> str:
    year, month = int(period[:4]), int(period[5:])
    following = f"{year + (month == 12)}-{month % 12 + 1:02d}-05"
    return (
        f"project: p01\nperiod: {period}\nsubmitted_on: {following}\n"
        f"values:\n  - indicator: inv\n    value: {value}\n"
    )


def inv_on(make_repo: RepoMaker, project: str, reports: dict[str, str], as_of: str) -> IndicatorProgress:
    files: dict[str, str | bytes | None] = {"projects/p01.yaml": project}
    files.update({f"indicators/p01/{p}.yaml": monthly(p, v) for p, v in reports.items()})
    repo, problems = validate(make_repo(files), today=CHECKED_ON)
    assert [p for p in problems if p.severity == "error"] == []
    status = roll_up(repo, dt.date.fromisoformat(as_of))
    return next(i for i in status.indicators() if i.indicator == "inv")


# 1–N月累计: each December is the year's flow; 2026-06 is the first half of 2026.
YEAR_TO_DATE = {"2023-12": "60", "2024-12": "70", "2025-12": "80", "2026-06": "45"}
# 自规划期初累计: the running total 60 + 70 + 80 + 45 = 255 at the end of June 2026.
PLAN_TO_DATE = {"2026-06": "255"}
BASES = [("year_to_date", YEAR_TO_DATE), ("plan_to_date", PLAN_TO_DATE)]


@pytest.mark.parametrize(("basis", "reports"), BASES)
def test_annual_targets_shape_the_path_after_a_baseline(
    make_repo: RepoMaker, basis: str, reports: dict[str, str]
) -> None:
    # Baseline 130 on 2024-12-31; 2025 adds 80, 2026 adds 90, and 2027 (no target of its own)
    # takes the rest: 350 − 130 − 80 − 90 = 50. At the end of June 2026: 130 + 80 + 90 × 6/12 = 255
    # (the straight line from the baseline would say 130 + 220 × 18/36 = 240).
    baseline = "baseline: {value: 130, on: 2024-12-31}"
    inv = inv_on(make_repo, cumulative_project(basis, baseline), reports, "2026-07-20")
    assert (inv.expected, inv.actual, inv.path_rule) == (D("255"), D("255"), "shared_remainder")
    assert (inv.score, inv.status) == (D("1"), "on_track")


@pytest.mark.parametrize(("basis", "reports"), BASES)
def test_annual_targets_shape_the_path_without_a_baseline(
    make_repo: RepoMaker, basis: str, reports: dict[str, str]
) -> None:
    # From 0 on 2023-01-01: 2023, 2024 and 2027 share 350 − 80 − 90 = 180, 60 each. End of June
    # 2026: 60 + 60 + 80 + 90 × 6/12 = 245; actual 255 ≥ 245, on track.
    inv = inv_on(make_repo, cumulative_project(basis, ""), reports, "2026-07-20")
    assert (inv.expected, inv.actual, inv.path_rule) == (D("245"), D("255"), "shared_remainder")
    assert inv.status == "on_track"


def test_a_baseline_inside_a_year_spreads_that_years_target_over_the_months_left() -> None:
    ind = m.Indicator.model_validate(
        {
            "id": "inv",
            "name": "有效投资",
            "kind": "cumulative",
            "unit": "亿元",
            "comparator": ">=",
            "target": {"value": 350, "by": dt.date(2027, 12, 31)},
            "annual_targets": [{"year": 2024, "value": 65}, {"year": 2025, "value": 80}],
            "baseline": {"value": 100, "on": dt.date(2024, 6, 30)},
            "reported_as": "plan_to_date",
        }
    )
    ctx = Context(dt.date(2023, 1, 1), dt.date(2027, 12, 31), m.Thresholds())
    kind = kind_of(ind)
    # 2024's 65 over July–December: end of September is 3/6 of it, 100 + 32.5 = 132.5
    assert kind.expected(ind, Fraction(2024 * 12 + 9), ctx).value == D("132.5")
    # 2026 and 2027 share 350 − 100 − 65 − 80 = 105: 52.5 each. End of 2026: 100 + 65 + 80 + 52.5
    assert kind.expected(ind, Fraction(2027 * 12), ctx).value == D("297.5")
    # Before the baseline the path stands at the baseline; at the target date it reaches 350.
    assert kind.expected(ind, Fraction(2024 * 12), ctx).value == D("100")
    assert kind.expected(ind, Fraction(2028 * 12), ctx).value == D("350")
