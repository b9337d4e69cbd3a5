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


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def closings_recorded(git: Git, prefix: str, base_sha: str) -> dict[Closing, Recorded]:
    """Every closing (problem id, closed_on) that a commit since `base_sha` holds, with the oldest
    such commit (parents before children)."""
    folder = f"{prefix}/issues" if prefix else "issues"
    history = git.log(["HEAD", f"^{base_sha}"], folder)
    history.reverse()  # oldest first: the first commit holding a closing recorded it
    inside = f"{prefix}/" if prefix else ""
    wanted = [
        (commit, change.path[len(inside) :], change.new)
        for commit, changes in history
        for change in changes
        if change.new != ZERO
        and change.path.startswith(inside)
        and classify(change.path[len(inside) :]) == "problems"
    ]
    blobs = git.blobs(sha for _c, _rel, sha in wanted)
    found: dict[Closing, Recorded] = {}
    parsed: dict[str, list[Closing]] = {}
    for commit, rel, sha in wanted:
        if sha not in parsed:
            parsed[sha] = _closings(blobs[sha], rel)
        for closing in parsed[sha]:
            if closing not in found:
                found[closing] = Recorded(commit.sha, commit.committer_date.date(), commit.author_date.date())
    return found


def _closings(raw: bytes, rel: str) -> list[Closing]:
    text, _problem = decode(raw, Path(rel))
    if text is None or "closed" not in text:
        return []
    data = parse_text(text, Path(rel)).data
    out = []
    for key, fields in facts_of(rel, data).items():
        day = _day(fields.get("closed_on"))
        if fields.get("status") == "closed" and day is not None:
            out.append((key[-1], day))
    return out


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
