"""Benchmark: the audit trail on a synthetic five-year history (bench/make_history.py).

SYNTHETIC DATA: see bench/make_history.py.

    python bench/bench_history.py [--runs 5] [--keep DIR]

Prints the median wall time and CPU time (user + system) of each command as a user runs it (a new
process each time):
`yunhe log p01.investment` (goal: at most 2 s) and `yunhe status --at REV` against `yunhe status`
on the work tree (goal: at most 1.5 times), with `yunhe diff` and `yunhe validate --base` for
reference.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_history import build


def timed(args: list[str], runs: int, cwd: Path) -> tuple[float, int]:
    times = []
    code = 0
    for _ in range(runs):
        start = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        code = subprocess.run(args, cwd=cwd, capture_output=True).returncode
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(time.perf_counter() - start)
        CPU.setdefault(tuple(args), []).append(
            after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        )
    return statistics.median(times), code


# The CPU seconds (user + system) of each run of each command: on a loaded machine, the figure to
# compare between two runs of the benchmark.
CPU: dict[tuple[str, ...], list[float]] = {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = args.keep or Path(tmp) / "repo"
        commits = build(repo)
        files = sum(1 for _ in (repo / "data").rglob("*.yaml"))
        print(f"repository: {commits} commits, {files} files at HEAD")
        yunhe = [sys.executable, "-m", "yunhe_cli"]
        day = ["--as-of", "2028-01-15", "--format", "json"]
        cases = [
            ("yunhe log p01.investment", [*yunhe, "log", "p01.investment", "--format", "json"]),
            ("yunhe log p01-010", [*yunhe, "log", "p01-010", "--format", "json"]),
            ("yunhe status (work tree)", [*yunhe, "status", *day]),
            ("yunhe status --at HEAD", [*yunhe, "status", "--at", "HEAD", *day]),
            ("yunhe status --at HEAD~1500", [*yunhe, "status", "--at", "HEAD~1500", *day]),
            ("yunhe diff HEAD~50..HEAD", [*yunhe, "diff", "HEAD~50..HEAD", *day]),
            (
                "yunhe validate --base HEAD~50",
                [*yunhe, "validate", "--base", "HEAD~50", "--as-of", "2028-01-12"],
            ),
        ]
        results = {}
        for label, command in cases:
            seconds, code = timed(command, args.runs, repo)
            results[label] = seconds
            cpu = statistics.median(CPU[tuple(command)])
            print(f"{label:34s} {seconds * 1000:7.0f} ms  {cpu * 1000:7.0f} ms cpu  (exit {code})")
        ratio = results["yunhe status --at HEAD"] / results["yunhe status (work tree)"]
        print(f"status --at HEAD / status:          {ratio:7.2f}x  (goal <= 1.5x)")
        print(
            f"log p01.investment:                 {results['yunhe log p01.investment']:7.2f} s  (goal <= 2 s)"
        )


if __name__ == "__main__":
    main()
