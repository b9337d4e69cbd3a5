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
import errno
import io
import os
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yunhe_cli.core.problems import Loc, Problem
from yunhe_cli.store.layout import LOCK_NAME

if TYPE_CHECKING:
    pass

LOCK_TIMEOUT_S = 30
BOM = "\ufeff"


class WriteRefused(Exception):
    """A change that was not written, with the problems that explain why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def refuse(path: Path, code: str, message: str, loc: Loc = ()) -> WriteRefused:
    from yunhe_cli.store.yamlio import place

    return WriteRefused(place([Problem(path, code, message, loc)]))


def cannot_write(path: Path, exc: OSError) -> WriteRefused:
    """The system said no (a read-only folder, no permission, a full disk): a problem, not a traceback."""
    hint = " (is the folder read-only?)" if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) else ""
    reason = exc.strerror or type(exc).__name__
    return WriteRefused([Problem(path, "W509", f"cannot write {path.name}: {reason}{hint}", (), 1, 1)])


def _bad_lock(path: Path, what: str) -> WriteRefused:
    return WriteRefused(
        [
            Problem(
                path,
                "Y016",
                f"{LOCK_NAME} is {what}; yunhe never follows it and will not write until it is removed",
                (),
                1,
                1,
            )
        ]
    )


def _open_lock(path: Path) -> int:
    """The lock file, opened without following a link and without blocking on a pipe.

    A lock that followed a link would let the lock library truncate whatever the link points at.
    """
    from yunhe_cli.store.yamlio import file_kind

    try:
        mode: int | None = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    if mode is not None and stat.S_ISLNK(mode):
        raise _bad_lock(path, "a symbolic link")
    if mode is not None and not stat.S_ISREG(mode):
        raise _bad_lock(path, f"{file_kind(mode)}, not a file")
    flags = os.O_RDWR | os.O_CREAT
    for name in ("O_NOFOLLOW", "O_NONBLOCK", "O_CLOEXEC"):
        flags |= getattr(os, name, 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):  # swapped in since the lstat
            raise _bad_lock(path, "not a plain file") from exc
        raise cannot_write(path, exc) from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _bad_lock(path, "not a plain file")
    return fd


def _holder(fd: int) -> str:
    """Who holds the lock, as its holder wrote it: pid, command, since when."""
    try:
        return os.pread(fd, 200, 0).decode("utf-8", errors="replace").strip()
    except OSError:
        return ""


def _me() -> str:
    command = " ".join(["yunhe", *sys.argv[1:3]]) if sys.argv else "yunhe"
    return f"pid {os.getpid()}, {command}, since {time.strftime('%H:%M:%S')}"


@contextlib.contextmanager
def repo_lock(root: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """One writer at a time in a data folder, for the whole read-check-write.

    Whole-folder rather than per-file: adding a problem reads every list to find the next free
    id, so the lock must cover more than the file being written. The lock is an advisory
    `flock` on `.yunhe.lock` (the same lock `filelock` takes, so older versions interoperate);
    it goes with the process, so a killed writer leaves no stale lock. The holder writes who it
    is into the file, so that a writer that gives up can say whom it waited for.
    """
    path = root / LOCK_NAME
    if not hasattr(os, "pread"):  # pragma: no cover - Windows: no flock, no O_NOFOLLOW
        yield from _windows_lock(path, timeout)
        return
    import fcntl

    fd = _open_lock(path)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(fd) or "another process"
                    raise WriteRefused(
                        [
                            Problem(
                                path,
                                "W508",
                                f"waited {timeout:g} s for the lock of {root}, held by {holder}; "
                                "try again when that write is done, or wait longer with --lock-timeout",
                                (),
                                1,
                                1,
                            )
                        ]
                    ) from None
                time.sleep(0.05)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{_me()}\n".encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the flock


def _windows_lock(path: Path, timeout: float) -> Iterator[None]:  # pragma: no cover - not POSIX
    from filelock import FileLock, Timeout

    if (os.path.lexists(path) and not os.path.isfile(path)) or os.path.islink(path):
        raise _bad_lock(path, "not a plain file")
    try:
        with FileLock(str(path), timeout=timeout):
            yield
    except Timeout:
        raise WriteRefused(
            [
                Problem(
                    path,
                    "W508",
                    f"waited {timeout:g} s for the lock; try again, or use --lock-timeout",
                    (),
                    1,
                    1,
                )
            ]
        ) from None
    except OSError as exc:
        raise cannot_write(path, exc) from exc


def atomic_write(path: Path, text: str | bytes) -> None:
    """Replace `path` with `text` (UTF-8, or bytes as they are) all at once — a temporary file in the
    same folder, fsync, rename: the one atomic write of yunhe. WriteRefused (W509) when the system
    refuses."""
    try:
        _atomic_write(path, text)
    except OSError as exc:
        raise cannot_write(path, exc) from exc


def _atomic_write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
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


# --------------------------------------------------------------------------- round trip


def dump(data: Any) -> str:
    from yunhe_cli.store.yamlio import round_trip_yaml

    buffer = io.StringIO()
    round_trip_yaml().dump(data, buffer)
    return buffer.getvalue()


def decode_text(raw: bytes) -> tuple[str, bool, bool]:
    """Text, whether it had a BOM, whether it used CRLF: a rewrite keeps both as they were."""
    text = raw.decode("utf-8")
    bom = text.startswith(BOM)
    text = text.removeprefix(BOM)
    crlf = "\r\n" in text
    return text.replace("\r\n", "\n"), bom, crlf


def encode_text(text: str, bom: bool, crlf: bool) -> str:
    if crlf:
        text = text.replace("\n", "\r\n")
    return (BOM if bom else "") + text
