"""Problems said in Chinese, detail included: the most common mistakes on the synthetic sample
give whole Chinese lines (the names and values quoted as found), and every Chinese detail
template uses only fields its English pattern has."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.core.problems import CODES
from yunhe_cli.edits.problems import nearest_ids
from yunhe_cli.outputs.problem_details import DETAILS_ZH, detail_zh

from .conftest import DATA

SAMPLE = DATA.parent / "examples" / "sample"
runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".*"))

    def edit(rel: str, old: str, new: str) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) >= 1, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    edit("indicators/p01/2026-10.yaml", "value: 52.09", "value: 52亿")
    edit("indicators/p01/2026-10.yaml", "    percent: 48", "    percent: 148")
    edit("indicators/p02/2026-10.yaml", "submitted_by: 县经商局", "submitted_by: 县经商")
    edit("indicators/p02/2026-10.yaml", "task: deployment", "task: deploymnt")
    edit("projects/p03.yaml", "convener: 颜韬", "convener: 张三")
    edit("issues/p02.yaml", "status: open", "status: opened")
    return root


def test_common_mistakes_are_said_in_chinese_with_their_detail(broken: Path) -> None:
    done = runner.invoke(app, ["validate", "--data", str(broken), "--as-of", "2026-11-20"])
    shown = done.output.replace(str(broken) + "/", "")
    assert done.exit_code == 1
    # each line worked out from the edit: the key path is kept, the value quoted as found, the
    # hint of the English text said in Chinese ("did you mean" included)
    assert shown.splitlines() == [
        "indicators/p01/2026-10.yaml:13:12: S104 应填数字却是文字：values[2].value：'52亿' 不是数字；"
        "只写数字，不加引号或单位",
        "indicators/p01/2026-10.yaml:31:14: S107 值违反模式规则：tasks[2].percent：应不大于 100",
        "indicators/p02/2026-10.yaml:6:15: R203 单位不在单位名录中：单位 '县经商' 不在 units.yaml 中；"
        "是否想写 '县经商局'？",
        "indicators/p02/2026-10.yaml:17:11: R207 工程没有这项重点任务：工程 p02 没有重点任务 'deploymnt'；"
        "是否想写 'deployment'？",
        "issues/p02.yaml:10:13: S105 值不在允许的选项中：problems[0].status：'opened' 不是允许的值；"
        "请用以下之一：'open'、'closed'",
        "projects/p03.yaml:9:11: R204 人员不在人员名录中：'张三' 不在 people.yaml 中",
        "451个文件中有6个问题",
    ]
    english = runner.invoke(app, ["validate", "--lang", "en", "--data", str(broken), "--as-of", "2026-11-20"])
    assert "R204 '张三' is not in people.yaml" in english.output
    assert "是否" not in english.output


def test_every_detail_template_uses_the_fields_of_its_pattern() -> None:
    for code, patterns in DETAILS_ZH.items():
        assert code in CODES, code
        for pattern, template in patterns:
            fields = set(re.findall(r"{(\w+)", template))
            assert fields <= set(re.compile(pattern).groupindex), (code, pattern)
            assert CJK.search(template), (code, template)


def test_a_detail_no_pattern_knows_is_kept_as_written() -> None:
    said = detail_zh("W511", "there is no supervision item 'p01-s009'; the nearest ids: p01-s001, p01-s002")
    assert said == "没有督办事项 'p01-s009'；最接近的编号：p01-s001、p01-s002"
    assert detail_zh("S101", "something new") == "something new"
    assert detail_zh("R205", "there is no project 'p11'; did you mean 'p01'?") == (
        "没有工程 'p11'；是否想写 'p01'？"
    )
    assert detail_zh(
        "D304", "closed on 2026-12-01 is after 2026-11-20, the day checked on; it cannot be yet"
    ) == ("销号日期 2026-12-01 晚于检查日 2026-11-20，不可能已经发生")


def test_an_unknown_problem_id_is_said_with_the_nearest_ids_and_no_place_in_a_file(tmp_path: Path) -> None:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".*"))
    before = {p: p.read_bytes() for p in root.rglob("*.yaml")}
    args = ["issue", "close", "p01-009", "--data", str(root), "--on", "2026-11-20", "--resolution", "x"]
    done = runner.invoke(app, [*args, "--as-of", "2026-11-20"])
    # p01 holds p01-001..p01-003: distances 6, 7, 8 from 009
    assert done.exit_code == 1
    assert done.stderr == (
        "ID: W502 没有这个编号的问题：没有问题 'p01-009'；最接近的编号：p01-003、p01-002、p01-001\n"
        "未写入任何内容\n"
    )
    english = runner.invoke(app, ["--lang", "en", *args, "--as-of", "2026-11-20"])
    assert english.stderr == (
        "ID: W502 there is no problem 'p01-009'; the nearest ids: p01-003, p01-002, p01-001\n"
        "nothing was written\n"
    )
    assert {p: p.read_bytes() for p in root.rglob("*.yaml")} == before


def test_the_nearest_ids_are_of_the_same_project_by_number() -> None:
    known = [f"p01-00{i}" for i in (1, 2, 3, 4, 6, 7)] + ["p02-005"]
    assert nearest_ids("p01-005", known) == ["p01-004", "p01-006", "p01-003"]  # 1, 1, 2 away
    # no id of p09: the most alike by spelling, p01-001 first (6 of 7 characters alike)
    assert nearest_ids("p09-001", known)[0] == "p01-001"
    assert nearest_ids("x", known) == []


def test_the_percent_hint_follows_the_indicators_unit(tmp_path: Path) -> None:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".*"))
    report = root / "indicators" / "p01" / "2026-10.yaml"
    text = report.read_text(encoding="utf-8")
    # values[2] is investment (亿元), values[3] investment-growth (%)
    report.write_text(
        text.replace("value: 52.09", "value: 63%").replace("value: 15.12", "value: 63%"), "utf-8"
    )
    done = runner.invoke(app, ["validate", "--data", str(root), "--as-of", "2026-11-20"])
    assert done.output.replace(str(root) + "/", "").splitlines() == [
        "indicators/p01/2026-10.yaml:13:12: S104 应填数字却是文字：values[2].value：'63%' 不是数字；"
        "该指标的单位是 亿元，不是百分比：请按 亿元 只写数字，不加 %",
        "indicators/p01/2026-10.yaml:15:12: S104 应填数字却是文字：values[3].value：'63%' 不是数字；"
        "请写 63，不加 %：该指标的单位是 %",
        "451个文件中有2个问题",
    ]


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (["remind", "--within", "-3"], "'--within' 的值无效：应为 0 或更大", "'--within': give 0 or more"),
        (
            ["assess", "p01", "--lock-timeout", "-1"],
            "'--lock-timeout' 的值无效：应为 0 或更大",
            "give 0 or more",
        ),
    ],
)
def test_an_option_below_its_bound_is_said_in_the_users_terms(args: list[str], zh: str, en: str) -> None:
    chinese = runner.invoke(app, [*args, "--data", str(SAMPLE)], env={"COLUMNS": "120"})
    english = runner.invoke(app, ["--lang", "en", *args, "--data", str(SAMPLE)], env={"COLUMNS": "120"})
    assert chinese.exit_code == english.exit_code == 2
    assert zh in chinese.stderr and en in english.stderr
    assert "Input should be" not in chinese.stderr + english.stderr


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["close", "p03-001", "--on", "2026-11-12"],
            "issues/p03.yaml:5:9: W501 问题已销号：p03-001 已于 2025-03-24 销号",
        ),
        (
            ["close", "p03-003", "--on", "2026-08-01"],
            "issues/p03.yaml:23:9: W503 此项变更的日期不可能成立（早于问题提出等）："
            "2026-08-01 早于 p03-003 的提出日期（2026-08-02）",
        ),
        (
            ["close", "p03-003", "--on", "2026-12-09"],
            "issues/p03.yaml:23:9: W503 此项变更的日期不可能成立（早于问题提出等）："
            "2026-12-09 在今天（2026-11-15）之后",
        ),
    ],
)
def test_a_refused_write_says_why_in_chinese(tmp_path: Path, args: list[str], line: str) -> None:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".*"))
    # p03-001 was crossed off on 2025-03-24; p03-003 was raised on 2026-08-02 and is open
    done = runner.invoke(
        app, ["issue", *args, "--resolution", "x", "--data", str(root), "--as-of", "2026-11-15"]
    )
    assert done.exit_code == 1
    assert done.stderr.replace(str(root) + "/", "") == f"{line}\n未写入任何内容\n"


# ----------------------------------------------------------------------------- the form's problems


def test_a_clerks_form_problems_are_said_in_chinese() -> None:
    # each English detail exactly as forms/read.py and forms/apply.py write it; the Chinese by hand
    said = {
        (
            "X704",
            "this locked cell was changed from '县发改局' to '发改局'; only the yellow cells take input "
            "(make a new form with yunhe form if the plan's data changed)",
        ): "这个锁定的单元格从 '县发改局' 改成了 '发改局'；只有黄色单元格可以填写"
        "（规划数据有变时，请用 yunhe form 重新生成报表）",
        ("X704", "'12' is written outside the form's input cells"): "'12' 写在了报表的填写区之外",
        ("X705", "the cells B3:C3 are merged; unmerge them (取消合并)"): "单元格 B3:C3 被合并了；请取消合并",
        ("X705", "row 6 is hidden; show it (取消隐藏) and check it"): "第 6 行被隐藏了；请取消隐藏并核对",
        ("X705", "column D is hidden; show it (取消隐藏) and check it"): "D 列被隐藏了；请取消隐藏并核对",
        (
            "X705",
            "a row was inserted above 'deployment 动员部署'; delete it",
        ): "在 'deployment 动员部署' 上方插入了一行；请删除",
        (
            "X705",
            "the workbook has an extra sheet 'Sheet1'; a form holds only its own sheets",
        ): "工作簿多了工作表 'Sheet1'；报表只能有它自己的工作表",
        ("X707", "the form is empty: nothing was filled in"): "报表是空的；请填写后再导入",
        (
            "X708",
            "p01 2026-09 was submitted on 2026-10-08; a form changes a submitted month only with "
            "--revise --reason TEXT (recorded under revisions:)",
        ): "p01 2026-09 已于 2026-10-08 报送；用报表修改已报送的月份，"
        "须加 --revise --reason 说明（记入 revisions:）",
        (
            "X709",
            "报送日期 (submission date) is empty: the report would be a draft and 2026-10 would still "
            "count as missing; fill it in, or import with --draft if a draft is meant",
        ): "报送日期为空：这份月报将是草稿，2026-10 仍算缺报；请填写报送日期，若确是草稿请用 --draft 导入",
    }
    for (code, detail), chinese in said.items():
        assert detail_zh(code, detail) == chinese, detail


def test_an_empty_form_is_refused_in_chinese(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(DATA.parent / "examples" / "sample", root)
    (root / "indicators" / "p01" / "2026-10.yaml").unlink()
    form = tmp_path / "f.xlsx"
    made = runner.invoke(
        app, ["form", "p01", "--period", "2026-10", str(form), "--data", str(root), "--as-of", "2026-11-05"]
    )
    assert made.exit_code == 0, made.output
    result = runner.invoke(
        app, ["--lang", "zh", "import", str(form), "--data", str(root), "--as-of", "2026-11-05"]
    )
    assert result.exit_code == 1
    assert "f.xlsx!主要指标!H3: X707 什么也没有填写：报表是空的；请填写后再导入" in result.stderr
