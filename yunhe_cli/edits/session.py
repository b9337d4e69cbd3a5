"""A write session: the folder loaded and checked once under the lock, the project a command names,
and the last step, a change checked against the folder as loaded, then written at once.

A change is refused only for problems in the file it touches (problems already elsewhere were
there before and block no one); a file is replaced atomically (store.write.atomic_write), and a
batch of files (`write_batch`, what an import writes) all or none through that same write. Call
these under `store.write.repo_lock`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from yunhe_cli.checks.validation import Checked, validate
from yunhe_cli.core import model as m
from yunhe_cli.core.problems import Problem
from yunhe_cli.core.repository import Repository
from yunhe_cli.store.write import WriteRefused, atomic_write, cannot_write, decode_text, dump, encode_text
from yunhe_cli.store.yamlio import round_trip_yaml


class UnknownProject(LookupError):
    def __init__(self, ref: str, known: list[str]) -> None:
        super().__init__(f"no project {ref!r}; the projects are {', '.join(known)}")


class UnknownUnit(LookupError):
    """A unit named in a command that units.yaml does not know: a usage error, not bad data."""

    def __init__(self, ref: str, names: list[str]) -> None:
        close = [n for n in names if ref and ref in n][:3] or difflib.get_close_matches(
            ref, names, n=3, cutoff=0.5
        )
        hint = f"; did you mean {' or '.join(close)}?" if close else "; see units.yaml for the names"
        super().__init__(f"no unit {ref!r} in units.yaml{hint}")


def checked_repo(root: Path, today: dt.date | None = None, notices: list[Problem] | None = None) -> Checked:
    """The folder, loaded and checked once under the lock. Problems already in it do not stop a
    write elsewhere (one unit's mistake must not block every other unit); they go to `notices`,
    and a write is refused only for problems in the file it touches."""
    checked = Checked.load(root, today)
    if notices is not None:
        notices.extend(p for p in checked.problems() if p.severity == "error")
    return checked


def project_of(repo: Repository, ref: str) -> m.Project:
    found = repo.project(ref)
    if found is None:
        raise UnknownProject(ref, [p.model.id for p in sorted(repo.projects, key=lambda p: p.model.number)])
    return found.model


def check_and_write(
    root: Path, rel: str, text: str, today: dt.date | None = None, checked: Checked | None = None
) -> None:
    """Validate `text` as the content of root/rel, with the whole repository; write it if the file
    it touches is clean. Problems in other files do not block it (they were there before).

    `checked`: the folder as loaded for this write, so that the change is checked against it
    without reading every file again (one validation per write)."""
    path = root / rel
    if checked is not None:
        problems = checked.with_change(rel, text)
    else:
        _, problems = validate(root, overrides={rel: text}, today=today)
    mine = [p for p in problems if p.path == path and p.severity == "error"]
    if mine:
        count = f"{len(mine)} problem" + ("s" if len(mine) > 1 else "")
        summary = Problem(
            path,
            "W505",
            f"the change would leave {rel} with {count}, placed below in the text it would have had",
            (),
            mine[0].line,
            mine[0].col,
        )
        raise WriteRefused([summary, *mine])
    atomic_write(path, text)


def edit(
    root: Path,
    rel: str,
    change: Callable[[Any], None],
    today: dt.date | None = None,
    checked: Checked | None = None,
) -> str:
    """Apply `change` to the round-tripped document at root/rel, check it, and write it.

    Returns the new text. Raises WriteRefused (nothing written) when the change is refused.
    Call it under `repo_lock`.
    """
    text, bom, crlf = decode_text((root / rel).read_bytes())
    data = round_trip_yaml().load(text)
    change(data)
    new_text = encode_text(dump(data), bom, crlf)
    check_and_write(root, rel, new_text, today, checked)
    return new_text


def create(
    root: Path, rel: str, text: str, today: dt.date | None = None, checked: Checked | None = None
) -> None:
    """Write a new file; refuse (W504) when it exists. Call it under `repo_lock`."""
    path = root / rel
    if path.exists():
        raise WriteRefused(
            [Problem(path, "W504", f"{rel} exists already; yunhe does not overwrite it", (), 1, 1)]
        )
    check_and_write(root, rel, text, today, checked)


def write_batch(root: Path, texts: dict[str, str]) -> list[Path]:
    """Write every file of a checked batch or none; the files written, in order of path.

    Each file goes through the one atomic write (a temporary file beside it, fsync, rename, fsync
    of the folder); a refusal part-way puts back the files already replaced, through the same write,
    and removes those it created. Raises WriteRefused (W509) when the system refuses. Call it under
    `repo_lock`, after the batch was validated.
    """
    done: list[tuple[Path, bytes | None]] = []
    try:
        for rel, text in sorted(texts.items()):
            path = root / rel
            try:
                before = path.read_bytes() if path.exists() else None
            except OSError as exc:
                raise cannot_write(path, exc) from exc
            atomic_write(path, text)
            done.append((path, before))
    except BaseException:
        for path, before in reversed(done):
            with contextlib.suppress(OSError, WriteRefused):
                if before is None:
                    path.unlink(missing_ok=True)
                else:
                    atomic_write(path, before)
        raise
    return [path for path, _ in done]
