"""年总结 (the annual summary): each indicator's year against its target, tasks done, problems
raised and closed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from yunhe_cli.core import model as m
from yunhe_cli.core.kinds import kind_of
from yunhe_cli.core.periods import period_start, report_due
from yunhe_cli.core.readings import Note, holds, note, tolerance_of
from yunhe_cli.core.repository import Repository
from yunhe_cli.reports.meetings import ProblemEvent, due_day
from yunhe_cli.reports.rollup import IndicatorProgress, context, readings, roll_up, visible_reports


@dataclass(frozen=True, slots=True)
class AnnualLine:
    project: str
    number: int
    indicator: str
    name: str
    name_en: str | None
    kind: str
    unit: str | None
    comparator: str | None
    year_target: Decimal | None  # the year's target (annual target, or the path's share of the year)
    year_actual: Decimal | None  # the year's figure (the year's flow, the level or rate at year end)
    actual_period: str | None  # the month the year's figure comes from
    met: bool | None  # None: unknown (the year is not complete, or nothing to compare)
    next_target: Decimal | None
    achieved_on: dt.date | None
    complete: bool = False  # December is in: the year's figure is final
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class TaskDone:
    project: str
    number: int
    task: str
    title: str
    title_en: str | None
    done_on: dt.date | None


@dataclass(frozen=True, slots=True)
class Annual:
    year: int
    as_of: dt.date
    lines: tuple[AnnualLine, ...]
    tasks_done: tuple[TaskDone, ...]
    problems_raised: int
    problems_closed: int
    problem_events: tuple[ProblemEvent, ...]


def _milestone_line(
    project: m.Project, ind: m.Indicator, progress: IndicatorProgress, year: int, period: str | None
) -> AnnualLine:
    """A milestone counts in the year it was reached: met that year, not counted in later years,
    and not met in its due year or after if it was not reached by the end of it."""
    achieved = progress.status == "achieved"
    reached_year = None
    if achieved:
        reached_year = (
            progress.achieved_on.year if progress.achieved_on else int((progress.latest_period or "0")[:4])
        )
    verdict: bool | None
    notes: tuple[Note, ...] = ()
    if reached_year is not None and reached_year <= year:
        verdict = True if reached_year == year else None
        if reached_year < year:
            notes = (note("reached_earlier", year=reached_year),)
    else:
        verdict = False if ind.target.by.year <= year else None
    return AnnualLine(
        project.id,
        project.number,
        ind.id,
        ind.name,
        ind.name_en,
        ind.kind,
        None,
        None,
        None,
        None,
        period,
        verdict,
        None,
        progress.achieved_on if reached_year is not None and reached_year <= year else None,
        True,
        notes,
    )


def annual(repo: Repository, year: int, as_of: dt.date | None = None) -> Annual:
    """年总结: each indicator's year against its target, tasks done, problems raised and closed.

    The year's figure is final only with December in; before that `met` is unknown and the line
    says which month it has. Targets and results come from each indicator's kind (kinds.py), so
    the annual summary and the status apply one rule."""
    when = as_of or report_due(f"{year:04d}-12", due_day(repo))
    ctx = context(repo)
    status = roll_up(repo, when)
    numbers = {p.id: p.number for p in status.projects}
    lines = []
    for loaded in sorted(repo.projects, key=lambda p: p.model.number):
        project = loaded.model
        reports = visible_reports(repo, project.id, when)
        progress = {i.indicator: i for p in status.projects if p.id == project.id for i in p.indicators}
        for ind in project.indicators:
            kind = kind_of(ind)
            series = readings(reports, ind.id)
            if kind.qualitative:
                # the month it was last reported in the year summarised, never one of a later year
                in_year = [r.period for r in series if r.period.startswith(f"{year:04d}-")]
                lines.append(
                    _milestone_line(project, ind, progress[ind.id], year, max(in_year, default=None))
                )
                continue
            target = kind.year_target(ind, year, ctx)
            result = kind.year_result(ind, series, year, ctx)
            notes = list(result.notes)
            met = None
            if result.value is not None and target is not None and ind.comparator is not None:
                if result.complete:
                    met = holds(ind, result.value, target, tolerance_of(ind, ctx.thresholds, target))
                else:
                    notes.append(note("year_incomplete", period=result.period or ""))
            lines.append(
                AnnualLine(
                    project.id,
                    project.number,
                    ind.id,
                    ind.name,
                    ind.name_en,
                    ind.kind,
                    ind.unit,
                    ind.comparator,
                    target,
                    result.value,
                    result.period,
                    met,
                    kind.year_target(ind, year + 1, ctx),
                    None,
                    result.complete,
                    tuple(notes),
                )
            )
    done: list[TaskDone] = []
    for loaded in sorted(repo.projects, key=lambda p: p.model.number):
        project = loaded.model
        first_done: dict[str, tuple[str, dt.date | None]] = {}
        for report in visible_reports(repo, project.id, when):
            for update in report.tasks:
                if update.status == "done" and update.task not in first_done:
                    first_done[update.task] = (report.period, update.done_on)
        tasks = {t.id: t for t in project.tasks}
        for task_id, (period, done_on) in first_done.items():
            when_done = done_on or period_start(period)
            if when_done.year == year and task_id in tasks:
                task = tasks[task_id]
                done.append(TaskDone(project.id, project.number, task_id, task.title, task.title_en, done_on))
    events: list[ProblemEvent] = []
    for lst in repo.problem_lists:
        number = numbers.get(lst.model.project, 0)
        for q in lst.model.problems:
            if q.raised_on.year == year and q.raised_on <= when:
                events.append(
                    ProblemEvent(lst.model.project, number, q.id, q.title, q.owner, "raised", q.raised_on)
                )
            if (
                q.status == "closed"
                and q.closed_on is not None
                and q.closed_on.year == year
                and q.closed_on <= when
            ):
                events.append(
                    ProblemEvent(lst.model.project, number, q.id, q.title, q.owner, "closed", q.closed_on)
                )
    events.sort(key=lambda e: (e.on, e.number, e.id, e.event))
    return Annual(
        year,
        when,
        tuple(lines),
        tuple(done),
        sum(e.event == "raised" for e in events),
        sum(e.event == "closed" for e in events),
        tuple(events),
    )
