"""Validation: load a data folder and run every named check; problems placed and sorted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .checks import run_checks
from .loader import Repository
from .problems import Problem


def validate(
    root: Path,
    workers: int | None = None,
    overrides: dict[str, str] | None = None,
    today: dt.date | None = None,
) -> tuple[Repository, list[Problem]]:
    """Load `root`, run every check, and return the repository with all problems, placed and sorted.

    `overrides`: relative path -> text to check in place of what is on disk (see load_repository).
    `today`: the day the data is checked on (default: the system's date); nothing done is after it.
    """
    from .loader import load_repository, paused_gc, place

    with paused_gc():
        repo, problems = load_repository(root, workers, overrides)
        problems.extend(run_checks(repo, today or dt.date.today()))
        texts = {root / rel: text for rel, text in (overrides or {}).items()}
        return repo, place(problems, texts)
