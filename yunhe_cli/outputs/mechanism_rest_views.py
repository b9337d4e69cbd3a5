"""Tables and JSON of the rest of the working mechanism: the quarter's assessments judged against
the figures (形势研判), supervision items overdue (督查督办) and the year's good practices (经验推广)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from yunhe_cli.outputs.labels import Lang, t
from yunhe_cli.outputs.views import Cell, TableView, fmt_date
from yunhe_cli.reports.mechanism_rest import Judged, OverdueSupervision, YearPractice

RAG_STYLE = {"red": "off_track", "amber": "at_risk", "green": "achieved", "grey": "no_data"}


def _cols(lang: Lang, *keys: str) -> tuple[str, ...]:
    return tuple(t(f"col.{k}", lang) for k in keys)


def _name(zh: str, en: str | None, lang: Lang) -> str:
    return zh if lang is Lang.zh or not en else en


def _agreement(j: Judged, lang: Lang) -> Cell:
    if j.missing:
        return Cell(t("judged.missing", lang), "off_track")
    if j.assessment is None:
        return Cell(t("judged.not_due", lang))
    if j.judged is None:
        return Cell(t("judged.draft", lang), "at_risk")
    if j.disagrees:
        return Cell(t("judged.disagrees", lang), "off_track")
    return Cell("")


def _colour(colour: str | None, lang: Lang) -> Cell:
    if colour is None:
        return Cell("—")
    return Cell(t(f"rag.{colour}", lang), RAG_STYLE[colour])


def judged_view(rows: tuple[Judged, ...], lang: Lang, units_en: Mapping[str, str] | None = None) -> TableView:
    english = {} if lang is Lang.zh else (units_en or {})  # a unit by its English name, if it has one
    keys = ("number", "project", "lead_unit", "computed", "judged", "written_on", "agreement")
    lead = t(
        "quarter.judged.lead",
        lang,
        disagree=sum(j.disagrees for j in rows),
        missing=sum(j.missing for j in rows),
    )
    return TableView(
        t("title.quarter.judged", lang),
        _cols(lang, *keys),
        tuple(
            (
                Cell(str(j.number), numeric=True),
                Cell(_name(j.name, j.name_en, lang)),
                Cell(english.get(j.lead_unit, j.lead_unit)),
                _colour(j.computed, lang),
                _colour(j.judged, lang),
                Cell(fmt_date(j.written_on) if j.written_on else ""),
                _agreement(j, lang),
            )
            for j in rows
        ),
        keys=keys,
        legend=lead,
    )


def judged_json(rows: tuple[Judged, ...]) -> list[dict[str, Any]]:
    return [
        {
            "project": j.project,
            "computed": j.computed,
            "judged": j.judged,
            "written_on": j.written_on.isoformat() if j.written_on else None,
            "disagrees": j.disagrees,
            "missing": j.missing,
            "progress": j.assessment.progress if j.assessment else None,
            "risks": j.assessment.risks if j.assessment else None,
            "next_steps": j.assessment.next_steps if j.assessment else None,
        }
        for j in rows
    ]


def supervision_view(
    rows: tuple[OverdueSupervision, ...], lang: Lang, units_en: Mapping[str, str] | None = None
) -> TableView:
    english = {} if lang is Lang.zh else (units_en or {})
    keys = ("number", "id", "unit", "requirement", "issued_on", "due", "overdue_days", "feedback")
    return TableView(
        t("title.dispatch.supervision", lang),
        _cols(lang, *keys),
        tuple(
            (
                Cell(str(r.number), numeric=True),
                Cell(r.id),
                Cell(english.get(r.unit, r.unit)),
                Cell(r.requirement + (t("supervision.returned", lang) if r.returned else "")),
                Cell(fmt_date(r.issued_on)),
                Cell(fmt_date(r.due)),
                Cell(str(r.days_overdue), "off_track", numeric=True),
                Cell(str(r.feedback), numeric=True),
            )
            for r in rows
        ),
        keys=keys,
        wrap=frozenset({"requirement", "unit"}),
    )


def supervision_json(rows: tuple[OverdueSupervision, ...]) -> list[dict[str, Any]]:
    return [
        {
            "project": r.project,
            "id": r.id,
            "unit": r.unit,
            "requirement": r.requirement,
            "issued_on": r.issued_on.isoformat(),
            "due": r.due.isoformat(),
            "days_overdue": r.days_overdue,
            "returned": r.returned,
            "feedback": r.feedback,
        }
        for r in rows
    ]


def practices_view(
    year: int, rows: tuple[YearPractice, ...], lang: Lang, units_en: Mapping[str, str] | None = None
) -> TableView:
    english = {} if lang is Lang.zh else (units_en or {})
    keys = ("number", "practice", "unit", "date", "summary", "presented_at")
    return TableView(
        t("title.annual.practices", lang, year=year),
        _cols(lang, *keys),
        tuple(
            (
                Cell(str(r.number), numeric=True),
                Cell(r.practice.title),
                Cell(english.get(r.practice.unit, r.practice.unit)),
                Cell(fmt_date(r.practice.on)),
                Cell(r.practice.summary),
                Cell(r.practice.presented_at or ""),
            )
            for r in rows
        ),
        keys=keys,
        wrap=frozenset({"practice", "summary", "unit"}),
    )


def practices_json(rows: tuple[YearPractice, ...]) -> list[dict[str, Any]]:
    return [
        {
            "project": r.project,
            "title": r.practice.title,
            "unit": r.practice.unit,
            "on": r.practice.on.isoformat(),
            "summary": r.practice.summary,
            "evidence": list(r.practice.evidence),
            "presented_at": r.practice.presented_at,
        }
        for r in rows
    ]
