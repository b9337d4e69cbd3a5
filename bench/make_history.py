"""A synthetic five-year history of a data repository, as a county would commit it month by month.

SYNTHETIC DATA: the plan files are copied from data/; every report, problem, author and date is
generated with a fixed seed and is not real.

    python bench/make_history.py OUT_DIR [--months 60]

10 projects x 60 monthly reports; for each project and month: a draft, its submission, a problem
raised and an older one crossed off; from the second month a revision of the month before (with its
`revisions:` entry) and every third month a commit that only reformats. About 3,000 commits by
eleven authors, written with one `git fast-import` (a commit at a time would take minutes).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yunhe_cli.store.yamlio import parse_text  # noqa: E402

SUPERVISOR = ("督查室 周敏", "zhou.min@example.invalid")


def analyst(number: int) -> tuple[str, str]:
    return (f"分析员{number:02d}", f"analyst{number:02d}@example.invalid")


def period_of(n: int) -> tuple[int, int]:
    return 2023 + n // 12, n % 12 + 1


def report_text(project: dict, n: int, rng: random.Random, submitted: bool, first: float | None) -> str:  # type: ignore[type-arg]
    year, month = period_of(n)
    nyear, nmonth = period_of(n + 1)
    lines = [
        "# yaml-language-server: $schema=../../../schemas/report.schema.json",
        "# SYNTHETIC benchmark data, not real figures",
        f"project: {project['id']}",
        f"period: {year}-{month:02d}",
        f"submitted_on: {nyear}-{nmonth:02d}-08" if submitted else "submitted_on:",
        f"submitted_by: {project['lead_unit']}",
        "values:",
    ]
    for k, ind in enumerate(project["indicators"]):
        lines.append(f"  - indicator: {ind['id']}")
        if ind["kind"] == "milestone":
            lines.append(f"    achieved: {'true' if n > 40 else 'false'}")
        else:
            top = float(ind["target"]["value"])
            value = round(top * (n + 1) / 60 * rng.uniform(0.7, 1.1), 2)
            if ind.get("unit") == "%" and ind["kind"] != "growth":
                value = min(value, 100.0)
            if k == 0 and first is not None:
                value = first
            lines.append(f"    value: {value}")
    lines.append("tasks:")
    for task in project["tasks"]:
        lines.append(f"  - task: {task['id']}")
        lines.append("    status: in_progress")
        lines.append(f"    percent: {min(99, n * 2)}")
    return "\n".join(lines) + "\n"


def first_value(text: str) -> str | None:
    for line in text.splitlines():
        if line.startswith("    value: "):
            return line.removeprefix("    value: ")
    return None


def problems_text(pid: str, problems: list[dict]) -> str:  # type: ignore[type-arg]
    lines = [
        "# yaml-language-server: $schema=../../schemas/problems.schema.json",
        "# SYNTHETIC benchmark data",
        f"project: {pid}",
        "problems:" if problems else "problems: []",
    ]
    for q in problems:
        lines += [
            f"  - id: {q['id']}",
            f"    title: {q['title']}",
            f"    owner: {q['owner']}",
            f"    raised_on: {q['raised_on']}",
            f"    due: {q['due']}",
            f"    status: {q['status']}",
        ]
        if q["status"] == "closed":
            lines += [f"    closed_on: {q['closed_on']}", f"    resolution: {q['resolution']}"]
    return "\n".join(lines) + "\n"


class Stream:
    """A git fast-import stream, built in memory."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.commits = 0

    def commit(self, who: tuple[str, str], when: str, message: str, files: dict[str, str]) -> None:
        import datetime as dt

        stamp = int(dt.datetime.fromisoformat(when + "T10:00:00+08:00").timestamp()) + self.commits
        ident = f"{who[0]} <{who[1]}> {stamp} +0800"
        msg = message.encode()
        out = [
            f"commit refs/heads/main\nauthor {ident}\ncommitter {ident}\ndata {len(msg)}\n".encode(),
            msg,
            b"\n",
        ]
        for path, text in files.items():
            body = text.encode()
            out += [f"M 100644 inline {path}\ndata {len(body)}\n".encode(), body, b"\n"]
        self.parts.append(b"".join(out))
        self.commits += 1


def build(out: Path, months: int = 60, seed: int = 2023, extra: dict[str, str] | None = None) -> int:
    """`extra`: more files (path -> text) for the first commit, such as data/members.yaml."""
    rng = random.Random(seed)
    stream = Stream()
    plan_files = {
        f"data/{p.relative_to(ROOT / 'data').as_posix()}": p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "data").rglob("*"))
        if p.is_file()
    }
    plan_files.update(extra or {})
    stream.commit(SUPERVISOR, "2023-04-28", "方案入库：计划、单位、人员与十项工程", plan_files)
    projects = []
    for rel, text in plan_files.items():
        if rel.startswith("data/projects/"):
            projects.append(parse_text(text, Path(rel)).data)
    projects.sort(key=lambda p: p["number"])
    problems: dict[str, list[dict]] = {p["id"]: [] for p in projects}  # type: ignore[type-arg]
    last_text: dict[tuple[str, int], str] = {}
    for n in range(months):
        year, month = period_of(n)
        nyear, nmonth = period_of(n + 1)
        period = f"{year}-{month:02d}"
        for number, project in enumerate(projects, 1):
            pid = project["id"]
            who = analyst(number)
            rel = f"data/indicators/{pid}/{period}.yaml"
            draft = report_text(project, n, random.Random(seed * 1000 + n * 10 + number), False, None)
            stream.commit(who, f"{nyear}-{nmonth:02d}-03", f"{pid} {period} 月报草稿", {rel: draft})
            final = report_text(project, n, random.Random(seed * 1000 + n * 10 + number), True, None)
            stream.commit(who, f"{nyear}-{nmonth:02d}-08", f"{pid} {period} 月报", {rel: final})
            last_text[(pid, n)] = final
            if n == months - 1:
                continue  # its month's problems would be raised after the plan's horizon
            k = len(problems[pid]) + 1
            problems[pid].append(
                {
                    "id": f"{pid}-{k:03d}",
                    "title": f"合成问题{k}",
                    "owner": project["lead_unit"],
                    "raised_on": f"{nyear}-{nmonth:02d}-09",
                    "due": f"{nyear + 1}-{nmonth:02d}-01",
                    "status": "open",
                }
            )
            issues = f"data/issues/{pid}.yaml"
            stream.commit(
                who,
                f"{nyear}-{nmonth:02d}-09",
                f"{pid} 新增问题 {pid}-{k:03d}",
                {issues: problems_text(pid, problems[pid])},
            )
            if k > 2:
                q = problems[pid][k - 3]
                q.update(status="closed", closed_on=f"{nyear}-{nmonth:02d}-10", resolution="已协调解决")
                stream.commit(
                    SUPERVISOR if rng.random() < 0.3 else who,
                    f"{nyear}-{nmonth:02d}-10",
                    f"{q['id']} 销号",
                    {issues: problems_text(pid, problems[pid])},
                )
            if n > 0:
                old_text = last_text[(pid, n - 1)]
                old = first_value(old_text)
                if old is not None:
                    py, pm = period_of(n - 1)
                    new_value = round(float(old) * 1.01, 2)
                    text = old_text.replace(f"    value: {old}\n", f"    value: {new_value}\n", 1)
                    first_ind = project["indicators"][0]["id"]
                    text += (
                        "revisions:\n"
                        f"  - on: {nyear}-{nmonth:02d}-10\n"
                        f"    by: {who[0]}\n"
                        "    reason: 统计局核定数\n"
                        f"    indicator: {first_ind}\n"
                        f"    old: {old}\n"
                    )
                    last_text[(pid, n - 1)] = text
                    stream.commit(
                        who,
                        f"{nyear}-{nmonth:02d}-10",
                        f"{pid} {py}-{pm:02d} 数据修订",
                        {f"data/indicators/{pid}/{py}-{pm:02d}.yaml": text},
                    )
            if n % 3 == 0:
                # Only the layout changes (a list written without indentation): no data changes.
                text = last_text[(pid, n)].replace("\n  - ", "\n- ").replace("\n    ", "\n  ")
                stream.commit(who, f"{nyear}-{nmonth:02d}-11", f"{pid} 格式整理", {rel: text})
                last_text[(pid, n)] = text
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    subprocess.run(
        ["git", "-C", str(out), "fast-import", "--quiet"], input=b"".join(stream.parts), check=True
    )
    subprocess.run(["git", "-C", str(out), "checkout", "-q", "-f", "main"], check=True)
    return stream.commits


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()
    commits = build(args.out, args.months)
    print(f"{args.out}: {commits} commits")


if __name__ == "__main__":
    main()
