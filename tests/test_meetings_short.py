"""`dispatch` and `quarter` in an 80-column terminal: the project tables name each project by the
plan's short name (双扩双争, 千万工程 …), which is what lets them stay tables rather than a block per
row; a wide terminal keeps the full names."""

from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from yunhe_cli.checks.validation import validate
from yunhe_cli.cli.app import app
from yunhe_cli.reports.quarterly import quarter

from .conftest import ROOT

SAMPLE = ROOT / "examples" / "sample"
AS_OF = "2026-11-15"
runner = CliRunner()

# The sample's projects/pNN.yaml: number -> (short_name, short_name_en).
SHORT = {
    1: ("双扩双争", "Investment"),
    2: ("4+X", "4+X industries"),
    3: ("4315", "4315 innovation"),
    4: ("35N", "35N services"),
    5: ("交通强县", "Transport"),
    6: ("千万工程", "Town and villages"),
    7: ("土地整治", "Land consolidation"),
    8: ("文旅融合", "Culture and tourism"),
    9: ("能源保供", "Energy supply"),
    10: ("七优享", "Public services"),
}


def run(command: str, width: int, lang: str) -> str:
    result = runner.invoke(
        app,
        [command, "--data", str(SAMPLE), "--as-of", AS_OF, "--format", "table", "--lang", lang],
        env={"COLUMNS": str(width)},
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def section(out: str, title: str) -> list[str]:
    """The lines of the table titled `title`, up to the blank line after it."""
    lines = out.splitlines()
    start = lines.index(title)
    end = lines.index("", start)
    return lines[start:end]


def test_the_quarter_knows_each_projects_short_names() -> None:
    repo, _ = validate(SAMPLE)
    board = quarter(repo, 2026, 3, dt.date.fromisoformat(AS_OF))
    assert {p.number: (p.short_name, p.short_name_en) for p in board.projects} == SHORT


def test_dispatch_reports_at_80_columns_are_a_table_of_short_names() -> None:
    # Reports for 2026-10 fall due on 2026-11-10; 5, 7 and 9 have none by 2026-11-15 (5 days), the
    # rest were in on time (their submitted_on in reports/pNN/2026-10.yaml). Missing first, then
    # by number.
    assert section(run("dispatch", 80, "zh"), "2026-10报送情况") == [
        "2026-10报送情况",
        "序                                                           迟报/",
        "号 工程     牵头单位           召集人 报送情况 报送日期   缺报天数",
        "──────────────────────────────────────────────────────────────────",
        " 5 交通强县 县交通运输局       谢岩伟 缺报                       5",
        " 7 土地整治 县自然资源和规划局 傅雅涛 缺报                       5",
        " 9 能源保供 县发改局           傅雅涛 缺报                       5",
        " 1 双扩双争 县发改局           傅雅涛 按时报送 2026-11-06",
        " 2 4+X      县经商局           谢熔辉 按时报送 2026-11-08",
        " 3 4315     县科技局           颜韬   按时报送 2026-11-09",
        " 4 35N      县发改局           傅雅涛 按时报送 2026-11-03",
        " 6 千万工程 县农业农村局       江静   按时报送 2026-11-07",
        " 8 文旅融合 县文广旅体局       赵建勇 按时报送 2026-11-09",
        "10 七优享   县民政局           赵建勇 按时报送 2026-11-03",
        "排序：先缺报，再迟报（天数多的在前），后按时报送；逾期事项按逾期天数从多到少；",
        "指标状态变化按新状态从差到好；--sort plan 按方案顺序",
    ]


def test_quarter_projects_at_80_columns_are_a_table_of_short_names() -> None:
    # The 2026 Q3 board: fewest red first, then fewest amber, then the higher mean progress over
    # the path (the red/amber/green counts and scores are those of the board's golden files).
    assert section(run("quarter", 80, "zh"), "工程排名") == [
        "工程排名",
        "排 升 序                                    进度/          无数",
        "名 降 号 工程     召集人 牵头单位            预期 红 黄 绿   据",
        "───────────────────────────────────────────────────────────────",
        " 1 +1  9 能源保供 傅雅涛 县发改局           -0.7%  0  0  2    0",
        " 2 -1  2 4+X      谢熔辉 县经商局           -2.6%  0  0  2    0",
        " 3 =   5 交通强县 谢岩伟 县交通运输局       -0.1%  0  1  3    0",
        " 4 =   4 35N      傅雅涛 县发改局           -2.4%  0  2  6    0",
        " 5 =   3 4315     颜韬   县科技局           -4.5%  0  4  5    0",
        " 6 =   8 文旅融合 赵建勇 县文广旅体局       -4.8%  1  0 10    0",
        " 7 =   6 千万工程 江静   县农业农村局       -6.0%  1  1  5    0",
        " 8 =   1 双扩双争 傅雅涛 县发改局           -6.0%  1  1  5    0",
        " 9 =  10 七优享   赵建勇 县民政局           -7.3%  3  2 15    0",
        "10 =   7 土地整治 傅雅涛 县自然资源和规划局 -2.9%  4  2  6    0",
        "排名：红灯少者在前，其次黄灯少者，再次平均进度/预期高者，再按序号；",
        "全部无数据的工程不排名。",
    ]


def test_a_wide_terminal_keeps_the_full_names() -> None:
    for command, title in (("dispatch", "2026-10报送情况"), ("quarter", "工程排名")):
        lines = section(run(command, 160, "zh"), title)
        row = next(line for line in lines if "县城承载能力提升和深化“千村示范、万村整治”工程" in line)
        assert row.split()[:3] in (
            ["6", "县城承载能力提升和深化“千村示范、万村整治”工程", "县农业农村局"],
            ["7", "=", "6"],
        )
        text = "\n".join(lines)
        assert "千万工程" not in text and "土地整治" not in text and "土地综合整治工程" in text


def test_english_at_80_columns_stays_a_table() -> None:
    """English names break between words, so the full name fits as a wrapped column."""
    for command, title in (("dispatch", "Reports for 2026-10"), ("quarter", "Projects ranked")):
        lines = section(run(command, 80, "en"), title)
        assert lines[1].split()[0] in ("Days", "Progress"), lines[:3]  # a header, not `No.  5` blocks
        assert not any(line.startswith("Project ") for line in lines[1:]), lines


def test_quarter_indicators_at_80_columns_leave_out_columns_rather_than_turn_into_blocks() -> None:
    """The ranking of 82 indicators was a block of 11 lines per indicator at 80 columns; it leaves
    out the previous status first (its movement stays), in English the expected figure too."""
    zh = section(run("quarter", 80, "zh"), "指标排名")
    assert zh[1:5] == [
        "排 升  序                                                        超前/",
        "名 降  号 指标                    2027目标        实际     预期   滞后 状态",
        "─" * 80,
        " 1 =    7 其中跨乡镇              1个以上         1        0.73 +36.4% ++ 已完成",
    ]
    # 土地综合整治工程 (project 7's name) inside the indicator's name is kept whole
    assert zh[5] == "          土地综合整治工程"
    assert zh[-1] == "（终端宽度不足，未显示：上季状态；加宽终端或用 --format plain 查看）"
    en = section(run("quarter", 80, "en"), "Indicators ranked")
    assert en[1:3] == [
        "Rank Move No. Indicator           2027 target     Actual Ahead/behind Status",
        "─" * 80,
    ]
    assert en[-2:] == [
        "(too narrow for: Last quarter, Expected; widen the terminal or use --format",
        "plain)",
    ]
    # all 82 ranked, each a row starting with its rank
    assert [int(line.split()[0]) for line in zh if line[:3].strip().isdigit()] == list(range(1, 83))
