"""A cache of each file's own result, that can never hide an error.

What is kept, per file: the validated model and the file's own problems (reading, YAML and
schema), so that a warm run parses only the files that changed. Cross-file checks, the roll-up
and the placing of their problems always run on every file; nothing they find is cached.

The key of an entry is what the file *is*, never where it is or when it changed:

- git's blob id of the bytes (SHA-1 of ``blob <size>\\0<bytes>``), computed from the bytes yunhe
  has just read. An edited file has another key, a renamed file keeps its own, a reverted file
  finds its old entry again, and a file touched but unchanged is still the same file. (The
  index's ids from `git ls-files -s` describe the staged content, which need not be what is on
  disk; hashing costs ~20 ms per 10,000 files, less than a `git` process.)
- the kind of file its path makes it (a report and a problem list are read by different models);
- the *fingerprint* of the code that produced the entry: yunhe's version, `SCHEMA_VERSION`, the
  versions of Python, pydantic and PyYAML, and a digest of the source of every module that reads
  one file (`READERS`). A change to any of them is another cache.

Entries live outside the data: in ``$YUNHE_CACHE_DIR``, else the user's cache folder
(``$XDG_CACHE_HOME/yunhe``, ``~/.cache/yunhe``, ``~/Library/Caches/yunhe``,
``%LOCALAPPDATA%\\yunhe\\Cache``). `yunhe --cache-dir DIR` and `yunhe --no-cache` (or
``YUNHE_NO_CACHE=1``) choose for one run.

A pack per data folder holds its entries: one read at start, one atomic replace at the end when
anything was new (62,300 entries read as 62,300 files cost more than parsing saved). A pack carries
its own digest; a pack that is truncated, corrupted, of another fingerprint or unreadable is
treated as absent, and is written afresh. Concurrent runs each write a whole pack to a file of
their own and rename it into place, so a reader sees one complete pack or another, never a mix.
The cache never fails a command: when it cannot be read or written, the run goes on without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yunhe_cli.core.problems import Loc, Problem

CACHE_ENV = "YUNHE_CACHE_DIR"
NO_CACHE_ENV = "YUNHE_NO_CACHE"
# Raised by hand when the meaning of a file's own result changes in a way the source digest
# below would not see (a dependency's behaviour, say).
SCHEMA_VERSION = 1
# The modules whose code decides one file's own result: their source is part of the fingerprint.
READERS = (  # paths below yunhe_cli/: the loader and everything it imports (a test checks)
    "store/yamlio.py",
    "store/loader.py",
    "store/layout.py",
    "store/write.py",
    "store/cache.py",
    "core/model.py",
    "core/fields.py",
    "core/records.py",
    "core/periods.py",
    "core/numbers.py",
    "core/problems.py",
    "core/repository.py",
)

_MAGIC = b"yunhe-cache-pack\n"
_DIGEST = 32  # bytes of blake2b

# A problem without its path: (code, message, loc, line, col, at_key).
StoredProblem = tuple[str, str, Loc, int, int, bool]


def blob_id(raw: bytes) -> str:
    """git's blob id of these bytes (what `git hash-object` prints)."""
    digest = hashlib.sha1(b"blob %d\0" % len(raw), usedforsecurity=False)
    digest.update(raw)
    return digest.hexdigest()


def user_cache_dir() -> Path:
    """Where the cache lives when nothing says otherwise."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "yunhe" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "yunhe"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "yunhe"


_fingerprint: str | None = None


def fingerprint() -> str:
    """The code that produces an entry, as a short digest (see the module's docstring)."""
    global _fingerprint
    if _fingerprint is None:
        import pydantic
        import yaml

        from yunhe_cli import __version__

        digest = hashlib.blake2b(digest_size=12)
        for part in (__version__, SCHEMA_VERSION, sys.version, pydantic.VERSION, yaml.__version__):
            digest.update(f"{part}\0".encode())
        package = Path(__file__).resolve().parent.parent  # yunhe_cli/
        for name in READERS:
            digest.update((package / name).read_bytes())
        _fingerprint = digest.hexdigest()
    return _fingerprint


@dataclass(slots=True)
class Entry:
    """One file's own result: its model (None when it has problems) and its problems, placed."""

    model: Any
    problems: list[StoredProblem]

    def restore(self, path: Path) -> list[Problem]:
        return [
            Problem(path, code, msg, loc, line, col, at_key)
            for code, msg, loc, line, col, at_key in self.problems
        ]


def store(model: Any, problems: list[Problem]) -> Entry:
    return Entry(model, [(p.code, p.message, p.loc, p.line, p.col, p.at_key) for p in problems])


@dataclass
class FolderCache:
    """The entries of one data folder: looked up by (kind, blob id), written back once.

    The pack is one pickle of every entry, so that a text repeated across files (a key, an id, a
    unit: the reader interns them) is one object after loading too, as it was after parsing.
    """

    pack: Path | None
    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)
    used: dict[tuple[str, str], Entry] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0

    def get(self, kind: str, key: str) -> Entry | None:
        entry = self.entries.get((kind, key))
        if not isinstance(entry, Entry):
            self.misses += 1
            return None
        self.used[(kind, key)] = entry
        self.hits += 1
        return entry

    def put(self, kind: str, key: str, entry: Entry) -> None:
        self.used[(kind, key)] = entry

    def save(self) -> None:
        """Write the pack when it would change: the entries of this run's files, and no others."""
        if self.pack is None or self.used.keys() == self.entries.keys():
            return
        try:
            body = pickle.dumps(self.used, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # a model that cannot be pickled: the run goes on without a cache
            return
        blob = _MAGIC + fingerprint().encode() + b"\n" + hashlib.blake2b(body, digest_size=_DIGEST).digest()
        from yunhe_cli.store.write import WriteRefused, atomic_write

        with contextlib.suppress(WriteRefused):  # a cache that cannot be written is only slower
            atomic_write(self.pack, blob + body)


class Cache:
    """The cache folder; `folder(root)` gives the pack of one data folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def folder(self, root: Path) -> FolderCache:
        try:
            where = os.path.realpath(root)
        except (OSError, ValueError):
            return FolderCache(None)
        name = hashlib.blake2b(where.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
        pack = self.directory / fingerprint() / f"{name}.pack"
        return FolderCache(pack, read_pack(pack))


def read_pack(pack: Path) -> dict[tuple[str, str], Entry]:
    """A pack's entries, or none when it is missing, truncated, corrupted or of another fingerprint."""
    try:
        data = pack.read_bytes()
    except OSError:
        return {}
    head = _MAGIC + fingerprint().encode() + b"\n"
    if not data.startswith(head) or len(data) < len(head) + _DIGEST:
        return {}
    digest = data[len(head) : len(head) + _DIGEST]
    body = memoryview(data)[len(head) + _DIGEST :]
    if hashlib.blake2b(body, digest_size=_DIGEST).digest() != digest:
        return {}
    try:
        entries = pickle.loads(body)
    except Exception:
        return {}
    if not isinstance(entries, dict):
        return {}
    return entries


# The cache the command line chose for this run (None: no cache); library calls pass their own.
_active: Cache | None = None


def configure(directory: Path | None, enabled: bool = True) -> None:
    """Set the cache for this process (the command line does, from its options and environment)."""
    global _active
    if not enabled or os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        _active = None
        return
    _active = Cache(directory or user_cache_dir())


def active() -> Cache | None:
    return _active
