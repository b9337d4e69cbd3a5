"""Long output on a terminal goes through a pager, as git's does (`yunhe log`, `yunhe diff`).

Which pager: `$YUNHE_PAGER`, then `$PAGER`, else `less -FRX` (quit when it fits one screen, keep
colour, leave the text on the screen). An empty value or `cat` means none. Never when stdout is not
a terminal (a pipe, a file, CI) or with `--no-pager`. The command is split as a shell would split
its words but run without a shell. A pager that cannot be started is no pager; one the reader quits
early ends the output quietly.
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping

DEFAULT_PAGER = ("less", "-FRX")


def pager_command(env: Mapping[str, str], is_terminal: bool, no_pager: bool) -> list[str] | None:
    """The pager to run (its argv), or None for none: the decision, without the terminal."""
    if no_pager or not is_terminal:
        return None
    for name in ("YUNHE_PAGER", "PAGER"):
        if name in env:
            try:
                words = shlex.split(env[name])
            except ValueError:
                return None  # unbalanced quotes: no pager rather than a guess
            return None if not words or words == ["cat"] else words
    return list(DEFAULT_PAGER)


class _ToPager(io.TextIOWrapper):
    """The pager's input, standing for stdout: it is shown on the terminal stdout is."""

    def isatty(self) -> bool:
        return True


@contextlib.contextmanager
def paged(no_pager: bool = False) -> Iterator[None]:
    """While inside, `sys.stdout` writes to the pager (when `pager_command` chooses one); on leaving,
    the pager is waited for, so that what follows (problems on stderr, the prompt) comes after it."""
    argv = pager_command(os.environ, sys.stdout.isatty(), no_pager)
    if argv is None:
        yield
        return
    env = dict(os.environ)
    env.setdefault("LESSCHARSET", "utf-8")
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    except OSError:
        yield  # no such pager: straight to the terminal
        return
    assert proc.stdin is not None
    stream = _ToPager(proc.stdin, encoding="utf-8", errors="replace", write_through=True)
    saved = sys.stdout
    sys.stdout = stream
    try:
        yield
    except BrokenPipeError:
        pass  # the reader quit the pager before the end
    finally:
        sys.stdout = saved
        with contextlib.suppress(BrokenPipeError, OSError):
            stream.close()
        proc.wait()
