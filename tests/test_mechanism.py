"""月调度, 季分析, 年总结, history and the exports, on examples/sample and on data/."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from yunhe_cli.checks.validation import validate
from yunhe_cli.cli.app import app
from yunhe_cli.outputs.export import FILLS, cell_value, sheets
from yunhe_cli.outputs.labels import Lang
from yunhe_cli.reports.annual import annual
from yunhe_cli.reports.dispatch import dispatch
from yunhe_cli.reports.order import rag
from yunhe_cli.reports.quarterly import parse_quarter, quarter
from yunhe_cli.reports.rollup import roll_up

from .conftest import DATA, check_golden

SAMPLE = DATA.parent / "examples" / "sample"
GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()
REPO, _ = validate(SAMPLE)


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr or result.stdout
    return result.stdout


CASES = [
    ("dispatch", ["dispatch", "--as-of", "2026-11-15"]),
    ("quarter", ["quarter", "2026-Q3"]),
    ("annual", ["annual", "2025"]),
    ("history", ["history", "p01.investment", "--as-of", "2026-11-15"]),
]
FORMATS = [
    ("plain", "zh"),
    ("plain", "en"),
    ("markdown", "zh"),
    ("markdown", "en"),
    ("table", "zh"),
    ("csv", "en"),
    ("json", "zh"),
]


@pytest.mark.parametrize(("name", "args"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize(("fmt", "lang"), FORMATS, ids=[f"{f}-{lg}" for f, lg in FORMATS])
def test_golden(name: str, args: list[str], fmt: str, lang: str) -> None:
    out = run(*args, "--data", str(SAMPLE), "--format", fmt, "--lang", lang)
    suffix = "json" if fmt == "json" else f"{lang}.{fmt.replace('markdown', 'md')}"
    check_golden(f"{name}.{suffix}", out)


@pytest.mark.parametrize(("name", "args"), CASES, ids=[c[0] for c in CASES])
def test_runs_on_the_plan_data(name: str, args: list[str]) -> None:
    doc = json.loads(run(*args, "--data", str(DATA), "--format", "json"))
    assert doc["version"] == 1


def test_dispatch_reports_and_overdue() -> None:
    d = dispatch(REPO, "2026-10", dt.date(2026, 11, 15))
    states = {r.project: r.state for r in d.reports}
    # p05 reports October late (after the 15th), p07 and p09 not at all: missing on the 15th
    assert {p for p, s in states.items() if s == "missing"} == {"p05", "p07", "p09"}
    assert {p for p, s in states.items() if s == "on_time"} == {
        "p01",
        "p02",
        "p03",
        "p04",
        "p06",
        "p08",
        "p10",
    }
    overdue_tasks = {(o.project, o.id) for o in d.overdue if o.kind == "task"}
    assert overdue_tasks == {("p06", "deployment"), ("p09", "implementation-plan")}
    assert d.since == dt.date(2026, 10, 10)  # the day the previous month's (September's) reports fell due
    now = {(i.project, i.indicator): i.status for i in roll_up(REPO, dt.date(2026, 11, 15)).indicators()}
    then = {(i.project, i.indicator): i.status for i in roll_up(REPO, dt.date(2026, 10, 15)).indicators()}
    assert {(c.project, c.indicator) for c in d.changes} == {k for k in now if now[k] != then[k]}


def test_quarter_ranks_by_score_and_moves_against_the_previous_quarter() -> None:
    q3, q2 = quarter(REPO, 2026, 3), quarter(REPO, 2026, 2)
    assert q3.as_of == dt.date(2026, 10, 10)  # the day September's reports fall due
    ranked = [r for r in q3.indicators if r.rank is not None]
    assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
    order = {"green": 0, "amber": 1, "red": 2}
    for a, b in itertools.pairwise(ranked):
        # green before amber before red; within a colour, the higher score first
        ca, cb = order[rag(a.progress.status)], order[rag(b.progress.status)]
        assert ca <= cb
        if ca == cb and a.progress.score is not None and b.progress.score is not None:
            assert a.progress.score >= b.progress.score
    # the headline counts add up to what is ranked; grey (no data) is not ranked
    assert q3.rag["red"] + q3.rag["amber"] + q3.rag["green"] == len(ranked)
    previous = {(r.progress.project, r.progress.indicator): r.rank for r in q2.indicators}
    assert all(r.previous_rank == previous[(r.progress.project, r.progress.indicator)] for r in q3.indicators)
    # The previous status is what Q2's own ranking showed; at least one indicator moved.
    was = {(r.progress.project, r.progress.indicator): r.progress.status for r in q2.indicators}
    assert all(r.previous_status == was[(r.progress.project, r.progress.indicator)] for r in q3.indicators)
    assert any(r.previous_status != r.progress.status for r in q3.indicators)
    assert sum(q3.rag.values()) == len(q3.indicators)


def test_quarter_argument() -> None:
    assert parse_quarter("2026-Q3") == (2026, 3) == parse_quarter("2026q3")
    with pytest.raises(ValueError, match="YYYY-Qn"):
        parse_quarter("2026-Q5")
    assert runner.invoke(app, ["quarter", "2026-13", "--data", str(SAMPLE)]).exit_code == 2


def test_annual_takes_the_year_from_december() -> None:
    a = annual(REPO, 2025)
    line = next(x for x in a.lines if (x.project, x.indicator) == ("p01", "investment"))
    december = next(r.model for r in REPO.reports if (r.model.project, r.model.period) == ("p01", "2025-12"))
    published = next(v.value for v in december.values if v.indicator == "investment")
    assert (line.year_actual, line.actual_period) == (published, "2025-12")  # the year's flow: 1–12月累计
    assert line.year_target == 70  # 350 over five years, no annual targets given
    assert line.met is (published is not None and published >= 70)
    assert a.problems_raised == sum(
        q.raised_on.year == 2025 for lst in REPO.problem_lists for q in lst.model.problems
    )


def test_history_needs_one_indicator() -> None:
    result = runner.invoke(app, ["history", "nothing", "--data", str(SAMPLE)])
    assert result.exit_code == 2


def test_xlsx_holds_every_row_of_the_three_forms(tmp_path: Path) -> None:
    out = tmp_path / "forms.xlsx"
    run("export", "xlsx", str(out), "--data", str(SAMPLE), "--as-of", "2026-11-15", "--lang", "zh")
    book = load_workbook(out)
    report = roll_up(REPO, dt.date(2026, 11, 15))
    expected = sheets(report, Lang.zh, quarter(REPO, 2026, 3, dt.date(2026, 11, 15)))
    # a summary and three forms for each of ten projects, 2026-Q3's board (projects, indicators),
    # then the sample's four mechanism lists
    lists = ["形势研判", "督查督办", "督办反馈", "经验推广"]
    assert book.sheetnames == [name for name, _ in expected] + lists
    assert len(book.sheetnames) == 37 and book.sheetnames[-6:-4] == ["2026Q3工程排名", "2026Q3指标排名"]
    for name, view in expected:
        sheet = book[name]
        assert sheet.freeze_panes == "A3"
        assert sheet.cell(1, 1).value == view.title
        assert [sheet.cell(2, c).value for c in range(1, len(view.columns) + 1)] == list(view.columns)
        rows = [*view.rows, *([view.footer] if view.footer else [])]
        for r, row in enumerate(rows, 3):
            for c, cell in enumerate(row, 1):
                got = sheet.cell(r, c).value
                if isinstance(got, dt.datetime):  # openpyxl reads a date cell back as a datetime
                    got = got.date()
                want = cell_value(cell)
                assert (got if got is not None else "") == want, (name, r, c)
                if cell.style in FILLS:
                    assert sheet.cell(r, c).fill.fgColor.rgb.endswith(FILLS[cell.style])
        assert sheet.max_row == len(rows) + 2
    forms = [n for n in book.sheetnames if n.endswith("主要指标")]
    assert sum(book[n].max_row - 2 for n in forms) == 82  # every indicator of the plan
    # Figures are numbers and dates are dates, with their formats (not text).
    first = book["01主要指标"]
    header = [first.cell(2, c).value for c in range(1, first.max_column + 1)]
    investment = next(r for r in range(3, first.max_row + 1) if first.cell(r, 2).value == "有效投资")
    actual = first.cell(investment, header.index("实际") + 1)
    assert isinstance(actual.value, float) and actual.number_format == "#,##0.00##"
    done = first.cell(investment, header.index("完成率") + 1)
    assert isinstance(done.value, float) and done.number_format == "0.0%" and 0 < done.value < 1
    tasks = book["01重点任务"]
    due = tasks.cell(3, 4)
    assert isinstance(due.value, dt.datetime) and due.number_format == "yyyy-mm-dd"


def test_csv_export_has_a_bom_and_every_row(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", "csv", str(tmp_path), "--data", str(SAMPLE), "--as-of", "2026-11-15", "--lang", "zh"]
    )
    assert result.exit_code == 0
    files = sorted(tmp_path.glob("*.csv"))
    assert len(files) == 37  # the 31 tables of the workbook, the quarter's board, the four lists
    for path in files:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with (tmp_path / "01-01主要指标.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # the same keys as `yunhe indicators --format json`, raw values
    assert list(rows[0])[:5] == ["project", "id", "name", "name_en", "kind"]
    assert len(rows) == 7  # project 1 has seven indicators
    assert rows[2]["id"] == "investment" and rows[2]["target"] == "350"
