"""The audit trail read from git: `yunhe log` (every change of a figure, task or problem) and
`yunhe diff` (what changed between two states of the data, in its own terms).

What the arguments name is read by `cli.revisions`; `--at REV` for the reports is loaded by
`cli.loading`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from yunhe_cli.cli.loading import open_git
from yunhe_cli.cli.options import (
    AsOfOption,
    DataOption,
    FormatOption,
    LangOption,
    MaxCountOption,
    NoPagerOption,
    check_month_given,
    data_root,
    date_option,
    find_data_root,
    settled_lang,
)
from yunhe_cli.cli.pager import paged
from yunhe_cli.cli.printing import emit, emit_document, print_problems, rendered, stdout_format
from yunhe_cli.cli.revisions import log_selection, revision_range
from yunhe_cli.outputs.formats import OutputFormat
from yunhe_cli.outputs.labels import Lang

if TYPE_CHECKING:
    from yunhe_cli.outputs.views import TableView
    from yunhe_cli.reports.changes import LogEntry, LogReading


def log_command(
    what: Annotated[
        str | None,
        typer.Argument(
            metavar="[PROJECT[.INDICATOR|.TASK]|PROBLEM-ID]",
            help="工程、指标、任务或问题。 "
            "p01, p01.investment, p01.deployment or p01-002; nothing: every change.",
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", metavar="YYYY-MM", help="只看此月。 Only the figures and tasks of this month."
        ),
    ] = None,
    since: Annotated[
        dt.date | None, date_option("--since", "起始日期。 Only commits made on or after this day.")
    ] = None,
    until: Annotated[
        dt.date | None, date_option("--until", "截止日期。 Only commits made on or before this day.")
    ] = None,
    max_count: MaxCountOption = None,
    no_pager: NoPagerOption = False,
    data: DataOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
) -> None:
    """Every change of a figure, a task update or a problem, old → new, with author, date, commit and
    message, newest first (变更记录). Reformatting alone is not a change."""
    from yunhe_cli.outputs.change_views import log_json, log_view
    from yunhe_cli.reports.changes import Log, LogReading
    from yunhe_cli.store.git import GitError

    check_month_given(period)
    root = data_root(data)  # a folder that is not a data folder is a usage error, not an empty log
    git, prefix = open_git(root)
    selection = log_selection(root, what, period, since, until)
    language = settled_lang(lang, data)
    title = what or ("全部" if language is Lang.zh else "everything")
    reading = LogReading(git, prefix, selection)
    fmt = stdout_format(output_format)
    shown: int | None = None  # stays None when the reader quits the pager before the end
    try:
        if git.is_shallow():
            raise GitError(
                "this clone is shallow, so the log would miss changes; run `git fetch --unshallow`"
            )
        with paged(no_pager):
            if sys.stdout.isatty() and fmt in (OutputFormat.table, OutputFormat.plain, OutputFormat.markdown):
                shown = _screens(reading, language, title, fmt, max_count, bool(what))
            else:  # a pipe, a file or a document: one table, aligned over every row
                entries = list(itertools.islice(reading, max_count))
                result = Log(entries, reading.problems, reading.known, reading.first)
                if what and not entries and not reading.known:
                    raise _unknown(root, what)
                emit(log_view(result, language, title), log_json(result, what or ""), fmt)
                shown = len(entries)
    except GitError as exc:
        raise typer.BadParameter(str(exc), param_hint="--data") from None
    if what and shown == 0 and not reading.known:
        raise _unknown(root, what)
    print_problems(reading.problems)
    raise typer.Exit(1 if reading.problems else 0)


def _unknown(root: Path, what: str) -> typer.BadParameter:
    return typer.BadParameter(f"nothing in the history of {root} is called {what!r}", param_hint="WHAT")


def _screens(
    reading: LogReading, lang: Lang, title: str, fmt: OutputFormat, max_count: int | None, named: bool
) -> int:
    """The log on a terminal, a screen at a time as the history is read: the first screen as soon
    as its changes are found, then blocks of the rest, each with the column heads, the title once.
    How many changes were shown (none, and nothing printed, for a name the history never held)."""
    import shutil

    from yunhe_cli.outputs.change_views import log_view
    from yunhe_cli.reports.changes import Log

    block: list[LogEntry] = []
    size = max(shutil.get_terminal_size().lines, 20)  # the first screen: one row or more a line
    shown = 0
    for entry in itertools.islice(reading, max_count):
        block.append(entry)
        if len(block) >= size:
            _block(log_view(Log(block, [], set(), None), lang, title), fmt, first=not shown)
            shown += len(block)
            block, size = [], 1000
    if block or (not shown and (reading.known or not named)):
        _block(log_view(Log(block, [], set(), None), lang, title), fmt, first=not shown)
        shown += len(block)
    return shown


def _block(view: TableView, fmt: OutputFormat, first: bool) -> None:
    out = rendered([view], {}, fmt)
    if not first:  # the title and the blank line after it, once is enough
        out = "\n" + out.split("\n", 2)[2]
    sys.stdout.write(out)
    sys.stdout.flush()


def diff_command(
    revs: Annotated[
        str | None,
        typer.Argument(
            metavar="[REV1..REV2]",
            help="比较的版本。 "
            "REV1..REV2, REV1...REV2 (from their merge base), or REV (against the work tree). "
            "Default: the last commit against the work tree; in a pull request's CI, its base against HEAD.",
        ),
    ] = None,
    staged: Annotated[
        bool,
        typer.Option("--staged", help="与暂存区比较。 Compare with the staged files, not the work tree."),
    ] = False,
    no_pager: NoPagerOption = False,
    data: DataOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
) -> None:
    """What changed between two states of the data, in its own terms: figures, statuses, tasks done,
    problems opened, closed and reopened, reports submitted (语义差异). Markdown fits a pull request."""
    from yunhe_cli.outputs.change_views import diff_json, diff_views
    from yunhe_cli.reports.changes import diff_states
    from yunhe_cli.store.git import GitError
    from yunhe_cli.store.snapshot import at_revision, work_tree
    from yunhe_cli.store.snapshot import staged as staged_snapshot

    root = data if data is not None else find_data_root()
    git, prefix = open_git(root)
    try:
        base_name, target_name = revision_range(git, revs, os.environ.get("GITHUB_BASE_REF"))
        base = at_revision(git, prefix, base_name)
        if target_name:
            target = at_revision(git, prefix, target_name)
        elif staged:
            target, target_name = staged_snapshot(git, prefix), "(staged)"
        else:
            target, _ = work_tree(root)
            target_name = "(work tree)"
    except GitError as exc:
        raise typer.BadParameter(str(exc), param_hint="REV1..REV2") from None
    result = diff_states(base, target, base_name, target_name, as_of or dt.date.today())
    with paged(no_pager):
        emit_document(diff_views(result, settled_lang(lang, data)), diff_json(result), output_format)
    errors = [p for p in result.problems if p.severity == "error"]  # warnings are for `yunhe validate`
    print_problems(errors)
    raise typer.Exit(1 if errors else 0)
