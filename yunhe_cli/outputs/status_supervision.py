"""督查督办 in `yunhe status`: the column 逾期督办 (supervision items overdue) after 逾期问题, and
`supervision: {overdue}` in the JSON document after `problems`, once the folder keeps
`supervision/` lists (`StatusReport.supervision`). A folder without them is shown as before.

They are added to what `views.status_view` and `views.status_json` build, so the summary sheet of
`export` and the page, which show the status table for other readers, are not changed by them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from yunhe_cli.outputs.labels import Lang, t
from yunhe_cli.outputs.views import Cell, TableView
from yunhe_cli.reports.rollup import StatusReport

AFTER = "problems_overdue"  # the column the new one follows
KEY = "supervision_overdue"


def with_supervision(view: TableView, report: StatusReport, lang: Lang) -> TableView:
    """The status table with 逾期督办 after 逾期问题 (unchanged without `supervision/`)."""
    if not report.supervision:
        return view
    at = view.keys.index(AFTER) + 1

    def put(cells: tuple[Cell, ...], cell: Cell) -> tuple[Cell, ...]:
        return (*cells[:at], cell, *cells[at:])

    rows = tuple(
        put(
            row,
            Cell(str(p.supervision_overdue), "off_track" if p.supervision_overdue else None, numeric=True),
        )
        for row, p in zip(view.rows, report.projects, strict=True)
    )
    total = sum(p.supervision_overdue for p in report.projects)
    return replace(
        view,
        columns=(*view.columns[:at], t("col.supervision_overdue", lang), *view.columns[at:]),
        rows=rows,
        footer=put(view.footer, Cell(str(total), numeric=True)) if view.footer else None,
        keys=(*view.keys[:at], KEY, *view.keys[at:]),
    )


def with_supervision_json(doc: dict[str, Any], report: StatusReport) -> dict[str, Any]:
    """The status document with `supervision: {overdue}` after each project's `problems`, and in
    `totals` (unchanged without `supervision/`)."""
    if not report.supervision:
        return doc
    counts = {p.id: p.supervision_overdue for p in report.projects}
    projects = []
    for entry in doc["projects"]:
        out: dict[str, Any] = {}
        for key, value in entry.items():
            out[key] = value
            if key == "problems":
                out["supervision"] = {"overdue": counts[entry["id"]]}
        projects.append(out)
    totals = {**doc["totals"], "supervision": {"overdue": sum(counts.values())}}
    return {**doc, "projects": projects, "totals": totals}
