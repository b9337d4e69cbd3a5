"""Synthetic county repositories in yunhe's layout, for the speed and scale benchmarks.

SYNTHETIC DATA: the plan files are copied from data/ (projects beyond the plan's ten are copies
of them under new ids, p11 … p99); the monthly reports and problem lists are generated with a
fixed seed and are not real figures.

    python bench/make_county.py OUT [--projects 10] [--months 60] [--seed 2023]

A repository of P projects and M months holds P × M reports, P project files, P problem lists
and the three registries: P × (M + 2) + 3 files (10 × 60: 623). When M runs past
the plan's 60 months the horizon is widened to fit (the plan's own ends in 2027).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PLAN_START = 2023
COUNT_UNITS = frozenset({"个", "家", "套（间）", "户", "人"})


def _project_texts(count: int) -> list[tuple[str, str, dict[str, object]]]:
    """(id, text, parsed) of `count` projects: the plan's ten, then copies of them renumbered."""
    import sys

    sys.path.insert(0, str(ROOT))
    from yunhe_cli.store.yamlio import parse_text

    base = sorted((DATA / "projects").glob("p*.yaml"))
    out = []
    for n in range(1, count + 1):
        source = base[(n - 1) % len(base)]
        text = source.read_text(encoding="utf-8")
        pid = f"p{n:02d}"
        text = re.sub(r"(?m)^id: p\d\d$", f"id: {pid}", text)
        text = re.sub(r"(?m)^number: \d+$", f"number: {n}", text)
        out.append((pid, text, parse_text(text, source).data))
    return out


def build(target: Path, projects: int = 10, months: int = 60, seed: int = 2023) -> int:
    """Write one county into `target` (which must not exist); returns the number of files."""
    rng = random.Random(seed)
    target.mkdir(parents=True)
    for name in ("plan.yaml", "units.yaml", "people.yaml"):
        shutil.copy(DATA / name, target / name)
    last_year = PLAN_START + (months - 1) // 12
    if last_year > 2027:
        plan = (target / "plan.yaml").read_text(encoding="utf-8")
        plan = plan.replace("end: 2027-12-31", f"end: {last_year + 1}-12-31")
        (target / "plan.yaml").write_text(plan, encoding="utf-8")
    (target / "projects").mkdir()
    (target / "issues").mkdir()
    count = 3
    for pid, text, project in _project_texts(projects):
        (target / "projects" / f"{pid}.yaml").write_text(text, encoding="utf-8")
        folder = target / "indicators" / pid
        folder.mkdir(parents=True)
        count += 1
        pace = {ind["id"]: rng.uniform(0.7, 1.1) for ind in project["indicators"]}  # type: ignore[attr-defined]
        for n in range(months):
            year, month = PLAN_START + n // 12, n % 12 + 1
            lines = [
                "# yaml-language-server: $schema=../../../schemas/report.schema.json",
                "# SYNTHETIC benchmark data, not real figures",
                f"project: {pid}",
                f"period: {year}-{month:02d}",
                f"submitted_on: {year + (month == 12)}-{month % 12 + 1:02d}-08",
                f"submitted_by: {project['lead_unit']}",
                "values:",
            ]
            for ind in project["indicators"]:  # type: ignore[attr-defined]
                lines.append(f"  - indicator: {ind['id']}")
                if ind["kind"] == "milestone":
                    lines.append(f"    achieved: {'true' if n > 40 else 'false'}")
                else:
                    # A steady path (a running total never falls), whole where the unit counts things.
                    top = float(ind["target"]["value"])
                    value = round(top * (n + 1) / max(months, 60) * pace[ind["id"]], 2)
                    if ind.get("unit") in COUNT_UNITS:
                        value = int(value)
                    if ind.get("unit") == "%" and ind["kind"] != "growth":
                        value = min(value, 100.0)
                    lines.append(f"    value: {value}")
                    lines.append("    note: 按统计口径报送")
            lines.append("tasks:")
            for task in project["tasks"]:  # type: ignore[attr-defined]
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


def as_of(months: int) -> str:
    """A day after the last generated report was submitted (nothing done may be after it)."""
    return f"{PLAN_START + (months - 1) // 12 + 1}-02-28"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--projects", type=int, default=10)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    print(f"{build(args.out, args.projects, args.months, args.seed)} files in {args.out}")


if __name__ == "__main__":
    main()
