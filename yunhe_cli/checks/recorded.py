"""When each change since REV was recorded: the commit that made it, for `validate --base REV`.

The audit (`audit.py`) judges a closing by the day it was recorded, not by the day the audit runs:
an honest closing committed on its own day and audited a year later is still honest. This module
finds, for every closing in the commits since REV (reachable from HEAD, not from REV), the oldest
commit whose version of the problem list holds it, from one `git log --raw -z` limited to the
problem lists and one `git cat-file --batch`. A closing found in no commit is in the work tree
(or the index) and is recorded on the day checked, `--as-of`.

The day a commit records a change is its **commit date** (the committer's): git sets it again
whenever the commit is made anew (amend, rebase, cherry-pick), so it is the day the change entered
this history. The author date travels unchanged with the patch and is whatever the author's clock
or `--date` said; where its day differs it is shown beside the commit date, so that a reader sees
a rebased change or an author date set by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from yunhe_cli.core.problems import Problem
from yunhe_cli.store.facts import facts_of
from yunhe_cli.store.git import ZERO, Git, GitError
from yunhe_cli.store.layout import classify
from yunhe_cli.store.yamlio import decode, parse_text


@dataclass(frozen=True, slots=True)
class Recorded:
    """The commit that recorded a change: its id, its commit day and its author day."""

    sha: str
    committed: dt.date
    authored: dt.date

    @property
    def short(self) -> str:
        return self.sha[:10]

    def describe(self) -> str:
        """'2025-09-04 by commit 1a2b3c4d5e' and, when the author day differs, '(authored 2025-09-01)'."""
        written = f", authored {self.authored}" if self.authored != self.committed else ""
        return f"{self.committed} by commit {self.short}{written}"


Closing = tuple[str, dt.date]  # a problem's id and the day it is crossed off as of
RevisionKey = tuple[str, str, dt.date, str, str]  # project, period, on, by, reason of a revisions: entry


@dataclass(frozen=True, slots=True)
class Records:
    """The commit that recorded each closing and each revision since REV."""

    closings: dict[Closing, Recorded]
    revisions: dict[RevisionKey, Recorded]


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def changes_recorded(git: Git, prefix: str, base_sha: str) -> Records:
    """Every closing (problem id, closed_on) and every revisions: entry that a commit since
    `base_sha` holds, each with the oldest such commit (parents before children)."""
    history = git.log(["HEAD", f"^{base_sha}"], prefix)
    history.reverse()  # oldest first: the first commit holding a change recorded it
    inside = f"{prefix}/" if prefix else ""
    wanted = [
        (commit, rel, kind, change.new)
        for commit, changes in history
        for change in changes
        if change.new != ZERO and change.path.startswith(inside)
        for rel in [change.path[len(inside) :]]
        for kind in [classify(rel)]
        if kind in ("problems", "report")
    ]
    blobs = git.blobs(sha for _c, _rel, _kind, sha in wanted)
    records = Records({}, {})
    parsed: dict[str, tuple[list[Closing], list[RevisionKey]]] = {}
    for commit, rel, kind, sha in wanted:
        if sha not in parsed:
            parsed[sha] = _held(blobs[sha], rel, kind)
        recorded = Recorded(commit.sha, commit.committer_date.date(), commit.author_date.date())
        closings, revisions = parsed[sha]
        for closing in closings:
            records.closings.setdefault(closing, recorded)
        for revision in revisions:
            records.revisions.setdefault(revision, recorded)
    return records


def closings_recorded(git: Git, prefix: str, base_sha: str) -> dict[Closing, Recorded]:
    """The commit that recorded each closing since `base_sha` (`changes_recorded`)."""
    return changes_recorded(git, prefix, base_sha).closings


def _held(raw: bytes, rel: str, kind: str | None) -> tuple[list[Closing], list[RevisionKey]]:
    """The closings (id, closed_on) and the revisions: entries one version of a file holds."""
    text, _problem = decode(raw, Path(rel))
    if text is None or ("closed" if kind == "problems" else "revisions") not in text:
        return [], []
    data = parse_text(text, Path(rel)).data
    if kind == "problems":
        closings = []
        for key, fields in facts_of(rel, data).items():
            day = _day(fields.get("closed_on"))
            if fields.get("status") == "closed" and day is not None:
                closings.append((key[-1], day))
        return closings, []
    if not isinstance(data, dict) or not isinstance(data.get("revisions"), list):
        return [], []
    parts = rel.split("/")
    project, period = str(data.get("project") or parts[1]), str(data.get("period") or parts[2][:7])
    revisions = []
    for entry in data["revisions"]:
        on = _day(entry.get("on")) if isinstance(entry, dict) else None
        if on is not None:
            revisions.append((project, period, on, str(entry.get("by")), str(entry.get("reason"))))
    return [], revisions


def rewritten_history(git: Git, prefix: str, base: str, base_sha: str) -> list[Problem]:
    """A607 when `base` is not in HEAD's history: the commits it holds were replaced or dropped
    (a rebase, an amend or a `git push --force` of published history). Placed at HEAD's data folder."""
    head = git.resolve("HEAD")
    if git.is_ancestor(base_sha, head):
        return []
    try:
        fork = f"; the two part at {git.merge_base(base_sha, head)[:10]}"
    except GitError:
        fork = "; the two have no commit in common"
    named = (
        base_sha[:10]
        if base_sha.startswith(base) or base.startswith(base_sha[:10])
        else f"{base} ({base_sha[:10]})"
    )
    message = (
        f"the history was rewritten: {named} is not an ancestor of HEAD "
        f"({head[:10]}){fork}. "
        f"Commits of {base_sha[:10]} were replaced or removed (a rebase, an amend or a forced push); "
        f"see git log {base_sha[:10]}...{head[:10]}"
    )
    return [Problem(Path(f"{head[:10]}:{prefix or '.'}"), "A607", message, (), 1, 1)]
