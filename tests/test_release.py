"""A county starts from an installed yunhe: the plan inside the package, --version, the files
`yunhe init` writes (pre-commit offline, CI that guards every push) and the release script."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from yunhe_cli import __version__
from yunhe_cli.cli.app import app
from yunhe_cli.edits.init import ci_files
from yunhe_cli.store import shipped

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # where the test environment's `yunhe` is
ZERO = "0" * 40
runner = CliRunner()


def test_version_comes_from_the_package_metadata() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"yunhe {importlib.metadata.version('yunhe')}\n"
    assert __version__ == importlib.metadata.version("yunhe")


def test_the_shipped_plan_is_the_repository_data() -> None:
    # an editable install reads the checkout's data/ and schemas/ (the wheel carries copies of them,
    # which .ci/run checks by installing the wheel in a fresh venv and running yunhe init there)
    assert shipped.plan_data() == ROOT / "data"
    assert shipped.schemas() == ROOT / "schemas"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"data" = "yunhe_cli/shipped/data"' in pyproject
    assert '"schemas" = "yunhe_cli/shipped/schemas"' in pyproject


def test_a_broken_installation_is_not_blamed_on_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        shipped, "__file__", str(tmp_path / "site-packages" / "yunhe_cli" / "store" / "shipped.py")
    )
    result = runner.invoke(app, ["init", str(tmp_path / "county"), "--first-period", "2026-10"])
    assert result.exit_code == 1
    assert "this installation of yunhe has no data/" in result.stderr
    assert "DIR" not in result.output
    assert not (tmp_path / "county").exists()


def test_init_refuses_a_folder_in_use_before_asking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    result = runner.invoke(app, ["init", str(tmp_path)], input="2026-10\n")
    assert result.exit_code == 2
    assert "not an empty folder" in result.output
    assert "首个报送月" not in result.output  # nothing was asked


def test_first_period_defaults_to_the_month_init_runs_in(tmp_path: Path) -> None:
    county = tmp_path / "county"
    result = runner.invoke(app, ["init", str(county), "--as-of", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert "first_period: 2026-12" in (county / "data" / "plan.yaml").read_text(encoding="utf-8")
    # a county starting in December owes nothing before December's report falls due (10 January)
    status = runner.invoke(
        app, ["status", "--data", str(county / "data"), "--as-of", "2027-01-05", "--format", "json"]
    )
    assert all(p["reporting"]["missing"] == [] for p in _json(status.stdout)["projects"])


def test_a_month_that_is_not_one_blames_the_option(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "c"), "--first-period", "2026-13", "--lang", "en"])
    assert result.exit_code == 2
    assert "Invalid value for --first-period: '2026-13' is written YYYY-MM, but its" in result.output
    assert "month 13 is not 01–12" in result.output
    assert "Invalid value for DIR" not in result.output


def test_next_line_names_the_yunhe_that_ran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = tmp_path / "venv" / "bin" / "yunhe"
    program.parent.mkdir(parents=True)
    program.write_text("", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", [str(program)])
    monkeypatch.setenv("PATH", "/nonexistent")
    result = runner.invoke(app, ["init", str(tmp_path / "county"), "--first-period", "2026-10"])
    assert result.stdout.splitlines()[-1] == f"next: cd {tmp_path / 'county'} && git init && {program} status"
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(program.parent))
    result = runner.invoke(app, ["init", str(tmp_path / "other"), "--first-period", "2026-10"])
    assert result.stdout.splitlines()[-1].endswith("&& git init && yunhe status")


def test_the_examples_are_what_init_writes() -> None:
    for rel, name in ((".github/workflows/data.yml", "github-data.yml"), (".gitlab-ci.yml", "gitlab-ci.yml")):
        shown = (ROOT / "examples" / "ci" / name).read_text(encoding="utf-8")
        assert shown == ci_files(__version__)[rel], f"run: python scripts/release.py --examples ({name})"


# -- a county repository with one submitted month, then a quiet edit of it ------------------------


def _json(text: str) -> dict:  # type: ignore[type-arg]
    import json

    return json.loads(text)  # type: ignore[no-any-return]


def _git(top: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="县发改局",
        GIT_AUTHOR_EMAIL="office@example.invalid",
        GIT_COMMITTER_NAME="县发改局",
        GIT_COMMITTER_EMAIL="office@example.invalid",
    )
    done = subprocess.run(["git", "-C", str(top), *args], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def county(tmp_path: Path) -> tuple[Path, str, str]:
    """A county repository: the first commit with October's p01 report submitted, then a second
    that changes its investment figure without a `revisions:` entry. (top, first sha, second sha)"""
    top = tmp_path / "county"
    assert runner.invoke(app, ["init", str(top), "--first-period", "2026-10"]).exit_code == 0
    drafted = runner.invoke(
        app,
        ["report", "new", "p01", "--period", "2026-10", "--data", str(top / "data"), "--as-of", "2026-11-05"],
    )
    assert drafted.exit_code == 0, drafted.output
    report = top / "data" / "indicators" / "p01" / "2026-10.yaml"
    text = report.read_text(encoding="utf-8")
    text = text.replace("submitted_on:  # YYYY-MM-DD", "submitted_on: 2026-11-05")
    text = text.replace("  - indicator: investment\n    value:", "  - indicator: investment\n    value: 30.5")
    report.write_text(text, encoding="utf-8")
    _git(top, "init", "-q", "-b", "main")
    _git(top, "add", "-A")
    _git(top, "commit", "-q", "--no-gpg-sign", "-m", "p01 2026-10 月报")
    first = _git(top, "rev-parse", "HEAD")
    report.write_text(text.replace("value: 30.5", "value: 32.0"), encoding="utf-8")
    _git(top, "commit", "-q", "--no-gpg-sign", "-am", "quiet edit")
    return top, first, _git(top, "rev-parse", "HEAD")


def _guard(host: str, top: Path) -> str:
    """The shell the county's CI runs for a push, taken from the file `yunhe init` wrote."""
    if host == "github":
        workflow = yaml.safe_load((top / ".github" / "workflows" / "data.yml").read_text(encoding="utf-8"))
        steps = workflow["jobs"]["validate"]["steps"]
        (step,) = [s for s in steps if "BASE" in s.get("env", {})]
        return str(step["run"])
    pipeline = yaml.safe_load((top / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    return "\n".join(line for line in pipeline["validate-data"]["script"] if "pip install" not in line)


def _run_ci(top: Path, script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GITHUB_", "CI_"))}
    base.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, YUNHE_NO_CACHE="1", **env)
    base["PATH"] = f"{BIN}{os.pathsep}{base.get('PATH', '')}"
    # GitHub runs `run:` with bash -e (and GitLab stops at the first failing line)
    return subprocess.run(["bash", "-e", "-c", script], cwd=top, capture_output=True, text=True, env=base)


PUSH = {
    "github": lambda before: {"BASE": before, "DEFAULT_BRANCH": "main"},
    "gitlab": lambda before: {"CI_COMMIT_BEFORE_SHA": before, "CI_DEFAULT_BRANCH": "main"},
}


@pytest.mark.parametrize("host", ["github", "gitlab"])
def test_ci_refuses_a_quiet_edit_pushed_straight_to_main(host: str, county: tuple[Path, str, str]) -> None:
    top, first, _ = county
    done = _run_ci(top, _guard(host, top), PUSH[host](first))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "A601" in done.stdout + done.stderr
    assert "2026-10" in done.stdout + done.stderr


@pytest.mark.parametrize("host", ["github", "gitlab"])
def test_ci_on_the_first_push_validates_without_a_base_and_says_so(
    host: str, county: tuple[Path, str, str]
) -> None:
    top, _, _ = county
    done = _run_ci(top, _guard(host, top), PUSH[host](ZERO))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "validated without a base" in done.stdout


def test_ci_compares_a_merge_request_with_its_base(county: tuple[Path, str, str]) -> None:
    top, first, _ = county
    env = {"CI_MERGE_REQUEST_DIFF_BASE_SHA": first, "CI_COMMIT_BEFORE_SHA": ZERO}
    done = _run_ci(top, _guard("gitlab", top), env)
    assert done.returncode == 1 and "A601" in done.stdout + done.stderr


def test_ci_passes_an_honest_push(county: tuple[Path, str, str]) -> None:
    top, _, second = county
    report = top / "data" / "indicators" / "p01" / "2026-10.yaml"
    report.write_text(
        report.read_text(encoding="utf-8")
        + "revisions:\n  - on: 2026-11-20\n    by: 县发改局\n    reason: 统计局核定数\n"
        "    indicator: investment\n    old: 30.5\n",
        encoding="utf-8",
    )
    _git(top, "commit", "-q", "--no-gpg-sign", "-am", "p01 2026-10 数据修订")
    done = _run_ci(top, _guard("github", top), PUSH["github"](second))
    assert done.returncode == 0, done.stdout + done.stderr


def test_pre_commit_runs_offline_over_the_installed_yunhe(
    county: tuple[Path, str, str], tmp_path: Path
) -> None:
    pre_commit = shutil.which("pre-commit", path=str(BIN))
    if pre_commit is None:
        pytest.skip("pre-commit is not installed in this environment (it is in the test extra)")
    top, _, _ = county
    config = yaml.safe_load((top / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [r["repo"] for r in config["repos"]] == ["local"]
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "https_proxy": "http://127.0.0.1:9"}
    report = top / "data" / "indicators" / "p01" / "2026-10.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("value: 32.0", "value: 33.0"), encoding="utf-8"
    )
    _git(top, "add", "-A")
    done = _run_ci(top, f"{pre_commit} run", env)
    assert done.returncode == 1, done.stdout + done.stderr  # the staged quiet edit, against HEAD
    assert "A601" in done.stdout
    report.write_text(
        report.read_text(encoding="utf-8").replace("value: 33.0", "value: 32.0"), encoding="utf-8"
    )
    _git(top, "add", "-A")
    done = _run_ci(top, f"{pre_commit} run", env)
    assert done.returncode == 0, done.stdout + done.stderr


# -- the release script ---------------------------------------------------------------------------


def _release_module():  # type: ignore[no-untyped-def]
    import importlib.util

    spec = importlib.util.spec_from_file_location("release", ROOT / "scripts" / "release.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_release_bumps_dates_refreshes_and_tags(tmp_path: Path) -> None:
    release = _release_module()
    top = tmp_path / "yunhe"
    top.mkdir()
    (top / "pyproject.toml").write_text('[project]\nname = "yunhe"\nversion = "0.3.0"\n', encoding="utf-8")
    (top / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [Unreleased]\n\n### Fixed\n- a thing\n\n## [0.3.0] - 2026-12-01\n\n- old\n",
        encoding="utf-8",
    )
    _git(top, "init", "-q", "-b", "main")
    _git(top, "add", "-A")
    _git(top, "commit", "-q", "--no-gpg-sign", "-m", "start")
    assert release.main(["0.3.1", "--root", str(top), "--date", "2027-01-04", "--dry-run"]) == 0
    assert 'version = "0.3.0"' in (top / "pyproject.toml").read_text(encoding="utf-8")  # dry run: unchanged
    assert release.main(["0.3.1", "--root", str(top), "--date", "2027-01-04"]) == 0
    assert 'version = "0.3.1"' in (top / "pyproject.toml").read_text(encoding="utf-8")
    assert (top / "CHANGELOG.md").read_text(encoding="utf-8") == (
        "# Changelog\n\n## [Unreleased]\n\n## [0.3.1] - 2027-01-04\n\n### Fixed\n- a thing\n\n"
        "## [0.3.0] - 2026-12-01\n\n- old\n"
    )
    assert 'YUNHE: "yunhe==0.3.1"' in (top / "examples" / "ci" / "github-data.yml").read_text(
        encoding="utf-8"
    )
    assert _git(top, "tag", "--list") == "v0.3.1"
    assert _git(top, "log", "-1", "--format=%s") == "Release 0.3.1"
    # the same version again, an older one, or nothing new to release: refused, nothing changed
    assert release.main(["0.3.1", "--root", str(top)]) == 1
    assert release.main(["0.2.9", "--root", str(top)]) == 1
    assert release.main(["0.3.2", "--root", str(top)]) == 1  # the Unreleased section is empty
    assert release.main(["v0.4", "--root", str(top)]) == 1
    assert _git(top, "tag", "--list") == "v0.3.1"


def test_release_day_comes_from_the_option() -> None:
    release = _release_module()
    text = release.cut_changelog("## [Unreleased]\n- x\n", "1.0.0", dt.date(2027, 3, 1))
    assert text == "## [Unreleased]\n\n## [1.0.0] - 2027-03-01\n\n- x\n"
