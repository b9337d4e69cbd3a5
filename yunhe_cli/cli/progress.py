"""Progress bars for long work, on a terminal only.

A bar is drawn on stderr, and only when stderr is a terminal, not in CI (`CI` set), not on a dumb
terminal, and not when `YUNHE_NO_PROGRESS=1`; and even then only once the work has lasted a second
(`THRESHOLD`), so a quick command never flickers. It is rich's progress, transient: when the work
ends the bar is gone and the output is what it would have been without it. Nothing changes in a
pipe, a file or CI: `wanted` decides, and no listener is installed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

THRESHOLD = 1.0  # seconds of work before a bar appears
OFF_ENV = "YUNHE_NO_PROGRESS"


def wanted(isatty: bool, env: Mapping[str, str]) -> bool:
    """Whether long work shows a bar: stderr is a terminal, and neither CI, a dumb terminal nor
    YUNHE_NO_PROGRESS says otherwise."""
    if not isatty:
        return False
    if env.get("CI", "").strip().lower() not in ("", "0", "false"):
        return False
    if env.get("TERM", "") == "dumb":
        return False
    return env.get(OFF_ENV, "").strip() in ("", "0")


@dataclass
class _Work:
    what: str
    total: int
    done: int = 0
    item: str = ""
    shown: Any = None  # rich's task id, once drawn


class Bars:
    """The listener (core/progress.py) that draws: nothing until THRESHOLD seconds after the first
    work began, then one bar per piece of work still open (a county and its files, say)."""

    def __init__(self, label: Callable[[str], str], clock: Callable[[], float] = time.monotonic) -> None:
        self.label = label
        self.clock = clock
        self.open: dict[int, _Work] = {}
        self.next = 0
        self.began: float | None = None
        self.progress: Any = None  # rich.progress.Progress, made when first needed

    def begin(self, what: str, total: int) -> int:
        self.next += 1
        self.open[self.next] = _Work(what, total)
        if self.began is None:
            self.began = self.clock()
        return self.next

    def advance(self, task: int, item: str) -> None:
        work = self.open[task]
        work.done += 1
        work.item = item
        if self.progress is None:
            if self.began is None or self.clock() - self.began < THRESHOLD:
                return
            self.progress = self._start()
        for w in self.open.values():
            if w.shown is None:
                w.shown = self.progress.add_task(self.label(w.what), total=w.total, item="")
        self.progress.update(work.shown, completed=work.done, item=item)

    def end(self, task: int) -> None:
        work = self.open.pop(task)
        if self.progress is not None and work.shown is not None:
            self.progress.remove_task(work.shown)
        if not self.open:
            self.began = None
            if self.progress is not None:
                self.progress.stop()
                self.progress = None

    def _start(self) -> Any:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[item]}", markup=False),
            console=Console(file=sys.stderr),
            transient=True,
        )
        progress.start()
        return progress


def install_if_wanted() -> None:
    """Install the bars for this run when `wanted` says so (the command line calls this first)."""
    import os

    from yunhe_cli.core import progress

    if not wanted(sys.stderr.isatty(), os.environ):
        progress.install(None)
        return

    def label(key: str) -> str:
        from yunhe_cli.cli.options import usage_lang
        from yunhe_cli.outputs.labels import t

        return t(key, usage_lang())

    progress.install(Bars(label))
