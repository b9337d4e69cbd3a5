"""Progress bars: on a terminal only, only past a second, and nothing changes in pipes or CI."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from yunhe_cli.cli import progress as bars
from yunhe_cli.cli.app import app
from yunhe_cli.core import progress

from .conftest import ROOT


@pytest.mark.parametrize(
    ("isatty", "env", "shown"),
    [
        (True, {}, True),
        (False, {}, False),  # a pipe or a file
        (True, {"CI": "true"}, False),
        (True, {"CI": "1"}, False),
        (True, {"CI": "0"}, True),
        (True, {"TERM": "dumb"}, False),
        (True, {"TERM": "xterm-256color"}, True),
        (True, {"YUNHE_NO_PROGRESS": "1"}, False),
        (True, {"YUNHE_NO_PROGRESS": "0"}, True),
        (False, {"TERM": "xterm-256color"}, False),
    ],
)
def test_a_bar_is_wanted_only_on_a_terminal_outside_ci(
    isatty: bool, env: dict[str, str], shown: bool
) -> None:
    assert bars.wanted(isatty, env) is shown


class FakeProgress:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.ids = 0

    def add_task(self, description: str, total: int, item: str) -> int:
        self.ids += 1
        self.calls.append(("add", description, total))
        return self.ids

    def update(self, task: int, completed: int, item: str) -> None:
        self.calls.append(("update", task, completed, item))

    def remove_task(self, task: int) -> None:
        self.calls.append(("remove", task))

    def stop(self) -> None:
        self.calls.append(("stop",))


def test_nothing_is_drawn_before_a_second_and_all_is_gone_at_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]
    fake = FakeProgress()
    listener = bars.Bars(label=lambda key: f"<{key}>", clock=lambda: now[0])
    monkeypatch.setattr(listener, "_start", lambda: fake)
    files = listener.begin("progress.files", 3)
    listener.advance(files, "a.yaml")
    now[0] = 0.99
    listener.advance(files, "b.yaml")
    assert listener.progress is None and fake.calls == []  # quick work: no bar at all
    now[0] = 1.0
    listener.advance(files, "c.yaml")
    assert fake.calls == [("add", "<progress.files>", 3), ("update", 1, 3, "c.yaml")]
    listener.end(files)
    assert fake.calls[-2:] == [("remove", 1), ("stop",)]
    assert listener.progress is None


def test_work_inside_work_gets_its_own_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]
    fake = FakeProgress()
    listener = bars.Bars(label=lambda key: key, clock=lambda: now[0])
    monkeypatch.setattr(listener, "_start", lambda: fake)
    counties = listener.begin("progress.counties", 2)
    listener.advance(counties, "east")
    files = listener.begin("progress.files", 2)
    now[0] = 1.5  # the first county's files are slow: both bars appear
    listener.advance(files, "plan.yaml")
    assert fake.calls == [
        ("add", "progress.counties", 2),
        ("add", "progress.files", 2),
        ("update", 2, 1, "plan.yaml"),
    ]
    listener.end(files)
    listener.advance(counties, "west")
    listener.end(counties)
    assert fake.calls[3:] == [("remove", 2), ("update", 1, 2, "west"), ("remove", 1), ("stop",)]


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def begin(self, what: str, total: int) -> int:
        self.events.append(("begin", what, total))
        return 7

    def advance(self, task: int, item: str) -> None:
        self.events.append(("advance", task, item))

    def end(self, task: int) -> None:
        self.events.append(("end", task))


def test_each_tells_the_listener_and_yields_the_items_unchanged() -> None:
    assert list(progress.each("x", [1, 2], str)) == [1, 2]  # no listener: nothing to tell
    recorder = Recorder()
    progress.install(recorder)
    try:
        assert list(progress.each("progress.files", ["a", "b"], str.upper)) == ["a", "b"]
    finally:
        progress.install(None)
    assert recorder.events == [
        ("begin", "progress.files", 2),
        ("advance", 7, "A"),
        ("advance", 7, "B"),
        ("end", 7),
    ]


def test_a_load_tells_each_file_it_reads() -> None:
    from yunhe_cli.store.loader import load_repository

    recorder = Recorder()
    progress.install(recorder)
    try:
        repo, _ = load_repository(ROOT / "examples" / "sample", cache=None)
    finally:
        progress.install(None)
    assert recorder.events[0] == ("begin", "progress.files", len(repo.files))
    assert [e[2] for e in recorder.events[1:-1]] == [f.rel for f in repo.files]
    assert recorder.events[-1] == ("end", 7)


def test_no_bar_in_a_pipe_and_the_output_is_unchanged() -> None:
    runner = CliRunner()
    sample = str(ROOT / "examples" / "sample")
    args = ["--no-cache", "validate", "--data", sample, "--as-of", "2026-11-15"]
    result = runner.invoke(app, args)
    assert progress.current() is None  # CliRunner's stderr is no terminal
    for drawn in ("\x1b[", "读取文件", "reading files"):
        assert drawn not in result.stderr
