"""The merge driver and the reminders through the command line: `yunhe init` starts git with the
driver registered, `yunhe setup` registers it in a clone, `yunhe merge-file` is what git calls,
`yunhe remind` prints what each unit owes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample"
runner = CliRunner()


def _git(top: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    done = subprocess.run(["git", "-C", str(top), *args], capture_output=True, text=True, env=env)
    return done.stdout.strip()


def test_init_starts_git_with_the_driver_registered(tmp_path: Path) -> None:
    county = tmp_path / "county"
    result = runner.invoke(app, ["init", str(county), "--first-period", "2026-10"])
    assert result.exit_code == 0, result.output
    assert (county / ".git").is_dir()
    assert (county / ".gitattributes").read_text(encoding="utf-8") == "data/**/*.yaml merge=yunhe\n"
    assert _git(county, "config", "--local", "merge.yunhe.driver") == "yunhe merge-file %O %A %B %P"
    assert "git init" not in result.stdout.splitlines()[-1]  # done already


def test_setup_registers_the_driver_once(tmp_path: Path) -> None:
    top = tmp_path / "clone"
    top.mkdir()
    _git(top, "init", "-q")
    subprocess.run(["cp", "-r", str(SAMPLE), str(top / "data")], check=True)
    first = runner.invoke(app, ["setup", "--data", str(top / "data")])
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines() == [
        ".gitattributes: data/**/*.yaml merge=yunhe",
        "git config merge.yunhe.name 'yunhe: semantic merge of plan data files'",
        "git config merge.yunhe.driver 'yunhe merge-file %O %A %B %P'",
    ]
    again = runner.invoke(app, ["setup", "--data", str(top / "data")])
    # in the data's language (the sample's plan.yaml says language: zh)
    assert again.exit_code == 0 and again.stdout == "合并驱动已配置，无需改动\n"


def test_setup_outside_git_is_a_usage_error(tmp_path: Path) -> None:
    outside = tmp_path / "data"
    subprocess.run(["cp", "-r", str(SAMPLE), str(outside)], check=True)
    result = runner.invoke(app, ["--lang", "en", "setup", "--data", str(outside)])
    assert result.exit_code == 2
    flat = "".join(ch for ch in result.output if not ch.isspace() and ch not in "│╭╮╰╯─")
    assert "Invalidvaluefor--data" in flat and "isnotinagitrepository" in flat


BASE = """\
project: p01
problems:
  - id: p01-001
    title: 用地指标不足
    owner: 县发改局
    raised_on: 2026-10-01
    due: 2026-12-31
    status: open
"""


def test_merge_file_is_what_git_calls(tmp_path: Path) -> None:
    ours_text = BASE.replace("    status: open\n", "    status: open\n    source: 月调度\n")
    theirs_text = BASE.replace("due: 2026-12-31", "due: 2027-01-31")
    paths = []
    for name, text in (("base", BASE), ("ours", ours_text), ("theirs", theirs_text)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    result = runner.invoke(app, ["merge-file", *paths, "data/issues/p01.yaml"])
    assert result.exit_code == 0, result.output
    merged = (tmp_path / "ours").read_text(encoding="utf-8")
    assert "due: 2027-01-31" in merged and "source: 月调度" in merged
    # a field changed on both sides: exit 1, one placed line, markers around that field only
    (tmp_path / "ours").write_text(BASE.replace("due: 2026-12-31", "due: 2027-02-28"), encoding="utf-8")
    result = runner.invoke(app, ["merge-file", *paths, "data/issues/p01.yaml"])
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if "M801" in line] != []
    assert "<<<<<<<" in (tmp_path / "ours").read_text(encoding="utf-8")


def test_remind_through_the_command_line() -> None:
    args = ["remind", "--data", str(SAMPLE), "--as-of", "2026-11-15", "--unit", "县交通运输局"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "【催报】县交通运输局：截至2026-11-15，你单位有逾期事项3项、14天内到期事项0项，请抓紧办理："
    )
    unknown = runner.invoke(app, ["remind", "--data", str(SAMPLE), "--unit", "不存在"])
    assert unknown.exit_code == 2 and "--unit" in unknown.output
    negative = runner.invoke(app, ["remind", "--data", str(SAMPLE), "--within", "-1"])
    assert negative.exit_code == 2


def test_remind_ics_parses_with_one_event_per_item() -> None:
    icalendar = pytest.importorskip("icalendar")
    base = ["remind", "--data", str(SAMPLE), "--as-of", "2026-11-15"]
    calendar = icalendar.Calendar.from_ical(runner.invoke(app, [*base, "--format", "ics"]).stdout_bytes)
    events = [c for c in calendar.walk("VEVENT")]
    import json

    items = json.loads(runner.invoke(app, [*base, "--format", "json"]).stdout)
    count = sum(len(u["items"]) for u in items["units"])
    assert len(events) == count > 0
    assert len({str(e["UID"]) for e in events}) == count


def test_conflict_markers_left_in_a_file_are_a_placed_problem(tmp_path: Path) -> None:
    data = tmp_path / "data"
    subprocess.run(["cp", "-r", str(SAMPLE), str(data)], check=True)
    path = data / "issues" / "p03.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "due: 2025-08-15" in line)
    lines[at : at + 1] = ["<<<<<<< ours\n", "    due: 2025-08-15\n", "=======\n", "    due: 2025-09-15\n"]
    lines.insert(at + 4, ">>>>>>> theirs\n")
    path.write_text("".join(lines), encoding="utf-8")
    result = runner.invoke(app, ["validate", "--data", str(data), "--as-of", "2026-11-15", "--lang", "en"])
    assert result.exit_code == 1
    placed = [line for line in result.stderr.splitlines() if " Y017 " in line]
    assert placed == [
        f"{path}:{at + 1}:1: Y017 a merge conflict is left in the file (<<<<<<< … ======= … >>>>>>>): keep "
        "the right value, delete the three marker lines, then run yunhe validate; `yunhe setup` makes git "
        "merge these files by meaning"
    ]
