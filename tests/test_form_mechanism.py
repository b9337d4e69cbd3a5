"""`yunhe form` / `yunhe import`: the sheets 形势研判 (a quarter's last month) and 督办反馈 (items open
for the lead unit), filled in and written in the report's checked batch.

The data is the SYNTHETIC sample without p01's reports from 2026-09 on and without its 2026-Q3
assessment, as of 2026-10-05: p01's lead unit is 县发改局; p01-s001, issued to it on 2026-08-05 and
due 2026-10-31, is open with one feedback (2026-09-11).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from yunhe_cli.cli.app import app

from .conftest import ROOT

SAMPLE = ROOT / "examples" / "sample"
AS_OF = dt.date(2026, 10, 5)
runner = CliRunner()

HEAD = """\
# yaml-language-server: $schema=../../../schemas/assessments.schema.json
# 合成示例数据，非真实数据 / SYNTHETIC example data, not real figures
project: p01
assessments:
"""
Q2 = """\
  - quarter: 2026-Q2
    written_on: 2026-07-02
    written_by: 县发改局
    rating: {rating}
    progress: 各项指标按计划推进，重点任务节点如期完成。
    risks: 个别项目要素保障仍需跟进。
    next_steps: 继续按月调度，确保完成年度目标。
"""
ITEM = """\
# yaml-language-server: $schema=../../../schemas/supervision.schema.json
# 合成示例数据，非真实数据 / SYNTHETIC example data, not real figures
project: p01
items:
  - id: p01-s001
    unit: 县发改局
    issued_on: 2026-08-05
    due: 2026-10-31
    requirement: 督促加快重大项目开工前期工作，按期报送进展
    problem: p01-002
    task: implementation-plan
    status: open
    feedback:
      - on: 2026-09-11
        text: 已召开专题协调会，明确责任分工和完成时限
        evidence:
          - 协调会议纪要
"""
SUBMITTED = {("报送", "B4"): "县发改局", ("报送", "B5"): dt.date(2026, 10, 5)}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(SAMPLE, root)
    for month in ("2026-09", "2026-10"):
        (root / "indicators" / "p01" / f"{month}.yaml").unlink()
    path = root / "assessments" / "p01.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("  - quarter: 2026-Q3")], encoding="utf-8")
    # The fixture's own premise, so that the expected files below are the whole files.
    assert path.read_text(encoding="utf-8") == HEAD + Q2.format(rating="绿")
    assert (root / "supervision" / "p01.yaml").read_text(encoding="utf-8") == ITEM
    return root


def _form(data: Path, out: Path, period: str = "2026-09") -> Path:
    args = ["form", "p01", "--period", period, str(out), "--data", str(data), "--as-of", str(AS_OF)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def _fill(path: Path, cells: dict[tuple[str, str], Any]) -> Path:
    book = load_workbook(path)
    for (sheet, coord), value in cells.items():
        book[sheet][coord].value = value
    book.save(path)
    return path


def _import(data: Path, form: Path) -> Any:
    args = ["import", str(form), "--data", str(data), "--as-of", str(AS_OF), "--lang", "en"]
    return runner.invoke(app, args)


def _snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts and p.name != ".yunhe.lock"
    }


def _read(data: Path, rel: str) -> str:
    return (data / rel).read_text(encoding="utf-8")


def test_a_quarter_months_form_has_the_assessment_and_the_open_items(data: Path, tmp_path: Path) -> None:
    book = load_workbook(_form(data, tmp_path / "p01-2026-09.xlsx"))
    assert book.sheetnames == ["报送", "主要指标", "重点任务", "问题销号", "形势研判", "督办反馈", "_yunhe"]
    assert book["报送"]["A12"].value == "本月另有工作表“形势研判”“督办反馈”，请一并填写；空着的不导入。"
    sheet = book["形势研判"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_row=8)]
    assert rows[0] == ["事项", "参考", "填写"]
    assert rows[1][:2] == ["季度", "2026-Q3"] and rows[2][:2] == ["研判单位", "县发改局"]
    # No Q3 entry: the four cells empty, as `yunhe assess` drafts them; its facts beside them.
    assert [r[0] for r in rows[3:]] == ["研判结论", "进展", "风险与困难", "下一步"]
    assert [r[2] for r in rows[3:]] == [None, None, None, None]
    assert all(not sheet[f"C{r}"].protection.locked for r in range(5, 9))
    assert sheet["A5"].protection.locked and sheet["B5"].protection.locked and sheet["C3"].protection.locked
    lists = [(str(dv.sqref), dv.formula1) for dv in sheet.data_validations.dataValidation]
    assert lists == [("C5", '"绿,黄,红"')]
    # What `yunhe assess` would record as facts (as of the import day: the board day is later).
    assert sheet["B6"].value == "截至2026-10-05：指标绿5、黄1、红1、无数据0"
    assert sheet["B7"].value == "逾期任务：无；未销号问题：p01-002"
    feedback = book["督办反馈"]
    got = [[c.value for c in row] for row in feedback.iter_rows(min_row=2, max_row=feedback.max_row)]
    assert got == [
        ["编号", "督办要求", "办理时限", "办理情况", "反馈日期"],
        ["p01-s001", "督促加快重大项目开工前期工作，按期报送进展", dt.datetime(2026, 10, 31), None, None],
    ]
    assert not feedback["D3"].protection.locked and not feedback["E3"].protection.locked
    assert feedback["C3"].protection.locked


def test_the_filled_sheets_are_written_with_the_report(data: Path, tmp_path: Path) -> None:
    form = _fill(
        _form(data, tmp_path / "p01-2026-09.xlsx"),
        {
            **SUBMITTED,
            ("形势研判", "C5"): "黄",
            ("形势研判", "C6"): "完成投资进度符合预期",
            ("形势研判", "C7"): "要素保障偏紧",
            ("督办反馈", "D3"): "已完成前期审批",
            ("督办反馈", "E3"): dt.date(2026, 10, 4),
        },
    )
    result = _import(data, form)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "wrote indicators/p01/2026-09.yaml (p01 2026-09, from p01-2026-09.xlsx): submitted\n"
        "wrote p01's assessment of 2026-Q3 in assessments/p01.yaml (from p01-2026-09.xlsx)\n"
        "answered p01-s001 in supervision/p01.yaml (from p01-2026-09.xlsx)\n"
    )
    # A new entry by the lead unit, dated as of the import; 下一步 left empty is not written.
    assert _read(data, "assessments/p01.yaml") == HEAD + Q2.format(rating="绿") + (
        "  - quarter: 2026-Q3\n"
        "    written_on: 2026-10-05\n"
        "    written_by: 县发改局\n"
        "    rating: 黄\n"
        "    progress: 完成投资进度符合预期\n"
        "    risks: 要素保障偏紧\n"
    )
    assert _read(data, "supervision/p01.yaml") == ITEM + (
        "      - on: 2026-10-04\n        text: 已完成前期审批\n"
    )
    # The same form again changes nothing: the entry says what the form says, the answer is there.
    before = _snapshot(data)
    again = _import(data, form)
    assert again.exit_code == 0, again.output
    assert (
        again.stdout
        == "unchanged indicators/p01/2026-09.yaml (p01 2026-09, from p01-2026-09.xlsx): submitted\n"
    )
    assert _snapshot(data) == before


def test_a_form_prefilled_from_the_quarters_entry_updates_it(data: Path, tmp_path: Path) -> None:
    form = _form(data, tmp_path / "p01-2026-06.xlsx", "2026-06")
    sheet = load_workbook(form)["形势研判"]
    assert [sheet[f"C{r}"].value for r in range(5, 9)] == [
        "绿",
        "各项指标按计划推进，重点任务节点如期完成。",
        "个别项目要素保障仍需跟进。",
        "继续按月调度，确保完成年度目标。",
    ]
    result = _import(data, _fill(form, {("形势研判", "C5"): "红"}))
    assert result.exit_code == 0, result.output
    assert "updated p01's assessment of 2026-Q2 in assessments/p01.yaml" in result.stdout
    assert _read(data, "assessments/p01.yaml") == HEAD + Q2.format(rating="红")
    assert _read(data, "supervision/p01.yaml") == ITEM  # 督办反馈 left empty: nothing written


def test_a_month_that_closes_no_quarter_has_no_assessment_sheet(data: Path, tmp_path: Path) -> None:
    book = load_workbook(_form(data, tmp_path / "p01-2026-08.xlsx", "2026-08"))
    assert book.sheetnames == ["报送", "主要指标", "重点任务", "问题销号", "督办反馈", "_yunhe"]
    assert book["报送"]["A12"].value == "本月另有工作表“督办反馈”，请一并填写；空着的不导入。"


def test_empty_sheets_write_nothing_of_the_mechanism(data: Path, tmp_path: Path) -> None:
    before = _snapshot(data)
    form = _fill(_form(data, tmp_path / "p01-2026-09.xlsx"), {**SUBMITTED, ("主要指标", "H3"): 60})
    result = _import(data, form)
    assert result.exit_code == 0, result.output
    assert (
        result.stdout == "wrote indicators/p01/2026-09.yaml (p01 2026-09, from p01-2026-09.xlsx): submitted\n"
    )
    after = _snapshot(data)
    assert [rel for rel in after if after[rel] != before.get(rel)] == ["indicators/p01/2026-09.yaml"]


def _close_item(data: Path) -> None:
    path = data / "supervision" / "p01.yaml"
    path.write_text(
        ITEM.replace("    status: open\n", "    status: closed\n") + "    closed_on: 2026-10-01\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    ("cells", "closed", "expected"),
    [
        (
            {("形势研判", "C5"): "蓝"},
            False,
            "p01-2026-09.xlsx!形势研判!C5: S105 '蓝' is not allowed; choose 绿, 黄 or 红",
        ),
        (
            {("督办反馈", "D3"): "已完成", ("督办反馈", "E3"): dt.date(2026, 10, 6)},
            False,
            "p01-2026-09.xlsx!督办反馈!E3: W503 2026-10-06 is in the future (today is 2026-10-05)",
        ),
        (
            {("督办反馈", "D3"): "已完成", ("督办反馈", "E3"): dt.date(2026, 8, 1)},
            False,
            "p01-2026-09.xlsx!督办反馈!E3: W503 2026-08-01 is before p01-s001 was issued (2026-08-05)",
        ),
        (
            {("督办反馈", "E3"): dt.date(2026, 10, 4)},
            False,
            "p01-2026-09.xlsx!督办反馈!D3: S101 p01-s001: 办理情况 is empty",
        ),
        (
            {("督办反馈", "D3"): "已完成", ("督办反馈", "E3"): dt.date(2026, 10, 4)},
            True,
            "p01-2026-09.xlsx!督办反馈!D3: W510 p01-s001 was closed (办结) on 2026-10-01 already",
        ),
    ],
)
def test_bad_input_is_placed_at_its_cell_and_nothing_is_written(
    data: Path, tmp_path: Path, cells: dict[tuple[str, str], Any], closed: bool, expected: str
) -> None:
    form = _fill(_form(data, tmp_path / "p01-2026-09.xlsx"), {**SUBMITTED, **cells})
    if closed:  # closed by the office after the form was made
        _close_item(data)
    before = _snapshot(data)
    result = _import(data, form)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0] == f"{tmp_path}/{expected}"
    assert "nothing was written" in result.stderr
    assert _snapshot(data) == before


def test_the_placed_problems_read_in_chinese_by_default(data: Path, tmp_path: Path) -> None:
    form = _fill(
        _form(data, tmp_path / "p01-2026-09.xlsx"),
        {**SUBMITTED, ("形势研判", "C5"): "蓝", ("督办反馈", "E3"): dt.date(2026, 10, 4)},
    )
    before = _snapshot(data)
    result = runner.invoke(app, ["import", str(form), "--data", str(data), "--as-of", str(AS_OF)])
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"{form}!形势研判!C5: S105 值不在允许的选项中：'蓝' 不是允许的值；请选择 绿、黄 或 红\n"
        f"{form}!督办反馈!D3: S101 缺少必填的键：p01-s001：请填写办理情况\n"
        "未写入任何内容\n"
    )
    assert _snapshot(data) == before
