"""Benchmark: `yunhe status` (and the three forms) on examples/sample against start-up cost.

    python bench/bench_status.py [--runs 9]

Prints the median wall time of: `python -c pass`, the bare import of the dependencies that
yunhe uses (typer, pydantic, yaml, rich, tabulate), `yunhe --help`, and each report command.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample"


def median_ms(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    py = sys.executable
    files = sum(1 for _ in SAMPLE.rglob("*.yaml"))
    print(f"examples/sample: {files} files")
    rows = [
        ("python -c pass", [py, "-c", "pass"]),
        (
            "import typer, pydantic, yaml, rich, tabulate",
            [py, "-c", "import typer, pydantic, yaml, rich.table, tabulate"],
        ),
        ("yunhe --help", [py, "-m", "yunhe_cli", "--help"]),
    ]
    common = ["--data", str(SAMPLE), "--as-of", "2026-11-15", "--lang", "zh"]
    for command in ("status", "indicators", "tasks", "issues"):
        for fmt in ("table", "json"):
            rows.append(
                (
                    f"yunhe {command} --format {fmt}",
                    [py, "-m", "yunhe_cli", command, *common, "--format", fmt],
                )
            )
    for label, cmd in rows:
        print(f"{label:<48} {median_ms(cmd, args.runs):7.0f} ms")


if __name__ == "__main__":
    main()
