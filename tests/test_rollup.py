"""The roll-up on hand-computed cases, one for each kind and comparator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from yunhe_cli.checks.validation import validate
from yunhe_cli.reports.rollup import IndicatorProgress, StatusReport, roll_up

from .conftest import CHECKED_ON, RepoMaker

PROJECT = """\
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
        target: {value: 350, by: 2027-12-31}
        reported_as: year_to_date
      - id: share
        name: 民间投资占比
        kind: level
        unit: "%"
        comparator: "~"
        target: {value: 63, by: 2027-12-31}
        reported_as: point
      - id: tight
        name: 偏差1个百分点的占比
        kind: level
        unit: "%"
        comparator: "~"
        tolerance: 1
        target: {value: 63, by: 2027-12-31}
        reported_as: point
      - id: ceiling
        name: 个人负担率
        kind: level
        unit: "%"
        comparator: "<="
        target: {value: 10, by: 2027-12-31}
        reported_as: point
      - id: points
        name: 县城人口占比年均提高
        kind: growth
        unit: 个百分点
        comparator: ">="
        target: {value: 0.8, by: 2027-12-31}
        reported_as: point
        level_unit: "%"
      - id: rate
        name: 投资年均增长
        kind: growth
        unit: "%"
        comparator: ">="
        target: {value: 15, by: 2027-12-31}
        baseline: {value: 100, on: 2022-12-31}
        reported_as: year_to_date
        level_unit: 亿元
      - id: firms
        name: 高新技术企业
        kind: level
        unit: 家
        comparator: ">="
        target: {value: 45, by: 2027-12-31}
        reported_as: point
      - id: income
        name: 农村居民人均可支配收入
        kind: level
        unit: 万元
        comparator: ">="
        target: {value: 4.5, by: 2027-12-31}
        baseline: {value: 3.0, on: 2022-12-31}
        reported_as: year_to_date
      - id: projects
        name: 亿元项目
        kind: annual
        unit: 个
        comparator: "~"
        target: {value: 50, by: 2027-12-31}
        reported_as: point
      - id: hospital
        name: 通过二甲复评
        kind: milestone
        target: {by: 2025-12-31}
    tasks:
      - id: plan
        title: 制定实施方案
        due: 2023-04-15
      - id: build
        title: 建设产业园
        start: 2023-05-01
        due: 2026-12-31
        milestones:
          - {title: 完成立项, due: 2024-06-30}
          - {title: 开工, due: 2025-06-30}
"""


def report(period: str, values: dict[str, str], tasks: str = "", submitted: str | None = None) -> str:
    year, month = int(period[:4]), int(period[5:])
    following = f"{year + (month == 12)}-{month % 12 + 1:02d}-05"
    lines = [
        "project: p01",
        f"period: {period}",
        f"submitted_on: {submitted or following}",
        "values:" if values else "values: []",
    ]
    for key, value in values.items():
        lines += [f"  - indicator: {key}", f"    {value}"]
    return "\n".join(lines) + "\n" + tasks


def roll(
    make_repo: RepoMaker, reports: dict[str, str], as_of: str, extra: dict[str, str] | None = None
) -> StatusReport:
    files: dict[str, str | bytes | None] = {"projects/p01.yaml": PROJECT}
    files.update({f"indicators/p01/{period}.yaml": text for period, text in reports.items()})
    files.update(extra or {})
    root: Path = make_repo(files)
    repo, problems = validate(root, today=CHECKED_ON)
    assert problems == []
    return roll_up(repo, dt.date.fromisoformat(as_of))


def indicator(report_: StatusReport, key: str) -> IndicatorProgress:
    return next(i for i in report_.indicators() if i.indicator == key)


def test_cumulative_year_to_date_across_a_year_boundary(make_repo: RepoMaker) -> None:
    r = roll(
        make_repo,
        {
            "2023-11": report("2023-11", {"inv": "value: 60"}),
            "2023-12": report("2023-12", {"inv": "value: 70"}),
            "2024-01": report("2024-01", {"inv": "value: 5"}),
            "2024-02": report("2024-02", {"inv": "value: 12"}),
        },
        "2024-03-20",
    )
    inv = indicator(r, "inv")
    assert inv.latest_period == "2024-02"
    assert inv.latest_value == 12
    assert inv.actual == 82  # December 2023 (70) + Jan–Feb 2024 (12)
    # 14 of 60 months gone: 350 × 14 / 60 = 81.666…, settled to ten places
    assert inv.expected == D("81.6666666667")
    assert inv.completion == D("0.2342857143")  # 82 / 350 = 0.23428571428…
    assert inv.gap == 268
    assert inv.pace_needed == D("5.8260869565")  # 268 / 46 months (March 2024 to December 2027)
    assert inv.projection == D("351.4285714286")  # 82 + 82 × 46 / 14 = 351.428571428…
    assert inv.status == "on_track"  # 82 / 81.67 of the expected path
    assert inv.notes == ()


def test_a_missing_december_uses_the_last_month_and_says_so(make_repo: RepoMaker) -> None:
    r = roll(
        make_repo,
        {
            "2023-11": report("2023-11", {"inv": "value: 60"}),
            "2024-02": report("2024-02", {"inv": "value: 12"}),
        },
        "2024-03-20",
    )
    inv = indicator(r, "inv")
    assert inv.actual == 72
    assert [(n.key, dict(n.params)) for n in inv.notes] == [
        ("december_missing", {"year": "2023", "used": "2023-11"})
    ]
    assert inv.status == "at_risk"  # 72 / 81.67 = 0.88: between 0.85 and 0.95


@pytest.mark.parametrize(
    ("value", "status"),
    [(63, "on_track"), (65.5, "on_track"), (66.5, "at_risk"), (70, "off_track"), (58, "at_risk")],
)
def test_approx_target_default_tolerance(make_repo: RepoMaker, value: float, status: str) -> None:
    # No tolerance of its own: 5% of 63 = 3.15 (thresholds.approx_tolerance); at risk up to twice that.
    r = roll(make_repo, {"2024-05": report("2024-05", {"share": f"value: {value}"})}, "2024-06-20")
    assert indicator(r, "share").status == status


@pytest.mark.parametrize(("value", "status"), [(63.9, "on_track"), (61.5, "at_risk"), (65.5, "off_track")])
def test_approx_target_own_tolerance(make_repo: RepoMaker, value: float, status: str) -> None:
    r = roll(make_repo, {"2024-05": report("2024-05", {"tight": f"value: {value}"})}, "2024-06-20")
    assert indicator(r, "tight").status == status


def test_approx_target_is_achieved_only_after_its_date(make_repo: RepoMaker) -> None:
    r = roll(make_repo, {"2027-12": report("2027-12", {"share": "value: 63.5"})}, "2028-01-10")
    assert indicator(r, "share").status == "achieved"


@pytest.mark.parametrize(
    ("value", "as_of", "status"),
    [
        (9, "2024-06-20", "on_track"),
        (10, "2024-06-20", "on_track"),
        (10.5, "2024-06-20", "at_risk"),
        (12, "2024-06-20", "off_track"),
    ],
)
def test_ceiling(make_repo: RepoMaker, value: float, as_of: str, status: str) -> None:
    r = roll(make_repo, {"2024-05": report("2024-05", {"ceiling": f"value: {value}"})}, as_of)
    ceiling = indicator(r, "ceiling")
    assert ceiling.status == status
    # A ceiling's gap is how far the figure must come down; under it nothing is still to go.
    assert ceiling.gap == (0 if value <= 10 else D(str(value)) - 10)
    assert ceiling.completion is None  # being under a ceiling is not a share "done"


def test_growth_in_points_from_levels_without_baseline(make_repo: RepoMaker) -> None:
    r = roll(
        make_repo,
        {
            "2023-06": report("2023-06", {"points": "level: 52.0"}),
            "2024-06": report("2024-06", {"points": "level: 52.9"}),
            "2025-06": report("2025-06", {"points": "level: 53.7"}),
        },
        "2025-07-20",
    )
    points = indicator(r, "points")
    assert points.actual == D("0.85")  # (53.7 − 52.0) / 2 years
    assert points.latest_value == D("53.7")
    assert points.status == "on_track"
    assert [n.key for n in points.notes] == ["base_from_first"]


def test_growth_from_levels_needs_a_year(make_repo: RepoMaker) -> None:
    r = roll(
        make_repo,
        {
            "2023-06": report("2023-06", {"points": "level: 52.0"}),
            "2023-12": report("2023-12", {"points": "level: 52.5"}),
        },
        "2024-01-20",
    )
    points = indicator(r, "points")
    assert (points.actual, points.status) == (None, "no_data")
    assert [n.key for n in points.notes] == ["no_baseline_growth"]


def test_compound_growth_from_levels_and_a_baseline(make_repo: RepoMaker) -> None:
    r = roll(make_repo, {"2024-12": report("2024-12", {"rate": "level: 132.25"})}, "2025-01-20")
    rate = indicator(r, "rate")
    assert rate.actual == 15  # 100 → 132.25 in two years: √1.3225 = 1.15, 15% a year
    assert rate.status == "on_track"  # held, but the target date is still ahead


def test_growth_reported_directly(make_repo: RepoMaker) -> None:
    r = roll(make_repo, {"2024-06": report("2024-06", {"rate": "value: 13.5"})}, "2024-07-20")
    rate = indicator(r, "rate")
    assert (rate.actual, rate.status) == (D("13.5"), "at_risk")  # 13.5 / 15 = 0.90


def test_level_without_baseline_says_what_it_cannot_compute(make_repo: RepoMaker) -> None:
    one = roll(make_repo, {"2024-06": report("2024-06", {"firms": "value: 30"})}, "2024-07-20")
    firms = indicator(one, "firms")
    assert (firms.expected, firms.projection, firms.status) == (None, None, "no_data")
    assert [n.key for n in firms.notes] == ["no_baseline"]
    two = roll(
        make_repo,
        {
            "2024-06": report("2024-06", {"firms": "value: 30"}),
            "2025-06": report("2025-06", {"firms": "value: 36"}),
        },
        "2025-07-20",
    )
    firms = indicator(two, "firms")
    assert firms.projection == 51  # 36 + 6 a year for the 30 months left (6 / 12 × 30 = 15)
    assert firms.status == "on_track"  # 51 projected against 45
    assert [n.key for n in firms.notes] == ["judged_by_projection"]


def test_level_reached_early_is_achieved(make_repo: RepoMaker) -> None:
    r = roll(make_repo, {"2025-06": report("2025-06", {"firms": "value: 46"})}, "2025-07-20")
    assert indicator(r, "firms").status == "achieved"


def test_year_to_date_level_is_annualised_against_a_straight_path(make_repo: RepoMaker) -> None:
    r = roll(make_repo, {"2025-06": report("2025-06", {"income": "value: 1.9"})}, "2025-07-20")
    income = indicator(r, "income")
    assert income.actual == D("3.8")  # 1.9 for six months, ×12/6
    assert income.expected == D("3.75")  # 3.0 + 1.5 × 30 / 60: 30 of 60 months from the baseline
    assert income.status == "on_track"  # (3.8 − 3.0) / (3.75 − 3.0) > 1
    assert [n.key for n in income.notes] == ["annualised"]


def test_annual_target_holds_each_year(make_repo: RepoMaker) -> None:
    r = roll(make_repo, {"2024-06": report("2024-06", {"projects": "value: 48"})}, "2024-07-20")
    assert indicator(r, "projects").status == "on_track"  # within 5% of 50


def test_milestone(make_repo: RepoMaker) -> None:
    done = roll(
        make_repo,
        {"2025-03": report("2025-03", {"hospital": "achieved: true\n    achieved_on: 2025-03-18"})},
        "2025-04-20",
    )
    hospital = indicator(done, "hospital")
    assert (hospital.status, hospital.achieved_on) == ("achieved", dt.date(2025, 3, 18))
    late = roll(make_repo, {"2025-03": report("2025-03", {"hospital": "achieved: false"})}, "2026-01-20")
    assert indicator(late, "hospital").status == "off_track"
    pending = roll(make_repo, {"2025-03": report("2025-03", {"hospital": "achieved: false"})}, "2025-04-20")
    assert indicator(pending, "hospital").status == "on_track"


def test_nothing_reported(make_repo: RepoMaker) -> None:
    r = roll(make_repo, {}, "2024-01-01")
    inv = indicator(r, "inv")
    assert (inv.status, inv.actual) == ("no_data", None)
    # expected to date still shown: 350 × (12 + 1/31) / 60 = 70.188172043…
    assert inv.expected == D("70.1881720430")
    assert [n.key for n in inv.notes] == ["no_reports"]


def test_a_report_counts_from_the_day_it_was_submitted(make_repo: RepoMaker) -> None:
    reports = {"2024-05": report("2024-05", {"firms": "value: 46"}, submitted="2024-06-12")}
    assert indicator(roll(make_repo, reports, "2024-06-11"), "firms").status == "no_data"
    assert indicator(roll(make_repo, reports, "2024-06-12"), "firms").status == "achieved"


TASKS = """\
tasks:
  - task: plan
    status: done
    done_on: 2023-04-20
  - task: build
    status: in_progress
    percent: 40
"""


def test_tasks(make_repo: RepoMaker) -> None:
    r = roll(make_repo, {"2024-06": report("2024-06", {}, TASKS)}, "2024-07-20")
    plan, build = r.tasks()
    assert (plan.state, plan.overdue, plan.done_on) == ("done", False, dt.date(2023, 4, 20))
    # the first milestone (2024-06-30) has passed and the task is not done
    assert (build.state, build.percent, build.overdue, build.days_overdue) == ("in_progress", 40, True, 20)
    assert build.next_deadline == dt.date(2025, 6, 30)
    before = roll(make_repo, {}, "2023-04-10")
    assert [(x.state, x.overdue) for x in before.tasks()] == [
        ("not_reported", False),
        ("not_reported", False),
    ]


PROBLEMS = """\
project: p01
problems:
  - id: p01-001
    title: 用地指标不足
    owner: 县人社保局
    raised_on: 2024-03-01
    due: 2024-06-30
  - id: p01-002
    title: 资金拨付滞后
    owner: 县发改局
    raised_on: 2024-05-01
    due: 2024-12-31
  - id: p01-003
    title: 审批未完成
    owner: 县发改局
    raised_on: 2024-01-10
    due: 2024-03-31
    status: closed
    closed_on: 2024-08-01
    resolution: 已办结
    evidence: [批复文件]
  - id: p01-004
    title: 以后才提出
    owner: 县发改局
    raised_on: 2024-09-01
    due: 2024-12-31
"""


def test_problems(make_repo: RepoMaker) -> None:
    r = roll(make_repo, {}, "2024-07-20", {"issues/p01.yaml": PROBLEMS})
    rows = {q.id: q for q in r.problems()}
    assert set(rows) == {"p01-001", "p01-002", "p01-003"}  # p01-004 was not raised yet
    assert (rows["p01-001"].overdue, rows["p01-001"].days_overdue, rows["p01-001"].age_days) == (
        True,
        20,
        141,
    )
    assert rows["p01-001"].owner == "县人力社保局"  # the alias resolved to the registry's name
    assert (rows["p01-002"].overdue, rows["p01-002"].closed) == (False, False)
    # closed on 2024-08-01: still open (and overdue) as of 2024-07-20
    assert (rows["p01-003"].closed, rows["p01-003"].overdue) == (False, True)
    later = {q.id: q for q in roll(make_repo, {}, "2024-08-02", {"issues/p01.yaml": PROBLEMS}).problems()}
    assert (later["p01-003"].closed, later["p01-003"].age_days, later["p01-003"].resolution) == (
        True,
        204,
        "已办结",
    )


def test_reporting_missing_and_late(make_repo: RepoMaker) -> None:
    reports = {
        "2023-05": report("2023-05", {}),
        "2023-06": report("2023-06", {}, submitted="2023-07-15"),  # due on 10 July: late
        "2023-08": report("2023-08", {}),
    }
    r = roll(make_repo, reports, "2023-10-11")
    state = r.projects[0].reporting
    # September is due on 10 October, so it is missing on the 11th; July never came.
    assert (state.last_period, state.missing, state.late) == ("2023-08", ("2023-07", "2023-09"), ("2023-06",))


def test_an_annualised_part_year_does_not_achieve(make_repo: RepoMaker) -> None:
    # 2.4 for six months annualises to 4.8 >= 4.5: on track, but not achieved before the year is out
    half = roll(make_repo, {"2025-06": report("2025-06", {"income": "value: 2.4"})}, "2025-07-20")
    assert indicator(half, "income").status == "on_track"
    full = roll(make_repo, {"2025-12": report("2025-12", {"income": "value: 4.6"})}, "2026-01-20")
    assert indicator(full, "income").status == "achieved"
