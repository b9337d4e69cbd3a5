"""Tables for Chinese readers: the line breaker (outputs/wrap.py) by hand, and every report command
at 80, 100 and 120 columns in both languages, compared whole with tests/golden/cjk/, with no name
(a unit's, a person's, a project's) split across two lines.

log and diff read git: they run on a copy of examples/sample committed in two steps with fixed
authors and dates (the September state, then the October reports), so their commit ids are fixed.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from rich.cells import cell_len
from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.outputs.formats import render_table
from yunhe_cli.outputs.views import Cell, TableView
from yunhe_cli.outputs.wrap import CLOSING, min_width, narrowest_in_lines, wrap

from .conftest import DATA, GOLDEN

SAMPLE = DATA.parent / "examples" / "sample"
AS_OF = "2026-11-15"
WIDTHS = (80, 100, 120)
LANGS = ("zh", "en")
runner = CliRunner()

# ------------------------------------------------------------------------------ the line breaker


def test_a_name_is_one_word() -> None:
    names = ["傅雅涛", "县发改局", "县自然资源和规划局"]
    text = "傅雅涛、县发改局牵头，县自然资源和规划局配合推进用地报批"
    # worked out by hand: 傅雅涛、 (8) + 县发改局 (8) > 12, so 县发改局 starts the second line;
    # 牵 fits after it (10), 头， does not (14); the name of nine characters (18) stands alone
    # though wider than the line; 配合推进用地报批 is broken after six characters.
    assert wrap(text, 12, names) == [
        "傅雅涛、",
        "县发改局牵",
        "头，",
        "县自然资源和规划局",
        "配合推进用地",
        "报批",
    ]
    # without the names, rich's way (a character at a time) would split the unit
    assert wrap("县自然资源和规划局", 12) == ["县自然资源和", "规划局"]
    assert min_width(text, names) == 18  # 县自然资源和规划局
    assert min_width(text) == 4  # without names: a character with its comma (涛、, 头，)
    assert min_width("缺 2026-09 起") == 7  # a month is one piece


def test_no_line_starts_with_closing_punctuation() -> None:
    text = "资金拨付滞后，影响项目进度；已协调（县财政局）解决。"
    for width in range(4, 40):
        for line in wrap(text, width):
            assert line[0] not in CLOSING, (width, line)
            assert line[-1] not in "（「『《“", (width, line)
    # a phrase that ends at a comma moves whole to the next line when it fits there
    assert wrap("资金拨付滞后，影响项目进度", 16) == ["资金拨付滞后，", "影响项目进度"]


def test_numbers_dates_and_codes_are_never_broken() -> None:
    assert wrap("p01-002 逾期 1015 天，截至2026年11月15日", 10) == [
        "p01-002",
        "逾期 1015",
        "天，截至",
        "2026年11月15日",
    ]
    assert wrap("Natural Resources and Planning Bureau", 12) == [
        "Natural",
        "Resources",
        "and Planning",
        "Bureau",
    ]


def test_a_header_takes_two_lines_at_its_narrowest() -> None:
    assert narrowest_in_lines("未销号问题", 2) == 6  # 未销号 / 问题
    assert wrap("未销号问题", 6) == ["未销号", "问题"]
    assert narrowest_in_lines("Problems overdue", 2) == 8  # Problems / overdue
    # where the header has phrases, it breaks between them rather than inside a word
    assert narrowest_in_lines("作者（提交人）", 2) == 10  # 作者 / （提交人）, not 作者（提 / 交人）
    assert wrap("作者（提交人）", 10) == ["作者", "（提交人）"]
    assert narrowest_in_lines("迟报/缺报天数", 2) == 8  # 迟报/ / 缺报天数, not 迟报/缺 / 报天数
    assert narrowest_in_lines("最近报送", 2) == 4  # one phrase: 最近 / 报送


# ------------------------------------------------------------------------------ the renderer


def _view(rows: list[tuple[str, str, str]], drop: tuple[str, ...] = ()) -> TableView:
    return TableView(
        "表",
        ("召集人", "牵头单位", "完成率"),
        tuple((Cell(a), Cell(b), Cell(c, numeric=True)) for a, b, c in rows),
        keys=("convener", "lead_unit", "completion"),
        wrap=frozenset({"convener", "lead_unit"}),
        drop=drop,
    )


def test_figures_are_right_aligned_on_their_decimal_point() -> None:
    out = render_table(
        _view([("傅雅涛", "县发改局", "1.5"), ("江静", "县农业农村局", "112.25"), ("颜韬", "县科技局", "3")])
    )
    # by hand: widths 6, 12 and 6 (112.25), three spaces between; 1.5 is padded by one space and
    # 3 by three (a point and two digits) so that the points line up, then right-aligned
    assert out == (
        "表\n"
        "召集人   牵头单位       完成率\n"
        "──────────────────────────────\n"
        "傅雅涛   县发改局         1.5\n"
        "江静     县农业农村局   112.25\n"
        "颜韬     县科技局         3\n"
    )


def test_a_narrow_table_keeps_names_whole_and_leaves_out_what_it_must() -> None:
    view = _view([("傅雅涛", "县自然资源和规划局", "1.5")], drop=("completion",))
    # 6 + 1 + 18 + 1 + 4 (完成 / 率, the header on two lines) = 30 > 26: the names cannot be
    # broken, so the figures go (6 + 1 + 18 = 25), and a line, broken at its punctuation, says so
    out = render_table(view, width=26)
    assert out == (
        "表\n"
        "召集人 牵头单位\n"
        "─────────────────────────\n"
        "傅雅涛 县自然资源和规划局\n"
        "（终端宽度不足，未显示：\n"
        "完成率；加宽终端或用\n"
        "--format plain 查看）\n"
    )


# ------------------------------------------------------------------------------ every report command


def _git(top: Path, *args: str, date: str | None = None) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull})
    if date:
        who = {"NAME": "县发改局", "EMAIL": "fgj@example.org", "DATE": f"{date}T10:00:00+08:00"}
        env.update({f"GIT_{role}_{k}": v for role in ("AUTHOR", "COMMITTER") for k, v in who.items()})
    done = subprocess.run(["git", "-C", str(top), *args], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def history_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/sample in two commits: without the 2026-10 reports (1 October), then with them
    (8 November)."""
    top = tmp_path_factory.mktemp("cjk") / "county"
    data = top / "data"
    shutil.copytree(SAMPLE, data)
    held = {p: p.read_bytes() for p in data.glob("indicators/*/2026-10.yaml")}
    for path in held:
        path.unlink()
    _git(top, "init", "-q", "-b", "main")
    _git(top, "add", "-A")
    _git(top, "commit", "-q", "--no-gpg-sign", "-m", "样例数据入库", date="2026-10-01")
    for path, content in held.items():
        path.write_bytes(content)
    _git(top, "add", "-A")
    _git(top, "commit", "-q", "--no-gpg-sign", "-m", "2026-10 月报", date="2026-11-08")
    return data


COMMANDS: dict[str, tuple[str, ...]] = {
    "status": ("status", "--as-of", AS_OF),
    "indicators": ("indicators", "--as-of", AS_OF),
    "tasks": ("tasks", "--as-of", AS_OF),
    "issues": ("issues", "--as-of", AS_OF),
    "dispatch": ("dispatch", "--as-of", AS_OF),
    "quarter": ("quarter", "--as-of", AS_OF),
    "annual": ("annual", "2025", "--as-of", AS_OF),
    "history": ("history", "p01.investment", "--as-of", AS_OF),
    "log": ("log", "p01.investment"),
    "diff": ("diff", "HEAD~1..HEAD"),
}
GIT_COMMANDS = ("log", "diff")
CASES = [(c, lang, w) for c in COMMANDS for lang in LANGS for w in WIDTHS]


def table(command: str, lang: str, width: int, repo: Path) -> str:
    data = repo if command in GIT_COMMANDS else SAMPLE
    args = [*COMMANDS[command], "--data", str(data), "--format", "table", "--lang", lang]
    result = runner.invoke(app, args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


@pytest.mark.parametrize(("command", "lang", "width"), CASES, ids=[f"{c}-{lg}-{w}" for c, lg, w in CASES])
def test_golden(command: str, lang: str, width: int, history_repo: Path) -> None:
    out = table(command, lang, width, history_repo)
    path = GOLDEN / "cjk" / f"{command}.{lang}.{width}.table"
    if os.environ.get("YUNHE_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")
    assert max(cell_len(line) for line in out.splitlines()) <= width
    for line in out.splitlines():
        assert not line.strip() or line.strip()[0] not in "、，。；：！？）」』》", line


def names_in_data() -> set[str]:
    """Every unit's and person's name (units.yaml, people.yaml) and every project's name."""
    found: set[str] = set()
    for unit in yaml.safe_load((SAMPLE / "units.yaml").read_text(encoding="utf-8"))["units"]:
        found.add(unit["name"])
        found.update(unit.get("aliases") or ())
    for person in yaml.safe_load((SAMPLE / "people.yaml").read_text(encoding="utf-8"))["people"]:
        found.add(person["name"])
    for path in sorted((SAMPLE / "projects").glob("*.yaml")):
        project = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.update(x for x in (project["name"], project.get("short_name")) if x)
    return {x for x in found if len(x) > 1}


def split_names(out: str, names: set[str]) -> list[tuple[str, str, str]]:
    """Names broken across two lines: a line whose word ends with the name's first part and the
    next line whose word, at or left of where that part began, starts with the rest."""
    found = []
    lines = out.splitlines()
    for upper, lower in itertools.pairwise(lines):
        for name in names:
            for k in range(1, len(name)):
                head, tail = name[:k], name[k:]
                at = upper.find(head)
                while at != -1:
                    end = at + len(head)
                    if end == len(upper) or upper[end] == " ":
                        column = cell_len(upper[:at])
                        for word_at in _word_starts(lower, tail):
                            if cell_len(lower[:word_at]) <= column:
                                found.append((name, upper, lower))
                    at = upper.find(head, at + 1)
    return found


def _word_starts(line: str, tail: str) -> list[int]:
    out, at = [], line.find(tail)
    while at != -1:
        if at == 0 or line[at - 1] == " ":
            out.append(at)
        at = line.find(tail, at + 1)
    return out


def test_split_names_are_found() -> None:
    """The checker itself: today's rich wrapping (傅雅 / 涛) is caught, a whole name is not."""
    names = {"傅雅涛", "县发改局"}
    assert split_names("7  傅雅  县发改局\n   涛\n", names) == [("傅雅涛", "7  傅雅  县发改局", "   涛")]
    assert split_names("7  傅雅涛 县发\n          改局\n", names) == [
        ("县发改局", "7  傅雅涛 县发", "          改局")
    ]
    assert split_names("7  傅雅涛 县发改局\n   江静\n", names) == []


@pytest.mark.parametrize(("command", "lang", "width"), CASES, ids=[f"{c}-{lg}-{w}" for c, lg, w in CASES])
def test_no_name_is_split_across_lines(command: str, lang: str, width: int, history_repo: Path) -> None:
    out = table(command, lang, width, history_repo)
    assert split_names(out, names_in_data()) == []
