"""Benchmark: every row of the speed-and-scale table, in one run, as ratios with peak memory.

SYNTHETIC DATA: bench/make_county.py (plan files copied from data/, reports generated).

    python bench/bench_scale.py [--small] [--runs 3] [--yunhe SRC] [--work DIR]

`--yunhe SRC` times the yunhe found in another source tree (e.g. an export of an older commit:
`git archive main | tar -x -C /tmp/before`), to give the figures before a change; options that
tree does not have (the cache, many --data) are left out and said so. `--small` is the version
.ci/run runs so that this keeps working: fewer files, one run each.

Each figure is the median wall time (with `--cpu`: CPU time, user + system, which a shared machine
disturbs less) of interleaved runs, each in a new process, with the peak resident memory of that
process (os.wait4's ru_maxrss). `--rows 1,6,7` runs only those rows; `--counties N` and
`--huge PROJECTS,MONTHS` choose the sizes of rows 6 and 7. "cold" runs with `--no-cache` (or an
empty cache folder), "warm" after a run has filled the cache.

Rows:
  1. `yunhe status` on examples/sample vs `yunhe --help`: warm ratio, cold seconds
  2. `issue close` / `report new` on a copy of the sample vs `yunhe --help` (warm)
  3. `yunhe validate` on ~2,000 files vs `check-jsonschema` on the same files, cold and warm
     (when check-jsonschema is on PATH; it is not a dependency: pip install it to compare)
  4. ~2,000 files on 2 worker processes vs one process (in-process validate, as the API allows)
  5. validate cost per file at ~300 and ~10,000 files (ratio; 1.0 is flat)
  6. N county folders of 623 files: one process per county vs one call over all (cold, warm)
  7. one folder of ~60,000 files (horizon widened to fit): validate cold and warm, status warm
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from make_county import as_of, build  # noqa: E402


class Runner:
    """Runs yunhe (from `src`) in new processes, with a cache folder of its own."""

    def __init__(self, src: Path, cache: Path, cpu: bool = False) -> None:
        self.src = src
        self.cpu = cpu
        self.cache = cache
        self.env = {**os.environ, "PYTHONPATH": str(src), "YUNHE_CACHE_DIR": str(cache), "COLUMNS": "200"}
        self.env.pop("YUNHE_NO_CACHE", None)
        # Run from the tree timed: `python -m` puts the working folder first on the path.
        help_text = subprocess.run(
            [sys.executable, "-m", "yunhe_cli", "--help"],
            env=self.env,
            cwd=src,
            capture_output=True,
            text=True,
        ).stdout
        self.has_cache = "--no-cache" in help_text
        status_help = subprocess.run(
            [sys.executable, "-m", "yunhe_cli", "validate", "--help"],
            env=self.env,
            cwd=src,
            capture_output=True,
            text=True,
        ).stdout
        self.has_counties = "--counties" in status_help

    def argv(self, args: list[str], cold: bool = False) -> list[str]:
        options = ["--no-cache"] if cold and self.has_cache else []
        return [sys.executable, "-m", "yunhe_cli", *options, *args]

    def run(self, argv: list[str], cwd: Path | None = None) -> tuple[float, int, int]:
        """(seconds, peak KiB, exit status) of one process: wall time, or CPU time with --cpu."""
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, env=self.env, cwd=cwd or self.src, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = usage.ru_utime + usage.ru_stime if self.cpu else time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        return seconds, usage.ru_maxrss, proc.returncode

    def python(self, code: str) -> tuple[float, int]:
        """(seconds printed by `code`, peak KiB) of a Python snippet run with this yunhe."""
        proc = subprocess.run(
            [sys.executable, "-c", code],
            env=self.env,
            cwd=self.src,
            capture_output=True,
            text=True,
            check=True,
        )
        seconds, peak = proc.stdout.split()
        return float(seconds), int(peak)


def median(samples: list[tuple[float, int, int]]) -> tuple[float, int]:
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def interleaved(
    cases: dict[str, Callable[[], tuple[float, int, int]]], runs: int
) -> dict[str, tuple[float, int]]:
    samples: dict[str, list[tuple[float, int, int]]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, case in cases.items():
            samples[name].append(case())
    return {name: median(s) for name, s in samples.items()}


def mb(kib: int) -> str:
    return f"{kib / 1024:.0f} MB"


def row(what: str, figure: str) -> None:
    print(f"{what:<72} {figure}")


def fresh_cache(runner: Runner) -> None:
    shutil.rmtree(runner.cache, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="the quick version (.ci/run)")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--yunhe", type=Path, default=ROOT, help="the source tree to time")
    parser.add_argument("--work", type=Path, help="build the repositories here and keep them")
    parser.add_argument("--rows", default="1,2,3,4,5,6,7", help="the rows to run, e.g. 1,6,7")
    parser.add_argument("--cpu", action="store_true", help="CPU seconds (user + system), not wall time")
    parser.add_argument("--counties", type=int, help="how many counties in row 6 (default 100)")
    parser.add_argument("--huge", help="row 7's folder as PROJECTS,MONTHS (default 99,604: 59,997 files)")
    args = parser.parse_args()
    rows = {int(r) for r in args.rows.split(",")}
    runs = args.runs or (1 if args.small else 5)
    big_runs = 1 if args.small else max(1, runs // 2)
    sizes = {
        "counties": args.counties or (3 if args.small else 100),
        # (projects, months): P × (M + 2) + 3 files
        "mid": (5, 60) if args.small else (32, 60),  # 313 / 1,987 files
        "small": (5, 59),  # 308 files
        "large": (32, 60) if args.small else (98, 100),  # 1,987 / 9,999 files
        "huge": (10, 60) if args.small else (99, 604),  # 623 / 59,997 files
        **({"huge": tuple(int(n) for n in args.huge.split(","))} if args.huge else {}),
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        runner = Runner(args.yunhe.resolve(), work / "cache", cpu=args.cpu)
        print(f"yunhe from {runner.src}; cache: {runner.has_cache}; many --data: {runner.has_counties}")
        sample = ROOT / "examples" / "sample"
        status = ["status", "--data", str(sample), "--as-of", "2026-11-15", "--format", "plain"]

        if 1 in rows or 2 in rows:
            # 1. status vs --help
            fresh_cache(runner)
            runner.run(runner.argv(status))  # fills the cache
            r = interleaved(
                {
                    "help": lambda: runner.run(runner.argv(["--help"])),
                    "warm": lambda: runner.run(runner.argv(status)),
                    "cold": lambda: runner.run(runner.argv(status, cold=True)),
                },
                runs,
            )
            help_s = r["help"][0]
            row(
                "1. status (the sample) / --help, warm",
                f"{r['warm'][0] / help_s:5.2f}x  ({r['warm'][0]:.2f} s, {mb(r['warm'][1])}; "
                f"--help {help_s:.2f} s)",
            )
            row(
                "   status, cold (no cache)",
                f"{r['cold'][0]:5.2f} s  ({r['cold'][0] / help_s:.2f}x, {mb(r['cold'][1])})",
            )

            # 2. writes vs --help (a fresh copy of the sample at the same path each time)
            copy = work / "write" / "data"

            def write(args_: list[str]) -> Callable[[], tuple[float, int, int]]:
                def case() -> tuple[float, int, int]:
                    shutil.rmtree(copy, ignore_errors=True)
                    shutil.copytree(sample, copy)
                    return runner.run(runner.argv([*args_, "--data", str(copy)]))

                return case

            close = [
                "issue",
                "close",
                "p01-002",
                "--resolution",
                "已解决",
                "--on",
                "2026-11-14",
                "--as-of",
                "2026-11-15",
            ]
            new = ["report", "new", "p01", "--period", "2026-11", "--as-of", "2026-12-15"]
            write(["status", "--as-of", "2026-11-15"])()  # fills the cache for the copy's path
            r2 = interleaved({"close": write(close), "new": write(new)}, runs)
            for name, label in (("close", "issue close"), ("new", "report new")):
                seconds, peak = r2[name]
                row(f"2. {label} / --help, warm", f"{seconds / help_s:5.2f}x  ({seconds:.2f} s, {mb(peak)})")

        if 3 in rows:
            # 3. validate ~2,000 files vs check-jsonschema
            mid = work / "mid"
            if not mid.exists():
                build(mid, *sizes["mid"])
            files = sum(1 for _ in mid.rglob("*.yaml"))
            day = as_of(sizes["mid"][1])
            validate_mid = ["validate", "--data", str(mid), "--as-of", day]
            fresh_cache(runner)
            runner.run(runner.argv(validate_mid))
            r3 = interleaved(
                {
                    "cold": lambda: runner.run(runner.argv(validate_mid, cold=True)),
                    "warm": lambda: runner.run(runner.argv(validate_mid)),
                },
                runs,
            )
            cjs = shutil.which("check-jsonschema")
            if cjs is None:
                row(
                    f"3. validate {files} files, cold / warm (check-jsonschema not on PATH)",
                    f"{r3['cold'][0]:.2f} s, {mb(r3['cold'][1])} / "
                    f"{r3['warm'][0]:.2f} s, {mb(r3['warm'][1])}",
                )
            else:
                schemas = ROOT / "schemas"
                groups = {
                    "report.schema.json": sorted(str(p) for p in mid.glob("indicators/*/*.yaml")),
                    "problems.schema.json": sorted(str(p) for p in mid.glob("issues/*.yaml")),
                    "project.schema.json": sorted(str(p) for p in mid.glob("projects/*.yaml")),
                    "plan.schema.json": [str(mid / "plan.yaml")],
                    "units.schema.json": [str(mid / "units.yaml")],
                    "people.schema.json": [str(mid / "people.yaml")],
                }

                def jsonschema() -> tuple[float, int, int]:
                    total, peak, worst = 0.0, 0, 0
                    for schema, paths in groups.items():
                        seconds, kib, code = runner.run([cjs, "--schemafile", str(schemas / schema), *paths])
                        total, peak, worst = total + seconds, max(peak, kib), max(worst, code)
                    return total, peak, worst

                c = median([jsonschema() for _ in range(runs)])
                row(
                    f"3. validate {files} files: check-jsonschema / yunhe, cold",
                    f"{c[0] / r3['cold'][0]:5.2f}x faster  "
                    f"(yunhe {r3['cold'][0]:.2f} s, {mb(r3['cold'][1])}; "
                    f"check-jsonschema {c[0]:.2f} s, {mb(c[1])})",
                )
                row(
                    "   ... warm",
                    f"{c[0] / r3['warm'][0]:5.2f}x faster  "
                    f"(yunhe {r3['warm'][0]:.2f} s, {mb(r3['warm'][1])})",
                )

        if 4 in rows or 5 in rows:
            # 4. two workers vs one process (in-process, no cache: what parallel parsing buys)
            snippet = (
                "import time, resource, datetime as dt; from pathlib import Path; "
                "from yunhe_cli.checks.validation import validate; t = time.perf_counter(); "
                "validate(Path({root!r}), workers={workers}, today=dt.date.fromisoformat({day!r})); "
                "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
            )
            env_no_cache = {**runner.env, "YUNHE_NO_CACHE": "1"}
            saved_env, runner.env = runner.env, env_no_cache
            w = {n: [] for n in (1, 2)}  # type: dict[int, list[tuple[float, int]]]
            for _ in range(runs):
                for n in (1, 2):
                    w[n].append(runner.python(snippet.format(root=str(mid), workers=n, day=day)))
            one, two = (statistics.median(s for s, _ in w[n]) for n in (1, 2))
            row(
                f"4. {files} files: 2 workers / 1 process",
                f"{two / one:5.2f}x  (1: {one:.2f} s, 2: {two:.2f} s; >1 is slower)",
            )

            # 5. cost per file, ~300 vs ~10,000 files (one process, no cache)
            small, large = work / "small", work / "large"
            if not small.exists():
                build(small, *sizes["small"])
            if not large.exists():
                build(large, *sizes["large"])
            n_small = sum(1 for _ in small.rglob("*.yaml"))
            n_large = sum(1 for _ in large.rglob("*.yaml"))
            per: dict[str, list[float]] = {"small": [], "large": []}
            peaks: dict[str, int] = {"small": 0, "large": 0}
            for _ in range(big_runs):
                for name, folder, months in (
                    ("small", small, sizes["small"][1]),
                    ("large", large, sizes["large"][1]),
                ):
                    code = snippet.format(root=str(folder), workers=1, day=as_of(months))
                    seconds, peak = runner.python(code)
                    per[name].append(seconds / (n_small if name == "small" else n_large))
                    peaks[name] = max(peaks[name], peak)
            ratio = statistics.median(per["large"]) / statistics.median(per["small"])
            row(
                f"5. cost per file, {n_large} files / {n_small} files",
                f"{ratio:5.2f}x  ({statistics.median(per['small']) * 1e3:.2f} ms vs "
                f"{statistics.median(per['large']) * 1e3:.2f} ms a file; {mb(peaks['large'])})",
            )
            runner.env = saved_env

        if 6 in rows:
            # 6. many counties
            counties_root = work / "counties"
            if not counties_root.exists():
                build(counties_root / "county000")
                for k in range(1, sizes["counties"]):
                    shutil.copytree(counties_root / "county000", counties_root / f"county{k:03d}")
            folders = sorted(counties_root.iterdir())
            day60 = as_of(60)
            each_total = 0.0
            each_peak = 0
            for folder in folders:
                seconds, peak, _ = runner.run(
                    runner.argv(["validate", "--data", str(folder), "--as-of", day60], cold=True)
                )
                each_total += seconds
                each_peak = max(each_peak, peak)
            label = f"6. {len(folders)} counties × 623 files"
            row(
                f"{label}, one process per county (cold)",
                f"{each_total:6.1f} s  (peak {mb(each_peak)} a process)",
            )
            if runner.has_counties:
                listing = work / "counties.txt"
                listing.write_text("\n".join(str(f) for f in folders) + "\n", encoding="utf-8")
                many = ["validate", "--counties", str(listing), "--as-of", day60]
                fresh_cache(runner)
                cold = median([runner.run(runner.argv(many, cold=True)) for _ in range(big_runs)])
                runner.run(runner.argv(many))
                warm = median([runner.run(runner.argv(many)) for _ in range(big_runs)])
                row(
                    f"{label}, one call, cold",
                    f"{cold[0]:6.1f} s  ({each_total / cold[0]:.1f}x faster, {mb(cold[1])})",
                )
                row(
                    f"{label}, one call, warm",
                    f"{warm[0]:6.1f} s  ({each_total / warm[0]:.1f}x faster, {mb(warm[1])})",
                )
            else:
                row(f"{label}, one call", "not available in this yunhe")

        if 7 in rows:
            # 7. one huge folder
            huge = work / (f"huge-{args.huge.replace(',', 'x')}" if args.huge else "huge")
            if not huge.exists():
                build(huge, *sizes["huge"])
            n_huge = sum(1 for _ in huge.rglob("*.yaml"))
            validate_huge = ["validate", "--data", str(huge), "--as-of", as_of(sizes["huge"][1])]
            fresh_cache(runner)
            cold = median([runner.run(runner.argv(validate_huge, cold=True)) for _ in range(big_runs)])
            runner.run(runner.argv(validate_huge))
            warm = median([runner.run(runner.argv(validate_huge)) for _ in range(big_runs)])
            day_huge = as_of(sizes["huge"][1])
            status_huge = ["status", "--data", str(huge), "--as-of", day_huge, "--format", "plain"]
            runner.run(runner.argv(status_huge))  # its day may differ from validate's: fills its answer
            warm_status = median([runner.run(runner.argv(status_huge)) for _ in range(big_runs)])
            row(f"7. one folder of {n_huge} files, validate cold", f"{cold[0]:6.1f} s  ({mb(cold[1])})")
            row("   ... validate warm", f"{warm[0]:6.1f} s  ({mb(warm[1])})")
            row("   ... status warm", f"{warm_status[0]:6.1f} s  ({mb(warm_status[1])})")


if __name__ == "__main__":
    main()
