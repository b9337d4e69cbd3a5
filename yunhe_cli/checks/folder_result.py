"""An unchanged folder answers from one lookup: the whole folder's result, kept by what its files are.

`validate` of a folder is its files' own results (the per-file pack, store/cache.py) and the
cross-file checks over all of them. When no file changed, neither did the answer; this keeps the
answer (every problem, placed) in an authenticated record beside the folder's pack, under a *root*:
a digest of the code (the per-file fingerprint and the source of every module of core, store and
checks), the day the data is checked on, each file's path, kind and git blob id, and what the walk
found besides (a link, a file yunhe does not read). A record keeps the last few answers (`ANSWERS`:
`validate` and `status` may check on different days), each found only by its own root.

Finding the blob ids without reading every file is what git's index does: the record keeps each
file's stat data (size, mtime_ns, inode, ctime_ns, device) with its blob id, and a file whose stat
data is the same is the same bytes, so only a file whose stat changed is read and hashed again.
ctime cannot be set back by a user, so an edit that restores the mtime is still seen. The racy
rule: a file whose mtime or ctime is not older than the moment the record began (less a margin
for coarse clocks) may have changed within one tick of the clock after it was read, so it is
always hashed again.

Nothing hides an error: any doubt is a miss and the whole pipeline runs (through the per-file
cache), and a record is only written from a run that read every file. The models the roll-up
needs come from the per-file pack by the same blob ids; when one is missing, that is a miss too.
On a miss every cross-file check runs again (1.5 s CPU on 10,000 files): running only the checks a
changed file can touch would need each rule to declare what it reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from pathlib import Path
from typing import Any

from yunhe_cli.checks.rules import judged
from yunhe_cli.core.problems import Problem
from yunhe_cli.core.repository import Repository, SourceFile, attach
from yunhe_cli.store import cache as cache_mod
from yunhe_cli.store.loader import discover, load_repository, paused_gc

# A file changed less than this before the record began is hashed again on every run (some file
# systems keep times to 1 or 2 seconds).
RACY_MARGIN_NS = 2_000_000_000
# Bumped by hand when what a record holds changes shape.
RECORD_VERSION = 1
# Answers kept per folder, newest last (validate and status check on different days: --as-of, today).
ANSWERS = 4
# Where the code that decides a folder's result lives (below yunhe_cli/): its source is in the root.
CHECKERS = ("core", "store", "checks")

# (size, mtime_ns, inode, ctime_ns, device)
Stat = tuple[int, int, int, int, int]
# A placed problem, its path relative to the folder when it is inside it:
# (inside, path, code, message, loc, line, col, at_key)
StoredProblem = tuple[bool, str, str, str, tuple[Any, ...], int, int, bool]

_code_digest: str | None = None


def code_digest() -> str:
    """The per-file fingerprint and the source of every module that decides a folder's result."""
    global _code_digest
    if _code_digest is None:
        digest = hashlib.blake2b(digest_size=16)
        digest.update(f"{cache_mod.fingerprint()}\0{RECORD_VERSION}\0".encode())
        package = Path(__file__).resolve().parent.parent
        for floor in CHECKERS:
            for path in sorted((package / floor).glob("*.py")):
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _code_digest = digest.hexdigest()
    return _code_digest


def stat_of(path: Path) -> Stat | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns, st.st_dev


def folder_root(
    files: list[SourceFile], blobs: dict[str, str], discovered: list[Problem], today: dt.date
) -> str:
    """The digest a folder's result is kept under: the code, the day, every file's path, kind and
    blob id, and what the walk found that is not read (links, other files)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{code_digest()}\0{today.isoformat()}\0".encode())
    for f in files:
        digest.update(f"{f.rel}\0{f.kind}\0{blobs[f.rel]}\n".encode("utf-8", "surrogateescape"))
    for p in discovered:
        digest.update(f"{p.path}\0{p.code}\0{p.message}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def known_blobs(
    files: list[SourceFile], record: dict[str, Any] | None
) -> tuple[dict[str, str], dict[str, Stat]] | None:
    """Every file's blob id, from the record's stat data where it still holds, else from its bytes;
    and the stat data seen. None when a file cannot be read (the full run says why)."""
    stats: dict[str, Stat] = {}
    blobs: dict[str, str] = {}
    recorded: dict[str, tuple[Stat, str]] = record["files"] if record else {}
    racy_from = (record["began_ns"] if record else 0) - RACY_MARGIN_NS
    for f in files:
        seen = stat_of(f.path)
        if seen is None:
            return None
        stats[f.rel] = seen
        before = recorded.get(f.rel)
        if before is not None and before[0] == seen and max(seen[1], seen[3]) < racy_from:
            blobs[f.rel] = before[1]
            continue
        try:
            raw = f.path.read_bytes()
        except OSError:
            return None
        blobs[f.rel] = cache_mod.blob_id(raw)
    return blobs, stats


def read_record(where: Path) -> dict[str, Any] | None:
    record = cache_mod.read_sealed(where)
    if not isinstance(record, dict) or record.get("version") != RECORD_VERSION:
        return None
    return record


def validate_folder(
    root: Path, today: dt.date, cache: cache_mod.Cache | None = None, models: bool = True
) -> tuple[Repository, list[Problem]] | None:
    """What `validation.validate(root, today=today)` returns, answered from the folder's record when
    no file changed; None when there is no cache to keep it in. `models=False`: from the record,
    the repository holds its files but no models (for a caller that reports the problems only)."""
    chosen = cache if cache is not None else cache_mod.active()
    where = chosen.record(root) if chosen is not None else None
    if chosen is None or where is None or not root.is_dir():
        return None
    with paused_gc():
        files, discovered = discover(root)
        record = read_record(where)
        known = known_blobs(files, record) if record is not None else None
        if record is not None and known is not None:
            blobs = known[0]
            kept = record["answers"].get(folder_root(files, blobs, discovered, today))
            if kept is not None:
                if not models:
                    return Repository(root=root, files=files), _problems(root, kept)
                found = _from_record(root, files, blobs, kept, chosen)
                if found is not None:
                    return found
        return _run_and_record(root, today, chosen, where, record, (files, discovered))


def _from_record(
    root: Path,
    files: list[SourceFile],
    blobs: dict[str, str],
    kept: list[StoredProblem],
    chosen: cache_mod.Cache,
) -> tuple[Repository, list[Problem]] | None:
    pack = chosen.folder(root)
    repo = Repository(root=root, files=files)
    for f in files:
        entry = pack.get(f.kind, blobs[f.rel])
        if entry is None:
            return None
        if entry.model is not None:
            attach(repo, f, entry.model)
    return repo, _problems(root, kept)


def _problems(root: Path, kept: list[StoredProblem]) -> list[Problem]:
    return [_restore(root, p) for p in kept]


def _run_and_record(
    root: Path,
    today: dt.date,
    chosen: cache_mod.Cache,
    where: Path,
    record: dict[str, Any] | None,
    walked: tuple[list[SourceFile], list[Problem]],
) -> tuple[Repository, list[Problem]]:
    """The whole pipeline (through the per-file cache) over one walk of the folder, and a record of
    it when every file was read. Each file's stat data are taken before its bytes are read, and the
    record begins before both, so a file changed meanwhile is never trusted by its stat data."""
    began = time.time_ns()
    files, discovered = walked
    stats = {f.rel: stat_of(f.path) for f in files}
    pack = chosen.folder(root)
    repo, problems = load_repository(root, folder=pack, walked=walked)
    placed = judged(repo, problems, today)
    if all(stats[f.rel] and f.rel in pack.blobs for f in files):
        blobs = pack.blobs
        # answers of other days (or of the files as they were) stay: each is found only by its root
        answers = {**(record["answers"] if record else {})}
        answers.pop(root_now := folder_root(files, blobs, discovered, today), None)
        answers[root_now] = [_store(root, p) for p in placed]
        cache_mod.write_sealed(
            where,
            {
                "version": RECORD_VERSION,
                "began_ns": began,
                "files": {f.rel: (stats[f.rel], blobs[f.rel]) for f in files},
                "answers": dict(list(answers.items())[-ANSWERS:]),
            },
        )
    return repo, placed


def _store(root: Path, p: Problem) -> StoredProblem:
    inside = p.path.is_relative_to(root)
    where = p.path.relative_to(root).as_posix() if inside else str(p.path)
    return (inside, where, p.code, p.message, p.loc, p.line, p.col, p.at_key)


def _restore(root: Path, stored: StoredProblem) -> Problem:
    inside, where, code, message, loc, line, col, at_key = stored
    return Problem(root / where if inside else Path(where), code, message, loc, line, col, at_key)
