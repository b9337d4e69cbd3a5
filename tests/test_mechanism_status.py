"""督查督办 in `yunhe status`: a column 逾期督办 and `supervision: {overdue}` in the JSON, counted
by hand from the lists; a folder without `supervision/` prints what it printed before."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from yunhe_cli.checks.validation import validate
from yunhe_cli.cli.app import app
from yunhe_cli.outputs.labels import Lang
from yunhe_cli.outputs.status_supervision import with_supervision, with_supervision_json
from yunhe_cli.outputs.views import status_json, status_view
from yunhe_cli.reports.rollup import roll_up

from .conftest import DATA, RepoMaker

SAMPLE = DATA.parent / "examples" / "sample"
runner = CliRunner()


def status_doc(root: object, as_of: str) -> dict[str, object]:
    result = runner.invoke(app, ["status", "--data", str(root), "--as-of", as_of, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc: dict[str, object] = json.loads(result.stdout)
    return doc


def overdue(doc: dict[str, object]) -> dict[str, int]:
    projects = doc["projects"]
    assert isinstance(projects, list)
    return {p["id"]: p["supervision"]["overdue"] for p in projects}


def test_sample_counts_each_projects_overdue_items_on_the_day() -> None:
    # The sample's four items, read from examples/sample/supervision/:
    #   p01-s001 issued 2026-08-05, due 2026-10-31, open;
    #   p03-s001 issued 2026-06-10, due 2026-09-30, closed 2026-07-24;
    #   p06-s001 issued 2026-10-20, due 2026-12-15, open;
    #   p07-s001 issued 2026-07-20, due 2026-10-15, returned (still open).
    zero = {f"p{n:02d}": 0 for n in range(1, 11)}
    doc = status_doc(SAMPLE, "2026-11-15")  # p01 and p07 past due; p06 not yet; p03 closed before due
    assert overdue(doc) == zero | {"p01": 1, "p07": 1}
    assert doc["totals"]["supervision"] == {"overdue": 2}  # type: ignore[index]
    # 2026-10-31 is p01's due day itself: not overdue yet; p07 is (due 10-15)
    assert overdue(status_doc(SAMPLE, "2026-10-31")) == zero | {"p07": 1}
    assert overdue(status_doc(SAMPLE, "2026-11-01")) == zero | {"p01": 1, "p07": 1}
    # before p07's due day nothing is overdue
    assert overdue(status_doc(SAMPLE, "2026-10-15")) == zero


def test_the_key_sits_after_problems_and_the_column_after_problems_overdue() -> None:
    repo, _ = validate(SAMPLE)
    report = roll_up(repo, dt.date(2026, 11, 15))
    project = with_supervision_json(status_json(report), report)["projects"][0]
    keys = list(project)
    assert keys[keys.index("problems") + 1] == "supervision"
    for lang, header in ((Lang.zh, "逾期督办"), (Lang.en, "Supervision overdue")):
        view = with_supervision(status_view(report, lang), report, lang)
        at = view.keys.index("problems_overdue") + 1
        assert view.keys[at] == "supervision_overdue"
        assert view.columns[at] == header
        cells = {row[0].text: row[at] for row in view.rows}
        expected = {str(n): "0" for n in range(1, 11)} | {"1": "1", "7": "1"}
        assert {n: c.text for n, c in cells.items()} == expected
        assert cells["7"].style == "off_track" and cells["10"].style is None
        assert view.footer is not None and view.footer[at].text == "2"
        assert len(view.columns) == len(view.keys) == len(view.rows[0]) == len(view.footer)


def test_plain_table_shows_the_column_in_chinese() -> None:
    result = runner.invoke(
        app, ["status", "--data", str(SAMPLE), "--as-of", "2026-11-15", "--format", "plain", "--lang", "zh"]
    )
    assert result.exit_code == 0
    header = next(line for line in result.stdout.splitlines() if line.split()[:1] == ["序号"])
    assert header.split() == [
        "序号", "工程", "召集人", "牵头单位", "++", "+", "!", "!!", "?", "逾期任务", "受阻任务",
        "未销号问题", "逾期问题", "逾期督办", "最近报送", "缺报月份",
    ]  # fmt: skip


def test_a_folder_without_supervision_shows_neither_column_nor_key() -> None:
    doc = status_doc(DATA, "2026-11-15")
    assert all("supervision" not in p for p in doc["projects"])  # type: ignore[attr-defined]
    assert "supervision" not in doc["totals"]  # type: ignore[operator]
    result = runner.invoke(app, ["status", "--data", str(DATA), "--as-of", "2026-11-15", "--format", "plain"])
    assert "逾期督办" not in result.stdout and "Supervision" not in result.stdout


def test_sent_back_and_closed_late_items(make_repo: RepoMaker) -> None:
    root = make_repo(
        {
            "supervision/p01.yaml": """\
                project: p01
                items:
                  - id: p01-s001
                    unit: 县发改局
                    issued_on: 2024-01-05
                    due: 2024-02-01
                    requirement: 退回后仍未办结
                    status: returned
                    feedback:
                      - on: 2024-01-20
                        text: 已办理
                    returns:
                      - on: 2024-01-25
                        reason: 未见佐证
                  - id: p01-s002
                    unit: 县人社保局
                    issued_on: 2024-01-05
                    due: 2024-02-01
                    requirement: 逾期后办结
                    status: closed
                    closed_on: 2024-03-10
                  - id: p01-s003
                    unit: 县发改局
                    issued_on: 2024-03-01
                    due: 2024-03-05
                    requirement: 尚未交办
            """
        }
    )
    # 2024-03-05: s001 (returned, still open) and s002 (closed only on 03-10) are past due; s003
    # is due that very day
    assert overdue(status_doc(root, "2024-03-05")) == {"p01": 2}
    assert overdue(status_doc(root, "2024-03-06")) == {"p01": 3}  # s003 now past due as well
    assert overdue(status_doc(root, "2024-03-10")) == {"p01": 2}  # s002 closed that day
    assert overdue(status_doc(root, "2024-02-01")) == {"p01": 0}  # the due day of s001 and s002
