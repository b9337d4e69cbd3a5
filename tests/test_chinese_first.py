"""Chinese first: the language of a run comes from --lang, else the data (plan.yaml's
`language:`), else $YUNHE_LANG, else the locale; every problem code, usage error and write
notice has its Chinese text in one catalogue (outputs/messages.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.core.problems import CODES, Problem
from yunhe_cli.outputs.labels import Lang, default_lang
from yunhe_cli.outputs.messages import PROBLEMS, TEXTS, USAGE, problem_message, usage_text
from yunhe_cli.outputs.problem_printer import render_text

from .conftest import DATA, MINIMAL, RepoMaker

runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")
AS_OF = "2026-11-15"


@pytest.fixture
def c_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """LANG=C and no YUNHE_LANG: the locale says English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "YUNHE_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C")


def test_the_data_says_chinese_under_lang_c(c_locale: None) -> None:
    result = runner.invoke(app, ["status", "--data", str(DATA), "--as-of", AS_OF, "--format", "plain"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("云和县“十项重大工程”推进情况  截至 2026-11-15\n")


def test_lang_given_to_the_command_or_to_yunhe_wins(c_locale: None) -> None:
    args = ["--data", str(DATA), "--as-of", AS_OF, "--format", "plain"]
    own = runner.invoke(app, ["status", *args, "--lang", "en"])
    before = runner.invoke(app, ["--lang", "en", "status", *args])
    assert own.stdout.startswith("Ten Major Projects: where each stands  as of 2026-11-15\n")
    assert before.stdout == own.stdout


def test_the_order_data_then_yunhe_lang_then_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "YUNHE_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert default_lang() is Lang.zh
    monkeypatch.setenv("YUNHE_LANG", "en")
    assert default_lang() is Lang.en  # YUNHE_LANG before the locale
    assert default_lang("zh") is Lang.zh  # the data before YUNHE_LANG
    monkeypatch.setenv("YUNHE_LANG", "zh_CN")
    monkeypatch.setenv("LANG", "C")
    assert default_lang() is Lang.zh
    assert default_lang("en") is Lang.en


def test_a_data_folder_without_language_follows_the_locale(c_locale: None, make_repo: RepoMaker) -> None:
    root = make_repo(dict(MINIMAL))
    args = ["status", "--data", str(root), "--as-of", "2024-01-15", "--format", "plain"]
    assert runner.invoke(app, args).stdout.startswith("Ten Major Projects")
    plan = root / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "language: zh\n", encoding="utf-8")
    assert runner.invoke(app, args).stdout.startswith("云和县“十项重大工程”推进情况")


def test_language_must_be_zh_or_en(c_locale: None, make_repo: RepoMaker) -> None:
    root = make_repo(dict(MINIMAL))
    plan = root / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "language: cn\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--data", str(root), "--as-of", "2024-01-15", "--lang", "en"])
    assert result.exit_code == 1
    assert re.search(r"plan\.yaml:\d+:11: S105 ", result.stderr), result.stderr


def test_validate_on_a_broken_copy_of_the_data_speaks_chinese(c_locale: None, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    plan = copy / "plan.yaml"
    # the title (line 3) removed: S101 is placed where the mapping starts, line 3 col 1
    plan.write_text(re.sub(r"(?m)^title: .*\n", "", plan.read_text(encoding="utf-8")), encoding="utf-8")
    files = len([p for p in copy.rglob("*.yaml")])
    result = runner.invoke(app, ["validate", "--data", str(copy), "--as-of", AS_OF])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{plan.as_posix()}:3:1: S101 缺少必填的键：title：必须有这个键\n{files}个文件中有1个问题\n"
    )
    english = runner.invoke(app, ["validate", "--data", str(copy), "--as-of", AS_OF, "--lang", "en"])
    assert english.stderr == (
        f"{plan.as_posix()}:3:1: S101 title: this key is required\n1 problem in {files} files\n"
    )


def test_import_takes_lang_and_its_usage_errors_are_chinese(c_locale: None) -> None:
    result = runner.invoke(app, ["import", "--data", str(DATA), "--lang", "zh"])
    assert result.exit_code == 2
    lines = [line.strip("│ ╭╰─") for line in result.stderr.splitlines()]
    assert lines[0] == "用法：yunhe import [OPTIONS] FORM.xlsx..."
    assert lines[1] == "运行 'yunhe import --help' 查看帮助。"
    assert "错误" in lines[2]
    assert lines[3] == "缺少参数 'FORM.xlsx...'。"


def test_a_missing_workbook_is_refused_in_chinese(c_locale: None, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", "--data", str(DATA), str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "未写入任何内容"
    assert " X701 无法作为 .xlsx 工作簿读取（损坏、加密、.xls 或 .et）：" in result.stderr


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (
            ["status", "--lang", "cn"],
            "'--lang' 的值无效：'cn' 不是可选值 'zh', 'en' 之一。",
            "Invalid value for '--lang': 'cn' is not one of 'zh', 'en'.",
        ),
        (["status", "--lock"], "没有这个选项：--lock", "No such option: --lock"),
        (
            ["stat"],
            "没有这个命令 'stat'。是否想用 'status'？",
            "No such command 'stat'. Did you mean 'status'?",
        ),
        (
            ["status", "--as-of", "x"],
            "'--as-of' 的值无效：'x' 不是日期，请写成 YYYY-MM-DD",
            "Invalid value for '--as-of': 'x' is not a date; write YYYY-MM-DD",
        ),
        (["issue", "close"], "缺少参数 'ID'。", "Missing argument 'ID'."),
        (["validate", "x"], "多余的参数（x）", "Got unexpected extra argument(s) (x)"),
    ],
)
def test_usage_errors_in_both_languages(c_locale: None, args: list[str], zh: str, en: str) -> None:
    chinese = runner.invoke(app, ["--lang", "zh", *args, "--data", str(DATA)])
    english = runner.invoke(app, ["--lang", "en", *args, "--data", str(DATA)])
    assert (chinese.exit_code, english.exit_code) == (2, 2)
    assert zh in " ".join(line.strip("│ ") for line in chinese.stderr.splitlines())
    assert en in " ".join(line.strip("│ ") for line in english.stderr.splitlines())
    assert "Value error" not in english.stderr


def test_every_problem_code_has_a_chinese_text() -> None:
    assert set(PROBLEMS) == set(CODES)
    for code, (zh, en) in PROBLEMS.items():
        assert CJK.search(zh), code
        assert en == CODES[code][1]


def test_the_catalogue_templates_keep_their_placeholders() -> None:
    for key, (zh, en) in TEXTS.items():  # the counts are given both ways (English has plurals)
        assert CJK.search(zh), key
        names = set(re.findall(r"{(\w+)", en)) | set(re.findall(r"{(\w+)", zh))
        assert names - {"errors", "errors_text", "warnings", "warnings_text"} == set(
            re.findall(r"{(\w+)", en)
        ) - {"errors_text", "warnings_text"}, key
    for pattern, template in USAGE:
        groups = set(re.compile(pattern).groupindex)
        assert set(re.findall(r"{(\w+)", template)) <= groups, pattern
        assert CJK.search(template) or template == "{message}", pattern


def test_every_command_and_option_has_chinese_help() -> None:
    def walk(command: typer.main.TyperGroup, path: str) -> list[str]:
        missing = [] if CJK.search(command.help or "") else [path]
        helps = {p.name: getattr(p, "help", "") or "" for p in command.params}
        missing += [f"{path} {name}" for name, text in helps.items() if not CJK.search(text)]
        for name, sub in getattr(command, "commands", {}).items():
            missing += walk(sub, f"{path} {name}")
        return missing

    assert walk(typer.main.get_command(app), "yunhe") == []


def test_problem_lines_in_chinese_keep_the_detail() -> None:
    p = Problem(Path("data/plan.yaml"), "W502", "there is no problem p01-009", (), 1, 1)
    assert problem_message(p, Lang.zh) == "没有这个编号的问题：there is no problem p01-009"
    assert problem_message(p, Lang.en) == "there is no problem p01-009"
    w = Problem(Path("a.yaml"), "V405", "jump", (), 2, 3)
    assert render_text([p, w], 7, Lang.zh).splitlines()[-1] == "7个文件中有1个问题、1个警告"
    assert render_text([p, w], 7, Lang.en).splitlines()[-1] == "1 problem and 1 warning in 7 files"
    assert render_text([], 7, Lang.zh) == "7个文件，没有问题\n"


def test_usage_text_in_english_is_the_text_itself() -> None:
    assert usage_text("No such option: --x", Lang.en) == "No such option: --x"
    assert usage_text("Invalid value for '--lang': Value error, 'cn' is bad", Lang.en) == (
        "Invalid value for '--lang': 'cn' is bad"
    )


def test_a_month_13_is_blamed_on_its_month(c_locale: None) -> None:
    from yunhe_cli.core.periods import period_fault

    assert period_fault("2026-12") is None
    assert period_fault("2026-13") == "'2026-13' is written YYYY-MM, but its month 13 is not 01–12"
    assert period_fault("2026-00") == "'2026-00' is written YYYY-MM, but its month 00 is not 01–12"
    assert period_fault("0000-05") == "'0000-05' is written YYYY-MM, but the year 0000 is not a year"
    assert period_fault("2026/05") == "'2026/05' is not a month written YYYY-MM"
    zh = runner.invoke(app, ["dispatch", "--data", str(DATA), "--period", "2026-13"])
    assert zh.exit_code == 2
    assert "--period 的值无效：'2026-13' 是 YYYY-MM 写法，但月份 13 不在 01–12 之间" in zh.stderr


def test_a_year_outside_the_plan_names_the_plans_years(c_locale: None) -> None:
    en = runner.invoke(app, ["annual", "26", "--data", str(DATA), "--lang", "en"])
    assert en.exit_code == 2
    assert "Invalid value for YYYY: 26 is outside the plan's years (2023 to 2027)" in en.stderr
    assert "greater than or equal" not in en.stderr
    zh = runner.invoke(app, ["annual", "26", "--data", str(DATA)])
    assert "YYYY 的值无效：26 不在规划期内（2023至2027年）" in zh.stderr


def test_the_last_quarter_and_year_whose_reports_are_due() -> None:
    import datetime as dt

    from yunhe_cli.core.periods import last_quarter_due, last_year_due

    # Q3's last month is September; its report is due on 10 October
    assert last_quarter_due(dt.date(2026, 10, 10), 10) == (2026, 3)
    assert last_quarter_due(dt.date(2026, 10, 9), 10) == (2026, 2)
    assert last_quarter_due(dt.date(2026, 11, 15), 10) == (2026, 3)
    # Q4 of 2025 is due on 10 January 2026
    assert last_quarter_due(dt.date(2026, 1, 9), 10) == (2025, 3)
    assert last_quarter_due(dt.date(2026, 1, 10), 10) == (2025, 4)
    assert last_year_due(dt.date(2026, 1, 9), 10) == 2024
    assert last_year_due(dt.date(2026, 1, 10), 10) == 2025
    assert last_year_due(dt.date(2026, 11, 15), 10) == 2025


def test_quarter_and_annual_without_a_period(c_locale: None) -> None:
    sample = DATA.parent / "examples" / "sample"
    args = ["--data", str(sample), "--as-of", AS_OF, "--format", "plain"]
    quarter = runner.invoke(app, ["quarter", *args])
    assert quarter.stdout.startswith("2026年第3季度“十项重大工程”指标晾晒")
    assert quarter.stdout == runner.invoke(app, ["quarter", "2026-Q3", *args]).stdout
    annual = runner.invoke(app, ["annual", *args])
    assert annual.stdout == runner.invoke(app, ["annual", "2025", *args]).stdout
    assert "2025年" in annual.stdout.splitlines()[0]


def test_outside_a_data_folder_yunhe_says_where_it_looked(
    c_locale: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["status", "--as-of", AS_OF])
    assert result.exit_code == 2
    said = " ".join(line.strip("│ ") for line in result.stderr.splitlines())
    assert "Invalid value for --data" not in said
    assert f"no data folder here: {tmp_path} has no plan.yaml or data/plan.yaml" in said
    zh = runner.invoke(app, ["status", "--as-of", AS_OF, "--lang", "zh"])
    said = "".join(line.strip("│ ") for line in zh.stderr.splitlines())
    assert f"这里没有数据目录：{tmp_path} 及其上级目录中都没有 plan.yaml 或 data/plan.yaml。" in said


def test_the_percent_hint_only_where_the_unit_is_a_percentage() -> None:
    from yunhe_cli.forms.cells import Bad, to_number
    from yunhe_cli.forms.read import Cell

    def said(unit: str) -> str:
        with pytest.raises(Bad) as caught:
            to_number(Cell("indicators", "H7", "63%"), unit)
        return str(caught.value)

    assert said("%") == "'63%' is not a number; write 63 without %: the Unit column says %"
    assert (
        said("亿元")
        == "'63%' is not a number; the figure is in 亿元, not a percentage: write it in 亿元, without %"
    )
