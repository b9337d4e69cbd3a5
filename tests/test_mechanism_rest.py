"""形势研判, 督查督办, 经验推广: the new files' checks, `yunhe assess`, `yunhe supervise`, and what
`quarter`, `dispatch`, `annual` and the reminders show of them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.checks.validation import validate
from yunhe_cli.cli.app import app
from yunhe_cli.core.model import Thresholds
from yunhe_cli.edits.fmt import format_text
from yunhe_cli.reports.mechanism_rest import score_colour
from yunhe_cli.reports.reminders import reminders
from yunhe_cli.store.loader import load_repository

from .conftest import DATA, RepoMaker

SAMPLE = DATA.parent / "examples" / "sample"
runner = CliRunner()
TODAY = "2023-11-20"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def problems_of(root: Path, today: str = TODAY) -> list[str]:
    _, found = validate(root, today=dt.date.fromisoformat(today))
    return [f"{p.path.relative_to(root)}:{p.line}:{p.col}: {p.code} {p.message}" for p in found]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".*"))
    return root


# --------------------------------------------------------------------------- the files' checks

GOOD_ASSESSMENTS = """\
    project: p01
    assessments:
      - quarter: 2023-Q3
        written_on: 2023-10-08
        written_by: 县发改局
        rating: 黄
        progress: 投资进度略慢
        indicators:
          - investment
        tasks:
          - plan
"""


def test_a_good_assessment_supervision_and_practice_list_have_no_problems(make_repo: RepoMaker) -> None:
    root = make_repo(
        {
            "assessments/p01.yaml": GOOD_ASSESSMENTS,
            "issues/p01.yaml": """\
                project: p01
                problems:
                  - id: p01-001
                    title: 用地不足
                    owner: 县发改局
                    raised_on: 2023-06-01
                    due: 2023-12-31
                """,
            "supervision/p01.yaml": """\
                project: p01
                items:
                  - id: p01-s001
                    unit: 县人社保局
                    issued_on: 2023-07-01
                    due: 2023-09-30
                    requirement: 协调用地
                    problem: p01-001
                    task: plan
                    status: closed
                    feedback:
                      - on: 2023-08-01
                        text: 已协调
                    closed_on: 2023-08-10
                """,
            "practices/p01.yaml": """\
                project: p01
                practices:
                  - title: 链长制
                    unit: fgj
                    on: 2023-09-01
                    summary: 部门包链
                    presented_at: 2023-Q3
                """,
        }
    )
    assert problems_of(root) == []


def test_a_bad_assessment_list_is_placed_problem_by_problem(make_repo: RepoMaker) -> None:
    root = make_repo(
        {
            "assessments/p01.yaml": """\
                project: p01
                assessments:
                  - quarter: 2023-Q3
                    written_on: 2023-12-01
                    written_by: 县人社保局
                    indicators:
                      - investmnet
                    tasks:
                      - nothing
                  - quarter: 2023-Q3
                    written_on: 2023-10-01
                    written_by: 县统计局
                  - quarter: 2024-Q1
                    written_on: 2023-10-01
                    written_by: fgj
                """,
            "assessments/p02.yaml": "project: p01\n",
            "assessments/p09.yaml": "project: p09\n",
            "assessments/notes.txt": "not data\n",
        }
    )
    assert problems_of(root) == [
        "assessments/notes.txt:1:1: Y018 assessments/notes.txt is not a data file; yunhe leaves it alone",
        "assessments/p01.yaml:4:17: D304 written on 2023-12-01 is after 2023-11-20, the day checked on; "
        "it cannot be yet",
        "assessments/p01.yaml:5:17: R210 县人社保局 is not the lead unit of p01 (县发改局), who writes "
        "its assessments",
        "assessments/p01.yaml:7:9: R206 project p01 has no indicator 'investmnet'; "
        "did you mean 'investment'?",
        "assessments/p01.yaml:9:9: R207 project p01 has no task 'nothing'",
        "assessments/p01.yaml:10:14: R209 the quarter 2023-Q3 is assessed twice (first as entry 1)",
        "assessments/p01.yaml:12:17: R203 the unit '县统计局' is not in units.yaml; did you mean '县发改局'?",
        "assessments/p01.yaml:13:14: D304 the quarter 2024-Q1 has not begun on 2023-11-20, "
        "the day checked on",
        "assessments/p02.yaml:1:10: R201 the file is named p02.yaml but names the project 'p01'",
        "assessments/p09.yaml:1:10: R205 there is no project 'p09'; did you mean 'p01'?",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("rating: 橙", "S105"),  # only 绿, 黄, 红
        ("rating: green", "S105"),
        ("quarter2: x", "S102"),
    ],
)
def test_a_rating_outside_the_three_is_refused(make_repo: RepoMaker, line: str, expected: str) -> None:
    text = GOOD_ASSESSMENTS.replace("rating: 黄", line)
    root = make_repo({"assessments/p01.yaml": text})
    found = problems_of(root)
    assert [f.split(": ")[1].split(" ")[0] for f in found] == [expected]
    assert found[0].startswith("assessments/p01.yaml:6:")


@pytest.mark.parametrize("quarter", ["2023-Q5", "2023Q3", "23-Q3", "2023-q3"])
def test_a_quarter_not_written_yyyy_qn_is_refused(make_repo: RepoMaker, quarter: str) -> None:
    text = GOOD_ASSESSMENTS.replace("quarter: 2023-Q3", f"quarter: {quarter}")
    root = make_repo({"assessments/p01.yaml": text})
    found = problems_of(root)
    assert len(found) == 1
    assert found[0].startswith("assessments/p01.yaml:3:14: S107 ")


def test_a_bad_supervision_list_is_placed_problem_by_problem(make_repo: RepoMaker) -> None:
    root = make_repo(
        {
            "issues/p01.yaml": "project: p01\nproblems: []\n",
            "supervision/p01.yaml": """\
                project: p01
                items:
                  - id: p01-s001
                    unit: 县统计局
                    issued_on: 2023-07-01
                    due: 2023-06-30
                    requirement: 协调用地
                    problem: p01-009
                    task: plann
                    feedback:
                      - on: 2023-06-01
                        text: 已协调
                  - id: p01-s001
                    unit: fgj
                    issued_on: 2023-12-01
                    due: 2023-12-31
                    requirement: 再协调
                """,
            "supervision/p02.yaml": """\
                project: p02
                items:
                  - id: p02-s001
                    unit: fgj
                    issued_on: 2023-07-01
                    due: 2023-08-01
                    requirement: 办结而无日期
                    status: closed
                """,
        }
    )
    assert problems_of(root) == [
        "supervision/p01.yaml:4:11: R203 the unit '县统计局' is not in units.yaml; did you mean '县发改局'?",
        "supervision/p01.yaml:6:10: D302 due 2023-06-30 is before it was issued (2023-07-01)",
        "supervision/p01.yaml:8:14: R211 the problem list of p01 has no problem 'p01-009'",
        "supervision/p01.yaml:9:11: R207 project p01 has no task 'plann'; did you mean 'plan'?",
        "supervision/p01.yaml:11:13: D302 feedback on 2023-06-01 is before the item was issued (2023-07-01)",
        "supervision/p01.yaml:13:9: R202 the item id 'p01-s001' is used twice (first in "
        f"{root / 'supervision/p01.yaml'})",
        "supervision/p01.yaml:15:16: D304 issued on 2023-12-01 is after 2023-11-20, the day checked on; "
        "it cannot be yet",
        "supervision/p02.yaml:3:5: S107 items[0]: a closed item (办结) needs closed_on",
    ]


def test_a_bad_practice_list_is_placed(make_repo: RepoMaker) -> None:
    root = make_repo(
        {
            "practices/p01.yaml": """\
                project: p01
                practices:
                  - title: 链长制
                    unit: 县统计局
                    on: 2023-12-01
                    summary: 部门包链
                    presented_at: 2028-Q1
                """,
        }
    )
    assert problems_of(root) == [
        "practices/p01.yaml:4:11: R203 the unit '县统计局' is not in units.yaml; did you mean '县发改局'?",
        "practices/p01.yaml:5:9: D304 dated 2023-12-01 is after 2023-11-20, the day checked on; "
        "it cannot be yet",
        "practices/p01.yaml:7:19: D301 the quarter 2028-Q1 is outside the plan's horizon "
        "(2023-01-01 to 2027-12-31)",
        "practices/p01.yaml:7:19: D304 the quarter 2028-Q1 has not begun on 2023-11-20, the day checked on",
    ]


# --------------------------------------------------------------------------- yunhe assess

DRAFT = """\
# yaml-language-server: $schema=../../schemas/assessments.schema.json
project: p01
assessments:
  - quarter: 2023-Q3
    written_on: 2023-10-20
    written_by: 县发改局
    rating:  # 研判结论：绿 / 黄 / 红
    progress: # 进展
    risks: # 风险与困难
    next_steps: # 下一步
    facts:
      as_of: 2023-10-10
      red: 0
      amber: 0
      green: 0
      grey: 3
      overdue_tasks:
        - plan
      open_problems: []
"""


def test_assess_drafts_the_quarter_with_the_computed_facts(make_repo: RepoMaker) -> None:
    # MINIMAL has three indicators and no report (all grey), and the task `plan` was due 2023-04-15:
    # overdue. The facts are as of the quarter's board day, 2023-10-10 (September's reports due).
    root = make_repo()
    code, out, err = invoke(
        "assess", "p01", "--quarter", "2023-Q3", "--data", str(root), "--as-of", "2023-10-20"
    )
    assert (code, err) == (0, "")
    assert out == f"drafted 2023-Q3 in {root / 'assessments/p01.yaml'}\n"
    assert (root / "assessments/p01.yaml").read_text(encoding="utf-8") == DRAFT
    # the draft is valid as it stands (no rating yet), and fmt finds it canonical
    assert problems_of(root, "2023-10-20") == []
    assert format_text(DRAFT, "assessments/p01.yaml", "assessments") == DRAFT


def test_assess_appends_to_a_list_keeping_its_comments(make_repo: RepoMaker) -> None:
    root = make_repo({"assessments/p01.yaml": "# 我们的研判\nproject: p01  # 一号工程\nassessments: []\n"})
    code, _, err = invoke("assess", "1", "--quarter", "2023Q3", "--data", str(root), "--as-of", "2023-10-20")
    assert (code, err) == (0, "")
    text = (root / "assessments/p01.yaml").read_text(encoding="utf-8")
    assert text == "# 我们的研判\nproject: p01  # 一号工程\n" + DRAFT[DRAFT.index("assessments:") :]


def test_assess_without_a_quarter_drafts_the_last_one(make_repo: RepoMaker) -> None:
    root = make_repo()
    assert invoke("assess", "p01", "--data", str(root), "--as-of", "2024-01-05")[0] == 0
    text = (root / "assessments/p01.yaml").read_text(encoding="utf-8")
    assert "  - quarter: 2023-Q4\n" in text
    assert "      as_of: 2024-01-05\n" in text  # the board day (2024-01-10) is still ahead


def test_assess_refuses_a_quarter_assessed_already(make_repo: RepoMaker) -> None:
    root = make_repo({"assessments/p01.yaml": GOOD_ASSESSMENTS})
    before = (root / "assessments/p01.yaml").read_bytes()
    code, out, err = invoke(
        "assess", "p01", "--quarter", "2023-Q3", "--data", str(root), "--as-of", "2023-11-20"
    )
    assert (code, out) == (1, "")
    assert err == (
        f"{root / 'assessments/p01.yaml'}:3:14: W512 p01 has an assessment of 2023-Q3 already "
        "(written 2023-10-08)\nnothing was written\n"
    )
    assert (root / "assessments/p01.yaml").read_bytes() == before


def test_assess_refuses_a_quarter_not_begun(make_repo: RepoMaker) -> None:
    root = make_repo()
    code, out, err = invoke(
        "assess", "p01", "--quarter", "2024-Q1", "--data", str(root), "--as-of", "2023-11-20"
    )
    assert (code, out) == (1, "")
    path = root / "assessments/p01.yaml"
    assert err == (
        f"{path}:4:14: W505 the change would leave assessments/p01.yaml with 1 problem, placed below in "
        "the text it would have had\n"
        f"{path}:4:14: D304 the quarter 2024-Q1 has not begun on 2023-11-20, the day checked on\n"
        "nothing was written\n"
    )
    assert not path.exists()


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["p09", "--quarter", "2023-Q3"], "no project 'p09'"),
        (["p01", "--quarter", "2023-Q5"], "is not a quarter written YYYY-Qn"),
        (["p01", "--quarter", "Q3"], "is not a quarter written YYYY-Qn"),
    ],
)
def test_assess_usage_errors_exit_2_and_write_nothing(
    make_repo: RepoMaker, args: list[str], hint: str
) -> None:
    root = make_repo()
    result = runner.invoke(app, ["assess", *args, "--data", str(root), "--as-of", "2023-11-20"])
    assert result.exit_code == 2
    assert (
        hint in " ".join(result.stderr.split()).replace("│", "").replace("  ", " ") or hint in result.stderr
    )
    assert not (root / "assessments").exists()


# --------------------------------------------------------------------------- yunhe supervise

ISSUES = """\
    project: p01
    problems:
      - id: p01-001
        title: 用地不足
        owner: 县发改局
        raised_on: 2023-06-01
        due: 2023-12-31
"""


def test_supervise_add_feedback_return_close_round_trip(make_repo: RepoMaker) -> None:
    root = make_repo({"issues/p01.yaml": ISSUES})
    path = root / "supervision/p01.yaml"
    data = ["--data", str(root), "--as-of", "2023-11-20"]
    code, out, err = invoke(
        "supervise", "add", "-p", "p01", "--unit", "县人社保局", "--due", "2023-11-30",
        "--requirement", "协调解决用地", "--problem", "p01-001", "--task", "plan",
        "--issued-on", "2023-11-01", *data,
    )  # fmt: skip
    assert (code, out, err) == (0, f"added p01-s001 to {path}\n", "")
    added = """\
# yaml-language-server: $schema=../../schemas/supervision.schema.json
project: p01
items:
  - id: p01-s001
    unit: 县人社保局
    issued_on: 2023-11-01
    due: 2023-11-30
    requirement: 协调解决用地
    problem: p01-001
    task: plan
    status: open
"""
    assert path.read_text(encoding="utf-8") == added
    code, _, err = invoke(
        "supervise", "feedback", "p01-s001", "--text", "已协调", "--on", "2023-11-10", *data
    )
    assert (code, err) == (0, "")
    code, _, err = invoke(
        "supervise", "return", "p01-s001", "--reason", "未见成效", "--on", "2023-11-12", *data
    )
    assert (code, err) == (0, "")
    assert path.read_text(encoding="utf-8") == added.replace("    status: open\n", "") + (
        "    status: returned\n"
        "    feedback:\n"
        "      - on: 2023-11-10\n"
        "        text: 已协调\n"
        "    returns:\n"
        "      - on: 2023-11-12\n"
        "        reason: 未见成效\n"
    )
    code, _, err = invoke(
        "supervise",
        "feedback",
        "p01-s001",
        "--text",
        "已落实",
        "--evidence",
        "纪要",
        "--on",
        "2023-11-15",
        *data,
    )
    assert (code, err) == (0, "")
    code, out, err = invoke(
        "supervise", "close", "p01-s001", "--conclusion", "同意办结", "--on", "2023-11-18", *data
    )
    assert (code, out, err) == (0, f"closed p01-s001 in {path}\n", "")
    assert path.read_text(encoding="utf-8") == added.replace("    status: open\n", "") + (
        "    status: closed\n"
        "    feedback:\n"
        "      - on: 2023-11-10\n"
        "        text: 已协调\n"
        "      - on: 2023-11-15\n"
        "        text: 已落实\n"
        "        evidence:\n"
        "          - 纪要\n"
        "    returns:\n"
        "      - on: 2023-11-12\n"
        "        reason: 未见成效\n"
        "    closed_on: 2023-11-18\n"
        "    conclusion: 同意办结\n"
    )
    assert problems_of(root) == []
    # closed: nothing more is accepted
    before = path.read_bytes()
    for args in (
        ["close", "p01-s001"],
        ["feedback", "p01-s001", "--text", "x"],
        ["return", "p01-s001", "--reason", "y"],
    ):
        code, out, err = invoke("supervise", *args, *data)
        assert (code, out) == (1, "")
        assert err == (
            f"{path}:4:9: W510 p01-s001 was closed (办结) on 2023-11-18 already\nnothing was written\n"
        )
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["feedback", "p01-s001", "--text", "x", "--on", "2023-10-31"],
         "supervision/p01.yaml:3:9: W503 2023-10-31 is before p01-s001 was issued (2023-11-01)"),
        (["return", "p01-s001", "--reason", "y", "--on", "2023-11-21"],
         "supervision/p01.yaml:3:9: W503 2023-11-21 is in the future (today is 2023-11-20)"),
        (["add", "-p", "p01", "--unit", "fgj", "--due", "2023-12-31", "--requirement", "r",
          "--issued-on", "2023-11-21"],
         "supervision/p01.yaml:1:1: W503 --issued-on 2023-11-21 is in the future (today is 2023-11-20)"),
    ],
)  # fmt: skip
def test_supervise_refusals_are_placed_and_write_nothing(
    make_repo: RepoMaker, args: list[str], message: str
) -> None:
    root = make_repo(
        {
            "supervision/p01.yaml": """\
                project: p01
                items:
                  - id: p01-s001
                    unit: fgj
                    issued_on: 2023-11-01
                    due: 2023-11-30
                    requirement: 协调
                """
        }
    )
    before = (root / "supervision/p01.yaml").read_bytes()
    code, out, err = invoke("supervise", *args, "--data", str(root), "--as-of", "2023-11-20")
    assert (code, out) == (1, "")
    assert err == f"{root}/{message}\nnothing was written\n"
    assert (root / "supervision/p01.yaml").read_bytes() == before


def test_an_unknown_supervision_item_is_placed_at_the_argument_with_the_nearest_ids(
    make_repo: RepoMaker,
) -> None:
    root = make_repo(
        {
            "supervision/p01.yaml": """\
                project: p01
                items:
                  - id: p01-s001
                    unit: fgj
                    issued_on: 2023-11-01
                    due: 2023-11-30
                    requirement: 协调
                """
        }
    )
    before = (root / "supervision/p01.yaml").read_bytes()
    code, out, err = invoke("supervise", "close", "p01-s009", "--data", str(root), "--as-of", "2023-11-20")
    assert (code, out) == (1, "")
    assert err == "ID: W511 there is no supervision item 'p01-s009'; the nearest ids: p01-s001\n" + (
        "nothing was written\n"
    )
    assert (root / "supervision/p01.yaml").read_bytes() == before


def test_supervise_add_naming_a_problem_the_project_lacks_is_refused_with_m803(make_repo: RepoMaker) -> None:
    root = make_repo({"issues/p01.yaml": ISSUES})
    code, out, err = invoke(
        "supervise", "add", "-p", "p01", "--unit", "fgj", "--due", "2023-12-31", "--requirement", "r",
        "--problem", "p01-002", "--data", str(root), "--as-of", "2023-11-20",
    )  # fmt: skip
    path = root / "supervision/p01.yaml"
    assert (code, out) == (1, "")
    assert err == (
        f"{path}:9:14: W505 the change would leave supervision/p01.yaml with 1 problem, placed below in the "
        "text it would have had\n"
        f"{path}:9:14: R211 the problem list of p01 has no problem 'p01-002'; did you mean 'p01-001'?\n"
        "nothing was written\n"
    )
    assert not path.exists()


@pytest.mark.parametrize(
    ("args", "param"),
    [
        (["-p", "p09", "--unit", "fgj"], "--project"),
        (["-p", "p01", "--unit", "县督查局"], "--unit"),
    ],
)
def test_supervise_add_unknown_project_or_unit_is_a_usage_error(
    make_repo: RepoMaker, args: list[str], param: str
) -> None:
    root = make_repo()
    result = runner.invoke(
        app,
        ["supervise", "add", *args, "--due", "2023-12-31", "--requirement", "r", "--data", str(root)],
    )
    assert result.exit_code == 2
    assert param in result.stderr
    assert not (root / "supervision").exists()


# --------------------------------------------------------------------------- what the meetings show


@pytest.mark.parametrize(
    ("score", "colour"),
    [
        (Decimal("0.95"), "green"),  # on_track's threshold is green
        (Decimal("0.9499"), "amber"),
        (Decimal("0.85"), "amber"),  # at_risk's threshold is amber
        (Decimal("0.8499"), "red"),
        (None, "grey"),
    ],
)
def test_a_projects_computed_colour_is_its_mean_score_by_the_thresholds(
    score: Decimal | None, colour: str
) -> None:
    assert score_colour(score, Thresholds()) == colour


def test_quarter_shows_judged_beside_computed_and_flags_the_disagreement() -> None:
    # The sample's 2026-Q3, as of its board day 2026-10-10. Ten projects; p03, p05 and p09 wrote no
    # assessment (missing: the board day has come). p07's unit judged 红 while its indicators' mean
    # score (0.9714, checked below against the ranking's own figure) is green: the one disagreement.
    code, out, _ = invoke("quarter", "2026-Q3", "--data", str(SAMPLE), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    rows = {r["project"]: r for r in doc["assessments"]}
    scores = {p["id"]: Decimal(str(p["score"])) for p in doc["projects"]}
    assert scores["p07"] >= Decimal("0.95")
    assert rows["p07"] == {
        "project": "p07",
        "computed": "green",
        "judged": "red",
        "written_on": "2026-10-03",
        "disagrees": True,
        "missing": False,
        "progress": "土地整治项目立项和复垦进度明显滞后。",
        "risks": "指标缺口较大，跨乡镇项目协调难度大。",
        "next_steps": "提请总专班专题研究，倒排工期推进。",
    }
    assert [r["project"] for r in doc["assessments"] if r["missing"]] == ["p03", "p05", "p09"]
    assert [r["project"] for r in doc["assessments"] if r["disagrees"]] == ["p07"]
    # judged by the units, from the sample's files
    assert {p: r["judged"] for p, r in rows.items() if r["judged"]} == {
        "p01": "green", "p02": "green", "p04": "amber", "p06": "amber",
        "p07": "red", "p08": "green", "p10": "green",
    }  # fmt: skip
    # the table says it in words, with the count under it
    code, text, _ = invoke("quarter", "2026-Q3", "--data", str(SAMPLE), "--format", "plain", "--lang", "zh")
    line = next(x for x in text.splitlines() if "土地综合整治工程" in x and "相反" in x)
    assert line.split()[-5:] == ["县自然资源和规划局", "绿", "红", "2026-10-03", "相反"]
    assert "研判与指标灯相反（判绿而指标为红，或判红而指标为绿）1个；应交未交研判3个。" in text


def test_quarter_before_the_board_day_lists_no_assessment_as_missing() -> None:
    code, out, _ = invoke(
        "quarter", "2026-Q3", "--data", str(SAMPLE), "--as-of", "2026-10-02", "--format", "json"
    )
    assert code == 0
    rows = json.loads(out)["assessments"]
    # the board day (2026-10-10) has not come, and the sample's Q3 assessments were written from
    # 2026-10-03 (p06, p07) to 2026-10-08 (p10): none is there yet, none is missing
    assert [(r["judged"], r["written_on"], r["missing"]) for r in rows] == [(None, None, False)] * 10
    code, text, _ = invoke(
        "quarter", "2026-Q3", "--data", str(SAMPLE), "--as-of", "2026-10-02", "--lang", "zh"
    )
    assert text.count("未到期") == 10
    assert "研判与指标灯相反（判绿而指标为红，或判红而指标为绿）0个；应交未交研判0个。" in text


def test_dispatch_lists_the_supervision_items_overdue() -> None:
    # As of 2026-11-15: p07-s001 was due 2026-10-15 (31 days) and sent back once; p01-s001 was due
    # 2026-10-31 (15 days); p06-s001 is due 2026-12-15 (not yet); p03-s001 is closed.
    code, out, _ = invoke("dispatch", "--data", str(SAMPLE), "--as-of", "2026-11-15", "--format", "json")
    assert code == 0
    assert json.loads(out)["supervision"] == [
        {
            "project": "p07",
            "id": "p07-s001",
            "unit": "县自然资源和规划局",
            "requirement": "加快土地综合整治项目复垦验收",
            "issued_on": "2026-07-20",
            "due": "2026-10-15",
            "days_overdue": 31,
            "returned": True,
            "feedback": 1,
        },
        {
            "project": "p01",
            "id": "p01-s001",
            "unit": "县发改局",
            "requirement": "督促加快重大项目开工前期工作，按期报送进展",
            "issued_on": "2026-08-05",
            "due": "2026-10-31",
            "days_overdue": 15,
            "returned": False,
            "feedback": 1,
        },
    ]
    code, text, _ = invoke(
        "dispatch", "--data", str(SAMPLE), "--as-of", "2026-11-15", "--format", "plain", "--lang", "en"
    )
    assert "Supervision items overdue" in text
    assert "p07-s001" in text and "(sent back)" in text


def test_annual_lists_the_years_good_practices() -> None:
    code, out, _ = invoke(
        "annual", "2026", "--data", str(SAMPLE), "--as-of", "2026-11-15", "--format", "json"
    )
    assert code == 0
    assert [(p["project"], p["title"], p["on"], p["presented_at"]) for p in json.loads(out)["practices"]] == [
        ("p06", "“共富工坊”带动村集体增收", "2026-04-18", "2026-Q2"),
        ("p08", "文旅融合“一码游”", "2026-08-26", "2026-Q3"),
    ]
    _, out, _ = invoke("annual", "2025", "--data", str(SAMPLE), "--format", "json")
    assert [p["title"] for p in json.loads(out)["practices"]] == ["“链长制”精准招商"]


def test_reminders_collect_supervision_items_and_missing_assessments() -> None:
    repo, _ = load_repository(SAMPLE)
    owed = reminders(repo, dt.date(2026, 11, 15), within=14)
    mine = sorted(
        (d.source, d.unit, d.ref, d.due.isoformat(), d.days_overdue)
        for d in owed.items()
        if d.source in ("supervision", "assessment")
    )
    # supervision: open items due by 2026-11-29 (p06-s001 is due 2026-12-15: not yet); assessment:
    # 2026-Q3 (board day 2026-10-10, 36 days ago) not written by p03, p05 and p09's lead units.
    assert mine == [
        ("assessment", "县交通运输局", "2026-Q3", "2026-10-10", 36),
        ("assessment", "县发改局", "2026-Q3", "2026-10-10", 36),
        ("assessment", "县科技局", "2026-Q3", "2026-10-10", 36),
        ("supervision", "县发改局", "p01-s001", "2026-10-31", 15),
        ("supervision", "县自然资源和规划局", "p07-s001", "2026-10-15", 31),
    ]


def test_init_makes_the_three_folders_and_assess_fills_one(tmp_path: Path) -> None:
    county = tmp_path / "county"
    assert runner.invoke(app, ["init", str(county), "--first-period", "2024-01"]).exit_code == 0
    data = county / "data"
    for folder in ("assessments", "supervision", "practices"):
        assert sorted(p.name for p in (data / folder).iterdir()) == [".gitkeep"]
    code, out, err = invoke(
        "assess", "p05", "--quarter", "2024-Q1", "--data", str(data), "--as-of", "2024-04-12"
    )
    assert (code, err) == (0, "")
    # in the county's language (its plan.yaml says language: zh)
    assert out == f"已起草 2024-Q1 形势研判，写入 {data / 'assessments/p05.yaml'}\n"
    # the schema line of the new list points at the schemas copied beside the data
    first = (data / "assessments/p05.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/assessments.schema.json"
    assert (county / "schemas" / "assessments.schema.json").is_file()
    assert invoke("validate", "--data", str(data), "--as-of", "2024-04-12")[0] == 0


def test_supervise_add_due_before_issued_is_refused_with_d302(make_repo: RepoMaker) -> None:
    root = make_repo()
    code, out, err = invoke(
        "supervise", "add", "-p", "p01", "--unit", "fgj", "--due", "2023-10-31", "--requirement", "r",
        "--issued-on", "2023-11-01", "--data", str(root), "--as-of", "2023-11-20",
    )  # fmt: skip
    path = root / "supervision/p01.yaml"
    assert (code, out) == (1, "")
    assert err == (
        f"{path}:7:10: W505 the change would leave supervision/p01.yaml with 1 problem, placed below in the "
        "text it would have had\n"
        f"{path}:7:10: D302 due 2023-10-31 is before it was issued (2023-11-01)\n"
        "nothing was written\n"
    )
    assert not path.exists()
