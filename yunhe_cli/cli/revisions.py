"""What `yunhe log` and `yunhe diff` are asked about, read from their arguments: the log's target
(a project, an indicator or task of one, or a problem id) and the diff's range of revisions.

Neither reads the terminal or the environment, nor needs typer: they belong a floor down, in
`reports/changes.py`, and live here only until that module can take them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from yunhe_cli.reports.changes import Selection
    from yunhe_cli.store.git import Git


def log_selection(
    root: Path, what: str | None, period: str | None, since: dt.date | None, until: dt.date | None
) -> Selection:
    """What `yunhe log WHAT` reads in the history of the data folder `root`.

    `p01.investment` or `p01.deployment`: an item of a project; `p01` (or a project file's name):
    a project; anything else a problem id (p01-002), whose project's list alone is read when it
    names one. Nothing: every change.
    """
    from yunhe_cli.reports.changes import Selection

    if not what:
        return Selection(period=period, since=since, until=until)
    if "." in what:
        project, _, item = what.partition(".")
        return Selection(project, item, None, period, since, until)
    if (root / "projects" / f"{what}.yaml").is_file() or re.fullmatch(r"p\d+", what):
        return Selection(what, None, None, period, since, until)
    # A problem id names its project (p01-002): then only that project's list is read.
    owner = what.rsplit("-", 1)[0]
    in_list = owner if (root / "issues" / f"{owner}.yaml").is_file() else None
    return Selection(in_list, None, what, period, since, until)


def revision_range(git: Git, revs: str | None, base_ref: str | None) -> tuple[str, str]:
    """The two states `yunhe diff REVS` compares, as (base, target); target "" is the work tree
    (or the index, with --staged).

    REV1..REV2; REV1...REV2 (from their merge base); REV (against the work tree); nothing: in a
    pull request's CI (`base_ref`, GitHub's GITHUB_BASE_REF) its base against HEAD, else the last
    commit against the work tree. Raises GitError when a merge base cannot be found.
    """
    if revs is None and base_ref:
        return git.merge_base(f"origin/{base_ref}", "HEAD")[:10], "HEAD"
    if revs is None:
        return "HEAD", ""
    if "..." in revs:
        a, _, b = revs.partition("...")
        return git.merge_base(a or "HEAD", b or "HEAD")[:10], b or "HEAD"
    if ".." in revs:
        a, _, b = revs.partition("..")
        return a or "HEAD", b or "HEAD"
    return revs, ""
