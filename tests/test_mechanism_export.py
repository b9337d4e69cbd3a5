"""The working mechanism's lists in `export xlsx`, `export csv` and `export parquet`: assessments,
supervision items with their feedback, and good practices, as of the day, with stable columns;
a folder without the lists exports as before."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.core.mechanism_records import Feedback, Return, SupervisionItem

from .conftest import DATA, RepoMaker

SAMPLE = DATA.parent / "examples" / "sample"
runner = CliRunner()

LISTS = {
    "supervision/p01.yaml": """\
        project: p01
        items:
          - id: p01-s001
            unit: 县人社保局
            issued_on: 2024-01-05
            due: 2024-02-01
            requirement: 落实用工保障
            status: closed
            feedback:
              - on: 2024-01-20
                text: 已办理
                evidence:
                  - 台账
                  - 照片
              - on: 2024-02-20
                text: 补充材料
            returns:
              - on: 2024-02-10
                reason: 未见佐证
            closed_on: 2024-03-01
            conclusion: 予以办结
          - id: p01-s002
            unit: 县发改局
            issued_on: 2024-04-01
            due: 2024-04-30
            requirement: 以后交办
        """,
    "assessments/p01.yaml": """\
        project: p01
        assessments:
          - quarter: 2023-Q4
            written_on: 2024-01-08
            written_by: 县发改局
            rating: 黄
            progress: 略慢
            indicators:
              - investment
        """,
    "practices/p01.yaml": """\
        project: p01
        practices:
          - title: 并联审批
            unit: 县发改局
            on: 2024-02-15
            summary: 压缩审批时间
            presented_at: 2024-Q1
        """,
}


def export_csv(root: Path, out: Path, as_of: str, lang: str = "zh") -> list[str]:
    result = runner.invoke(
        app, ["export", "csv", str(out), "--data", str(root), "--as-of", as_of, "--lang", lang]
    )
    assert result.exit_code == 0, result.output
    return sorted(p.name for p in out.iterdir())


def read(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    return text[1:]


def test_csv_files_as_of_a_day_worked_out_by_hand(make_repo: RepoMaker, tmp_path: Path) -> None:
    root = make_repo(LISTS)
    names = export_csv(root, tmp_path / "csv", "2024-02-15")
    # one project: summary + three forms (00-03), 2023-Q4's board (due in January: 04-05), then the
    # four lists (06-09)
    assert names[4:6] == ["04-2023Q4工程排名.csv", "05-2023Q4指标排名.csv"]
    assert names[6:] == ["06-形势研判.csv", "07-督查督办.csv", "08-督办反馈.csv", "09-经验推广.csv"]
    out = tmp_path / "csv"
    assert read(out / "06-形势研判.csv") == (
        "project,quarter,written_on,written_by,rating,rating_en,progress,risks,next_steps,indicators,tasks\n"
        "p01,2023-Q4,2024-01-08,县发改局,黄,amber,略慢,,,investment,\n"
    )
    # On 2024-02-15: p01-s002 not issued yet; p01-s001 sent back on 02-10 with no feedback since
    # (returned), not closed (03-01), 14 days past its due day 02-01; one feedback and one return by then.
    assert read(out / "07-督查督办.csv") == (
        "project,id,unit,issued_on,due,requirement,problem,task,status,closed_on,conclusion,feedback,"
        "returns,overdue,days_overdue\n"
        "p01,p01-s001,县人力社保局,2024-01-05,2024-02-01,落实用工保障,,,returned,,,1,1,true,14\n"
    )
    assert (
        read(out / "08-督办反馈.csv")
        == "project,item,on,text,evidence\np01,p01-s001,2024-01-20,已办理,台账;照片\n"
    )
    assert read(out / "09-经验推广.csv") == (
        "project,title,unit,on,summary,evidence,presented_at\np01,并联审批,县发改局,2024-02-15,压缩审批时间,,2024-Q1\n"
    )
    # On 2024-04-15 p01-s001 is closed and p01-s002 open, not yet due; a table without rows keeps its header.
    later = export_csv(root, tmp_path / "later", "2024-04-15")
    assert read(tmp_path / "later" / later[7]).splitlines()[1:] == [
        "p01,p01-s001,县人力社保局,2024-01-05,2024-02-01,落实用工保障,,,closed,2024-03-01,予以办结,2,1,false,0",
        "p01,p01-s002,县发改局,2024-04-01,2024-04-30,以后交办,,,open,,,0,0,false,0",
    ]
    early = export_csv(root, tmp_path / "early", "2024-01-06")
    assert read(tmp_path / "early" / early[6]) == (
        "project,quarter,written_on,written_by,rating,rating_en,progress,risks,next_steps,indicators,tasks\n"
    )


def test_a_folder_without_the_lists_exports_as_before(make_repo: RepoMaker, tmp_path: Path) -> None:
    assert export_csv(make_repo(), tmp_path / "csv", "2024-02-15") == [
        "00-汇总.csv",
        "01-01主要指标.csv",
        "02-01重点任务.csv",
        "03-01问题销号.csv",
        "04-2023Q4工程排名.csv",
        "05-2023Q4指标排名.csv",
    ]


def test_xlsx_sheets_in_both_languages(make_repo: RepoMaker, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    root = make_repo(LISTS)
    english = ["Assessments", "Supervision", "Supervision feedback", "Good practices"]
    for lang, names, header in (
        ("zh", ["形势研判", "督查督办", "督办反馈", "经验推广"], ["工程", "编号", "单位", "交办日期"]),
        ("en", english, ["Project", "ID", "Unit", "Issued"]),
    ):
        out = tmp_path / f"{lang}.xlsx"
        args = ["export", "xlsx", str(out), "--data", str(root), "--as-of", "2024-02-15", "--lang", lang]
        assert runner.invoke(app, args).exit_code == 0
        book = load_workbook(out)
        assert book.sheetnames[6:] == names  # after the summary, the forms and the quarter's board
        sheet = book[names[1]]
        rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
        assert rows[0][:4] == header
        assert rows[1][:5] == [
            "p01",
            "p01-s001",
            "县人力社保局",
            dt.datetime(2024, 1, 5),
            dt.datetime(2024, 2, 1),
        ]
        assert rows[1][8] == {"zh": "退回重办", "en": "sent back"}[lang]
        assert rows[1][-2:] == [{"zh": "是", "en": "yes"}[lang], 14]
        rating = book[names[0]].cell(row=3, column=5).value
        assert rating == {"zh": "黄", "en": "amber"}[lang]


def test_parquet_tables_partitioned_by_county_and_project(make_repo: RepoMaker, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    import pyarrow.dataset as ds

    root = make_repo(LISTS)
    out = tmp_path / "pq"
    result = runner.invoke(app, ["export", "parquet", str(out), "--data", str(root), "--as-of", "2024-02-15"])
    assert result.exit_code == 0, result.output
    rows = ds.dataset(out / "supervision", format="parquet", partitioning="hive").to_table().to_pylist()
    assert len(rows) == 1
    row = rows[0]
    assert (row["project"], row["id"], row["status"], row["overdue"], row["days_overdue"]) == (
        "p01",
        "p01-s001",
        "returned",
        True,
        14,
    )
    feedback = ds.dataset(out / "supervision_feedback", format="parquet", partitioning="hive").to_table()
    assert feedback.to_pylist()[0]["evidence"] == ["台账", "照片"]
    assert feedback.schema.field("on").type.__str__() == "date32[day]"
    practices = ds.dataset(out / "practices", format="parquet", partitioning="hive").to_table().to_pylist()
    assert [p["title"] for p in practices] == ["并联审批"]


def test_an_items_state_on_a_day() -> None:
    item = SupervisionItem(
        id="p01-s001",
        unit="县发改局",
        issued_on=dt.date(2024, 1, 5),
        due=dt.date(2024, 2, 1),
        requirement="要求",
        status="closed",
        feedback=[Feedback(on=dt.date(2024, 1, 20), text="a"), Feedback(on=dt.date(2024, 2, 20), text="b")],
        returns=[Return(on=dt.date(2024, 2, 10), reason="r")],
        closed_on=dt.date(2024, 3, 1),
    )
    days = ("2024-01-10", "2024-02-10", "2024-02-19", "2024-02-20", "2024-02-29", "2024-03-01")
    states = [item.state_on(dt.date.fromisoformat(d)) for d in days]
    assert states == ["open", "returned", "returned", "open", "open", "closed"]
