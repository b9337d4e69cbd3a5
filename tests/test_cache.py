"""The cache of each file's own result: it must never serve a stale answer or hide an error.

Every test compares a cached run with what the same files give with no cache at all, and
checks the hits and misses, so that a cache keyed by anything but the content (a path, a time,
a size) fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.store import cache
from yunhe_cli.store.loader import load_repository

from .conftest import ROOT, RepoMaker

runner = CliRunner()

REPORT = """\
project: p01
period: 2023-05
submitted_on: 2023-06-05
submitted_by: 县发改局
values:
  - indicator: investment
    value: 12.5
"""
# The same number of bytes as REPORT, and wrong: a figure written as text.
BROKEN = REPORT.replace("value: 12.5", "value: '12'")


def _validate(root: Path, cache_dir: Path | None) -> tuple[int, str]:
    options = ["--no-cache"] if cache_dir is None else ["--cache-dir", str(cache_dir)]
    result = runner.invoke(
        app, [*options, "validate", "--data", str(root), "--format", "json", "--as-of", "2026-01-01"]
    )
    return result.exit_code, result.stdout


def _counts(root: Path, cache_dir: Path) -> tuple[int, int]:
    """(hits, misses) of a load of `root` with the cache in `cache_dir`."""
    folder = cache.Cache(cache_dir).folder(root)
    original = cache.Cache.folder
    try:
        cache.Cache.folder = lambda self, r: folder  # type: ignore[method-assign]
        load_repository(root, cache=cache.Cache(cache_dir))
    finally:
        cache.Cache.folder = original  # type: ignore[method-assign]
    return folder.hits, folder.misses


def test_blob_id_is_gits(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(REPORT.encode())
    git = subprocess.run(["git", "hash-object", str(path)], capture_output=True, text=True, check=True)
    assert cache.blob_id(REPORT.encode()) == git.stdout.strip()


def test_a_warm_run_reads_from_the_cache_and_answers_alike(tmp_path: Path, make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT})
    store = tmp_path / "cache"
    cold = _validate(root, store)
    assert cold == _validate(root, None)
    # MINIMAL's four files and the report: all five are hits now, none is read again.
    assert _counts(root, store) == (5, 0)
    assert _validate(root, store) == cold


def test_an_edited_file_is_read_again_even_with_the_same_size_and_time(
    tmp_path: Path, make_repo: RepoMaker
) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT})
    store = tmp_path / "cache"
    code, clean = _validate(root, store)
    assert code == 0 and '"problems": []' in clean
    report = root / "indicators/p01/2023-05.yaml"
    before = report.stat()
    assert len(BROKEN.encode()) == before.st_size
    report.write_text(BROKEN, encoding="utf-8")
    os.utime(report, ns=(before.st_atime_ns, before.st_mtime_ns))  # as if nothing had changed
    code, broken = _validate(root, store)
    assert code == 1 and '"code": "S104"' in broken
    assert (code, broken) == _validate(root, None)


def test_a_reverted_file_finds_its_entry_again(tmp_path: Path, make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT})
    store = tmp_path / "cache"
    report = root / "indicators/p01/2023-05.yaml"
    first = _validate(root, store)
    report.write_text(BROKEN, encoding="utf-8")
    assert _validate(root, store) == _validate(root, None) != first
    report.write_text(REPORT, encoding="utf-8")
    assert _validate(root, store) == first
    # That answer came from the folder's record (the first run's, kept under its root: see
    # test_folder_result.py); the pack holds the files of the last load: the reverted text is one
    # miss, then a hit.
    assert _counts(root, store) == (4, 1)
    assert _counts(root, store) == (5, 0)


def test_a_touched_but_unchanged_file_is_a_hit(tmp_path: Path, make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT})
    store = tmp_path / "cache"
    first = _validate(root, store)
    os.utime(root / "indicators/p01/2023-05.yaml", (1, 1))
    assert _counts(root, store) == (5, 0)
    assert _validate(root, store) == first


def test_a_renamed_file_is_judged_where_it_now_is(tmp_path: Path, make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT})
    store = tmp_path / "cache"
    assert _validate(root, store)[0] == 0
    # Same bytes, another month's name: the period inside no longer agrees (R201, a cross-file check).
    (root / "indicators/p01/2023-05.yaml").rename(root / "indicators/p01/2023-06.yaml")
    code, out = _validate(root, store)
    assert code == 1 and '"code": "R201"' in out and "2023-06.yaml" in out
    assert (code, out) == _validate(root, None)
    # Same bytes as another kind of file: a report's text as a problem list is read by that model.
    (root / "issues").mkdir()
    (root / "indicators/p01/2023-06.yaml").rename(root / "issues/p01.yaml")
    code, out = _validate(root, store)
    assert code == 1 and '"code": "S10' in out and "issues/p01.yaml" in out
    assert (code, out) == _validate(root, None)


def test_cross_file_problems_are_found_on_every_warm_run(tmp_path: Path, make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT.replace("investment", "nowhere")})
    store = tmp_path / "cache"
    for _ in range(2):
        code, out = _validate(root, store)
        assert code == 1 and out.count('"code": "R206"') == 1


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_pack_is_absent_and_written_afresh(
    tmp_path: Path, make_repo: RepoMaker, damage: str
) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": BROKEN})
    store = tmp_path / "cache"
    first = _validate(root, store)
    (pack,) = store.rglob("*.pack")
    data = pack.read_bytes()
    damaged = {
        "truncate": data[: len(data) // 2],
        "flip": data[:-10] + bytes([data[-10] ^ 0x01]) + data[-9:],
        "garbage": b"\x80\x05garbage",
        "empty": b"",
    }[damage]
    pack.write_bytes(damaged)
    assert cache.read_pack(pack) == {}
    (record,) = store.rglob("*.folder")  # the folder's answer would not read the pack at all
    record.unlink()
    assert _validate(root, store) == first
    assert len(cache.read_pack(pack)) == 5


def test_no_cache_gives_byte_identical_output() -> None:
    sample = ROOT / "examples" / "sample"
    store_dir = Path(os.environ["YUNHE_CACHE_DIR"])
    for command in (
        ["validate", "--format", "json"],
        ["status", "--format", "json", "--as-of", "2026-11-15"],
        ["issues", "--format", "csv", "--as-of", "2026-11-15"],
    ):
        args = [*command, "--data", str(sample)]
        cold = runner.invoke(app, ["--no-cache", *args])
        runner.invoke(app, ["--cache-dir", str(store_dir), *args])  # fills the cache
        warm = runner.invoke(app, ["--cache-dir", str(store_dir), *args])
        assert warm.exit_code == cold.exit_code
        assert warm.stdout_bytes == cold.stdout_bytes and len(cold.stdout_bytes) > 40


def test_another_fingerprint_is_another_cache(
    tmp_path: Path, make_repo: RepoMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT})
    store = tmp_path / "cache"
    _validate(root, store)
    assert _counts(root, store) == (5, 0)
    monkeypatch.setattr(cache, "_fingerprint", "another-version-of-yunhe")
    assert _counts(root, store) == (0, 5)


def _imports_of(package: Path, rel: str) -> set[str]:
    """The package's modules that `rel` imports (at the top or inside a function), as paths."""
    import ast

    found = set()
    for node in ast.walk(ast.parse((package / rel).read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("yunhe_cli."):
            for dotted in (node.module, *(f"{node.module}.{a.name}" for a in node.names)):
                path = package.parent / (dotted.replace(".", "/") + ".py")
                if path.is_file():
                    found.add(path.relative_to(package).as_posix())
    return found


def test_the_fingerprint_covers_the_reading_code() -> None:
    # every module the loader reaches (moved or added since) is in the fingerprint, so that a change
    # to any code that makes an entry is another cache; and every name in it is a real file
    package = ROOT / "yunhe_cli"
    reached, todo = set(), ["store/loader.py"]
    while todo:
        rel = todo.pop()
        if rel not in reached:
            reached.add(rel)
            todo += _imports_of(package, rel)
    assert reached <= set(cache.READERS), sorted(reached - set(cache.READERS))
    assert all((package / rel).is_file() for rel in cache.READERS)
    # and the fingerprint changes with any of them
    before = cache.fingerprint()
    cache._fingerprint = None
    assert cache.fingerprint() == before


def test_an_unwritable_cache_folder_changes_nothing(tmp_path: Path, make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": BROKEN})
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    assert _validate(root, blocker / "cache") == _validate(root, None)


def test_concurrent_runs_leave_one_whole_pack(tmp_path: Path, make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": BROKEN})
    store = tmp_path / "cache"
    command = [sys.executable, "-m", "yunhe_cli", "--cache-dir", str(store), "validate"]
    command += ["--data", str(root), "--format", "json", "--as-of", "2026-01-01"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE) for _ in range(4)]
    outputs = {run.communicate()[0] for run in runs}
    assert len(outputs) == 1
    (pack,) = store.rglob("*.pack")
    assert len(cache.read_pack(pack)) == 5
    assert not list(store.rglob("*.tmp"))
    assert outputs == {_validate(root, None)[1].encode()}
