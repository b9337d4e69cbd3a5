"""`yunhe log` marks each change of a submitted month announced or unannounced (issue #24 item 4).

On the SYNTHETIC history of tests/test_audit.py: April is submitted in C2 (2025-05-09) and May in
C3 (2025-06-06); C5 (2025-07-08) changes April's investment 30.5 → 32.0 with a `revisions:` entry
(统计局核定数, by 赵六). Each test adds a commit of its own and reads the whole output.
"""

from __future__ import annotations

import json

from tests.test_audit import LI, REPORT_05, History, csv_rows, history, md_rows, run

__all__ = ["history"]  # the fixture, used by name

MAY_REVISED = REPORT_05.replace("value: 41.2", "value: 45.0").replace("value: 61\n", "value: 62\n") + (
    "revisions:\n"
    "  - on: 2025-08-10\n"
    "    by: 李四\n"
    "    reason: 录入错误\n"
    "    indicator: investment\n"
    "    old: 41.2\n"
)


def test_a_quiet_change_is_unannounced_and_a_revision_announces_only_what_it_names(history: History) -> None:
    # One commit changes May's two figures with one revision, of investment only: share is quiet.
    history.write("indicators/p01/2025-05.yaml", MAY_REVISED)
    c7 = history.commit("p01 2025-05 修订", LI, "2025-08-10")[:7]
    c3, c5 = history.shas[2][:7], history.shas[4][:7]
    code, out, err = run(history, "log", "p01", "--period", "2025-05", "--format", "markdown", "--lang", "en")
    assert (code, err) == (0, "")
    m3 = "p01 2025-05 月报；新增问题 p01-001"
    assert md_rows(out) == csv_rows(
        "date,author,commit,event,item,period,field,change,message,announced\n"
        f"2025-08-10,李四,{c7},changed,p01.investment,2025-05,value,41.2 → 45.0,p01 2025-05 修订,"
        "announced: 录入错误 (李四)\n"
        f"2025-08-10,李四,{c7},changed,p01.share,2025-05,value,61 → 62,p01 2025-05 修订,unannounced\n"
        # C3 submits May: no month was submitted before it, so nothing is marked.
        f"2025-06-06,李四,{c3},submitted,p01,2025-05,submitted on,— → 2025-06-06,{m3},\n"
        f"2025-06-06,李四,{c3},added,p01,2025-05,submitted by,— → 县发改局,{m3},\n"
        f"2025-06-06,李四,{c3},added,p01.investment,2025-05,value,— → 41.2,{m3},\n"
        f"2025-06-06,李四,{c3},added,p01.share,2025-05,value,— → 61,{m3},\n"
        f"2025-06-06,李四,{c3},done,p01.plan,2025-05,status,— → done,{m3},\n"
        f"2025-06-06,李四,{c3},added,p01.plan,2025-05,percent,— → 100,{m3},\n"
        f"2025-06-06,李四,{c3},added,p01.plan,2025-05,done on,— → 2025-05-30,{m3},\n"
    )
    assert c5 not in out  # C5 changes April only
    # In Chinese, the marks read as 已说明 / 未说明.
    code, out, _ = run(
        history, "log", "p01.share", "--period", "2025-05", "--format", "markdown", "--lang", "zh"
    )
    assert [row[-1] for row in md_rows(out)] == ["未说明", ""]
    code, out, _ = run(
        history, "log", "p01.investment", "--period", "2025-04", "--format", "markdown", "--lang", "zh"
    )
    assert [row[-1] for row in md_rows(out)] == ["已说明：统计局核定数（赵六）", ""]


def test_the_json_carries_the_mark_and_the_revision(history: History) -> None:
    history.write("indicators/p01/2025-05.yaml", MAY_REVISED)
    c7 = history.commit("p01 2025-05 修订", LI, "2025-08-10")
    code, out, _ = run(history, "log", "p01", "--since", "2025-07-01", "--format", "json")
    assert code == 0
    entries = json.loads(out)["entries"]
    marks = [(e["commit"], e["item"], e.get("announced", "-"), e.get("revision", "-")) for e in entries]
    assert marks == [
        (c7, "investment", True, {"reason": "录入错误", "by": "李四"}),
        (c7, "share", False, None),
        # C6 reopens p01-001 (its status and its reopenings) and C5 also closes it: a problem is no
        # month's figure, it has no mark at all.
        (history.shas[5], "p01-001", "-", "-"),
        (history.shas[5], "p01-001", "-", "-"),
        (history.shas[4], "investment", True, {"reason": "统计局核定数", "by": "赵六"}),
        (history.shas[4], "p01-001", "-", "-"),
        (history.shas[4], "p01-001", "-", "-"),
        (history.shas[4], "p01-001", "-", "-"),
        (history.shas[4], "p01-001", "-", "-"),
    ]


def test_a_log_without_a_submitted_month_changed_has_no_mark_column(history: History) -> None:
    code, out, _ = run(history, "log", "p01-001", "--format", "markdown", "--lang", "en")
    assert code == 0
    header = next(line for line in out.splitlines() if line.startswith("|"))
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "Date",
        "Author (committer)",
        "Commit",
        "Event",
        "Item",
        "Month",
        "Field",
        "Old → new",
        "Message",
    ]
