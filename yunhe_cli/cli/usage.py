"""The command line's own words in the language of the run: click's and Typer's usage errors
("Usage:", "No such option", "Invalid value for", "Missing argument" …) go through the catalogue
(`outputs.messages.USAGE`) by the gettext name `_` they call, and the group's `main` settles the
language from the words typed before anything is parsed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from typer.core import TyperGroup

from yunhe_cli.cli.help import install
from yunhe_cli.cli.options import ARGS, usage_lang
from yunhe_cli.outputs.labels import Lang
from yunhe_cli.outputs.messages import usage_text, usage_word


def show_error(error: Exception, lang: Lang) -> None:
    """A usage error as Typer prints it (usage line, the help hint, the message in a panel),
    every word of it in `lang`."""
    from typer._click.exceptions import UsageError

    ctx = getattr(error, "ctx", None)
    message = usage_text(error.format_message(), lang)  # type: ignore[attr-defined]
    try:
        from typer import rich_utils
    except ImportError:  # Typer without rich: click's plain layout
        rich_utils = None  # type: ignore[assignment]
    if isinstance(error, UsageError) and ctx is not None:
        usage = ctx.get_usage()
        if lang is Lang.zh and usage.startswith("Usage: "):
            usage = usage_word("usage", lang) + usage[len("Usage: ") :]
        ctx.get_usage = lambda: usage
    if rich_utils is None:
        import sys

        if ctx is not None:
            sys.stderr.write(ctx.get_usage() + "\n")
            hint = usage_word("try.plain", lang).format(
                command_path=ctx.command_path, help_option=ctx.help_option_names[0]
            )
            sys.stderr.write(hint + "\n")
        sys.stderr.write(f"{usage_word('error', lang)}: {message}\n")
        return
    rich_utils.ERRORS_PANEL_TITLE = usage_word("error", lang)
    rich_utils.RICH_HELP = usage_word("try", lang)
    error.format_message = lambda: message  # type: ignore[attr-defined]
    rich_utils.rich_format_error(error)  # type: ignore[arg-type]


class YunheGroup(TyperGroup):
    """The app's group: a usage error is said in the language of the run (from its words)."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        import sys

        from typer._click.exceptions import ClickException
        from typer.exceptions import Abort

        if not kwargs.get("standalone_mode", True):
            return super().main(args, *rest, **kwargs)
        kwargs["standalone_mode"] = False
        words = tuple(sys.argv[1:] if args is None else args)
        token = ARGS.set(words)
        install(self)
        try:
            try:
                result = super().main(args, *rest, **kwargs)
            except ClickException as error:
                if error.__class__.__name__ != "NoArgsIsHelpError":  # the help was printed
                    show_error(error, usage_lang(words))
                sys.exit(error.exit_code)
            except Abort:
                sys.stderr.write(usage_word("aborted", usage_lang(words)) + "\n")
                sys.exit(1)
        finally:
            ARGS.reset(token)
        sys.exit(result if isinstance(result, int) else 0)
