"""What `validate --base REV` asks of the working mechanism's lists once committed (形势研判,
督查督办, 经验推广), beside `audit.py` for reports and problems:

- feedback (办理情况) is not added to a supervision item closed (办结) at REV and closed still,
  nor dated after the item's closing (A609);
- nothing is recorded before it happened: an entry a commit adds (an item issued, feedback, a
  return, a closing, an assessment written, a practice) is not dated after the day of that commit
  (its commit date, the day the change entered this history, as `recorded.py` judges closings)
  (A610). What is not committed yet is validate's own D304 (after the day checked on).

Who may close an item is ownership (`mechanism_owners.py`, P705).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from yunhe_cli.core.problems import Loc, Problem
from yunhe_cli.core.repository import Repository
from yunhe_cli.store.commit_walk import walk
from yunhe_cli.store.git import ZERO, Git
from yunhe_cli.store.layout import classify
from yunhe_cli.store.yamlio import decode, locate, parse_text

KINDS = ("supervision", "assessments", "practices")


# --------------------------------------------------------------------------- feedback after closing


def feedback_after_closing(base: Repository, head: Repository) -> list[Problem]:
    """A609: feedback new since `base` on an item closed there and still closed, or dated after the
    item's closing. Unplaced (key paths): the caller places them in the files as checked."""
    before = {
        (lst.model.project, item.id): item for lst in base.supervision_lists for item in lst.model.items
    }
    out: list[Problem] = []
    for lst in head.supervision_lists:
        for i, item in enumerate(lst.model.items):
            old = before.get((lst.model.project, item.id))
            kept = list(old.feedback) if old is not None else []
            was_closed = old is not None and old.status == "closed" and item.status == "closed"
            for k, f in enumerate(item.feedback):
                if f in kept:
                    kept.remove(f)
                    continue
                loc: Loc = ("items", i, "feedback", k, "on")
                if was_closed and old is not None:
                    message = (
                        f"feedback added to {item.id} after it was closed (办结) on {old.closed_on}; "
                        "a closed item takes no more feedback (the supervision office sends it back first)"
                    )
                elif item.closed_on is not None and f.on > item.closed_on:
                    message = (
                        f"feedback on {f.on} to {item.id} is dated after the item was closed (办结) on "
                        f"{item.closed_on}; a closed item takes no more feedback"
                    )
                else:
                    continue
                out.append(Problem(lst.source.path, "A609", message, loc))
    return out


# --------------------------------------------------------------------------- dates in the future


def _by(entries: Any, key: str) -> dict[Any, tuple[int, dict[str, Any]]]:
    if not isinstance(entries, list):
        return {}
    out: dict[Any, tuple[int, dict[str, Any]]] = {}
    for i, e in enumerate(entries):
        if isinstance(e, dict) and e.get(key) is not None:
            out.setdefault(str(e.get(key)), (i, e))
    return out


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _new_entries(old: list[Any], new: list[Any]) -> Iterator[tuple[int, Any]]:
    kept = list(old)
    for k, e in enumerate(new):
        if e in kept:
            kept.remove(e)
        else:
            yield k, e


def dated_entries(kind: str, old: Any, new: Any) -> Iterator[tuple[Loc, dt.date, str]]:
    """The dates `new` adds to `old` (a list file's data before and after one commit): where, the
    date, and what it dates."""
    old = old if isinstance(old, dict) else {}
    if not isinstance(new, dict):
        return
    if kind == "supervision":
        before = _by(old.get("items"), "id")
        for name, (i, item) in _by(new.get("items"), "id").items():
            prior = before.get(name, (0, {}))[1]
            if not prior and isinstance(item.get("issued_on"), dt.date):
                yield ("items", i, "issued_on"), item["issued_on"], f"{name} issued"
            for field, what in (("feedback", "feedback"), ("returns", "sent back (退回)")):
                for k, e in _new_entries(_list(prior.get(field)), _list(item.get(field))):
                    if isinstance(e, dict) and isinstance(e.get("on"), dt.date):
                        yield ("items", i, field, k, "on"), e["on"], f"{name} {what}"
            closed = item.get("closed_on")
            if isinstance(closed, dt.date) and closed != prior.get("closed_on"):
                yield ("items", i, "closed_on"), closed, f"{name} closed (办结)"
    else:
        field, key, date = (
            ("assessments", "quarter", "written_on")
            if kind == "assessments"
            else ("practices", "title", "on")
        )
        before = _by(old.get(field), key)
        for name, (i, entry) in _by(new.get(field), key).items():
            day = entry.get(date)
            if isinstance(day, dt.date) and day != before.get(name, (0, {}))[1].get(date):
                what = (
                    f"the assessment of {name} written" if kind == "assessments" else f"the practice {name}"
                )
                yield (field, i, date), day, what


def future_dates(git: Git, prefix: str, base: str) -> list[Problem]:
    """A610 for every entry a commit since `base` adds to the three lists dated after that commit's
    day, placed in the commit's version of the file; oldest commit first."""
    base_sha = git.resolve(base)
    entries = walk(git, ["HEAD", f"^{base_sha}"])
    inside = f"{prefix}/" if prefix else ""
    wanted = [
        (entry, change, rel)
        for entry in entries
        for change in entry.changes
        if change.new != ZERO
        and (rel := change.path[len(inside) :] if change.path.startswith(inside) else None) is not None
        and classify(rel) in KINDS
    ]
    blobs = git.blobs(sha for _e, c, _r in wanted for sha in (c.old, c.new))
    out: list[Problem] = []
    for entry, change, rel in wanted:
        commit = entry.commit
        day = commit.committer_date.date()
        texts = [decode(blobs[s], Path(rel))[0] if s in blobs else None for s in (change.old, change.new)]
        if texts[1] is None:
            continue
        new = parse_text(texts[1], Path(rel))
        old = parse_text(texts[0], Path(rel)).data if texts[0] is not None else None
        shown = Path(f"{commit.short}:{inside}{rel}")
        for loc, when, what in dated_entries(str(classify(rel)), old, new.data):
            if when > day:
                line, col = locate(new.root, loc)
                message = (
                    f"{commit.short} by {commit.author} <{commit.author_email}> records {what} on {when}, "
                    f"after the day it was committed ({day}); nothing is recorded before it happened"
                )
                out.append(Problem(shown, "A610", message, loc, line, col))
    return out
