"""The audit trail on real git repositories: log, diff, --at, validate --base, --staged.

Each test builds a small history with several authors and fixed dates (SYNTHETIC data on the
MINIMAL repository of conftest.py) and checks whole outputs worked out from that history.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import MINIMAL, own_git
from yunhe_cli.cli.app import app

runner = CliRunner()

LI = ("李四", "li.si@example.invalid")
ZHAO = ("赵六", "zhao.liu@example.invalid")
WANG = ("王芳", "wang.fang@example.invalid")

REPORT_04 = """\
project: p01
period: 2025-04
submitted_on: 2025-05-08
submitted_by: 县发改局
values:
  - indicator: investment
    value: 30.5
  - indicator: share
    value: 60.1
tasks:
  - task: plan
    status: in_progress
    percent: 50
"""

REPORT_05 = """\
project: p01
period: 2025-05
submitted_on: 2025-06-06
submitted_by: 县发改局
values:
  - indicator: investment
    value: 41.2
  - indicator: share
    value: 61
tasks:
  - task: plan
    status: done
    percent: 100
    done_on: 2025-05-30
"""

ISSUE_OPEN = """\
project: p01
problems:
  - id: p01-001
    title: 用地指标不足
    owner: 县发改局
    raised_on: 2025-06-01
    due: 2025-07-31
"""

ISSUE_CLOSED = (
    ISSUE_OPEN
    + """\
    status: closed
    closed_on: 2025-07-05
    resolution: 已解决
    evidence:
      - 会议纪要
"""
)

ISSUE_REOPENED = (
    ISSUE_OPEN
    + """\
    status: open
    reopened:
      - on: 2025-08-01
        by: 李四
        reason: 复核未通过
        closed_on: 2025-07-05
        resolution: 已解决
        evidence:
          - 会议纪要
"""
)

REVISION = """\
revisions:
  - on: 2025-07-08
    by: 赵六
    reason: 统计局核定数
    indicator: investment
    old: 30.5
"""


class History:
    """A git repository built commit by commit, with the author, committer and date of each."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self.data = top / "data"
        top.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.shas: list[str] = []

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        base = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        base.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, **(env or {})})
        done = subprocess.run(["git", "-C", str(self.top), *args], capture_output=True, text=True, env=base)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def write(self, rel: str, text: str) -> None:
        path = self.data / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")

    def commit(
        self, message: str, author: tuple[str, str], date: str, committer: tuple[str, str] | None = None
    ) -> str:
        who = committer or author
        env = {
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_AUTHOR_DATE": f"{date}T10:00:00+08:00",
            "GIT_COMMITTER_NAME": who[0],
            "GIT_COMMITTER_EMAIL": who[1],
            "GIT_COMMITTER_DATE": f"{date}T18:00:00+08:00",
        }
        self.git("add", "-A", ".")
        self.git("commit", "-q", "--no-gpg-sign", "-m", message, env=env)
        sha = self.git("rev-parse", "HEAD").strip()
        self.shas.append(sha)
        return sha


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> History:
    """Six commits by three people from April to August 2025 (C1 … C6)."""
    own_git(monkeypatch)
    monkeypatch.delenv("GITHUB_BASE_REF", raising=False)
    h = History(tmp_path / "county")
    for rel, text in MINIMAL.items():
        h.write(rel, text)
    h.commit("方案入库", WANG, "2025-04-28")  # C1
    h.write("indicators/p01/2025-04.yaml", REPORT_04)
    h.commit("p01 2025-04 月报", LI, "2025-05-09")  # C2
    h.write("indicators/p01/2025-05.yaml", REPORT_05)
    h.write("issues/p01.yaml", ISSUE_OPEN + "    status: open\n")
    h.commit("p01 2025-05 月报；新增问题 p01-001", LI, "2025-06-06")  # C3
    # Only the layout changes: a list without indentation, the same data.
    h.write("indicators/p01/2025-04.yaml", REPORT_04.replace("\n  - ", "\n- ").replace("\n    ", "\n  "))
    h.commit("yunhe fmt", ZHAO, "2025-06-20")  # C4
    h.write("indicators/p01/2025-04.yaml", REPORT_04.replace("value: 30.5", "value: 32.0") + REVISION)
    h.write("issues/p01.yaml", ISSUE_CLOSED)
    h.commit("p01 2025-04 数据修订；p01-001 销号", ZHAO, "2025-07-08", committer=WANG)  # C5
    h.write("issues/p01.yaml", ISSUE_REOPENED)
    h.commit("p01-001 重新打开", LI, "2025-08-01")  # C6
    return h


def run(h: History, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--data", str(h.data)])
    return result.exit_code, result.stdout, result.stderr


def md_rows(out: str, table: int = 0) -> list[list[str]]:
    """The body rows of the table-th Markdown table in `out` (the table people read)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in out.splitlines():
        if line.startswith("|"):
            current.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables[table][2:]  # less the header and the |---| line


def csv_rows(text: str) -> list[list[str]]:
    """Expected rows written as CSV lines (the header line dropped)."""
    import csv
    import io

    return list(csv.reader(io.StringIO(text)))[1:]


def flat(text: str) -> str:
    """A usage error's message without the box drawn around it."""
    return " ".join(text.replace("│", " ").split())


# ----------------------------------------------------------------------------- yunhe log


def test_log_of_an_indicator_is_every_change_of_its_figures_and_target(history: History) -> None:
    c1, c2, c3, c4, c5, c6 = (s[:7] for s in history.shas)
    code, out, err = run(history, "log", "p01.investment", "--format", "markdown", "--lang", "en")
    assert (code, err) == (0, "")
    # Newest first. C4 only reformats and C6 touches no figure: neither appears. C5 was
    # committed by 王芳 for 赵六: both are shown. C5 changes April, submitted in C2, with the
    # revisions: entry it adds: announced, with its reason and by.
    assert md_rows(out) == csv_rows(
        "date,author,commit,event,item,period,field,change,message,announced\n"
        f"2025-07-08,赵六 (王芳),{c5},changed,p01.investment,2025-04,value,30.5 → 32.0,"
        "p01 2025-04 数据修订；p01-001 销号,announced: 统计局核定数 (赵六)\n"
        f"2025-06-06,李四,{c3},added,p01.investment,2025-05,value,— → 41.2,"
        "p01 2025-05 月报；新增问题 p01-001,\n"
        f"2025-05-09,李四,{c2},added,p01.investment,2025-04,value,— → 30.5,p01 2025-04 月报,\n"
        f"2025-04-28,王芳,{c1},added,p01.investment,,target,— → 350,方案入库,\n"
        f"2025-04-28,王芳,{c1},added,p01.investment,,target date,— → 2027-12-31,方案入库,\n"
    )
    assert c4 not in out and c6 not in out


def test_log_of_a_problem_shows_raising_closing_and_reopening_with_who(history: History) -> None:
    _, _, c3, _, c5, c6 = (s[:7] for s in history.shas)
    m3, m5, m6 = (
        "p01 2025-05 月报；新增问题 p01-001",
        "p01 2025-04 数据修订；p01-001 销号",
        "p01-001 重新打开",
    )
    code, out, err = run(history, "log", "p01-001", "--format", "markdown", "--lang", "en")
    assert (code, err) == (0, "")
    assert md_rows(out) == csv_rows(
        "date,author,commit,event,item,period,field,change,message\n"
        f"2025-08-01,李四,{c6},reopened,p01-001,,status,closed → open,{m6}\n"
        f"2025-08-01,李四,{c6},added,p01-001,,times reopened,— → 1,{m6}\n"
        f"2025-07-08,赵六 (王芳),{c5},closed,p01-001,,status,open → closed,{m5}\n"
        f"2025-07-08,赵六 (王芳),{c5},added,p01-001,,closed on,— → 2025-07-05,{m5}\n"
        f"2025-07-08,赵六 (王芳),{c5},added,p01-001,,resolution,— → 已解决,{m5}\n"
        f"2025-07-08,赵六 (王芳),{c5},added,p01-001,,evidence,— → 会议纪要,{m5}\n"
        f"2025-06-06,李四,{c3},opened,p01-001,,problem,— → 用地指标不足,{m3}\n"
    )


def test_log_filters_by_month_and_dates_and_gives_json(history: History) -> None:
    c5 = history.shas[4]
    code, out, _ = run(
        history, "log", "p01", "--period", "2025-04", "--since", "2025-06-01", "--format", "json"
    )
    assert code == 0
    import json

    doc = json.loads(out)
    # In p01's April report after 1 June only C5 changed something: the one figure.
    assert [(e["commit"], e["item"], e["field"], e["old"], e["new"]) for e in doc["entries"]] == [
        (c5, "investment", "value", 30.5, 32.0)
    ]
    entry = doc["entries"][0]
    assert (entry["author"], entry["committer"], entry["date"]) == (
        "赵六",
        "王芳",
        "2025-07-08T10:00:00+08:00",
    )
    # Until 31 May: the task update of C2 and the submission, nothing of C5.
    code, out, _ = run(
        history, "log", "p01", "--period", "2025-04", "--until", "2025-05-31", "--format", "json"
    )
    fields = [(e["event"], e["item"], e["field"]) for e in json.loads(out)["entries"]]
    assert fields == [
        ("submitted", None, "submitted_on"),
        ("added", None, "submitted_by"),
        ("added", "investment", "value"),
        ("added", "share", "value"),
        ("added", "plan", "status"),
        ("added", "plan", "percent"),
    ]


def test_log_of_an_unknown_name_is_a_usage_error(history: History) -> None:
    code, _, err = run(history, "log", "p01.nothing")
    assert code == 2 and "nothing in the history" in flat(err)


def test_a_file_invalid_at_one_revision_is_placed_there_and_bridged(history: History) -> None:
    history.write("indicators/p01/2025-05.yaml", REPORT_05.replace("value: 41.2", "value: [41.2"))
    bad = history.commit("p01 2025-05 修改（格式错误）", LI, "2025-08-05")
    history.write("indicators/p01/2025-05.yaml", REPORT_05.replace("value: 41.2", "value: 42.0"))
    good = history.commit("p01 2025-05 修正", LI, "2025-08-06")
    code, out, err = run(history, "log", "p01.investment", "--format", "markdown", "--lang", "en")
    assert code == 1
    # The broken text is placed at its commit; the change shows from the last readable figure.
    assert err.startswith(f"{bad[:10]}:data/indicators/p01/2025-05.yaml:")
    assert " Y002 " in err
    assert md_rows(out)[0][:8] == [
        "2025-08-06",
        "李四",
        good[:7],
        "changed",
        "p01.investment",
        "2025-05",
        "value",
        "41.2 → 42.0",
    ]
    code, _, err = run(history, "status", "--at", bad[:10], "--as-of", "2025-08-05")
    assert code == 1 and err.startswith(f"{bad[:10]}:data/indicators/p01/2025-05.yaml:")


def test_a_renamed_file_changes_nothing(history: History) -> None:
    history.git("mv", "data/issues/p01.yaml", "data/issues/p01-list.yaml")
    moved = history.commit("问题清单改名", WANG, "2025-08-02")
    code, out, _ = run(history, "log", "--format", "csv")
    assert code == 0 and moved[:7] not in out


def test_a_shallow_clone_and_a_folder_outside_git_are_usage_errors(history: History, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{history.top}", str(clone)],
        check=True,
        capture_output=True,
    )
    result = runner.invoke(app, ["log", "p01.investment", "--data", str(clone / "data")])
    assert result.exit_code == 2 and "shallow" in flat(result.stderr)
    result = runner.invoke(app, ["status", "--at", history.shas[1], "--data", str(clone / "data")])
    assert result.exit_code == 2 and "shallow" in flat(result.stderr)
    assert "git fetch --unshallow" in flat(result.stderr)
    plain = tmp_path / "plain"
    shutil.copytree(history.data, plain)
    result = runner.invoke(app, ["status", "--at", "HEAD", "--data", str(plain)])
    assert result.exit_code == 2 and "is not in a git repository" in flat(result.stderr)
    result = runner.invoke(app, ["status", "--at", "no-such-rev", "--data", str(history.data)])
    assert result.exit_code == 2 and "there is no revision 'no-such-rev'" in flat(result.stderr)


# ----------------------------------------------------------------------------- --at and --as-of


def test_at_reproduces_a_past_report_byte_for_byte(history: History, tmp_path: Path) -> None:
    c5 = history.shas[4]
    # The same commit checked out elsewhere, and read the ordinary way.
    old = tmp_path / "old"
    history.git("worktree", "add", "-q", "--detach", str(old), c5)
    for command in (["status"], ["indicators"], ["issues"], ["tasks"], ["history", "p01.investment"]):
        args = [*command, "--as-of", "2025-07-10", "--format", "plain", "--lang", "zh"]
        at = runner.invoke(app, [*args, "--at", c5, "--data", str(history.data)])
        there = runner.invoke(app, [*args, "--data", str(old / "data")])
        assert (at.exit_code, at.stdout) == (there.exit_code, there.stdout), command


def test_issues_as_of_a_day_shows_a_problem_closed_then_and_reopened_later(history: History) -> None:
    # The work tree holds C6: p01-001 was closed on 2025-07-05 and reopened on 2025-08-01.
    code, out, _ = run(history, "issues", "--as-of", "2025-07-10", "--format", "markdown", "--lang", "en")
    assert code == 0
    # Closed on 2025-07-05, 34 days after it was raised on 2025-06-01 (30 in June + 4).
    assert (
        md_rows(out)[0]
        == csv_rows(
            "header\n1,p01-001,用地指标不足,县发改局,,2025-06-01,2025-07-31,++ closed,2025-07-05,34,,已解决"
        )[0]
    )
    code, out, _ = run(history, "issues", "--as-of", "2025-08-02", "--format", "csv", "--lang", "en")
    # Open again: 62 days old on 2 August (30 + 31 + 1), overdue since 31 July by 2 days; in CSV,
    # the JSON document's keys and raw values.
    import csv
    import io

    row = next(csv.DictReader(io.StringIO(out)))
    assert (row["id"], row["status"], row["closed_on"], row["age_days"], row["days_overdue"]) == (
        "p01-001",
        "open",
        "",
        "62",
        "2",
    )


# ----------------------------------------------------------------------------- yunhe diff


def test_diff_between_two_commits(history: History) -> None:
    c4, c5 = history.shas[3], history.shas[4]
    code, out, err = run(
        history, "diff", f"{c4}..{c5}", "--as-of", "2025-07-10", "--format", "markdown", "--lang", "en"
    )
    assert (code, err) == (0, "")
    # It opens with the counts: one figure revised (investment 30.5 -> 32.0), one problem closed.
    assert md_rows(out) == csv_rows(
        "what,count\nfigures revised,1\nstatuses moved,0\ntasks done,0\nproblems opened,0\n"
        "problems closed,1\nproblems reopened,0\nreports submitted,0\n"
    )
    # April was submitted: its revised figure is announced by C5's revisions: entry.
    assert md_rows(out, 1) == csv_rows(
        "event,item,period,field,old,new,announced\n"
        "changed,p01.investment,2025-04,value,30.5,32.0,announced: 统计局核定数 (赵六)\n"
        "closed,p01-001,,status,open,closed,\n"
        "added,p01-001,,closed on,—,2025-07-05,\n"
        "added,p01-001,,resolution,—,已解决,\n"
        "added,p01-001,,evidence,—,会议纪要,\n"
    )
    # April's figure is not the latest (May's is), so no status moved: the document has no
    # status changes (the CSV, its projection, has only figure and problem rows).
    code, out, _ = run(history, "diff", f"{c4}..{c5}", "--as-of", "2025-07-10", "--format", "csv")
    assert out.splitlines()[0].startswith("table,") or "statuses" not in out
    assert "statuses" not in {line.split(",")[0] for line in out.splitlines()[1:]}
    assert len(out.splitlines()) == 1 + 5  # the header and the five changes above


def test_diff_of_the_work_tree_shows_a_status_that_moves(history: History) -> None:
    history.write("indicators/p01/2025-05.yaml", REPORT_05.replace("value: 41.2", "value: 200"))
    code, out, _ = run(history, "diff", "--as-of", "2025-07-10", "--format", "markdown", "--lang", "en")
    assert code == 0
    # 350 by the end of 2027 from 0 at the start of 2023 is 5.83 a month; 41.2 by the end of May
    # 2025 (29 months: 169.2 expected) is under 0.85 of the path, off track; 200 is above it.
    # May was submitted and its figure changed without a revisions: entry: unannounced.
    assert "| changed | p01.investment | 2025-05 | value   | 41.2  | 200   | unannounced |" in out
    assert out.startswith("# Data changes: HEAD → (work tree)\n")
    assert "| p01.investment | 有效投资 | !! off track | + on track |" in out


# ----------------------------------------------------------------------------- validate --base


def test_a_quiet_edit_of_a_submitted_month_is_refused(history: History) -> None:
    history.write("indicators/p01/2025-05.yaml", REPORT_05.replace("value: 61", "value: 58.5"))
    code, _, err = run(history, "validate", "--base", "HEAD", "--as-of", "2025-08-10")
    assert code == 1
    # Line 9 col 12: the share's value in REPORT_05 (after "    value: ").
    assert err == (
        f"{history.data}/indicators/p01/2025-05.yaml:9:12: A601 p01 2025-05 was submitted on 2025-06-06; "
        "its share value changed from 61 to 58.5 without a revisions: entry (on, by, reason, old: 61)\n"
        "1 problem in 7 files\n"
    )
    revision = REVISION.replace("2025-07-08", "2025-08-09").replace("investment", "share")
    history.write(
        "indicators/p01/2025-05.yaml",
        REPORT_05.replace("value: 61", "value: 58.5") + revision.replace("30.5", "60"),
    )
    code, _, err = run(history, "validate", "--base", "HEAD", "--as-of", "2025-08-10")
    assert code == 1 and "gives the old value 60, but HEAD has 61" in err
    history.write(
        "indicators/p01/2025-05.yaml",
        REPORT_05.replace("value: 61", "value: 58.5") + revision.replace("30.5", "61"),
    )
    assert run(history, "validate", "--base", "HEAD", "--as-of", "2025-08-10")[0] == 0


def test_the_history_itself_passes_commit_by_commit(history: History) -> None:
    # Each commit against the one before, on the day it was made: every change was recorded.
    days = ["2025-05-09", "2025-06-06", "2025-06-20", "2025-07-08", "2025-08-01"]
    for before, after, day in zip(history.shas[:-1], history.shas[1:], days, strict=True):
        history.git("checkout", "-q", after)
        code, _, err = run(history, "validate", "--base", before, "--as-of", day)
        assert (code, err) == (0, ""), (after, err)


def test_deleted_problem_rewritten_and_backdated_closings_are_refused(history: History) -> None:
    history.write("issues/p01.yaml", "project: p01\nproblems: []\n")
    code, _, err = run(history, "validate", "--base", "HEAD", "--as-of", "2025-08-10")
    assert code == 1 and " A602 the problem p01-001 (用地指标不足) is deleted; it is in HEAD" in err
    # Closed on 2025-05-20 … no: raised 2025-06-01. Closed on 2025-06-10, recorded on 2025-08-10:
    # 31 (rest of June: 20) + 31 (July) + 10 = 61 days, more than the default 40.
    history.write(
        "issues/p01.yaml",
        ISSUE_REOPENED.replace(
            "    status: open\n", "    status: closed\n    closed_on: 2025-06-10\n    resolution: 已协调\n"
        ),
    )
    code, _, err = run(history, "validate", "--base", "HEAD", "--as-of", "2025-08-10")
    assert (
        code == 1
        and (
            " A603 p01-001 is crossed off as of 2025-06-10, 61 days before it is recorded (2025-08-10); "
            "plan.yaml allows 40 (audit.backdate_days)\n"
        )
        in err
    )
    # The same closing with the plan allowing 70 days passes.
    history.write("plan.yaml", textwrap.dedent(MINIMAL["plan.yaml"]) + "audit:\n  backdate_days: 70\n")
    assert run(history, "validate", "--base", "HEAD", "--as-of", "2025-08-10")[0] == 0
    # At C5 the problem was closed on 2025-07-05; rewriting that closing is refused.
    history.git("checkout", "-q", "-f", history.shas[4])
    history.write("issues/p01.yaml", ISSUE_CLOSED.replace("2025-07-05", "2025-07-01"))
    code, _, err = run(history, "validate", "--base", "HEAD", "--as-of", "2025-07-08")
    assert (
        code == 1
        and " A604 p01-001 was crossed off on 2025-07-05 (已解决) in HEAD; the closing is rewritten" in err
    )
    # Reopening by hand without keeping the closing is refused too.
    history.write("issues/p01.yaml", ISSUE_OPEN + "    status: open\n")
    code, _, err = run(history, "validate", "--base", "HEAD", "--as-of", "2025-07-08")
    assert code == 1 and " A604 p01-001 was crossed off on 2025-07-05 in HEAD; it is open now" in err


def test_staged_validation_ignores_an_untracked_draft(history: History) -> None:
    history.write(
        "indicators/p01/2025-06.yaml", "project: p01\nperiod: 2025-06\nvalues: [\n"
    )  # another unit's draft
    assert run(history, "validate")[0] == 1
    code, out, err = run(history, "validate", "--staged", "--base", "HEAD")
    assert (code, out, err) == (0, "7 files, no problems\n", "")
    # What is staged is what is checked: a quiet edit staged is refused, placed in the index (':').
    history.write("indicators/p01/2025-04.yaml", REPORT_04.replace("value: 30.5", "value: 33") + REVISION)
    history.git("add", "data/indicators/p01/2025-04.yaml")
    code, _, err = run(history, "validate", "--staged", "--base", "HEAD", "--as-of", "2025-08-10")
    assert code == 1
    assert err.startswith(
        ":data/indicators/p01/2025-04.yaml:7:12: A601 p01 2025-04 was submitted on 2025-05-08; "
    )


def test_a_staged_file_yunhe_does_not_read_is_flagged_as_in_the_work_tree(history: History) -> None:
    # An upper-case ending used to be passed over without a word, and the month counted as missing.
    history.write("indicators/p01/2025-06.YAML", "project: p01\nperiod: 2025-06\n")
    history.git("add", "data/indicators/p01/2025-06.YAML")
    code, _, err = run(history, "validate", "--staged", "--as-of", "2025-08-10")
    assert code == 1
    assert err.splitlines()[0] == (
        ":data/indicators/p01/2025-06.YAML:1:1: Y012 yunhe expects no file at indicators/p01/2025-06.YAML; "
        "it is not read (write the ending in lower case: .yaml)"
    )


def test_a_staged_date_in_the_future_is_d304(history: History) -> None:
    history.write("indicators/p01/2025-09.yaml", "project: p01\nperiod: 2025-09\n")
    history.git("add", "data/indicators/p01/2025-09.yaml")
    code, _, err = run(history, "validate", "--staged", "--as-of", "2025-08-10")
    assert code == 1
    assert err.splitlines()[0] == (
        ":data/indicators/p01/2025-09.yaml:2:9: D304 the period 2025-09 has not begun on 2025-08-10, "
        "the day checked on"
    )
