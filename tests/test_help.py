"""Help as a person reads it: every command's `--help` at 80 columns, in Chinese and English,
wraps without cutting a word, shows metavars as a person writes them and opens with the
command's summary in the language of the run (the Typer tree is walked, so a new command is
covered)."""

from __future__ import annotations

import re
import unicodedata

import pytest
import typer
from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.cli.help import atoms, commands_of, wrap
from yunhe_cli.outputs.help_texts import SUMMARY_ZH

runner = CliRunner()
PATHS = [path for path, _ in commands_of(typer.main.get_command(app))]


def width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def help_of(path: str, lang: str) -> str:
    done = runner.invoke(app, ["--lang", lang, *path.split(), "--help"], env={"COLUMNS": "80"})
    assert done.exit_code == 0, done.output
    return done.output


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PATHS, ids=lambda p: p or "yunhe")
def test_every_help_at_80_columns_is_whole(path: str, lang: str) -> None:
    shown = help_of(path, lang)
    for noise in ("…", "<bool>", "<list", "[x>=", "[x<=", "<str>", "<int>", "<float>", "<path>", "<dir>"):
        assert noise not in shown, f"yunhe {path} --help ({lang}) shows {noise!r}"
    assert all(width(line) <= 80 for line in shown.splitlines()), path
    assert not re.search(r"\{\w+\}", shown.splitlines()[1]), "a required argument is written as a word"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p or "yunhe")
def test_every_command_opens_with_its_summary_in_the_language_of_the_run(path: str) -> None:
    zh = help_of(path, "zh").splitlines()
    en = help_of(path, "en").splitlines()
    assert zh[1].strip().startswith("用法：yunhe")
    assert en[1].strip().startswith("Usage: yunhe")
    # the summary is the first text after the usage line, wrapped: its first words open line 3
    assert zh[3].strip() == SUMMARY_ZH[path][: len(zh[3].strip())]
    assert "选项" in "".join(zh) and "Options" in "".join(en)


def test_the_chinese_summaries_name_every_command_and_no_other() -> None:
    assert set(SUMMARY_ZH) == set(PATHS)


def test_status_help_in_chinese_at_80_columns() -> None:
    # worked out by hand: the help column starts at cell 38 (the widest metavar is --at's
    # REV|YYYY-MM-DD) and ends 2 cells before the border, 80 - 37 - 2 = 41 cells;
    # 只看此工程（编号、序号或名称）。 is 32 cells, " Only" makes 37 and " this" would make 42,
    # so the line breaks there and no Chinese word is cut
    shown = [line.rstrip() for line in help_of("status", "zh").splitlines()]
    assert shown[1] == " 用法：yunhe status [OPTIONS]"
    assert shown[3] == " 十项工程对照 2027 年目标的推进情况，最差的在前。"
    project = next(i for i, line in enumerate(shown) if "--project" in line)
    assert shown[project : project + 2] == [
        "│ --project   -p      PROJECT         只看此工程（编号、序号或名称）。 Only    │",
        "│                                     this project: its id (p03) or number     │",
    ]
    assert "│ --data              DIR             Data folder (数据目录); give it again    │" in shown
    assert "│ --help                              显示本帮助并退出。                       │" in shown


def test_a_flag_shows_no_metavar_and_a_bound_is_said_in_words() -> None:
    shown = help_of("remind", "en")
    assert "│ --within        DAYS        " in shown
    assert "(at least 0)" in shown and "[x>=0]" not in shown
    assert "(不小于 0)" in help_of("remind", "zh").replace("（", "(").replace("）", ")")
    tasks = help_of("tasks", "en")
    assert re.search(r"│ --overdue +Only what is overdue", tasks)


def test_lines_break_between_words_and_chinese_phrases_never_inside_them() -> None:
    text = "只看此工程（编号、序号或名称）。 Only this project: its id (p03) or number (3)."
    # by hand at 27 cells: 只看此工程 (10) + （编号、 (8) = 18; 序号或名称）。 (14) would make 32
    assert wrap(text, 27) == [
        "只看此工程（编号、",
        "序号或名称）。 Only this",
        "project: its id (p03) or",
        "number (3).",
    ]
    assert atoms("语言：zh") == ["语言：", "zh"]
    assert atoms("(截至日期).") == ["(截至日期)."]
    assert atoms("path:line:col:") == ["path:line:col:"]
    # a phrase longer than six characters may break between characters, never before a closing mark
    assert atoms("按某一提交版本读取数据。") == [*"按某一提交版本读取数", "据。"]
    assert wrap("再次系统语言环境。", 6) == ["再次系", "统语言", "环境。"]
    # a piece wider than the whole line is the one thing folded
    assert wrap("a/very/long/path", 6) == ["a/very", "/long/", "path"]


def test_help_imports_no_rich_until_a_help_is_printed() -> None:
    import subprocess
    import sys

    # rich.cells (a table's cell widths, ~2 ms) may load; rich's console, markdown and Typer's rich
    # help are what help alone needs.
    probe = (
        "import sys; import yunhe_cli.cli.app, yunhe_cli.cli.help; "
        "print(sorted(m for m in sys.modules if m.startswith(('rich.console', 'rich.markdown', "
        "'typer.rich_utils'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
