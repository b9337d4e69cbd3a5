"""The one order of projects: `status`, the quarter's ranking and the site all order by it.

A project stands by its indicators' lights: red (滞后, off track), amber (预警, at risk), green (on
track or achieved) and grey (no data), and by its score, the mean of its indicators' scores
(actual progress over expected, 1.0 on the path). The rule: fewer reds first, then fewer ambers,
then the higher score (a project with no score after those with one), then the plan's number.
The quarter ranks from the best end (rank 1); `status` lists from the worst end, the same rule
read backwards (ties still in plan order). A project with no light (all grey) is not ranked and
comes last in both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from yunhe_cli.core.numbers import DECIMAL_ZERO

COLOURS = {"off_track": "red", "at_risk": "amber", "on_track": "green", "achieved": "green"}


def rag(status: str) -> str:
    """An indicator's light: red, amber, green, or grey (no data)."""
    return COLOURS.get(status, "grey")


@dataclass(frozen=True, slots=True)
class Standing:
    """What orders a project: its lights and its score."""

    number: int
    red: int
    amber: int
    green: int
    grey: int
    score: Decimal | None  # the mean of its indicators' scores; None: none has a score

    @property
    def ranked(self) -> bool:
        return self.red + self.amber + self.green > 0


def standing(number: int, indicators: Iterable[tuple[str, Decimal | None]]) -> Standing:
    """A project's standing from its indicators' (status, score)."""
    colours: list[str] = []
    scores: list[Decimal] = []
    for status, score in indicators:
        colours.append(rag(status))
        if score is not None:
            scores.append(score)
    mean = sum(scores, DECIMAL_ZERO) / len(scores) if scores else None
    return Standing(
        number,
        colours.count("red"),
        colours.count("amber"),
        colours.count("green"),
        colours.count("grey"),
        mean,
    )


def best_first(s: Standing) -> tuple[object, ...]:
    """Sort key of the quarter's ranking: rank 1 first."""
    return (not s.ranked, s.red, s.amber, s.score is None, -(s.score or DECIMAL_ZERO), s.number)


def worst_first(s: Standing) -> tuple[object, ...]:
    """Sort key of `status`: the same rule from the other end, ties in plan order, unranked last."""
    return (not s.ranked, -s.red, -s.amber, s.score is not None, s.score or DECIMAL_ZERO, s.number)


def ranks(standings: Iterable[Standing]) -> dict[int, int]:
    """Project number → rank (1 the best) for the projects ranked."""
    ordered = sorted((s for s in standings if s.ranked), key=best_first)
    return {s.number: n for n, s in enumerate(ordered, 1)}


def score_ties(standings: Sequence[Standing]) -> list[list[Standing]]:
    """Runs of two or more ranked projects, in the order given, with as many reds and ambers as each
    other: where the score (or, failing it, the number) decides the order."""
    runs: list[list[Standing]] = []
    for s in standings:
        if not s.ranked:
            continue
        if runs and (runs[-1][-1].red, runs[-1][-1].amber) == (s.red, s.amber):
            runs[-1].append(s)
        else:
            runs.append([s])
    return [run for run in runs if len(run) > 1]
