"""Figures and reports, second pass (issue #20): every figure worked out by hand beside it."""

from __future__ import annotations

import datetime as dt
import json
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


# --------------------------------------------------------------------------- 2. no cascade

from typer.testing import CliRunner  # noqa: E402

from yunhe_cli.cli.app import app  # noqa: E402

from .conftest import MINIMAL  # noqa: E402

runner = CliRunner()

MAY = """\
    project: p01
    period: 2023-05
    submitted_on: 2023-06-05
    values:
      - indicator: investment
        value: 12
      - indicator: share
        value: 60
    """


def with_target(figure: str) -> dict[str, str | bytes | None]:
    project = MINIMAL["projects/p01.yaml"].replace("value: 350", f"value: {figure}")
    return {"projects/p01.yaml": project, "indicators/p01/2023-05.yaml": MAY}


@pytest.mark.parametrize(
    ("figure", "message"),
    [
        (".nan", ".nan is not a number; write the figure"),
        ("-.inf", "-.inf is not a finite number; write the figure"),
        ("1e309", "1e309 is too large for a figure; write the figure in its unit"),
        ("9" * 4000, "a 4,000-digit number is too large for a figure; write the figure in its unit"),
    ],
)
def test_one_bad_target_is_one_problem_placed_in_the_users_words(
    make_repo: RepoMaker, figure: str, message: str
) -> None:
    root = make_repo(with_target(figure))
    result = runner.invoke(app, ["validate", "--data", str(root), "--as-of", "2023-06-20"])
    # Line 16 of the dedented project file is `value: …` under investment's target (id 10, name 11,
    # kind 12, unit 13, comparator 14, target 15), column 14; five files: plan, units, people, p01, May.
    assert result.exit_code == 1
    assert result.output == (
        f"{root}/projects/p01.yaml:16:14: S104 indicators[0].target.value: {message}\n1 problem in 5 files\n"
    )


def test_a_project_with_a_bad_value_still_stands_and_its_reports_exit_1(make_repo: RepoMaker) -> None:
    root = make_repo(with_target(".nan"))
    repo, problems = validate(root, today=CHECKED_ON)
    project = repo.project("p01")
    assert project is not None
    # investment is set aside; share and rank stand, and so do the task and the units
    assert [i.id for i in project.model.indicators] == ["share", "rank"]
    assert project.model.set_aside("indicators") == frozenset({"investment"})
    assert [p.code for p in problems] == ["S104"]
    result = runner.invoke(
        app,
        # the plan's order (--sort plan), not worst first
        [
            "indicators",
            "-p",
            "p01",
            "--data",
            str(root),
            "--as-of",
            "2023-06-20",
            "--format",
            "json",
            "--sort",
            "plan",
        ],
    )
    assert result.exit_code == 1
    assert "R205" not in result.output and "R206" not in result.output
    shown = [line.strip() for line in result.output.splitlines() if line.startswith('      "id":')]
    assert shown == ['"id": "share",', '"id": "rank",']
    assert result.output.endswith(
        f"{root}/projects/p01.yaml:16:14: S104 indicators[0].target.value: .nan is not a number; write the"
        " figure\n1 problem in 5 files\n"
    )


def test_a_task_with_a_bad_date_is_set_aside_and_a_report_naming_it_is_no_second_problem(
    make_repo: RepoMaker,
) -> None:
    project = MINIMAL["projects/p01.yaml"].replace("due: 2023-04-15", "due: soon")
    may = MAY.rstrip(" ") + "    tasks:\n      - task: plan\n        status: done\n"
    root = make_repo({"projects/p01.yaml": project, "indicators/p01/2023-05.yaml": may})
    # Run twice: the second run reads the project from the cache, which keeps what was set aside.
    for _ in range(2):
        result = runner.invoke(app, ["validate", "--data", str(root), "--as-of", "2023-06-20"])
        # 18 lines of the first indicator (from line 1), share 19–27, rank 28–32, tasks: 33,
        # `- id: plan` 34, title 35, due 36; `    due: soon`: the value starts at column 10
        assert (result.exit_code, result.output) == (
            1,
            f"{root}/projects/p01.yaml:36:10: S103 tasks[0].due: 'soon' is not a date; write YYYY-MM-DD\n"
            "1 problem in 5 files\n",
        )


# --------------------------------------------------------------------------- 4. missing months


def empty_month(period: str) -> str:
    year, month = int(period[:4]), int(period[5:])
    submitted = f"{year + (month == 12)}-{month % 12 + 1:02d}-05"
    return f"project: p01\nperiod: {period}\nsubmitted_on: {submitted}\nvalues: []\n"


def missing_cell(root: object, lang: str) -> str:
    from yunhe_cli.outputs.export import sheets
    from yunhe_cli.outputs.labels import Lang

    repo, _ = validate(root, today=CHECKED_ON)  # type: ignore[arg-type]
    (_, summary), *_ = sheets(roll_up(repo, dt.date(2023, 12, 20)), Lang(lang))
    return summary.rows[0][summary.keys.index("missing")].text


@pytest.mark.parametrize(
    ("present", "zh", "en", "missing", "missing_from"),
    [
        # Due by 2023-12-20: May–November (November's report fell due on 10 December).
        # June is a gap; September–November run on to now.
        (("2023-05", "2023-07", "2023-08"), "缺 2023-06、2023-09 起", "2023-06, from 2023-09",
         ["2023-06", "2023-09", "2023-10", "2023-11"], "2023-09"),
        # Only June is missing and every later month is in: a month, not "since June".
        (("2023-05", "2023-07", "2023-08", "2023-09", "2023-10", "2023-11"), "缺 2023-06", "2023-06",
         ["2023-06"], None),
    ],
)  # fmt: skip
def test_missing_months_are_months_and_only_a_run_to_now_is_a_from(
    make_repo: RepoMaker,
    present: tuple[str, ...],
    zh: str,
    en: str,
    missing: list[str],
    missing_from: str | None,
) -> None:
    root = make_repo({f"indicators/p01/{p}.yaml": empty_month(p) for p in present})
    args = ["status", "--data", str(root), "--as-of", "2023-12-20", "--format"]
    plain_zh = runner.invoke(app, [*args, "plain", "--lang", "zh"]).stdout.splitlines()[4]
    plain_en = runner.invoke(app, [*args, "plain", "--lang", "en"]).stdout.splitlines()[4]
    assert plain_zh.endswith(f"  {zh}") and plain_en.endswith(f"  {en}")
    document = json.loads(runner.invoke(app, [*args, "json"]).stdout)
    reporting = document["projects"][0]["reporting"]
    assert (reporting["missing"], reporting["missing_from"]) == (missing, missing_from)
    # the workbook and the site lay out the same summary table
    assert (missing_cell(root, "zh"), missing_cell(root, "en")) == (zh, en)


# --------------------------------------------------------------------------- 5. the annual summary

COUNTS = """\
    id: p01
    number: 1
    name: 测试工程
    convener: 张三
    lead_unit: 县发改局
    goal: 合成测试
    indicators:
      - id: projects
        name: 实施综合交通项目
        kind: cumulative
        unit: 个
        comparator: ">="
        target: {value: 38, by: 2027-12-31}
        reported_as: plan_to_date
      - id: cross
        name: 跨乡镇整治工程
        kind: cumulative
        unit: 个
        comparator: ">="
        target: {value: 1, by: 2027-12-31}
        reported_as: plan_to_date
      - id: rank
        name: 排名提升
        kind: milestone
        target: {by: 2027-12-31}
    """


def counts_report(period: str, projects: int, cross: int, achieved: bool) -> str:
    year, month = int(period[:4]), int(period[5:])
    lines = [
        "project: p01",
        f"period: {period}",
        f"submitted_on: {year + (month == 12)}-{month % 12 + 1:02d}-05",
        "values:",
        f"  - {{indicator: projects, value: {projects}}}",
        f"  - {{indicator: cross, value: {cross}}}",
        f"  - {{indicator: rank, achieved: {str(achieved).lower()}}}",
    ]
    return "\n".join(lines) + "\n"


def test_the_annual_summary_counts_whole_things_and_reads_its_own_year(make_repo: RepoMaker) -> None:
    from yunhe_cli.reports.annual import annual

    reports = {
        "2024-12": counts_report("2024-12", 15, 0, False),
        "2025-12": counts_report("2025-12", 24, 1, False),
        "2026-03": counts_report("2026-03", 26, 1, True),
    }
    root = make_repo(
        {"projects/p01.yaml": COUNTS, **{f"indicators/p01/{p}.yaml": t for p, t in reports.items()}}
    )
    repo, _ = validate(root, today=CHECKED_ON)
    lines = {x.indicator: x for x in annual(repo, 2025, dt.date(2026, 4, 20)).lines}
    # 38 projects over 60 months: the path stands at 15.2 at the end of 2024 and 22.8 at the end
    # of 2025, whole counts 15 and 23: 2025 asks 8 (not 7.6); 2026 ends at 30.4 → 30: asks 7.
    projects = lines["projects"]
    assert (projects.year_target, projects.year_actual, projects.met, projects.next_target) == (8, 9, True, 7)
    # 1 over five years: 0.4 → 0 by the end of 2024, 0.6 → 1 by the end of 2025: 2025 asks 1;
    # 2026 ends at 0.8 → 1, which adds no whole one: no target (not 0.2).
    cross = lines["cross"]
    assert (cross.year_target, cross.year_actual, cross.met, cross.next_target) == (1, 1, True, None)
    # The milestone was reached in March 2026: the 2025 row reads 2025-12, not 2026-03.
    rank = lines["rank"]
    assert (rank.actual_period, rank.met, rank.achieved_on) == ("2025-12", None, None)


def test_the_annual_summary_says_its_sentence_first_and_what_is_empty(make_repo: RepoMaker) -> None:
    root = make_repo({"projects/p01.yaml": COUNTS})
    args = ["annual", "2025", "--data", str(root), "--as-of", "2026-04-20", "--format", "plain"]
    zh = runner.invoke(app, [*args, "--lang", "zh"]).stdout
    en = runner.invoke(app, [*args, "--lang", "en"]).stdout
    assert zh.startswith("2025年新增问题0个，销号0个；完成重点任务0项。\n\n2025年指标完成情况\n")
    assert en.startswith("In 2025: 0 problems raised, 0 closed; 0 key tasks done.\n\nIndicators in 2025\n")
    assert "\n2025年没有完成的重点任务。\n" in zh and "\n2025年没有新增或销号的问题。\n" in zh
    assert "\nNo key task was done in 2025.\n" in en and "\nNo problem was raised or closed in 2025.\n" in en


# --------------------------------------------------------------------------- 6. history


def test_history_names_unit_and_target_and_shows_the_columns_of_its_kind(make_repo: RepoMaker) -> None:
    may = MAY.rstrip(" ") + "      - indicator: rank\n        achieved: false\n"
    root = make_repo({"indicators/p01/2023-05.yaml": may})
    args = ["--data", str(root), "--as-of", "2023-06-20", "--format", "plain"]
    investment = runner.invoke(app, ["history", "p01.investment", *args, "--lang", "zh"])
    # 350 over the 60 months from January 2023: the end of May is 350 × 5/60 = 29.1666… → 29.17
    assert investment.stdout == (
        "指标历史：1. 有效投资（单位：亿元；目标：350亿元以上，2027-12-31）\n"
        "\n"
        "月份       报送值    实际    预期\n"
        "-------  --------  ------  ------\n"
        "2023-05        12      12   29.17\n"
        "\n"
        "实际 ▁\n"
    )
    rank = runner.invoke(app, ["history", "p01.rank", *args, "--lang", "en"])
    assert rank.stdout == (
        "History of 1. 排名提升 (target: done by 2027-12-31)\n\n"
        "Month    Achieved\n-------  ----------\n2023-05  no\n"
    )


# --------------------------------------------------------------------------- 7. one quarter, one board


def test_a_quarter_reads_its_board_day_not_a_later_as_of(make_repo: RepoMaker) -> None:
    from yunhe_cli.reports.quarterly import quarter

    september = MAY.replace("2023-05", "2023-09").replace("2023-06-05", "2023-10-05")
    november = (
        MAY.replace("2023-05", "2023-11")
        .replace("2023-06-05", "2023-12-05")
        .replace("value: 12", "value: 100")
    )
    root = make_repo({"indicators/p01/2023-09.yaml": september, "indicators/p01/2023-11.yaml": november})
    repo, _ = validate(root, today=CHECKED_ON)
    # 2023-Q3's board day is the day September's report falls due: 10 October 2023. Asked on
    # 20 December, the board still reads 10 October: September's 12 (not November's 100) against
    # 350 × 9/60 = 52.5; the previous quarter (Q2) is read on its own board day, 10 July.
    board = quarter(repo, 2023, 3, dt.date(2023, 12, 20))
    assert (board.as_of, board.previous_as_of) == (dt.date(2023, 10, 10), dt.date(2023, 7, 10))
    investment = next(r.progress for r in board.indicators if r.progress.indicator == "investment")
    assert (investment.actual, investment.expected) == (D("12"), D("52.5"))
    # Asked before the board day, the board reads the day asked.
    assert quarter(repo, 2023, 3, dt.date(2023, 10, 1)).as_of == dt.date(2023, 10, 1)
