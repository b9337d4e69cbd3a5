"""From roll-up results to what is shown: tables (for every text format) and JSON documents.

A `TableView` is a pure value: a title, labelled columns and rows of cells, each cell a
text and an optional status (for colour). `render.py` turns it into a rich table, plain
text, Markdown or CSV. JSON is built here from the roll-up itself, with stable English keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from yunhe_cli.core.kinds import kind_named
from yunhe_cli.core.model import UNITS
from yunhe_cli.core.numbers import to_json
from yunhe_cli.outputs.labels import MARKERS, Lang, note_text, t
from yunhe_cli.outputs.order_views import status_order_line
from yunhe_cli.outputs.priorities import INDICATOR_DROP, PROBLEM_DROP, STATUS_DROP, TASK_DROP, project_names
from yunhe_cli.reports.rollup import (
    IndicatorProgress,
    ProblemProgress,
    ProjectStatus,
    StatusReport,
    TaskProgress,
)

JSON_VERSION = 1


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    style: str | None = None  # a status name: achieved, on_track, at_risk, off_track, no_data
    numeric: bool = False
    short: str | None = None  # a shorter text for narrow tables (a project's shorthand)
    # The value itself, for a workbook that stores numbers as numbers and dates as dates.
    value: Decimal | int | dt.date | None = None
    percent: bool = False  # `value` is a share shown as a percentage


@dataclass(frozen=True, slots=True)
class TableView:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    footer: tuple[Cell, ...] | None = None
    keys: tuple[str, ...] = field(default=())  # column keys, for CSV headers that programs read
    legend: str | None = None  # printed under the table in the text formats
    # Keys of the columns whose text may wrap in a narrow table; every other column (numbers,
    # dates, ratios, markers) keeps its cells on one line. Empty: every column may wrap.
    wrap: frozenset[str] = frozenset()
    lead: str | None = None  # one sentence printed before the table's title (render_document)
    # Keys of the columns a terminal table leaves out, in this order, when it cannot fit otherwise.
    drop: tuple[str, ...] = ()
    names: frozenset[str] = frozenset()  # names in the cells' text that a line never splits


def status_legend(lang: Lang) -> str:
    marks = "  ".join(f"{MARKERS[s]} {t('status.' + s, lang)}" for s in MARKERS)
    return f"{t('legend', lang)} {marks}"


def fmt_number(value: Decimal | None, digits: int = 2) -> str:
    if value is None:
        return ""
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def fmt_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def status_cell(status: str, lang: Lang, side: str | None = None) -> Cell:
    """The status marker and word; a ~ (左右) figure off its target names the side (偏高/偏低)
    rather than calling an overshoot 滞后."""
    word = (
        t(f"side.{side}", lang)
        if side and status in ("at_risk", "off_track")
        else t("status." + status, lang)
    )
    return Cell(f"{MARKERS[status]} {word}", status)


# How the plan writes a comparator: 350亿元以上, 超过450亿元, 10%以内, 50个左右.
ZH_TARGET = {">=": "{n}{u}以上", ">": "超过{n}{u}", "<=": "{n}{u}以内", "~": "{n}{u}左右"}
EN_SIGN = {">=": "≥", ">": ">", "<=": "≤", "~": "≈"}


def target_text(i: IndicatorProgress, lang: Lang) -> str:
    """A target as the plan writes it (350亿元以上), or in English with a sign (≥ 350 (100 million yuan))."""
    if kind_named(i.kind).qualitative:
        return t("target.by", lang, date=fmt_date(i.target_by))
    number = fmt_number(i.target, 4)
    comparator = i.comparator or ">="
    if lang is Lang.zh:
        return ZH_TARGET[comparator].format(n=number, u=i.unit or "")
    sign = EN_SIGN[comparator]
    if i.unit in (None, "%"):
        return f"{sign} {number}{i.unit or ''}"
    return f"{sign} {number} ({unit_text(i.unit, lang)})"


def unit_text(unit: str | None, lang: Lang) -> str:
    if unit is None:
        return ""
    return unit if lang is Lang.zh or unit == "%" else UNITS.get(unit, unit)


def _missing_text(p: ProjectStatus, lang: Lang) -> str:
    """The missing months as months (缺 2024-02、2024-05); the run that goes on to the latest month
    due as where it began (2026-09 起). Past four months listed, the first three, the last and the
    count."""
    missing = p.reporting.missing
    if not missing:
        return "0"
    run_from = p.reporting.missing_from
    parts = [x for x in missing if run_from is None or x < run_from]
    if run_from is not None:
        parts.append(t("missing.from", lang, first=run_from))
    sep = "、" if lang == "zh" else ", "
    if len(parts) <= 4:
        return t("missing.list", lang, months=sep.join(parts))
    shown = sep.join(parts[:3]) + "…" + parts[-1]
    return t("missing.more", lang, months=shown, count=len(missing))


# --------------------------------------------------------------------------- status


STATUS_KEYS = (
    "number",
    "project",
    "convener",
    "lead_unit",
    "achieved",
    "on_track",
    "at_risk",
    "off_track",
    "no_data",
    "tasks_overdue",
    "tasks_blocked",
    "problems_open",
    "problems_overdue",
    "last_report",
    "missing",
)


def status_view(report: StatusReport, lang: Lang) -> TableView:
    columns = (
        t("col.number", lang),
        t("col.project", lang),
        t("col.convener", lang),
        t("col.lead_unit", lang),
        *(MARKERS[s] for s in ("achieved", "on_track", "at_risk", "off_track", "no_data")),
        t("col.tasks_overdue", lang),
        t("col.tasks_blocked", lang),
        t("col.problems_open", lang),
        t("col.problems_overdue", lang),
        t("col.last_report", lang),
        t("col.missing", lang),
    )
    english = lang is Lang.en
    rows = []
    for p in report.projects:
        rows.append(
            (
                Cell(str(p.number), numeric=True),
                Cell(project_name(p, lang), short=project_short(p, lang)),
                Cell(p.convener),
                Cell(report.unit_label(p.lead_unit, english)),
                *(
                    Cell(
                        str(p.counts.get(s, 0)),
                        s if p.counts.get(s, 0) and s in ("off_track", "at_risk") else None,
                        numeric=True,
                    )
                    for s in ("achieved", "on_track", "at_risk", "off_track", "no_data")
                ),
                Cell(f"{p.tasks_overdue}/{len(p.tasks)}", "off_track" if p.tasks_overdue else None),
                Cell(str(p.tasks_blocked), "at_risk" if p.tasks_blocked else None, numeric=True),
                Cell(str(p.problems_open), numeric=True),
                Cell(str(p.problems_overdue), "off_track" if p.problems_overdue else None, numeric=True),
                Cell(p.reporting.last_period or "—"),
                Cell(
                    _missing_text(p, lang),
                    "at_risk" if p.reporting.missing else None,
                    short=str(len(p.reporting.missing)),
                ),
            )
        )
    totals = _totals(report)
    footer = (
        Cell(""),
        Cell(t("total", lang)),
        Cell(""),
        Cell(""),
        *(
            Cell(str(totals["indicators"][s]), numeric=True)
            for s in ("achieved", "on_track", "at_risk", "off_track", "no_data")
        ),
        Cell(f"{totals['tasks']['overdue']}/{totals['tasks']['total']}"),
        Cell(str(totals["tasks"]["blocked"]), numeric=True),
        Cell(str(totals["problems"]["open"]), numeric=True),
        Cell(str(totals["problems"]["overdue"]), numeric=True),
        Cell(""),
        Cell(str(totals["missing_reports"]), numeric=True),
    )
    title = f"{t('title.status', lang)}  {t('as_of', lang)} {report.as_of.isoformat()}"
    return TableView(
        title,
        columns,
        tuple(rows),
        footer,
        STATUS_KEYS,
        f"{status_legend(lang)}\n{status_order_line(report, lang)}",
        frozenset({"project", "convener", "lead_unit"}),
        drop=STATUS_DROP,
    )


def project_name(p: ProjectStatus, lang: Lang) -> str:
    return p.name if lang is Lang.zh or not p.name_en else p.name_en


def project_short(p: ProjectStatus, lang: Lang) -> str | None:
    return p.short_name if lang is Lang.zh or not p.short_name_en else p.short_name_en


def _totals(report: StatusReport) -> dict[str, Any]:
    statuses = ("achieved", "on_track", "at_risk", "off_track", "no_data")
    return {
        "indicators": {s: sum(p.counts.get(s, 0) for p in report.projects) for s in statuses},
        "tasks": {
            "total": sum(len(p.tasks) for p in report.projects),
            "overdue": sum(p.tasks_overdue for p in report.projects),
            "blocked": sum(p.tasks_blocked for p in report.projects),
        },
        "problems": {
            "open": sum(p.problems_open for p in report.projects),
            "overdue": sum(p.problems_overdue for p in report.projects),
        },
        "missing_reports": sum(len(p.reporting.missing) for p in report.projects),
    }


def status_json(report: StatusReport) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "as_of": report.as_of.isoformat(),
        "projects": [
            {
                "id": p.id,
                "number": p.number,
                "name": p.name,
                "name_en": p.name_en,
                "short_name": p.short_name,
                "short_name_en": p.short_name_en,
                "convener": p.convener,
                "lead_unit": p.lead_unit,
                "lead_unit_en": report.units_en.get(p.lead_unit),
                "indicators": dict(p.counts),
                "tasks": {"total": len(p.tasks), "overdue": p.tasks_overdue, "blocked": p.tasks_blocked},
                "problems": {"open": p.problems_open, "overdue": p.problems_overdue},
                "reporting": {
                    "last_period": p.reporting.last_period,
                    "missing": list(p.reporting.missing),
                    "missing_from": p.reporting.missing_from,
                    "late": list(p.reporting.late),
                },
            }
            for p in report.projects
        ],
        "totals": _totals(report),
    }


# --------------------------------------------------------------------------- 主要指标进度表


INDICATOR_KEYS = (
    "project",
    "indicator",
    "owner",
    "target",
    "latest_period",
    "published",
    "actual",
    "expected",
    "completion",
    "gap",
    "pace_needed",
    "projection",
    "status",
    "notes",
)


def indicators_view(report: StatusReport, rows: Sequence[IndicatorProgress], lang: Lang) -> TableView:
    projects = {p.id: p for p in report.projects}
    columns = tuple(t(f"col.{k}", lang) for k in INDICATOR_KEYS)
    out = []
    for i in rows:
        name = i.name if lang is Lang.zh or not i.name_en else i.name_en
        project = projects.get(i.project)
        out.append(
            (
                Cell(f"{project.number}" if project else i.project, numeric=True),
                Cell(name),
                Cell(report.unit_label(i.owner, lang is Lang.en)),
                Cell(target_text(i, lang)),
                Cell(i.latest_period or ""),
                Cell(
                    fmt_number(i.latest_value)
                    if not kind_named(i.kind).qualitative
                    else (fmt_date(i.achieved_on) if i.status == "achieved" else ""),
                    value=i.latest_value
                    if not kind_named(i.kind).qualitative
                    else (i.achieved_on if i.status == "achieved" else None),
                ),
                Cell(fmt_number(i.actual), numeric=True, value=i.actual),
                Cell(fmt_number(i.expected), numeric=True, value=i.expected),
                Cell(fmt_percent(i.completion), numeric=True, value=i.completion, percent=True),
                Cell(fmt_number(i.gap), numeric=True, value=i.gap),
                Cell(fmt_number(i.pace_needed), numeric=True, value=i.pace_needed),
                Cell(fmt_number(i.projection), numeric=True, value=i.projection),
                status_cell(i.status, lang, i.side),
                Cell(
                    "；".join(note_text(n, lang) for n in i.notes)
                    if lang is Lang.zh
                    else "; ".join(note_text(n, lang) for n in i.notes)
                ),
            )
        )
    title = f"{t('title.indicators', lang)}  {t('as_of', lang)} {report.as_of.isoformat()}"
    return TableView(
        title,
        columns,
        tuple(out),
        None,
        INDICATOR_KEYS,
        None,
        frozenset({"indicator", "owner", "notes"}),
        drop=INDICATOR_DROP,
        names=project_names(report),
    )


def indicators_json(report: StatusReport, rows: Sequence[IndicatorProgress]) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "as_of": report.as_of.isoformat(),
        "indicators": [
            {
                "project": i.project,
                "id": i.indicator,
                "name": i.name,
                "name_en": i.name_en,
                "kind": i.kind,
                "unit": i.unit,
                "comparator": i.comparator,
                "target": i.target,
                "target_by": fmt_date(i.target_by),
                "owner": i.owner,
                "latest_period": i.latest_period,
                "latest_value": i.latest_value,
                "actual": _round(i.actual),
                "expected": _round(i.expected),
                "completion": _round(i.completion, 4),
                "gap": _round(i.gap),
                "pace_needed": _round(i.pace_needed),
                "projection": _round(i.projection),
                "status": i.status,
                "score": _round(i.score),
                "path_rule": i.path_rule,
                "side": i.side,
                "achieved_on": fmt_date(i.achieved_on) or None,
                "notes": [{"key": n.key, **dict(n.params)} for n in i.notes],
            }
            for i in rows
        ],
    }


def _round(value: Decimal | None, digits: int = 4) -> float | int | None:
    return to_json(value, digits)


# --------------------------------------------------------------------------- 重点任务进度表


TASK_KEYS = (
    "project",
    "task",
    "owner",
    "due",
    "next_deadline",
    "status",
    "percent",
    "last_update",
    "overdue_days",
    "task_note",
)


def task_state_cell(task: TaskProgress, lang: Lang) -> Cell:
    text = t(f"task.{task.state}", lang)
    if task.overdue:
        return Cell(f"!! {text}·{t('task.overdue', lang)}", "off_track")
    if task.state == "done":
        return Cell(f"++ {text}", "achieved")
    if task.state == "blocked":
        return Cell(f"! {text}", "at_risk")
    return Cell(f"{'?' if task.state == 'not_reported' else '+'} {text}", None)


def tasks_view(report: StatusReport, rows: Sequence[TaskProgress], lang: Lang) -> TableView:
    projects = {p.id: p for p in report.projects}
    columns = tuple(t(f"col.{k}", lang) for k in TASK_KEYS)
    out = []
    for task in rows:
        project = projects.get(task.project)
        out.append(
            (
                Cell(f"{project.number}" if project else task.project, numeric=True),
                Cell(task.title if lang is Lang.zh or not task.title_en else task.title_en),
                Cell(report.unit_label(task.owner, lang is Lang.en)),
                Cell(fmt_date(task.due), value=task.due),
                Cell(fmt_date(task.next_deadline), value=task.next_deadline),
                task_state_cell(task, lang),
                Cell(
                    "" if task.percent is None else f"{task.percent}%",
                    numeric=True,
                    value=None if task.percent is None else Decimal(task.percent) / 100,
                    percent=True,
                ),
                Cell(task.last_update or ""),
                Cell(
                    str(task.days_overdue) if task.overdue else "",
                    "off_track" if task.overdue else None,
                    numeric=True,
                ),
                # Why a task is stuck: the note of its latest update (受阻原因 when blocked).
                Cell(task.note or "", "at_risk" if task.state == "blocked" else None),
            )
        )
    title = f"{t('title.tasks', lang)}  {t('as_of', lang)} {report.as_of.isoformat()}"
    return TableView(
        title,
        columns,
        tuple(out),
        None,
        TASK_KEYS,
        None,
        frozenset({"task", "owner", "task_note"}),
        drop=TASK_DROP,
    )


def tasks_json(report: StatusReport, rows: Sequence[TaskProgress]) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "as_of": report.as_of.isoformat(),
        "tasks": [
            {
                "project": x.project,
                "id": x.task,
                "title": x.title,
                "owner": x.owner,
                "start": fmt_date(x.start) or None,
                "due": fmt_date(x.due),
                "next_deadline": fmt_date(x.next_deadline) or None,
                "status": x.state,
                "percent": x.percent,
                "done_on": fmt_date(x.done_on) or None,
                "last_update": x.last_update,
                "overdue": x.overdue,
                "days_overdue": x.days_overdue,
                "note": x.note,
            }
            for x in rows
        ],
    }


# --------------------------------------------------------------------------- 问题销号进度表


PROBLEM_KEYS = (
    "project",
    "id",
    "problem",
    "owner",
    "source",
    "raised_on",
    "due",
    "status",
    "closed_on",
    "age_days",
    "overdue_days",
    "resolution",
)


def problem_state_cell(q: ProblemProgress, lang: Lang) -> Cell:
    if q.closed:
        return Cell(f"++ {t('problem.closed', lang)}", "achieved")
    if q.overdue:
        return Cell(f"!! {t('problem.overdue', lang)}", "off_track")
    return Cell(f"! {t('problem.open', lang)}", "at_risk")


def problems_view(report: StatusReport, rows: Sequence[ProblemProgress], lang: Lang) -> TableView:
    projects = {p.id: p for p in report.projects}
    columns = tuple(t("col.problem_due" if k == "due" else f"col.{k}", lang) for k in PROBLEM_KEYS)
    out: list[tuple[Cell, ...]] = []
    for q in rows:
        project = projects.get(q.project)
        out.append(
            (
                Cell(f"{project.number}" if project else q.project, numeric=True),
                Cell(q.id),
                Cell(q.title),
                Cell(report.unit_label(q.owner, lang is Lang.en)),
                Cell(t(f"source.{q.source}", lang) if q.source else ""),
                Cell(fmt_date(q.raised_on), value=q.raised_on),
                Cell(fmt_date(q.due), value=q.due),
                problem_state_cell(q, lang),
                Cell(fmt_date(q.closed_on), value=q.closed_on),
                Cell(str(q.age_days), numeric=True, value=q.age_days),
                Cell(
                    str(q.days_overdue) if q.overdue else "", "off_track" if q.overdue else None, numeric=True
                ),
                Cell(q.resolution or ""),
            )
        )
    title = f"{t('title.issues', lang)}  {t('as_of', lang)} {report.as_of.isoformat()}"
    keys: tuple[str, ...] = PROBLEM_KEYS
    if any(q.reopened for q in rows):  # how often, and the last time: only when a problem was reopened
        keys = (*keys, "reopened", "last_reopened")
        columns = (*columns, t("col.reopened", lang), t("col.last_reopened", lang))
        out = [(*row, *_reopened_cells(q, lang)) for row, q in zip(out, rows, strict=True)]
    wrap = frozenset({"problem", "owner", "resolution", "last_reopened"})
    return TableView(title, columns, tuple(out), None, keys, None, wrap, drop=PROBLEM_DROP)


def _reopened_cells(q: ProblemProgress, lang: Lang) -> tuple[Cell, Cell]:
    if not q.reopened:
        return Cell("", numeric=True), Cell("")
    on, by, reason = q.reopened[-1]
    said = t("reopened.last", lang, on=fmt_date(on), by=by or "?", reason=reason)
    return Cell(str(len(q.reopened)), numeric=True, value=len(q.reopened)), Cell(said)


def problems_json(report: StatusReport, rows: Sequence[ProblemProgress]) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "as_of": report.as_of.isoformat(),
        "problems": [
            {
                "project": q.project,
                "id": q.id,
                "title": q.title,
                "owner": q.owner,
                "source": q.source,
                "raised_on": fmt_date(q.raised_on),
                "due": fmt_date(q.due),
                "status": "closed" if q.closed else "open",
                "closed_on": fmt_date(q.closed_on) or None,
                "resolution": q.resolution,
                "evidence": list(q.evidence),
                "overdue": q.overdue,
                "age_days": q.age_days,
                "days_overdue": q.days_overdue,
                "reopened": [
                    {"on": fmt_date(on), "by": by, "reason": reason} for on, by, reason in q.reopened
                ],
            }
            for q in rows
        ],
    }
