"""Tables and JSON for the working mechanism: 月调度, 季分析, 年总结 and an indicator's history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from yunhe_cli.core.kinds import kind_named
from yunhe_cli.core.model import Indicator, Project
from yunhe_cli.core.numbers import to_json
from yunhe_cli.outputs.labels import MARKERS, Lang, t
from yunhe_cli.outputs.order_views import ahead, quarter_order_line
from yunhe_cli.outputs.priorities import QUARTER_INDICATOR_DROP
from yunhe_cli.outputs.views import (
    EN_SIGN,
    JSON_VERSION,
    ZH_TARGET,
    Cell,
    TableView,
    fmt_date,
    fmt_number,
    project_short,
    status_cell,
    target_text,
    unit_text,
)
from yunhe_cli.reports.annual import Annual
from yunhe_cli.reports.dispatch import Dispatch
from yunhe_cli.reports.meetings import HistoryPoint, ProblemEvent
from yunhe_cli.reports.quarterly import Quarter


def _name(zh: str, en: str | None, lang: Lang) -> str:
    return zh if lang is Lang.zh or not en else en


def _cols(lang: Lang, *keys: str) -> tuple[str, ...]:
    return tuple(t(f"col.{k}", lang) for k in keys)


# --------------------------------------------------------------------------- 月调度


REPORT_STYLE = {"on_time": "achieved", "late": "at_risk", "missing": "off_track", "not_due": None}


def dispatch_views(d: Dispatch, lang: Lang) -> list[TableView]:
    english = lang is Lang.en
    names_en = {p.number: p.name_en for p in d.status.projects if p.name_en}
    shorts = {p.number: project_short(p, lang) for p in d.status.projects}

    def unit(name: str) -> str:
        return d.status.unit_label(name, english)

    reports = TableView(
        t("title.dispatch.reports", lang, period=d.period),
        _cols(
            lang, "number", "project", "lead_unit", "convener", "report_state", "submitted_on", "days_late"
        ),
        tuple(
            (
                Cell(str(r.number), numeric=True),
                Cell(names_en.get(r.number, r.name) if english else r.name, short=shorts.get(r.number)),
                Cell(unit(r.lead_unit)),
                Cell(r.convener),
                Cell(t(f"report.{r.state}", lang), REPORT_STYLE[r.state]),
                Cell(fmt_date(r.submitted_on)),
                Cell(str(r.days_late) if r.days_late else "", numeric=True),
            )
            for r in d.reports
        ),
        keys=("number", "project", "lead_unit", "convener", "state", "submitted_on", "days_late"),
    )
    by_owner: dict[str, list[Any]] = defaultdict(list)
    by_convener: dict[str, list[Any]] = defaultdict(list)
    for item in d.overdue:
        by_owner[item.owner].append(item)
        by_convener[item.convener].append(item)
    sep = "；" if lang is Lang.zh else "; "
    owners = TableView(
        t("title.dispatch.by_owner", lang),
        _cols(lang, "owner", "count_tasks", "count_problems", "items"),
        tuple(
            (
                Cell(unit(owner)),
                Cell(str(sum(i.kind == "task" for i in items)), numeric=True),
                Cell(str(sum(i.kind == "problem" for i in items)), numeric=True),
                Cell(
                    sep.join(
                        f"{i.number}/{i.id} {i.title}（{i.days_overdue}）"
                        if lang is Lang.zh
                        else f"{i.number}/{i.id} {i.title_en or i.title} ({i.days_overdue} d)"
                        for i in items
                    )
                ),
            )
            for owner, items in sorted(by_owner.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ),
        keys=("owner", "overdue_tasks", "overdue_problems", "items"),
    )
    conveners = TableView(
        t("title.dispatch.by_convener", lang),
        _cols(lang, "convener", "projects", "count_tasks", "count_problems"),
        tuple(
            (
                Cell(convener),
                Cell(", ".join(sorted({str(i.number) for i in items}, key=int))),
                Cell(str(sum(i.kind == "task" for i in items)), numeric=True),
                Cell(str(sum(i.kind == "problem" for i in items)), numeric=True),
            )
            for convener, items in sorted(by_convener.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ),
        keys=("convener", "projects", "overdue_tasks", "overdue_problems"),
    )
    changes = TableView(
        t("title.dispatch.changes", lang, since=d.since.isoformat(), as_of=d.as_of.isoformat()),
        _cols(lang, "number", "indicator", "before", "after"),
        tuple(
            (
                Cell(str(c.number), numeric=True),
                Cell(_name(c.name, c.name_en, lang)),
                status_cell(c.before, lang),
                status_cell(c.after, lang),
            )
            for c in d.changes
        ),
        keys=("number", "indicator", "before", "after"),
    )
    events = events_view(
        t("title.dispatch.events", lang, since=d.since.isoformat(), as_of=d.as_of.isoformat()),
        d.events,
        lang,
        d.status.units_en,
    )
    return [reports, owners, conveners, changes, events]


def events_view(
    title: str, events: tuple[ProblemEvent, ...], lang: Lang, units_en: Mapping[str, str] | None = None
) -> TableView:
    """Problems raised and crossed off in a period (for the dispatch and the annual summary);
    in English each owner unit by its English name where `units_en` has one."""
    english = {} if lang is Lang.zh else (units_en or {})
    return TableView(
        title,
        _cols(lang, "number", "id", "problem", "owner", "event", "date"),
        tuple(
            (
                Cell(str(e.number), numeric=True),
                Cell(e.id),
                Cell(e.title),
                Cell(english.get(e.owner, e.owner)),
                Cell(t(f"event.{e.event}", lang), "achieved" if e.event == "closed" else "at_risk"),
                Cell(fmt_date(e.on)),
            )
            for e in events
        ),
        keys=("number", "id", "problem", "owner", "event", "date"),
    )


def dispatch_json(d: Dispatch) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "as_of": d.as_of.isoformat(),
        "period": d.period,
        "since": d.since.isoformat(),
        "reports": [
            {
                "project": r.project,
                "lead_unit": r.lead_unit,
                "convener": r.convener,
                "state": r.state,
                "submitted_on": fmt_date(r.submitted_on) or None,
                "days_late": r.days_late,
            }
            for r in d.reports
        ],
        "overdue": [
            {
                "kind": o.kind,
                "project": o.project,
                "id": o.id,
                "title": o.title,
                "owner": o.owner,
                "convener": o.convener,
                "due": fmt_date(o.due),
                "days_overdue": o.days_overdue,
            }
            for o in d.overdue
        ],
        "changes": [
            {"project": c.project, "indicator": c.indicator, "before": c.before, "after": c.after}
            for c in d.changes
        ],
        "problems": [
            {
                "project": e.project,
                "id": e.id,
                "title": e.title,
                "owner": e.owner,
                "event": e.event,
                "on": fmt_date(e.on),
            }
            for e in d.events
        ],
    }


# --------------------------------------------------------------------------- 季分析


RAG_STYLE = {"red": "off_track", "amber": "at_risk", "green": "achieved", "grey": "no_data"}


def movement(rank: int | None, previous: int | None) -> str:
    if rank is None:
        return ""
    if previous is None:
        return "new"
    change = previous - rank
    return f"+{change}" if change > 0 else (str(change) if change < 0 else "=")


def quarter_views(q: Quarter, lang: Lang, units_en: Mapping[str, str] | None = None) -> list[TableView]:
    """The quarter's tables; in English each lead unit by its English name where `units_en` has one."""
    english = {} if lang is Lang.zh else (units_en or {})
    ranked = sum(r.rank is not None for r in q.indicators)
    lead = t("quarter.lead", lang, as_of=q.as_of.isoformat(), ranked=ranked, **q.rag)
    summary = TableView(
        t("title.quarter", lang, year=q.year, quarter=q.quarter),
        _cols(lang, "colour", "count"),
        tuple(
            (Cell(t(f"rag.{c}", lang), RAG_STYLE[c]), Cell(str(q.rag[c]), numeric=True))
            for c in ("red", "amber", "green", "grey")
        ),
        keys=("colour", "count"),
        legend=lead,
    )
    projects = TableView(
        t("title.quarter.projects", lang),
        _cols(
            lang,
            "rank",
            "movement",
            "number",
            "project",
            "convener",
            "lead_unit",
            "score",
            "red",
            "amber",
            "green",
            "grey",
        ),
        tuple(
            (
                Cell(str(p.rank) if p.rank else "—", numeric=True),
                Cell(movement(p.rank, p.previous_rank)),
                Cell(str(p.number), numeric=True),
                Cell(
                    _name(p.name, p.name_en, lang),
                    short=_name(p.short_name or "", p.short_name_en, lang) or None,
                ),
                Cell(p.convener),
                Cell(english.get(p.lead_unit, p.lead_unit)),
                Cell(ahead(p.score), numeric=True),
                Cell(str(p.red), "off_track" if p.red else None, numeric=True),
                Cell(str(p.amber), "at_risk" if p.amber else None, numeric=True),
                Cell(str(p.green), numeric=True),
                Cell(str(p.grey), numeric=True),
            )
            for p in q.projects
        ),
        keys=(
            "rank",
            "movement",
            "number",
            "project",
            "convener",
            "lead_unit",
            "ahead",
            "red",
            "amber",
            "green",
            "grey",
        ),
        legend=quarter_order_line(lang),
    )
    indicators = TableView(
        t("title.quarter.indicators", lang),
        _cols(
            lang,
            "rank",
            "movement",
            "previous_status",
            "number",
            "indicator",
            "target",
            "actual",
            "expected",
            "ahead",
            "status",
        ),
        tuple(
            (
                Cell(str(r.rank) if r.rank else "—", numeric=True),
                Cell(movement(r.rank, r.previous_rank)),
                status_cell(r.previous_status, lang) if r.previous_status else Cell("—"),
                Cell(str(r.number), numeric=True),
                Cell(_name(r.progress.name, r.progress.name_en, lang)),
                Cell(target_text(r.progress, lang)),
                Cell(fmt_number(r.progress.actual), numeric=True),
                Cell(fmt_number(r.progress.expected), numeric=True),
                Cell(ahead(r.progress.score), numeric=True),
                status_cell(r.progress.status, lang, r.progress.side),
            )
            for r in q.indicators
        ),
        keys=(
            "rank",
            "movement",
            "previous_status",
            "number",
            "indicator",
            "target",
            "actual",
            "expected",
            "ahead",
            "status",
        ),
        drop=QUARTER_INDICATOR_DROP,
    )
    return [summary, projects, indicators]


def quarter_json(q: Quarter) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "as_of": q.as_of.isoformat(),
        "quarter": f"{q.year}-Q{q.quarter}",
        "previous_as_of": q.previous_as_of.isoformat(),
        "rag": dict(q.rag),
        "projects": [
            {
                "rank": p.rank,
                "previous_rank": p.previous_rank,
                "id": p.id,
                "name": p.name,
                "convener": p.convener,
                "lead_unit": p.lead_unit,
                "score": to_json(p.score),
                "red": p.red,
                "amber": p.amber,
                "green": p.green,
                "grey": p.grey,
            }
            for p in q.projects
        ],
        "indicators": [
            {
                "rank": r.rank,
                "previous_rank": r.previous_rank,
                "previous_status": r.previous_status,
                "project": r.progress.project,
                "id": r.progress.indicator,
                "name": r.progress.name,
                "status": r.progress.status,
                "score": to_json(r.progress.score),
                "actual": to_json(r.progress.actual),
                "expected": to_json(r.progress.expected),
            }
            for r in q.indicators
        ],
    }


# --------------------------------------------------------------------------- 年总结


def annual_views(a: Annual, lang: Lang, units_en: Mapping[str, str] | None = None) -> list[TableView]:
    def met(value: bool | None) -> Cell:
        if value is None:
            return Cell("")
        return (
            Cell(f"{MARKERS['achieved']} {t('yes', lang)}", "achieved")
            if value
            else Cell(f"{MARKERS['off_track']} {t('no', lang)}", "off_track")
        )

    indicators = TableView(
        t("title.annual.indicators", lang, year=a.year),
        _cols(
            lang, "number", "indicator", "year_target", "year_actual", "latest_period", "met", "next_target"
        ),
        tuple(
            (
                Cell(str(x.number), numeric=True),
                Cell(_name(x.name, x.name_en, lang)),
                Cell(
                    f"{x.comparator or ''}{fmt_number(x.year_target)} {unit_text(x.unit, lang)}".strip()
                    if x.year_target is not None
                    else ""
                ),
                Cell(
                    fmt_date(x.achieved_on) if kind_named(x.kind).qualitative else fmt_number(x.year_actual),
                    numeric=True,
                ),
                Cell(x.actual_period or ""),
                met(x.met),
                Cell(fmt_number(x.next_target), numeric=True),
            )
            for x in a.lines
        ),
        keys=("number", "indicator", "year_target", "year_actual", "period", "met", "next_target"),
        legend=None if a.lines else t("annual.no_indicators", lang, year=a.year),
        lead=t(
            "annual.lead",
            lang,
            year=a.year,
            raised=a.problems_raised,
            closed=a.problems_closed,
            tasks=len(a.tasks_done),
        ),
    )
    tasks = TableView(
        t("title.annual.tasks", lang, year=a.year),
        _cols(lang, "number", "task", "done_on"),
        tuple(
            (
                Cell(str(x.number), numeric=True),
                Cell(_name(x.title, x.title_en, lang)),
                Cell(fmt_date(x.done_on)),
            )
            for x in a.tasks_done
        ),
        keys=("number", "task", "done_on"),
        legend=None if a.tasks_done else t("annual.no_tasks", lang, year=a.year),
    )
    problems = events_view(t("title.annual.problems", lang, year=a.year), a.problem_events, lang, units_en)
    if not a.problem_events:
        problems = replace(problems, legend=t("annual.no_problems", lang, year=a.year))
    return [indicators, tasks, problems]


def annual_json(a: Annual) -> dict[str, Any]:
    def r(value: Decimal | None) -> float | int | None:
        return to_json(value)

    return {
        "version": JSON_VERSION,
        "as_of": a.as_of.isoformat(),
        "year": a.year,
        "indicators": [
            {
                "project": x.project,
                "id": x.indicator,
                "name": x.name,
                "kind": x.kind,
                "unit": x.unit,
                "comparator": x.comparator,
                "year_target": r(x.year_target),
                "year_actual": r(x.year_actual),
                "period": x.actual_period,
                "met": x.met,
                "next_target": r(x.next_target),
                "achieved_on": fmt_date(x.achieved_on) or None,
            }
            for x in a.lines
        ],
        "tasks_done": [
            {"project": x.project, "id": x.task, "title": x.title, "done_on": fmt_date(x.done_on) or None}
            for x in a.tasks_done
        ],
        "problems": {
            "raised": a.problems_raised,
            "closed": a.problems_closed,
            "events": [
                {"project": e.project, "id": e.id, "title": e.title, "event": e.event, "on": fmt_date(e.on)}
                for e in a.problem_events
            ],
        },
    }


# --------------------------------------------------------------------------- history

SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[Decimal | None]) -> str:
    numbers = [v for v in values if v is not None]
    if not numbers:
        return ""
    low, high = min(numbers), max(numbers)
    span = high - low or Decimal(1)
    return "".join(" " if v is None else SPARKS[round((v - low) / span * (len(SPARKS) - 1))] for v in values)


def history_views(
    project: Project, ind: Indicator, points: tuple[HistoryPoint, ...], lang: Lang
) -> list[TableView]:
    """The series with the indicator's unit and target in the title, and the columns its kind
    has: a milestone's months and whether it was achieved; a figure's published, comparable and
    expected values (是否完成 does not apply to a figure month by month)."""
    name = f"{project.number}. {_name(ind.name, ind.name_en, lang)}"
    actual = [p.actual for p in points]
    legend = None
    if any(v is not None for v in actual):
        legend = f"{t('col.actual', lang)} {sparkline(actual)}"
    if kind_named(ind.kind).qualitative:
        title = t("title.history.milestone", lang, name=name, by=fmt_date(ind.target.by))
        keys: tuple[str, ...] = ("period", "achieved")
        rows: tuple[tuple[Cell, ...], ...] = tuple(
            (Cell(p.period), Cell("" if p.achieved is None else t("yes" if p.achieved else "no", lang)))
            for p in points
        )
    else:
        title = _history_title(ind, name, lang)
        keys = ("period", "published", "actual", "expected")
        rows = tuple(
            (
                Cell(p.period),
                Cell(fmt_number(p.published), numeric=True),
                Cell(fmt_number(p.actual), numeric=True),
                Cell(fmt_number(p.expected), numeric=True),
            )
            for p in points
        )
    return [TableView(title, _cols(lang, *keys), rows, keys=keys, legend=legend)]


def _history_title(ind: Indicator, name: str, lang: Lang) -> str:
    if ind.target.value is None or ind.unit is None:
        return t("title.history", lang, name=name)
    number = fmt_number(ind.target.value, 4)
    comparator = ind.comparator or ">="
    if lang is Lang.zh:
        target = ZH_TARGET[comparator].format(n=number, u=ind.unit)
    else:
        target = f"{EN_SIGN[comparator]} {number}{'%' if ind.unit == '%' else ''}"
    unit = unit_text(ind.unit, lang)
    return t("title.history.figure", lang, name=name, unit=unit, target=target, by=fmt_date(ind.target.by))


def history_json(
    project: Project, ind: Indicator, points: tuple[HistoryPoint, ...], as_of: str
) -> dict[str, Any]:
    def r(value: Decimal | None) -> float | int | None:
        return to_json(value)

    return {
        "version": JSON_VERSION,
        "as_of": as_of,
        "project": project.id,
        "indicator": ind.id,
        "name": ind.name,
        "unit": ind.unit,
        "comparator": ind.comparator,
        "target": ind.target.value,
        "target_by": ind.target.by.isoformat(),
        # each month with the keys of the columns the table shows for the indicator's kind
        "series": [
            {"period": p.period, "achieved": p.achieved}
            if kind_named(ind.kind).qualitative
            else {
                "period": p.period,
                "published": p.published,
                "actual": r(p.actual),
                "expected": r(p.expected),
            }
            for p in points
        ],
    }
