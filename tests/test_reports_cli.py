"""The four report commands on examples/sample: whole outputs compared with golden files.

Set YUNHE_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change, then review
the diff like any other change.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner
from wcwidth import wcswidth

from yunhe_cli.cli.app import app
from yunhe_cli.outputs.formats import DOCUMENT_RENDERERS, TABLE_RENDERERS, OutputFormat
from yunhe_cli.outputs.labels import LABELS, MARKERS

from .conftest import DATA, MINIMAL, RepoMaker, check_golden

SAMPLE = DATA.parent / "examples" / "sample"
GOLDEN = Path(__file__).parent / "golden"
AS_OF = "2026-11-15"
COMMANDS = ("status", "indicators", "tasks", "issues")
TEXT_FORMATS = ("table", "plain", "markdown", "csv")
runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, [*args])
    assert result.exit_code == 0, result.stderr or result.stdout
    return result.stdout


CASES = [(c, f, lang) for c in COMMANDS for f in TEXT_FORMATS for lang in ("zh", "en")]


@pytest.mark.parametrize(("command", "fmt", "lang"), CASES, ids=[f"{c}-{f}-{lg}" for c, f, lg in CASES])
def test_golden_text(command: str, fmt: str, lang: str) -> None:
    out = run(command, "--data", str(SAMPLE), "--as-of", AS_OF, "--format", fmt, "--lang", lang)
    check_golden(f"{command}.{lang}.{fmt.replace('markdown', 'md')}", out)


@pytest.mark.parametrize("command", COMMANDS)
def test_golden_json(command: str) -> None:
    out = run(command, "--data", str(SAMPLE), "--as-of", AS_OF, "--format", "json")
    doc = json.loads(out)
    assert doc["version"] == 1 and doc["as_of"] == AS_OF
    check_golden(f"{command}.json", out)


def test_status_on_the_plan_data_flags_missing_reports_and_past_due_steps() -> None:
    doc = json.loads(run("status", "--data", str(DATA), "--as-of", AS_OF, "--format", "json"))
    assert len(doc["projects"]) == 10
    for project in doc["projects"]:
        assert project["reporting"]["last_period"] is None
        assert project["reporting"]["missing"][0] == "2023-05"  # the month after the plan was issued
        assert project["reporting"]["missing"][-1] == "2026-10"  # due on 10 November
        assert project["tasks"]["overdue"] == 2  # 制定方案 (mid-April 2023) and 动员部署 (30 April 2023)
    assert doc["totals"]["indicators"]["no_data"] == 82


def test_status_targets_shown_on_the_plan_data() -> None:
    out = run(
        "indicators", "--data", str(DATA), "--as-of", AS_OF, "--format", "plain", "--lang", "zh", "-p", "3"
    )
    # the target as the plan writes it (R&D经费支出占GDP比重达到2%以上), with its owner beside it
    row = next(line for line in out.splitlines() if "全社会R&D经费支出占GDP比重" in line)
    assert row.split()[2:4] == ["县科技局", "2%以上"]


def test_filters() -> None:
    base = ("--data", str(SAMPLE), "--as-of", AS_OF, "--format", "json")
    overdue = json.loads(run("tasks", *base, "--overdue"))["tasks"]
    assert {(t["project"], t["id"]) for t in overdue} == {
        ("p06", "deployment"),
        ("p09", "implementation-plan"),
    }
    mine = json.loads(run("status", *base, "--convener", "赵建勇"))["projects"]
    assert [p["id"] for p in mine] == sorted(
        (p["id"] for p in mine), key=lambda i: [p["id"] for p in mine].index(i)
    )
    assert {p["id"] for p in mine} == {"p08", "p10"}
    led = json.loads(run("status", *base, "--unit", "fgj"))["projects"]
    assert {p["id"] for p in led} == {"p01", "p04", "p09"}
    off = json.loads(run("indicators", *base, "--status", "off_track"))["indicators"]
    assert off and all(i["status"] == "off_track" for i in off)
    closed = json.loads(run("issues", *base, "--status", "closed", "-p", "p04"))["problems"]
    assert closed and all(q["status"] == "closed" and q["project"] == "p04" for q in closed)
    late = json.loads(run("issues", *base, "--overdue"))["problems"]
    assert late and all(q["overdue"] and q["status"] == "open" for q in late)


def test_usage_errors_exit_2() -> None:
    assert runner.invoke(app, ["status", "--as-of", "2026-13-01"]).exit_code == 2
    assert runner.invoke(app, ["status", "--data", str(SAMPLE), "--project", "p99"]).exit_code == 2
    assert runner.invoke(app, ["indicators", "--data", str(SAMPLE), "--status", "late"]).exit_code == 2
    assert runner.invoke(app, ["status", "--format", "xml"]).exit_code == 2


def test_bad_data_still_reports_and_exits_1(make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": "project: p01\nperiod: 2023-05\nvalues: 3\n"})
    result = runner.invoke(app, ["status", "--data", str(root), "--as-of", AS_OF, "--format", "plain"])
    assert result.exit_code == 1
    assert "S103" in result.stderr
    assert "测试工程" in result.stdout or "p01" in result.stdout


# ----------------------------------------------------------------------------- rendering


def test_every_format_has_one_renderer() -> None:
    assert set(TABLE_RENDERERS) | set(DOCUMENT_RENDERERS) == set(OutputFormat)
    assert not set(TABLE_RENDERERS) & set(DOCUMENT_RENDERERS)


def test_every_label_in_both_languages() -> None:
    for key, (zh, en) in LABELS.items():
        assert zh and en, key
        assert (
            re.search(r"[\u4e00-\u9fff]", zh) or zh in ("{first}",) or zh == en or key == "missing.count"
        ), key
        # the form's rating hints name the values its cell takes, which the data writes in Chinese (绿/黄/红)
        rating = key in ("form.mech.rating_hint", "form.mech.rating_valid")
        assert not re.search(r"[\u4e00-\u9fff]", en) or rating, key
    for status in MARKERS:
        assert f"status.{status}" in LABELS


def display_columns(line: str) -> dict[int, str]:
    """Display column -> the character that starts there (a wide character takes two columns)."""
    out, col = {}, 0
    for ch in line:
        out[col] = ch
        col += max(wcswidth(ch), 0)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", COMMANDS)
def test_plain_columns_line_up_by_display_width(command: str, lang: str) -> None:
    out = run(command, "--data", str(SAMPLE), "--as-of", AS_OF, "--format", "plain", "--lang", lang)
    lines = out.splitlines()
    rule = next(line for line in lines if line.startswith("--"))
    starts = [m.start() for m in re.finditer(r"-+", rule)]
    rows = lines[lines.index(rule) + 1 :]
    legends = ("指标状态", "Indicators:", "排序：", "Order:", "滞后、预警数相同者", "Mean progress vs path")
    rows = [r for r in rows if r.strip() and not r.startswith(legends)]
    assert rows
    for row in rows:
        cols = display_columns(row)
        for start in starts[1:]:
            # a cell starts exactly at its column (no wide character straddles it), after a space
            assert cols.get(start - 1, " ") == " " and (start in cols or start > max(cols)), (row, start)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", COMMANDS)
def test_markdown_pipes_line_up_by_display_width(command: str, lang: str) -> None:
    out = run(command, "--data", str(SAMPLE), "--as-of", AS_OF, "--format", "markdown", "--lang", lang)
    table = [line for line in out.splitlines() if line.startswith("|")]
    pipes = {tuple(c for c, ch in display_columns(line).items() if ch == "|") for line in table}
    assert len(pipes) == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rich_table_columns_line_up_by_display_width(lang: str) -> None:
    out = run("status", "--data", str(SAMPLE), "--as-of", AS_OF, "--format", "table", "--lang", lang)
    rows = [line for line in out.splitlines() if re.search(r"\b20\d\d-\d\d(?![-\d])", line)]
    assert len(rows) == 10
    # the "last report" column (a YYYY-MM) starts at the same display column on every row
    starts = {wcswidth(line[: re.search(r"\b20\d\d-\d\d(?![-\d])", line).start()]) for line in rows}  # type: ignore[union-attr]
    assert len(starts) == 1


def test_data_text_is_neither_markup_nor_escapes(make_repo: RepoMaker) -> None:
    project = MINIMAL["projects/p01.yaml"].replace("name: 测试工程", 'name: "[bold red]红[/] \\e[31mX"')
    root = make_repo({"projects/p01.yaml": project})
    for fmt in ("table", "plain", "markdown", "csv"):
        out = run("status", "--data", str(root), "--as-of", AS_OF, "--format", fmt, "--lang", "zh")
        assert "[bold red]红[/]" in out, fmt
        assert "\x1b" not in out, fmt
        assert "\\x1b[31mX" in out, fmt


def test_readme_report_example_is_valid(tmp_path: Path) -> None:
    import shutil

    from yunhe_cli.checks.validation import validate

    readme = (DATA.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    (root / "indicators" / "p01").mkdir()
    (root / "indicators" / "p01" / "2026-10.yaml").write_text(example, encoding="utf-8")
    assert validate(root)[1] == []


def test_readme_shows_what_status_prints() -> None:
    readme = (DATA.parent / "README.md").read_text(encoding="utf-8")
    command = ".venv/bin/yunhe status --data examples/sample --as-of 2026-11-15 --lang zh\n```\n\n```\n"
    shown = readme.split(command, 1)[1].split("```\n", 1)[0]
    out = run("status", "--data", str(SAMPLE), "--as-of", AS_OF, "--lang", "zh", "--format", "table")
    assert shown == out


def test_language_defaults_from_the_data_then_the_locale(
    monkeypatch: pytest.MonkeyPatch, make_repo: RepoMaker
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "YUNHE_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")  # the sample's plan.yaml says language: zh
    assert run("status", "--data", str(SAMPLE), "--as-of", AS_OF, "--format", "plain").startswith("云和县")
    root = make_repo(dict(MINIMAL))  # no language: the locale decides
    assert run("status", "--data", str(root), "--as-of", AS_OF, "--format", "plain").startswith("Ten Major")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert run("status", "--data", str(root), "--as-of", AS_OF, "--format", "plain").startswith("云和县")
