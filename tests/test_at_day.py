"""`--at DAY`: the report of a meeting day without plain git (issue #24, item 5).

On the SYNTHETIC six-commit history of tests/test_audit.py, each commit made at 18:00 +08:00 on
its day: C1 2025-04-28, C2 2025-05-09, C3 2025-06-06, C4 2025-06-20, C5 2025-07-08 (April's
investment 30.5 → 32.0, p01-001 closed), C6 2025-08-01 (p01-001 reopened).
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.test_audit import LI, WANG, History, flat, history, run
from yunhe_cli.store.git import Git, GitError, day_named

__all__ = ["history"]  # the fixture, used by name


def commit_dated(h: History, message: str, when: str) -> str:
    """A commit by 李四 made at `when` (an ISO time with its offset), author and commit date alike."""
    env = {
        "GIT_AUTHOR_NAME": LI[0],
        "GIT_AUTHOR_EMAIL": LI[1],
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_NAME": LI[0],
        "GIT_COMMITTER_EMAIL": LI[1],
        "GIT_COMMITTER_DATE": when,
    }
    h.git("add", "-A", ".")
    h.git("commit", "-q", "--no-gpg-sign", "--allow-empty", "-m", message, env=env)
    return h.git("rev-parse", "HEAD").strip()


def test_a_day_names_the_last_commit_made_on_or_before_it(history: History) -> None:
    git = Git(history.top)
    c = history.shas
    # The day of a commit includes it (its 18:00 is before the end of that day); the day before it
    # gives the commit before; a day between commits, the earlier one.
    assert git.last_commit_on(dt.date(2025, 6, 6)).sha == c[2]
    assert git.last_commit_on(dt.date(2025, 6, 5)).sha == c[1]
    assert git.last_commit_on(dt.date(2025, 7, 7)).sha == c[3]
    assert git.last_commit_on(dt.date(2026, 1, 1)).sha == c[5]
    assert git.resolve("2025-04-28") == c[0]
    # A day before the first commit has none.
    with pytest.raises(GitError) as caught:
        git.last_commit_on(dt.date(2025, 4, 27))
    assert str(caught.value) == (
        f"there is no commit on or before 2025-04-27 in the history of HEAD (the first is {c[0][:10]} "
        "of 2025-04-28)"
    )


def test_a_day_is_read_on_the_committers_own_clock(history: History) -> None:
    # 23:30 at -05:00 on 2025-08-05 is 04:30 UTC on the 6th; the commit says the 5th, and so does
    # yunhe, whatever this machine's time zone.
    late = commit_dated(history, "late in the day", "2025-08-05T23:30:00-05:00")
    git = Git(history.top)
    for tz in ("UTC", "Asia/Shanghai", "America/New_York"):
        os.environ["TZ"] = tz
        try:
            assert git.last_commit_on(dt.date(2025, 8, 5)).sha == late
            assert git.last_commit_on(dt.date(2025, 8, 4)).sha == history.shas[5]
        finally:
            del os.environ["TZ"]


def test_only_the_first_parent_history_counts(history: History) -> None:
    # A side branch commits on 2025-08-10; main merges it on 2025-08-20. On 2025-08-15 main was
    # still at C6: the side commit was not in the main history until the merge.
    history.git("checkout", "-q", "-b", "side")
    history.write("issues/p01.yaml", history.data.joinpath("issues/p01.yaml").read_text() + "\n")
    side = commit_dated(history, "side", "2025-08-10T18:00:00+08:00")
    history.git("checkout", "-q", "main")
    env = {
        "GIT_AUTHOR_NAME": WANG[0],
        "GIT_AUTHOR_EMAIL": WANG[1],
        "GIT_AUTHOR_DATE": "2025-08-20T18:00:00+08:00",
        "GIT_COMMITTER_NAME": WANG[0],
        "GIT_COMMITTER_EMAIL": WANG[1],
        "GIT_COMMITTER_DATE": "2025-08-20T18:00:00+08:00",
    }
    history.git("merge", "-q", "--no-ff", "--no-gpg-sign", "-m", "merge side", side, env=env)
    merge = history.git("rev-parse", "HEAD").strip()
    git = Git(history.top)
    assert git.last_commit_on(dt.date(2025, 8, 15)).sha == history.shas[5]
    assert git.last_commit_on(dt.date(2025, 8, 20)).sha == merge


def test_a_value_written_as_a_day_is_a_day() -> None:
    assert day_named("2025-04-10") == dt.date(2025, 4, 10)
    assert day_named("HEAD") is None
    assert day_named("2025-04") is None  # not a day: a branch or tag so named stays one
    assert day_named("v2025-04-10") is None
    with pytest.raises(GitError, match=r"'2025-02-30' is not a date; write YYYY-MM-DD"):
        day_named("2025-02-30")


@pytest.mark.parametrize(
    ("day", "commit", "when"),
    [
        ("2025-07-07", 3, "2025-06-20 18:00"),  # the day before C5: April's figure still 30.5
        ("2025-07-08", 4, "2025-07-08 18:00"),  # C5's own day: 32.0, p01-001 closed
    ],
)
def test_at_a_day_prints_the_report_of_that_commit_byte_for_byte(
    history: History, day: str, commit: int, when: str
) -> None:
    sha = history.shas[commit]
    for command in (["status"], ["indicators"], ["issues"], ["history", "p01.investment"]):
        for fmt in ("plain", "json"):
            args = [*command, "--as-of", "2025-07-10", "--format", fmt, "--lang", "zh"]
            by_day = run(history, *args, "--at", day)
            by_commit = run(history, *args, "--at", sha)
            # stdout is the report of that commit, byte for byte; stderr says which commit it is.
            assert by_day[:2] == by_commit[:2], (command, fmt)
            assert by_day[2] == f"按 {day} 的最后一次提交 {sha[:10]}（{when}）\n"
            assert by_commit[2] == ""
    # What the two days show differs where C5 changed the data: April's investment figure.
    code, out, _ = run(history, "history", "p01.investment", "--format", "json", "--at", day)
    assert code == 0
    assert ('"published": 32,' in out) == (day == "2025-07-08")
    assert ('"published": 30.5,' in out) == (day == "2025-07-07")


def test_the_note_in_english(history: History) -> None:
    code, _, err = run(history, "status", "--as-of", "2025-07-10", "--lang", "en", "--at", "2025-06-30")
    assert (code, err) == (
        0,
        f"as of the last commit on or before 2025-06-30: {history.shas[3][:10]} (2025-06-20 18:00)\n",
    )


def test_a_day_before_the_first_commit_is_a_usage_error(history: History) -> None:
    code, out, err = run(history, "status", "--lang", "en", "--at", "2025-04-27")
    assert (code, out) == (2, "")
    assert (
        f"Invalid value for --at: there is no commit on or before 2025-04-27 in the history of HEAD "
        f"(the first is {history.shas[0][:10]} of 2025-04-28)"
    ) in flat(err)
    code, out, err = run(history, "status", "--lang", "zh", "--at", "2025-04-27")
    assert (code, out) == (2, "")
    # The box wraps the Chinese line where it likes: compared without spaces.
    first = history.shas[0][:10]
    expected = f"--at的值无效：HEAD的历史中没有2025-04-27或更早的提交（第一次提交是2025-04-28的{first}）"
    assert expected in "".join(flat(err).split())


def test_a_day_that_is_not_a_date_is_a_usage_error(history: History) -> None:
    code, out, err = run(history, "status", "--lang", "en", "--at", "2025-02-30")
    assert (code, out) == (2, "")
    assert "Invalid value for --at: '2025-02-30' is not a date; write YYYY-MM-DD" in flat(err)
