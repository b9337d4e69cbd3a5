"""The three-way merge of data files (edits/merge.py) and git's merge driver built on it."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from yunhe_cli.edits.merge import Unmergeable, main, merge_file, setup_repository

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample"


def d(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def entries(text: str) -> str:
    """Entries of the problems: list, written flush left."""
    return textwrap.indent(d(text), "  ")


PROBLEMS = d("""
    # 问题清单
    project: p01
    problems:
      - id: p01-001
        title: 资金拨付滞后
        owner: 县发改局
        raised_on: 2024-06-15
        due: 2024-12-12
        status: open
        source: 月调度
      - id: p01-002
        title: 审批手续未完成
        owner: 县财政局
        raised_on: 2025-07-28
        due: 2026-01-24
        status: closed
        closed_on: 2025-08-31
        resolution: 经专题协调已解决
        evidence:
          - 专题会议纪要
    """)

CLOSE_001 = (
    "    status: open\n    source",
    "    status: closed\n    closed_on: 2024-07-01\n    resolution: 已解决\n    source",
)


def test_closing_evidence_and_both_added_renumbered() -> None:
    ours = PROBLEMS.replace(*CLOSE_001) + entries("""
      - id: p01-003
        title: 用地指标不足  # 县发改局
        owner: 县发改局
        raised_on: 2024-08-01
        due: 2024-12-01
    """)
    photo = PROBLEMS.replace("      - 专题会议纪要\n", "      - 专题会议纪要\n      - 现场照片\n")
    theirs = photo + entries("""
      - id: p01-003
        title: 资金缺口
        owner: 县财政局
        raised_on: 2024-09-01
        due: 2024-12-01
    """)
    result = merge_file(PROBLEMS, ours, theirs, "issues/p01.yaml")
    assert result.clean
    assert result.renumbered == {"p01-003": "p01-004"}
    assert result.text == d("""
        # 问题清单
        project: p01
        problems:
          - id: p01-001
            title: 资金拨付滞后
            owner: 县发改局
            raised_on: 2024-06-15
            due: 2024-12-12
            status: closed
            closed_on: 2024-07-01
            resolution: 已解决
            source: 月调度
          - id: p01-002
            title: 审批手续未完成
            owner: 县财政局
            raised_on: 2025-07-28
            due: 2026-01-24
            status: closed
            closed_on: 2025-08-31
            resolution: 经专题协调已解决
            evidence:
              - 专题会议纪要
              - 现场照片
          - id: p01-003
            title: 用地指标不足  # 县发改局
            owner: 县发改局
            raised_on: 2024-08-01
            due: 2024-12-01
          - id: p01-004
            title: 资金缺口
            owner: 县财政局
            raised_on: 2024-09-01
            due: 2024-12-01
        """)


def test_same_field_changed_on_both_sides_is_one_placed_conflict() -> None:
    ours = PROBLEMS.replace(*CLOSE_001)
    theirs = PROBLEMS.replace(CLOSE_001[0], CLOSE_001[1].replace("07-01", "07-02"))
    result = merge_file(PROBLEMS, ours, theirs, "issues/p01.yaml", Path("data/issues/p01.yaml"))
    assert [str(p) for p in result.conflicts] == [
        "data/issues/p01.yaml:10:1: M801 merge-conflict: problem p01-001: closed_on changed on both "
        "sides (ours '2024-07-01', theirs '2024-07-02')"
    ]
    assert result.text == d("""
        # 问题清单
        project: p01
        problems:
          - id: p01-001
            title: 资金拨付滞后
            owner: 县发改局
            raised_on: 2024-06-15
            due: 2024-12-12
            status: closed
        <<<<<<< ours
            closed_on: 2024-07-01
        =======
            closed_on: 2024-07-02
        >>>>>>> theirs
            resolution: 已解决
            source: 月调度
          - id: p01-002
            title: 审批手续未完成
            owner: 县财政局
            raised_on: 2025-07-28
            due: 2026-01-24
            status: closed
            closed_on: 2025-08-31
            resolution: 经专题协调已解决
            evidence:
              - 专题会议纪要
        """)


def test_reopening_on_one_side_evidence_on_the_other() -> None:
    ours = PROBLEMS.replace("      - 专题会议纪要\n", "      - 专题会议纪要\n      - 验收报告\n")
    closed = textwrap.indent(
        d("""
            status: closed
            closed_on: 2025-08-31
            resolution: 经专题协调已解决
            evidence:
              - 专题会议纪要
        """),
        "    ",
    )
    reopened = textwrap.indent(
        d("""
            status: open
            reopened:
              - on: 2025-09-10
                reason: 复查未解决
                closed_on: 2025-08-31
                resolution: 经专题协调已解决
                evidence:
                  - 专题会议纪要
        """),
        "    ",
    )
    theirs = PROBLEMS.replace(closed, reopened)
    assert theirs != PROBLEMS
    result = merge_file(PROBLEMS, ours, theirs, "issues/p01.yaml")
    assert result.clean, result.conflicts
    assert result.text == PROBLEMS[: PROBLEMS.index("  - id: p01-002")] + (
        entries("""
              - id: p01-002
                title: 审批手续未完成
                owner: 县财政局
                raised_on: 2025-07-28
                due: 2026-01-24
                status: open
                reopened:
                  - on: 2025-09-10
                    reason: 复查未解决
                    closed_on: 2025-08-31
                    resolution: 经专题协调已解决
                    evidence:
                      - 专题会议纪要
                evidence:
                  - 验收报告
            """)
    )


REPORT = d("""
    # 合成示例数据
    project: p01
    period: 2026-10
    submitted_on: 2026-11-06
    submitted_by: 县发改局
    values:
      - indicator: investment
        value: 52.09
      - indicator: share
        value: 64.76
    tasks:
      - task: plan
        status: in_progress
        percent: 48
    """)


def test_report_figures_tasks_and_revisions() -> None:
    ours = REPORT.replace("value: 52.09", "value: 52.3") + d("""
        revisions:
          - on: 2026-11-20
            by: 县统计局
            reason: 统计局核定数
            indicator: investment
            old: 52.09
        """)
    theirs = (
        REPORT.replace("percent: 48", "percent: 60")
        .replace("    value: 64.76\n", "    value: 64.76\n  - indicator: rank\n    achieved: false\n")
        .replace("    status: in_progress\n", "    status: in_progress  # 已复核\n")
    ) + d("""
        revisions:
          - on: 2026-11-21
            by: 县发改局
            reason: 录入错误
            task: plan
            field: percent
            old: 48
        """)
    result = merge_file(REPORT, ours, theirs, "indicators/p01/2026-10.yaml")
    assert result.clean, result.conflicts
    assert result.text == d("""
        # 合成示例数据
        project: p01
        period: 2026-10
        submitted_on: 2026-11-06
        submitted_by: 县发改局
        values:
          - indicator: investment
            value: 52.3
          - indicator: share
            value: 64.76
          - indicator: rank
            achieved: false
        tasks:
          - task: plan
            status: in_progress  # 已复核
            percent: 60
        revisions:
          - on: 2026-11-20
            by: 县统计局
            reason: 统计局核定数
            indicator: investment
            old: 52.09
          - on: 2026-11-21
            by: 县发改局
            reason: 录入错误
            task: plan
            field: percent
            old: 48
        """)


def test_the_same_revision_on_both_sides_is_kept_once() -> None:
    revision = d("""
        revisions:
          - on: 2026-11-20
            by: 县统计局
            reason: 统计局核定数
            indicator: investment
            old: 52.09
        """)
    ours = REPORT.replace("value: 52.09", "value: 52.3") + revision
    theirs = REPORT.replace("value: 52.09", "value: 52.3").replace("percent: 48", "percent: 50") + revision
    result = merge_file(REPORT, ours, theirs, "indicators/p01/2026-10.yaml")
    assert result.clean
    assert result.text == REPORT.replace("value: 52.09", "value: 52.3").replace(
        "percent: 48", "percent: 50"
    ) + (revision)


def test_figure_changed_on_both_sides() -> None:
    ours = REPORT.replace("value: 52.09", "value: 52.3")
    theirs = REPORT.replace("value: 52.09", "value: 53")
    result = merge_file(REPORT, ours, theirs, "indicators/p01/2026-10.yaml")
    assert [(p.code, p.line, p.message) for p in result.conflicts] == [
        ("M801", 8, "figure investment: value changed on both sides (ours '52.3', theirs '53')")
    ]
    assert result.text == d("""
        # 合成示例数据
        project: p01
        period: 2026-10
        submitted_on: 2026-11-06
        submitted_by: 县发改局
        values:
          - indicator: investment
        <<<<<<< ours
            value: 52.3
        =======
            value: 53
        >>>>>>> theirs
          - indicator: share
            value: 64.76
        tasks:
          - task: plan
            status: in_progress
            percent: 48
        """)


def test_a_merge_that_would_not_validate_is_a_conflict() -> None:
    base = REPORT.replace("status: in_progress\n    percent: 48", "status: done\n    percent: 100")
    ours = base.replace("status: done", "status: in_progress")
    theirs = base.replace("percent: 100", "percent: 100\n    done_on: 2026-10-20")
    result = merge_file(base, ours, theirs, "indicators/p01/2026-10.yaml")
    assert not result.clean
    assert [(p.code, p.line) for p in result.conflicts] == [("M802", 12)]
    assert "done_on is only for a task whose status is done" in result.conflicts[0].message


def test_registry_by_id() -> None:
    base = d("""
        units:
          - id: fgj
            name: 县发改局
          - id: rsj
            name: 县人力社保局
        """)
    ours = base + "  - id: czj\n    name: 县财政局\n"
    theirs = base.replace("name: 县人力社保局\n", "name: 县人力社保局\n    aliases:\n      - 县人社保局\n")
    result = merge_file(base, ours, theirs, "units.yaml")
    assert result.clean
    assert result.text == d("""
        units:
          - id: fgj
            name: 县发改局
          - id: rsj
            name: 县人力社保局
            aliases:
              - 县人社保局
          - id: czj
            name: 县财政局
        """)


def test_a_side_unchanged_leaves_the_other_side_as_it_is() -> None:
    odd = PROBLEMS.replace("title: 资金拨付滞后", "title: '资金拨付滞后'   # quoted")
    assert merge_file(PROBLEMS, odd, PROBLEMS, "issues/p01.yaml").text == odd
    assert merge_file(PROBLEMS, PROBLEMS, odd, "issues/p01.yaml").text == odd


def test_renumbered_problem_is_followed_afterwards() -> None:
    """Theirs added p01-003 that became p01-004 on the shared branch; theirs, not yet up to date,
    closes its p01-003: the closing goes to p01-004, not to ours' p01-003."""
    theirs_new = entries("""
      - id: p01-003
        title: 资金缺口
        owner: 县财政局
        raised_on: 2024-09-01
        due: 2024-12-01
        status: open
    """)
    ours_new = entries("""
      - id: p01-003
        title: 用地指标不足
        owner: 县发改局
        raised_on: 2024-08-01
        due: 2024-12-01
    """)
    base = PROBLEMS + theirs_new
    ours = PROBLEMS + ours_new + theirs_new.replace("p01-003", "p01-004")
    theirs = PROBLEMS + theirs_new.replace(
        "status: open", "status: closed\n    closed_on: 2024-10-01\n    resolution: 已拨付"
    )
    result = merge_file(base, ours, theirs, "issues/p01.yaml")
    assert result.clean, result.conflicts
    expected = (
        PROBLEMS
        + ours_new
        + theirs_new.replace("p01-003", "p01-004").replace(
            "status: open", "status: closed\n    closed_on: 2024-10-01\n    resolution: 已拨付"
        )
    )
    assert result.text == expected


def test_a_change_to_a_problem_ours_gave_away_is_a_conflict() -> None:
    """Ours holds another problem under the id theirs changed, and its renumbered one is not
    recognised (title edited): theirs' closing is a conflict, not a closing of ours' problem."""
    theirs_own = entries("""
      - id: p01-003
        title: 资金缺口
        owner: 县财政局
        raised_on: 2024-09-01
        due: 2024-12-01
        status: open
    """)
    ours_own = entries("""
      - id: p01-003
        title: 用地指标不足
        owner: 县发改局
        raised_on: 2024-08-01
        due: 2024-12-01
    """)
    base = PROBLEMS + theirs_own
    ours = PROBLEMS + ours_own + theirs_own.replace("p01-003", "p01-004").replace("资金缺口", "专项资金缺口")
    theirs = PROBLEMS + theirs_own.replace(
        "status: open", "status: closed\n    closed_on: 2024-10-01\n    resolution: 已拨付"
    )
    result = merge_file(base, ours, theirs, "issues/p01.yaml")
    assert [str(p) for p in result.conflicts] == [
        "issues/p01.yaml:21:1: M801 merge-conflict: problem p01-003: ours' entry under this id is "
        "another problem; theirs changed the one it had"
    ]
    assert result.text == PROBLEMS + d("""
        <<<<<<< ours
          - id: p01-003
            title: 用地指标不足
            owner: 县发改局
            raised_on: 2024-08-01
            due: 2024-12-01
        =======
          - id: p01-003
            title: 资金缺口
            owner: 县财政局
            raised_on: 2024-09-01
            due: 2024-12-01
            status: closed
            closed_on: 2024-10-01
            resolution: 已拨付
        >>>>>>> theirs
        """) + theirs_own.replace("p01-003", "p01-004").replace("资金缺口", "专项资金缺口")


def test_not_ours_to_merge() -> None:
    with pytest.raises(Unmergeable):
        merge_file("a: 1\n", "a: 2\n", "a: 1\n", "notes/readme.yaml")
    with pytest.raises(Unmergeable):
        merge_file(PROBLEMS, PROBLEMS + "  - [\n", PROBLEMS, "issues/p01.yaml")


def test_driver_falls_back_to_git_merge_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base, ours, theirs = (tmp_path / n for n in ("o", "a", "b"))
    base.write_text("x: 1\ny: [\n", encoding="utf-8")
    ours.write_text("x: 2\ny: [\n", encoding="utf-8")
    theirs.write_text("x: 1\ny: [\nz\n", encoding="utf-8")
    assert main([str(base), str(ours), str(theirs), "data/issues/p01.yaml"]) == 0
    assert ours.read_text(encoding="utf-8") == "x: 2\ny: [\nz\n"
    assert "line by line with git merge-file" in capsys.readouterr().err


def test_driver_writes_conflicts_into_ours(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base, ours, theirs = (tmp_path / n for n in ("o", "a", "b"))
    base.write_text(PROBLEMS, encoding="utf-8")
    ours.write_bytes(PROBLEMS.replace(*CLOSE_001).replace("\n", "\r\n").encode())
    theirs.write_text(
        PROBLEMS.replace(CLOSE_001[0], CLOSE_001[1].replace("07-01", "07-02")), encoding="utf-8"
    )
    assert main([str(base), str(ours), str(theirs), "data/issues/p01.yaml"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "data/issues/p01.yaml:10:1: M801 merge-conflict: problem p01-001: closed_on changed on both "
        "sides (ours '2024-07-01', theirs '2024-07-02')"
    ]
    written = ours.read_bytes().decode()
    assert "<<<<<<< ours\r\n    closed_on: 2024-07-01\r\n=======\r\n" in written


def git(top: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=top, capture_output=True, text=True, check=False)


def _init(top: Path) -> None:
    top.mkdir(parents=True, exist_ok=True)
    git(top, "init", "-q", "-b", "main")
    for key, value in (("user.name", "总专班"), ("user.email", "office@example.invalid")):
        git(top, "config", key, value)
    git(top, "config", "commit.gpgsign", "false")


def test_setup_repository_is_idempotent(tmp_path: Path) -> None:
    _init(tmp_path)
    (tmp_path / ".gitattributes").write_text("*.xlsx binary", encoding="utf-8")
    changed = setup_repository(tmp_path)
    assert changed == [
        ".gitattributes: data/**/*.yaml merge=yunhe",
        "git config merge.yunhe.name 'yunhe: semantic merge of plan data files'",
        "git config merge.yunhe.driver 'yunhe merge-file %O %A %B %P'",
    ]
    assert (tmp_path / ".gitattributes").read_text(encoding="utf-8") == (
        "*.xlsx binary\ndata/**/*.yaml merge=yunhe\n"
    )
    assert setup_repository(tmp_path) == []
    assert git(tmp_path, "check-attr", "merge", "data/issues/p01.yaml").stdout.strip().endswith("yunhe")


# ----------------------------------------------------------------------------- a month of four people

TODAY = dt.date(2026, 12, 15)
DRIVER = (
    f'"{sys.executable}" -c "import sys; from yunhe_cli.edits.merge import main; '
    'sys.exit(main(sys.argv[1:]))" %O %A %B %P'
)
# Three problems added to p01 on three branches: each takes the id after p01-003.
ADDED = {
    "office": ("统筹调度机制未建立", "县发改局", dt.date(2026, 12, 2)),
    "fgj": ("项目前期手续滞后", "县发改局", dt.date(2026, 12, 3)),
    "czj": ("专项债资金拨付慢", "县财政局", dt.date(2026, 12, 4)),
}


def _commit(top: Path, who: str, message: str) -> None:
    git(top, "add", "-A")
    run = git(top, "-c", f"user.name={who}", "commit", "-q", "-m", message)
    assert run.returncode == 0, run.stderr


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _next_month(path: Path, submitted_on: str, figure: tuple[str, str]) -> str:
    text = path.read_text(encoding="utf-8")
    text = text.replace("period: 2026-10", "period: 2026-11")
    lines = [
        f"submitted_on: {submitted_on}" if line.startswith("submitted_on:") else line
        for line in text.splitlines()
    ]
    return "\n".join(lines).replace(*figure) + "\n"


def _office(top: Path) -> None:
    from yunhe_cli.edits.problems import add_problem, reopen_problem

    data = top / "data"
    title, owner, raised = ADDED["office"]
    add_problem(data, "p01", title, owner, dt.date(2027, 3, 31), raised, "月调度", today=TODAY)
    _commit(top, "总专班", "问题: 统筹调度")
    reopen_problem(data, "p01-001", dt.date(2026, 12, 5), "复查发现资金仍未到位", TODAY, by="总专班")
    _commit(top, "总专班", "重新打开 p01-001")
    report = data / "indicators/p01/2026-10.yaml"
    _edit(report, "  - indicator: investment\n    value: 52.09", "  - indicator: investment\n    value: 52.3")
    report.write_text(
        report.read_text(encoding="utf-8")
        + "revisions:\n  - on: 2026-12-06\n    by: 总专班\n    reason: 统计局核定数\n"
        "    indicator: investment\n    old: 52.09\n",
        encoding="utf-8",
    )
    _commit(top, "总专班", "修订 p01 2026-10 有效投资")


def _fgj(top: Path) -> None:
    from yunhe_cli.edits.problems import add_problem, close_problem

    data = top / "data"
    title, owner, raised = ADDED["fgj"]
    add_problem(data, "p01", title, owner, dt.date(2027, 2, 28), raised, "月调度", today=TODAY)
    _commit(top, "县发改局", "问题: 前期手续")
    close_problem(data, "p01-002", dt.date(2026, 12, 8), "资金已拨付到位", ["拨付凭证"], TODAY)
    _commit(top, "县发改局", "销号 p01-002")
    october = data / "indicators/p01/2026-10.yaml"
    (data / "indicators/p01/2026-11.yaml").write_text(
        _next_month(october, "2026-12-07", ("value: 52.09", "value: 55.8")), encoding="utf-8"
    )
    _commit(top, "县发改局", "报送 p01 2026-11")


def _czj(top: Path) -> None:
    from yunhe_cli.edits.problems import add_problem

    data = top / "data"
    title, owner, raised = ADDED["czj"]
    add_problem(data, "p01", title, owner, dt.date(2027, 1, 31), raised, "季分析", today=TODAY)
    _commit(top, "县财政局", "问题: 专项债")
    _edit(
        data / "issues/p01.yaml",
        "      - 专题会议纪要\n    source: 季分析",
        "      - 专题会议纪要\n      - 财政验收意见\n    source: 季分析",
    )
    _commit(top, "县财政局", "p01-003 佐证")
    report = data / "indicators/p01/2026-10.yaml"
    _edit(
        report,
        "  - task: project-pipeline\n    status: in_progress\n    percent: 48",
        "  - task: project-pipeline\n    status: in_progress\n    percent: 52",
    )
    report.write_text(
        report.read_text(encoding="utf-8")
        + "revisions:\n  - on: 2026-12-09\n    by: 县财政局\n    reason: 录入错误\n"
        "    task: project-pipeline\n    field: percent\n    old: 48\n",
        encoding="utf-8",
    )
    _commit(top, "县财政局", "修订 p01 2026-10 项目储备进度")


def _zrzyj(top: Path) -> None:
    data = top / "data"
    _edit(
        data / "issues/p01.yaml",
        "    status: open\n    source: 月调度",
        "    status: open\n    evidence:\n      - 现场核查记录\n    source: 月调度",
    )
    _commit(top, "县自然资源和规划局", "p01-002 核查记录")
    october = data / "indicators/p02/2026-10.yaml"
    (data / "indicators/p02/2026-11.yaml").write_text(
        _next_month(october, "2026-12-08", ("value: 356.5", "value: 371.2")), encoding="utf-8"
    )
    _commit(top, "县自然资源和规划局", "报送 p02 2026-11")


BRANCHES = {"office": _office, "fgj": _fgj, "czj": _czj, "zrzyj": _zrzyj}


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample committed, the driver registered, and four branches of a month's work."""
    top = tmp_path_factory.mktemp("county")
    _init(top)
    shutil.copytree(SAMPLE, top / "data")
    (top / ".gitignore").write_text(".yunhe.lock\n", encoding="utf-8")
    assert setup_repository(top, DRIVER)
    _commit(top, "总专班", "起点")
    git(top, "tag", "start")
    for name, work in BRANCHES.items():
        assert git(top, "checkout", "-q", "-b", name, "start").returncode == 0
        work(top)
    git(top, "checkout", "-q", "main")
    return top


def _problems(top: Path) -> dict[str, dict[str, Any]]:
    from yunhe_cli.store.yamlio import parse_text

    text = (top / "data/issues/p01.yaml").read_text(encoding="utf-8")
    data = parse_text(text, Path("p01.yaml")).data
    return {p["id"]: p for p in data["problems"]}


def _figures(top: Path, rel: str) -> dict[str, Any]:
    from yunhe_cli.store.yamlio import parse_text

    return dict(parse_text((top / "data" / rel).read_text(encoding="utf-8"), Path(rel)).data)


@pytest.mark.parametrize("order", list(itertools.permutations(BRANCHES)), ids="-".join)
def test_a_month_merged_in_every_order(month: Path, order: tuple[str, ...]) -> None:
    from yunhe_cli.checks.validation import validate

    top = month
    assert git(top, "checkout", "-q", "-B", "merged", "start").returncode == 0
    for branch in order:
        run = git(top, "merge", "--no-edit", "-q", branch)
        assert run.returncode == 0, run.stdout + run.stderr
    assert "<<<<<<<" not in (top / "data/issues/p01.yaml").read_text(encoding="utf-8")

    problems = _problems(top)
    assert len(problems) == 3 + 3  # no duplicate, none lost (ids are keys; the file validates below)
    added = {(p["title"], p["owner"], p["raised_on"]): pid for pid, p in problems.items()}
    for title, owner, raised in ADDED.values():
        assert (title, owner, raised) in added
    assert sorted(problems) == ["p01-001", "p01-002", "p01-003", "p01-004", "p01-005", "p01-006"]
    first, second, third = problems["p01-001"], problems["p01-002"], problems["p01-003"]
    assert first["status"] == "open" and "closed_on" not in first
    assert [(r["on"], r["by"], r["reason"], r["closed_on"]) for r in first["reopened"]] == [
        (dt.date(2026, 12, 5), "总专班", "复查发现资金仍未到位", dt.date(2024, 7, 1))
    ]
    assert (second["status"], second["closed_on"], second["resolution"]) == (
        "closed",
        dt.date(2026, 12, 8),
        "资金已拨付到位",
    )
    assert sorted(second["evidence"]) == sorted(["拨付凭证", "现场核查记录"])
    assert third["evidence"] == ["专题会议纪要", "财政验收意见"]

    october = _figures(top, "indicators/p01/2026-10.yaml")
    values = {v["indicator"]: v for v in october["values"]}
    tasks = {t["task"]: t for t in october["tasks"]}
    assert values["investment"]["value"] == Decimal("52.3")
    assert tasks["project-pipeline"]["percent"] == 52
    assert sorted((r["by"], r["old"]) for r in october["revisions"]) == [
        ("县财政局", 48),
        ("总专班", Decimal("52.09")),
    ]
    november = _figures(top, "indicators/p01/2026-11.yaml")
    assert {v["indicator"]: v.get("value") for v in november["values"]}["investment"] == Decimal("55.8")
    p02 = _figures(top, "indicators/p02/2026-11.yaml")
    assert {v["indicator"]: v.get("value") for v in p02["values"]}["industry-output"] == Decimal("371.2")

    _, found = validate(top / "data", today=TODAY)
    assert [f"{p.path}:{p.line}: {p.code} {p.message}" for p in found] == []


def test_a_true_conflict_through_git_is_one_placed_line(month: Path) -> None:
    from yunhe_cli.edits.problems import close_problem

    top = month
    data = top / "data"
    for branch, day in (("close-a", 9), ("close-b", 10)):
        git(top, "checkout", "-q", "-B", branch, "start")  # p01-002 is open there
        close_problem(data, "p01-002", dt.date(2026, 12, day), "资金已拨付到位", ["拨付凭证"], TODAY)
        _commit(top, "县发改局", f"销号 p01-002 ({day})")
    git(top, "checkout", "-q", "close-a")
    run = git(top, "merge", "--no-edit", "-q", "close-b")
    assert run.returncode != 0
    placed = [line for line in (run.stdout + run.stderr).splitlines() if "M801" in line]
    assert placed == [
        "data/issues/p01.yaml:22:1: M801 merge-conflict: problem p01-002: closed_on changed on both "
        "sides (ours '2026-12-09', theirs '2026-12-10')"
    ]
    text = (data / "issues/p01.yaml").read_text(encoding="utf-8")
    assert text.count("<<<<<<< ours") == 1
    assert (
        "<<<<<<< ours\n    closed_on: 2026-12-09\n=======\n    closed_on: 2026-12-10\n>>>>>>> theirs\n"
        in text
    )
    git(top, "merge", "--abort")
    git(top, "checkout", "-q", "main")
