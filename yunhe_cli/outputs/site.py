"""`yunhe site`: one self-contained HTML page of where the plan stands (一个平台调度, 指标晾晒).

The page is laid out from the same view documents as the terminal and JSON outputs: the
tables are `views`' and `mechanism_views`' TableViews (the same cells, markers and words),
the figures and statuses come from `status_json`, `indicators_json`, `problems_json`,
`quarter_json` and `history_json`, and each chart adds only the expected path and the status
bands of `bands` (the roll-up's own rule solved for the figure). Nothing is rolled up again.

The page fetches nothing (no script, no web font, no link to another host): styles are inlined,
charts are inline SVG, Chinese is drawn by the reader's system fonts. Jinja2 escapes every value
from the data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yunhe_cli.core import model as m
from yunhe_cli.core.bands import path, trend_path
from yunhe_cli.core.kinds import kind_of
from yunhe_cli.core.periods import month_index
from yunhe_cli.core.progress import each
from yunhe_cli.core.repository import Repository
from yunhe_cli.outputs.charts import BAND_COLOURS, Chart, chart, svg
from yunhe_cli.outputs.labels import MARKERS, Lang, t
from yunhe_cli.outputs.meeting_views import history_json, quarter_json, quarter_views
from yunhe_cli.outputs.views import (
    TableView,
    fmt_number,
    indicators_json,
    indicators_view,
    problems_json,
    problems_view,
    status_json,
    status_view,
    target_text,
    tasks_json,
    tasks_view,
    unit_text,
)
from yunhe_cli.reports.board import latest_board
from yunhe_cli.reports.meetings import history
from yunhe_cli.reports.quarterly import quarter
from yunhe_cli.reports.query import units_in_english
from yunhe_cli.reports.rollup import StatusReport, context, roll_up
from yunhe_cli.store.write import atomic_write

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True, slots=True)
class IndicatorChart:
    anchor: str
    name: str
    unit: str
    target: str
    status: str
    status_text: str
    latest: str
    by_projection: str  # the note when the roll-up judged by the projection (no path to draw bands by)
    svg: str  # pygal's output: escaped by its XML writer, inlined as markup
    chart: Chart


def _name(zh: str, en: str | None, lang: Lang) -> str:
    return zh if lang is Lang.zh or not en else en


def _charts(
    repo: Repository, report: StatusReport, project: m.Project, rows: dict[str, dict[str, Any]], lang: Lang
) -> list[IndicatorChart]:
    ctx = context(repo)
    progress = {i.indicator: i for p in report.projects if p.id == project.id for i in p.indicators}
    out = []
    for ind in project.indicators:
        row = rows.get(ind.id)
        if kind_of(ind).qualitative or ind.target.value is None or row is None:
            continue
        partial = any(n["key"] == "annualised" for n in row["notes"])
        points = history(repo, project, ind, report.as_of)
        doc = history_json(project, ind, points, report.as_of.isoformat())
        bands = path(ind, ctx, partial)
        trend = any(n["key"] == "judged_by_projection" for n in row["notes"])
        first = next((h for h in points if h.actual is not None), None)
        if trend and first is not None and first.actual is not None:
            # No path (no baseline): the bands of the trend rule, from the first figure.
            by_trend = {b.period: b for b in trend_path(ind, ctx, first.period, first.actual, partial)}
            bands = tuple(by_trend.get(b.period, b) for b in bands)
        drawn = chart(row, doc, bands)
        if trend and first is not None and first.actual is not None and drawn.projection:
            # The trend line: from the first figure, through the latest, to the projection.
            start = (month_index(first.period) + 1, float(first.actual))
            drawn = dataclasses.replace(drawn, projection=(start, *drawn.projection))
        item = progress[ind.id]
        latest = ""
        if item.actual is not None:  # rounded as the tables round it
            latest = f"{fmt_number(item.actual)} ({row['latest_period']})"
        out.append(
            IndicatorChart(
                anchor=f"{project.id}-{ind.id}",
                name=_name(ind.name, ind.name_en, lang),
                unit=unit_text(row["unit"], lang),
                target=target_text(item, lang),
                status=row["status"],
                status_text=f"{MARKERS[row['status']]} {t('status.' + row['status'], lang)}",
                latest=latest,
                by_projection=t("note.judged_by_projection", lang)
                if any(n["key"] == "judged_by_projection" for n in row["notes"])
                else "",
                svg=svg(drawn),
                chart=drawn,
            )
        )
    return out


def _problems_by_owner(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Open problems grouped by owner unit, most overdue first, oldest first within a unit."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in doc["problems"]:
        if q["status"] == "open":
            groups[q["owner"]].append(q)
    out = []
    for owner, items in groups.items():
        items.sort(key=lambda q: (-q["age_days"], q["id"]))
        out.append(
            {
                "owner": owner,  # as problems_json names it
                "open": len(items),
                "overdue": sum(q["overdue"] for q in items),
                "oldest": max(q["age_days"] for q in items),
                "problems": items,
            }
        )
    out.sort(key=lambda g: (-g["overdue"], -g["open"], g["owner"]))
    return out


def site_context(repo: Repository, as_of: dt.date, lang: Lang) -> dict[str, Any]:
    """Everything the template shows, from the view documents."""
    report = roll_up(repo, as_of)
    status = status_json(report)
    ind_doc = indicators_json(report, report.indicators())
    by_project: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in ind_doc["indicators"]:
        by_project[row["project"]][row["id"]] = row
    problems_doc = problems_json(report, report.problems())
    projects: list[dict[str, Any]] = []
    models = {p.model.id: p.model for p in repo.projects}
    for p in each("progress.projects", sorted(report.projects, key=lambda p: p.number), _project_id):
        project = models[p.id]
        projects.append(
            {
                "id": p.id,
                "number": p.number,
                "name": _name(p.name, p.name_en, lang),
                "convener": p.convener,
                "lead_unit": report.unit_label(p.lead_unit, lang is Lang.en),
                "counts": p.counts,
                "indicators": indicators_view(report, p.indicators, lang),
                "tasks": tasks_view(report, p.tasks, lang),
                "problems": problems_view(report, p.problems, lang),
                "charts": _charts(repo, report, project, by_project[p.id], lang),
            }
        )
    result = latest_board(repo, as_of)
    which = None if result is None else (result.year, result.quarter)
    board: dict[str, Any] | None = None
    if result is not None:
        doc = quarter_json(result)
        charted = {c.anchor for p in projects for c in p["charts"]}
        board = {
            "json": doc,
            "views": quarter_views(result, lang, units_in_english(repo)),
            "project_anchors": [p["id"] for p in doc["projects"]],
            # An indicator's chart, or (a milestone has none) its project's form.
            "indicator_anchors": [
                a if a in charted else f"{r['project']}-indicators"
                for r in doc["indicators"]
                for a in [f"{r['project']}-{r['id']}"]
            ],
        }
    plan = repo.plan.model if repo.plan else None
    return {
        "mechanism": mechanism_views(repo, as_of, which, lang),
        "lang": lang.value,
        "as_of": as_of.isoformat(),
        "plan_title": (plan.title if lang is Lang.zh or not plan.title_en else plan.title_en) if plan else "",
        "doc_number": plan.doc_number if plan else "",
        "status": status,
        "status_view": status_view(report, lang),
        "status_links": [p["id"] for p in status["projects"]],
        "projects": projects,
        "board": board,
        "owners": [
            {**g, "label": report.unit_label(g["owner"], lang is Lang.en)}
            for g in _problems_by_owner(problems_doc)
        ],
        "tasks_overdue": sum(x["overdue"] for x in tasks_json(report, report.tasks())["tasks"]),
        "band_colours": BAND_COLOURS,
        "markers": MARKERS,
    }


def mechanism_views(
    repo: Repository, as_of: dt.date, which: tuple[int, int] | None, lang: Lang
) -> list[TableView]:
    """形势研判 (the last quarter's), 督查督办 (overdue) and 经验推广 (the year's), for the folders
    that keep them; the same tables `quarter`, `dispatch` and `annual` print."""
    from yunhe_cli.outputs.mechanism_rest_views import judged_view, practices_view, supervision_view
    from yunhe_cli.reports.mechanism_rest import judged, overdue_supervision, practices_of_year

    views = []
    units_en = units_in_english(repo)  # the English page names units in English, as the commands do
    if repo.assessment_lists and which is not None:
        views.append(judged_view(judged(repo, quarter(repo, *which)), lang, units_en))
    if repo.supervision_lists:
        views.append(supervision_view(overdue_supervision(repo, as_of), lang, units_en))
    if repo.practice_lists:
        views.append(practices_view(as_of.year, practices_of_year(repo, as_of.year, as_of), lang))
    return views


def render_site(context_: dict[str, Any], lang: Lang) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
    from markupsafe import Markup

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["j2", "html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = lambda key, **params: t(key, lang, **params)
    env.filters["svg"] = lambda drawn, label="": Markup(named_svg(drawn, label))
    env.filters["dates"] = lambda text: whole_dates(text, lang)
    env.filters["zh"] = lambda text: lang_marked(text, lang)
    return env.get_template("site.html.j2").render(**context_)


DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")
# A run of Chinese (with its punctuation and full-width forms), which may hold figures, Latin letters
# and spaces between Chinese characters (滚动推进亿元项目 50 个).
_HAN = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’"
CHINESE_RUN = re.compile(f"[{_HAN}]+(?:[ 0-9A-Za-z.%·-]*[{_HAN}]+)*")


def whole_dates(text: str, lang: Lang = Lang.zh) -> Any:
    """The text escaped, each date or month in it kept on one line (`2025-06-20` never splits as
    `2025-` / `06-20`, on a phone or on paper) by a span the page's style does not break; on the
    English page, its Chinese marked as Chinese (`lang_marked`)."""
    from markupsafe import Markup

    return Markup(DATE.sub(lambda m: f'<span class="nb">{m.group(0)}</span>', str(lang_marked(text, lang))))


def lang_marked(text: Any, lang: Lang) -> Any:
    """The text escaped; on the English page each run of Chinese in it (a name, a unit, a problem as
    the data gives it) in `<span lang="zh-Hans">`, so that a screen reader reads it as Chinese and
    the browser picks a Chinese font for it. The Chinese page is Chinese throughout: unchanged."""
    from markupsafe import Markup, escape

    escaped = str(escape(text))
    if lang is Lang.zh:
        return Markup(escaped)
    return Markup(CHINESE_RUN.sub(lambda m: f'<span lang="zh-Hans">{m.group(0)}</span>', escaped))


def named_svg(drawn: str, label: str) -> str:
    """pygal's own output (its XML writer escaped it), as one image named by `label` for those who
    do not see it: role="img" and an aria-label (its title, status, target and latest figure)."""
    from markupsafe import escape

    return drawn.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def write_site(repo: Repository, out: Path, as_of: dt.date, lang: Lang) -> Path:
    html = render_site(site_context(repo, as_of, lang), lang)
    atomic_write(out, html)
    return out


def _project_id(project: Any) -> str:
    return str(project.id)
