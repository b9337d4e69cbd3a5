"""Who may change the working mechanism's lists, in `yunhe owners` (CODEOWNERS) and in
`validate --base` over real commits by different authors: the lead unit writes its project's
assessments (形势研判) and good practices (经验推广); only the supervision office (县政府督查室)
issues, closes and sends back supervision items (督查督办); the unit an item is issued to adds
its feedback.

SYNTHETIC data: the units are the plan's, every person and email is made up (example.invalid).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import MINIMAL, own_git
from tests.test_audit import History
from tests.test_owners import LI, MEMBERS, QIAN, SUN, UNITS, WANG, ZHAO, project
from yunhe_cli.cli.app import app

runner = CliRunner()

DU = ("杜九", "du.jiu@example.invalid")  # 县政府督查室, the supervision office

PLAN = textwrap.dedent(MINIMAL["plan.yaml"]) + "supervision_unit: 县政府督查室\n"
UNITS_DCS = UNITS + "  - id: dcs\n    name: 县政府督查室\n"
MEMBERS_DCS = MEMBERS + "  - unit: 县政府督查室\n    people:\n      - email: du.jiu@example.invalid\n"

ITEM = """\
project: p01
items:
  - id: p01-s001
    unit: 县财政局
    issued_on: 2025-06-02
    due: 2025-06-30
    requirement: 落实配套资金
    status: open
"""
FEEDBACK = """\
    feedback:
      - on: 2025-06-20
        text: 已拨付首期资金
"""
ASSESSMENT = """\
project: p01
assessments:
  - quarter: 2025-Q2
    written_on: 2025-07-08
    written_by: 县交通运输局
    rating: 黄
    progress: 投资进度略慢
"""
PRACTICE = """\
project: p01
practices:
  - title: 项目审批“一件事”
    unit: 县交通运输局
    on: 2025-07-10
    summary: 并联审批，压缩审批时间
"""


@pytest.fixture
def county(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> History:
    own_git(monkeypatch)
    h = History(tmp_path / "county")
    h.write("plan.yaml", PLAN)
    h.write("people.yaml", MINIMAL["people.yaml"])
    h.write("units.yaml", UNITS_DCS)
    h.write("members.yaml", MEMBERS_DCS)
    h.write("projects/p01.yaml", project("p01", 1, "县交通运输局"))
    h.write("projects/p02.yaml", project("p02", 2, "县民政局"))
    h.commit("方案入库与成员", WANG, "2025-04-28")  # 0: the base
    return h


def problems_of(h: History) -> tuple[int, list[str]]:
    result = runner.invoke(
        app, ["validate", "--data", str(h.data), "--base", h.shas[0], "--as-of", "2025-12-31"]
    )
    shown = result.stderr.replace(f"{h.top}/", "")
    lines = [line for line in shown.splitlines() if re.search(r": [A-Z]\d{3} ", line)]
    return result.exit_code, lines


def test_each_keeper_writes_its_own_and_the_unit_adds_feedback(county: History) -> None:
    h = county
    h.write("assessments/p01.yaml", ASSESSMENT)
    h.write("practices/p01.yaml", PRACTICE)
    h.commit("p01 2025-Q2 形势研判与经验", LI, "2025-07-10")  # the lead unit (was P701)
    h.write("supervision/p01.yaml", ITEM)
    h.commit("交办 p01-s001", DU, "2025-06-02")
    h.write("supervision/p01.yaml", ITEM + FEEDBACK)
    h.commit("p01-s001 办理情况", QIAN, "2025-06-20")  # the unit it is issued to
    returned = (ITEM + FEEDBACK).replace("status: open", "status: returned") + (
        "    returns:\n      - on: 2025-06-25\n        reason: 未见拨付凭证\n"
    )
    h.write("supervision/p01.yaml", returned)
    h.commit("p01-s001 退回", DU, "2025-06-25")
    again = returned.replace("status: returned", "status: open").replace(
        "    returns:", "      - on: 2025-06-28\n        text: 补充拨付凭证\n    returns:"
    )
    h.write("supervision/p01.yaml", again)
    h.commit("p01-s001 再次反馈", QIAN, "2025-06-28")  # feedback opens an item sent back again
    closed = again.replace("status: open", "status: closed") + "    closed_on: 2025-06-30\n"
    h.write("supervision/p01.yaml", closed)
    h.commit("p01-s001 办结", DU, "2025-06-30")
    assert problems_of(h) == (0, [])


def test_what_others_may_not_do_is_placed_and_named(county: History) -> None:
    h = county
    h.write("supervision/p01.yaml", ITEM)
    h.commit("交办 p01-s001", DU, "2025-06-02")  # 1: fine
    h.write("assessments/p01.yaml", ASSESSMENT.replace("written_by: 县交通运输局", "written_by: 县民政局"))
    h.commit("代写研判", ZHAO, "2025-07-08")  # 2: 县民政局 writes p01's assessment
    second = "  - id: p01-s002\n    unit: 县交通运输局\n    issued_on: 2025-06-10\n    due: 2025-07-10\n"
    second += "    requirement: 自行交办\n"
    h.write("supervision/p01.yaml", ITEM + second)
    h.commit("自行交办", LI, "2025-06-10")  # 3: a lead unit issues an item
    h.write("supervision/p01.yaml", ITEM + FEEDBACK + second)
    h.commit("代为反馈", LI, "2025-06-20")  # 4: feedback on an item issued to 县财政局
    closed = (ITEM + FEEDBACK).replace("status: open", "status: closed") + "    closed_on: 2025-06-30\n"
    h.write("supervision/p01.yaml", closed + second)
    h.commit("自行办结", QIAN, "2025-06-30")  # 5: the item's own unit closes it
    h.write("supervision/p02.yaml", ITEM.replace("p01", "p02"))
    h.commit("新建督办清单", SUN, "2025-07-01")  # 6: an outsider starts a list
    s = {i: h.shas[i][:10] for i in range(1, 7)}
    code, lines = problems_of(h)
    assert code == 1
    rule = (
        "only the supervision office (县政府督查室) or the office (县发改局) issues, closes, sends back or "
        "changes a supervision item; its unit only adds feedback"
    )
    # R210 is validate's own check of the entry; P701 the commit's; R211-free: the items name no problem.
    assert lines == [
        "data/assessments/p01.yaml:5:17: R210 县民政局 is not the lead unit of p01 (县交通运输局), "
        "who writes its assessments",
        f"{s[2]}:data/assessments/p01.yaml:1:1: P701 {s[2]} by 赵六 <zhao.liu@example.invalid> adds "
        "data/assessments/p01.yaml; 县交通运输局, the lead unit of p01, keeps it and only members of "
        "县交通运输局 or of the office (县发改局) may change it; "
        "zhao.liu@example.invalid is a member of 县民政局",
        # line 9 of the new list is p01-s002's id
        f"{s[3]}:data/supervision/p01.yaml:9:9: P705 {s[3]} by 李四 <li.si@example.invalid> issues p01-s002 "
        f"(自行交办); {rule}; li.si@example.invalid is a member of 县交通运输局",
        # line 10 is the first feedback entry
        f"{s[4]}:data/supervision/p01.yaml:10:9: P705 {s[4]} by 李四 <li.si@example.invalid> "
        "adds feedback to p01-s001 (落实配套资金); only members of 县财政局, the unit it is issued to, "
        "add its feedback; li.si@example.invalid is a member of 县交通运输局",
        # line 8 is p01-s001's status: closed
        f"{s[5]}:data/supervision/p01.yaml:8:13: P705 {s[5]} by 钱七 <Qian.Qi@Example.invalid> closes (办结) "
        f"p01-s001 (落实配套资金); {rule}; Qian.Qi@Example.invalid is a member of 县财政局",
        f"{s[6]}:data/supervision/p02.yaml:1:1: P701 {s[6]} by 孙八 <sun.ba@example.invalid> adds "
        "data/supervision/p02.yaml; 县政府督查室, the supervision office, keeps it and only members of "
        "县政府督查室 or of the office (县发改局) may change it; "
        "sun.ba@example.invalid is not in members.yaml",
    ]


def test_a_unit_may_not_change_more_than_its_feedback(county: History) -> None:
    h = county
    h.write("supervision/p01.yaml", ITEM + FEEDBACK)
    h.commit("交办并记反馈", DU, "2025-06-20")
    h.write("supervision/p01.yaml", (ITEM + FEEDBACK).replace("due: 2025-06-30", "due: 2025-09-30"))
    h.commit("自行延期", QIAN, "2025-06-21")  # the due day is the office's
    h.write(
        "supervision/p01.yaml",
        (ITEM + FEEDBACK)
        .replace("due: 2025-06-30", "due: 2025-09-30")
        .replace("已拨付首期资金", "已全部拨付"),
    )
    h.commit("改写反馈", QIAN, "2025-06-22")  # feedback given is kept as it was
    s = {i: h.shas[i][:10] for i in range(1, 4)}
    code, lines = problems_of(h)
    assert code == 1
    who = "Qian.Qi@Example.invalid is a member of 县财政局"
    rule = (
        "only the supervision office (县政府督查室) or the office (县发改局) issues, closes, sends back or "
        "changes a supervision item; its unit only adds feedback"
    )
    assert lines == [
        f"{s[2]}:data/supervision/p01.yaml:6:10: P705 {s[2]} by 钱七 <Qian.Qi@Example.invalid> "
        f"changes due of p01-s001 (落实配套资金); {rule}; {who}",
        f"{s[3]}:data/supervision/p01.yaml:10:9: P705 {s[3]} by 钱七 <Qian.Qi@Example.invalid> "
        f"changes feedback of p01-s001 (落实配套资金); {rule}; {who}",
    ]


def test_codeowners_gives_the_lists_to_the_lead_units_and_the_supervision_office(county: History) -> None:
    h = county
    result = runner.invoke(app, ["owners", "--data", str(h.data)])
    assert result.exit_code == 0, result.stderr
    text = (h.top / "CODEOWNERS").read_text(encoding="utf-8")
    # By hand: p01's lead is 县交通运输局 (team @county/transport), p02's 县民政局 (@county/mzj, the
    # org's default), the office 县发改局 (@county/fgj) second; the supervision office 县政府督查室 (dcs).
    tail = text.split("\n\n# 形势研判", 1)[1]
    assert tail == (
        ", 经验推广: each project's lead unit writes its assessments and good practices\n"
        "/data/assessments/p01.yaml  @county/transport @county/fgj\n"
        "/data/practices/p01.yaml    @county/transport @county/fgj\n"
        "/data/assessments/p02.yaml  @county/mzj @county/fgj\n"
        "/data/practices/p02.yaml    @county/mzj @county/fgj\n"
        "\n"
        "# 督查督办 (县政府督查室): the supervision office issues, closes and sends\n"
        "# back items; the unit an item is issued to adds feedback (validate --base checks each item)\n"
        "/data/supervision/  @county/dcs @county/fgj\n"
    )
    assert runner.invoke(app, ["owners", "--data", str(h.data), "--check"]).exit_code == 0
