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

A pack is trusted only as far as the folder it lives in (see `_open_store`):

- the cache folder is used only when it is the user's own (owned by them, not writable by group or
  others), not inside the data folder and not inside any git work tree (a repository could carry a
  pack); nothing inside it is reached through a link (each step is opened with O_NOFOLLOW relative
  to the one before, and checked with fstat: owner, mode, kind);
- a pack is authenticated: its digest is keyed BLAKE2b (a MAC) under a secret of 32 random bytes
  kept in the cache folder as ``key``, mode 0600, made on first use. A pack whose digest was merely
  recomputed, or that was planted or copied from another user's cache, fails the check and is
  treated as absent. Only an authenticated body is unpickled, and then only into the classes a
  pack holds (`_Unpickler`): yunhe's models and the few standard types in them.

Why a keyed pickle and not JSON re-validated through pydantic: the digest was already there, and a
keyed BLAKE2b costs the same as the plain one (0.4 ms for the sample's 437 entries), so the warm run
keeps its speed, while rebuilding every model through strict `model_validate` would repeat a good
part of the work the cache saves. Reading the sample's pack took 43 ms before (plain digest,
`pickle.loads`) and 30 ms now (median of 30 alternating reads in one process), the collector paused
while it loads. Where the system cannot open a file relative to a folder without following links
(no `dir_fd` or O_NOFOLLOW: Windows), there is no cache.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import hmac
import io
import os
import pickle
import secrets
import stat
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
    "store/report_salvage.py",
    "store/layout.py",
    "store/write.py",
    "store/cache.py",
    "core/model.py",
    "core/fields.py",
    "core/records.py",
    "core/mechanism_records.py",
    "core/periods.py",
    "core/numbers.py",
    "core/problems.py",
    "core/repository.py",
    "core/progress.py",
)

_MAGIC = b"yunhe-cache-pack\n"
_DIGEST = 32  # bytes of blake2b
_KEY_NAME = "key"
_KEY_BYTES = 32

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
    # The blob id of each file read this run, by its path in the folder (the folder's record).
    blobs: dict[str, str] = field(default_factory=dict)

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
        write_sealed(self.pack, self.used)


class Cache:
    """The cache folder; `folder(root)` gives the pack of one data folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def folder(self, root: Path) -> FolderCache:
        try:
            where = os.path.realpath(root)
            mine = os.path.realpath(self.directory)
        except (OSError, ValueError):
            return FolderCache(None)
        if mine == where or mine.startswith(where.rstrip(os.sep) + os.sep):
            return FolderCache(None)  # a cache inside the data: the data could carry a pack
        pack = self.directory / fingerprint() / f"{_folder_name(where)}.pack"
        return FolderCache(pack, read_pack(pack))

    def record(self, root: Path) -> Path | None:
        """Where the whole folder's result is kept (checks/folder_result.py), beside its pack; None
        when the cache folder is inside the data."""
        try:
            where = os.path.realpath(root)
            mine = os.path.realpath(self.directory)
        except (OSError, ValueError):
            return None
        if mine == where or mine.startswith(where.rstrip(os.sep) + os.sep):
            return None
        return self.directory / fingerprint() / f"{_folder_name(where)}.folder"


def _folder_name(where: str) -> str:
    return hashlib.blake2b(where.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def _head() -> bytes:
    return _MAGIC + fingerprint().encode() + b"\n"


def _mac(key: bytes, body: bytes | memoryview) -> bytes:
    return hashlib.blake2b(body, digest_size=_DIGEST, key=key).digest()


def read_pack(pack: Path) -> dict[tuple[str, str], Entry]:
    """A pack's entries, or none when it is missing, truncated, corrupted, of another fingerprint,
    not authenticated by this user's key, or where it may not be trusted (see `_open_store`)."""
    entries = read_sealed(pack)
    return entries if isinstance(entries, dict) else {}


def write_sealed(pack: Path, value: Any) -> None:
    """Write `value` as an authenticated pack (whole or not at all); on any failure, nothing."""
    try:
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # a model that cannot be pickled: the run goes on without a cache
        return
    opened = _open_store(pack.parent.parent, pack.parent.name, create=True)
    if opened is None:  # a folder that is not the user's own, or cannot be written: only slower
        return
    folder, key = opened
    try:
        _replace(folder, pack.name, _head() + _mac(key, body) + body)
    except OSError:
        pass
    finally:
        os.close(folder)


def read_sealed(pack: Path) -> Any:
    """What `write_sealed` wrote, or None when the pack is missing, truncated, corrupted, of another
    fingerprint, not authenticated by this user's key, or where it may not be trusted."""
    opened = _open_store(pack.parent.parent, pack.parent.name, create=False)
    if opened is None:
        return None
    folder, key = opened
    try:
        data = _read(folder, pack.name)
    except OSError:
        return None
    finally:
        os.close(folder)
    head = _head()
    if data is None or not data.startswith(head) or len(data) < len(head) + _DIGEST:
        return None
    digest = data[len(head) : len(head) + _DIGEST]
    body = memoryview(data)[len(head) + _DIGEST :]
    if not hmac.compare_digest(_mac(key, body), digest):
        return None
    collecting = gc.isenabled()
    gc.disable()  # loading makes ~10^5 objects and no garbage: the collector's passes cost 2/3 of it
    try:
        return _Unpickler(io.BytesIO(body)).load()
    except Exception:
        return None
    finally:
        if collecting:
            gc.enable()


# What a pack may name: the entry, yunhe's models (and their `_restore`), and the standard types
# their fields hold. Anything else (os.system, builtins.eval ...) refuses the whole pack.
_ALLOWED_MODULES = ("yunhe_cli.core.", "yunhe_cli.store.cache")
_ALLOWED_NAMES = {
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("decimal", "Decimal"),
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        known = (module, name) in _ALLOWED_NAMES
        ours = module.startswith(_ALLOWED_MODULES) and (not name.startswith("_") or name == "_restore")
        if known or ours:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a cache pack may not name {module}.{name}")


# ------------------------------------------------------------------ the folder, opened safely

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIR_FLAGS = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC
_SUPPORTED = (
    bool(_NOFOLLOW and _DIRECTORY)
    and hasattr(os, "geteuid")
    and all(f in os.supports_dir_fd for f in (os.open, os.mkdir, os.link, os.unlink, os.rename))
)


def _private(fd: int, kind: int, secret: bool = False) -> bool:
    """Whether `fd` is of this kind, the user's own, and writable (`secret`: readable) by nobody else."""
    st = os.fstat(fd)
    forbidden = 0o077 if secret else 0o022
    return stat.S_IFMT(st.st_mode) == kind and st.st_uid == os.geteuid() and not st.st_mode & forbidden


def _in_work_tree(real: str) -> bool:
    here = Path(real)
    return any(os.path.lexists(folder / ".git") for folder in (here, *here.parents))


def _open_store(directory: Path, sub: str, create: bool) -> tuple[int, bytes] | None:
    """(an open descriptor of `directory/sub`, the user's key), or None when the cache folder may
    not be trusted: not the user's own, writable by group or others, inside a git work tree, or
    reached through a link below it; or when anything cannot be opened (`create`: made if missing)."""
    if not _SUPPORTED or sub != fingerprint():
        return None
    top = -1
    try:
        if create:
            os.makedirs(directory, mode=0o700, exist_ok=True)
        real = os.path.realpath(directory)
        if _in_work_tree(real):
            return None
        top = os.open(real, _DIR_FLAGS)
        if not _private(top, stat.S_IFDIR):
            return None
        key = _key(top, create)
        if key is None:
            return None
        if create:
            with contextlib.suppress(FileExistsError):
                os.mkdir(sub, 0o700, dir_fd=top)
        folder = os.open(sub, _DIR_FLAGS, dir_fd=top)
        if not _private(folder, stat.S_IFDIR):
            os.close(folder)
            return None
        return folder, key
    except (OSError, ValueError):
        return None
    finally:
        if top >= 0:
            os.close(top)


def _key(top: int, create: bool) -> bytes | None:
    """The user's secret in the open cache folder `top` (made when missing and `create`)."""
    try:
        fd = os.open(_KEY_NAME, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=top)
    except FileNotFoundError:
        if not create:
            return None
        temporary = f"{_KEY_NAME}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
        fd = os.open(temporary, flags, 0o600, dir_fd=top)
        try:
            os.write(fd, secrets.token_bytes(_KEY_BYTES))
        finally:
            os.close(fd)
        try:  # a link never replaces a key another run made meanwhile
            with contextlib.suppress(FileExistsError):
                os.link(temporary, _KEY_NAME, src_dir_fd=top, dst_dir_fd=top, follow_symlinks=False)
        finally:
            os.unlink(temporary, dir_fd=top)
        return _key(top, create=False)
    try:
        if not _private(fd, stat.S_IFREG, secret=True):
            return None
        key = os.read(fd, _KEY_BYTES + 1)
    finally:
        os.close(fd)
    return key if len(key) == _KEY_BYTES else None


def _read(folder: int, name: str) -> bytes | None:
    fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=folder)
    try:
        if not _private(fd, stat.S_IFREG):
            return None
        with open(fd, "rb", closefd=False) as stream:
            return stream.read()
    finally:
        os.close(fd)


def _replace(folder: int, name: str, blob: bytes) -> None:
    """Write `name` in the open `folder` whole or not at all: a file of its own, renamed into place
    (a link where `name` is gets replaced, never followed)."""
    temporary = f"{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    fd = os.open(temporary, flags, 0o600, dir_fd=folder)
    try:
        try:
            view = memoryview(blob)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.rename(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        raise


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
