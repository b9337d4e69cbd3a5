"""What a write command says it did (its notice) is in the run's language: Chinese for the sample,
whose plan.yaml says `language: zh`, English with --lang en; every notice comes from the one
catalogue (`outputs.messages.TEXTS`), which has a Chinese text for each."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.outputs.messages import TEXTS

from .conftest import ROOT

SAMPLE = ROOT / "examples" / "sample"
PACKAGE = ROOT / "yunhe_cli"
runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")
FIELD = re.compile(r"\{(\w+)")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".*"))
    return root


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


# ------------------------------------------------------------------------------ the catalogue


def keys_used() -> dict[str, str]:
    """Every catalogue key the package passes as a literal to `text(…)` or `notice(…)`, and where."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args:
                name = node.func.id if isinstance(node.func, ast.Name) else None
                first = node.args[0]
                if (
                    name in ("text", "notice")
                    and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                ):
                    found.setdefault(first.value, f"{path.relative_to(ROOT)}:{node.lineno}")
        for node in ast.walk(tree):  # the keys a write hands to run_write or an import action names
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.fullmatch(r"notice\.\w+", node.value)
            ):
                found.setdefault(node.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_walk_finds_the_notices() -> None:
    used = keys_used()
    for key in (
        "notice.problem_closed",
        "notice.item_returned",
        "notice.import_closed",
        "notice.next",
        "wrote",
    ):
        assert key in used, key


def test_every_notice_has_a_chinese_text_with_the_same_fields() -> None:
    missing = []
    for key, where in sorted(keys_used().items()):
        zh, en = TEXTS.get(key, ("", ""))
        if not en or not CJK.search(zh) or sorted(FIELD.findall(zh)) != sorted(FIELD.findall(en)):
            missing.append(f"{where}: {key} zh={zh!r} en={en!r}")
    assert missing == []


def test_every_notice_in_the_catalogue_is_used() -> None:
    used = keys_used()
    assert [k for k in TEXTS if k.startswith("notice.") and k not in used] == []


def test_a_missing_chinese_text_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself: a notice without Chinese, or with other fields, fails it."""
    monkeypatch.setitem(TEXTS, "notice.problem_closed", ("", "closed {id} in {path}"))
    with pytest.raises(AssertionError):
        test_every_notice_has_a_chinese_text_with_the_same_fields()
    monkeypatch.setitem(TEXTS, "notice.problem_closed", ("已销号 {id}", "closed {id} in {path}"))
    with pytest.raises(AssertionError):
        test_every_notice_has_a_chinese_text_with_the_same_fields()


def test_no_write_command_writes_an_english_notice_of_its_own() -> None:
    """The commands print their notices through the catalogue, not as English f-strings."""
    said = re.compile(
        r"""write\(f?["'](wrote|added|closed|reopened|drafted|formatted|next:|feedback|sent back)"""
    )
    for name in ("edits.py", "mechanism.py", "forms.py", "setup.py"):
        source = (PACKAGE / "cli" / name).read_text(encoding="utf-8")
        assert said.findall(source) == [], name
    source = (PACKAGE / "forms" / "apply.py").read_text(encoding="utf-8")
    assert not re.search(r"""actions\.append\(f["']""", source)


# ------------------------------------------------------------------------------ the commands


def test_problem_notices_in_chinese(sample: Path) -> None:
    d, path = str(sample), sample / "issues" / "p03.yaml"
    day = ("--data", d, "--as-of", "2026-11-20")
    # p03's list holds p03-001 … p03-003: the next id is p03-004
    out = run(
        "issue", "add", "-p", "p03", "--title", "测试问题", "--owner", "县科技局", "--due", "2026-12-31", *day
    )
    assert out == f"已新增问题 p03-004，写入 {path}\n"
    out = run("issue", "close", "p03-004", "--resolution", "已解决", *day)
    assert out == f"已销号 p03-004，写入 {path}\n"
    out = run("issue", "reopen", "p03-004", "--reason", "复发", "--by", "江静", *day)
    assert out == f"已重新打开 p03-004，写入 {path}\n"
    # --lang en (the global option) keeps English
    out = run("--lang", "en", "issue", "close", "p03-004", "--resolution", "已解决", *day)
    assert out == f"closed p03-004 in {path}\n"


def test_supervision_and_assessment_notices_in_chinese(sample: Path) -> None:
    d, path = str(sample), sample / "supervision" / "p01.yaml"
    day = ("--data", d, "--as-of", "2026-11-20")
    # p01's supervision list holds p01-s001: the next id is p01-s002
    out = run(
        "supervise",
        "add",
        "-p",
        "p01",
        "--unit",
        "县发改局",
        "--due",
        "2026-12-31",
        "--requirement",
        "加快",
        *day,
    )
    assert out == f"已交办 p01-s002，写入 {path}\n"
    assert run("supervise", "feedback", "p01-s002", "--text", "已推进", *day) == (
        f"已记录 p01-s002 的办理情况，写入 {path}\n"
    )
    assert (
        run("supervise", "return", "p01-s002", "--reason", "材料不全", *day)
        == f"已退回 p01-s002，写入 {path}\n"
    )
    assert run("supervise", "close", "p01-s002", *day) == f"已办结 p01-s002，写入 {path}\n"
    # p03 has no assessments/p03.yaml in the sample
    out = run("assess", "p03", "--quarter", "2026-Q3", *day)
    assert out == f"已起草 2026-Q3 形势研判，写入 {sample / 'assessments' / 'p03.yaml'}\n"


def test_report_form_import_and_fmt_notices_in_chinese(sample: Path, tmp_path: Path) -> None:
    d = str(sample)
    out = run("report", "new", "p02", "--period", "2026-11", "--data", d, "--as-of", "2026-12-02")
    assert out == f"已写入 {sample / 'indicators' / 'p02' / '2026-11.yaml'}\n"
    form = tmp_path / "p01-2026-10.xlsx"
    assert run("form", "p01", str(form), "--period", "2026-10", "--data", d, "--as-of", "2026-11-20") == (
        f"已写入 {form}\n"
    )
    # the form as written, read back: the submitted report it came from, unchanged
    assert run("import", str(form), "--data", d, "--as-of", "2026-11-20") == (
        "未改动 indicators/p01/2026-10.yaml（p01 2026-10，来自 p01-2026-10.xlsx）：已报送\n"
    )
    assert run("import", str(form), "--data", d, "--as-of", "2026-11-20", "--lang", "en") == (
        "unchanged indicators/p01/2026-10.yaml (p01 2026-10, from p01-2026-10.xlsx): submitted\n"
    )
    files = len(list(sample.rglob("*.yaml")))  # every data file is a .yaml file
    assert files == 452  # the sample's 451 and the new report
    assert run("fmt", "--data", d) == f"{files}个文件均已是规范格式\n"
    units = sample / "units.yaml"
    units.write_text(
        units.read_text(encoding="utf-8").replace("\nunits:\n", "\nunits:   \n"), encoding="utf-8"
    )
    assert run("fmt", "--data", d) == f"已格式化 {units}\n"
