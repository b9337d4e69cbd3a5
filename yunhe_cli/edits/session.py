"""A write session's last step: a change checked against the folder as loaded, then written at once.

A change is refused only for problems in the file it touches (problems already elsewhere were
there before and block no one); the file is replaced atomically (store.write.atomic_write). Call
these under `store.write.repo_lock`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from yunhe_cli.checks.validation import Checked, validate
from yunhe_cli.core.problems import Problem
from yunhe_cli.store.write import WriteRefused, atomic_write, decode_text, dump, encode_text
from yunhe_cli.store.yamlio import round_trip_yaml


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
