"""Progress of long work, told to whoever listens: the command line installs a listener that draws
a bar on a terminal (cli/progress.py); with none installed, telling costs one call and does nothing.

The floors below the command line say what they are doing (`task`), and nothing else: whether,
where and when anything is shown is the listener's choice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol, TypeVar

T = TypeVar("T")


class Listener(Protocol):
    def begin(self, what: str, total: int) -> int: ...

    def advance(self, task: int, item: str) -> None: ...

    def end(self, task: int) -> None: ...


_listener: Listener | None = None


def install(listener: Listener | None) -> None:
    """Set (or, with None, remove) the listener for this process."""
    global _listener
    _listener = listener


def current() -> Listener | None:
    return _listener


def _nothing(item: str) -> None:
    pass


@contextmanager
def task(what: str, total: int) -> Iterator[Callable[[str], None]]:
    """Work of `total` steps, described by `what`; call the step function with what each step reads."""
    listener = _listener
    if listener is None:
        yield _nothing
        return
    handle = listener.begin(what, total)

    def step(item: str) -> None:
        listener.advance(handle, item)

    try:
        yield step
    finally:
        listener.end(handle)


def each(what: str, items: Sequence[T], name: Callable[[T], str]) -> Iterator[T]:
    """`items` one by one, as a `task` whose steps are named by `name(item)`."""
    with task(what, len(items)) as step:
        for item in items:
            step(name(item))
            yield item
