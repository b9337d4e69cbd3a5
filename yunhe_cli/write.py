"""Writing data: every change is checked before it lands, atomic, locked, and minimal.

- Read-modify-write goes through ruamel.yaml's round trip (comments, key order and quotes
  kept; the shipped files round-trip byte for byte), so a change touches only its lines.
- The new text is validated with the whole repository (`checks.validate` with the text as an
  override) *before* anything on disk changes; a change that leaves its file with a problem is
  refused with those problems (W505).
- The write is atomic: a temporary file in the same folder, flushed and fsynced, then renamed
  over the old one. A crash before the rename leaves the old file whole (and a hidden
  temporary file that yunhe ignores).
- A lock file in the data folder (`.yunhe.lock`) serialises concurrent writers, so two analysts
  closing two problems of one file at the same moment lose neither change.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .loader import LOCK_NAME
from .problems import Loc, Problem

LOCK_TIMEOUT_S = 30
BOM = "\ufeff"


class WriteRefused(Exception):
    """A change that was not written, with the problems that explain why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def refuse(path: Path, code: str, message: str, loc: Loc = ()) -> WriteRefused:
    from .loader import place

    return WriteRefused(place([Problem(path, code, message, loc)]))


@contextlib.contextmanager
def repo_lock(root: Path) -> Iterator[None]:
    """One writer at a time in a data folder, for the whole read-check-write.

    Whole-folder rather than per-file: adding a problem reads every list to find the next free
    id, so the lock must cover more than the file being written.
    """
    from filelock import FileLock

    with FileLock(str(root / LOCK_NAME), timeout=LOCK_TIMEOUT_S):
        yield


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8) all at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where the OS allows
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def check_and_write(root: Path, rel: str, text: str) -> None:
    """Validate `text` as the content of root/rel, with the whole repository; write it if clean."""
    from .checks import validate

    path = root / rel
    _, problems = validate(root, overrides={rel: text})
    mine = [p for p in problems if p.path == path and p.severity == "error"]
    if mine:
        raise WriteRefused(mine)
    atomic_write(path, text)


# --------------------------------------------------------------------------- round trip


def dump(data: Any) -> str:
    from .yamlio import round_trip_yaml

    buffer = io.StringIO()
    round_trip_yaml().dump(data, buffer)
    return buffer.getvalue()


def _decode(raw: bytes) -> tuple[str, bool, bool]:
    """Text, whether it had a BOM, whether it used CRLF: a rewrite keeps both as they were."""
    text = raw.decode("utf-8")
    bom = text.startswith(BOM)
    text = text.removeprefix(BOM)
    crlf = "\r\n" in text
    return text.replace("\r\n", "\n"), bom, crlf


def _encode(text: str, bom: bool, crlf: bool) -> str:
    if crlf:
        text = text.replace("\n", "\r\n")
    return (BOM if bom else "") + text


def edit(root: Path, rel: str, change: Callable[[Any], None]) -> str:
    """Apply `change` to the round-tripped document at root/rel, check it, and write it.

    Returns the new text. Raises WriteRefused (nothing written) when the change is refused.
    Call it under `repo_lock`.
    """
    from .yamlio import round_trip_yaml

    text, bom, crlf = _decode((root / rel).read_bytes())
    data = round_trip_yaml().load(text)
    change(data)
    new_text = _encode(dump(data), bom, crlf)
    check_and_write(root, rel, new_text)
    return new_text


def create(root: Path, rel: str, text: str) -> None:
    """Write a new file; refuse (W504) when it exists. Call it under `repo_lock`."""
    path = root / rel
    if path.exists():
        raise WriteRefused(
            [Problem(path, "W504", f"{rel} exists already; yunhe does not overwrite it", (), 1, 1)]
        )
    check_and_write(root, rel, text)
