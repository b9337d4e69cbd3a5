"""`yunhe report new`: next month's draft report of a project, ready to fill in.

The draft lists every indicator (its unit, target, basis and last figure) and every open task; a
form (`yunhe form`) shows the same draft in its input cells and `yunhe import` applies a filled
form to it. Written through `session.create`: checked first, atomic and locked.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from yunhe_cli.core import model as m
from yunhe_cli.core.index import Index
from yunhe_cli.core.kinds import kind_of
from yunhe_cli.core.periods import period_of, period_start
from yunhe_cli.core.problems import Problem
from yunhe_cli.core.repository import Repository
from yunhe_cli.edits.roundtrip import schema_comment
from yunhe_cli.edits.session import checked_repo, create, project_of
from yunhe_cli.reports.rollup import readings, visible_reports
from yunhe_cli.store.write import LOCK_TIMEOUT_S, repo_lock


def default_period(as_of: dt.date) -> str:
    """The month a report is written for: the one before `as_of`'s month."""
    return period_of(as_of.year * 12 + as_of.month - 2)


def new_report_text(repo: Repository, project: m.Project, period: str, as_of: dt.date) -> str:
    """A report ready to fill in: every indicator (unit, target, basis, last figure) and every open task."""
    index = Index.build(repo)
    before = period_start(period) - dt.timedelta(days=1)
    earlier = [r for r in visible_reports(repo, project.id, max(as_of, before)) if r.period < period]
    rel = f"indicators/{project.id}/{period}.yaml"
    lead = index.unit(project.lead_unit)
    lines = [
        schema_comment(rel, "report"),
        f"# {project.name} {period} 月报 (monthly report). 填写本月公布数；不填的指标视为本月未报。",
        "# Fill in each figure as published; an indicator left empty counts as not reported this month.",
        f"project: {project.id}",
        f"period: {period}",
        "submitted_on:  # YYYY-MM-DD",
        f"submitted_by: {lead.name if lead else project.lead_unit}",
        "values:" if project.indicators else "values: []",
    ]
    for ind in project.indicators:
        series = readings(earlier, ind.id)
        last = next(
            (
                r
                for r in reversed(series)
                if r.value is not None or r.level is not None or r.achieved is not None
            ),
            None,
        )
        kind = kind_of(ind)
        about = kind.draft_about(ind)
        previous = "上月 last: —"
        if last is not None:
            shown = (
                last.value
                if last.value is not None
                else last.level
                if last.level is not None
                else last.achieved
            )
            previous = f"上月 last: {_plain(shown)} ({last.period})"
        lines.append(f"  # {ind.name} | {about} | {previous}")
        lines.append(f"  - indicator: {ind.id}")
        lines.append(f"    {kind.draft_field(ind, last)}")
    open_tasks = []
    for task in project.tasks:
        latest: m.TaskUpdate | None = None
        for report in earlier:
            for update in report.tasks:
                if update.task == task.id:
                    latest = update
        if latest is None or latest.status != "done":
            open_tasks.append((task, latest))
    lines.append("tasks:" if open_tasks else "tasks: []")
    for task, latest in open_tasks:
        lines.append(f"  # {task.title} | 完成时限 due {task.due}")
        lines.append(f"  - task: {task.id}")
        lines.append(f"    status: {latest.status if latest else 'not_started'}")
        if latest is not None and latest.percent is not None:
            lines.append(f"    percent: {latest.percent}")
    lines.append("notes:")
    return "\n".join(lines) + "\n"


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def write_new_report(
    root: Path,
    project_ref: str,
    period: str,
    as_of: dt.date,
    lock_timeout: float = LOCK_TIMEOUT_S,
    notices: list[Problem] | None = None,
) -> Path:
    with repo_lock(root, lock_timeout):
        checked = checked_repo(root, as_of, notices)
        repo = checked.repo
        project = project_of(repo, project_ref)
        rel = f"indicators/{project.id}/{period}.yaml"
        create(root, rel, new_report_text(repo, project, period, as_of), as_of, checked)
    return root / rel
