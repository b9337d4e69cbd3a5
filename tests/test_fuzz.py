"""Mangled files never crash yunhe: every mutation is either loaded or reported as a placed problem.

Besides mangled text, the file system is mangled too: pipes, sockets, link loops, dangling
links and a lock that is a link or a folder, each where a data file or folder belongs.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.checks.validation import validate
from yunhe_cli.cli.app import app
from yunhe_cli.core.problems import CODES
from yunhe_cli.reports.rollup import roll_up

from .conftest import DATA

SAMPLE = DATA.parent / "examples" / "sample"
PIECES = [
    ":",
    " ",
    "\t",
    "- ",
    "[",
    "{",
    "}",
    "'",
    '"',
    "&a",
    "*a",
    "!!",
    "#",
    "\n",
    "%",
    "６",
    "null",
    "~",
    "0x",
    "2023-02-30",
    "\x00",
    "\x1b",
    "\\",
    "?",
    "|",
    ">",
    "@",
    "`",
    "<<: ",
    "\ufeff",
    "9" * 4301,  # one digit beyond what Python reads as an int
    "0x" + "f" * 4000,
    "-" + "1" * 5000,
    "\u202e",
]


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(text))
        action = rng.random()
        if action < 0.4:
            text = text[:at] + rng.choice(PIECES) + text[at:]
        elif action < 0.7:
            text = text[:at] + text[at + rng.randint(1, 12) :]
        else:
            lines = text.splitlines(keepends=True)
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "".join(lines)
    return text


def test_mutations_are_loaded_or_placed(tmp_path: Path) -> None:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    targets = [
        "indicators/p01/2026-10.yaml",
        "issues/p03.yaml",
        "projects/p06.yaml",
        "plan.yaml",
        "units.yaml",
    ]
    originals = {rel: (root / rel).read_text(encoding="utf-8") for rel in targets}
    rng = random.Random(7)
    runner = CliRunner()
    for round_ in range(60):
        rel = targets[round_ % len(targets)]
        (root / rel).write_text(mutate(originals[rel], rng), encoding="utf-8")
        repo, problems = validate(root)
        assert all(p.code in CODES and p.line >= 1 and p.col >= 1 for p in problems)
        roll_up(repo, dt.date(2026, 11, 15))  # whatever loaded still rolls up
        result = runner.invoke(
            app, ["status", "--data", str(root), "--as-of", "2026-11-15", "--format", "plain"]
        )
        assert result.exit_code in (0, 1), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        (root / rel).write_text(originals[rel], encoding="utf-8")


@pytest.fixture
def alarm() -> Iterator[None]:
    """A pipe opened for reading waits for a writer for ever: fail instead of hanging."""

    def fail(*_: object) -> None:
        raise TimeoutError("took more than 60 s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))  # the socket file stays after the socket is closed


def _self_link(path: Path) -> None:
    os.symlink(path.name, path)


def _dangling(path: Path) -> None:
    os.symlink(path.name + ".gone", path)


def _parent_link(path: Path) -> None:
    os.symlink("..", path)


# What replaces a file (or is put beside one) in a round of the fuzz.
ENTRIES: list[Callable[[Path], None]] = [_fifo, _socket, _self_link, _dangling, _parent_link]


def test_file_system_mutations_are_placed_in_bounded_time(tmp_path: Path, alarm: None) -> None:
    root = tmp_path / "s"
    shutil.copytree(SAMPLE, root)
    places = [
        "indicators/p01/2026-10.yaml",
        "indicators/p02/2026-12.yaml",
        "indicators/p03",
        "issues/p03.yaml",
        "issues/p11.yaml",
        "projects/p06.yaml",
        "projects/extra",
        "units.yaml",
    ]
    rng = random.Random(11)
    runner = CliRunner()
    for _ in range(16):
        rel = rng.choice(places)
        target = root / rel
        saved = tmp_path / "saved"
        if target.exists() or target.is_symlink():
            shutil.move(str(target), str(saved))
        make = rng.choice(ENTRIES)
        make(target)
        lock = root / ".yunhe.lock"
        if rng.random() < 0.3:
            os.symlink(tmp_path / "victim", lock) if rng.random() < 0.5 else lock.mkdir()
        repo, problems = validate(root)
        placed = [(p.path, p.code) for p in problems]
        assert all(p.code in CODES and p.line >= 1 and p.col >= 1 for p in problems)
        # a pipe or socket: not a file; a link to the parent of the data folder leads outside it
        expected = {_fifo: "Y015", _socket: "Y015"}.get(
            make, "Y010" if make is _parent_link and "/" not in rel else "Y014"
        )
        assert (target, expected) in placed, (rel, make, placed)
        roll_up(repo, dt.date(2026, 11, 15))
        result = runner.invoke(
            app, ["status", "--data", str(root), "--as-of", "2026-11-15", "--format", "plain"]
        )
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        written = runner.invoke(
            app,
            ["issue", "close", "p01-002", "--data", str(root), "--resolution", "x", "--lock-timeout", "0"],
        )
        # A write is refused for a fault in the file it touches or in its lock; a fault elsewhere
        # is shown without blocking it.
        touches = rel in ("issues/p01.yaml", ".yunhe.lock") or target == lock
        assert written.exit_code == (1 if touches else written.exit_code) and written.exit_code in (0, 1)
        assert written.exception is None or isinstance(written.exception, SystemExit), repr(written.exception)
        assert not (tmp_path / "victim").exists()  # a lock link is never followed, nor created through
        target.unlink() if not target.is_dir() or target.is_symlink() else shutil.rmtree(target)
        if lock.is_symlink() or lock.is_file():  # a refused write leaves a plain lock file behind
            lock.unlink()
        elif lock.is_dir():
            lock.rmdir()
        if saved.exists():
            shutil.move(str(saved), str(target))
