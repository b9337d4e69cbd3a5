"""The analyst's everyday: usage errors that say what to do, names that resolve, help in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.cli.app import app

from .conftest import ROOT

SAMPLE = ROOT / "examples" / "sample"
AS_OF = "2026-11-15"
runner = CliRunner()


@pytest.mark.parametrize("command", ["status", "validate", "indicators"])
def test_a_folder_that_is_not_a_data_folder_is_a_usage_error(tmp_path: Path, command: str) -> None:
    for folder in (tmp_path / "nonexistent", tmp_path):
        result = runner.invoke(app, [command, "--data", str(folder)])
        assert result.exit_code == 2, result.output
        assert "plan.yaml" in result.output  # says what a data folder is


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--data", str(SAMPLE), "--as-of", AS_OF])
    return result.exit_code, result.stdout, result.output


@pytest.mark.parametrize(
    "ref", ["有效投资", "p01.investment", "1.investment", "Effective investment (cumulative"]
)
def test_history_takes_an_indicator_by_id_or_by_its_words(ref: str) -> None:
    code, out, _ = run("history", ref, "--format", "json")
    assert code == 0
    assert '"indicator": "investment"' in out and '"project": "p01"' in out


def test_an_unknown_indicator_suggests_the_nearest() -> None:
    code, _, output = run("history", "investmnt")
    assert code == 2
    assert "did you mean" in output and "p01.investment" in output
    code, _, output = run("history", "投资")  # a part of five names: which one?
    assert code == 2 and "more than one" in output


@pytest.mark.parametrize("ref", ["p01", "1", "双扩双争", "扩大有效投资“双扩双争”工程", "Investment"])
def test_a_project_by_id_number_or_name(ref: str) -> None:
    code, out, _ = run("status", "--project", ref, "--format", "json")
    assert code == 0
    assert [p["id"] for p in __import__("json").loads(out)["projects"]] == ["p01"]


@pytest.mark.parametrize(
    ("option", "ref"), [("--convener", "张三"), ("--unit", "发展局"), ("--project", "p99")]
)
def test_unknown_names_are_usage_errors(option: str, ref: str) -> None:
    code, _, output = run("status", option, ref)
    assert code == 2, output


def test_conveners_resolve_like_units() -> None:
    by_name = run("status", "--convener", "赵建勇", "--format", "json")[1]
    by_id = run("status", "--convener", "zhao-jianyong", "--format", "json")[1]
    assert by_name == by_id and '"p10"' in by_name


@pytest.mark.parametrize(
    "command", ["status", "indicators", "tasks", "issues", "dispatch", "quarter 2026-Q3"]
)
def test_csv_is_a_projection_of_the_json(command: str) -> None:
    """Every record of the JSON document is a CSV row with the same keys and the same values."""
    import csv
    import io
    import json

    _, out_json, _ = run(*command.split(), "--format", "json")
    _, out_csv, _ = run(*command.split(), "--format", "csv")
    doc = json.loads(out_json)
    rows = list(csv.DictReader(io.StringIO(out_csv)))
    tables = [(k, v) for k, v in doc.items() if isinstance(v, list) and v and isinstance(v[0], dict)]
    records = [(name, r) for name, value in tables for r in value]
    assert len(rows) == len(records)

    def flat(record: dict[str, object], prefix: str = "") -> dict[str, object]:
        out: dict[str, object] = {}
        for key, value in record.items():
            if isinstance(value, dict):
                out.update(flat(value, f"{prefix}{key}."))
            else:
                out[f"{prefix}{key}"] = value
        return out

    for row, (name, record) in zip(rows, records, strict=True):
        if len(tables) > 1:
            assert row["table"] == name
        for key, value in flat(record).items():
            cell = row[key].removeprefix("'")  # a leading ' keeps a spreadsheet from running a formula
            if value is None:
                assert cell == ""
            elif isinstance(value, bool):
                assert cell == ("true" if value else "false")
            elif isinstance(value, (int, float)):
                assert float(cell) == value, key
            elif isinstance(value, list):
                if all(not isinstance(v, (dict, list)) for v in value):
                    assert cell == ";".join(str(v) for v in value)
                else:
                    assert json.loads(cell) == value
            else:
                assert cell == value, key


def test_init_makes_a_data_repository_that_works(tmp_path: Path) -> None:
    county = tmp_path / "county"
    result = runner.invoke(app, ["init", str(county), "--first-period", "2024-01", "--org", "yunhe-gov"])
    assert result.exit_code == 0, result.output
    for rel in (
        ".gitignore",
        ".pre-commit-config.yaml",
        ".github/workflows/data.yml",
        "CODEOWNERS",
        "README.md",
    ):
        assert (county / rel).is_file(), rel
    assert ".yunhe.lock" in (county / ".gitignore").read_text(encoding="utf-8")
    assert "repo: local" in (county / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "first_period: 2024-01" in (county / "data" / "plan.yaml").read_text(encoding="utf-8")
    # the schema lines point at the schemas copied beside the data
    assert (county / "schemas" / "report.schema.json").is_file()
    status = runner.invoke(
        app, ["status", "--data", str(county / "data"), "--as-of", "2024-03-20", "--format", "json"]
    )
    assert status.exit_code == 0
    import json

    # counted from 2024-01: January's report was due on 10 February, February's on 10 March
    assert json.loads(status.stdout)["projects"][0]["reporting"]["missing"] == ["2024-01", "2024-02"]
    valid = runner.invoke(app, ["validate", "--data", str(county / "data")])
    assert valid.exit_code == 0


def test_init_refuses_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["init", str(tmp_path), "--first-period", "2024-01"])
    assert result.exit_code == 2 and "not an empty folder" in result.output
    result = runner.invoke(app, ["init", str(tmp_path / "new"), "--first-period", "2024-13"])
    assert result.exit_code == 2 and "YYYY-MM" in result.output


def _commands() -> list[tuple[str, object]]:
    import typer.main

    group = typer.main.get_command(app)
    out = []

    def walk(cmd: object, prefix: str) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, f"{prefix} {name}".strip())
        else:
            out.append((prefix, cmd))

    walk(group, "")
    return out


def test_every_command_and_option_has_a_chinese_help_line() -> None:
    import re

    cjk = re.compile(r"[\u4e00-\u9fff]")
    missing = []
    for name, cmd in _commands():
        if not cjk.search(getattr(cmd, "help", "") or ""):
            missing.append(name)
        for param in getattr(cmd, "params", []):
            text = getattr(param, "help", None)
            if text is not None and not cjk.search(text):
                missing.append(f"{name} {param.opts[0] if getattr(param, 'opts', None) else param.name}")
    assert missing == []
