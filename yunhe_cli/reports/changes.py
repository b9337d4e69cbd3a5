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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yunhe_cli.core.problems import Problem
from yunhe_cli.core.records import Revision
from yunhe_cli.store.facts import (
    KIND_ORDER,
    BlobReader,
    Change,
    Facts,
    Key,
    diff_facts,
    snapshot_facts,
)
from yunhe_cli.store.git import ZERO, BlobSource, Commit, FileChange, Git
from yunhe_cli.store.layout import classify
from yunhe_cli.store.yamlio import MAX_FILE_BYTES

# --------------------------------------------------------------------------- the log


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One change made by one commit. A change of a month submitted before the commit is marked:
    `announced` True with the (reason, by) of the new `revisions:` entry that records it, or False
    (what `validate --base` refuses as A601); None for any other change."""

    commit: Commit
    change: Change
    announced: bool | None = None
    revision: tuple[str, str] | None = None


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
    reading = LogReading(git, prefix, selection, revs)
    entries = list(reading)
    return Log(entries, reading.problems, reading.known, reading.first)


class LogReading:
    """The log as it is read: iterating gives each change newest first as soon as its commit has
    been read (one `git log --raw -z` and one `git cat-file --batch`, both read as they go), so the
    first screen does not wait for the whole history. `problems`, `known` and `first` are complete
    once the iteration has ended.

    Each commit's files are compared with their first parent's version. A problem list whose
    head is unchanged is compared in the problems whose lines changed only (`changed_entries`);
    a version that cannot be read is bridged by the last readable one before it, so that its
    changes show once it reads again.
    """

    def __init__(self, git: Git, prefix: str, selection: Selection, revs: Sequence[str] = ("HEAD",)) -> None:
        self.git, self.prefix, self.selection, self.revs = git, prefix, selection, list(revs)
        self.problems: list[Problem] = []
        self.known: set[Key] = set()
        self.first: Commit | None = None
        self._reader = BlobReader()
        self._inside = f"{prefix}/" if prefix else ""

    def __iter__(self) -> Iterator[LogEntry]:
        source = BlobSource(self.git.top)
        try:
            for commit, changes in self.git.log_stream(self.revs, self.prefix):
                self.first = commit
                yield from self._commit(source, commit, self._picked(changes))
        finally:
            source.close()
            self.problems = _dedupe(self._reader.problems)

    def _picked(self, changes: Sequence[FileChange]) -> list[tuple[str, str, str]]:
        """Which files of a commit matter: the selected ones, and in a commit that also deletes
        files, those deleted files (a rename keeps its facts under the keys its content names)."""
        picked = []
        deletes = any(c.status == "D" for c in changes)
        for c in changes:
            rel = c.path[len(self.prefix) + 1 :] if self.prefix else c.path
            if self.selection.wants_file(rel) or (deletes and c.status == "D" and classify(rel) is not None):
                picked.append((rel, c.old, c.new))
        return picked

    def _commit(
        self, source: BlobSource, commit: Commit, picked: list[tuple[str, str, str]]
    ) -> list[LogEntry]:
        blobs = source.get(sha for _rel, old, new in picked for sha in (old, new))
        old_facts: Facts = {}
        new_facts: Facts = {}
        old_noted: Noted = {}
        new_noted: Noted = {}
        paths: dict[Key, str] = {}
        parent = commit.parents[0][:10] if commit.parents else commit.short
        for rel, old, new in picked:
            parts = None
            if old != ZERO and new != ZERO and classify(rel) == "problems":
                parts = _changed_problems(blobs[old], blobs[new], rel)
            noted_before: Noted = {}
            if parts is not None:
                before, after, noted_after = parts[0], parts[1], {}
            else:
                before = {}
                if old != ZERO:
                    # Read already where it was committed, unless that commit lies outside `revs`.
                    shown = Path(f"{parent}:{self._inside}{rel}")
                    found = self._reader.facts(old, blobs[old], rel, shown)
                    if found is None:
                        before, noted_before = self._last_readable(commit, rel)
                    else:
                        before, noted_before = found, self._reader.revisions(old, rel)
                after, noted_after = before, noted_before
                if new != ZERO:
                    shown = Path(f"{commit.short}:{self._inside}{rel}")
                    read = self._reader.facts(new, blobs[new], rel, shown)
                    if read is not None:  # unreadable here: its changes show once it reads again
                        after, noted_after = read, self._reader.revisions(new, rel)
                elif old != ZERO:
                    after, noted_after = {}, {}
            old_facts.update(before)
            new_facts.update(after)
            old_noted.update(noted_before)
            new_noted.update(noted_after)
            for key in after or before:
                paths[key] = rel
        selection = self.selection
        self.known.update(key for key in new_facts if selection.wants_key(key))
        if not selection.wants_date(commit.author_date.date()):
            return []
        listed = sorted(diff_facts(old_facts, new_facts, paths), key=lambda c: KIND_ORDER.index(c.kind))
        return [
            _marked(commit, c, old_facts, old_noted, new_noted)
            for c in listed
            if selection.wants_key(_key_of(c))
        ]

    def _last_readable(self, commit: Commit, rel: str) -> tuple[Facts, Noted]:
        """The facts of the newest readable version of `rel` before `commit` (none: nothing)."""
        if not commit.parents:
            return {}, {}
        path = f"{self._inside}{rel}"
        older = self.git.path_versions(commit.parents[0], path)
        blobs = self.git.blobs(older)
        for sha in older:
            found = self._reader.facts(sha, blobs[sha], rel, Path(f"{sha[:10]}:{path}"))
            if found is not None:
                return found, self._reader.revisions(sha, rel)
        return {}, {}


def _changed_problems(old: bytes, new: bytes, rel: str) -> tuple[Facts, Facts] | None:
    """The facts of only the problems whose lines differ between two versions of a problem list
    (`checks.owners.changed_entries`); None when that cut is not safe (then both are read whole)."""
    from yunhe_cli.checks.owners import changed_entries

    if max(len(old), len(new)) > MAX_FILE_BYTES:
        return None
    try:
        old_text, new_text = old.decode("utf-8"), new.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if old_text.startswith("\ufeff") or new_text.startswith("\ufeff"):
        return None
    found = changed_entries(old_text, new_text, rel)
    return None if found is None else (found[0], found[1])


Noted = dict[Key, tuple[dict[str, Any], ...]]  # a report's revisions: entries as written, by its key


def _marked(commit: Commit, c: Change, old_facts: Facts, old_noted: Noted, new_noted: Noted) -> LogEntry:
    """The change as a log entry, marked announced or not when it changes a month submitted before
    `commit` (the report held `submitted_on` in the commit's parent)."""
    if c.kind not in ("figure", "task", "report"):
        return LogEntry(commit, c)
    key = ("report", c.project, c.period or "")
    if (old_facts.get(key) or {}).get("submitted_on") is None:
        return LogEntry(commit, c)
    before = old_noted.get(key, ())
    recorded = [_revision(r) for r in new_noted.get(key, ()) if r not in before]
    found = announcing(c, [r for r in recorded if r is not None])
    return LogEntry(commit, c, found is not None, found)


def _revision(entry: dict[str, Any]) -> Revision | None:
    """A `revisions:` entry as its model; None for one that does not validate (then it announces
    nothing: `yunhe validate` says what is wrong with it)."""
    try:
        return Revision.model_validate(entry)
    except ValueError:
        return None


def announcing(c: Change, recorded: Iterable[Revision]) -> tuple[str, str] | None:
    """The (reason, by) of the last of the `recorded` revisions that names what `c` changes: its
    indicator or task, and its field; None when none does (the change is unannounced)."""
    matching = [
        r
        for r in recorded
        if r.changed == c.field
        and r.indicator == (c.item if c.kind == "figure" else None)
        and r.task == (c.item if c.kind == "task" else None)
    ]
    return (matching[-1].reason, matching[-1].by) if matching else None


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
        out[i] = announcing(c, [r for r in (new.revisions if new else []) if r not in old.revisions])
    return out
