"""Benchmark: the roll-up alone (no reading, no printing) on examples/sample.

    python bench/bench_rollup.py [--runs 15]

Loads the sample once, then times `roll_up` as of 2026-11-15 (every indicator, task, problem
and reporting month of the ten projects) and `quarter 2026-Q3` (two roll-ups and the ranking),
and prints the median and the fastest run. Run it from any checkout to compare two versions:
it imports the `yunhe_cli` found next to it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yunhe_cli.checks.validation import validate  # noqa: E402
from yunhe_cli.reports.quarterly import quarter  # noqa: E402
from yunhe_cli.reports.rollup import roll_up  # noqa: E402


def timed(fn: object, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    repo, _ = validate(ROOT / "examples" / "sample")
    as_of = dt.date(2026, 11, 15)
    for label, fn in (
        ("roll_up (status, indicators, tasks, issues)", lambda: roll_up(repo, as_of)),
        ("quarter 2026-Q3", lambda: quarter(repo, 2026, 3)),
    ):
        median, best = timed(fn, args.runs)
        print(f"{label:<46} median {median:6.1f} ms   best {best:6.1f} ms")


if __name__ == "__main__":
    main()
