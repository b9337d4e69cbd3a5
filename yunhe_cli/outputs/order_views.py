"""The line under a table of projects that states the one project order (`reports.order`) and,
where the lights tie, the scores that decide it."""

from __future__ import annotations

from decimal import Decimal

from yunhe_cli.outputs.labels import Lang, t
from yunhe_cli.reports.order import score_ties
from yunhe_cli.reports.rollup import StatusReport


def ahead(score: Decimal | None) -> str:
    """A score as the quarter's 进度/预期 column writes it: ahead (+) or behind (-) the path, or
    nothing without one."""
    return "" if score is None else f"{(score - 1) * 100:+.1f}%"


def score_text(score: Decimal | None) -> str:
    """A mean score in a line of text: as the quarter's column writes it, "—" without one."""
    return ahead(score) or "—"


def status_order_line(report: StatusReport, lang: Lang) -> str:
    """The rule `status` lists by, and the mean scores of the projects whose lights tie."""
    line = t("order.status", lang)
    ties = score_ties([p.standing() for p in report.projects])
    if not ties:
        return line
    comma, semicolon = ("、", "；") if lang is Lang.zh else (", ", "; ")
    runs = semicolon.join(
        comma.join(t("order.tie", lang, number=s.number, score=score_text(s.score)) for s in run)
        for run in ties
    )
    return f"{line}\n{t('order.ties', lang, ties=runs)}"


def quarter_order_line(lang: Lang) -> str:
    """The rule the quarter ranks projects by (its table shows the figures: red, amber, score)."""
    return t("order.quarter", lang)
