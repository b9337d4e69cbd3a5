"""Kept only so that `cli/app.py` keeps importing from here until it follows the split; delete it
then. Nothing else may import it.

What an analyst changes now lives by what it is: `edits.drafts` (report new), `edits.problems`
(issue add/close/reopen), `edits.fmt` (canonical layout and its cache), `edits.session` (the
checked folder, the project a command names, the one checked, locked, atomic write).
"""

from yunhe_cli.edits.drafts import default_period, new_report_text, write_new_report
from yunhe_cli.edits.fmt import CanonicalCache, FormatError, format_file, format_text
from yunhe_cli.edits.problems import add_problem, close_problem, reopen_problem
from yunhe_cli.edits.session import UnknownProject, UnknownUnit, checked_repo, project_of

__all__ = [
    "CanonicalCache",
    "FormatError",
    "UnknownProject",
    "UnknownUnit",
    "add_problem",
    "checked_repo",
    "close_problem",
    "default_period",
    "format_file",
    "format_text",
    "new_report_text",
    "project_of",
    "reopen_problem",
    "write_new_report",
]
