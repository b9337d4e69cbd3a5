"""Benchmark: three ways to read a data repository's history, for the choice made in gitio.py.

SYNTHETIC DATA: the history of bench/make_history.py.

    python bench/bench_git.py REPO [--runs 5]

Times, in one process each, (a) reading every file of the data folder at HEAD and (b) listing,
for every commit that touched the data folder, the files it changed with their old and new blob
ids, as `yunhe log` needs them: with git's batched plumbing (what yunhe uses), with pygit2 and
with dulwich when they are installed (they are not yunhe's dependencies; install them into a
scratch environment to compare).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yunhe_cli.store.git import Git  # noqa: E402


def timed(fn: Callable[[], int], runs: int) -> tuple[float, int]:
    times, result = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def git_tree(repo: Path) -> int:
    git = Git(repo)
    head = git.resolve("HEAD")
    entries = git.tree(head, "data")
    return sum(len(b) for b in git.blobs(sha for _m, sha, _p in entries).values())


def git_history(repo: Path) -> int:
    return sum(len(changes) for _c, changes in Git(repo).log(["HEAD"], "data"))


def pygit2_tree(repo: Path) -> int:
    import pygit2

    r = pygit2.Repository(str(repo))
    total = 0

    def walk(tree: object) -> None:
        nonlocal total
        for entry in tree:  # type: ignore[attr-defined]
            if entry.type_str == "tree":
                walk(r[entry.id])
            else:
                total += len(r[entry.id].data)

    walk(r[r.head.peel().tree["data"].id])
    return total


def pygit2_history(repo: Path) -> int:
    import pygit2

    r = pygit2.Repository(str(repo))
    count = 0
    for commit in r.walk(r.head.target, pygit2.enums.SortMode.TOPOLOGICAL):
        if not commit.parents:
            continue
        diff = commit.parents[0].tree.diff_to_tree(commit.tree)
        for delta in diff.deltas:
            if delta.new_file.path.startswith("data/") or delta.old_file.path.startswith("data/"):
                count += 1
    return count


def dulwich_tree(repo: Path) -> int:
    from dulwich.object_store import iter_tree_contents
    from dulwich.repo import Repo

    r = Repo(str(repo))
    tree = r[r[r.head()].tree]
    _mode, sha = tree[b"data"]
    return sum(len(r[e.sha].data) for e in iter_tree_contents(r.object_store, sha))


def dulwich_history(repo: Path) -> int:
    from dulwich.repo import Repo

    r = Repo(str(repo))
    count = 0
    for entry in r.get_walker(paths=[b"data"]):
        for change in entry.changes():
            if isinstance(change, list):
                count += len(change)
            else:
                count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ways = [("git plumbing", git_tree, git_history)]
    for name, tree, history in (
        ("pygit2", pygit2_tree, pygit2_history),
        ("dulwich", dulwich_tree, dulwich_history),
    ):
        try:
            __import__(name)
        except ImportError:
            print(f"{name}: not installed, skipped")
            continue
        ways.append((name, tree, history))
    for name, tree, history in ways:
        t_tree, size = timed(lambda tree=tree: tree(args.repo), args.runs)
        t_hist, changes = timed(lambda history=history: history(args.repo), max(1, args.runs // 2))
        print(
            f"{name:13s} files at HEAD {t_tree * 1000:7.0f} ms ({size / 1024:.0f} KiB)   "
            f"changes over the history {t_hist * 1000:7.0f} ms ({changes} file changes)"
        )


if __name__ == "__main__":
    main()
