"""Writing data: report new, issue add/close/reopen, fmt — minimal diffs, atomic, locked, refused cleanly."""

from __future__ import annotations

import datetime as dt
import difflib
import multiprocessing
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.checks.validation import validate
from yunhe_cli.cli.app import app
from yunhe_cli.edits.fmt import format_text
from yunhe_cli.edits.problems import close_problem

from .conftest import DATA

SAMPLE = DATA.parent / "examples" / "sample"
GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".*"))
    return root


def invoke(*args: str) -> tuple[int, str, str]:
    # The messages checked are the English ones (the sample's plan.yaml says language: zh).
    result = runner.invoke(app, ["--lang", "en", *args])
    return result.exit_code, result.stdout, result.stderr


def changed_lines(before: str, after: str) -> list[str]:
    """The diff as '-line' / '+line', nothing else: what `git diff` would show."""
    return [
        line.rstrip("\n")
        for line in difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


# ----------------------------------------------------------------------------- report new


def test_report_new_writes_a_ready_to_fill_report(sample: Path) -> None:
    code, out, err = invoke(
        "report", "new", "p01", "--data", str(sample), "--period", "2026-11", "--as-of", "2026-12-05"
    )
    assert (code, err) == (0, "")
    written = sample / "indicators" / "p01" / "2026-11.yaml"
    assert out == f"wrote {written}\n"
    text = written.read_text(encoding="utf-8")
    golden = GOLDEN / "report-new.p01.2026-11.yaml"
    if os.environ.get("YUNHE_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
    assert validate(sample)[1] == []
    # a draft (no submitted_on) is not yet a submitted report
    code, out, _ = invoke(
        "status", "--data", str(sample), "--as-of", "2026-12-11", "--format", "json", "-p", "1"
    )
    assert '"last_period": "2026-10"' in out


def test_report_new_lists_only_open_tasks_and_last_figures(sample: Path) -> None:
    invoke("report", "new", "p01", "--data", str(sample), "--period", "2026-11", "--as-of", "2026-12-05")
    text = (sample / "indicators" / "p01" / "2026-11.yaml").read_text(encoding="utf-8")
    assert "上月 last: 52.09 (2026-10)" in text  # the October figure of p01's investment
    assert "task: deployment" not in text  # done long ago
    assert "task: project-pipeline" in text
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../../schemas/report.schema.json"


def test_report_new_refuses_to_overwrite(sample: Path) -> None:
    before = snapshot(sample)
    code, _, err = invoke("report", "new", "p01", "--data", str(sample), "--period", "2026-10")
    assert code == 1
    assert err == (
        f"{sample}/indicators/p01/2026-10.yaml:1:1: W504 indicators/p01/2026-10.yaml exists already; "
        "yunhe does not overwrite it\nnothing was written\n"
    )
    assert snapshot(sample) == before


def test_report_new_on_the_plan_data(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    code, _, err = invoke("report", "new", "10", "--data", str(root), "--as-of", "2026-12-05")
    assert (code, err) == (0, "")
    text = (root / "indicators" / "p10" / "2026-11.yaml").read_text(encoding="utf-8")
    assert "上月 last: —" in text and "task: implementation-plan" in text
    assert validate(root)[1] == []


def test_report_new_unknown_project_is_a_usage_error(sample: Path) -> None:
    assert invoke("report", "new", "p99", "--data", str(sample))[0] == 2


# ----------------------------------------------------------------------------- issue add / close / reopen


def test_issue_add_appends_only_its_lines(sample: Path) -> None:
    path = sample / "issues" / "p03.yaml"
    before = path.read_text(encoding="utf-8")
    code, out, err = invoke(
        "issue",
        "add",
        "--data",
        str(sample),
        "-p",
        "3",
        "--title",
        "科创平台用地未落实",
        "--owner",
        "县科技局",
        "--due",
        "2027-03-31",
        "--source",
        "季分析",
        "--raised-on",
        "2026-12-01",
        "--as-of",
        "2026-12-05",
    )
    assert (code, err) == (0, "")
    assert out == f"added p03-004 to {path}\n"
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert changed_lines(before, after) == [
        "+  - id: p03-004",
        "+    title: 科创平台用地未落实",
        "+    owner: 县科技局",
        "+    raised_on: 2026-12-01",
        "+    due: 2027-03-31",
        "+    status: open",
        "+    source: 季分析",
    ]


def test_issue_add_creates_the_list(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    code, _, err = invoke(
        "issue",
        "add",
        "--data",
        str(root),
        "-p",
        "p05",
        "--title",
        "征迁进度滞后",
        "--owner",
        "各乡镇(街道)",
        "--due",
        "2027-01-31",
        "--raised-on",
        "2026-11-20",
    )
    assert (code, err) == (0, "")
    assert (root / "issues" / "p05.yaml").read_text(encoding="utf-8") == textwrap.dedent("""\
        # yaml-language-server: $schema=../../schemas/problems.schema.json
        project: p05
        problems:
          - id: p05-001
            title: 征迁进度滞后
            owner: 各乡镇(街道)
            raised_on: 2026-11-20
            due: 2027-01-31
            status: open
        """)
    assert validate(root)[1] == []


@pytest.mark.parametrize(
    ("owner", "message"),
    [
        ("县科技厅", "no unit '县科技厅' in units.yaml; did you mean 县科技局?"),
        # a short form of a name: the names that contain it are offered
        ("发改局", "no unit '发改局' in units.yaml; did you mean 县发改局?"),
    ],
)
def test_issue_add_with_an_unknown_owner_is_a_usage_error(sample: Path, owner: str, message: str) -> None:
    before = snapshot(sample)
    code, _, err = invoke(
        "issue",
        "add",
        "--data",
        str(sample),
        "-p",
        "3",
        "--title",
        "x",
        "--owner",
        owner,
        "--due",
        "2027-03-31",
        "--raised-on",
        "2026-11-01",
    )
    # exit 2, as for any bad option: no line of a file that was never written is pointed at
    assert code == 2
    assert message in " ".join(err.replace("│", " ").split())
    assert "Traceback" not in err and ".yaml:" not in err
    assert snapshot(sample) == before


def test_issue_add_raised_in_the_future_is_refused_like_a_close(sample: Path) -> None:
    before = snapshot(sample)
    code, _, err = invoke(
        "issue", "add", "--data", str(sample), "-p", "3", "--title", "x", "--owner", "县科技局",
        "--due", "2027-03-31", "--raised-on", "2026-12-09", "--as-of", "2026-12-05",
    )  # fmt: skip
    assert code == 1
    assert (
        f"{sample}/issues/p03.yaml:3:1: W503 --raised-on 2026-12-09 is in the future (today is 2026-12-05)\n"
        in err
    )
    assert err.endswith("nothing was written\n")
    assert snapshot(sample) == before


def test_a_change_left_invalid_is_refused_with_w505_and_its_problems(sample: Path) -> None:
    before = snapshot(sample)
    code, _, err = invoke(
        "issue", "add", "--data", str(sample), "-p", "3", "--title", "x", "--owner", "县科技局",
        "--due", "2026-10-01", "--raised-on", "2026-11-01", "--as-of", "2026-12-05",
    )  # fmt: skip
    assert code == 1
    lines = err.splitlines()
    # p03's list has 29 lines; the new entry's id, title, owner and raised_on take lines 30-33, so its
    # `due` is line 34, after `    due: ` (9 characters): column 10
    assert [line.split(": ", 1)[0].rsplit("/", 1)[-1] + " " + line.split(" ")[1] for line in lines[:2]] == [
        "p03.yaml:34:10 W505",
        "p03.yaml:34:10 D302",
    ]
    assert "the change would leave issues/p03.yaml with 1 problem" in lines[0]
    assert lines[-1] == "nothing was written"
    assert snapshot(sample) == before


def test_issue_close_touches_only_its_lines(sample: Path) -> None:
    path = sample / "issues" / "p03.yaml"
    before = path.read_text(encoding="utf-8")
    code, out, err = invoke(
        "issue",
        "close",
        "p03-003",
        "--data",
        str(sample),
        "--on",
        "2026-12-02",
        "--resolution",
        "已协调解决",
        "--evidence",
        "会议纪要",
        "--evidence",
        "批复",
        "--as-of",
        "2026-12-05",
    )
    assert (code, err, out) == (0, "", f"closed p03-003 in {path}\n")
    assert changed_lines(before, path.read_text(encoding="utf-8")) == [
        "-    status: open",
        "+    status: closed",
        "+    closed_on: 2026-12-02",
        "+    resolution: 已协调解决",
        "+    evidence:",
        "+      - 会议纪要",
        "+      - 批复",
    ]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["p03-001", "--on", "2026-12-02"], "W501", "p03-001 was crossed off on 2025-03-24 already"),
        (
            ["p03-099", "--on", "2026-12-02"],
            "W502",
            "there is no problem 'p03-099'; the nearest ids: p03-003, p03-002, p03-001",
        ),
        (["p03-003", "--on", "2026-08-01"], "W503", "2026-08-01 is before p03-003 was raised (2026-08-02)"),
        (["p03-003", "--on", "2026-12-09"], "W503", "2026-12-09 is in the future (today is 2026-12-05)"),
    ],
)
def test_issue_close_refusals_leave_files_untouched(
    sample: Path, args: list[str], code: str, message: str
) -> None:
    before = snapshot(sample)
    exit_code, _, err = invoke(
        "issue", "close", *args, "--data", str(sample), "--resolution", "x", "--as-of", "2026-12-05"
    )
    assert exit_code == 1
    assert f" {code} {message}\n" in err and err.endswith("nothing was written\n")
    assert snapshot(sample) == before


def test_issue_reopen_keeps_the_closing(sample: Path) -> None:
    path = sample / "issues" / "p03.yaml"
    before = path.read_text(encoding="utf-8")
    code, _, err = invoke(
        "issue",
        "reopen",
        "p03-001",
        "--data",
        str(sample),
        "--on",
        "2026-12-03",
        "--reason",
        "复核未通过",
        "--by",
        "王五",
        "--as-of",
        "2026-12-05",
    )
    assert (code, err) == (0, "")
    after = path.read_text(encoding="utf-8")
    assert changed_lines(before, after) == [
        "-    status: closed",
        "-    closed_on: 2025-03-24",
        "-    resolution: 经专题协调已解决",
        "-    evidence:",
        "-      - 专题会议纪要",
        "+    status: open",
        "+    reopened:",
        "+      - on: 2026-12-03",
        "+        by: 王五",
        "+        reason: 复核未通过",
        "+        closed_on: 2025-03-24",
        "+        resolution: 经专题协调已解决",
        "+        evidence:",
        "+          - 专题会议纪要",
    ]
    assert validate(sample, today=dt.date(2026, 12, 5))[1] == []
    again = invoke(
        "issue",
        "reopen",
        "p03-001",
        "--data",
        str(sample),
        "--reason",
        "x",
        "--by",
        "王五",
        "--as-of",
        "2026-12-05",
    )
    assert again[0] == 1 and " W506 " in again[2]


def test_a_write_keeps_bom_and_crlf(sample: Path) -> None:
    path = sample / "issues" / "p03.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + original.replace("\n", "\r\n").encode("utf-8"))
    code, _, err = invoke(
        "issue",
        "close",
        "p03-003",
        "--data",
        str(sample),
        "--on",
        "2026-12-02",
        "--resolution",
        "已解决",
        "--as-of",
        "2026-12-05",
    )
    assert (code, err) == (0, "")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == raw.count(b"\n")


def test_a_problem_elsewhere_does_not_block_a_write_but_is_shown(sample: Path) -> None:
    # One unit's broken report (p01) must not stop another unit closing its problem (p03).
    broken = sample / "indicators" / "p01" / "2026-10.yaml"
    broken.write_text("project: p01\nperiod: 2026-10\nvalues: 3\n", encoding="utf-8")
    before = snapshot(sample)
    code, out, err = invoke(
        "issue",
        "close",
        "p03-003",
        "--data",
        str(sample),
        "--on",
        "2026-12-02",
        "--resolution",
        "x",
        "--as-of",
        "2026-12-05",
    )
    assert code == 0 and out.startswith("closed p03-003")
    assert " S103 " in err and "2026-10.yaml" in err  # shown, not blocking
    after = snapshot(sample)
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed == {"issues/p03.yaml"}


def test_a_write_is_refused_for_a_problem_in_the_file_it_touches(sample: Path) -> None:
    lst = sample / "issues" / "p03.yaml"
    lst.write_text(
        lst.read_text(encoding="utf-8").replace("owner: ", "owner: 不存在的单位 #", 1), encoding="utf-8"
    )
    before = snapshot(sample)
    code, _, err = invoke(
        "issue",
        "close",
        "p03-003",
        "--data",
        str(sample),
        "--on",
        "2026-12-02",
        "--resolution",
        "x",
        "--as-of",
        "2026-12-05",
    )
    assert code == 1 and " R203 " in err and " W505 " in err
    assert snapshot(sample) == before


def test_a_write_reads_the_data_once(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from yunhe_cli.store import loader

    calls: list[int] = []
    real = loader.load_repository

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_repository", counting)
    code, _, _ = invoke(
        "issue",
        "close",
        "p03-003",
        "--data",
        str(sample),
        "--on",
        "2026-12-02",
        "--resolution",
        "x",
        "--as-of",
        "2026-12-05",
    )
    assert code == 0 and len(calls) == 1  # was 2: once to start, once more to check the change


# ----------------------------------------------------------------------------- fmt


MESSY = """\
# a comment the analyst wrote
problems:
  - title: 资金拨付滞后   # why it matters
    id: p03-001
    due: 2024-02-04
    raised_on: 2023-12-06
    owner: 县科技局
project: p03
"""


def test_fmt_orders_keys_adds_the_schema_line_and_keeps_comments() -> None:
    assert format_text(MESSY, "issues/p03.yaml", "problems") == textwrap.dedent("""\
        # yaml-language-server: $schema=../../schemas/problems.schema.json
        # a comment the analyst wrote
        project: p03
        problems:
          - id: p03-001
            title: 资金拨付滞后   # why it matters
            owner: 县科技局
            raised_on: 2023-12-06
            due: 2024-02-04
        """)


def test_fmt_check_lists_and_fmt_fixes(sample: Path) -> None:
    path = sample / "issues" / "p03.yaml"
    path.write_text(MESSY, encoding="utf-8")
    code, _, err = invoke("fmt", "--check", "--data", str(sample))
    assert code == 1
    assert err == f"{path}:1:1: W507 not in canonical layout; run yunhe fmt\n1 problem in 451 files\n"
    assert path.read_text(encoding="utf-8") == MESSY
    code, out, _ = invoke("fmt", "--data", str(sample))
    assert (code, out) == (0, f"formatted {path}\n")
    assert invoke("fmt", "--check", "--data", str(sample))[0] == 0


def test_shipped_data_is_formatted() -> None:
    for root in (DATA, SAMPLE):
        code, out, err = invoke("fmt", "--check", "--data", str(root))
        assert (code, err) == (0, ""), err
        assert out.endswith("files already formatted\n")


# ----------------------------------------------------------------------------- faults


def test_a_kill_between_write_and_rename_leaves_the_old_file_whole(sample: Path) -> None:
    path = sample / "issues" / "p03.yaml"
    before = path.read_bytes()
    script = textwrap.dedent(f"""
        import datetime as dt, os, sys
        from pathlib import Path
        import yunhe_cli.store.write as w
        def killed(src, dst):
            os.kill(os.getpid(), 9)   # SIGKILL: no cleanup, no finally
        w.os.replace = killed
        from yunhe_cli.edits.problems import close_problem
        on, today = dt.date(2026, 12, 2), dt.date(2026, 12, 5)
        close_problem(Path({str(sample)!r}), "p03-003", on, "已解决", [], today)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == -9, result.stderr
    assert path.read_bytes() == before
    leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith(".p03.yaml.tmp-")]
    assert len(leftovers) == 1  # the half-finished write, hidden
    assert validate(sample)[1] == []  # and ignored by the loader


def _close_slowly(
    root: str, problem_id: str, barrier: multiprocessing.synchronize.Barrier, locked: bool
) -> None:
    import contextlib
    import time

    import yunhe_cli.edits.problems as problems
    import yunhe_cli.edits.session as w

    original = w.check_and_write

    def slow(*args: object, **kwargs: object) -> None:
        time.sleep(0.5)  # widen the window between reading the file and replacing it
        original(*args, **kwargs)  # type: ignore[arg-type]

    w.check_and_write = slow  # type: ignore[assignment]
    if not locked:
        problems.repo_lock = lambda root, timeout=0: contextlib.nullcontext()  # type: ignore[assignment,misc]
    barrier.wait()
    close_problem(
        Path(root), problem_id, dt.date(2026, 12, 2), f"{problem_id} 已解决", [], dt.date(2026, 12, 5)
    )


def _two_closes_at_once(root: Path, locked: bool) -> dict[str, str | None]:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    workers = [
        ctx.Process(target=_close_slowly, args=(str(root), pid, barrier, locked))
        for pid in ("p02-001", "p02-005")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    repo, _ = validate(root)
    lst = next(x for x in repo.problem_lists if x.model.project == "p02")
    return {q.id: q.resolution for q in lst.model.problems if q.id in ("p02-001", "p02-005")}


def test_two_concurrent_closes_in_one_file_lose_neither(sample: Path) -> None:
    assert _two_closes_at_once(sample, locked=True) == {
        "p02-001": "p02-001 已解决",
        "p02-005": "p02-005 已解决",
    }


def test_without_the_lock_one_close_would_be_lost(sample: Path) -> None:
    # The same race with the lock taken away: shows that the test above can fail.
    results = _two_closes_at_once(sample, locked=False)
    assert sorted(v is None for v in results.values()) == [False, True]


def test_fmt_remembers_canonical_files_by_content_only(sample: Path) -> None:
    import os

    from yunhe_cli.edits.fmt import CanonicalCache

    assert invoke("fmt", "--check", "--data", str(sample))[0] == 0
    known = CanonicalCache.default()
    assert Path(os.environ["YUNHE_CACHE_DIR"]) in known.path.parents if known.path else False
    # every file of the sample (437, and 7 + 4 + 3 lists of assessments, supervision items and
    # practices), by the digest of its bytes
    assert len(known.digests) == 451
    # An edit that breaks the layout is found at once: a changed file has a new digest.
    path = sample / "issues" / "p03.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("project:", "project:  "), encoding="utf-8")
    code, _, err = invoke("fmt", "--check", "--data", str(sample))
    assert code == 1 and "p03.yaml:1:1: W507" in err
    # --no-cache gives the same answer without the cache
    assert invoke("fmt", "--check", "--no-cache", "--data", str(sample))[:2] == (code, "")


def test_fmt_keeps_a_bom_and_crlf_as_edits_do(sample: Path) -> None:
    path = sample / "issues" / "p03.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))
    assert invoke("fmt", "--check", "--data", str(sample))[0] == 0  # canonical, in its own line ends


def test_fmt_json_and_github(sample: Path) -> None:
    import json

    path = sample / "issues" / "p03.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("project:", "project:  "), encoding="utf-8")
    code, out, _ = invoke("fmt", "--check", "--format", "json", "--data", str(sample))
    doc = json.loads(out)
    assert code == 1 and [(p["code"], p["path"].endswith("p03.yaml")) for p in doc["problems"]] == [
        ("W507", True)
    ]
    code, out, _ = invoke("fmt", "--check", "--format", "github", "--data", str(sample))
    assert out.startswith("::error file=") and "W507" in out


# ----------------------------------------------------------------------------- a batch (yunhe import)


def test_a_batch_is_written_all_or_none_through_the_one_atomic_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import stat

    import yunhe_cli.store.write as w
    from yunhe_cli.edits.session import write_batch
    from yunhe_cli.store.write import WriteRefused

    (tmp_path / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text("c: 1\n", encoding="utf-8")
    texts = {"a.yaml": "a: 2\n", "b/new.yaml": "b: 2\n", "c.yaml": "c: 2\n"}
    real_replace, real_fsync = os.replace, os.fsync
    synced: list[bool] = []  # True for a folder

    def fsync(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real_fsync(fd)

    def replace(src: str, dst: Path) -> None:
        if str(dst).endswith("c.yaml") and "c: 2" in Path(src).read_text(encoding="utf-8"):
            raise PermissionError(13, "Permission denied", src)
        real_replace(src, dst)

    monkeypatch.setattr(w.os, "fsync", fsync)
    monkeypatch.setattr(w.os, "replace", replace)
    with pytest.raises(WriteRefused) as refused:
        write_batch(tmp_path, texts)
    assert [p.code for p in refused.value.problems] == ["W509"]
    assert refused.value.problems[0].path == tmp_path / "c.yaml"
    # The files already replaced are put back, the new one removed: nothing was written.
    assert (tmp_path / "a.yaml").read_text(encoding="utf-8") == "a: 1\n"
    assert not (tmp_path / "b" / "new.yaml").exists()
    assert (tmp_path / "c.yaml").read_text(encoding="utf-8") == "c: 1\n"
    assert not [p for p in tmp_path.rglob(".*tmp-*")]
    monkeypatch.setattr(w.os, "replace", real_replace)
    synced.clear()
    assert write_batch(tmp_path, texts) == [tmp_path / "a.yaml", tmp_path / "b/new.yaml", tmp_path / "c.yaml"]
    assert {rel: (tmp_path / rel).read_text(encoding="utf-8") for rel in texts} == texts
    assert synced == [False, True] * 3  # each file, then its folder


def test_one_closing_rule_for_issue_close_and_a_form(sample: Path) -> None:
    """`issue close` and a form's 销号 row ask edits.problems.closing_refused, so they refuse alike."""
    import yunhe_cli.forms.apply as apply
    from yunhe_cli.edits import problems

    assert apply.closing_refused is problems.closing_refused
    assert apply.cross_off is problems.cross_off
    code, _, err = invoke(
        "issue", "close", "p02-001", "--resolution", "x", "--on", "2000-01-01", "--data", str(sample)
    )
    assert code == 1 and "W503 2000-01-01 is before p02-001 was raised (2025-01-30)" in err
