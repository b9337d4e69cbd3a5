"""Ownership that cannot be bypassed: a root commit merged in, a merge's commits, signatures that
only git's `G` accepts, and signing programs a repository's own configuration names.

SYNTHETIC history (the people of `tests/test_owners.py`, example.invalid addresses, fixed dates).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_audit import History
from tests.test_owners import LI, SUN, WANG, county, problems_of, report, short
from yunhe_cli.store.commit_walk import walk
from yunhe_cli.store.git import Git

__all__ = ["county"]


def _as(who: tuple[str, str], day: str) -> dict[str, str]:
    stamp = f"{day}T10:00:00+08:00"
    return {
        "GIT_AUTHOR_NAME": who[0],
        "GIT_AUTHOR_EMAIL": who[1],
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_NAME": who[0],
        "GIT_COMMITTER_EMAIL": who[1],
        "GIT_COMMITTER_DATE": stamp,
    }


def _orphan_merge(h: History, who: tuple[str, str], value: str, day: str) -> str:
    """An outsider's parentless commit holding p01's report, merged with `-X theirs`; its sha."""
    h.git("checkout", "-q", "--orphan", "stray")
    h.git("rm", "-rq", "--cached", ".")
    for path in h.data.rglob("*.yaml"):
        path.unlink()
    h.write("indicators/p01/2025-04.yaml", report("p01", value))
    h.git("add", "-A", "data")
    h.git("commit", "-q", "--no-gpg-sign", "-m", "孤立提交", env=_as(who, day))
    stray = h.git("rev-parse", "HEAD").strip()
    h.git("checkout", "-q", "-f", "main")
    h.git(
        "merge",
        "-q",
        "--no-ff",
        "--no-edit",
        "--allow-unrelated-histories",
        "-X",
        "theirs",
        "stray",
        env=_as(WANG, day),
    )
    return stray


def test_a_root_commit_merged_in_is_judged_by_the_rules_at_base(county: History) -> None:
    h = county
    h.write("indicators/p01/2025-04.yaml", report("p01", "30.5"))
    h.commit("p01 月报", LI, "2025-05-08")
    stray = _orphan_merge(h, SUN, "99", "2025-05-09")
    s = stray[:10]
    assert (h.data / "indicators/p01/2025-04.yaml").read_text().count("value: 99") == 1
    code, lines = problems_of(h, "--as-of", "2025-05-09")
    # Against BASE (which has no p01 report) the root commit adds one; the plan and registries it
    # does not hold are no change of its own: one P701, for that file only.
    assert (code, lines) == (
        1,
        [
            f"{s}:data/indicators/p01/2025-04.yaml:1:1: P701 {s} by 孙八 <sun.ba@example.invalid> adds "
            "data/indicators/p01/2025-04.yaml; 县交通运输局, the lead unit of p01, keeps it and only "
            "members of 县交通运输局 or of the office (县发改局) may change it; "
            "sun.ba@example.invalid is not in members.yaml"
        ],
    )


def test_a_root_commit_by_the_keeper_passes(county: History) -> None:
    h = county
    _orphan_merge(h, LI, "30.5", "2025-05-09")
    assert problems_of(h, "--as-of", "2025-05-09") == (0, [])


def test_a_merge_is_judged_by_the_commits_it_brings_in(county: History) -> None:
    h = county
    h.git("checkout", "-q", "-b", "side")
    h.write("indicators/p01/2025-04.yaml", report("p01", "77"))
    h.commit("改数", SUN, "2025-05-08")
    h.git("checkout", "-q", "main")
    # The office merges it: the merge itself changes nothing git would not merge by itself,
    # but the commit it brings in is the outsider's.
    h.git("merge", "-q", "--no-ff", "--no-edit", "side", env=_as(WANG, "2025-05-09"))
    code, lines = problems_of(h, "--as-of", "2025-05-09")
    assert code == 1
    expected = f"{short(h, 1)}:data/indicators/p01/2025-04.yaml:1:1:"
    assert [line.split(" P701 ")[0] for line in lines] == [expected]


def _signing(h: History, tmp_path: Path) -> None:
    """Sign with a throwaway key while the allowed signers list only another throwaway key."""
    key, other = tmp_path / "signing_key", tmp_path / "other_key"
    for made in (key, other):
        made_key = ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", str(made)]
        subprocess.run(made_key, check=True)
    allowed = tmp_path / "allowed_signers"
    public = other.with_suffix(".pub").read_text().split()
    allowed.write_text(f"{LI[1]} {public[0]} {public[1]}\n")
    h.git("config", "gpg.format", "ssh")
    h.git("config", "user.signingkey", str(key))
    h.git("config", "gpg.ssh.allowedSignersFile", str(allowed))


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
def test_a_signature_by_a_key_not_allowed_is_not_good(county: History, tmp_path: Path) -> None:
    h = county
    _signing(h, tmp_path)
    h.write("indicators/p01/2025-04.yaml", report("p01", "30.5"))
    h.git("add", "-A", ".")
    h.git("commit", "-q", "-S", "-m", "p01 月报（他人之钥）", env=_as(LI, "2025-05-08"))
    s = h.git("rev-parse", "HEAD").strip()[:10]
    letters = [e.signature for e in walk(Git(h.top), ["HEAD", f"^{h.shas[0]}"], signatures=True)]
    assert letters == ["U"]  # git: a good signature by a key nobody allowed
    code, lines = problems_of(h, "--as-of", "2025-05-09", "--require-signed")
    assert (code, lines) == (
        1,
        [
            f"{s}:data/indicators/p01/2025-04.yaml:1:1: P703 {s} by 李四 <li.si@example.invalid> "
            "(p01 月报（他人之钥）) is signed by a key the allowed signers do not give for this "
            "identity (or of unknown trust); --require-signed accepts only a good signature "
            "(git verify-commit)"
        ],
    )


def test_signing_programs_from_the_repository_config_never_run(county: History, tmp_path: Path) -> None:
    h = county
    marker = tmp_path / "ran"
    program = tmp_path / "evil.sh"
    program.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    program.chmod(0o755)
    h.write("indicators/p01/2025-04.yaml", report("p01", "30.5"))
    h.commit("p01 月报", LI, "2025-05-08")
    # Three commits carrying a (made-up) signature of each format, so that git asks each verifier.
    for armour in ("SSH SIGNATURE", "PGP SIGNATURE", "SIGNED MESSAGE"):
        tree = h.git("rev-parse", "HEAD^{tree}").strip()
        parent = h.git("rev-parse", "HEAD").strip()
        obj = (
            f"tree {tree}\nparent {parent}\n"
            f"author {LI[0]} <{LI[1]}> 1746700000 +0800\ncommitter {LI[0]} <{LI[1]}> 1746700000 +0800\n"
            f"gpgsig -----BEGIN {armour}-----\n AAAA\n -----END {armour}-----\n\n{armour}\n"
        )
        done = subprocess.run(
            ["git", "-C", str(h.top), "hash-object", "-t", "commit", "-w", "--stdin"],
            input=obj,
            capture_output=True,
            text=True,
            check=True,
        )
        h.git("update-ref", "HEAD", done.stdout.strip())
    for key in ("gpg.program", "gpg.openpgp.program", "gpg.x509.program", "gpg.ssh.program"):
        h.git("config", key, str(program))
    h.git("config", "gpg.ssh.allowedSignersFile", str(tmp_path / "none"))
    before = os.listdir(tmp_path)
    code, lines = problems_of(h, "--as-of", "2025-05-09", "--require-signed")
    assert not marker.exists()
    # The first commit is unsigned, the three others are not verified: four P703, no program run.
    assert code == 1 and [line.split(" P703 ")[0][10:] for line in lines] == [
        ":data/indicators/p01/2025-04.yaml:1:1:",
        "::1:1:",
        "::1:1:",
        "::1:1:",
    ]
    assert os.listdir(tmp_path) == before
