"""Faults and hostile input around writing, exporting and printing.

Each test gives the exact exit status, the place, no traceback, no side effect, and a bounded
time (the `alarm` fixture turns a hang into a failure).
"""

from __future__ import annotations

import csv
import errno
import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from yunhe_cli.cli.app import app
from yunhe_cli.store.write import repo_lock

from .conftest import DATA, RepoMaker

SAMPLE = DATA.parent / "examples" / "sample"
runner = CliRunner()
CLOSE = ["issue", "close", "p03-003", "--on", "2026-11-20", "--resolution", "已解决", "--as-of", "2026-11-25"]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".*"))
    return root


@pytest.fixture
def alarm() -> Iterator[None]:
    def fail(*_: object) -> None:
        raise TimeoutError("took more than 20 s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink() and not p.name.startswith(".")
    }


def invoke(*args: str) -> Result:
    # The messages checked here are the English ones; the sample's plan.yaml says language: zh.
    return runner.invoke(app, ["--lang", "en", *args])


def no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


# ----------------------------------------------------------------------------- the lock


def test_a_lock_that_is_a_link_is_never_followed(sample: Path, tmp_path: Path, alarm: None) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("must survive", encoding="utf-8")
    os.symlink(victim, sample / ".yunhe.lock")
    before = snapshot(sample)
    result = invoke(*CLOSE, "--data", str(sample))
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{sample}/.yunhe.lock:1:1: Y016 .yunhe.lock is a symbolic link; yunhe never follows it and will "
        "not write until it is removed\nnothing was written\n"
    )
    assert victim.read_text(encoding="utf-8") == "must survive"
    assert snapshot(sample) == before
    assert os.path.islink(sample / ".yunhe.lock")


def test_a_lock_that_is_a_folder_is_refused(sample: Path, alarm: None) -> None:
    (sample / ".yunhe.lock").mkdir()
    before = snapshot(sample)
    result = invoke(*CLOSE, "--data", str(sample))
    no_traceback(result)
    assert result.exit_code == 1
    assert f"{sample}/.yunhe.lock:1:1: Y016 .yunhe.lock is a folder, not a file;" in result.stderr
    assert snapshot(sample) == before


def test_a_held_lock_names_its_holder_and_gives_up_after_lock_timeout(sample: Path, alarm: None) -> None:
    before = snapshot(sample)
    with repo_lock(sample):  # this process holds it, as another analyst's yunhe would
        started = time.monotonic()
        result = invoke(*CLOSE, "--data", str(sample), "--lock-timeout", "0.5")
        waited = time.monotonic() - started
    no_traceback(result)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{sample}/.yunhe.lock:1:1: W508 waited 0.5 s for the lock of {sample}, ")
    assert f"held by pid {os.getpid()}, yunhe" in first and ", since " in first  # pid, command, time
    assert first.endswith("or wait longer with --lock-timeout")
    assert result.stderr.endswith("nothing was written\n")
    assert 0.5 <= waited < 5
    assert snapshot(sample) == before
    # released: the same close now goes through
    assert invoke(*CLOSE, "--data", str(sample), "--lock-timeout", "0").exit_code == 0


def test_lock_timeout_is_a_usage_error_when_negative(sample: Path) -> None:
    assert invoke(*CLOSE, "--data", str(sample), "--lock-timeout", "-1").exit_code == 2


# ----------------------------------------------------------------------------- refused by the system


def _deny(path_part: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The system refuses to create what has `path_part` in its path, as a read-only folder does."""
    real_open = os.open

    def open_(path: str | os.PathLike[str], flags: int, *args: int, **kwargs: object) -> int:
        if path_part in os.fspath(path) and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", open_)


def test_a_read_only_data_folder_is_a_placed_refusal(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(sample)
    _deny(".yunhe.lock", monkeypatch)
    result = invoke(*CLOSE, "--data", str(sample))
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{sample}/.yunhe.lock:1:1: W509 cannot write .yunhe.lock: Permission denied "
        "(is the folder read-only?)\nnothing was written\n"
    )
    assert snapshot(sample) == before


def test_a_read_only_issues_folder_is_a_placed_refusal(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(sample)
    _deny("/issues/.p03.yaml.tmp-", monkeypatch)  # the temporary file beside the list
    result = invoke(*CLOSE, "--data", str(sample))
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{sample}/issues/p03.yaml:1:1: W509 cannot write p03.yaml: Permission denied "
        "(is the folder read-only?)\nnothing was written\n"
    )
    assert snapshot(sample) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
@pytest.mark.parametrize("folder", [".", "issues"])
def test_a_really_read_only_folder(sample: Path, folder: str) -> None:
    before = snapshot(sample)
    (sample / folder).chmod(0o555)
    try:
        result = invoke(*CLOSE, "--data", str(sample))
    finally:
        (sample / folder).chmod(0o755)
    no_traceback(result)
    assert result.exit_code == 1
    assert " W509 cannot write " in result.stderr
    assert snapshot(sample) == before


# ----------------------------------------------------------------------------- exports


@pytest.mark.parametrize(
    ("kind", "target", "message"),
    [
        ("xlsx", "file/out.xlsx", "{tmp}/file is a file, not a folder"),
        ("xlsx", "folder", "{tmp}/folder is a folder; name the workbook to write"),
        ("csv", "file", "{tmp}/file exists and is not a folder"),
        ("csv", "file/sub", "{tmp}/file is a file, not a folder"),
    ],
)
def test_export_to_a_bad_path_is_a_usage_error(tmp_path: Path, kind: str, target: str, message: str) -> None:
    (tmp_path / "file").write_text("keep", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = invoke("export", kind, str(tmp_path / target), "--data", str(SAMPLE), "--as-of", "2026-11-15")
    no_traceback(result)
    assert result.exit_code == 2
    assert message.format(tmp=tmp_path) in " ".join(result.stderr.replace("│", " ").split())
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "file").read_text(encoding="utf-8") == "keep"


# ----------------------------------------------------------------------------- content that is interpreted

FORMULAS = ['=HYPERLINK("http://x.invalid","点击")', "=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(1)"]


def _repo_with_titles(make_repo: RepoMaker, titles: list[str]) -> Path:
    entries = "".join(
        f"""
          - id: p01-{i:03d}
            title: '{title.replace("'", "''")}'
            owner: 县发改局
            raised_on: 2024-03-01
            due: 2024-06-30
            status: open"""
        for i, title in enumerate(titles, 1)
    )
    return make_repo(
        {"issues/p01.yaml": "project: p01\nproblems:" + entries.replace("\n          ", "\n  ") + "\n"}
    )


def test_xlsx_stores_text_from_the_data_as_values_never_formulas(
    make_repo: RepoMaker, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    root = _repo_with_titles(make_repo, FORMULAS)
    out = tmp_path / "out.xlsx"
    result = invoke("export", "xlsx", str(out), "--data", str(root), "--as-of", "2024-04-01", "--lang", "en")
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = {c.value for c in cells}
    assert all(title in values for title in FORMULAS)  # kept exactly, not altered


def _csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(text.splitlines()) for cell in row]


def test_csv_output_neutralises_formulas(make_repo: RepoMaker, tmp_path: Path) -> None:
    root = _repo_with_titles(make_repo, FORMULAS)
    result = invoke("issues", "--data", str(root), "--as-of", "2024-04-01", "--format", "csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    cells = _csv_cells(result.stdout)
    assert [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))] == []
    assert all("'" + title in cells for title in FORMULAS)
    export = invoke(
        "export", "csv", str(tmp_path / "out"), "--data", str(root), "--as-of", "2024-04-01", "--lang", "zh"
    )
    assert export.exit_code == 0, export.output
    text = (tmp_path / "out" / "03-01问题销号.csv").read_text(encoding="utf-8-sig")
    exported = _csv_cells(text)
    assert [c for c in exported if c.startswith(("=", "+", "-", "@", "\t", "\r"))] == []
    assert all("'" + title in exported for title in FORMULAS)


def test_csv_leaves_signed_numbers_alone() -> None:
    from yunhe_cli.outputs.formats import csv_cell

    assert [csv_cell(x) for x in ["-3.5", "+3", "-12%", "1,234", "-", "=", "-1+1"]] == [
        "-3.5",
        "+3",
        "-12%",
        "1,234",
        "'-",
        "'=",
        "'-1+1",
    ]


BIDI = "\u202e\u2066\u2069\u200e\u200f\u200b"


@pytest.mark.parametrize("command", ["status", "tasks", "issues"])
@pytest.mark.parametrize("fmt", ["table", "plain", "markdown", "csv"])
def test_format_characters_never_reach_the_terminal(make_repo: RepoMaker, command: str, fmt: str) -> None:
    from .conftest import MINIMAL

    project = (
        MINIMAL["projects/p01.yaml"]
        .replace("name: 测试工程", "name: 测试\u202e程工")
        .replace("title: 制定实施方案", "title: 制定\u2066方案\u2069")
    )
    root = _repo_with_titles(make_repo, ["用地\u200f不足\u200b"])
    (root / "projects" / "p01.yaml").write_text(
        "\n".join(line[8:] for line in project.splitlines()) + "\n", encoding="utf-8"
    )
    result = invoke(command, "--data", str(root), "--as-of", "2024-04-01", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert not any(ch in result.stdout for ch in BIDI)
    shown = {"status": "\\u202e", "tasks": "\\u2066", "issues": "\\u200f"}[command]
    assert shown in result.stdout


def test_every_format_character_is_escaped() -> None:
    import sys
    import unicodedata

    from yunhe_cli.outputs.problem_printer import safe_text

    cf = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert [f"U+{ord(ch):04X}" for ch in cf if safe_text(ch) == ch] == []
    assert safe_text("云和县\u3000十项") == "云和县\u3000十项"  # an ideographic space is text


def test_validate_escapes_file_and_folder_names(make_repo: RepoMaker) -> None:
    root = make_repo()
    evil = root / "indicators" / "p01\n::warning::pwned\x1b[31m\x07"
    evil.mkdir(parents=True)
    (evil / "2023-05.yaml").write_text("project: p01\n", encoding="utf-8")
    (root / "projects" / "x\u202egpj.yaml").write_text("id: x\n", encoding="utf-8")
    for fmt in ("text", "github"):
        result = invoke("validate", "--data", str(root), "--format", fmt)
        no_traceback(result)
        assert result.exit_code == 1
        out = result.stderr if fmt == "text" else result.stdout
        assert not any(ch in out for ch in "\x1b\x07\u202e")
        lines = out.splitlines()
        assert all(
            line.startswith((str(root), "::error file=", f"{len(lines) - 1} problems")) for line in lines
        )
        assert "p01\\n::warning::pwned\\x1b[31m\\x07" in out.replace("%3A", ":")


# ----------------------------------------------------------------------------- messages


def test_a_quoted_date_is_told_to_lose_its_quotes(make_repo: RepoMaker) -> None:
    root = make_repo(
        {
            "indicators/p01/2023-05.yaml": """\
                project: p01
                period: 2023-05
                submitted_on: '2023-06-08'
                """
        }
    )
    result = invoke("validate", "--data", str(root))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{root}/indicators/p01/2023-05.yaml:3:15: S103 submitted_on: '2023-06-08' is in quotes, "
        "which make it text; remove the quotes"
    )


def test_fmt_reports_bad_yaml_with_its_place(sample: Path) -> None:
    path = sample / "issues" / "p03.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - [unclosed\n", encoding="utf-8")
    before = snapshot(sample)
    result = invoke("fmt", "--data", str(sample))
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:31:1: Y002 cannot format: not valid YAML")
    assert snapshot(sample) == before


def test_fmt_lets_a_bug_be_a_bug(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import yunhe_cli.edits.fmt as fmt

    def broken(*_: object) -> str:
        raise TypeError("a bug in yunhe, not in the data")

    monkeypatch.setattr(fmt, "format_text", broken)
    result = invoke("fmt", "--data", str(sample), "--check")
    assert isinstance(result.exception, TypeError)
    assert "cannot format" not in result.stderr


# ----------------------------------------------------------------------------- the future


def test_one_rule_for_dates_in_the_future(make_repo: RepoMaker) -> None:
    root = make_repo(
        {
            "indicators/p01/2023-05.yaml": """\
                project: p01
                period: 2023-05
                submitted_on: 2023-06-08
                """,
            "indicators/p01/2023-07.yaml": """\
                project: p01
                period: 2023-07
                """,
            "issues/p01.yaml": """\
                project: p01
                problems:
                  - id: p01-001
                    title: 用地指标不足
                    owner: 县发改局
                    raised_on: 2023-06-02
                    due: 2023-09-30
                    status: closed
                    closed_on: 2023-06-07
                    resolution: 已解决
                """,
        }
    )
    # Checked on 2023-06-06: the submission (06-08), July's period and the closing (06-07) are later.
    result = invoke("validate", "--data", str(root), "--as-of", "2023-06-06")
    assert result.exit_code == 1
    assert [line.split(": ", 1)[0].removeprefix(f"{root}/") + " " + line.split(" ")[1]
            for line in result.stderr.splitlines()[:-1]] == [
        "indicators/p01/2023-05.yaml:3:15 D304",
        "indicators/p01/2023-07.yaml:2:9 D304",
        "issues/p01.yaml:9:16 D304",
    ]  # fmt: skip
    assert invoke("validate", "--data", str(root), "--as-of", "2023-07-01").exit_code == 0
    # a report as of a past day leaves later data out without calling it wrong
    status = invoke("status", "--data", str(root), "--as-of", "2023-06-06", "--format", "plain")
    assert (status.exit_code, status.stderr) == (0, "")
