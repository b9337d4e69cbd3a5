"""Smaller holes of the third hardening pass: each a usage error (exit 2) or a placed problem,
nothing written where it should not be, nothing silently dropped. SYNTHETIC data (the sample)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import own_git
from yunhe_cli.checks.validation import validate
from yunhe_cli.cli.app import app

from .conftest import ROOT, RepoMaker

runner = CliRunner()
SAMPLE = ROOT / "examples" / "sample"
DAY = ["--as-of", "2026-11-15"]
CHECKED = ["--as-of", "2026-11-20"]  # after the sample's last submission (2026-11-16)


def _flat(text: str) -> str:
    """A usage box's text without its frame, spaces and line breaks (it wraps at the width)."""
    return "".join(ch for ch in text if ch not in " │\n")


@pytest.fixture
def top(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose data is in TOP/data, committed once."""
    own_git(monkeypatch)
    root = tmp_path / "top"
    shutil.copytree(SAMPLE, root / "data")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.invalid",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.invalid",
        "GIT_AUTHOR_DATE": "2026-11-15T10:00:00+08:00",
        "GIT_COMMITTER_DATE": "2026-11-15T10:00:00+08:00",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "sample"]):
        subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)
    return root


def test_status_at_a_revision_of_the_folder_above_the_data_is_the_same_usage_error(top: Path) -> None:
    plain = runner.invoke(app, ["status", "--data", str(top), *DAY])
    at = runner.invoke(app, ["status", "--data", str(top), "--at", "HEAD", *DAY])
    assert (plain.exit_code, at.exit_code) == (2, 2)
    assert "Y012" not in at.output
    assert f"{top}isnotayunhedatafolder.Adatafolderholdsplan.yaml" in _flat(plain.stderr)
    assert f"{top}atHEADisnotayunhedatafolder.Adatafolderholdsplan.yaml" in _flat(at.stderr)
    # The data folder itself at HEAD is read as before.
    assert runner.invoke(app, ["status", "--data", str(top / "data"), "--at", "HEAD", *DAY]).exit_code == 0


def test_log_of_a_folder_that_is_not_data_or_does_not_exist_is_a_usage_error(top: Path) -> None:
    for folder, said in ((top, "isnotayunhedatafolder"), (top / "nowhere", "isnotafolder")):
        result = runner.invoke(app, ["log", "--data", str(folder)])
        assert result.exit_code == 2, result.output
        assert f"{folder}{said}" in _flat(result.stderr)
    assert runner.invoke(app, ["log", "--data", str(top / "data")]).exit_code == 0


def test_a_readme_beside_the_reports_is_a_warning_and_a_yaml_look_alike_an_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    (data / "indicators" / "p01" / "README.md").write_text("# 说明\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--data", str(data), *CHECKED, "--lang", "en"])
    assert result.exit_code == 0, result.output  # a warning: the check passes
    warned = [line for line in result.stderr.splitlines() if " Y018 " in line]
    assert warned == [
        f"{data}/indicators/p01/README.md:1:1: Y018 indicators/p01/README.md is not a data file; "
        "yunhe leaves it alone"
    ]
    strict = runner.invoke(app, ["validate", "--data", str(data), *CHECKED, "--strict"])
    assert strict.exit_code == 1
    (data / "indicators" / "p01" / "2026-12.yml").write_text("project: p01\n", encoding="utf-8")
    failed = runner.invoke(app, ["validate", "--data", str(data), *CHECKED, "--lang", "en"])
    assert failed.exit_code == 1
    assert f"{data}/indicators/p01/2026-12.yml:1:1: Y012 yunhe expects no file at" in failed.stderr


def test_a_revision_of_an_indicator_the_project_lacks_or_dated_ahead_is_placed(make_repo: RepoMaker) -> None:
    report = """\
        project: p01
        period: 2023-05
        submitted_on: 2023-06-08
        submitted_by: 县发改局
        values:
          - indicator: investment
            value: 85.3
        revisions:
          - on: 2023-06-20
            by: 县发改局
            reason: 统计局核定数
            indicator: investmnet
            old: 80
          - on: 2023-07-02
            by: 县发改局
            reason: 录入错误
            indicator: investment
            old: 85
    """
    root = make_repo({"indicators/p01/2023-05.yaml": report})
    _, problems = validate(root, today=dt.date(2023, 7, 1))
    shown = [
        f"{p.path.relative_to(root).as_posix()}:{p.line}:{p.col}: {p.code} {p.message}" for p in problems
    ]
    assert shown == [
        # line 12 is the first revision's indicator (its value at column 16), line 14 the second's `on`
        "indicators/p01/2023-05.yaml:12:16: R206 project p01 has no indicator 'investmnet'; "
        "did you mean 'investment'?",
        "indicators/p01/2023-05.yaml:14:9: D304 revised on 2023-07-02 is after 2023-07-01, the day "
        "checked on; it cannot be yet",
    ]


def test_a_submodule_inside_the_data_at_a_revision_is_said_not_dropped(top: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.invalid"}
    env |= {"GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.invalid"}
    env |= {"GIT_AUTHOR_DATE": "2026-11-15T11:00:00+08:00", "GIT_COMMITTER_DATE": "2026-11-15T11:00:00+08:00"}

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(top), *args], env=env, check=True, capture_output=True, text=True
        )
        return done.stdout.strip()

    # A gitlink (what `git submodule add` records): another repository's commit at a path.
    head = git("rev-parse", "HEAD")
    git("update-index", "--add", "--cacheinfo", f"160000,{head},data/indicators/p01/vendor")
    git("commit", "-qm", "submodule")
    result = runner.invoke(app, ["status", "--data", str(top / "data"), "--at", "HEAD", *DAY, "--lang", "en"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "HEAD:data/indicators/p01/vendor:1:1: Y015 this is a git submodule (another repository's commit), "
        "not a file; yunhe does not read it"
    )
