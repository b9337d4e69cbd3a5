"""Time and size of `yunhe site`: the sample's page (target ≤ 2 s, ≤ 3 MB) and the plan's (no reports).

Each page is written by the command itself, in a fresh process (imports included), five times;
the best and the median are printed with the page's size.

    python bench/bench_site.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = {
    "sample (synthetic, 2023-05 to 2026-10 reported)": [
        "--data",
        str(ROOT / "examples" / "sample"),
        "--as-of",
        "2026-11-15",
    ],
    "plan data (no reports)": ["--data", str(ROOT / "data"), "--as-of", "2026-11-15"],
}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "site.html"
        for name, args in CASES.items():
            times = []
            for _ in range(5):
                started = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "yunhe_cli", "site", str(out), *args, "--lang", "zh"],
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
                times.append(time.perf_counter() - started)
            size = out.stat().st_size
            print(
                f"{name}: best {min(times):.2f} s, median {statistics.median(times):.2f} s, "
                f"{size / 1024 / 1024:.2f} MB ({size:,} bytes)"
            )


if __name__ == "__main__":
    main()
