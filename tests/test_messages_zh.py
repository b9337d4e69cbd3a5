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
    assert detail_zh("S101", "something new") == "something new"
    assert detail_zh("R205", "there is no project 'p11'; did you mean 'p01'?") == (
        "没有工程 'p11'；是否想写 'p01'？"
    )
    assert detail_zh(
        "D304", "closed on 2026-12-01 is after 2026-11-20, the day checked on; it cannot be yet"
    ) == ("销号日期 2026-12-01 晚于检查日 2026-11-20，不可能已经发生")
