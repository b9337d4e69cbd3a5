"""`yunhe log` and `yunhe diff` at human scale (issue #22 item 4): a pager on a terminal as git's,
`-n/--max-count`, every label in the language asked for.

SYNTHETIC history of tests/test_audit.py (C1 … C6, April to August 2025).
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import shlex
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests.test_audit import History, csv_rows, flat, history, md_rows, run
from yunhe_cli.cli.pager import pager_command

__all__ = ["history"]  # the fixture, used by name


# ----------------------------------------------------------------------------- which pager


def test_the_pager_is_yunhes_then_the_users_then_less() -> None:
    assert pager_command({}, True, False) == ["less", "-FRX"]
    assert pager_command({"PAGER": "most -s"}, True, False) == ["most", "-s"]
    assert pager_command({"PAGER": "most", "YUNHE_PAGER": "less -R"}, True, False) == ["less", "-R"]
    # Quoted words stay one word, as a shell would read them.
    assert pager_command({"PAGER": "'/opt/my pager' -x"}, True, False) == ["/opt/my pager", "-x"]


def test_no_pager_when_asked_for_none_or_not_on_a_terminal() -> None:
    assert pager_command({}, False, False) is None  # a pipe, a file, CI
    assert pager_command({}, True, True) is None  # --no-pager
    assert pager_command({"YUNHE_PAGER": ""}, True, False) is None  # empty: none, as git
    assert pager_command({"YUNHE_PAGER": "cat", "PAGER": "less"}, True, False) is None
    assert pager_command({"PAGER": "less 'unbalanced"}, True, False) is None


def _on_a_terminal(h: History, tmp_path: Path, *args: str, lines: int = 24) -> tuple[str, str]:
    """`yunhe args` with stdout on a pseudo-terminal and a pager that keeps what it is given:
    (what the pager received, what reached the terminal)."""
    received = tmp_path / "paged.txt"
    keep = f"import sys; open({str(received)!r}, 'w', encoding='utf-8').write(sys.stdin.read())"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        {
            "COLUMNS": "100",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "NO_COLOR": "1",
        }
    )
    env["YUNHE_PAGER"] = " ".join([shlex.quote(sys.executable), "-c", shlex.quote(keep)])
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", lines, 100, 0, 0))
    done = subprocess.run(
        [sys.executable, "-m", "yunhe_cli", *args, "--data", str(h.data)],
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
        check=False,
        timeout=120,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert done.returncode == 0, done.stderr
    paged = received.read_text(encoding="utf-8") if received.exists() else ""
    return paged, shown.decode("utf-8").replace("\r\n", "\n")


def test_on_a_terminal_the_log_goes_through_the_pager(history: History, tmp_path: Path) -> None:
    args = ("log", "p01.investment", "--format", "plain", "--lang", "en")
    paged, shown = _on_a_terminal(history, tmp_path, *args)
    # What the pager gets is what a pipe gets, byte for byte; nothing is written past it.
    code, piped, _ = run(history, *args)
    assert code == 0 and paged == piped and shown == ""
    # --no-pager: straight to the terminal.
    (tmp_path / "paged.txt").unlink()
    paged, shown = _on_a_terminal(history, tmp_path, *args, "--no-pager")
    assert paged == "" and shown == piped


def test_diff_goes_through_the_pager_too(history: History, tmp_path: Path) -> None:
    c4, c5 = history.shas[3], history.shas[4]
    args = ("diff", f"{c4}..{c5}", "--as-of", "2025-07-10", "--format", "plain", "--lang", "zh")
    paged, shown = _on_a_terminal(history, tmp_path, *args)
    code, piped, _ = run(history, *args)
    assert code == 0 and paged == piped and shown == ""


def test_not_a_terminal_means_no_pager(history: History, monkeypatch: pytest.MonkeyPatch) -> None:
    # CliRunner's stdout is no terminal: a pager set in the environment is not started (it would
    # swallow the output: `false` reads nothing and prints nothing).
    monkeypatch.setenv("YUNHE_PAGER", "false")
    code, out, _ = run(history, "log", "p01-001", "--format", "csv")
    assert code == 0 and len(out.splitlines()) == 1 + 7


# ----------------------------------------------------------------------------- -n and labels


def test_max_count_keeps_the_newest_changes(history: History) -> None:
    c3, c5 = history.shas[2][:7], history.shas[4][:7]
    for flag in ("-n", "--max-count"):
        code, out, err = run(
            history, "log", "p01.investment", flag, "2", "--format", "markdown", "--lang", "en"
        )
        assert (code, err) == (0, "")
        assert md_rows(out) == csv_rows(
            "date,author,commit,event,item,period,field,change,message,announced\n"
            f"2025-07-08,赵六 (王芳),{c5},changed,p01.investment,2025-04,value,30.5 → 32.0,"
            "p01 2025-04 数据修订；p01-001 销号,announced: 统计局核定数 (赵六)\n"
            f"2025-06-06,李四,{c3},added,p01.investment,2025-05,value,— → 41.2,"
            "p01 2025-05 月报；新增问题 p01-001,\n"
        )
    code, _, err = run(history, "log", "-n", "0", "--lang", "en")
    assert code == 2 and "'0' is not a number of changes: write 1 or more" in flat(err)
    code, _, err = run(history, "log", "-n", "x", "--lang", "zh")
    assert code == 2 and "'x' 不是条数，请写 1 或更大的整数" in flat(err)


def test_the_log_reads_wholly_in_chinese(history: History) -> None:
    c3, c5, c6 = history.shas[2][:7], history.shas[4][:7], history.shas[5][:7]
    code, out, _ = run(history, "log", "p01-001", "--format", "markdown", "--lang", "zh")
    assert code == 0
    m3, m5, m6 = (
        "p01 2025-05 月报；新增问题 p01-001",
        "p01 2025-04 数据修订；p01-001 销号",
        "p01-001 重新打开",
    )
    assert out.splitlines()[0] == "# 变更记录：p01-001"
    assert md_rows(out) == csv_rows(
        "日期,作者（提交人）,提交,事项,对象,月份,字段,原值 → 新值,提交说明\n"
        f"2025-08-01,李四,{c6},重新打开,p01-001,,状态,已销号 → 未销号,{m6}\n"
        f"2025-08-01,李四,{c6},新增,p01-001,,重新打开次数,— → 1,{m6}\n"
        f"2025-07-08,赵六 (王芳),{c5},销号,p01-001,,状态,未销号 → 已销号,{m5}\n"
        f"2025-07-08,赵六 (王芳),{c5},新增,p01-001,,销号日期,— → 2025-07-05,{m5}\n"
        f"2025-07-08,赵六 (王芳),{c5},新增,p01-001,,解决情况,— → 已解决,{m5}\n"
        f"2025-07-08,赵六 (王芳),{c5},新增,p01-001,,佐证材料,— → 会议纪要,{m5}\n"
        f"2025-06-06,李四,{c3},新增问题,p01-001,,问题,— → 用地指标不足,{m3}\n"
    )
    # A task's status too: 推进中 (April) → 已完成 (May), each as its month's report adds it.
    code, out, _ = run(history, "log", "p01.plan", "--format", "markdown", "--lang", "zh")
    assert [row[7] for row in md_rows(out) if row[6] == "状态"] == ["— → 已完成", "— → 推进中"]


# ----------------------------------------------------------------------------- streaming (issue #26)


def test_the_log_is_read_as_it_is_shown(history: History) -> None:
    from yunhe_cli.reports.changes import LogReading, Selection
    from yunhe_cli.store.git import Git

    reading = LogReading(Git(history.top), "data", Selection())
    entries = iter(reading)
    first = next(entries)
    # The newest change is C6's reopening; when it is given, C6 is the only commit read so far.
    assert (first.commit.sha, first.change.item, first.change.event) == (
        history.shas[5],
        "p01-001",
        "reopened",
    )
    assert reading.first is not None and reading.first.sha == history.shas[5]
    rest = list(entries)
    # Read to the end: the oldest commit is C1, and the changes are those of the whole log.
    assert reading.first.sha == history.shas[0]
    _, out, _ = run(history, "log", "--format", "json")
    assert len(rest) + 1 == len(json.loads(out)["entries"])


def test_on_a_terminal_each_screen_has_the_column_heads(history: History, tmp_path: Path) -> None:
    # The whole log of the six commits is 27 changes (C1: 2 targets and their dates, 2 tasks' due
    # dates; C2: the submission, its unit, 2 figures, a task's status and percent; C3: the same and
    # the task's done date and a problem opened, 8; C5: 5; C6: 2). A terminal of 20 lines gets a
    # first block of 20 as soon as they are read, then the other 7: the title once, the heads on
    # each block.
    args = ("log", "--format", "plain", "--lang", "en", "--no-pager")
    _, shown = _on_a_terminal(history, tmp_path, *args, lines=20)
    code, piped, _ = run(history, *args)
    assert code == 0
    rows = [line for line in piped.splitlines() if line[:4].isdigit()]
    assert len(rows) == 27
    # The same rows in the same order; each block is aligned on its own (its widths are its rows').
    assert [" ".join(line.split()) for line in shown.splitlines() if line[:4].isdigit()] == [
        " ".join(row.split()) for row in rows
    ]
    lines = shown.splitlines()
    assert lines.count("Changes: everything") == 1
    assert sum(1 for line in lines if line.startswith("Date ")) == 2
