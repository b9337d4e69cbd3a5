"""Benchmark: `yunhe import` of the ten projects' forms for one month (goal ≤ 3 s).

    python bench/bench_import.py [--runs 5] [--period 2026-08]

Makes each project's form for the month from examples/sample (its input cells hold the month's
figures, tasks and submission), removes the month's ten reports from a copy of the sample, and
times the whole command `yunhe import` of the ten forms into the copy (start-up, reading the
workbooks, checking the batch with the whole repository, writing), restoring the copy between
runs. Prints the median and the worst run, and `yunhe validate` on the same copy for scale.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample"
AS_OF = dt.date(2026, 11, 30)
GOAL_S = 3.0


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--period", default="2026-08")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from yunhe_cli.forms.build import build_workbook, form_content, save_workbook
    from yunhe_cli.outputs.labels import Lang
    from yunhe_cli.store.loader import load_repository

    yunhe = str(Path(sys.executable).with_name("yunhe"))
    repo, _ = load_repository(SAMPLE)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        forms = []
        for project in sorted(p.model.id for p in repo.projects):
            out = work / "forms" / f"{project}-{args.period}.xlsx"
            save_workbook(
                build_workbook(form_content(repo, project, args.period, AS_OF, Lang.zh), AS_OF), out
            )
            forms.append(str(out))
        clean = work / "clean"
        shutil.copytree(SAMPLE, clean)
        for project in sorted(p.model.id for p in repo.projects):
            (clean / "indicators" / project / f"{args.period}.yaml").unlink()
        times = []
        for _ in range(args.runs):
            data = work / "data"
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(clean, data)
            cmd = [yunhe, "import", *forms, "--data", str(data), "--as-of", AS_OF.isoformat()]
            times.append(timed(cmd))
        validate = timed([yunhe, "validate", "--data", str(data)])
    median, worst = statistics.median(times), max(times)
    print(f"yunhe import of {len(forms)} forms ({args.period}), {args.runs} runs:")
    verdict = "met" if worst <= GOAL_S else "NOT met"
    print(f"  median {median:.2f} s, worst {worst:.2f} s (goal ≤ {GOAL_S:.0f} s: {verdict})")
    print(f"  yunhe validate on the same data, for scale: {validate:.2f} s")


if __name__ == "__main__":
    main()
