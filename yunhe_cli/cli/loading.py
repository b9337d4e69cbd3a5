"""One way to load the data a command asked for: a folder (validated), the data at `--at REV`,
or many counties, each on its own; and one way to run a report command over what loaded.

Problems met while loading go to stderr through `printing.report_errors`, which sets the exit
status; the report is still shown from what loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from yunhe_cli.cli.options import DATA_FOLDER_HELP, ReportOptions, data_root, find_data_root
from yunhe_cli.cli.printing import at_day, emit_document, report_errors
from yunhe_cli.outputs.formats import OutputFormat
from yunhe_cli.outputs.problem_printer import safe_text

if TYPE_CHECKING:
    from yunhe_cli.core.problems import Problem
    from yunhe_cli.core.repository import Repository
    from yunhe_cli.outputs.views import TableView
    from yunhe_cli.reports.query import Query
    from yunhe_cli.reports.rollup import StatusReport
    from yunhe_cli.store.git import Git

Build = Callable[["StatusReport", "Query"], tuple[list["TableView"], dict[str, object]]]
"""What a report command shows of one county's roll-up: its tables and its JSON document."""


def open_git(root: Path) -> tuple[Git, str]:
    """The git repository holding `root`, and `root`'s path in it; none is a usage error."""
    from yunhe_cli.store.git import GitError, open_repository

    try:
        return open_repository(root)
    except GitError as exc:
        raise typer.BadParameter(str(exc), param_hint="--data") from None


def resolve_day(root: Path, at: str) -> str:
    """`--at` as given, or for a day (YYYY-MM-DD) the last commit of the first-parent history on
    or before it, said on stderr (stdout stays byte for byte the report of that commit)."""
    from yunhe_cli.store.git import day_named, open_repository

    day = day_named(at)
    if day is None:
        return at
    git, _ = open_repository(root)
    commit = git.last_commit_on(day)
    at_day(at, commit)
    return commit.short


def load_repo(
    data: Path | None, at: str | None = None, as_of: dt.date | None = None
) -> tuple[Repository, int]:
    """Validate and load (from git at `at` when given); problems go to stderr and make the exit status 1.

    Nothing done may be dated after today, or after --as-of when that is later: a report as of
    a past day leaves out what came later without calling it wrong.
    """
    repo, _, code = load_repo_problems(data, at, as_of)
    return repo, code


def load_repo_problems(
    data: Path | None, at: str | None = None, as_of: dt.date | None = None
) -> tuple[Repository, list[Problem], int]:
    """As `load_repo`, with every problem found (warnings too)."""
    from yunhe_cli.checks.validation import validate as run_validate

    root = data_root(data) if at is None else (data if data is not None else find_data_root())
    today = dt.date.today()
    checked_on = max(as_of, today) if as_of else today
    if at is not None:
        from yunhe_cli.checks.validation import NotDataFolder, load_at
        from yunhe_cli.store.git import GitError

        try:
            at = resolve_day(root, at)
            repo, problems = load_at(root, at, checked_on)
        except NotDataFolder as exc:  # as data_root says of a folder on disk
            raise typer.BadParameter(
                f"{safe_text(str(exc))}. {DATA_FOLDER_HELP}", param_hint="--data"
            ) from None
        except GitError as exc:
            raise typer.BadParameter(str(exc), param_hint="--at") from None
    else:
        repo, problems = run_validate(root, today=checked_on)
    return repo, problems, report_errors(problems, len(repo.files))


def load_report(options: ReportOptions, data: Path | None) -> tuple[StatusReport, Query, int]:
    """Validate and roll up one county (problems go to stderr; the report is still shown from what
    loaded).

    Returns the report, the filters resolved (an unknown name is a usage error with the nearest
    candidates), and the exit status.
    """
    from yunhe_cli.reports.query import Query, UnknownName
    from yunhe_cli.reports.rollup import roll_up
    from yunhe_cli.store.loader import paused_gc

    repo, code = load_repo(data, options.at, options.as_of)
    try:
        query = Query.resolve(
            repo, options.project, options.unit, options.convener, options.status, options.overdue
        )
    except UnknownName as exc:
        hint = {"project": "--project", "indicator": "INDICATOR"}.get(exc.what)
        if hint is None:
            hint = "--unit" if exc.what.startswith("unit") else "--convener"
        raise typer.BadParameter(str(exc), param_hint=hint) from None
    with paused_gc():  # the roll-up makes many objects and no cycles (see loader.paused_gc)
        return roll_up(repo, options.today, query.projects), query, code


def run_report(options: ReportOptions, build: Build) -> None:
    """One report command over one data folder or many: each county rolled up on its own, labelled;
    printed, and the exit status the worst county calls for."""
    if len(options.folders) <= 1:
        report, query, code = load_report(options, options.data)
        views, doc = build(report, query)
        emit_document(views, doc, options.output_format)
        raise typer.Exit(code)
    from yunhe_cli.core.progress import each
    from yunhe_cli.outputs.counties import counties, label, labelled_document, labelled_views, merged_document

    per_views, per_docs, worst = [], [], 0
    for county in each("progress.counties", counties(list(options.folders)), label):
        report, query, code = load_report(options, county.root)
        views, doc = build(report, query)
        per_views.append((county.label, views))
        per_docs.append((county.label, doc))
        worst = max(worst, code)
    # CSV is a projection of the JSON document: one table of every county's records, county first.
    csv = options.output_format is OutputFormat.csv
    doc = merged_document(per_docs) if csv else labelled_document(per_docs)
    emit_document(labelled_views(per_views, options.lang), doc, options.output_format)
    raise typer.Exit(worst)
