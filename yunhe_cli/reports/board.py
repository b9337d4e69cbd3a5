"""The quarter's board (晾晒) a published output shows: the last quarter whose reports have fallen
due, read by `quarterly.quarter` on its own board day. `yunhe quarter`, the site and `yunhe export`
all show this one board, so a quarter never has two rankings."""

from __future__ import annotations

import datetime as dt

from yunhe_cli.core.repository import Repository
from yunhe_cli.reports.meetings import OutsidePlan, check_year
from yunhe_cli.reports.quarterly import Quarter, quarter, quarter_as_of


def latest_quarter(repo: Repository, as_of: dt.date) -> tuple[int, int] | None:
    """The last quarter whose reports have fallen due by `as_of` (the one a meeting would show)."""
    for year in range(as_of.year, as_of.year - 2, -1):
        for q in (4, 3, 2, 1):
            try:
                check_year(repo, year)
            except OutsidePlan:
                continue
            if quarter_as_of(repo, year, q) <= as_of:
                return year, q
    return None


def latest_board(repo: Repository, as_of: dt.date) -> Quarter | None:
    """The board of the last quarter due by `as_of`, as `yunhe quarter` prints it; None before the first."""
    which = latest_quarter(repo, as_of)
    return None if which is None else quarter(repo, *which, as_of)
