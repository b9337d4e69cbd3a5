"""`validate --base REV` judges each change by the commit that made it (issue #24).

On the SYNTHETIC six-commit history of tests/test_audit.py (C1 … C6, April to August 2025), each
test adds commits with fixed author and commit dates and audits them long after, as a CI run on
an old branch or a yearly review would.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.test_audit import (
    ISSUE_CLOSED,
    ISSUE_OPEN,
    ISSUE_REOPENED,
    LI,
    REPORT_05,
    WANG,
    History,
    history,
    md_rows,
    run,
)
from tests.test_owners import county, problems_of
from yunhe_cli.checks.recorded import Recorded, closings_recorded
from yunhe_cli.store.git import Git, author_ident

__all__ = ["county", "history"]  # the fixtures, used by name


def commit_at(h: History, message: str, authored: str, committed: str) -> str:
    """A commit by 李四 with its own author date and commit date (GIT_AUTHOR_DATE, GIT_COMMITTER_DATE)."""
    env = {
        "GIT_AUTHOR_NAME": LI[0],
        "GIT_AUTHOR_EMAIL": LI[1],
        "GIT_AUTHOR_DATE": f"{authored}T10:00:00+08:00",
        "GIT_COMMITTER_NAME": LI[0],
        "GIT_COMMITTER_EMAIL": LI[1],
        "GIT_COMMITTER_DATE": f"{committed}T18:00:00+08:00",
    }
    h.git("add", "-A", ".")
    h.git("commit", "-q", "--no-gpg-sign", "-m", message, env=env)
    return h.git("rev-parse", "HEAD").strip()


def closed_on(day: str, resolution: str = "已解决") -> str:
    return ISSUE_OPEN + f"    status: closed\n    closed_on: {day}\n    resolution: {resolution}\n"


def test_an_honest_closing_audited_a_year_later_is_clean(history: History) -> None:
    # C5 crosses p01-001 off as of 2025-07-05 and is committed on 2025-07-08: 3 days. Audited on
    # 2026-07-08, 368 days after the closing's date, it used to be A603; the commit's day decides.
    history.git("checkout", "-q", history.shas[4])
    code, out, err = run(history, "validate", "--base", history.shas[3], "--as-of", "2026-07-08")
    assert (code, out, err) == (0, "7 files, no problems\n", "")


def test_a_closing_recorded_86_days_after_its_date_is_a603(history: History) -> None:
    # From C4 (p01-001 open), a commit of 2025-09-04 closes it as of 2025-06-10:
    # 20 days left of June + 31 (July) + 31 (August) + 4 = 86 days, more than the default 40.
    history.git("checkout", "-q", "-b", "late", history.shas[3])
    history.write("issues/p01.yaml", closed_on("2025-06-10"))
    late = commit_at(history, "p01-001 销号", "2025-09-04", "2025-09-04")
    code, _, err = run(history, "validate", "--base", history.shas[3], "--as-of", "2026-09-04")
    assert code == 1
    assert err == (
        f"{history.data}/issues/p01.yaml:9:16: A603 p01-001 is crossed off as of 2025-06-10, 86 days "
        f"before it is recorded (2025-09-04 by commit {late[:10]}); plan.yaml allows 40 "
        "(audit.backdate_days)\n1 problem in 7 files\n"
    )


def test_the_commit_date_decides_and_the_author_date_is_shown(history: History) -> None:
    # The author date says 2025-06-12 (two days after the closing), the commit 2025-09-04: the
    # change entered the history on 2025-09-04, so it is 86 days late; the author day is shown.
    history.git("checkout", "-q", "-b", "late", history.shas[3])
    history.write("issues/p01.yaml", closed_on("2025-06-10"))
    late = commit_at(history, "p01-001 销号", "2025-06-12", "2025-09-04")
    assert closings_recorded(Git(history.top), "data", history.shas[3]) == {
        ("p01-001", dt.date(2025, 6, 10)): Recorded(late, dt.date(2025, 9, 4), dt.date(2025, 6, 12))
    }
    _, _, err = run(history, "validate", "--base", history.shas[3], "--as-of", "2026-09-04")
    assert f"86 days before it is recorded (2025-09-04 by commit {late[:10]}, authored 2025-06-12); " in err


def test_a_closing_dated_after_its_commit_is_a603(history: History) -> None:
    # Committed on 2025-06-20 as of 2025-06-25: five days in the future of its own commit. The
    # audit runs later (2026), when the date is no longer in the future of the day checked.
    history.git("checkout", "-q", "-b", "early", history.shas[3])
    history.write("issues/p01.yaml", closed_on("2025-06-25"))
    early = commit_at(history, "p01-001 销号", "2025-06-20", "2025-06-20")
    code, _, err = run(history, "validate", "--base", history.shas[3], "--as-of", "2026-01-10")
    assert code == 1
    assert err == (
        f"{history.data}/issues/p01.yaml:9:16: A603 p01-001 is crossed off as of 2025-06-25, 5 days "
        f"after it is recorded (2025-06-20 by commit {early[:10]}); a closing cannot be dated after the "
        "day it is recorded\n1 problem in 7 files\n"
    )


def test_reopen_then_close_is_legitimate_history(history: History) -> None:
    # C5 closed p01-001 as of 2025-07-05, C6 reopened it keeping that closing (2025-08-01); a commit of
    # 2025-08-22 closes it again as of 2025-08-20 (2 days). Against C5 that used to be A604 ("the
    # closing is rewritten") and, audited a year later, A603 as well.
    history.write(
        "issues/p01.yaml",
        ISSUE_REOPENED.replace("    status: open\n", closed_on("2025-08-20", "已协调")[len(ISSUE_OPEN) :]),
    )
    commit_at(history, "p01-001 再次销号", "2025-08-22", "2025-08-22")
    code, out, err = run(history, "validate", "--base", history.shas[4], "--as-of", "2026-08-22")
    assert (code, out, err) == (0, "7 files, no problems\n", "")
    # Closing it again *without* the reopening that keeps the first closing is still a rewrite.
    history.write("issues/p01.yaml", closed_on("2025-08-20", "已协调"))
    code, _, err = run(history, "validate", "--base", history.shas[4], "--as-of", "2026-08-22")
    assert code == 1 and " A604 p01-001 was crossed off on 2025-07-05 (已解决) in " in err


def test_a_base_that_is_not_an_ancestor_is_a_rewritten_history(history: History) -> None:
    # C6 (the reopening) is pushed, then main is put back to C5 and a different C6' pushed by force.
    c5, c6 = history.shas[4], history.shas[5]
    history.git("reset", "-q", "--hard", c5)
    history.write(
        "issues/p01.yaml", ISSUE_CLOSED.replace("      - 会议纪要\n", "      - 会议纪要\n      - 照片\n")
    )
    c6b = history.commit("p01-001 补充佐证", WANG, "2025-08-02")
    code, _, err = run(history, "validate", "--base", c6, "--as-of", "2025-08-02")
    assert code == 1
    first = err.splitlines()[0]
    assert first == (
        f"{c6b[:10]}:data:1:1: A607 the history was rewritten: {c6[:10]} is not an ancestor of "
        f"HEAD ({c6b[:10]}); the two part at {c5[:10]}. Commits of {c6[:10]} were replaced or removed "
        f"(a rebase, an amend or a forced push); see git log {c6[:10]}...{c6b[:10]}"
    )
    # The audit still compares the data with C6: its reopening is gone (A604).
    assert " A604 p01-001: the reopenings recorded in " in err
    # A base given by name is named, with its commit.
    history.git("tag", "pushed", c6)
    code, _, err = run(history, "validate", "--base", "pushed", "--as-of", "2025-08-02")
    assert (
        code == 1
        and f" A607 the history was rewritten: pushed ({c6[:10]}) is not an ancestor of HEAD " in err
    )
    # The same base, an ancestor again once the history holds it: no A607.
    assert run(history, "validate", "--base", c5, "--as-of", "2025-08-02")[0] == 0


def test_issue_reopen_records_gits_author_as_git_resolves_it(
    history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At C5 p01-001 is closed. No global configuration (the fixture): the repository's own
    # user.name is the author; GIT_AUTHOR_NAME, as for `git commit`, comes before it.
    history.git("checkout", "-q", history.shas[4])
    history.git("config", "user.name", "王芳")
    history.git("config", "user.email", WANG[1])
    issues = history.data / "issues" / "p01.yaml"
    before = issues.read_text(encoding="utf-8")
    args = ["issue", "reopen", "p01-001", "--reason", "复核未通过", "--on", "2025-08-01"]
    code, _, err = run(history, *args, "--as-of", "2025-08-01")
    assert (code, err) == (0, "")
    assert "      - on: 2025-08-01\n        by: 王芳\n        reason: 复核未通过\n" in issues.read_text(
        encoding="utf-8"
    )
    issues.write_text(before, encoding="utf-8")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "赵六")
    code, _, err = run(history, *args, "--as-of", "2025-08-01")
    assert (code, err) == (0, "")
    assert "        by: 赵六\n" in issues.read_text(encoding="utf-8")
    assert author_ident(history.data) == ("赵六", WANG[1])


REVISED_05 = REPORT_05.replace("value: 61", "value: 58.5")


def revision(on: str, by: str) -> str:
    return (
        f"revisions:\n  - on: {on}\n    by: {by}\n    reason: 统计局核定数\n    indicator: share\n"
        "    old: 61\n"
    )


def test_a_revision_is_dated_between_the_submission_and_its_commit(history: History) -> None:
    report = f"{history.data}/indicators/p01/2025-05.yaml"
    # 2025-05 was submitted on 2025-06-06: a revision dated 2025-06-01 is before that (line 16, after
    # the 14 lines of the report and `revisions:`; the value of `on:` starts at column 9).
    history.write("indicators/p01/2025-05.yaml", REVISED_05 + revision("2025-06-01", "赵六"))
    code, _, err = run(history, "validate", "--base", "HEAD", "--as-of", "2025-08-10")
    assert (code, err) == (
        1,
        f"{report}:16:9: A608 p01 2025-05: the revision is dated 2025-06-01, before the month was "
        "submitted (2025-06-06)\n1 problem in 7 files\n",
    )
    # Dated 2025-08-20, committed on 2025-08-10: after the commit that records it (audited later).
    history.write("indicators/p01/2025-05.yaml", REVISED_05 + revision("2025-08-20", "赵六"))
    sha = commit_at(history, "p01 2025-05 修订", "2025-08-10", "2025-08-10")
    code, _, err = run(history, "validate", "--base", history.shas[5], "--as-of", "2026-01-10")
    assert (code, err) == (
        1,
        f"{report}:16:9: A608 p01 2025-05: the revision is dated 2025-08-20, after it is recorded "
        f"(2025-08-10 by commit {sha[:10]})\n1 problem in 7 files\n",
    )
    # Dated on the day of its commit: clean.
    history.write("indicators/p01/2025-05.yaml", REVISED_05 + revision("2025-08-10", "赵六"))
    commit_at(history, "p01 2025-05 修订", "2025-08-10", "2025-08-10")
    assert run(history, "validate", "--base", history.shas[5], "--as-of", "2026-01-10")[:3:2] == (0, "")


def test_a_revision_is_by_a_unit_or_a_member_of_the_lead_unit_or_the_office(history: History) -> None:
    # members.yaml: 赵六 is in 县发改局 (p01's lead unit and the office), 李四 in 县人力社保局.
    members = (
        "units:\n  - unit: 县发改局\n    people:\n"
        "      - name: 赵六\n        email: zhao.liu@example.invalid\n"
        "  - unit: 县人力社保局\n    people:\n      - name: 李四\n        email: li.si@example.invalid\n"
    )
    history.write("members.yaml", members)
    args = ("validate", "--base", "HEAD", "--as-of", "2025-08-10")
    for by in ("赵六", "县发改局", "rsj", "zhao.liu@example.invalid"):
        history.write("indicators/p01/2025-05.yaml", REVISED_05 + revision("2025-08-10", by))
        assert run(history, *args)[:3:2] == (0, ""), by
    history.write("indicators/p01/2025-05.yaml", REVISED_05 + revision("2025-08-10", "李四"))
    code, _, err = run(history, *args)
    assert (code, err) == (
        1,
        f"{history.data}/indicators/p01/2025-05.yaml:17:9: A608 p01 2025-05: the revision of 2025-08-10 is "
        "by 李四, who is not a unit in units.yaml nor, in members.yaml, a member of the project's lead unit "
        "or of the office\n1 problem in 8 files\n",
    )


def test_p701_judges_the_committer_as_well_as_the_author(county: History) -> None:
    from tests.test_owners import LI as TRANSPORT  # 县交通运输局, lead of p01
    from tests.test_owners import SUN, WANG, report, short

    h = county
    # 1: authored by 李四 (p01's lead unit), committed by 王芳 of the office, who may change it too.
    h.write("indicators/p01/2025-04.yaml", report("p01", "30.5"))
    h.commit("p01 月报（代提交）", TRANSPORT, "2025-05-08", committer=WANG)
    # 2: authored in 李四's name, committed by 孙八, who is in no unit.
    h.write("indicators/p01/2025-04.yaml", report("p01", "31"))
    h.commit("p01 月报", TRANSPORT, "2025-05-09", committer=SUN)
    code, lines = problems_of(h, "--as-of", "2025-05-09")
    s2 = short(h, 2)
    assert (code, lines) == (
        1,
        [
            f"{s2}:data/indicators/p01/2025-04.yaml:1:1: P701 {s2} by 李四 <li.si@example.invalid>, "
            "committed by 孙八 <sun.ba@example.invalid>, changes data/indicators/p01/2025-04.yaml; a commit "
            "made on 县交通运输局's behalf is accepted only when its committer may change the file too; "
            "sun.ba@example.invalid is not in members.yaml"
        ],
    )


def test_diff_opens_with_the_counts_and_reads_in_chinese(history: History) -> None:
    # C4..C5: April's investment revised 30.5 -> 32.0 (announced by C5's revision: 统计局核定数, 赵六)
    # and p01-001 crossed off; nothing else.
    c4, c5 = history.shas[3], history.shas[4]
    code, out, err = run(
        history, "diff", f"{c4}..{c5}", "--as-of", "2025-07-10", "--format", "markdown", "--lang", "zh"
    )
    assert (code, err) == (0, "")
    assert out == (
        f"# 数据变更：{c4} → {c5}\n\n"
        "| 事项           |   数量 |\n"
        "|:---------------|-------:|\n"
        "| 修订的数值     |      1 |\n"
        "| 状态变化的指标 |      0 |\n"
        "| 完成的任务     |      0 |\n"
        "| 新增的问题     |      0 |\n"
        "| 销号的问题     |      1 |\n"
        "| 重新打开的问题 |      0 |\n"
        "| 报送的月报     |      0 |\n\n"
        "## 变更明细\n\n"
        "| 事项   | 对象           | 月份    | 字段     | 原值   | 新值       | 修订说明                     |\n"  # noqa: E501
        "|:-------|:---------------|:--------|:---------|:-------|:-----------|:-----------------------------|\n"
        "| 修改   | p01.investment | 2025-04 | 数值     | 30.5   | 32.0       | 已说明：统计局核定数（赵六） |\n"  # noqa: E501
        "| 销号   | p01-001        |         | 状态     | 未销号 | 已销号     |                              |\n"  # noqa: E501
        "| 新增   | p01-001        |         | 销号日期 | —      | 2025-07-05 |                              |\n"  # noqa: E501
        "| 新增   | p01-001        |         | 解决情况 | —      | 已解决     |                              |\n"  # noqa: E501
        "| 新增   | p01-001        |         | 佐证材料 | —      | 会议纪要   |                              |\n\n"  # noqa: E501
        "## 指标状态变化（截至2025-07-10）\n\n"
        "| 指标   | 名称   | 原状态   | 现状态   |\n"
        "|--------|--------|----------|----------|\n"
    )
    # The work tree is named in Chinese too, and the JSON document carries the counts.
    code, out, _ = run(history, "diff", "--as-of", "2025-08-10", "--format", "markdown", "--lang", "zh")
    assert out.startswith("# 数据变更：HEAD → 工作区\n")
    code, out, _ = run(history, "diff", f"{c4}..{c5}", "--as-of", "2025-07-10", "--format", "json")
    doc = json.loads(out)
    assert [(c.get("announced"), c.get("revision")) for c in doc["changes"]] == [
        (True, {"reason": "统计局核定数", "by": "赵六"}),
        *[(None, None)] * 4,
    ]
    assert doc["counts"] == {
        "figures_revised": 1,
        "statuses_moved": 0,
        "tasks_done": 0,
        "problems_opened": 0,
        "problems_closed": 1,
        "problems_reopened": 0,
        "reports_submitted": 0,
    }


def test_issues_show_how_often_and_when_a_problem_was_reopened(history: History) -> None:
    # At C6 p01-001 (raised 2025-06-01, due 2025-07-31) was reopened on 2025-08-01 by 李四: on
    # 2025-08-10 it is open, 70 days old (30 in June, 31 in July, 9 in August), 10 days overdue.
    code, out, err = run(history, "issues", "--as-of", "2025-08-10", "--format", "markdown", "--lang", "zh")
    assert (code, err) == (0, "")
    assert md_rows(out) == [
        [
            "1",
            "p01-001",
            "用地指标不足",
            "县发改局",
            "",
            "2025-06-01",
            "2025-07-31",
            "!! 逾期未销号",
            "",
            "70",
            "10",
            "",
            "1",
            "2025-08-01 由李四重新打开：复核未通过",
        ]
    ]
    assert [c.strip() for c in out.splitlines()[2].split("|")[-3:-1]] == ["重新打开次数", "最近一次重新打开"]
    code, out, _ = run(history, "issues", "--as-of", "2025-08-10", "--format", "json")
    assert json.loads(out)["problems"][0]["reopened"] == [
        {"on": "2025-08-01", "by": "李四", "reason": "复核未通过"}
    ]
    # Before the reopening (closed on 2025-07-05, as of 2025-07-20) nothing was reopened yet: the
    # table has no such columns and the JSON an empty list.
    code, out, _ = run(history, "issues", "--as-of", "2025-07-20", "--format", "markdown", "--lang", "zh")
    assert "重新打开" not in out and len(md_rows(out)[0]) == 12
    code, out, _ = run(history, "issues", "--as-of", "2025-07-20", "--format", "json")
    assert json.loads(out)["problems"][0]["reopened"] == []
