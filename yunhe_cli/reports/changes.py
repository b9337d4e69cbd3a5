"""What changed, in the data's own terms: figures, task updates, reports, problems and targets.

A file is reduced to *facts*: a key naming one thing (a figure of one project, month and
indicator; one problem; ...) and the fields that matter about it. Two states of the data are
compared fact by fact, so a commit that only reformats (`yunhe fmt`) changes nothing, and a file
renamed with its content kept changes nothing either: keys come from what a file says, not from
where it lies.

`log` walks the history (one `git log --raw -z`, one `git cat-file --batch`); `diff_snapshots`
compares two states (revisions, the index or the work tree).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yunhe_cli.core.problems import Problem
from yunhe_cli.store.facts import (
    KIND_ORDER,
    BlobReader,
    Change,
    Facts,
    Key,
    diff_facts,
    snapshot_facts,
)
from yunhe_cli.store.git import ZERO, Commit, Git
from yunhe_cli.store.layout import classify

# --------------------------------------------------------------------------- the log


@dataclass(frozen=True, slots=True)
class LogEntry:
    commit: Commit
    change: Change


@dataclass(frozen=True, slots=True)
class Selection:
    """What `yunhe log` is asked about: everything, a project, one of its indicators or tasks,
    or a problem; and optionally one report month and a date range (of the author date)."""

    project: str | None = None
    item: str | None = None
    problem: str | None = None
    period: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def wants_file(self, rel: str) -> bool:
        kind = classify(rel)
        if kind not in ("report", "problems", "project", "supervision", "assessments", "practices"):
            return False
        if self.problem is not None and kind != "problems":
            return False
        if self.period is not None and kind == "report" and not rel.endswith(f"/{self.period}.yaml"):
            return False
        if self.project is None:
            return True
        parts = rel.split("/")
        owner = parts[1] if kind == "report" else parts[1].removesuffix(".yaml")
        return owner == self.project

    def wants_key(self, key: Key) -> bool:
        kind = key[0]
        if self.problem is not None:
            return kind == "problem" and key[2] == self.problem
        if self.project is not None and key[1] != self.project:
            return False
        if self.period is not None and (kind not in ("figure", "task", "report") or key[2] != self.period):
            return False
        if self.item is not None:
            item = (
                key[3] if kind in ("figure", "task") else key[2] if kind in ("target", "task_due") else None
            )
            return item == self.item
        return True

    def wants_date(self, day: dt.date) -> bool:
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


@dataclass
class Log:
    entries: list[LogEntry]  # newest first
    problems: list[Problem]
    known: set[Key]  # every key the selected files ever held (to say "no such indicator")
    first: Commit | None  # the oldest commit that touched the data folder


def log(git: Git, prefix: str, selection: Selection, revs: Sequence[str] = ("HEAD",)) -> Log:
    """Every change to what `selection` names, in the history of `revs`, newest first."""
    history = git.log(list(revs), prefix)

    def rel_of(path: str) -> str:
        return path[len(prefix) + 1 :] if prefix else path

    # Which files of each commit matter: the selected ones, and in a commit that also deletes
    # files, those deleted files (a rename keeps its facts under the keys its content names).
    wanted: list[tuple[Commit, list[tuple[str, str, str]]]] = []
    for commit, changes in history:
        picked = []
        deletes = any(c.status == "D" for c in changes)
        for c in changes:
            rel = rel_of(c.path)
            if selection.wants_file(rel) or (deletes and c.status == "D" and classify(rel) is not None):
                picked.append((rel, c.old, c.new))
        wanted.append((commit, picked))
    blobs = git.blobs(sha for _commit, picked in wanted for _rel, old, new in picked for sha in (old, new))
    reader = BlobReader()
    last_good: dict[str, Facts] = {}
    per_commit: list[list[LogEntry]] = []
    known: set[Key] = set()
    inside = f"{prefix}/" if prefix else ""

    def shown(commit: Commit, rel: str) -> Path:
        return Path(f"{commit.short}:{inside}{rel}")

    for commit, picked in reversed(wanted):  # oldest first, so a file unreadable for a while is bridged
        old_facts: Facts = {}
        new_facts: Facts = {}
        paths: dict[Key, str] = {}
        for rel, old, new in picked:
            before: Facts = {}
            if old != ZERO:
                # Read already where it was committed, unless that commit lies outside `revs`.
                parent = commit.parents[0][:10] if commit.parents else commit.short
                found = reader.facts(old, blobs[old], rel, Path(f"{parent}:{inside}{rel}"))
                before = found if found is not None else last_good.get(rel, {})
            after: Facts | None = {}
            if new != ZERO:
                after = reader.facts(new, blobs[new], rel, shown(commit, rel))
                if after is None:
                    after = before  # unreadable here: its changes show once it reads again
                else:
                    last_good[rel] = after
            old_facts.update(before)
            new_facts.update(after or {})
            for key in after or before or {}:
                paths[key] = rel
        for key in new_facts:
            if selection.wants_key(key):
                known.add(key)
        if not selection.wants_date(commit.author_date.date()):
            continue
        listed = sorted(diff_facts(old_facts, new_facts, paths), key=lambda c: KIND_ORDER.index(c.kind))
        kept = [LogEntry(commit, c) for c in listed if selection.wants_key(_key_of(c))]
        per_commit.append(kept)
    # Newest commit first; within a commit, in the order of the data (project, month, item).
    entries = [e for kept_ in reversed(per_commit) for e in kept_]
    return Log(entries, _dedupe(reader.problems), known, history[-1][0] if history else None)


def _key_of(change: Change) -> Key:
    if change.kind in ("figure", "task"):
        return (change.kind, change.project, change.period or "", change.item or "")
    if change.kind == "report":
        return (change.kind, change.project, change.period or "")
    return (change.kind, change.project, change.item or "")


def _dedupe(problems: Iterable[Problem]) -> list[Problem]:
    seen = set()
    out = []
    for p in problems:
        if (p.path, p.line, p.col, p.code) not in seen:
            seen.add((p.path, p.line, p.col, p.code))
            out.append(p)
    return out


# --------------------------------------------------------------------------- the diff of two states


@dataclass(frozen=True, slots=True)
class StatusMove:
    project: str
    indicator: str
    name: str
    name_en: str | None
    old: str
    new: str


@dataclass
class Diff:
    base: str  # as the user named them: "HEAD", "main", "(work tree)", "(staged)"
    target: str
    as_of: dt.date
    changes: list[Change]
    moves: list[StatusMove]
    problems: list[Problem]  # in the target state
    # For each change (by its index) of a month submitted in the base: the (reason, by) of the new
    # revisions: entry that announces it, or None when none does (unannounced).
    announced: dict[int, tuple[str, str] | None] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """How many of each thing a meeting asks about, in the order `diff` opens with them."""
        events = [(c.kind, c.event) for c in self.changes]
        return {
            "figures_revised": sum(1 for c in self.changes if c.kind == "figure" and c.event == "changed"),
            "statuses_moved": len(self.moves),
            "tasks_done": events.count(("task", "done")),
            "problems_opened": events.count(("problem", "opened")),
            "problems_closed": events.count(("problem", "closed")),
            "problems_reopened": events.count(("problem", "reopened")),
            "reports_submitted": events.count(("report", "submitted")),
        }


def diff_states(base: Any, target: Any, base_name: str, target_name: str, as_of: dt.date) -> Diff:
    """What changed from `base` to `target` (two `snapshot.Snapshot`s), with the indicator statuses
    that moved as of `as_of` (both states rolled up on the same day)."""
    from yunhe_cli.checks.validation import load_snapshot
    from yunhe_cli.reports.rollup import roll_up

    old_facts, _, _ = snapshot_facts(base.files, base.display)
    new_facts, paths, _ = snapshot_facts(target.files, target.display)
    changes = diff_facts(old_facts, new_facts, paths)
    changes.sort(key=lambda c: KIND_ORDER.index(c.kind))  # stable: within a kind, the data's order
    old_repo, _ = load_snapshot(base)
    new_repo, problems = load_snapshot(target)
    before = {(i.project, i.indicator): i.status for i in roll_up(old_repo, as_of).indicators()}
    moves = [
        StatusMove(i.project, i.indicator, i.name, i.name_en, before[(i.project, i.indicator)], i.status)
        for i in roll_up(new_repo, as_of).indicators()
        if (i.project, i.indicator) in before and before[(i.project, i.indicator)] != i.status
    ]
    return Diff(
        base_name, target_name, as_of, changes, moves, problems, announcements(old_repo, new_repo, changes)
    )


def announcements(
    old_repo: Any, new_repo: Any, changes: Sequence[Change]
) -> dict[int, tuple[str, str] | None]:
    """Each change of a month submitted in `old_repo`, with the new revision that announces it."""
    before = {(r.model.project, r.model.period): r.model for r in old_repo.reports}
    after = {(r.model.project, r.model.period): r.model for r in new_repo.reports}
    out: dict[int, tuple[str, str] | None] = {}
    for i, c in enumerate(changes):
        old = before.get((c.project, c.period or ""))
        if c.kind not in ("figure", "task", "report") or old is None or old.submitted_on is None:
            continue
        new = after.get((c.project, c.period or ""))
        recorded = [r for r in (new.revisions if new else []) if r not in old.revisions]
        matching = [
            r
            for r in recorded
            if r.changed == c.field
            and r.indicator == (c.item if c.kind == "figure" else None)
            and r.task == (c.item if c.kind == "task" else None)
        ]
        out[i] = (matching[-1].reason, matching[-1].by) if matching else None
    return out
