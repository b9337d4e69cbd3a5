"""`yunhe log` and `yunhe diff` tell changes to the working mechanism's lists in their own terms:
a supervision item issued, answered (反馈), sent back (退回) and closed (办结); an assessment
written and its rating changed; a practice added. SYNTHETIC commits and people."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import MINIMAL, own_git
from tests.test_audit import History
from tests.test_mechanism_owners import ASSESSMENT, DU, FEEDBACK, ITEM, PLAN, PRACTICE
from tests.test_owners import LI, QIAN, UNITS, WANG, project
from yunhe_cli.cli.app import app

runner = CliRunner()


@pytest.fixture
def county(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> History:
    own_git(monkeypatch)
    h = History(tmp_path / "county")
    h.write("plan.yaml", PLAN)
    h.write("people.yaml", MINIMAL["people.yaml"])
    h.write("units.yaml", UNITS + "  - id: dcs\n    name: 县政府督查室\n")
    h.write("projects/p01.yaml", project("p01", 1, "县交通运输局"))
    h.commit("方案入库", WANG, "2025-04-28")  # 0
    h.write("supervision/p01.yaml", ITEM)
    h.commit("交办 p01-s001", DU, "2025-06-02")  # 1
    h.write("supervision/p01.yaml", ITEM + FEEDBACK)
    h.commit("反馈", QIAN, "2025-06-20")  # 2
    returned = (ITEM + FEEDBACK).replace("status: open", "status: returned")
    returned += "    returns:\n      - on: 2025-06-25\n        reason: 未见凭证\n"
    h.write("supervision/p01.yaml", returned)
    h.commit("退回", DU, "2025-06-25")  # 3
    closed = returned.replace("status: returned", "status: closed") + "    closed_on: 2025-06-30\n"
    h.write("supervision/p01.yaml", closed)
    h.commit("办结", DU, "2025-06-30")  # 4
    h.write("assessments/p01.yaml", ASSESSMENT)
    h.write("practices/p01.yaml", PRACTICE)
    h.commit("研判与经验", LI, "2025-07-10")  # 5
    h.write("assessments/p01.yaml", ASSESSMENT.replace("rating: 黄", "rating: 红"))
    h.commit("改判", LI, "2025-07-11")  # 6
    return h


def run(h: History, *args: str) -> str:
    result = runner.invoke(app, [*args, "--data", str(h.data)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_log_tells_each_change_in_its_own_terms(county: History) -> None:
    h = county
    doc = json.loads(run(h, "log", "p01", "--since", "2025-05-01", "--format", "json"))
    got = [
        (e["commit"][:10], e["event"], e["kind"], e["item"], e["field"], e["old"], e["new"])
        for e in doc["entries"]
    ]
    s = {i: h.shas[i][:10] for i in range(1, 7)}
    assert got == [  # newest first; within a commit in the order of the data
        (s[6], "changed", "assessment", "2025-Q2", "rating", "黄", "红"),
        (s[5], "assessed", "assessment", "2025-Q2", "assessment", None, "黄"),
        (s[5], "practice_added", "practice", "项目审批“一件事”", "practice", None, "并联审批，压缩审批时间"),
        (s[4], "settled", "supervision", "p01-s001", "status", "returned", "closed"),
        (s[3], "sent_back", "supervision", "p01-s001", "status", "open", "returned"),
        (s[2], "feedback", "supervision", "p01-s001", "feedback", 0, 1),
        (s[1], "issued", "supervision", "p01-s001", "supervision", None, "落实配套资金"),
    ]  # fmt: skip
    plain = run(h, "log", "p01", "--since", "2025-05-01", "--format", "plain", "--lang", "zh")
    rows = [line.split() for line in plain.splitlines()]
    # The event and the item as the meeting says them: 督办事项办结 p01-s001 …
    assert [r[3:5] for r in rows if r and r[0].startswith("2025-")] == [
        ["修改", "p01.2025-Q2"],
        ["形势研判", "p01.2025-Q2"],
        ["新增经验", "p01.项目审批“一件事”"],
        ["督办事项办结", "p01-s001"],
        ["督办事项退回", "p01-s001"],
        ["督办事项反馈", "p01-s001"],
        ["交办督办事项", "p01-s001"],
    ]


def test_diff_between_two_revisions(county: History) -> None:
    h = county
    doc = json.loads(run(h, "diff", f"{h.shas[1]}..{h.shas[4]}", "--format", "json", "--as-of", "2025-12-31"))
    got = [(c["event"], c["item"], c["field"], c["old"], c["new"]) for c in doc["changes"]]
    assert got == [
        ("settled", "p01-s001", "status", "open", "closed"),
        ("feedback", "p01-s001", "feedback", 0, 1),
    ]
