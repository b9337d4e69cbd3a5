"""Who keeps which file, from the plan's own ownership data, and what the rules become for a host.

The rules (`Rules`), as the plan assigns the work:

- `indicators/<project>/` (the monthly reports) and `issues/<project>.yaml` (the problem list) are
  the project's lead unit's (牵头单位);
- everything else in the data folder (`plan.yaml`, `projects/`, `units.yaml`, `people.yaml`,
  `members.yaml`) is the office's (总专班, plan.yaml's `office_unit`);
- the office may change anything; a problem's own unit (its `owner`) may cross off or reopen that
  problem in the lead unit's list, and change nothing else there;
- `assessments/<project>.yaml` (形势研判) and `practices/<project>.yaml` (经验推广) are the lead
  unit's; `supervision/<project>.yaml` (督查督办) is the supervision office's (plan.yaml's
  `supervision_unit`, 县政府督查室), who issues, closes and sends back items; the unit an item is
  issued to adds its feedback there and changes nothing else (`mechanism_owners.py`).

`render_codeowners` writes the rules as a CODEOWNERS file (the syntax GitHub, GitLab and Gitea
share); `render_protection` says which branch settings make the host enforce them (`yunhe init`
puts both into a new repository). Every commit judged by them is `owners.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yunhe_cli.checks.members import Roster, roster, unit_lookup
from yunhe_cli.core import model as m
from yunhe_cli.core.problems import Problem
from yunhe_cli.core.repository import Repository, SourceFile
from yunhe_cli.store.git import GitError
from yunhe_cli.store.layout import PROJECT_LISTS, classify
from yunhe_cli.store.loader import load_file
from yunhe_cli.store.yamlio import decode

# The files the rules are read from (relative to the data folder).
RULE_FILES = ("plan.yaml", "units.yaml", "members.yaml")


# --------------------------------------------------------------------------- the rules


@dataclass(frozen=True)
class Rules:
    office: str | None  # unit id of the 总专班 office
    leads: dict[str, str]  # project id -> lead unit id
    names: dict[str, str]  # unit id -> name as the plan writes it
    lookup: dict[str, m.UnitEntry]  # id, name or alias -> unit
    people: Roster
    titles: dict[str, str] = field(default_factory=dict)  # project id -> name
    numbers: dict[str, int] = field(default_factory=dict)
    supervisor: str | None = None  # unit id of the supervision office (县政府督查室)

    def owner(self, rel: str) -> str | None:
        """The unit that keeps the file at `rel` besides the office (None: the office alone)."""
        parts = rel.split("/")
        kind = classify(rel)
        if kind == "report" or (parts[0] == "indicators" and len(parts) > 2):
            return self.leads.get(parts[1])
        if kind in ("problems", "assessments", "practices"):
            return self.leads.get(parts[1].removesuffix(".yaml"))
        if kind == "supervision":
            return self.supervisor
        return None

    def project_of(self, rel: str) -> str | None:
        parts = rel.split("/")
        if parts[0] == "indicators" and len(parts) > 2:
            return parts[1]
        if parts[0] in PROJECT_LISTS and len(parts) == 2:
            return parts[1].removesuffix(".yaml")
        return None

    def name(self, unit: str | None) -> str:
        return self.names.get(unit, unit) if unit else "?"

    def unit_id(self, ref: str | None) -> str | None:
        found = self.lookup.get(ref) if ref else None
        return found.id if found else None


def rules_from(
    plan: m.Plan | None,
    units: m.UnitRegistry | None,
    projects: Iterable[m.Project],
    members: m.Members | None,
) -> Rules:
    lookup = unit_lookup(units)
    office = lookup.get(plan.office_unit) if plan else None
    supervisor = lookup.get(plan.supervision_unit) if plan and plan.supervision_unit else None
    leads: dict[str, str] = {}
    titles: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for p in projects:
        lead = lookup.get(p.lead_unit)
        if lead is not None:
            leads[p.id] = lead.id
        titles[p.id] = p.name
        numbers[p.id] = p.number
    return Rules(
        office.id if office else None,
        leads,
        {u.id: u.name for u in lookup.values()},
        lookup,
        roster(members, lookup),
        titles,
        numbers,
        supervisor.id if supervisor else None,
    )


def rules_of(repo: Repository) -> Rules:
    return rules_from(
        repo.plan.model if repo.plan else None,
        repo.units.model if repo.units else None,
        [p.model for p in repo.projects],
        repo.members.model if repo.members else None,
    )


def rules_from_files(files: dict[str, bytes]) -> Rules:
    """The rules as a set of committed rule files state them (what cannot be read is left out)."""
    found: dict[str, Any] = {}
    projects: list[m.Project] = []
    for rel in sorted(files):
        kind = classify(rel)
        text, _ = decode(files[rel], Path(rel))
        if kind is None or text is None:
            continue
        model = load_file(SourceFile(Path(rel), rel, kind), text)[0].model
        if isinstance(model, m.Project):
            projects.append(model)
        elif model is not None:
            found[kind] = model
    return rules_from(found.get("plan"), found.get("units"), projects, found.get("members"))


def is_rule_file(rel: str) -> bool:
    return rel in RULE_FILES or (rel.startswith("projects/") and classify(rel) == "project")


# --------------------------------------------------------------------------- CODEOWNERS


class OwnersError(Exception):
    """The data does not say who owns something (a usage error: say --org, or add a team)."""


def unit_owners(rules: Rules, unit: str, org: str | None) -> list[str]:
    """How CODEOWNERS names a unit: its team, else @org/<unit id>, else its people's handles."""
    team = rules.people.teams.get(unit)
    if team:
        return [team]
    org = org or rules.people.org
    if org:
        return [f"@{org}/{unit}"]
    handles = rules.people.handles.get(unit)
    if handles:
        return list(handles)
    raise OwnersError(
        f"members.yaml gives {rules.name(unit)} no team and none of its people a handle; "
        "give it team: @org/team, or name the organisation with --org (teams are then @org/<unit id>)"
    )


def render_codeowners(rules: Rules, prefix: str, org: str | None = None) -> str:
    """The CODEOWNERS file for the data folder at `prefix` (relative to the repository's top)."""
    if rules.office is None:
        raise OwnersError("plan.yaml names no office_unit that units.yaml knows; nobody would own the plan")
    office = unit_owners(rules, rules.office, org)
    base = f"/{prefix}/" if prefix else "/"
    rows: list[tuple[str, list[str]] | str] = [
        f"# 总专班 office ({rules.name(rules.office)}): the plan, the projects, units, people and members",
        ("*", office),
        *((f"{base}{name}", office) for name in ("plan.yaml", "projects/", "units.yaml", "people.yaml")),
        (f"{base}members.yaml", office),
    ]
    for pid in sorted(rules.titles, key=lambda p: (rules.numbers.get(p, 0), p)):
        lead = rules.leads.get(pid)
        if lead is None:
            continue  # validate reports the unknown unit; the office's * covers the files
        owners = unit_owners(rules, lead, org)
        owners += [o for o in office if o not in owners]
        rows.append(f"# {pid} {rules.titles[pid]}: 牵头单位 {rules.name(lead)}")
        rows.append((f"{base}indicators/{pid}/", owners))
        rows.append((f"{base}issues/{pid}.yaml", owners))
    width = max(len(r[0]) for r in rows if isinstance(r, tuple))
    lines = [
        "# CODEOWNERS: who reviews a change to the data. Written by `yunhe owners` from plan.yaml,",
        "# projects/ and members.yaml; do not edit it by hand (CI runs `yunhe owners --check`).",
        "# Each project's lead unit keeps its monthly reports and problem list; the office keeps the",
        "# rest and may change anything. A later line wins over an earlier one.",
    ]
    for row in rows:
        if isinstance(row, str):
            lines += ["", row]
        else:
            lines.append(f"{row[0].ljust(width)}  {' '.join(row[1])}".rstrip())
    lines += _mechanism_rows(rules, base, office, org)
    return "\n".join(lines) + "\n"


def _mechanism_rows(rules: Rules, base: str, office: list[str], org: str | None) -> list[str]:
    """The working mechanism's lists (形势研判, 经验推广, 督查督办), after the projects' own files."""
    rows: list[tuple[str, list[str]]] = []
    for pid in sorted(rules.titles, key=lambda p: (rules.numbers.get(p, 0), p)):
        lead = rules.leads.get(pid)
        if lead is not None:
            owners = unit_owners(rules, lead, org)
            owners += [o for o in office if o not in owners]
            rows += [(f"{base}assessments/{pid}.yaml", owners), (f"{base}practices/{pid}.yaml", owners)]
    lines = ["", "# 形势研判, 经验推广: each project's lead unit writes its assessments and good practices"]
    width = max((len(r[0]) for r in rows), default=0)
    lines += [f"{path.ljust(width)}  {' '.join(owners)}" for path, owners in rows]
    if rules.supervisor is not None:
        owners = unit_owners(rules, rules.supervisor, org)
        owners += [o for o in office if o not in owners]
        lines += [
            "",
            f"# 督查督办 ({rules.name(rules.supervisor)}): the supervision office issues, closes and sends",
            "# back items; the unit an item is issued to adds feedback (validate --base checks each item)",
            f"{base}supervision/  {' '.join(owners)}",
        ]
    return lines


PROTECTION = {
    "en": """\
## Who may change what

`CODEOWNERS` (written by `yunhe owners`) names the team that keeps each file: a project's lead
unit its monthly reports and problem list, the office (总专班, {office}) everything else. yunhe
checks every commit against the same rules (`yunhe validate --base origin/{branch}` in CI), but a
git author is whatever the committer typed: only the host enforces. On the host, protect
`{branch}`:

- require a pull request before merging, with at least one approval;
- require review from Code Owners, and dismiss approvals when new commits are pushed;
- require the status check that runs `yunhe validate --base` and `yunhe owners --check`;
- require signed commits, where wanted (and run `yunhe validate --require-signed`);
- allow no force pushes and no deletion, and apply the rules to administrators too.
""",
    "zh": """\
## 谁可以改什么

`CODEOWNERS`（由 `yunhe owners` 生成）写明每个文件由谁审核：各工程的月度报送和问题销号清单归牵头单位，
其余归总专班（{office}）。yunhe 按同一规则检查每次提交（CI 中运行 `yunhe validate --base origin/{branch}`），
但 git 作者信息由提交者自行填写，真正的约束只能由代码托管平台执行。请在平台上保护 `{branch}` 分支：

- 合并前须经合并请求，至少一人批准；
- 须经 CODEOWNERS 审核，推送新提交后原批准失效；
- 须通过运行 `yunhe validate --base` 和 `yunhe owners --check` 的状态检查；
- 如需要，要求提交签名（并运行 `yunhe validate --require-signed`）；
- 禁止强制推送和删除分支，管理员同样适用。
""",
}


def render_protection(rules: Rules, lang: str = "zh", branch: str = "main") -> str:
    """The branch protection settings to turn on, as a README section (for `yunhe init`)."""
    return PROTECTION[lang].format(office=rules.name(rules.office), branch=branch)


def codeowners_target(root: Path, out: Path | None) -> tuple[Path, str]:
    """Where CODEOWNERS goes (default: the top of the git repository holding the data, else next to
    the data folder) and the data folder's path as CODEOWNERS patterns need it (from the top)."""
    from yunhe_cli.store.git import open_repository

    try:
        git, prefix = open_repository(root)
        top = git.top
    except GitError:
        top = (out.parent if out is not None else root.absolute().parent).absolute()
        try:
            prefix = root.absolute().relative_to(top).as_posix()
        except ValueError:
            raise OwnersError(f"{root} is not inside {top}, where CODEOWNERS patterns start") from None
        prefix = "" if prefix == "." else prefix
    return (out if out is not None else top / "CODEOWNERS"), prefix


def codeowners_drift(path: Path, expected: str) -> list[Problem]:
    """P704 when the CODEOWNERS at `path` is not what the data gives (the first line that differs)."""
    try:
        actual = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return [Problem(path, "P704", "there is no readable CODEOWNERS here; run yunhe owners", (), 1, 1)]
    if actual == expected:
        return []
    have, want = actual.splitlines(), expected.splitlines()
    n = next(
        (i for i, (a, b) in enumerate(zip(have, want, strict=False)) if a != b), min(len(have), len(want))
    )
    should = want[n] if n < len(want) else "(the end of the file)"
    message = f"CODEOWNERS differs from the data here; it should read {should!r}; run yunhe owners"
    return [Problem(path, "P704", message, (), n + 1, 1)]
