"""Many counties in one call: each folder on its own, every answer labelled by its county."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.outputs.counties import counties, read_listing

from .conftest import ROOT

runner = CliRunner()
SAMPLE = ROOT / "examples" / "sample"
DAY = ["--as-of", "2026-11-15"]


def _two_counties(tmp_path: Path) -> tuple[Path, Path]:
    """The sample twice, as counties 'east' and 'west'; west has lost one problem list."""
    east, west = tmp_path / "east", tmp_path / "west"
    shutil.copytree(SAMPLE, east)
    shutil.copytree(SAMPLE, west)
    (west / "issues" / "p01.yaml").unlink()
    return east, west


def test_labels_are_folder_names_and_unique(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "data", tmp_path / "b" / "data"
    c = tmp_path / "c"
    for folder in (a, b, c):
        folder.mkdir(parents=True)
    labels = [x.label for x in counties([c, a, c])]
    assert labels == ["c", "a"]  # 'data' is named by the folder above; c once
    same = [x.label for x in counties([a, tmp_path / "x" / "a"])]
    assert same == [str(a), str(tmp_path / "x" / "a")]  # two counties called a: their paths


def test_listing_file(tmp_path: Path) -> None:
    listing = tmp_path / "counties.txt"
    listing.write_text("# the province\neast\n\n/abs/west  # absolute\n", encoding="utf-8")
    assert read_listing(listing) == [tmp_path / "east", Path("/abs/west")]


def test_status_json_has_each_county_on_its_own(tmp_path: Path) -> None:
    east, west = _two_counties(tmp_path)
    both = runner.invoke(app, ["status", "--data", str(east), "--data", str(west), *DAY, "--format", "json"])
    alone = {
        name: json.loads(
            runner.invoke(app, ["status", "--data", str(folder), *DAY, "--format", "json"]).stdout
        )
        for name, folder in (("east", east), ("west", west))
    }
    doc = json.loads(both.stdout)
    assert [c["county"] for c in doc["counties"]] == ["east", "west"]
    for county in doc["counties"]:
        label = county.pop("county")
        assert county == alone[label]
    # west has no problem list for p01, so nothing open there; the sample's
    # issues/p01.yaml holds exactly one entry with status: open (counted in the file)
    p01 = {c["county"]: c for c in json.loads(both.stdout)["counties"]}
    east_p01 = next(p for p in p01["east"]["projects"] if p["id"] == "p01")
    west_p01 = next(p for p in p01["west"]["projects"] if p["id"] == "p01")
    assert east_p01["problems"]["open"] == 1 and west_p01["problems"]["open"] == 0
    assert (SAMPLE / "issues" / "p01.yaml").read_text(encoding="utf-8").count("status: open") == 1


def test_issues_csv_has_a_county_column(tmp_path: Path) -> None:
    east, _west = _two_counties(tmp_path)
    listing = tmp_path / "list.txt"
    listing.write_text("east\nwest\n", encoding="utf-8")
    out = runner.invoke(app, ["issues", "--counties", str(listing), *DAY, "--format", "csv"]).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    one = list(
        csv.DictReader(
            io.StringIO(runner.invoke(app, ["issues", "--data", str(east), *DAY, "--format", "csv"]).stdout)
        )
    )
    east_rows = [r for r in rows if r.pop("county") == "east"]
    assert east_rows == one
    # west lost p01's list: the same problems less p01's
    assert len(rows) - len(east_rows) == len(one) - sum(1 for r in one if r["id"].startswith("p01-"))


def test_text_tables_are_titled_by_county(tmp_path: Path) -> None:
    east, west = _two_counties(tmp_path)
    out = runner.invoke(
        app, ["tasks", "--data", str(east), "--data", str(west), *DAY, "--format", "markdown", "--lang", "en"]
    ).stdout
    assert "county east · " in out and "county west · " in out
    assert out.index("county east") < out.index("county west")


def test_validate_many_reports_each_county_and_fails_for_any(tmp_path: Path) -> None:
    east, west = _two_counties(tmp_path)
    (west / "plan.yaml").unlink()
    result = runner.invoke(
        app,
        ["validate", "--data", str(east), "--data", str(west), "--format", "json", "--as-of", "2026-12-31"],
    )
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    east_doc, west_doc = doc["counties"]
    assert east_doc["county"] == "east" and east_doc["problems"] == []
    assert west_doc["county"] == "west" and any(p["code"] == "Y013" for p in west_doc["problems"])
    # the sample has 451 files (437, and 14 lists of assessments, supervision items and practices);
    # west lost two of them (issues/p01.yaml, plan.yaml)
    assert (east_doc["files"], west_doc["files"]) == (451, 449)


def test_many_folders_refuse_base(tmp_path: Path) -> None:
    east, west = _two_counties(tmp_path)
    result = runner.invoke(app, ["validate", "--data", str(east), "--data", str(west), "--base", "HEAD"])
    assert result.exit_code == 2


def test_export_parquet_without_pyarrow_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if it were not installed
    result = runner.invoke(app, ["export", "parquet", str(tmp_path / "out"), "--data", str(SAMPLE), *DAY])
    assert result.exit_code == 1
    assert "pip install 'yunhe[parquet]'" in result.stderr
    assert not (tmp_path / "out" / "indicators").exists()


def test_a_nul_in_the_listing_is_a_usage_error_at_its_line(tmp_path: Path) -> None:
    _two_counties(tmp_path)
    listing = tmp_path / "counties.txt"
    listing.write_text("east\nwe\0st\n", encoding="utf-8")
    result = runner.invoke(app, ["status", "--counties", str(listing), *DAY])
    assert result.exit_code == 2
    said = "".join(ch for ch in result.stderr if ch not in " │\n")  # the usage box wraps lines
    assert f"{listing}:2:thelineholdsthecontrolcharacter'\\x00';afolder'snamecannot" in said
    assert "Traceback" not in result.output
