"""Mangled files never crash yunhe: every mutation is either loaded or reported as a placed problem."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

from typer.testing import CliRunner

from yunhe_cli.checks import validate
from yunhe_cli.cli import app
from yunhe_cli.problems import CODES
from yunhe_cli.rollup import roll_up

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
