"""The line under a table that says the order its rows are in (worst first: `reports.ordering`)."""

from __future__ import annotations

from dataclasses import replace

from yunhe_cli.outputs.labels import Lang, t
from yunhe_cli.outputs.views import TableView


def with_order_rule(view: TableView, report: str, lang: Lang) -> TableView:
    """`view` with the rule its rows are ordered by in a line under it (after its legend)."""
    rule = t(f"sort.{report}", lang)
    return replace(view, legend=f"{view.legend}\n{rule}" if view.legend else rule)
