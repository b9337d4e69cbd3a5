"""The analyst's everyday: usage errors that say what to do, names that resolve, help in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.cli import app

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
