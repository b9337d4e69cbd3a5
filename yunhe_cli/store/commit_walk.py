"""Walking a range of history for the checks that judge each commit (ownership, signatures):
every commit with its changes, and a merge's combined diff, from two runs of `git log`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from yunhe_cli.store.git import (
    ONE_COMMIT,
    Commit,
    FileChange,
    Git,
    check_revision,
    commit_of,
    raw_changes,
    signing_programs,
)


@dataclass(frozen=True, slots=True)
class CommitDiffs:
    """A commit with its changes against its first parent (a root commit: against nothing); for a
    merge, also the files it leaves different from every parent (git's combined diff, `new` its
    blob); and git's verdict on its signature (`%G?`: G good, N none, B bad, U good by a key of
    unknown trust, E not checkable ...; '' when not asked)."""

    commit: Commit
    changes: tuple[FileChange, ...]
    combined: tuple[FileChange, ...]
    signature: str


def walk(git: Git, revs: Sequence[str], signatures: bool = False) -> list[CommitDiffs]:
    """Every commit of `revs` (such as ``["HEAD", "^base"]``), parents before children, from one
    `git log --raw -z` (and one more for the merges' combined diffs, when there are merges). No path
    limit, so that no commit and no merge is simplified away; the caller picks the paths. With
    `signatures`, git verifies each signature as `git verify-commit` does (gpg.format,
    gpg.ssh.allowedSignersFile ... apply)."""
    # The commit's fields as `commit_of` reads them, then the signature's verdict, then the changes.
    fmt = ONE_COMMIT + ("%G?" if signatures else "") + "%x1f"
    common = ["--root", "--raw", "-z", "--no-renames", "--no-abbrev"]
    revs = [check_revision(rev, exclude=True) for rev in revs]
    pinned = [w for key, value in signing_programs() for w in ("-c", f"{key}={value}")] if signatures else []
    out = git.run(
        *pinned,
        "log",
        "--diff-merges=first-parent",
        *common,
        "--topo-order",
        "--reverse",
        f"--format={fmt}",
        "--end-of-options",
        *revs,
        "--",
    )
    commits: list[tuple[Commit, tuple[FileChange, ...], str]] = []
    for chunk in out.split(b"\x1e")[1:]:
        fields = chunk.split(b"\x1f")
        signature = fields[9].decode("utf-8", "replace") if len(fields) > 9 else ""
        changes = tuple(raw_changes(fields[10] if len(fields) > 10 else b""))
        commits.append((commit_of(fields), changes, signature))
    combined: dict[str, tuple[FileChange, ...]] = {}
    if any(len(c.parents) > 1 for c, _changes, _sig in commits):
        out = git.run(
            "log",
            "--merges",
            "--diff-merges=combined",
            *common,
            "--format=%x1e%H%x1f",
            "--end-of-options",
            *revs,
            "--",
        )
        for chunk in out.split(b"\x1e")[1:]:
            sha, _, raw = chunk.partition(b"\x1f")
            combined[sha.decode()] = tuple(raw_changes(raw))
    return [CommitDiffs(c, changes, combined.get(c.sha, ()), sig) for c, changes, sig in commits]
