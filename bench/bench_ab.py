"""Two trees of yunhe side by side, interleaved, on the same machine at the same moment.

    python bench/bench_ab.py --before /path/to/old/checkout --after . [--rounds 7]

Each command runs alternately from each tree (same interpreter, the tree first on PYTHONPATH, byte
code compiled as an installed wheel has it) and is timed by its CPU time (user + system of the
child), which a shared machine disturbs far less than wall time. Prints the medians and the ratio
after/before for: validate without and with the cache, status, --help, and a write (issue close on
a fresh copy of the sample). Used for the layered-house refactor (DESIGN.md).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

AS_OF = "2026-11-15"


def timed(tree: Path, args: list[str], python: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONSAFEPATH": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as an installed wheel runs: compiled once
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([python, "-m", "yunhe_cli", *args], cwd=tree, env=env, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{tree}: yunhe {' '.join(args)} failed:\n{done.stderr.decode()[-800:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def jobs(python: str) -> dict[str, Callable[[Path], float]]:
    sample = ["--data", "examples/sample", "--as-of", AS_OF]

    def write(tree: Path) -> float:
        folder = Path(tempfile.mkdtemp())
        shutil.copytree(tree / "examples" / "sample", folder / "data")
        close = ["issue", "close", "p03-003", "--resolution", "已解决", "--on", "2026-11-14"]
        took = timed(tree, [*close, "--as-of", AS_OF, "--data", str(folder / "data")], python)
        shutil.rmtree(folder)
        return took

    return {
        "validate (sample, no cache)": lambda t: timed(t, ["--no-cache", "validate", *sample], python),
        "validate (sample, warm cache)": lambda t: timed(t, ["validate", *sample], python),
        "status (sample, warm cache)": lambda t: timed(t, ["status", *sample, "--format", "plain"], python),
        "--help": lambda t: timed(t, ["--help"], python),
        "issue close (a write)": write,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, default=Path("."))
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    for tree in trees.values():
        subprocess.run([args.python, "-m", "compileall", "-q", str(tree / "yunhe_cli")], check=True)
    work = jobs(args.python)
    for tree in trees.values():  # warm the caches and the file system
        for job in work.values():
            job(tree)
    results: dict[str, dict[str, list[float]]] = {name: {k: [] for k in trees} for name in work}
    for _ in range(args.rounds):
        for name, job in work.items():
            for key, tree in trees.items():
                results[name][key].append(job(tree))
    print(f"load average {os.getloadavg()}; {args.rounds} rounds; median CPU time of each command")
    for name, by in results.items():
        b, a = statistics.median(by["before"]), statistics.median(by["after"])
        print(f"{name:32} before {b * 1000:6.0f} ms   after {a * 1000:6.0f} ms   after/before {a / b:.2f}")


if __name__ == "__main__":
    main()
