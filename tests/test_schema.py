"""The committed JSON Schemas are generated from the models and must be current."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.core.model import FILE_MODELS
from yunhe_cli.store.schema import schema_files, stale_schemas

from .conftest import DATA

SCHEMAS = DATA.parent / "schemas"


def test_committed_schemas_are_current() -> None:
    assert stale_schemas(SCHEMAS) == [], "run `yunhe schema` and commit schemas/"


def test_schema_check_command_detects_drift(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["schema", "--out", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["schema", "--out", str(tmp_path), "--check"]).exit_code == 0
    (tmp_path / "report.schema.json").write_text("{}", encoding="utf-8")
    result = runner.invoke(app, ["schema", "--out", str(tmp_path), "--check"])
    assert result.exit_code == 1
    assert "report.schema.json: out of date" in result.stderr


def test_schemas_carry_chinese_terms() -> None:
    project = json.loads(schema_files()["project.schema.json"])
    assert project["title"] == "重大工程 project"
    assert project["properties"]["convener"]["description"].startswith("召集人")
    assert project["additionalProperties"] is False
    assert set(schema_files()) == {f"{kind}.schema.json" for kind in FILE_MODELS}


def test_every_data_file_names_its_schema() -> None:
    kinds = {"plan.yaml": "plan", "units.yaml": "units", "people.yaml": "people"}
    for path in sorted(DATA.rglob("*.yaml")):
        rel = path.relative_to(DATA)
        kind = (
            kinds.get(rel.as_posix())
            or {"projects": "project", "indicators": "report", "issues": "problems"}[rel.parts[0]]
        )
        depth = len(rel.parts)
        expected = f"# yaml-language-server: $schema={'../' * depth}schemas/{kind}.schema.json"
        assert path.read_text(encoding="utf-8").splitlines()[0] == expected, rel
