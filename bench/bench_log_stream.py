"""Benchmark: how soon `yunhe log` shows its first change, and how long the whole takes.

SYNTHETIC DATA: the five-year history of bench/make_history.py (2,941 commits, 623 files at HEAD).

    python bench/bench_log_stream.py [--runs 3] [--repo DIR]

For each case, a new process as a user runs it, stdout a pipe or a terminal (a pseudo-terminal of
80 x 24, `--no-pager`): the wall time until the first line that shows a change (its date; the
title does not count), the wall time of the whole,
and the process's CPU time (user + system, from wait4) for the whole and up to the first line (read
from /proc while it runs). On a loaded machine the CPU times are the figures to compare.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_history import build

CHANGE = re.compile(r"^(\| |日期 +|Date +)?\d{4}-\d{2}-\d{2}".encode())
TICK = os.sysconf("SC_CLK_TCK")


def cpu_so_far(pid: int) -> float:
    """User + system seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def one(args: list[str], cwd: Path, tty: bool) -> tuple[float, float, float, float, int]:
    """(wall to the first change, wall of the whole, cpu to the first change, cpu of the whole,
    lines), stdout a pipe or, with `tty`, a pseudo-terminal (80 x 24, no pager)."""
    start = time.perf_counter()
    if tty:
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        proc = subprocess.Popen([*args, "--no-pager"], cwd=cwd, stdout=follower, stderr=subprocess.DEVNULL)
        os.close(follower)
        stream = os.fdopen(leader, "rb")
    else:
        proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        stream = proc.stdout
    first = first_cpu = float("nan")
    lines = 0
    try:
        for line in stream:
            lines += 1
            if first != first and CHANGE.match(line.lstrip(b"\r")):  # the first change
                first = time.perf_counter() - start
                try:
                    first_cpu = cpu_so_far(proc.pid)
                except OSError:
                    first_cpu = float("nan")
    except OSError:  # the terminal closes with the process
        pass
    _, _status, usage = os.wait4(proc.pid, 0)
    whole = time.perf_counter() - start
    return first, whole, first_cpu, usage.ru_utime + usage.ru_stime, lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repo", type=Path, help="an existing history (else one is built)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = args.repo or Path(tmp) / "repo"
        if args.repo is None:
            build(repo)
        yunhe = [sys.executable, "-m", "yunhe_cli"]
        log = [*yunhe, "log", "--lang", "zh"]
        cases = [
            ("yunhe log, a terminal", log, True),
            ("yunhe log, a pipe (plain)", log, False),
            ("yunhe log -n 40, a pipe (plain)", [*log, "-n", "40"], False),
            ("yunhe log p01.investment, a pipe", [*yunhe, "log", "p01.investment"], False),
        ]
        print(f"{'case':34s} {'first line':>16s} {'whole':>16s}   lines")
        for label, command, tty in cases:
            runs = [one(command, repo, tty) for _ in range(args.runs)]
            first = statistics.median(r[0] for r in runs)
            whole = statistics.median(r[1] for r in runs)
            first_cpu = statistics.median(r[2] for r in runs)
            whole_cpu = statistics.median(r[3] for r in runs)
            print(
                f"{label:34s} {first:6.2f} s ({first_cpu:5.2f} cpu) {whole:6.2f} s ({whole_cpu:5.2f} cpu)"
                f"   {runs[-1][4]}"
            )


if __name__ == "__main__":
    main()
