"""The audit of committed supervision items, assessments and practices (`validate --base REV`):
feedback after an item's closing (A609) and an entry dated after the commit that records it
(A610), over real commits by different authors; a closing by someone other than the supervision
office is P705 (tests/test_mechanism_owners.py).

SYNTHETIC data: the units are the plan's, every person and email is made up (example.invalid).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import MINIMAL, own_git
from tests.test_audit import History
from tests.test_mechanism_owners import ASSESSMENT, DU, FEEDBACK, ITEM, MEMBERS_DCS, PLAN, UNITS_DCS
from tests.test_owners import LI, QIAN, WANG, project
from yunhe_cli.cli.app import app

runner = CliRunner()


@pytest.fixture
def county(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> History:
    own_git(monkeypatch)
    h = History(tmp_path / "county")
    h.write("plan.yaml", PLAN)
    h.write("people.yaml", MINIMAL["people.yaml"])
    h.write("units.yaml", UNITS_DCS)
    h.write("members.yaml", MEMBERS_DCS)
    h.write("projects/p01.yaml", project("p01", 1, "县交通运输局"))
    h.commit("方案入库与成员", WANG, "2025-04-28")  # 0
    return h


def problems_of(h: History, base: int) -> tuple[int, list[str]]:
    result = runner.invoke(
        app, ["validate", "--data", str(h.data), "--base", h.shas[base], "--as-of", "2025-12-31"]
    )
    shown = result.stderr.replace(f"{h.top}/", "")
    return result.exit_code, [line for line in shown.splitlines() if re.search(r": [A-Z]\d{3} ", line)]


SECOND = """\
  - id: p01-s002
    unit: 县财政局
    issued_on: 2025-06-10
    due: 2025-06-30
    requirement: 报送资金拨付台账
    status: closed
    feedback:
      - on: 2025-06-20
        text: 台账已报送
    closed_on: 2025-06-15
"""


def test_feedback_after_closing(county: History) -> None:
    h = county
    h.write("supervision/p01.yaml", ITEM + FEEDBACK)
    h.commit("交办并记反馈", DU, "2025-06-20")  # 1
    closed = (ITEM + FEEDBACK).replace("status: open", "status: closed") + "    closed_on: 2025-06-30\n"
    h.write("supervision/p01.yaml", closed)
    h.commit("p01-s001 办结", DU, "2025-06-30")  # 2: the base
    late = closed.replace("    closed_on:", "      - on: 2025-07-05\n        text: 补充说明\n    closed_on:")
    h.write("supervision/p01.yaml", late)
    h.commit("办结后补充反馈", QIAN, "2025-07-05")  # 3: the unit's own item, but closed at the base
    # 4: the office records an item whose feedback (06-20) is dated after its closing (06-15)
    h.write("supervision/p01.yaml", late + SECOND)
    h.commit("补录 p01-s002", DU, "2025-07-06")
    code, lines = problems_of(h, 2)
    assert code == 1
    # By hand: p01-s001's second feedback entry `on` is line 12 (col 13); p01-s002 starts on line
    # 15, its feedback's `on` is line 22.
    assert lines == [
        "data/supervision/p01.yaml:12:13: A609 feedback added to p01-s001 after it was closed (办结) on "
        "2025-06-30; a closed item takes no more feedback (the supervision office sends it back first)",
        "data/supervision/p01.yaml:22:13: A609 feedback on 2025-06-20 to p01-s002 is dated after the item "
        "was closed (办结) on 2025-06-15; a closed item takes no more feedback",
    ]
    # From before the closing, the closing and the feedback are both new: the feedback is dated after it
    assert problems_of(h, 1)[1] == [
        "data/supervision/p01.yaml:12:13: A609 feedback on 2025-07-05 to p01-s001 is dated after the item "
        "was closed (办结) on 2025-06-30; a closed item takes no more feedback",
        lines[1],
    ]


def test_an_entry_dated_after_its_commit(county: History) -> None:
    h = county
    h.write("supervision/p01.yaml", ITEM.replace("issued_on: 2025-06-02", "issued_on: 2025-06-05"))
    h.commit("预先交办", DU, "2025-06-02")  # 1: issued three days ahead
    h.write(
        "supervision/p01.yaml",
        (ITEM + FEEDBACK).replace("issued_on: 2025-06-02", "issued_on: 2025-06-05").replace("06-20", "06-21"),
    )
    h.commit("预先反馈", QIAN, "2025-06-20")  # 2: feedback dated the next day
    h.write("assessments/p01.yaml", ASSESSMENT)
    h.commit("预写研判", LI, "2025-07-01")  # 3: an assessment written on 07-08, committed 07-01
    done = (
        (ITEM + FEEDBACK).replace("issued_on: 2025-06-02", "issued_on: 2025-06-05").replace("06-20", "06-21")
    )
    h.write(
        "supervision/p01.yaml", done.replace("status: open", "status: closed") + "    closed_on: 2025-07-02\n"
    )
    h.commit("办结", DU, "2025-07-02")  # 4: on its own day: fine
    s = {i: h.shas[i][:10] for i in range(1, 5)}
    code, lines = problems_of(h, 0)
    assert code == 1
    rule = "nothing is recorded before it happened"
    assert lines == [
        f"{s[1]}:data/supervision/p01.yaml:5:16: A610 {s[1]} by 杜九 <du.jiu@example.invalid> records "
        f"p01-s001 issued on 2025-06-05, after the day it was committed (2025-06-02); {rule}",
        f"{s[2]}:data/supervision/p01.yaml:10:13: A610 {s[2]} by 钱七 <Qian.Qi@Example.invalid> records "
        f"p01-s001 feedback on 2025-06-21, after the day it was committed (2025-06-20); {rule}",
        f"{s[3]}:data/assessments/p01.yaml:4:17: A610 {s[3]} by 李四 <li.si@example.invalid> records the "
        f"assessment of 2025-Q2 written on 2025-07-08, after the day it was committed (2025-07-01); {rule}",
    ]
