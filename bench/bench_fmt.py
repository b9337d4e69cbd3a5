"""Benchmark: `yunhe fmt --check` against `yunhe validate` on examples/sample.

    python bench/bench_fmt.py [--runs 5]

Cold: an empty cache folder, every file laid out again by the round-trip parser. Warm: the
digests of the canonical files are known (what pre-commit and CI see after the first run).
Each command runs in a fresh process; the median of the runs is printed with the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample"


def median_s(cmd: list[str], runs: int, env: dict[str, str], fresh: bool = False) -> float:
    times = []
    for _ in range(runs):
        if fresh:
            env = {**env, "YUNHE_CACHE_DIR": tempfile.mkdtemp()}
        start = time.perf_counter()
        subprocess.run(cmd, check=False, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    py = sys.executable
    env = {**os.environ, "YUNHE_CACHE_DIR": tempfile.mkdtemp()}
    validate = median_s([py, "-m", "yunhe_cli", "validate", "--data", str(SAMPLE)], args.runs, env)
    fmt = [py, "-m", "yunhe_cli", "fmt", "--check", "--data", str(SAMPLE)]
    cold = median_s(fmt, args.runs, env, fresh=True)
    subprocess.run(fmt, check=False, capture_output=True, env=env)  # learn the canonical files
    warm = median_s(fmt, args.runs, env)
    files = sum(1 for _ in SAMPLE.rglob("*.yaml"))
    print(f"examples/sample: {files} files")
    print(f"yunhe validate              {validate:6.2f} s")
    print(f"yunhe fmt --check (cold)    {cold:6.2f} s   {cold / validate:4.1f}x validate")
    print(f"yunhe fmt --check (warm)    {warm:6.2f} s   {warm / validate:4.1f}x validate")


if __name__ == "__main__":
    main()
