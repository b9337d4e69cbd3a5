"""What the commands print: documents to stdout in the format asked for, problems to stderr, and
the exit status the problems call for.

The one rule for problems met while loading: errors are printed to stderr and make the exit
status 1; warnings are left to `yunhe validate` (`report_errors`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from yunhe_cli.outputs.formats import OutputFormat
from yunhe_cli.outputs.labels import Lang
from yunhe_cli.outputs.messages import text
from yunhe_cli.outputs.problem_printer import ProblemFormat

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from yunhe_cli.core.problems import Problem
    from yunhe_cli.outputs.views import TableView
    from yunhe_cli.store.git import Commit


def run_lang() -> Lang:
    """The language of the run (its --lang, else the data's, $YUNHE_LANG, the locale)."""
    from yunhe_cli.cli.options import settled_lang

    return settled_lang(None)


def emit(view: TableView, doc: dict[str, object], output_format: OutputFormat | None) -> None:
    """One table and its document, in the format asked for."""
    emit_document([view], doc, output_format)


def emit_document(views: list[TableView], doc: dict[str, object], output_format: OutputFormat | None) -> None:
    """Tables and their document to stdout: the format asked for, else table on a terminal, else plain."""
    sys.stdout.write(rendered(views, doc, output_format))


def stdout_format(output_format: OutputFormat | None) -> OutputFormat:
    """The format asked for, else table on a terminal, else plain."""
    return output_format or (OutputFormat.table if sys.stdout.isatty() else OutputFormat.plain)


def rendered(views: list[TableView], doc: dict[str, object], output_format: OutputFormat | None) -> str:
    """Tables and their document as `emit_document` writes them to stdout."""
    from yunhe_cli.outputs.formats import render_document

    fmt = stdout_format(output_format)
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    width = None
    if sys.stdout.isatty() or "COLUMNS" in os.environ:  # COLUMNS: a width asked for (scripts, tests)
        import shutil

        width = shutil.get_terminal_size().columns
    return render_document(views, doc, fmt, color=color, width=width)


def at_day(day: str, commit: Commit) -> None:
    """Which commit `--at DAY` read, to stderr, so that stdout stays the report of that commit."""
    when = commit.committer_date.strftime("%Y-%m-%d %H:%M")
    sys.stderr.write(text("at_day", run_lang(), day=day, commit=commit.short, when=when) + "\n")


def report_errors(problems: Sequence[Problem], files: int) -> int:
    """The errors among `problems` to stderr (warnings are for `yunhe validate`); the exit status."""
    from yunhe_cli.outputs.problem_printer import render_text

    errors = [p for p in problems if p.severity == "error"]
    if errors:
        sys.stderr.write(render_text(errors, files, run_lang()))
    return 1 if errors else 0


def print_problems(problems: Sequence[Problem]) -> None:
    """Problems to stderr, one line each."""
    from yunhe_cli.outputs.problem_printer import problem_line

    lang = run_lang()
    for p in problems:
        sys.stderr.write(problem_line(p, lang) + "\n")


def emit_problems(problems: list[Problem], files: int, output_format: ProblemFormat) -> None:
    """Problems through the one renderer per format: text to stderr, json and github to stdout."""
    from yunhe_cli.outputs.problem_printer import RENDERERS

    out = RENDERERS[output_format](problems, files, run_lang())
    (sys.stderr if output_format is ProblemFormat.text else sys.stdout).write(out)


def refused(exc: Exception) -> typer.Exit:
    """The problems that stopped a write, placed, and the assurance that nothing changed."""
    from yunhe_cli.outputs.problem_printer import problem_line
    from yunhe_cli.store.write import WriteRefused

    assert isinstance(exc, WriteRefused)
    lang = run_lang()
    for p in exc.problems:
        sys.stderr.write(problem_line(p, lang) + "\n")
    sys.stderr.write(text("nothing_written", lang) + "\n")
    return typer.Exit(1)


def notices(problems: list[Problem]) -> None:
    """Problems already in the data, elsewhere than the file written: shown, not blocking."""
    if problems:
        from yunhe_cli.outputs.problem_printer import problem_line

        lang = run_lang()
        sys.stderr.write(text("notices", lang) + "\n")
        sys.stderr.write("".join(problem_line(p, lang) + "\n" for p in problems))


def export_failed(out: Path, exc: Exception) -> typer.Exit:
    """An output that could not be written: why, on one line, and exit status 1."""
    from yunhe_cli.outputs.problem_printer import safe_text
    from yunhe_cli.store.write import WriteRefused

    reason = (
        exc.problems[0].message
        if isinstance(exc, WriteRefused)
        else (exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__)
    )
    message = text("export_failed", run_lang(), out=safe_text(str(out)), reason=safe_text(reason))
    sys.stderr.write(message + "\n")
    return typer.Exit(1)


def notice(key: str, lang: Lang | None = None, /, **params: object) -> None:
    """What a write did, to stdout, in the run's language (or `lang`): the catalogue's `key`
    (`outputs.messages.TEXTS`) filled with `params`, each made safe to print."""
    from yunhe_cli.outputs.problem_printer import safe_text

    said = {name: safe_text(str(value)) for name, value in params.items()}
    sys.stdout.write(text(key, lang or run_lang(), **said) + "\n")


# A write's notice: its catalogue key and what fills it (the file written is `path`).
Notice = tuple[str, dict[str, object]]


def run_write(
    action: Callable[[list[Problem]], Path],
    done: Notice | Callable[[], Notice],
    project_hint: str = "PROJECT",
    unit_hint: str = "--unit",
) -> None:
    """Run a write command's change: print what it did and the problems already elsewhere, or what
    refused it (exit 1), or name the option an unknown project or unit came from (exit 2)."""
    from yunhe_cli.edits.problems import UnknownId
    from yunhe_cli.edits.session import UnknownProject, UnknownUnit
    from yunhe_cli.outputs.messages import coded_message
    from yunhe_cli.outputs.problem_printer import safe_text
    from yunhe_cli.store.write import WriteRefused

    elsewhere: list[Problem] = []
    try:
        path = action(elsewhere)
    except WriteRefused as exc:
        raise refused(exc) from None
    except UnknownId as exc:  # placed at the argument: no file holds what is not there
        lang = run_lang()
        said = coded_message(exc.code, str(exc), lang)
        sys.stderr.write(f"ID: {exc.code} {safe_text(said)}\n{text('nothing_written', lang)}\n")
        raise typer.Exit(1) from None
    except UnknownProject as exc:
        raise typer.BadParameter(str(exc), param_hint=project_hint) from None
    except UnknownUnit as exc:
        raise typer.BadParameter(str(exc), param_hint=unit_hint) from None
    key, params = done if isinstance(done, tuple) else done()
    notice(key, path=path, **params)
    notices(elsewhere)
