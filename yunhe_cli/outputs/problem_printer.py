"""How `yunhe validate` prints problems: one renderer per output format (as pip-audit does).

Problems go to stderr in `text`; `json` and `github` are for programs and go to stdout.
Text from the data is never allowed to act on the terminal or on the CI runner: control
characters are escaped, and GitHub workflow commands are escaped as GitHub documents.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path

from yunhe_cli.core.problems import Problem
from yunhe_cli.outputs.labels import Lang
from yunhe_cli.outputs.messages import problem_message, text

# Control characters, line and paragraph separators, and every format character (Unicode
# category Cf: bidirectional overrides and isolates U+202A-U+202E, U+2066-U+2069, marks U+200E/F,
# zero-width characters, the soft hyphen, ...). A test checks the Cf ranges against unicodedata.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029"
    "\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


class ProblemFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def safe_text(text: str) -> str:
    """`text` with control and format characters (ESC, BEL, a bidi override ...) shown as escapes.

    Never sent raw: they could move the cursor, ring, or reorder what the reader sees.
    """
    return _CONTROL.sub(_escape, text).replace("\n", "\\n")


def shown_path(path: Path) -> str:
    """The path relative to the working folder when it lies below it.

    Only the folder is resolved: the entry itself is named as it is, even when it is a link
    (to another file, or a loop, which `Path.resolve` would raise on).
    """
    if not path.is_absolute():
        return path.as_posix()
    try:
        real = Path(os.path.realpath(path.parent), path.name)
        return real.relative_to(os.path.realpath(Path.cwd())).as_posix()
    except ValueError:
        return path.as_posix()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def problem_line(p: Problem, lang: Lang = Lang.en) -> str:
    """path:line:col: CODE message — the one way a problem is written for people."""
    message = problem_message(p, lang)
    return f"{safe_text(shown_path(p.path))}:{p.line}:{p.col}: {p.code} {safe_text(message)}"


def render_text(problems: Sequence[Problem], files: int, lang: Lang = Lang.en) -> str:
    lines = [problem_line(p, lang) for p in problems]
    warnings = sum(p.severity == "warning" for p in problems)
    errors = len(problems) - warnings
    counts = {
        "files": files,
        "errors": errors,
        "warnings": warnings,
        "errors_text": _count(errors, "problem"),
        "warnings_text": _count(warnings, "warning"),
    }
    key = "summary.clean" if not problems else "summary.errors" if not warnings else "summary.both"
    lines.append(text(key, lang, **counts))
    return "\n".join(lines) + "\n"


def render_json(problems: Sequence[Problem], files: int, lang: Lang = Lang.en) -> str:
    doc = {
        "version": 1,
        "files": files,
        "problems": [
            {
                "path": shown_path(p.path),
                "line": p.line,
                "col": p.col,
                "code": p.code,
                "name": p.name,
                "severity": p.severity,
                "message": p.message,
            }
            for p in problems
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(problems: Sequence[Problem], files: int, lang: Lang = Lang.en) -> str:
    lines = [
        f"::{p.severity} file={_gh_property(safe_text(shown_path(p.path)))},line={p.line},col={p.col},"
        f"title={_gh_property(p.code + ' ' + p.name)}::{_gh_data(safe_text(p.message))}"
        for p in problems
    ]
    return "".join(line + "\n" for line in lines)


# Each takes the problems, the number of files and the language (only text is for people:
# json and github keep the messages as built, for programs).
RENDERERS: dict[ProblemFormat, Callable[[Sequence[Problem], int, Lang], str]] = {
    ProblemFormat.text: render_text,
    ProblemFormat.json: render_json,
    ProblemFormat.github: render_github,
}
