"""Figures you can trust: each case worked out by hand, with the arithmetic in the test.

Every number here is computed in the comment beside it, never copied from yunhe's output.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.checks.validation import validate
from yunhe_cli.cli.app import app
from yunhe_cli.core.repository import Repository
from yunhe_cli.reports.annual import annual
from yunhe_cli.reports.dispatch import dispatch
from yunhe_cli.reports.quarterly import quarter
from yunhe_cli.reports.rollup import IndicatorProgress, StatusReport, roll_up

from .conftest import CHECKED_ON, RepoMaker

runner = CliRunner()

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
      - id: inv-annual
        name: 有效投资（有年度目标）
        kind: cumulative
        unit: 亿元
        comparator: ">="
        target: {value: 350, by: 2027-12-31}
        annual_targets:
          - {year: 2023, value: 60}
          - {year: 2024, value: 65}
        reported_as: year_to_date
      - id: growth
        name: 投资增长（1–N月累计水平）
        kind: growth
        unit: "%"
        comparator: ">="
        target: {value: 15, by: 2027-12-31}
        reported_as: year_to_date
        level_unit: 亿元
      - id: share
        name: 民间投资占比
        kind: level
        unit: "%"
        comparator: "~"
        target: {value: 63, by: 2027-12-31}
        reported_as: point
      - id: projects
        name: 亿元项目
        kind: annual
        unit: 个
        comparator: "~"
        prefer: higher
        target: {value: 50, by: 2027-12-31}
        reported_as: point
      - id: burden
        name: 个人负担率（有基数）
        kind: level
        unit: "%"
        comparator: "<="
        target: {value: 10, by: 2027-12-31}
        baseline: {value: 15, on: 2022-12-31}
        reported_as: point
      - id: burden-bare
        name: 个人负担率（无基数）
        kind: level
        unit: "%"
        comparator: "<="
        target: {value: 10, by: 2027-12-31}
        reported_as: point
      - id: firms
        name: 企业数
        kind: level
        unit: 家
        comparator: ">="
        target: {value: 45, by: 2027-12-31}
        reported_as: point
      - id: hospital
        name: 通过二甲复评
        kind: milestone
        target: {by: 2026-12-31}
    tasks:
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
    lines = ["project: p01", f"period: {period}", f"submitted_on: {submitted or following}"]
    lines.append("values:" if values else "values: []")
    for key, value in values.items():
        lines += [f"  - indicator: {key}", f"    {value}"]
    return "\n".join(lines) + "\n" + tasks


def load(make_repo: RepoMaker, reports: dict[str, str], extra: dict[str, str] | None = None) -> Repository:
    files: dict[str, str | bytes | None] = {"projects/p01.yaml": PROJECT}
    files.update({f"indicators/p01/{period}.yaml": text for period, text in reports.items()})
    files.update(extra or {})
    repo, problems = validate(make_repo(files), today=CHECKED_ON)
    assert [p for p in problems if p.severity == "error"] == []
    return repo


def progress(report_: StatusReport, key: str) -> IndicatorProgress:
    return next(i for i in report_.indicators() if i.indicator == key)


def at(make_repo: RepoMaker, reports: dict[str, str], as_of: str, key: str) -> IndicatorProgress:
    return progress(roll_up(load(make_repo, reports), dt.date.fromisoformat(as_of)), key)


# --------------------------------------------------------------------------- exact at the boundary


def test_five_decembers_that_add_up_to_exactly_350_achieve_350(make_repo: RepoMaker) -> None:
    # 61.5 + 78.8 + 67.6 + 63.2 + 78.9 = 350.0 exactly (in binary floats: 349.99999999999994)
    figures = {"2023": "61.5", "2024": "78.8", "2025": "67.6", "2026": "63.2", "2027": "78.9"}
    reports = {f"{y}-12": report(f"{y}-12", {"inv": f"value: {v}"}) for y, v in figures.items()}
    inv = at(make_repo, reports, "2028-01-10", "inv")
    assert inv.actual == 350
    assert (inv.completion, inv.gap, inv.status) == (1, 0, "achieved")


def test_growth_of_exactly_15_percent_meets_15_in_the_annual_summary(make_repo: RepoMaker) -> None:
    # 1–12月累计 level 100 in 2024, 115 in 2025: 115 / 100 − 1 = 0.15 → 15% (binary: 14.999…%)
    repo = load(
        make_repo,
        {
            "2024-12": report("2024-12", {"growth": "level: 100"}),
            "2025-12": report("2025-12", {"growth": "level: 115"}),
        },
    )
    line = next(x for x in annual(repo, 2025).lines if x.indicator == "growth")
    assert (line.year_actual, line.year_target, line.met) == (15, 15, True)


@pytest.mark.parametrize(
    ("value", "status"), [("66.15", "on_track"), ("59.85", "on_track"), ("66.16", "at_risk")]
)
def test_about_63_with_5_percent_accepts_both_edges(make_repo: RepoMaker, value: str, status: str) -> None:
    # 5% of 63 = 3.15: 63 + 3.15 = 66.15 and 63 − 3.15 = 59.85 are both inside; 66.16 is 0.01 over
    share = at(make_repo, {"2024-05": report("2024-05", {"share": f"value: {value}"})}, "2024-06-20", "share")
    assert share.status == status


# --------------------------------------------------------------------------- growth from 1–N月累计 levels


def test_growth_from_a_january_level_compares_january_with_january(make_repo: RepoMaker) -> None:
    # January's 1–1月累计 levels: 20 in 2024 and 23 in 2025 → 23 / 20 − 1 = 15%, not 23 against a
    # whole year's 240 (which would read as −90%)
    reports = {
        "2024-01": report("2024-01", {"growth": "level: 20"}),
        "2024-12": report("2024-12", {"growth": "level: 240"}),
        "2025-01": report("2025-01", {"growth": "level: 23"}),
    }
    growth = at(make_repo, reports, "2025-02-20", "growth")
    assert (growth.actual, growth.status) == (15, "on_track")


def test_growth_without_the_same_months_a_year_earlier_says_so(make_repo: RepoMaker) -> None:
    reports = {
        "2024-12": report("2024-12", {"growth": "level: 240"}),
        "2025-01": report("2025-01", {"growth": "level: 23"}),
    }
    growth = at(make_repo, reports, "2025-02-20", "growth")
    assert (growth.actual, growth.status) == (None, "no_data")
    assert [(n.key, dict(n.params)) for n in growth.notes] == [("no_same_period", {"period": "2024-01"})]


def test_a_published_rate_is_used_as_published(make_repo: RepoMaker) -> None:
    growth = at(make_repo, {"2025-03": report("2025-03", {"growth": "value: 13.8"})}, "2025-04-20", "growth")
    # 13.8 / 15 = 0.92: between the at-risk (0.85) and on-track (0.95) thresholds
    assert (growth.actual, growth.score, growth.status) == (D("13.8"), D("0.92"), "at_risk")


# --------------------------------------------------------------------------- annual targets


def test_years_without_an_annual_target_share_the_rest_evenly(make_repo: RepoMaker) -> None:
    # Annual targets 60 (2023) and 65 (2024); 2025–2027 share 350 − 125 = 225: 75 a year.
    # At the end of June 2025: 60 + 65 + 75 × 6/12 = 162.5
    reports = {
        "2023-12": report("2023-12", {"inv-annual": "value: 60"}),
        "2024-12": report("2024-12", {"inv-annual": "value: 65"}),
        "2025-06": report("2025-06", {"inv-annual": "value: 37.5"}),
    }
    inv = at(make_repo, reports, "2025-07-20", "inv-annual")
    assert inv.expected == D("162.5")
    assert inv.actual == D("162.5")  # 60 + 65 + 37.5
    assert (inv.path_rule, inv.status) == ("shared_remainder", "on_track")
    assert "path_shared" in [n.key for n in inv.notes]
    # In January 2025 the year still has its share of the rest: 60 + 65 + 75 × 1/12 = 131.25
    # expected, against 60 + 65 + 3 = 128: 128 / 131.25 = 0.97523… ≥ 0.95, on track — no flip
    # to a straight line because 2025 has no annual target of its own.
    january = {**reports, "2025-01": report("2025-01", {"inv-annual": "value: 3"})}
    del january["2025-06"]
    later = at(make_repo, january, "2025-02-20", "inv-annual")
    assert (later.expected, later.actual) == (D("131.25"), 128)
    assert (later.score, later.status) == (D("0.9752380952"), "on_track")


def test_a_straight_path_without_annual_targets(make_repo: RepoMaker) -> None:
    # No annual targets: 350 over the 60 months from January 2023; end of June 2025 is month 30
    inv = at(make_repo, {"2025-06": report("2025-06", {"inv": "value: 30"})}, "2025-07-20", "inv")
    assert (inv.expected, inv.path_rule) == (175, "straight")


# --------------------------------------------------------------------------- a missing December


def test_the_annual_summary_waits_for_december(make_repo: RepoMaker) -> None:
    repo = load(make_repo, {"2025-11": report("2025-11", {"inv": "value: 60"})})
    line = next(x for x in annual(repo, 2025).lines if x.indicator == "inv")
    # 60 by November against 70 for the year (350 / 5): not "not met" — unknown, and it says November
    assert (line.year_actual, line.year_target, line.actual_period) == (60, 70, "2025-11")
    assert (line.met, line.complete) == (None, False)
    assert [(n.key, dict(n.params)) for n in line.notes] == [("year_incomplete", {"period": "2025-11"})]


# --------------------------------------------------------------------------- ceilings


def test_a_ceiling_with_a_baseline_is_judged_against_its_path_down(make_repo: RepoMaker) -> None:
    # From 15 (end of 2022) down to 10 (end of 2027): at the end of 2024, 24 of 60 months gone,
    # the path stands at 15 − 5 × 24/60 = 13.
    on_path = at(make_repo, {"2024-12": report("2024-12", {"burden": "value: 12.5"})}, "2025-01-20", "burden")
    assert (on_path.expected, on_path.status, on_path.completion) == (13, "on_track", None)
    assert on_path.gap == D("2.5")  # 12.5 still has 2.5 to come down to 10
    # 13.5 is above the path: progress (15 − 13.5) / (15 − 13) = 0.75, below the at-risk 0.85
    behind = at(make_repo, {"2024-12": report("2024-12", {"burden": "value: 13.5"})}, "2025-01-20", "burden")
    assert (behind.score, behind.status) == (D("0.75"), "off_track")
    # ... and the annual summary applies the same path: 2024's target is 13
    repo = load(make_repo, {"2024-12": report("2024-12", {"burden": "value: 12.5"})})
    line = next(x for x in annual(repo, 2024).lines if x.indicator == "burden")
    assert (line.year_target, line.met) == (13, True)


def test_a_ceiling_without_a_baseline_is_judged_by_how_far_it_stands_above(make_repo: RepoMaker) -> None:
    # 10.89 over a ceiling of 10: 0.89 over, 10 / 10.89 = 0.9182736455 ≥ 0.85: at risk, never on track
    over = at(
        make_repo,
        {"2024-12": report("2024-12", {"burden-bare": "value: 10.89"})},
        "2025-01-20",
        "burden-bare",
    )
    assert (over.status, over.completion, over.gap) == ("at_risk", None, D("0.89"))
    assert over.score == D("0.9182736455")
    assert ("over_ceiling", {"by": "0.89"}) in [(n.key, dict(n.params)) for n in over.notes]
    repo = load(make_repo, {"2024-12": report("2024-12", {"burden-bare": "value: 10.89"})})
    line = next(x for x in annual(repo, 2024).lines if x.indicator == "burden-bare")
    assert (line.year_target, line.met) == (10, False)  # the same rule: over the ceiling is not met


# --------------------------------------------------------------------------- about (左右)


def test_about_says_which_side_and_honours_the_harmless_side(make_repo: RepoMaker) -> None:
    # share: 63左右 with 3.15 either side; 70 is 7 over: beyond 2 × 3.15 = 6.3 → off track, too high
    high = at(make_repo, {"2024-05": report("2024-05", {"share": "value: 70"})}, "2024-06-20", "share")
    assert (high.status, high.side) == ("off_track", "high")
    low = at(make_repo, {"2024-05": report("2024-05", {"share": "value: 58"})}, "2024-06-20", "share")
    assert (low.status, low.side) == ("at_risk", "low")  # 5 under: within 6.3
    # projects: 50左右, more is harmless (prefer: higher): 58 is 8 over 50 + 2.5 but still on track
    more = at(make_repo, {"2024-05": report("2024-05", {"projects": "value: 58"})}, "2024-06-20", "projects")
    assert (more.status, more.side, more.score) == ("on_track", "high", 1)
    fewer = at(make_repo, {"2024-05": report("2024-05", {"projects": "value: 42"})}, "2024-06-20", "projects")
    # 8 under: beyond 2 × 2.5 = 5 → off track, too low
    assert (fewer.status, fewer.side) == ("off_track", "low")


def test_the_side_is_shown_instead_of_lagging(make_repo: RepoMaker) -> None:
    root = make_repo(
        {
            "projects/p01.yaml": PROJECT,
            "indicators/p01/2024-05.yaml": report("2024-05", {"share": "value: 70"}),
        }
    )
    zh = runner.invoke(
        app, ["indicators", "--data", str(root), "--as-of", "2024-06-20", "--format", "plain", "--lang", "zh"]
    )
    row = next(line for line in zh.stdout.splitlines() if "民间投资占比" in line)
    assert "偏高" in row and "滞后" not in row
    en = runner.invoke(
        app, ["indicators", "--data", str(root), "--as-of", "2024-06-20", "--format", "plain", "--lang", "en"]
    )
    assert "too high" in next(line for line in en.stdout.splitlines() if "民间投资占比" in line)


# --------------------------------------------------------------------------- milestones reached


MILESTONE_REACHED = """\
tasks:
  - task: build
    status: in_progress
    percent: 40
    milestones:
      - milestone: 完成立项
        reached_on: 2024-06-20
"""


def test_a_milestone_reached_on_time_is_not_overdue(make_repo: RepoMaker) -> None:
    reports = {"2024-06": report("2024-06", {}, MILESTONE_REACHED)}
    build = roll_up(load(make_repo, reports), dt.date(2024, 7, 20)).tasks()[0]
    # 完成立项 (due 2024-06-30) was reached on 2024-06-20; 开工 is due 2025-06-30
    assert (build.overdue, build.next_deadline) == (False, dt.date(2025, 6, 30))
    without = roll_up(
        load(
            make_repo,
            {"2024-06": report("2024-06", {}, "tasks:\n  - task: build\n    status: in_progress\n")},
        ),
        dt.date(2024, 7, 20),
    ).tasks()[0]
    assert (without.overdue, without.days_overdue) == (True, 20)  # 2024-06-30 → 2024-07-20


def test_a_milestone_the_task_does_not_have_is_refused(make_repo: RepoMaker) -> None:
    bad = MILESTONE_REACHED.replace("完成立项", "完成立项目")
    root = make_repo(
        {"projects/p01.yaml": PROJECT, "indicators/p01/2024-06.yaml": report("2024-06", {}, bad)}
    )
    _, problems = validate(root)
    assert [(p.code, p.line, p.col) for p in problems] == [("R208", 10, 20)]


# --------------------------------------------------------------------------- dates outside the plan


@pytest.mark.parametrize("as_of", ["0001-01-01", "2022-12-31", "2028-01-01", "9999-12-31"])
@pytest.mark.parametrize(
    "command",
    [
        "status",
        "indicators",
        "tasks",
        "issues",
        "dispatch",
        "history p01.inv",
        "quarter 2025-Q2",
        "annual 2025",
    ],
)
def test_no_command_crashes_on_any_date(make_repo: RepoMaker, as_of: str, command: str) -> None:
    root = make_repo(
        {"projects/p01.yaml": PROJECT, "indicators/p01/2024-06.yaml": report("2024-06", {"inv": "value: 30"})}
    )
    result = runner.invoke(app, [*command.split(), "--data", str(root), "--as-of", as_of, "--format", "json"])
    assert result.exit_code == 0, result.output
    # A quarter's board is read on its board day (2025-Q2: June's report falls due 2025-07-10)
    # when the day asked is later.
    board_day = "2025-07-10" if command.startswith("quarter") and as_of > "2025-07-10" else as_of
    assert json.loads(result.stdout)["as_of"] == board_day


def test_before_the_plan_nothing_is_due_and_after_it_the_result_is_final(make_repo: RepoMaker) -> None:
    repo = load(
        make_repo, {"2027-12": report("2027-12", {"inv": "value: 80", "hospital": "achieved: false"})}
    )
    before = roll_up(repo, dt.date(2022, 6, 1))
    assert before.projects[0].reporting.missing == ()
    assert before.projects[0].tasks_overdue == 0
    after = roll_up(repo, dt.date(9999, 12, 31))
    assert progress(after, "inv").status == "off_track"  # 80 of 350 and the date has passed
    assert progress(after, "hospital").status == "off_track"


@pytest.mark.parametrize(
    "args", [["dispatch", "--period", "2022-01"], ["quarter", "2022-Q1"], ["annual", "2030"]]
)
def test_periods_outside_the_plan_are_a_usage_error(make_repo: RepoMaker, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--data", str(make_repo({}))])
    assert result.exit_code == 2
    assert "outside the plan" in result.output


# --------------------------------------------------------------------------- reports that say the right thing


PROBLEMS = """\
project: p01
problems:
  - {id: p01-001, title: 九月提出, owner: 县发改局, raised_on: 2024-09-15, due: 2024-12-31}
  - {id: p01-002, title: 十月提出, owner: 县发改局, raised_on: 2024-10-20, due: 2024-12-31}
"""


def test_dispatch_of_a_month_covers_that_month(make_repo: RepoMaker) -> None:
    repo = load(make_repo, {}, {"issues/p01.yaml": PROBLEMS})
    # The dispatch of 2024-09 runs from the day August's reports fell due (2024-09-10) to the day
    # September's fall due (2024-10-10): p01-001 was raised in it, p01-002 after it.
    d = dispatch(repo, "2024-09", dt.date(2024, 10, 10))
    assert (d.since, [e.id for e in d.events]) == (dt.date(2024, 9, 10), ["p01-001"])
    result = runner.invoke(
        app, ["dispatch", "--period", "2024-09", "--data", str(repo.root), "--format", "json"]
    )
    doc = json.loads(result.stdout)
    assert (doc["as_of"], doc["since"]) == ("2024-10-10", "2024-09-10")  # read as of that month, not today
    assert [p["id"] for p in doc["problems"]] == ["p01-001"]


def test_quarter_counts_add_up_and_rank_agrees_with_colour(make_repo: RepoMaker) -> None:
    reports = {
        "2025-06": report(
            "2025-06",
            {
                "inv": "value: 20",  # 90 + 20 = 110 against 175 expected: 0.63 → red
                "share": "value: 58",  # 5 under 63: amber (score 1 − (5 − 3.15) / 63 = 0.97)
                "firms": "value: 30",
                "hospital": "achieved: true\n    achieved_on: 2025-06-01",  # green, no score
            },
        ),
        "2024-12": report("2024-12", {"inv": "value: 90"}),
    }
    q = quarter(load(make_repo, reports), 2025, 2)
    ranked = [r for r in q.indicators if r.rank is not None]
    assert q.rag["red"] + q.rag["amber"] + q.rag["green"] == len(ranked)
    order = [(r.progress.indicator, r.progress.status) for r in ranked]
    # green (the milestone reached) first, then the amber share, then the red investment;
    # firms has one reading and no baseline (grey), so it is not ranked
    assert order == [("hospital", "achieved"), ("share", "at_risk"), ("inv", "off_track")]
    assert q.rag == {"red": 1, "amber": 1, "green": 1, "grey": 6}


def test_a_milestone_counts_in_the_year_it_was_reached(make_repo: RepoMaker) -> None:
    repo = load(
        make_repo, {"2026-03": report("2026-03", {"hospital": "achieved: true\n    achieved_on: 2026-03-18"})}
    )
    as_of = dt.date(2026, 4, 20)
    by_year = {
        y: next(x for x in annual(repo, y, as_of).lines if x.indicator == "hospital") for y in (2025, 2026)
    }
    assert by_year[2025].met is None  # not reached in 2025, and not due until 2026
    assert by_year[2026].met is True
    later = next(x for x in annual(repo, 2027, dt.date(2028, 1, 10)).lines if x.indicator == "hospital")
    assert later.met is None and [n.key for n in later.notes] == ["reached_earlier"]


def test_missing_months_that_do_not_run_on_are_listed(make_repo: RepoMaker) -> None:
    reports = {p: report(p, {}) for p in ("2023-05", "2023-06", "2023-07", "2023-09", "2023-10")}
    root = load(make_repo, reports).root
    zh = runner.invoke(
        app, ["status", "--data", str(root), "--as-of", "2023-12-20", "--format", "plain", "--lang", "zh"]
    )
    # August and November are missing (November's report fell due on 10 December): not "since August"
    assert "缺 2023-08、2023-11 起" in zh.stdout  # November, the latest month due, is still missing


# --------------------------------------------------------------------------- plausibility warnings


def test_implausible_figures_are_warnings_with_a_place(make_repo: RepoMaker) -> None:
    reports = {
        "2024-05": report("2024-05", {"inv": "value: 141.57", "firms": "value: 30"}),
        "2024-06": report("2024-06", {"inv": "value: 60.00", "firms": "value: 30.5"}),
        "2024-07": report("2024-07", {"inv": "value: 700", "firms": "value: 31"}),
    }
    root = make_repo(
        {"projects/p01.yaml": PROJECT, **{f"indicators/p01/{p}.yaml": t for p, t in reports.items()}}
    )
    _, problems = validate(root)
    found = [(p.path.name, p.line, p.code) for p in problems]
    # each report: line 6 holds inv's value, line 8 firms' value
    assert found == [
        ("2024-06.yaml", 6, "V403"),  # 60.00 < 141.57 in one year's 1–N月累计
        ("2024-06.yaml", 8, "V404"),  # 30.5 家
        ("2024-07.yaml", 6, "V405"),  # 700 > 10 × 60
    ]
    ok = runner.invoke(app, ["validate", "--data", str(root)])
    assert ok.exit_code == 0 and "0 problems and 3 warnings" in ok.stderr
    strict = runner.invoke(app, ["validate", "--data", str(root), "--strict"])
    assert strict.exit_code == 1


def test_a_share_over_100_keeps_its_whole_message(make_repo: RepoMaker) -> None:
    root = make_repo(
        {
            "projects/p01.yaml": PROJECT,
            "indicators/p01/2024-05.yaml": report("2024-05", {"share": "value: 100.3"}),
        }
    )
    _, problems = validate(root)
    assert [(p.code, p.message) for p in problems] == [
        ("V401", "share: 100.3 % is more than 100%, which a share cannot be")
    ]


def test_nan_and_infinity_are_refused(make_repo: RepoMaker, tmp_path: Path) -> None:
    project = PROJECT.replace("target: {value: 45, by: 2027-12-31}", "target: {value: .nan, by: 2027-12-31}")
    _, problems = validate(make_repo({"projects/p01.yaml": project}))
    # line 68 of the project file is the firms indicator's `target: {value: .nan, …}`
    assert [(p.code, p.line) for p in problems] == [("S104", 68)]
