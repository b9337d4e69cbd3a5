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
