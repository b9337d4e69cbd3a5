"""The working mechanism's lists in the exports: assessments (形势研判), supervision items
(督查督办) with their feedback (办理情况), and good practices (经验推广), as of a day.

One set of rows per table, with stable English keys (README, "Exports of the working mechanism"),
serves the three exports: `export xlsx` lays each table on a sheet after the projects' forms,
`export csv` writes each as a CSV file after theirs, and `export parquet` writes them as tables
partitioned by county and project. A folder that keeps none of the lists exports as before.

What is dated after the day is left out (an item issued later, feedback given later); an item's
status is as it stood on the day (`SupervisionItem.state_on`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from yunhe_cli.core.index import Index
from yunhe_cli.core.mechanism_records import RATINGS
from yunhe_cli.core.repository import Repository
from yunhe_cli.outputs.formats import csv_document
from yunhe_cli.outputs.labels import Lang, t
from yunhe_cli.outputs.views import Cell, TableView, fmt_date

TABLES: dict[str, tuple[str, ...]] = {
    "assessments": (
        "project",
        "quarter",
        "written_on",
        "written_by",
        "rating",
        "rating_en",
        "progress",
        "risks",
        "next_steps",
        "indicators",
        "tasks",
    ),
    "supervision": (
        "project",
        "id",
        "unit",
        "issued_on",
        "due",
        "requirement",
        "problem",
        "task",
        "status",
        "closed_on",
        "conclusion",
        "feedback",
        "returns",
        "overdue",
        "days_overdue",
    ),
    "supervision_feedback": ("project", "item", "on", "text", "evidence"),
    "practices": ("project", "title", "unit", "on", "summary", "evidence", "presented_at"),
}
TYPES: dict[str, str] = {  # for Parquet: every other column is text
    "written_on": "date",
    "issued_on": "date",
    "due": "date",
    "closed_on": "date",
    "on": "date",
    "feedback": "int",
    "returns": "int",
    "days_overdue": "int",
    "overdue": "bool",
    "indicators": "list",
    "tasks": "list",
    "evidence": "list",
}
STATUS_STYLE = {"open": None, "returned": "at_risk", "closed": "achieved"}
RATING_STYLE = {"green": "achieved", "amber": "at_risk", "red": "off_track"}


def mechanism_rows(repo: Repository, as_of: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Each table's rows as of `as_of`, in project order (then quarter, id or date); units by the
    registry's name. Empty when the folder keeps none of the lists."""
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    if not (repo.assessment_lists or repo.supervision_lists or repo.practice_lists):
        return {}
    index = Index.build(repo)
    numbers = {p.model.id: p.model.number for p in repo.projects}

    def unit(ref: str) -> str:
        entry = index.unit(ref)
        return entry.name if entry is not None else ref

    def order(lst: Any) -> tuple[int, str]:
        return numbers.get(lst.model.project, 0), lst.model.project

    for lst in sorted(repo.assessment_lists, key=order):
        for a in sorted(lst.model.assessments, key=lambda a: a.quarter):
            if a.written_on > as_of:
                continue
            out["assessments"].append(
                {
                    "project": lst.model.project,
                    "quarter": a.quarter,
                    "written_on": a.written_on,
                    "written_by": unit(a.written_by),
                    "rating": a.rating,
                    "rating_en": RATINGS[a.rating] if a.rating else None,
                    "progress": a.progress,
                    "risks": a.risks,
                    "next_steps": a.next_steps,
                    "indicators": list(a.indicators),
                    "tasks": list(a.tasks),
                }
            )
    for sl in sorted(repo.supervision_lists, key=order):
        for item in sorted(sl.model.items, key=lambda i: i.id):
            if item.issued_on > as_of:
                continue
            overdue = item.overdue_on(as_of)
            closed = item.closed_by(as_of)
            out["supervision"].append(
                {
                    "project": sl.model.project,
                    "id": item.id,
                    "unit": unit(item.unit),
                    "issued_on": item.issued_on,
                    "due": item.due,
                    "requirement": item.requirement,
                    "problem": item.problem,
                    "task": item.task,
                    "status": item.state_on(as_of),
                    "closed_on": item.closed_on if closed else None,
                    "conclusion": item.conclusion if closed else None,
                    "feedback": sum(f.on <= as_of for f in item.feedback),
                    "returns": sum(r.on <= as_of for r in item.returns),
                    "overdue": overdue,
                    "days_overdue": (as_of - item.due).days if overdue else 0,
                }
            )
            for f in item.feedback:
                if f.on <= as_of:
                    out["supervision_feedback"].append(
                        {
                            "project": sl.model.project,
                            "item": item.id,
                            "on": f.on,
                            "text": f.text,
                            "evidence": list(f.evidence),
                        }
                    )
    for pl in sorted(repo.practice_lists, key=order):
        for pr in sorted(pl.model.practices, key=lambda p: (p.on, p.title)):
            if pr.on > as_of:
                continue
            out["practices"].append(
                {
                    "project": pl.model.project,
                    "title": pr.title,
                    "unit": unit(pr.unit),
                    "on": pr.on,
                    "summary": pr.summary,
                    "evidence": list(pr.evidence),
                    "presented_at": pr.presented_at,
                }
            )
    return out


def _cell(table: str, key: str, value: Any, lang: Lang) -> Cell:
    if value is None:
        return Cell("")
    if isinstance(value, dt.date):
        return Cell(fmt_date(value), value=value)
    if isinstance(value, bool):
        return Cell(t("export.mx.yes", lang) if value else "", "off_track" if value else None)
    if isinstance(value, int):
        return Cell(str(value), numeric=True, value=value)
    if isinstance(value, list):
        return Cell("；".join(value) if lang is Lang.zh else "; ".join(value))
    if key == "status" and table == "supervision":
        return Cell(t(f"export.mx.status.{value}", lang), STATUS_STYLE[value])
    return Cell(str(value))


def mechanism_tables(repo: Repository, as_of: dt.date, lang: Lang) -> list[tuple[str, TableView, str]]:
    """(sheet name, table, CSV text) of each of the four tables, for `export xlsx` and `export csv`;
    none when the folder keeps none of the lists. A table without rows keeps its header."""
    rows = mechanism_rows(repo, as_of)
    out = []
    for table, keys in TABLES.items():
        if table not in rows:
            continue
        shown = tuple(k for k in keys if k != ("rating_en" if lang is Lang.zh else "rating"))
        records = rows[table]
        cells = []
        for r in records:
            row = []
            for k in shown:
                if k in ("rating", "rating_en") and r[k] is not None:
                    colour = RATINGS[r["rating"]]
                    row.append(Cell(t(f"rag.{colour}", lang), RATING_STYLE[colour]))
                else:
                    row.append(_cell(table, k, r[k], lang))
            cells.append(tuple(row))
        title = f"{t(f'export.mx.{table}', lang)}  {t('as_of', lang)} {as_of.isoformat()}"
        columns = tuple(t(f"export.mx.col.{'rating' if k == 'rating_en' else k}", lang) for k in shown)
        view = TableView(title, columns, tuple(cells), None, shown)
        doc = {"version": 1, "as_of": as_of.isoformat(), table: [_json(r) for r in records]}
        out.append((t(f"export.mx.{table}", lang), view, csv_document(doc) if records else _header(keys)))
    return out


def _json(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}


def _header(keys: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(keys)
    return buffer.getvalue()


def parquet_schemas(pa: Any) -> dict[str, Any]:
    """The four tables' Parquet schemas (project is the partition; as_of and commit added)."""
    kinds = {
        "date": pa.date32(),
        "int": pa.int32(),
        "bool": pa.bool_(),
        "list": pa.list_(pa.string()),
    }
    common = [("as_of", pa.date32()), ("commit", pa.string())]
    return {
        table: pa.schema(
            [(k, kinds.get(TYPES.get(k, ""), pa.string())) for k in keys if k != "project"] + common
        )
        for table, keys in TABLES.items()
    }
