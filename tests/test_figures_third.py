"""Figures and reports, third pass (issue #20): the quarter's one board in every output, one
project order, no cascade within a monthly report, history's JSON. Every figure worked out by
hand beside it."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal as D
from pathlib import Path

from typer.testing import CliRunner

from yunhe_cli.checks.validation import validate
from yunhe_cli.cli.app import app
from yunhe_cli.reports.rollup import roll_up

from .conftest import CHECKED_ON, MINIMAL, RepoMaker

runner = CliRunner()


def second_project(number: int = 2) -> str:
    """MINIMAL's project again, as p0N (the same three indicators and task)."""
    return (
        MINIMAL["projects/p01.yaml"]
        .replace("id: p01", f"id: p0{number}")
        .replace("number: 1", f"number: {number}")
        .replace("name: 测试工程", f"name: 测试工程{number}")
    )


def investment_report(project: str, period: str, value: str) -> str:
    year, month = int(period[:4]), int(period[5:])
    submitted = f"{year + (month == 12)}-{month % 12 + 1:02d}-05"
    return (
        f"project: {project}\nperiod: {period}\nsubmitted_on: {submitted}\n"
        f"values:\n  - indicator: investment\n    value: {value}\n"
    )


# --------------------------------------------------------------------------- 1. export's board


def board_repo(make_repo: RepoMaker) -> Path:
    # 350 over the 60 months from January 2023. End of September: 350 × 9/60 = 52.5; p01 reported
    # 60 (score 60/52.5 = 1.143), p02 55 (1.048): on the board p01 is first. End of November:
    # 350 × 11/60 = 64.17; p01 reported 70 (1.091), p02 100 (1.558): read as of 20 December, p02
    # would be first. Only investment has figures; share and rank are grey (not scored).
    reports = {
        "indicators/p01/2023-09.yaml": investment_report("p01", "2023-09", "60"),
        "indicators/p01/2023-11.yaml": investment_report("p01", "2023-11", "70"),
        "indicators/p02/2023-09.yaml": investment_report("p02", "2023-09", "55"),
        "indicators/p02/2023-11.yaml": investment_report("p02", "2023-11", "100"),
    }
    return make_repo({"projects/p02.yaml": second_project(), **reports})


DAY = ["--as-of", "2023-12-20"]


def test_export_shows_the_quarters_one_board_not_a_reading_as_of_the_day(
    make_repo: RepoMaker, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    root = board_repo(make_repo)
    # A naive reading as of 20 December puts p02 ahead (100 against 70 on the same path).
    later = roll_up(validate(root, today=CHECKED_ON)[0], dt.date(2023, 12, 20))
    naive = {i.project: i for i in later.indicators() if i.indicator == "investment"}
    assert (naive["p01"].actual, naive["p02"].actual) == (D("70"), D("100"))
    assert naive["p02"].score is not None and naive["p01"].score is not None
    assert naive["p02"].score > naive["p01"].score

    # `yunhe quarter`: the last quarter due by 20 December is 2023-Q3, read on 10 October.
    shown = runner.invoke(app, ["quarter", "2023-Q3", "--data", str(root), *DAY, "--format", "json"])
    board = json.loads(shown.stdout)
    assert board["as_of"] == "2023-10-10"
    ranking = [(p["rank"], p["id"]) for p in board["projects"]]
    assert ranking == [(1, "p01"), (2, "p02")]

    # export csv: the last two files are the board's tables, the same ranking.
    out = tmp_path / "csv"
    result = runner.invoke(app, ["export", "csv", str(out), "--data", str(root), *DAY, "--lang", "zh"])
    assert result.exit_code == 0, result.output
    # a summary and three forms for each of two projects (7), then the board's two tables
    names = sorted(p.name for p in out.glob("*.csv"))
    assert names[-2:] == ["07-2023Q3工程排名.csv", "08-2023Q3指标排名.csv"]
    with (out / names[-2]).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(int(r["rank"]), r["id"]) for r in rows] == ranking
    assert [r["score"] for r in rows] == [str(p["score"]) for p in board["projects"]]
    with (out / names[-1]).open(encoding="utf-8-sig", newline="") as handle:
        indicators = list(csv.DictReader(handle))
    # the board reads September's figures, not November's
    assert [(r["project"], r["id"], r["actual"], r["expected"]) for r in indicators[:2]] == [
        ("p01", "investment", "60", "52.5"),
        ("p02", "investment", "55", "52.5"),
    ]

    # export xlsx: the same two tables as sheets.
    book_path = tmp_path / "forms.xlsx"
    result = runner.invoke(app, ["export", "xlsx", str(book_path), "--data", str(root), *DAY, "--lang", "en"])
    assert result.exit_code == 0, result.output
    book = load_workbook(book_path)
    assert book.sheetnames[-2:] == ["2023-Q3 Projects ranked", "2023-Q3 Indicators ranked"]
    sheet = book["2023-Q3 Projects ranked"]
    header = [sheet.cell(2, c).value for c in range(1, sheet.max_column + 1)]
    rank_col, number_col = header.index("Rank") + 1, header.index("No.") + 1
    assert [(sheet.cell(r, rank_col).value, sheet.cell(r, number_col).value) for r in (3, 4)] == [
        (1, 1),
        (2, 2),
    ]


def test_export_before_any_quarter_is_due_has_no_board(make_repo: RepoMaker, tmp_path: Path) -> None:
    # 2023-Q1's board day is 10 April 2023; on 1 April no quarter has fallen due.
    root = make_repo()
    result = runner.invoke(
        app, ["export", "csv", str(tmp_path), "--data", str(root), "--as-of", "2023-04-01", "--lang", "zh"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == [
        "00-汇总.csv",
        "01-01主要指标.csv",
        "02-01重点任务.csv",
        "03-01问题销号.csv",
    ]


# --------------------------------------------------------------------------- 2. one project order


def september(project: str, investment: str, share: str, task_done: bool) -> str:
    done = "tasks:\n  - task: plan\n    status: done\n" if task_done else ""
    return (
        f"project: {project}\nperiod: 2023-09\nsubmitted_on: 2023-10-05\nvalues:\n"
        f"  - {{indicator: investment, value: {investment}}}\n"
        f"  - {{indicator: share, value: {share}}}\n{done}"
    )


def order_repo(make_repo: RepoMaker) -> Path:
    # End of September 2023: investment's path stands at 350 × 9/60 = 52.5; share is about 63 with
    # a tolerance of 5% of 63 = 3.15 (at risk up to 6.3 away, off track beyond).
    #   p01: 105 → 2.0, green; share 70 is 7 away: red, 1 − (7 − 3.15)/63 = 0.9388888889.
    #        1 red, 0 amber, mean (2 + 0.9388888889)/2 = 1.46944444445
    #   p02: 52.5 → 1, green; share 68 is 5 away: amber, 1 − 1.85/63 = 0.9706349206.
    #        0 red, 1 amber, mean 0.9853174603
    #   p03: 60 → 60/52.5 = 1.1428571429, green; share 66 within: 1. 0, 0, mean 1.07142857145
    #        and its key task (due 2023-04-15) is not reported done: overdue
    #   p04: 50 → 0.9523809524, green; share 63: 1. 0, 0, mean 0.9761904762
    files: dict[str, str | bytes | None] = {f"projects/p0{n}.yaml": second_project(n) for n in (2, 3, 4)}
    files.update(
        {
            "indicators/p01/2023-09.yaml": september("p01", "105", "70", True),
            "indicators/p02/2023-09.yaml": september("p02", "52.5", "68", True),
            "indicators/p03/2023-09.yaml": september("p03", "60", "66", False),
            "indicators/p04/2023-09.yaml": september("p04", "50", "63", True),
        }
    )
    return make_repo(files)


ORDER_DAY = dt.date(2023, 10, 20)


def test_status_the_quarter_and_the_site_order_projects_by_one_rule(make_repo: RepoMaker) -> None:
    from yunhe_cli.outputs.labels import Lang
    from yunhe_cli.outputs.site import site_context
    from yunhe_cli.reports.quarterly import quarter

    repo, _ = validate(order_repo(make_repo), today=CHECKED_ON)
    report = roll_up(repo, ORDER_DAY)
    standings = {p.id: p.standing() for p in report.projects}
    assert {pid: (s.red, s.amber, s.score) for pid, s in standings.items()} == {
        "p01": (1, 0, D("1.46944444445")),
        "p02": (0, 1, D("0.9853174603")),
        "p03": (0, 0, D("1.07142857145")),
        "p04": (0, 0, D("0.9761904762")),
    }
    # Two naive orders disagree with each other and with the rule: by mean score alone the best
    # is p01 (the one with a red light); by overdue tasks after the lights p03 is worse than p04.
    assert sorted(standings, key=lambda pid: -(standings[pid].score or 0)) == ["p01", "p03", "p02", "p04"]
    assert {p.id: p.tasks_overdue for p in report.projects} == {"p01": 0, "p02": 0, "p03": 1, "p04": 0}

    # The rule: fewer reds, fewer ambers, higher score. Best first: p03, p04, p02, p01.
    board = quarter(repo, 2023, 3, ORDER_DAY)
    assert [(p.rank, p.id) for p in board.projects] == [(1, "p03"), (2, "p04"), (3, "p02"), (4, "p01")]
    # status lists the same rule from its worst end
    assert [p.id for p in report.projects] == ["p01", "p02", "p04", "p03"]
    # the site shows status's order in its overview and the quarter's on its board
    context = site_context(repo, ORDER_DAY, Lang.zh)
    assert context["status_links"] == ["p01", "p02", "p04", "p03"]
    assert context["board"]["project_anchors"] == ["p03", "p04", "p02", "p01"]


def test_the_order_is_stated_under_each_table(make_repo: RepoMaker) -> None:
    root = order_repo(make_repo)
    args = ["--data", str(root), "--as-of", "2023-10-20", "--format", "plain"]
    status_zh = runner.invoke(app, ["status", *args, "--lang", "zh"]).stdout.splitlines()
    # rows by 序号, worst first; under the table the rule, then the scores where the lights tie
    # (p04 and p03 both 0 red, 0 amber: 0.976 is 2.4% behind its path, 1.071 is 7.1% ahead)
    assert [line.split()[0] for line in status_zh[4:8]] == ["1", "2", "4", "3"]
    assert status_zh[-2:] == [
        "排序：滞后（!!）多者在前，其次预警（!）多者，再次平均进度/预期低者，再按序号；全部无数据的工程列在最后。",
        "滞后、预警数相同者的平均进度/预期：序号4 -2.4%、序号3 +7.1%。",
    ]
    status_en = runner.invoke(app, ["status", *args, "--lang", "en"]).stdout.splitlines()
    assert status_en[-2:] == [
        "Order: most off track (!!) first, then most at risk (!), then the lower mean progress vs path,"
        " then the number; projects with no data at all come last.",
        "Mean progress vs path where off track and at risk are equal: No. 4 -2.4%, No. 3 +7.1%.",
    ]
    shown = runner.invoke(app, ["quarter", "2023-Q3", *args, "--lang", "zh"]).stdout
    projects = shown.split("工程排名\n", 1)[1].split("指标排名\n", 1)[0]
    lines = projects.strip().splitlines()
    assert [line.split()[:3] for line in lines[2:6]] == [
        ["1", "new", "3"],
        ["2", "new", "4"],
        ["3", "new", "2"],
        ["4", "new", "1"],
    ]
    assert (
        lines[-1]
        == "排名：红灯少者在前，其次黄灯少者，再次平均进度/预期高者，再按序号；全部无数据的工程不排名。"
    )
    english = runner.invoke(app, ["quarter", "2023-Q3", *args, "--lang", "en"]).stdout
    assert (
        "\nRanked: fewest red first, then fewest amber, then the higher mean progress vs path, then the"
        " number; a project with no data at all is not ranked.\n"
    ) in english


# --------------------------------------------------------------------------- 3. no cascade in a report

MAY_55 = """\
project: p01
period: 2023-05
submitted_on: 2023-06-05
values:
  - indicator: investment
    value: 12
  - indicator: share
    value: 55
"""

JUNE = """\
project: p01
period: 2023-06
submitted_on: 2023-07-05
values:
  - indicator: investment
    value: {investment}
  - indicator: share
    value: 62
tasks:
  - task: plan
    status: done
"""


def test_one_bad_figure_loses_that_figure_only_and_the_month_is_reported(make_repo: RepoMaker) -> None:
    root = make_repo(
        {"indicators/p01/2023-05.yaml": MAY_55, "indicators/p01/2023-06.yaml": JUNE.format(investment=".nan")}
    )
    # Due by 20 July 2023: May (due 10 June) and June (due 10 July), the first months of reporting.
    repo, problems = validate(root, today=CHECKED_ON)
    assert [(p.code, p.line, p.col) for p in problems] == [("S104", 6, 12)]  # `    value: .nan`
    report = roll_up(repo, dt.date(2023, 7, 20))
    (p01,) = report.projects
    # June counts as reported: nothing is missing, and June is the last month in.
    assert (p01.reporting.missing, p01.reporting.last_period) == ((), "2023-06")
    by_id = {i.indicator: i for i in p01.indicators}
    # share: June's 62 is 1 from 63, within the tolerance 3.15: on track (May's 55, 8 away, was off track).
    share = by_id["share"]
    assert (share.latest_period, share.actual, share.status) == ("2023-06", D("62"), "on_track")
    # investment has no figure in June: it stands at May's 12.
    investment = by_id["investment"]
    assert (investment.latest_period, investment.actual) == ("2023-05", D("12"))
    # June's task update is kept: the plan (due 2023-04-15) is done, not overdue.
    (plan,) = p01.tasks
    assert (plan.state, plan.last_update, p01.tasks_overdue) == ("done", "2023-06", 0)

    result = runner.invoke(app, ["validate", "--data", str(root), "--as-of", "2023-07-20"])
    assert (result.exit_code, result.output) == (
        1,
        f"{root}/indicators/p01/2023-06.yaml:6:12: S104 values[0].value: .nan is not a number; write the"
        " figure\n1 problem in 6 files\n",
    )
    status = runner.invoke(app, ["status", "--data", str(root), "--as-of", "2023-07-20", "--format", "json"])
    assert status.exit_code == 1
    assert json.loads(status.stdout)["projects"][0]["reporting"]["missing"] == []


def test_a_word_for_a_figure_and_a_bad_task_status_are_one_problem_each(make_repo: RepoMaker) -> None:
    june = JUNE.format(investment="十二").replace("status: done", "status: finished")
    root = make_repo({"indicators/p01/2023-06.yaml": june})
    repo, problems = validate(root, today=CHECKED_ON)
    assert [(p.code, p.line) for p in problems] == [("S104", 6), ("S105", 11)]
    (p01,) = roll_up(repo, dt.date(2023, 7, 20)).projects
    # June is in (May is missing); share is June's 62; the task update with no valid status is left out.
    assert (p01.reporting.missing, p01.reporting.last_period) == (("2023-05",), "2023-06")
    assert {i.indicator: i.actual for i in p01.indicators} == {
        "investment": None,
        "share": D("62"),
        "rank": None,
    }
    assert p01.tasks[0].last_update is None


# --------------------------------------------------------------------------- 4. history's JSON


def test_history_json_has_the_keys_of_the_tables_columns(make_repo: RepoMaker) -> None:
    may = MAY_55 + "  - indicator: rank\n    achieved: false\n"
    root = make_repo({"indicators/p01/2023-05.yaml": may})
    args = ["--data", str(root), "--as-of", "2023-06-20", "--format", "json"]
    investment = json.loads(runner.invoke(app, ["history", "p01.investment", *args]).stdout)
    # 350 over the 60 months from January 2023: the end of May is 350 × 5/60 = 29.1666…, given to
    # four places; the figure's table has no 是否完成 column, and its months no `achieved`.
    assert investment["series"] == [{"period": "2023-05", "published": 12, "actual": 12, "expected": 29.1667}]
    rank = json.loads(runner.invoke(app, ["history", "p01.rank", *args]).stdout)
    assert rank["series"] == [{"period": "2023-05", "achieved": False}]
    # the CSV is the same projection: a figure's header has no `achieved`
    csv_text = runner.invoke(app, ["history", "p01.investment", *args[:-1], "csv"]).stdout
    assert csv_text.splitlines()[0] == "period,published,actual,expected"
