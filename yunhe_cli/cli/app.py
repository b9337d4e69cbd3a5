"""The command line: the Typer app, its options for every command, and where each command lives
(thin commands over the library, as sqlite-utils' cli.py over db.py).

    options.py    the shared options and `ReportOptions`, the bundle a report command runs on
    loading.py    one way to load: a data folder, `--at REV`, many counties; a report run over them
    printing.py   documents to stdout, problems to stderr, the exit status they call for
    revisions.py  what `log` and `diff` are asked about (their target, a range of revisions)
    validate.py   validate
    reports.py    status, indicators, tasks, issues; dispatch, quarter, annual, history
    history.py    log, diff
    publish.py    export xlsx|csv|parquet, site
    edits.py      report new, issue add|close|reopen, fmt
    mechanism.py  assess, supervise add|feedback|close|return, remind
    forms.py      form, import
    setup.py      init, schema, owners, setup, merge-file

Commands are registered here, in the order `yunhe --help` lists them. Heavy modules are imported
inside the commands, so that `yunhe --help` and a small command start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from yunhe_cli.cli import edits, forms, history, mechanism, publish, reports, setup, validate
from yunhe_cli.cli.options import LangOption
from yunhe_cli.cli.usage import YunheGroup

app = typer.Typer(
    name="yunhe",
    cls=YunheGroup,
    help="Track Yunhe County's Ten Major Projects plan (云和县“十项重大工程”, 2023–2027) from YAML files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        from yunhe_cli import __version__

        sys.stdout.write(f"yunhe {__version__}\n")
        raise typer.Exit()


@app.callback()
def _run_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print yunhe's version and exit. 版本。"
        ),
    ] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            file_okay=False,
            help="缓存目录。 Where files read before are remembered (default: $YUNHE_CACHE_DIR, "
            "else the user's cache folder). The cache never changes an answer; see README.",
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="不用缓存。 Read every file afresh and remember nothing (also YUNHE_NO_CACHE=1).",
        ),
    ] = False,
    lang: LangOption = None,
) -> None:
    """Options for every command: yunhe [--cache-dir DIR | --no-cache] [--lang zh|en] COMMAND ..."""
    from yunhe_cli.cli.progress import install_if_wanted
    from yunhe_cli.store import cache

    cache.configure(cache_dir, enabled=not no_cache)
    install_if_wanted()


app.command()(validate.validate)

app.command()(reports.status)
app.command()(reports.indicators)
app.command()(reports.tasks)
app.command("issues")(reports.issues_command)
app.command()(reports.dispatch)
app.command()(reports.quarter)
app.command()(reports.annual)
app.command()(reports.history)
app.command()(mechanism.remind)

app.command("log")(history.log_command)
app.command("diff")(history.diff_command)

app.add_typer(publish.export_app, name="export")
app.command()(publish.site)

app.add_typer(edits.report_app, name="report")
app.add_typer(edits.issue_app, name="issue")
app.command()(mechanism.assess)
app.add_typer(mechanism.supervise_app, name="supervise")

app.command("form")(forms.form_command)
app.command("import")(forms.import_command)

app.command()(setup.init)
app.command()(edits.fmt)
app.command()(setup.schema)
app.command()(setup.owners)
app.command("setup")(setup.setup_command)
app.command("merge-file")(setup.merge_file)


def main() -> None:
    app()
