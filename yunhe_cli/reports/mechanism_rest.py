"""The rest of the working mechanism, read for the meetings: the quarter's assessments (形势研判)
beside the colours the figures give, the supervision items overdue (督查督办), the year's good
practices (经验推广), and the facts a new assessment starts from.

A project's computed colour is the colour its mean score (the quarter's ranking number: progress
against the path, 1.0 on it) falls in by plan.yaml's thresholds, as an indicator's score does:
at or above `on_track` green, at or above `at_risk` amber, below red; grey without a score. A
judgement disagrees when the unit says 绿 while the figures are red, or 红 while they are green.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from yunhe_cli.core import model as m
from yunhe_cli.core.index import Index
from yunhe_cli.core.mechanism_records import RATINGS, Assessment, Practice, SupervisionItem
from yunhe_cli.core.plan_defaults import thresholds
from yunhe_cli.core.repository import Repository
from yunhe_cli.reports.order import rag
from yunhe_cli.reports.quarterly import Quarter, quarter_as_of
from yunhe_cli.reports.rollup import StatusReport


def score_colour(score: Decimal | None, limits: m.Thresholds) -> str:
    """The colour a score falls in by the plan's thresholds (grey: no score)."""
    if score is None:
        return "grey"
    if score >= limits.on_track:
        return "green"
    return "amber" if score >= limits.at_risk else "red"


@dataclass(frozen=True, slots=True)
class Judged:
    """One project's quarter: the colour its figures give and the one its lead unit judged."""

    project: str
    number: int
    name: str
    name_en: str | None
    lead_unit: str
    computed: str  # green, amber, red, grey
    judged: str | None  # green, amber, red; None: no assessment, or a draft without a rating
    written_on: dt.date | None
    missing: bool  # no assessment though the quarter's board day has passed
    assessment: Assessment | None

    @property
    def disagrees(self) -> bool:
        return {self.judged, self.computed} == {"green", "red"}


def assessment_of(repo: Repository, project: str, quarter: str, as_of: dt.date) -> Assessment | None:
    """The project's assessment of `quarter`, as written by `as_of` (the first, if written twice)."""
    for lst in repo.assessment_lists:
        if lst.model.project == project:
            for a in lst.model.assessments:
                if a.quarter == quarter and a.written_on <= as_of:
                    return a
    return None


def judged(repo: Repository, q: Quarter) -> tuple[Judged, ...]:
    """Each project of the quarter, judged beside computed, in the quarter's project order."""
    limits = thresholds(repo.plan.model if repo.plan else None)
    board = quarter_as_of(repo, q.year, q.quarter)
    name = f"{q.year}-Q{q.quarter}"
    rows = []
    for p in q.projects:
        a = assessment_of(repo, p.id, name, q.as_of)
        rows.append(
            Judged(
                p.id,
                p.number,
                p.name,
                p.name_en,
                p.lead_unit,
                score_colour(p.score, limits),
                RATINGS[a.rating] if a is not None and a.rating is not None else None,
                a.written_on if a is not None else None,
                a is None and q.as_of >= board,
                a,
            )
        )
    return tuple(sorted(rows, key=lambda r: r.number))


def facts(status: StatusReport, project: str) -> dict[str, object]:
    """What `yunhe assess` fills in: indicators by colour, key tasks overdue, problems open."""
    p = next(x for x in status.projects if x.id == project)
    colours = [rag(i.status) for i in p.indicators]
    return {
        "as_of": status.as_of,
        "red": colours.count("red"),
        "amber": colours.count("amber"),
        "green": colours.count("green"),
        "grey": colours.count("grey"),
        "overdue_tasks": [t.task for t in p.tasks if t.overdue],
        "open_problems": [q.id for q in p.problems if not q.closed],
    }


# --------------------------------------------------------------------------- 督查督办


@dataclass(frozen=True, slots=True)
class OverdueSupervision:
    project: str
    number: int
    id: str
    unit: str  # the registry's name
    requirement: str
    issued_on: dt.date
    due: dt.date
    days_overdue: int
    returned: bool  # sent back at least once
    feedback: int  # feedback entries so far


def open_on(item: SupervisionItem, day: dt.date) -> bool:
    """Issued by `day` and not closed by it."""
    return item.issued_on <= day and not item.closed_by(day)


def overdue_supervision(repo: Repository, as_of: dt.date) -> tuple[OverdueSupervision, ...]:
    """Items open on `as_of` whose due day has passed, longest overdue first."""
    index = Index.build(repo)
    numbers = {p.model.id: p.model.number for p in repo.projects}
    rows = []
    for lst in repo.supervision_lists:
        for item in lst.model.items:
            if item.overdue_on(as_of):
                unit = index.unit(item.unit)
                rows.append(
                    OverdueSupervision(
                        lst.model.project,
                        numbers.get(lst.model.project, 0),
                        item.id,
                        unit.name if unit is not None else item.unit,
                        item.requirement,
                        item.issued_on,
                        item.due,
                        (as_of - item.due).days,
                        bool([r for r in item.returns if r.on <= as_of]),
                        sum(f.on <= as_of for f in item.feedback),
                    )
                )
    return tuple(sorted(rows, key=lambda r: (-r.days_overdue, r.number, r.id)))


# --------------------------------------------------------------------------- 经验推广


@dataclass(frozen=True, slots=True)
class YearPractice:
    project: str
    number: int
    practice: Practice


def practices_of_year(repo: Repository, year: int, as_of: dt.date) -> tuple[YearPractice, ...]:
    """The good practices dated in `year` (and by `as_of`), by project and date."""
    numbers = {p.model.id: p.model.number for p in repo.projects}
    rows = [
        YearPractice(lst.model.project, numbers.get(lst.model.project, 0), pr)
        for lst in repo.practice_lists
        for pr in lst.model.practices
        if pr.on.year == year and pr.on <= as_of
    ]
    return tuple(sorted(rows, key=lambda r: (r.number, r.practice.on, r.practice.title)))
