"""yunhe export parquet, read back by DuckDB with the documented queries (examples/parquet/province.sql).

Skipped when the optional extra is absent (pip install 'yunhe[parquet]'); .ci/run installs it.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.outputs.parquet import partition_value

from .conftest import ROOT

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

runner = CliRunner()
SAMPLE = ROOT / "examples" / "sample"
QUERIES = ROOT / "examples" / "parquet" / "province.sql"
DAY = ["--as-of", "2026-11-15"]


def _counties(tmp_path: Path) -> tuple[Path, Path]:
    """Two SYNTHETIC counties: the sample, and the sample with p01's October investment 10 higher."""
    east, west = tmp_path / "east", tmp_path / "west"
    shutil.copytree(SAMPLE, east)
    shutil.copytree(SAMPLE, west)
    report = west / "indicators" / "p01" / "2026-10.yaml"
    text = report.read_text(encoding="utf-8")
    assert "    value: 52.09\n" in text  # p01's latest investment figure in the sample
    report.write_text(text.replace("    value: 52.09\n", "    value: 62.09\n", 1), encoding="utf-8")
    return east, west


def _queries(out: Path) -> list[str]:
    text = QUERIES.read_text(encoding="utf-8").replace("'OUT/", f"'{out.as_posix()}/")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    return [q.strip() for q in body.split(";") if q.strip()]


def test_the_documented_queries_over_two_counties(tmp_path: Path) -> None:
    east, west = _counties(tmp_path)
    out = tmp_path / "snapshot"
    result = runner.invoke(
        app, ["export", "parquet", str(out), "--data", str(east), "--data", str(west), *DAY]
    )
    assert result.exit_code == 0, result.output
    by_status, totals = _queries(out)

    # Query 1 against each county's own `yunhe indicators` (the roll-up, not re-implemented).
    rows = duckdb.sql(by_status).fetchall()
    for county, off_track, at_risk, on_track, achieved, no_data in rows:
        listed = runner.invoke(
            app, ["indicators", "--data", str(tmp_path / county), *DAY, "--format", "json"]
        )
        counts = {"off_track": 0, "at_risk": 0, "on_track": 0, "achieved": 0, "no_data": 0}
        for indicator in json.loads(listed.stdout)["indicators"]:
            counts[indicator["status"]] += 1
        assert (off_track, at_risk, on_track, achieved, no_data) == tuple(counts.values())
    assert sorted(r[0] for r in rows) == ["east", "west"]

    # Query 2: p01's investment is reported year to date; the latest figure is October's,
    # 52.09 in east and 62.09 in west: 52.09 + 62.09 = 114.18, exactly.
    found = {(p, i): (total, n) for p, i, _unit, total, n in duckdb.sql(totals).fetchall()}
    assert found[("p01", "investment")] == (Decimal("114.18"), 2)


def test_a_county_exported_again_replaces_only_its_own_partitions(tmp_path: Path) -> None:
    east, west = _counties(tmp_path)
    out = tmp_path / "snapshot"
    assert runner.invoke(app, ["export", "parquet", str(out), "--data", str(east), *DAY]).exit_code == 0
    assert runner.invoke(app, ["export", "parquet", str(out), "--data", str(west), *DAY]).exit_code == 0
    assert runner.invoke(app, ["export", "parquet", str(out), "--data", str(west), *DAY]).exit_code == 0
    tasks = f"read_parquet('{out.as_posix()}/tasks/**/*.parquet', hive_partitioning = true)"
    per_county = dict(duckdb.sql(f"SELECT county, count(*) FROM {tasks} GROUP BY county").fetchall())
    # the sample's ten projects list 62 key tasks (the README's table: 合计 …/62)
    assert per_county == {"east": 62, "west": 62}
    meta = json.loads((out / "_yunhe" / "county=west.json").read_text(encoding="utf-8"))
    assert meta["county"] == "west" and meta["as_of"] == "2026-11-15"
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]  # no staging left behind


def test_reports_hold_every_published_figure(tmp_path: Path) -> None:
    east, _ = _counties(tmp_path)
    out = tmp_path / "snapshot"
    assert runner.invoke(app, ["export", "parquet", str(out), "--data", str(east), *DAY]).exit_code == 0
    reports = f"read_parquet('{out.as_posix()}/reports/**/*.parquet', hive_partitioning = true)"
    value = duckdb.sql(
        f"SELECT value FROM {reports} "
        "WHERE project = 'p01' AND period = '2026-10' AND indicator = 'investment'"
    ).fetchall()
    assert value == [(Decimal("52.09"),)]


def test_partition_values_cannot_climb_out() -> None:
    assert partition_value("云和县") == "云和县"
    assert partition_value("a/b=c%d") == "a%2Fb%3Dc%25d"
    assert partition_value("..") == ".."  # a segment, never a separator: stays under county=


def test_two_counties_of_one_name_never_replace_each_other(tmp_path: Path) -> None:
    north, south = tmp_path / "north" / "yunhe" / "data", tmp_path / "south" / "yunhe" / "data"
    shutil.copytree(SAMPLE, north)
    shutil.copytree(SAMPLE, south)
    out = tmp_path / "snapshot"
    assert runner.invoke(app, ["export", "parquet", str(out), "--data", str(north), *DAY]).exit_code == 0
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    meta = (out / "_yunhe" / "county=yunhe.json").read_bytes()
    again = runner.invoke(app, ["export", "parquet", str(out), "--data", str(north), *DAY])
    assert again.exit_code == 0  # the same county again replaces its own partitions
    result = runner.invoke(app, ["export", "parquet", str(out), "--data", str(south), *DAY])
    assert result.exit_code == 2
    said = "".join(ch for ch in result.stderr if ch not in " │\n")  # the usage box wraps lines
    assert f"alreadyholdsthecounty'yunhe'from{north.resolve()},notfrom{south}" in said
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    assert json.loads((out / "_yunhe" / "county=yunhe.json").read_bytes())["folder"] == str(north.resolve())
    assert json.loads(meta)["folder"] == str(north.resolve())


def test_a_snapshot_inside_the_data_folder_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    files = sorted(p for p in data.rglob("*"))
    for out in (data, data / "snapshot"):
        result = runner.invoke(app, ["export", "parquet", str(out), "--data", str(data), *DAY])
        assert result.exit_code == 2
        assert "isinsidethedatafolder" in "".join(ch for ch in result.stderr if ch not in " │\n")
    assert sorted(p for p in data.rglob("*")) == files
