"""季分析 (晾晒, the quarterly ranking): indicators and projects ranked by progress against their
paths, each quarter read on its own board day, with the movement since the previous quarter."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from yunhe_cli.core.numbers import DECIMAL_ZERO
from yunhe_cli.core.periods import report_due
from yunhe_cli.core.repository import Repository
from yunhe_cli.reports.meetings import due_day
from yunhe_cli.reports.order import best_first, rag, ranks
from yunhe_cli.reports.rollup import IndicatorProgress, StatusReport, roll_up

QUARTER = re.compile(r"^([0-9]{4})-?Q([1-4])$", re.IGNORECASE)


def parse_quarter(text: str) -> tuple[int, int]:
    match = QUARTER.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a quarter written YYYY-Qn (2026-Q3)")
    return int(match.group(1)), int(match.group(2))


def quarter_end_period(year: int, quarter: int) -> str:
    return f"{year:04d}-{quarter * 3:02d}"


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


@dataclass(frozen=True, slots=True)
class RankedIndicator:
    rank: int | None  # None: not ranked (no score)
    previous_rank: int | None
    progress: IndicatorProgress
    number: int
    previous_status: str | None = None  # None: not in the previous quarter's roll-up


@dataclass(frozen=True, slots=True)
class RankedProject:
    rank: int | None
    previous_rank: int | None
    id: str
    number: int
    name: str
    name_en: str | None
    convener: str
    lead_unit: str
    score: Decimal | None  # mean score of its scored indicators
    red: int
    amber: int
    green: int
    grey: int
    short_name: str | None = None  # the plan's shorthand, for narrow tables
    short_name_en: str | None = None


@dataclass(frozen=True, slots=True)
class Quarter:
    year: int
    quarter: int
    as_of: dt.date
    previous_as_of: dt.date
    indicators: tuple[RankedIndicator, ...]
    projects: tuple[RankedProject, ...]
    rag: dict[str, int]


def quarter_as_of(repo: Repository, year: int, quarter: int, as_of: dt.date | None = None) -> dt.date:
    """A quarter's board day: the due day of its last monthly report, or `as_of` when earlier."""
    due = report_due(quarter_end_period(year, quarter), due_day(repo))
    return due if as_of is None or as_of > due else as_of


COLOUR_ORDER = {"green": 0, "amber": 1, "red": 2}


def _ranks(
    report: StatusReport,
) -> tuple[dict[tuple[str, str], int], dict[str, int], dict[str, Decimal | None]]:
    """Every indicator with a colour is ranked, green before amber before red (so a rank never
    contradicts a colour), then by score within its colour; grey (no data) is not ranked."""
    coloured = [i for i in report.indicators() if rag(i.status) != "grey"]
    ranked = sorted(
        coloured,
        key=lambda i: (
            COLOUR_ORDER[rag(i.status)],
            i.score is None,
            -(i.score if i.score is not None else DECIMAL_ZERO),
            i.project,
            i.indicator,
        ),
    )
    indicator_rank = {(i.project, i.indicator): n for n, i in enumerate(ranked, 1)}
    standings = {p.id: p.standing() for p in report.projects}
    by_number = ranks(standings.values())  # projects: the one order (`reports.order`)
    project_rank = {pid: by_number[s.number] for pid, s in standings.items() if s.number in by_number}
    return indicator_rank, project_rank, {pid: s.score for pid, s in standings.items()}


def quarter(repo: Repository, year: int, q: int, as_of: dt.date | None = None) -> Quarter:
    """季分析: indicators and projects ranked by progress against their paths, with the movement."""
    when = quarter_as_of(repo, year, q, as_of)  # each quarter as known on its own board day
    py, pq = previous_quarter(year, q)
    before_when = quarter_as_of(repo, py, pq, as_of)
    now, before = roll_up(repo, when), roll_up(repo, before_when)
    ranks, project_ranks, means = _ranks(now)
    old_ranks, old_project_ranks, _ = _ranks(before)
    old_status = {(i.project, i.indicator): i.status for i in before.indicators()}
    numbers = {p.id: p.number for p in now.projects}
    indicators = sorted(
        (
            RankedIndicator(
                ranks.get((i.project, i.indicator)),
                old_ranks.get((i.project, i.indicator)),
                i,
                numbers[i.project],
                old_status.get((i.project, i.indicator)),
            )
            for i in now.indicators()
        ),
        key=lambda r: (r.rank is None, r.rank or 0, r.number, r.progress.indicator),
    )
    projects = []
    for p in sorted(now.projects, key=lambda p: best_first(p.standing())):
        s = p.standing()
        projects.append(
            RankedProject(
                project_ranks.get(p.id),
                old_project_ranks.get(p.id),
                p.id,
                p.number,
                p.name,
                p.name_en,
                p.convener,
                p.lead_unit,
                means[p.id],
                s.red,
                s.amber,
                s.green,
                s.grey,
                p.short_name,
                p.short_name_en,
            )
        )
    totals = {c: sum(rag(i.status) == c for i in now.indicators()) for c in ("red", "amber", "green", "grey")}
    return Quarter(year, q, when, before_when, tuple(indicators), tuple(projects), totals)
