"""Validation, the one load pipeline: read a data folder (from the work tree, a revision or the
index), run every named check, and return the repository with every problem placed and sorted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from yunhe_cli.checks.rules import judged, run_checks
from yunhe_cli.core.problems import Problem
from yunhe_cli.core.repository import Repository, SourceFile

if TYPE_CHECKING:  # git comes only with a revision or the index, not with the work tree
    from yunhe_cli.store.snapshot import Snapshot


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
    from yunhe_cli.store.loader import load_repository, paused_gc

    if workers is None and not overrides:
        from yunhe_cli.checks.folder_result import validate_folder

        answered = validate_folder(root, today or dt.date.today())
        if answered is not None:
            return answered
    with paused_gc():
        repo, problems = load_repository(root, workers, overrides)
        texts = {root / rel: text for rel, text in (overrides or {}).items()}
        return repo, judged(repo, problems, today or dt.date.today(), texts)


def check_folder(root: Path, today: dt.date | None = None) -> tuple[list[SourceFile], list[Problem]]:
    """What `validate` finds in a folder: its files and every problem, placed and sorted. When no
    file changed since the folder's result was kept, no model is read (checks/folder_result.py)."""
    from yunhe_cli.checks.folder_result import validate_folder

    answered = validate_folder(root, today or dt.date.today(), models=False)
    repo, problems = answered if answered is not None else validate(root, today=today)
    return repo.files, problems


@dataclass
class Checked:
    """A data folder loaded and checked once, for a write: the models, the problems of reading
    each file, and the problems of the cross-file checks. `with_change` checks a change to one
    file against it without reading the other files again."""

    repo: Repository
    file_problems: list[Problem]
    today: dt.date

    @classmethod
    def load(cls, root: Path, today: dt.date | None = None) -> Checked:
        from yunhe_cli.store.loader import load_repository, paused_gc

        with paused_gc():
            repo, problems = load_repository(root)
        return cls(repo, problems, today or dt.date.today())

    def problems(self) -> list[Problem]:
        from yunhe_cli.store.yamlio import place

        return place([*self.file_problems, *run_checks(self.repo, self.today)])

    def with_change(self, rel: str, text: str) -> list[Problem]:
        """Every problem of the folder as it would be with root/rel holding `text`, placed."""
        from yunhe_cli.core.repository import SourceFile, attach
        from yunhe_cli.store.layout import classify
        from yunhe_cli.store.loader import load_file
        from yunhe_cli.store.yamlio import place

        path = self.repo.root / rel
        kind = classify(rel)
        changed = Repository(root=self.repo.root)
        for source in self.repo.files:
            if source.rel != rel:
                changed.files.append(source)
        for loaded in self.repo.loaded():
            if loaded.source.rel != rel:
                attach(changed, loaded.source, loaded.model)
        problems = [p for p in self.file_problems if p.path != path]
        if kind is not None:
            source = SourceFile(path, rel, kind)
            changed.files = sorted([*changed.files, source], key=lambda f: f.rel)
            result, _ = load_file(source, text)
            problems += result.problems
            if result.model is not None:
                attach(changed, source, result.model)
        problems += run_checks(changed, self.today)
        return place(problems, {path: text})


def load_snapshot(snap: Snapshot, today: dt.date | None = None) -> tuple[Repository, list[Problem]]:
    """What `validate` returns for a folder, for a snapshot: every problem placed.

    `today`: the day it is checked on, for the rule that nothing done is in the future (D304);
    None leaves that rule out (an old revision compared with a newer one).
    """
    from yunhe_cli.store.snapshot import read_snapshot
    from yunhe_cli.store.yamlio import place

    repo, problems, texts = read_snapshot(snap)
    problems.extend(run_checks(repo, today))
    return repo, place(problems, texts)


def load_at(data_root: Path, rev: str, today: dt.date | None = None) -> tuple[Repository, list[Problem]]:
    """The repository as committed at `rev`, checked as `yunhe validate` checks the work tree."""
    from yunhe_cli.store.git import open_repository
    from yunhe_cli.store.snapshot import at_revision

    git, prefix = open_repository(data_root)
    snap = at_revision(git, prefix, rev)
    if not any(rel in DATA_MARKS or rel.startswith("projects/") for rel in snap.files):
        raise NotDataFolder(f"{data_root} at {rev} is not a yunhe data folder")
    return load_snapshot(snap, today)


# What makes a folder at a revision a data folder (as `cli.options.data_root` asks of one on disk).
DATA_MARKS = frozenset({"plan.yaml", "units.yaml"})


class NotDataFolder(Exception):
    """The folder holds no plan.yaml, units.yaml or projects/ at the revision (a usage error)."""
