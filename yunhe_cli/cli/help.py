"""`--help` as a person reads it, in the language of the run.

Typer's rich help lays options out in a table whose help column cuts a word it cannot wrap with
"…": rich breaks lines only at spaces, so a Chinese sentence (no spaces) wider than the column
was cut. Here the help texts are `Wrapped`: lines break at spaces and between Chinese characters,
never inside a Latin word, number or code, never before a closing mark (，。）…) nor after an
opening one (（“…), the usual 避头尾 rule. Metavars are written as a person writes them (`DIR`,
`FILE`, `zh|en`, `PROJECT`; nothing on a flag) and bounds are said in words. Each command's
first line is its summary in the language of the run (`outputs.help_texts.SUMMARY_ZH`, else the
docstring). The rich renderer is borrowed only while a help is printed (`install`), so a run that
prints no help imports no rich.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from yunhe_cli.outputs.help_texts import SUMMARY_ZH, bounds, word
from yunhe_cli.outputs.labels import Lang

OPENING = set("（「『《〈【〔“‘([{")
CLOSING = set("，。、；：！？）」』》〉】〕”’,.;:!?)]}…%")


def cells(text: str) -> int:
    """How many terminal cells `text` takes (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


KEEP = 6  # a Chinese phrase of up to this many characters between marks stays on one line


def _kind(group: str) -> str:
    if all(ch in OPENING for ch in group) or (not _wide(group[-1]) and group[-1] in OPENING):
        return "open"
    return "close" if group[0] in CLOSING else "wide" if _wide(group[0]) else "narrow"


def atoms(run: str) -> list[str]:
    """A run without spaces cut where a line may break: between Chinese words (a phrase of up to
    `KEEP` characters between marks stays whole, a longer one breaks between characters), never
    inside a Latin word, number, path or code; closing marks stay with what precedes them,
    opening marks with what follows."""
    groups: list[str] = []
    for ch in run:
        wide = _wide(ch)
        prev = groups[-1][-1] if groups else ""
        marks = wide and (ch in OPENING or ch in CLOSING or prev in OPENING or prev in CLOSING)
        if groups and wide == _wide(prev) and not marks:
            groups[-1] += ch
        else:
            groups.append(ch)
    pieces: list[str] = []
    opening = ""
    for group in groups:
        kind = _kind(group)
        if kind == "open":
            opening += group
        elif kind == "close" and pieces and not opening:
            pieces[-1] += group
        elif kind == "wide" and len(group) > KEEP:
            pieces += [opening + group[0], *group[1:]]
            opening = ""
        else:
            pieces.append(opening + group)
            opening = ""
    if opening:
        pieces.append(opening)
    return pieces


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells, broken only where `atoms` allows (a piece
    wider than a whole line, such as a long path, is the one thing folded)."""
    width = max(width, 2)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for n, run in enumerate(paragraph.split()):
            for i, piece in enumerate(atoms(run)):
                gap = " " if (n and not i and line) else ""
                size = cells(piece)
                if line and used + cells(gap) + size > width:
                    lines.append(line)
                    line, used, gap = "", 0, ""
                while size > width:  # a piece no line can hold: folded
                    cut, taken = 0, 0
                    while cut < len(piece) and taken + cells(piece[cut]) <= width:
                        taken += cells(piece[cut])
                        cut += 1
                    lines.append(piece[:cut])
                    piece, size = piece[cut:], size - taken
                line += gap + piece
                used += cells(gap) + size
        lines.append(line)
    return lines


class Wrapped:
    """A help text for rich that wraps by `wrap` at whatever width its column is given."""

    def __init__(self, text: str, style: str = "") -> None:
        self.text = text
        self.style = style

    def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
        from rich.text import Text
        from typer import rich_utils

        lines = wrap(self.text, options.max_width)
        yield rich_utils.highlighter(Text("\n".join(lines), style=self.style, no_wrap=True))

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        widest = max((cells(p) for run in self.text.split() for p in atoms(run)), default=1)
        whole = max((cells(line) for line in self.text.split("\n")), default=1)
        return Measurement(min(widest, 24), max(whole, 1)).clamp(max_width=options.max_width)


def metavar(param: Any) -> str | None:
    """What an option or argument takes, as a person writes it: its own metavar, else the
    choices (`zh|en`), DIR, FILE or PATH, N for a number, else its name in capitals; nothing on
    a flag."""
    if param.metavar is not None:
        return str(param.metavar)
    if getattr(param, "is_flag", False):
        return None
    desc = param.type_descriptor
    info = desc.parameter_info
    if desc.is_choice and desc.choices is not None:
        choices = "|".join(str(getattr(c, "value", c)) for c in desc.choices)
        if len(choices) <= 12:  # a long list is said by the help, not squeezed into this column
            return choices
    if desc.is_path or (desc.is_list and "Path" in str(desc.annotation)):
        if info.file_okay is False:
            shown = "DIR"
        elif info.dir_okay is False:
            shown = "FILE"
        else:
            shown = "PATH"
    elif desc.annotation is int or desc.annotation is float:
        shown = "N"
    else:
        long = [o[2:] for o in param.opts if o.startswith("--")]
        shown = (long[0] if long else param.name or "value").upper()
    return shown + "..." if param.nargs == -1 else shown


def argument_name(param: Any) -> str:
    """An argument as its panel names it: its metavar, or its name in capitals when it has none
    or a metavar too long for the column (the usage line shows that one whole)."""
    given = param.metavar
    return str(given) if given is not None and len(given) <= 16 else str(param.name or "").upper()


def argument_usage(param: Any) -> str:
    """An argument on the usage line: `INDICATOR`, `[DIR]` when it may be left out, `FILE...`."""
    shown = str(param.metavar or (param.name or "").upper())
    if not param.required and not shown.startswith("["):
        shown = f"[{shown}]"
    return shown + "..." if param.nargs != 1 and not shown.endswith("...") else shown


def summary(path: str, command: Any, lang: Lang) -> str:
    """A command's first line in `lang`: the Chinese summary, else the docstring's first
    paragraph on one line."""
    if lang is Lang.zh and path in SUMMARY_ZH:
        return SUMMARY_ZH[path]
    return " ".join((command.help or "").strip().split("\n\n")[0].split())


def commands_of(command: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every command under `command` with its path as typed after `yunhe` ("" for yunhe)."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from commands_of(sub, f"{path} {name}".strip())


def install(root: Any) -> None:
    """Every command of the tree prints its help by `print_help` (cheap: nothing is imported
    and no language settled until a help is printed)."""
    import functools

    from typer import core

    # an argument on the usage line as a person writes it (`ID`, not `{ID}`), in errors too
    core.TyperArgument._usage_display_name = argument_usage  # type: ignore[method-assign,assignment]
    for path, command in commands_of(root):
        command.format_help = functools.partial(print_help, command, path)


def print_help(command: Any, path: str, ctx: Any, formatter: Any) -> None:
    """Typer's rich help of `command` in the language of the run, with the words, metavars and
    wrapping of this module."""
    from yunhe_cli.cli.options import usage_lang

    lang = usage_lang()
    for sub_path, sub in commands_of(command, path):
        sub.short_help = summary(sub_path, sub, lang)
    with rendering(command, path, lang):
        type(command).format_help(command, ctx, formatter)


def _parameter_help(original: Any, lang: Lang) -> Any:
    def parameter_help(*, param: Any, ctx: Any, markup_mode: Any) -> Any:
        from rich.text import Text

        given = getattr(param, "help", None) or ""
        parts = [word("help", lang) if param.name == "help" else " ".join(given.split())]
        info = param.type_descriptor.parameter_info
        parts.append(bounds(info.min, info.max, lang))
        extras = original(param=param, ctx=ctx, markup_mode=markup_mode).renderables[1 if given else 0 :]
        for extra in extras:
            shown = extra.plain if isinstance(extra, Text) else ""
            if shown.startswith("[default: ") and ("default" in given or "默认" in given):
                continue  # the help says its default in words
            if shown.startswith("[default: ") and shown.endswith("]"):
                parts.append(word("default", lang).format(shown[len("[default: ") : -1]))
            elif shown == "[required]":
                parts.append(word("required", lang))
            elif shown:
                parts.append(shown)
        joined = ""
        for part in filter(None, parts):
            sep = "" if not joined or part.startswith("（") or joined.endswith("。") else " "
            joined += sep + part
        return Wrapped(joined)

    return parameter_help


@contextmanager
def rendering(command: Any, path: str, lang: Lang) -> Iterator[None]:
    """Typer's rich help renderer with this module's pieces in place, put back afterwards."""
    from rich.console import Group
    from typer import core, rich_utils

    def help_text(*, obj: Any, markup_mode: Any) -> Any:
        rest = (obj.help or "").strip().split("\n\n")[1:]
        items: list[Any] = [Wrapped(summary(path, obj, lang))]
        if rest:
            items += [Wrapped(""), Wrapped("\n".join(" ".join(p.split()) for p in rest), "dim")]
        return Group(*items)

    def command_help(*, help_text: str, markup_mode: Any) -> Any:
        return Wrapped(" ".join(help_text.split()))

    def usage(ctx: Any) -> str:
        shown = str(type(command).get_usage(command, ctx))
        if lang is Lang.zh and shown.startswith("Usage: "):
            shown = word("usage", lang) + shown[len("Usage: ") :]
        return shown

    patches: list[tuple[Any, str, Any]] = [
        (rich_utils, "_get_help_text", help_text),
        (rich_utils, "_make_command_help", command_help),
        (rich_utils, "_get_parameter_help", _parameter_help(rich_utils._get_parameter_help, lang)),
        (rich_utils, "ARGUMENTS_PANEL_TITLE", word("arguments", lang)),
        (rich_utils, "OPTIONS_PANEL_TITLE", word("options", lang)),
        (rich_utils, "COMMANDS_PANEL_TITLE", word("commands", lang)),
        (core.TyperOption, "display_type_rich", lambda self, ctx: metavar(self)),
        (core.TyperArgument, "display_type_rich", lambda self, ctx: None),
        (core.TyperArgument, "display_name_raw", property(argument_name)),
        (core.TyperOption, "_get_number_range_help_str", lambda self: None),
        (core.TyperArgument, "_get_number_range_help_str", lambda self: None),
        (command, "get_usage", usage),
    ]
    saved = [(owner, name, owner.__dict__.get(name, _ABSENT)) for owner, name, _ in patches]
    for owner, name, value in patches:
        setattr(owner, name, value)
    try:
        yield
    finally:
        for owner, name, value in reversed(saved):
            if value is _ABSENT:
                delattr(owner, name)
            else:
                setattr(owner, name, value)


_ABSENT = object()
