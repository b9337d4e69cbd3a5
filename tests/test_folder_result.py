"""The whole folder's result, kept by what its files are: an unchanged folder answers from one lookup,
and nothing ever hides an error. Every test compares a run with the record against the same files
with no cache at all."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.checks import folder_result
from yunhe_cli.checks.validation import check_folder, validate
from yunhe_cli.cli.app import app
from yunhe_cli.core.repository import SourceFile
from yunhe_cli.store import cache
from yunhe_cli.store.loader import discover

from .conftest import RepoMaker

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
DAY = dt.date(2026, 1, 1)


@pytest.fixture(autouse=True)
def _no_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    # Files written by a test are seconds old; without the margin their stat data is trusted, so
    # these tests see the stat path and not only the racy rule (tested on its own below).
    monkeypatch.setattr(folder_result, "RACY_MARGIN_NS", 0)


def _cli(root: Path, store: Path | None, command: str = "validate") -> tuple[int, str]:
    options = ["--no-cache"] if store is None else ["--cache-dir", str(store)]
    args = [*options, command, "--data", str(root), "--as-of", "2026-01-01"]
    result = runner.invoke(app, [*args, "--format", "json"])
    return result.exit_code, result.stdout


def _lookup_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, a run that reads the folder through the pipeline fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the folder was loaded again")

    monkeypatch.setattr(folder_result, "load_repository", refuse)


def test_an_unchanged_folder_answers_from_its_record(
    tmp_path: Path, make_repo: RepoMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": BROKEN})
    store = tmp_path / "cache"
    cold_validate, cold_status = _cli(root, store), _cli(root, store, "status")
    assert cold_validate[0] == 1 and '"code": "S104"' in cold_validate[1]
    _lookup_only(monkeypatch)
    assert _cli(root, store) == cold_validate == _cli(root, None)
    assert _cli(root, store, "status") == cold_status == _cli(root, None, "status")
    # the library: the same repository (models included) and the same problems
    chosen = cache.Cache(store)
    warm = folder_result.validate_folder(root, DAY, chosen)
    assert warm is not None
    monkeypatch.undo()
    with_record, without = warm, validate(root, today=DAY)
    assert with_record[1] == without[1]
    assert [x.model for x in with_record[0].loaded()] == [x.model for x in without[0].loaded()]
    assert with_record[0].files == without[0].files


def test_an_edit_that_restores_the_mtime_is_seen(tmp_path: Path, make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT})
    store = tmp_path / "cache"
    code, clean = _cli(root, store)
    assert code == 0 and '"problems": []' in clean
    report = root / "indicators/p01/2023-05.yaml"
    before = report.stat()
    report.write_text(BROKEN, encoding="utf-8")
    os.utime(report, ns=(before.st_atime_ns, before.st_mtime_ns))  # size and mtime as they were
    assert (report.stat().st_size, report.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    code, broken = _cli(root, store)
    assert code == 1 and '"code": "S104"' in broken
    assert (code, broken) == _cli(root, None)


def test_a_revert_a_rename_a_deletion_and_a_new_file_are_each_seen(
    tmp_path: Path, make_repo: RepoMaker
) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT})
    store = tmp_path / "cache"
    report = root / "indicators/p01/2023-05.yaml"
    first = _cli(root, store)
    report.write_text(BROKEN, encoding="utf-8")
    assert _cli(root, store) == _cli(root, None) != first
    report.write_text(REPORT, encoding="utf-8")  # reverted
    assert _cli(root, store) == first
    # renamed: same bytes, another month's name (R201, a cross-file check)
    report.rename(root / "indicators/p01/2023-06.yaml")
    renamed = _cli(root, store)
    assert renamed[0] == 1 and '"code": "R201"' in renamed[1] and renamed == _cli(root, None)
    # deleted: a required file gone (Y013)
    (root / "units.yaml").unlink()
    deleted = _cli(root, store)
    assert deleted[0] == 1 and '"code": "Y013"' in deleted[1] and deleted == _cli(root, None)
    # new: a file yunhe will not read (Y018, found by the walk) and a new broken report
    (root / "projects" / "notes.txt").write_text("x", encoding="utf-8")
    (root / "indicators/p01/2023-05.yaml").write_text(BROKEN, encoding="utf-8")
    added = _cli(root, store)
    assert '"code": "Y018"' in added[1] and '"code": "S104"' in added[1]
    assert added == _cli(root, None)


def test_another_day_is_another_answer(tmp_path: Path, make_repo: RepoMaker) -> None:
    # D304: nothing submitted after the day checked on; the same files on two days answer differently
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT})
    chosen = cache.Cache(tmp_path / "cache")
    for day in (dt.date(2026, 1, 1), dt.date(2023, 6, 1), dt.date(2026, 1, 1), dt.date(2023, 6, 1)):
        found = folder_result.validate_folder(root, day, chosen)
        assert found is not None
        assert found[1] == validate(root, today=day)[1]
    assert any(p.code == "D304" for p in validate(root, today=dt.date(2023, 6, 1))[1])


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
@pytest.mark.parametrize("which", ["folder", "pack"])
def test_a_damaged_record_or_pack_is_absent_and_written_afresh(
    tmp_path: Path, make_repo: RepoMaker, damage: str, which: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": BROKEN})
    store = tmp_path / "cache"
    first = _cli(root, store, "status")
    (kept,) = store.rglob(f"*.{which}")
    data = kept.read_bytes()
    damaged = {
        "truncate": data[: len(data) // 2],
        "flip": data[:-10] + bytes([data[-10] ^ 0x01]) + data[-9:],
        "garbage": b"\x80\x05garbage",
        "empty": b"",
    }[damage]
    kept.write_bytes(damaged)
    assert cache.read_sealed(kept) is None
    assert _cli(root, store, "status") == first
    assert cache.read_sealed(kept) is not None  # written afresh
    _lookup_only(monkeypatch)
    assert _cli(root, store, "status") == first


def test_a_record_from_another_users_key_is_not_read(tmp_path: Path, make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": BROKEN})
    store = tmp_path / "cache"
    first = _cli(root, store)
    (record,) = store.rglob("*.folder")
    (store / "key").chmod(0o600)
    (store / "key").write_bytes(b"k" * 32)  # another key: every pack made before fails its check
    assert cache.read_sealed(record) is None
    assert _cli(root, store) == first


def _files(root: Path) -> list[SourceFile]:
    return discover(root)[0]


def test_stat_data_is_trusted_only_outside_the_racy_window(tmp_path: Path, make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT})
    files = _files(root)
    report = next(f for f in files if f.rel == "indicators/p01/2023-05.yaml")
    seen = folder_result.stat_of(report.path)
    assert seen is not None
    true_blob = cache.blob_id(report.path.read_bytes())
    newest = max(seen[1], seen[3])
    # a record that says these stat data held other bytes: trusted only when the file is older
    # than the record by more than the margin
    record = {"files": {report.rel: (seen, "0" * 40)}, "began_ns": newest + 10**9 + 1}
    folder_result.RACY_MARGIN_NS = 10**9
    known = folder_result.known_blobs(files, record)
    assert known is not None and known[0][report.rel] == "0" * 40  # the stat path: not read
    record["began_ns"] = newest + 10**9  # the file is not older than the record less the margin
    known = folder_result.known_blobs(files, record)
    assert known is not None and known[0][report.rel] == true_blob  # racy: read and hashed
    # any difference in the stat data: read and hashed
    size, mtime, inode, ctime, device = seen
    for other in ((size + 1, mtime, inode, ctime, device), (size, mtime, inode + 1, ctime, device)):
        record = {"files": {report.rel: (other, "0" * 40)}, "began_ns": newest + 10**10}
        known = folder_result.known_blobs(files, record)
        assert known is not None and known[0][report.rel] == true_blob


def test_check_folder_gives_the_files_and_problems_validate_gives(
    tmp_path: Path, make_repo: RepoMaker
) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": BROKEN})
    cache.configure(tmp_path / "cache")
    try:
        for _ in range(2):  # cold, then from the record
            files, problems = check_folder(root, DAY)
            repo, expected = validate(root, today=DAY)
            assert (files, problems) == (repo.files, expected)
            assert [p.code for p in problems] == ["S104"]
    finally:
        cache.configure(None, enabled=False)
