"""Benchmark: `yunhe validate` on a synthetic county-scale repository.

SYNTHETIC DATA: the plan files are copied from data/; the 600 monthly reports (10 projects ×
60 months) and the problem lists are generated with a fixed seed and are not real figures.

    python bench/bench_validate.py [--runs 7]

Prints the median wall time of: the bare import of the dependencies, `yunhe validate` as a
command, and the in-process load with one and with two worker processes.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yunhe_cli.store.loader import load_repository  # noqa: E402
from yunhe_cli.store.yamlio import parse_text  # noqa: E402


def build(target: Path, seed: int = 2023) -> int:
    rng = random.Random(seed)
    shutil.copytree(ROOT / "data", target)
    count = 0
    for project_file in sorted((target / "projects").glob("*.yaml")):
        project = parse_text(project_file.read_text(encoding="utf-8"), project_file).data
        pid = project["id"]
        folder = target / "indicators" / pid
        folder.mkdir(parents=True, exist_ok=True)
        for n in range(60):
            year, month = 2023 + n // 12, n % 12 + 1
            lines = [
                "# yaml-language-server: $schema=../../../schemas/report.schema.json",
                "# SYNTHETIC benchmark data, not real figures",
                f"project: {pid}",
                f"period: {year}-{month:02d}",
                f"submitted_on: {year + (month == 12)}-{month % 12 + 1:02d}-08",
                f"submitted_by: {project['lead_unit']}",
                "values:",
            ]
            for ind in project["indicators"]:
                lines.append(f"  - indicator: {ind['id']}")
                if ind["kind"] == "milestone":
                    lines.append(f"    achieved: {'true' if n > 40 else 'false'}")
                else:
                    top = float(ind["target"]["value"])
                    value = round(top * (n + 1) / 60 * rng.uniform(0.7, 1.1), 2)
                    if ind.get("unit") == "%" and ind["kind"] != "growth":
                        value = min(value, 100.0)
                    lines.append(f"    value: {value}")
                    lines.append("    note: 按统计口径报送")
            lines.append("tasks:")
            for task in project["tasks"]:
                lines.append(f"  - task: {task['id']}")
                lines.append(f"    status: {rng.choice(['in_progress', 'not_started', 'blocked'])}")
                lines.append(f"    percent: {min(100, n * 2)}")
                lines.append("    note: 按计划推进")
            (folder / f"{year}-{month:02d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
            count += 1
        problems = [
            "# yaml-language-server: $schema=../../schemas/problems.schema.json",
            "# SYNTHETIC benchmark data",
            f"project: {pid}",
            "problems:",
        ]
        for k in range(1, 21):
            closed = rng.random() < 0.6
            problems += [
                f"  - id: {pid}-{k:03d}",
                f"    title: 合成问题{k}",
                f"    owner: {project['lead_unit']}",
                "    raised_on: 2024-03-01",
                "    due: 2024-09-30",
                f"    status: {'closed' if closed else 'open'}",
            ]
            if closed:
                problems += ["    closed_on: 2024-08-15", "    resolution: 已协调解决"]
        (target / "issues" / f"{pid}.yaml").write_text("\n".join(problems) + "\n", encoding="utf-8")
        count += 1
    return count


def timed(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        generated = build(data)
        files = sum(1 for _ in data.rglob("*.yaml"))
        size = sum(p.stat().st_size for p in data.rglob("*.yaml"))
        print(
            f"repository: {files} files ({generated} generated), {size / 1024:.0f} KiB, "
            f"mean {size / files / 1024:.1f} KiB a file"
        )
        # checked as of the day after the last generated report, which runs to the plan's end
        yunhe = [sys.executable, "-m", "yunhe_cli", "validate", "--data", str(data), "--as-of", "2028-01-31"]
        check = subprocess.run(yunhe, capture_output=True, text=True)
        print(f"validate exit {check.returncode}: {(check.stdout or check.stderr).strip().splitlines()[-1]}")
        imports = [sys.executable, "-c", "import typer, pydantic, yaml, rich, yunhe_cli.core.model"]
        bare = timed(lambda: subprocess.run(imports, check=True), args.runs)
        whole = timed(lambda: subprocess.run(yunhe, capture_output=True), args.runs)
        one = timed(lambda: load_repository(data, workers=1), args.runs)
        two = timed(lambda: load_repository(data, workers=2), args.runs)
        print(f"import of the dependencies alone:                              {bare * 1000:6.0f} ms")
        print(f"yunhe validate, whole command:                                 {whole * 1000:6.0f} ms")
        print(
            f"load in process, 1 worker:                                     {one * 1000:6.0f} ms "
            f"({files / one:.0f} files/s)"
        )
        bomb = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        bomb += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
        bomb_text = "\n".join(bomb) + "\n"
        refuse = timed(lambda: parse_text(bomb_text, Path("bomb.yaml")), args.runs)
        print(f"refusing a 9-level alias bomb (10^9 strings if expanded):      {refuse * 1000:6.2f} ms")
        print(
            f"load in process, 2 workers:                                    {two * 1000:6.0f} ms "
            f"({files / two:.0f} files/s)"
        )


if __name__ == "__main__":
    main()
