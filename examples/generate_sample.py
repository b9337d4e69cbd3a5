"""Generate examples/sample: the plan from data/ plus SYNTHETIC monthly reports and problems.

    python examples/generate_sample.py [OUT]      (default: examples/sample)

Everything it writes besides the copied plan files is invented, with a fixed seed, to show
what yunhe prints on a repository in use: reports from May 2023 to October 2026 for all ten
projects, some months late or missing, problems open, overdue and closed, and indicators
ahead of, on and behind their paths. None of it is a real figure of Yunhe County.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yunhe_cli.store.yamlio import parse_text  # noqa: E402

SEED = 20230428
FIRST = (2023, 5)
LAST = (2026, 10)
BANNER = "# 合成示例数据，非真实数据 / SYNTHETIC example data, not real figures"
# How each indicator performs against its path: ahead, on it, a little behind, far behind.
PACES = (1.12, 1.0, 1.0, 0.9, 0.75)
MISSING = {
    "p07": {"2026-09", "2026-10"},
    "p09": {"2026-10"},
    "p03": {"2024-02"},
    "p10": {"2023-08", "2025-01"},
}
# The plan's own dated steps that these projects have not reported done: shown as overdue.
STEPS_NOT_DONE = {("p06", "deployment"), ("p09", "implementation-plan")}
LATE = {"p02": {"2024-06", "2025-03"}, "p05": {"2026-10"}, "p08": {"2023-11"}}


def months() -> list[tuple[int, int]]:
    out = []
    year, month = FIRST
    while (year, month) <= LAST:
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def schema_line(kind: str, depth: int) -> str:
    return f"# yaml-language-server: $schema={'../' * (depth + 2)}schemas/{kind}.schema.json"


def copy_plan(out: Path) -> list[dict[str, Any]]:
    """The plan's files, as they are in data/, with the schema line pointing at the right place."""
    projects = []
    for rel in (
        "plan.yaml",
        "units.yaml",
        "people.yaml",
        *(f"projects/{p.name}" for p in sorted((ROOT / "data" / "projects").glob("*.yaml"))),
    ):
        text = (ROOT / "data" / rel).read_text(encoding="utf-8")
        kind = {"plan.yaml": "plan", "units.yaml": "units", "people.yaml": "people"}.get(rel, "project")
        lines = text.splitlines()
        lines[0] = schema_line(kind, rel.count("/"))
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
        if kind == "project":
            projects.append(parse_text(text, target).data)
    return projects


def value_at(
    ind: dict[str, Any], pace: float, year: int, month: int, rng: random.Random
) -> tuple[str, float]:
    """A synthetic figure for one month: ('value' or 'level', number)."""
    target = float(ind["target"]["value"])
    elapsed = (year - 2023) * 12 + month  # months since the plan period began
    noise = rng.uniform(0.97, 1.03)
    kind, basis, comparator = ind["kind"], ind["reported_as"], ind["comparator"]
    if kind == "cumulative":
        if basis == "year_to_date":
            return "value", target / 5 * pace * month / 12 * noise
        return "value", target * pace * elapsed / 60 * noise
    if kind == "growth":
        if ind.get("level_unit") == "%":
            return "level", 52.0 + target * pace * elapsed / 12 * noise
        return "value", target * pace * noise
    if kind == "annual":
        return "value", (target * pace if comparator != "~" else target * (2 - pace)) * noise
    # level
    if comparator == "<=":
        return "value", target * (2 - pace) * noise
    if comparator == "~":
        return "value", target * (0.9 + 0.1 * pace) * noise
    # An age or a span of years moves slowly (life expectancy stays in a human range).
    start = (0.97 if ind.get("unit") in ("岁", "年") else 0.7) * target
    level = start + (target * pace - start) * elapsed / 60
    if basis == "year_to_date":
        level = level * month / 12
    if ind.get("unit") == "%":
        level = min(level * noise, 100.0)
        return "value", level
    return "value", level * noise


COUNT_UNITS = ("个", "家", "套（间）", "户", "人")
ADDITIVE_EXCEPT = ("%", "个百分点", "岁", "年")


def plausible(ind: dict[str, Any], number: float, year: int, running: dict[str, tuple[int, float]]) -> float:
    """Keep the synthetic figures plausible: whole counts, and running totals that never fall
    (1–N月累计 within a year; a total since the plan began at all)."""
    target = float(ind["target"]["value"])
    if ind.get("unit") in COUNT_UNITS and target.is_integer():
        number = float(round(number))
    basis, kind = ind["reported_as"], ind["kind"]
    ytd_flow = basis == "year_to_date" and (
        kind == "cumulative" or (kind in ("level", "annual") and ind.get("unit") not in ADDITIVE_EXCEPT)
    )
    plan_total = kind == "cumulative" and basis != "year_to_date"
    if ytd_flow or plan_total:
        last_year, last = running.get(ind["id"], (year, 0.0))
        if (plan_total or last_year == year) and number < last:
            number = last
        running[ind["id"]] = (year, number)
    return number


def write_reports(out: Path, project: dict[str, Any], rng: random.Random) -> None:
    pid = project["id"]
    paces = {ind["id"]: rng.choice(PACES) for ind in project["indicators"]}
    achieved_in = {
        ind["id"]: rng.choice([None, None, (2025, 6), (2026, 3)])
        for ind in project["indicators"]
        if ind["kind"] == "milestone"
    }
    task_plans = {
        t["id"]: (rng.choice(["steady", "steady", "blocked", "done"]), rng.randint(20, 60))
        for t in project["tasks"]
    }
    folder = out / "indicators" / pid
    folder.mkdir(parents=True, exist_ok=True)
    running: dict[str, tuple[int, float]] = {}  # indicator -> (year, last running total)
    for year, month in months():
        period = f"{year}-{month:02d}"
        if period in MISSING.get(pid, set()):
            continue
        next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
        day = rng.randint(12, 20) if period in LATE.get(pid, set()) else rng.randint(3, 9)
        lines = [
            schema_line("report", 2),
            BANNER,
            f"project: {pid}",
            f"period: {period}",
            f"submitted_on: {next_year}-{next_month:02d}-{day:02d}",
            f"submitted_by: {project['lead_unit']}",
            "values:",
        ]
        for ind in project["indicators"]:
            lines.append(f"  - indicator: {ind['id']}")
            if ind["kind"] == "milestone":
                when = achieved_in[ind["id"]]
                done = when is not None and (year, month) >= when
                lines.append(f"    achieved: {'true' if done else 'false'}")
                if done and when is not None:
                    lines.append(f"    achieved_on: {when[0]}-{when[1]:02d}-20")
                continue
            key, number = value_at(ind, paces[ind["id"]], year, month, rng)
            number = plausible(ind, number, year, running)
            lines.append(f"    {key}: {num(number)}")
        lines.append("tasks:")
        elapsed = (year - 2023) * 12 + month - 4
        for task in project["tasks"]:
            lines.append(f"  - task: {task['id']}")
            if task["id"] in ("implementation-plan", "deployment"):
                if (pid, task["id"]) in STEPS_NOT_DONE:
                    lines += ["    status: in_progress", f"    percent: {min(90, 40 + elapsed * 5)}"]
                else:
                    lines += ["    status: done", "    percent: 100"]
                continue
            plan, speed = task_plans[task["id"]]
            percent = min(100, elapsed * speed // 20)
            if plan == "done" and percent >= 100:
                lines += ["    status: done", "    percent: 100"]
            elif plan == "blocked" and elapsed > 30:
                lines += [
                    "    status: blocked",
                    f"    percent: {min(percent, 60)}",
                    "    note: 要素保障未到位",
                ]
            else:
                lines += ["    status: in_progress", f"    percent: {min(percent, 95)}"]
        (folder / f"{period}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


PROBLEM_TITLES = (
    "项目用地指标不足",
    "资金拨付滞后",
    "政策处理进度慢",
    "审批手续未完成",
    "统计口径待核实",
    "施工进度滞后",
    "要素保障不到位",
    "招商项目未落地",
)
SOURCES = ("月调度", "季分析", "督查")


def write_problems(out: Path, project: dict[str, Any], rng: random.Random) -> None:
    pid = project["id"]
    lines = [schema_line("problems", 1), BANNER, f"project: {pid}", "problems:"]
    for k in range(1, rng.randint(3, 6) + 1):
        fate = rng.choice(["closed", "closed", "open", "recent"])
        if fate == "recent":  # raised lately, not yet due
            raised = dt.date(2026, 8, 1) + dt.timedelta(days=rng.randint(0, 90))
            fate = "open"
        else:
            raised = dt.date(2023, 6, 1) + dt.timedelta(days=rng.randint(0, 1100))
        due = raised + dt.timedelta(days=rng.choice([30, 60, 90, 180]))
        closed_on = raised + dt.timedelta(days=rng.randint(10, 200))
        if fate == "closed" and closed_on > dt.date(2026, 10, 31):
            fate = "open"
        lines += [
            f"  - id: {pid}-{k:03d}",
            f"    title: {rng.choice(PROBLEM_TITLES)}",
            f"    owner: {rng.choice([project['lead_unit'], *project['responsible_units'][:3]])}",
            f"    raised_on: {raised.isoformat()}",
            f"    due: {due.isoformat()}",
            f"    status: {fate}",
        ]
        source = rng.choice(SOURCES)
        if fate == "closed":
            lines += [
                f"    closed_on: {closed_on.isoformat()}",
                "    resolution: 经专题协调已解决",
                "    evidence:",
                "      - 专题会议纪要",
            ]
        lines.append(f"    source: {source}")
    (out / "issues").mkdir(parents=True, exist_ok=True)
    (out / "issues" / f"{pid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- 形势研判, 督查督办, 经验推广
# Appended after everything above, with an RNG of their own, so that the files above stay as they were.
MECHANISM_SEED = SEED + 25
# The quarter's judgement of each project (形势研判), SYNTHETIC. p07's lead unit judges 红 while its
# figures' mean score is green (a disagreement `yunhe quarter` flags); p03, p05, p09 have none.
JUDGED = {
    "2026-Q2": {"p01": "绿", "p02": "绿", "p04": "绿", "p06": "黄", "p07": "黄", "p08": "绿", "p10": "黄"},
    "2026-Q3": {"p01": "绿", "p02": "绿", "p04": "黄", "p06": "黄", "p07": "红", "p08": "绿", "p10": "绿"},
}
NARRATIVE = {
    "绿": (
        "各项指标按计划推进，重点任务节点如期完成。",
        "个别项目要素保障仍需跟进。",
        "继续按月调度，确保完成年度目标。",
    ),
    "黄": (
        "主要指标基本达到序时进度，部分任务进度偏慢。",
        "资金和用地要素保障存在缺口。",
        "专题协调要素保障，加快滞后任务。",
    ),
    "红": (
        "土地整治项目立项和复垦进度明显滞后。",
        "指标缺口较大，跨乡镇项目协调难度大。",
        "提请总专班专题研究，倒排工期推进。",
    ),
}
SUPERVISION = [
    # project, unit (lead unless given), issued, due, requirement, problem index, task index, fate
    ("p01", None, "2026-08-05", "2026-10-31", "督促加快重大项目开工前期工作，按期报送进展", 2, 0, "overdue"),
    ("p03", None, "2026-06-10", "2026-09-30", "协调解决科创平台建设用房问题", 1, None, "closed"),
    ("p07", None, "2026-07-20", "2026-10-15", "加快土地综合整治项目复垦验收", None, 0, "returned"),
    ("p06", None, "2026-10-20", "2026-12-15", "推进城镇污水管网改造，按月反馈", None, 1, "open"),
]
PRACTICES = [
    (
        "p02",
        "2025-11-20",
        "2025-Q4",
        "“链长制”精准招商",
        "围绕特色产业链，县领导挂帅、部门包链，建立招商项目全流程跟踪机制。",
    ),
    (
        "p06",
        "2026-04-18",
        "2026-Q2",
        "“共富工坊”带动村集体增收",
        "依托闲置村级用房建设共富工坊，吸纳农村劳动力就近就业。",
    ),
    (
        "p08",
        "2026-08-26",
        "2026-Q3",
        "文旅融合“一码游”",
        "整合全县景区票务和民宿资源，游客扫码即可预订和导览。",
    ),
]


def mechanism_banner(kind: str) -> list[str]:
    return [schema_line(kind, 1), BANNER]


def write_mechanism(out: Path, projects: list[dict[str, Any]], rng: random.Random) -> None:
    """SYNTHETIC assessments, supervision items and good practices (the rest of the 工作机制)."""
    by_id = {p["id"]: p for p in projects}
    boards = {"2026-Q2": dt.date(2026, 7, 10), "2026-Q3": dt.date(2026, 10, 10)}
    (out / "assessments").mkdir(parents=True, exist_ok=True)
    for pid in sorted(by_id):
        quarters = [q for q in sorted(JUDGED) if pid in JUDGED[q]]
        if not quarters:
            continue
        lines = [*mechanism_banner("assessments"), f"project: {pid}", "assessments:"]
        for q in quarters:
            rating = JUDGED[q][pid]
            progress, risks, steps = NARRATIVE[rating]
            written = boards[q] - dt.timedelta(days=rng.randint(0, 9))  # by the board day
            lines += [
                f"  - quarter: {q}",
                f"    written_on: {written.isoformat()}",
                f"    written_by: {by_id[pid]['lead_unit']}",
                f"    rating: {rating}",
                f"    progress: {progress}",
                f"    risks: {risks}",
                f"    next_steps: {steps}",
            ]
        (out / "assessments" / f"{pid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "supervision").mkdir(parents=True, exist_ok=True)
    for pid in sorted({s[0] for s in SUPERVISION}):
        lines = [*mechanism_banner("supervision"), f"project: {pid}", "items:"]
        for n, (_, unit, issued, due, requirement, problem, task, fate) in enumerate(
            (s for s in SUPERVISION if s[0] == pid), 1
        ):
            issued_on = dt.date.fromisoformat(issued)
            lines += [
                f"  - id: {pid}-s{n:03d}",
                f"    unit: {unit or by_id[pid]['lead_unit']}",
                f"    issued_on: {issued}",
                f"    due: {due}",
                f"    requirement: {requirement}",
            ]
            if problem is not None:
                lines.append(f"    problem: {pid}-{problem:03d}")
            if task is not None:
                lines.append(f"    task: {by_id[pid]['tasks'][task]['id']}")
            status = {"overdue": "open", "open": "open", "closed": "closed", "returned": "returned"}[fate]
            lines.append(f"    status: {status}")
            if fate != "open":
                answered = issued_on + dt.timedelta(days=rng.randint(20, 40))
                lines += [
                    "    feedback:",
                    f"      - on: {answered.isoformat()}",
                    "        text: 已召开专题协调会，明确责任分工和完成时限",
                    "        evidence:",
                    "          - 协调会议纪要",
                ]
            if fate == "returned":
                lines += [
                    "    returns:",
                    f"      - on: {(answered + dt.timedelta(days=7)).isoformat()}",
                    "        reason: 办理情况未见实质进展，请补充佐证材料",
                ]
            if fate == "closed":
                lines += [
                    f"    closed_on: {(answered + dt.timedelta(days=10)).isoformat()}",
                    "    conclusion: 经现场核查，问题已解决，予以办结",
                ]
        (out / "supervision" / f"{pid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "practices").mkdir(parents=True, exist_ok=True)
    for pid in sorted({p[0] for p in PRACTICES}):
        lines = [*mechanism_banner("practices"), f"project: {pid}", "practices:"]
        for _, on, quarter, title, summary in (p for p in PRACTICES if p[0] == pid):
            lines += [
                f"  - title: {title}",
                f"    unit: {by_id[pid]['lead_unit']}",
                f"    on: {on}",
                f"    summary: {summary}",
                "    evidence:",
                "      - 经验材料",
                f"    presented_at: {quarter}",
            ]
        (out / "practices" / f"{pid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


README = """# examples/sample — 合成示例 / synthetic example

**The monthly reports and problems here are SYNTHETIC: invented figures, not Yunhe County's.**
They are generated by `python examples/generate_sample.py` with a fixed seed, to show what yunhe
prints on a repository in use. The plan files (`plan.yaml`, `units.yaml`, `people.yaml`,
`projects/`) are copies of `data/`.

    yunhe status --data examples/sample --as-of 2026-11-15
"""


def generate(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = random.Random(SEED)
    projects = copy_plan(out)
    for project in projects:
        write_reports(out, project, rng)
        write_problems(out, project, rng)
    (out / "README.md").write_text(README, encoding="utf-8")
    write_mechanism(out, projects, random.Random(MECHANISM_SEED))


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "examples" / "sample")
