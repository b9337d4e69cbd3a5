"""Benchmark: who may change what, on a synthetic five-year history (bench/make_history.py).

SYNTHETIC DATA: see bench/make_history.py. The members file written into the first commit is
synthetic too: analyst NN commits for the lead unit of project NN (so analysts 01, 04 and 09 are
the office, 县发改局) and the supervisor for 县政府督查室, which is neither a lead unit nor the
office: each problem the supervisor crosses off is a P702.

    python bench/bench_owners.py [--runs 5] [--keep DIR]

Prints the median wall time, as a user runs it (a new process each time), of the whole check,
`yunhe validate --base <first commit>` over every commit (goal: at most 2 s), next to
`yunhe validate` alone; and the ownership check by itself in this process (`owners.check_commits`).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from make_history import ROOT, SUPERVISOR, analyst, build

from yunhe_cli.checks.owners import check_commits
from yunhe_cli.store.git import Git
from yunhe_cli.store.yamlio import parse_text


def members_text() -> str:
    leads: dict[str, list[int]] = {}
    for path in sorted((ROOT / "data" / "projects").glob("p*.yaml")):
        project = parse_text(path.read_text(encoding="utf-8"), path).data
        leads.setdefault(project["lead_unit"], []).append(project["number"])
    lines = ["# SYNTHETIC benchmark identities", "org: yunhe-bench", "units:"]
    for unit, numbers in leads.items():
        lines += [f"  - unit: {unit}", "    people:"]
        lines += [f"      - email: {analyst(n)[1]}" for n in sorted(numbers)]
    lines += ["  - unit: 县政府督查室", "    people:", f"      - email: {SUPERVISOR[1]}"]
    return "\n".join(lines) + "\n"


def timed(args: list[str], runs: int, cwd: Path) -> tuple[float, int, str]:
    times = []
    done = None
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
    assert done is not None
    return statistics.median(times), done.returncode, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = args.keep or Path(tmp) / "repo"
        commits = build(repo, extra={"data/members.yaml": members_text()})
        first = subprocess.run(
            ["git", "-C", str(repo), "rev-list", "--max-parents=0", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        files = sum(1 for _ in (repo / "data").rglob("*.yaml"))
        print(f"repository: {commits} commits, {files} files at HEAD, base {first[:10]}")
        yunhe = [sys.executable, "-m", "yunhe_cli"]
        whole = [*yunhe, "validate", "--base", first, "--as-of", "2028-01-12"]
        seconds, code, err = timed(whole, args.runs, repo)
        found = {c: err.count(f" {c} ") for c in ("P701", "P702", "A601", "A603")}
        print(f"yunhe validate --base <first commit>  {seconds * 1000:7.0f} ms  (exit {code}; {found})")
        alone, code, _ = timed([*yunhe, "validate"], args.runs, repo)
        print(f"yunhe validate (no --base)            {alone * 1000:7.0f} ms  (exit {code})")
        signed, code, err = timed([*whole, "--require-signed"], args.runs, repo)
        print(
            f"  ... --require-signed                 {signed * 1000:7.0f} ms  "
            f"(exit {code}; {err.count(' P703 ')} unsigned commits)"
        )
        inner = []
        for _ in range(args.runs):
            start = time.perf_counter()
            problems = check_commits(Git(repo), "data", first)
            inner.append(time.perf_counter() - start)
        print(
            f"owners.check_commits in-process       {statistics.median(inner) * 1000:7.0f} ms  "
            f"({len(problems)} problems)"
        )
        print(f"whole check:                          {seconds:7.2f} s  (goal <= 2 s)")


if __name__ == "__main__":
    main()
