"""The store's hardening (issue 21, third pass): the cache is data, never code, and git runs safely.

Each test here fails on the code before the fix: a planted or forged pack ran or served its
content, and git obeyed the repository's configuration and the caller's environment.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.store import cache
from yunhe_cli.store.git import GitError, open_repository
from yunhe_cli.store.snapshot import at_revision

from .conftest import MINIMAL, RepoMaker

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
REPORT_REL = "indicators/p01/2023-05.yaml"


def _validate(root: Path, cache_dir: Path | None) -> tuple[int, str]:
    options = ["--no-cache"] if cache_dir is None else ["--cache-dir", str(cache_dir)]
    result = runner.invoke(
        app, [*options, "validate", "--data", str(root), "--format", "json", "--as-of", "2026-01-01"]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


class _Touch:
    """What an attacker pickles: loading it creates `marker` (any code could run instead)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.marker,))


def _pack_bytes(body: bytes, digest: bytes) -> bytes:
    return b"yunhe-cache-pack\n" + cache.fingerprint().encode() + b"\n" + digest + body


def _plant(folder: Path, root: Path, body: bytes) -> Path:
    """A pack for `root` in the cache folder `folder`, its digest recomputed as anyone can."""
    where = os.path.realpath(root).encode()
    name = hashlib.blake2b(where, digest_size=16).hexdigest()
    pack = folder / cache.fingerprint() / f"{name}.pack"
    pack.parent.mkdir(parents=True, exist_ok=True)
    pack.write_bytes(_pack_bytes(body, hashlib.blake2b(body, digest_size=32).digest()))
    return pack


# ------------------------------------------------------------------ the cache: no code, no forgery


@pytest.mark.parametrize("place", ["own-folder", "shared-folder", "other-user", "inside-data", "in-git"])
def test_a_planted_pack_runs_no_code_and_changes_nothing(
    tmp_path: Path, make_repo: RepoMaker, place: str
) -> None:
    root = make_repo({REPORT_REL: BROKEN})
    marker = tmp_path / "marker"
    folder = {
        "own-folder": tmp_path / "cache",
        "shared-folder": tmp_path / "shared",
        "other-user": tmp_path / "theirs",
        "inside-data": root / ".yunhe-cache",
        "in-git": tmp_path / "repo" / ".cache",
    }[place]
    if place == "in-git":
        subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    _plant(folder, root, pickle.dumps({("report", "x"): _Touch(marker)}))
    if place == "shared-folder":
        folder.chmod(0o1777)
    if place == "other-user":
        if os.geteuid() != 0:
            pytest.skip("needs root to give the folder to another user")
        for path in (folder, *folder.rglob("*")):
            os.chown(path, 65534, 65534)
    assert _validate(root, folder) == _validate(root, None)
    assert not marker.exists()
    if place in ("shared-folder", "other-user", "inside-data", "in-git"):
        # a folder that may not be trusted is not written either
        assert not (folder / "key").exists()


def test_even_an_authenticated_pack_builds_only_yunhes_own_types(
    tmp_path: Path, make_repo: RepoMaker
) -> None:
    # defence in depth: had the key leaked, a pack still could not name os.system or Path.touch
    root = make_repo({REPORT_REL: BROKEN})
    store = tmp_path / "cache"
    first = _validate(root, store)
    (pack,) = store.rglob("*.pack")
    key = (store / "key").read_bytes()
    marker = tmp_path / "marker"
    body = pickle.dumps({("report", "x"): _Touch(marker)})
    pack.write_bytes(_pack_bytes(body, hashlib.blake2b(body, digest_size=32, key=key).digest()))
    assert cache.read_pack(pack) == {}
    assert not marker.exists()
    assert _validate(root, store) == first


def test_a_forged_pack_cannot_change_a_files_result(tmp_path: Path, make_repo: RepoMaker) -> None:
    # the exact bytes of BROKEN mapped to the good model of REPORT, the digest recomputed: a run
    # that trusted it would pass a file that has an error
    root = make_repo({REPORT_REL: REPORT})
    store = tmp_path / "cache"
    _validate(root, store)
    (pack,) = store.rglob("*.pack")
    head = b"yunhe-cache-pack\n" + cache.fingerprint().encode() + b"\n"
    entries = pickle.loads(pack.read_bytes()[len(head) + 32 :])
    good = next(entry for (kind, key), entry in entries.items() if key == cache.blob_id(REPORT.encode()))
    kind = next(kind for (kind, key) in entries if key == cache.blob_id(REPORT.encode()))
    entries[(kind, cache.blob_id(BROKEN.encode()))] = good
    body = pickle.dumps(entries)
    pack.write_bytes(head + hashlib.blake2b(body, digest_size=32).digest() + body)
    (root / REPORT_REL).write_text(BROKEN, encoding="utf-8")
    honest = _validate(root, None)
    assert honest[0] == 1
    assert _validate(root, store) == honest


def test_a_link_in_the_cache_folder_is_never_followed(tmp_path: Path, make_repo: RepoMaker) -> None:
    # the fingerprint folder is a link into the data: no pack may land among the projects
    root = make_repo({REPORT_REL: REPORT})
    store = tmp_path / "cache"
    store.mkdir(mode=0o700)
    (store / cache.fingerprint()).symlink_to(root / "projects", target_is_directory=True)
    honest = _validate(root, None)
    assert _validate(root, store) == honest
    assert _validate(root, store) == honest
    assert sorted(p.name for p in (root / "projects").iterdir()) == ["p01.yaml"]


def test_a_pack_that_is_a_link_is_neither_read_nor_written_through(
    tmp_path: Path, make_repo: RepoMaker
) -> None:
    root = make_repo({REPORT_REL: REPORT})
    store = tmp_path / "cache"
    _validate(root, store)
    (pack,) = store.rglob("*.pack")
    elsewhere = tmp_path / "elsewhere.pack"
    pack.rename(elsewhere)
    pack.symlink_to(elsewhere)
    saved = elsewhere.read_bytes()
    assert cache.read_pack(pack) == {}
    folder = cache.Cache(store).folder(root)
    assert folder.entries == {}
    folder.used = {("x", "y"): cache.Entry(None, [])}
    folder.save()
    assert elsewhere.read_bytes() == saved  # the link was replaced, its target untouched
    assert not pack.is_symlink()


def test_a_key_others_can_read_is_not_used(tmp_path: Path, make_repo: RepoMaker) -> None:
    root = make_repo({REPORT_REL: REPORT})
    store = tmp_path / "cache"
    _validate(root, store)
    (pack,) = store.rglob("*.pack")
    assert cache.read_pack(pack)
    (store / "key").chmod(0o644)
    assert cache.read_pack(pack) == {}
    assert _validate(root, store) == _validate(root, None)


# ------------------------------------------------------------------ git: a fixed, safe environment


def _git(top: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull})
    env.update({"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"})
    env.update({"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})
    done = subprocess.run(["git", "-C", str(top), *args], capture_output=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode()


def _data(folder: Path, report: str = REPORT) -> None:
    for rel, text in {**MINIMAL, REPORT_REL: report}.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def _repo(top: Path, folder: str = "data") -> Path:
    top.mkdir()
    _git(top, "init", "-q", "-b", "main")
    _data(top / folder)
    _git(top, "add", "-A")
    _git(top, "commit", "-q", "-m", "first")
    return top / folder


def test_the_repositorys_fsmonitor_never_runs(tmp_path: Path) -> None:
    root = _repo(tmp_path / "top")
    marker = tmp_path / "marker"
    hook = tmp_path / "hook.sh"
    hook.write_text(f"#!/bin/sh\ntouch '{marker}'\n", encoding="utf-8")
    hook.chmod(0o755)
    _git(root.parent, "config", "core.fsmonitor", str(hook))
    result = runner.invoke(app, ["validate", "--staged", "--data", str(root), "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert not marker.exists()


def test_gits_variables_from_the_caller_do_not_leak_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path / "top")
    other = _repo(tmp_path / "other")
    (other / REPORT_REL).write_text(BROKEN, encoding="utf-8")
    _git(other.parent, "commit", "-q", "-am", "broken")
    monkeypatch.setenv("GIT_DIR", str(other.parent / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other.parent))
    monkeypatch.setenv("GIT_INDEX_FILE", str(tmp_path / "nowhere" / "index"))
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", "'core.fsmonitor=touch'")
    result = runner.invoke(app, ["validate", "--staged", "--data", str(root), "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["log", "--data", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "12.5" in result.stdout


def test_a_folder_named_like_a_pattern_is_that_folder(tmp_path: Path) -> None:
    root = _repo(tmp_path / "top", "c*")
    _data(tmp_path / "top" / "cx")
    _git(root.parent, "add", "-A")
    _git(root.parent, "commit", "-q", "-m", "cx")
    (tmp_path / "top" / "cx" / REPORT_REL).write_text(REPORT.replace("12.5", "99.5"), encoding="utf-8")
    _git(root.parent, "commit", "-q", "-am", "cx changes")
    result = runner.invoke(app, ["log", "--data", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "12.5" in result.stdout and "99.5" not in result.stdout
    git, prefix = open_repository(root)
    assert prefix == "c*"
    assert {path.split("/")[0] for _mode, _sha, path in git.tree("HEAD", prefix)} == {"c*"}


def test_a_replaced_object_is_not_what_is_judged(tmp_path: Path) -> None:
    root = _repo(tmp_path / "top")
    real = _git(root.parent, "rev-parse", f"HEAD:data/{REPORT_REL}").strip()
    fake = root.parent / "fake.yaml"
    fake.write_text(REPORT.replace("12.5", "99.5"), encoding="utf-8")
    forged = _git(root.parent, "hash-object", "-w", str(fake)).strip()
    _git(root.parent, "replace", real, forged)
    git, prefix = open_repository(root)
    assert at_revision(git, prefix, "HEAD").files[REPORT_REL] == REPORT.encode()
    result = runner.invoke(app, ["log", "--data", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "12.5" in result.stdout and "99.5" not in result.stdout


@pytest.mark.parametrize("revs", ["--octopus...HEAD", "HEAD...--octopus", "--output=x..HEAD", "-h"])
def test_an_option_given_as_a_revision_is_a_usage_error(tmp_path: Path, revs: str) -> None:
    root = _repo(tmp_path / "top")
    result = runner.invoke(app, ["diff", "--data", str(root), "--", revs])
    assert result.exit_code == 2, result.output
    assert not (root.parent / "x").exists()


@pytest.mark.parametrize(
    "rev",
    [
        "",
        "-",
        "--all",
        "--octopus",
        "a b",
        "a\tb",
        "HEAD\n",
        "a\x1bb",
        "a\u202eb",
        "a..b",
        "a...b",
        "HEAD^@",
        "HEAD^!",
        "HEAD^-",
        "^HEAD",
        "x" * 300,
    ],
)
def test_check_revision_refuses_what_is_not_one_revision(rev: str) -> None:
    from yunhe_cli.store.git import check_revision

    with pytest.raises(GitError):
        check_revision(rev)


@pytest.mark.parametrize(
    "rev", ["HEAD", "main", "HEAD~2", "HEAD^2", "v1.0", "origin/main", "a" * 40, "@{-1}"]
)
def test_check_revision_accepts_revisions(rev: str) -> None:
    from yunhe_cli.store.git import check_revision

    assert check_revision(rev) == rev
    assert check_revision(f"^{rev}", exclude=True) == f"^{rev}"


def test_a_data_folder_at_the_top_of_the_repository_is_read_whole(tmp_path: Path) -> None:
    # no pathspec at all after --end-of-options: ls-tree would take a "--" for a path
    top = tmp_path / "top"
    _data(top)
    _git(top, "init", "-q", "-b", "main")
    _git(top, "add", "-A")
    _git(top, "commit", "-q", "-m", "first")
    git, prefix = open_repository(top)
    assert prefix == ""
    assert REPORT_REL in {path for _mode, _sha, path in git.tree("HEAD", prefix)}
    assert at_revision(git, prefix, "HEAD").files[REPORT_REL] == REPORT.encode()
