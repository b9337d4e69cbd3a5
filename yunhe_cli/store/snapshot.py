"""The data as committed at a revision, or as staged, loaded into the same `Repository` the
loader builds from the work tree, so that every report reads it unchanged.

A snapshot is the data folder's files as bytes, taken from git's objects (`gitio`) without
touching the work tree. Problems in it are placed as ``REV:path:line:col`` (``:path`` for the
index, as git writes them), so that a report of an old revision points at the old text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from yunhe_cli.core.problems import Problem
from yunhe_cli.core.repository import Repository, SourceFile, attach
from yunhe_cli.store.git import Git
from yunhe_cli.store.layout import REQUIRED, classify
from yunhe_cli.store.loader import discover, load_file, unread_file
from yunhe_cli.store.yamlio import MAX_FILE_BYTES, decode

SYMLINK_MODE = "120000"


@dataclass
class Snapshot:
    """The data folder's files at one state: `label` is the revision as written ('' for the
    work tree, ':' for the index); `files` maps paths relative to the data folder to content."""

    label: str
    prefix: str
    files: dict[str, bytes]
    links: set[str] = field(default_factory=set)
    root: Path | None = None  # the work tree's data folder, for a work-tree snapshot
    submodules: list[str] = field(default_factory=list)  # relative paths of submodules (never read)

    def display(self, rel: str) -> Path:
        if self.root is not None:
            return self.root / rel
        inside = f"{self.prefix}/{rel}" if self.prefix else rel
        return Path(f"{self.label}:{inside}")

    @property
    def shown_root(self) -> Path:
        if self.root is not None:
            return self.root
        return Path(f"{self.label}:{self.prefix}")


def _inside(prefix: str, path: str) -> str:
    return path[len(prefix) + 1 :] if prefix else path


def at_revision(git: Git, prefix: str, rev: str) -> Snapshot:
    """The data folder as committed at `rev` (one ls-tree, one cat-file)."""
    commit = git.resolve(rev)
    submodules: list[str] = []
    entries = git.tree(commit, prefix, submodules)
    snap = _from_entries(git, prefix, rev, entries)
    snap.submodules = sorted(_inside(prefix, path) for path in submodules)
    return snap


def staged(git: Git, prefix: str) -> Snapshot:
    """The data folder as the next commit would hold it: the index, not the work tree."""
    return _from_entries(git, prefix, "", git.staged(prefix))


def _from_entries(git: Git, prefix: str, label: str, entries: list[tuple[str, str, str]]) -> Snapshot:
    wanted = [(mode, sha, _inside(prefix, path)) for mode, sha, path in entries]
    blobs = git.blobs(sha for _mode, sha, _rel in wanted)
    files = {rel: blobs[sha] for _mode, sha, rel in wanted}
    links = {rel for mode, _sha, rel in wanted if mode == SYMLINK_MODE}
    return Snapshot(label, prefix, files, links)


def work_tree(root: Path) -> tuple[Snapshot, list[Problem]]:
    """The data folder as it is on disk (for a diff against the work tree)."""
    files, problems = discover(root)
    content = {}
    for source in files:
        try:
            content[source.rel] = source.path.read_bytes()
        except OSError:
            continue  # validate reports it; a diff shows what could be read
    return Snapshot("", "", content, root=root), problems


def read_snapshot(snap: Snapshot) -> tuple[Repository, list[Problem], dict[Path, str]]:
    """What the loader returns for a folder, for a snapshot: the models, the problems of reading
    each file (not yet placed), and each file's text by its displayed path (to place them)."""
    repo = Repository(root=snap.shown_root)
    problems: list[Problem] = []
    texts: dict[Path, str] = {}
    sources = []
    for rel in sorted(snap.files):
        if any(part.startswith(".") for part in rel.split("/")):
            continue  # as discover() does: hidden files are not data
        path = snap.display(rel)
        kind = classify(rel)
        if kind is None:
            problems.extend(unread_file(path, rel))  # as discover() does: every file accounted for
            continue
        if rel in snap.links:
            problems.append(Problem(path, "Y010", "a symbolic link; yunhe reads only files", (), 1, 1))
            continue
        sources.append(SourceFile(path, rel, kind))
    for rel in snap.submodules:  # said, not dropped: its files are another repository's
        message = "this is a git submodule (another repository's commit), not a file; yunhe does not read it"
        problems.append(Problem(snap.display(rel), "Y015", message, (), 1, 1))
    present = {s.rel for s in sources}
    for name in REQUIRED:
        if name not in present:
            problems.append(Problem(snap.display(name), "Y013", f"the data folder has no {name}", (), 1, 1))
    repo.files = sources
    for source in sources:
        raw = snap.files[source.rel]
        if len(raw) > MAX_FILE_BYTES:
            message = f"the file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}"
            problems.append(Problem(source.path, "Y009", message, (), 1, 1))
            continue
        text, problem = decode(raw, source.path)
        if problem is not None or text is None:
            problems.extend([problem] if problem else [])
            continue
        texts[source.path] = text
        result = load_file(source, text)[0]
        problems.extend(result.problems)
        if result.model is not None:
            attach(repo, source, result.model)
    return repo, problems, texts


def snapshot_texts(snap: Snapshot) -> dict[Path, str]:
    """Each file's text by its displayed path (to place problems found later)."""
    out = {}
    for rel, raw in snap.files.items():
        text, _ = decode(raw, snap.display(rel))
        if text is not None:
            out[snap.display(rel)] = text
    return out
