"""yunhe form and yunhe import: the month's workbook out, filled in, and back into the YAML.

The sample's p01 has seven indicators (rows 3–9 of 主要指标: projects-100m, projects-1b,
investment, investment-growth, private-investment-share, manufacturing-investment-share, the
milestone investment-rank), six key tasks (rows 3–8 of 重点任务) and one open problem, p01-002
(row 3 of 问题销号). Its October 2026 report is removed so that the form is a fresh month's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.forms.apply import import_forms
from yunhe_cli.forms.build import build_workbook, form_content, save_workbook
from yunhe_cli.forms.read import ImportRefused
from yunhe_cli.outputs.labels import Lang
from yunhe_cli.store.loader import load_repository

from .conftest import ROOT

SAMPLE = ROOT / "examples" / "sample"
AS_OF = dt.date(2026, 11, 20)  # after the sample's last submission (2026-11-16)
runner = CliRunner()


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.org",
    }
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A git repository holding the sample without p01's October 2026 report."""
    root = tmp_path / "data"
    shutil.copytree(SAMPLE, root)
    (root / "indicators" / "p01" / "2026-10.yaml").unlink()
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "init")
    return root


def _form(data: Path, out: Path, project: str = "p01", period: str = "2026-10", lang: str = "zh") -> Path:
    result = runner.invoke(
        app,
        [
            "form",
            project,
            "--period",
            period,
            str(out),
            "--data",
            str(data),
            "--as-of",
            str(AS_OF),
            "--lang",
            lang,
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def _fill(path: Path, cells: dict[tuple[str, str], Any], out: Path | None = None) -> Path:
    book = load_workbook(path)
    for (sheet, coord), value in cells.items():
        book[sheet][coord].value = value
    book.save(out or path)
    return out or path


def _import(data: Path, *forms: Path, extra: tuple[str, ...] = ()) -> Any:
    # The messages checked are the English ones (the sample's plan.yaml says language: zh).
    args = ["import", *map(str, forms), "--data", str(data), "--as-of", str(AS_OF), "--lang", "en", *extra]
    return runner.invoke(app, args)


def _snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts and p.name != ".yunhe.lock"  # the lock file stays
    }


# What a unit types for October 2026 (chosen by hand; rows as in the module docstring).
TYPED: dict[tuple[str, str], Any] = {
    ("报送", "B5"): dt.datetime(2026, 11, 6),
    ("主要指标", "H3"): 57,
    ("主要指标", "H4"): 6,
    ("主要指标", "H5"): 52.09,
    ("主要指标", "H6"): 15.12,
    ("主要指标", "H7"): 64.3,
    ("主要指标", "H8"): 13.5,
    ("主要指标", "H9"): "否",
    ("重点任务", "G5"): 52,
    ("问题销号", "F3"): dt.datetime(2026, 11, 5),
    ("问题销号", "G3"): "专题会议协调解决",
    ("问题销号", "H3"): "会议纪要",
}
# The lines a person would have typed into the draft (yunhe report new) and the problem list.
TYPED_LINES = {
    "-submitted_on:  # YYYY-MM-DD",
    "+submitted_on: 2026-11-06 # YYYY-MM-DD",
    "-    value:",
    "+    value: 57",
    "+    value: 6",
    "+    value: 52.09",
    "+    value: 15.12",
    "+    value: 64.3",
    "+    value: 13.5",
    "-    achieved:",
    "+    achieved: false",
    "-    percent: 47",
    "+    percent: 52",
    "-    status: open",
    "+    status: closed",
    "+    closed_on: 2026-11-05",
    "+    resolution: 专题会议协调解决",
    "+    evidence:",
    "+      - 会议纪要",
}


def _changed_lines(root: Path) -> list[str]:
    diff = _git(root, "diff", "-U0")
    return [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_form_filled_and_imported_shows_only_the_typed_lines(data: Path, tmp_path: Path) -> None:
    assert (
        runner.invoke(app, ["report", "new", "p01", "--period", "2026-10", "--data", str(data)]).exit_code
        == 0
    )
    _git(data, "add", "-A")
    _git(data, "commit", "-qm", "draft")
    form = _fill(_form(data, tmp_path / "p01-2026-10.xlsx"), TYPED)
    result = _import(data, form)
    assert result.exit_code == 0, result.output
    lines = _changed_lines(data)
    # Six figures replace six empty `value:` lines: the removed line appears six times.
    assert lines.count("-    value:") == 6
    assert set(lines) == TYPED_LINES
    assert len(lines) == len(TYPED_LINES) - 1 + 6
    validated = runner.invoke(app, ["validate", "--data", str(data)])
    assert validated.exit_code == 0, validated.output


def test_import_without_a_draft_writes_what_the_draft_and_typing_would(data: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(data, other)
    assert (
        runner.invoke(app, ["report", "new", "p01", "--period", "2026-10", "--data", str(other)]).exit_code
        == 0
    )
    form = _fill(_form(data, tmp_path / "p01-2026-10.xlsx"), TYPED)
    assert _import(data, form).exit_code == 0
    assert _import(other, form).exit_code == 0
    rel = "indicators/p01/2026-10.yaml"
    assert (data / rel).read_text(encoding="utf-8") == (other / rel).read_text(encoding="utf-8")
    # The closing is what yunhe issue close writes.
    third = tmp_path / "third"
    shutil.copytree(SAMPLE, third)
    closed = runner.invoke(
        app,
        [
            "issue",
            "close",
            "p01-002",
            "--resolution",
            "专题会议协调解决",
            "--evidence",
            "会议纪要",
            "--on",
            "2026-11-05",
            "--data",
            str(third),
            "--as-of",
            str(AS_OF),
        ],
    )
    assert closed.exit_code == 0, closed.output
    assert (data / "issues/p01.yaml").read_bytes() == (third / "issues/p01.yaml").read_bytes()


def test_a_form_in_english_reads_the_same(data: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(data, other)
    zh = _fill(_form(data, tmp_path / "zh.xlsx"), TYPED)
    names = {"报送": "Submission", "主要指标": "Indicators", "重点任务": "Key tasks", "问题销号": "Problems"}
    english = {(names[s], c): ("no" if v == "否" else v) for (s, c), v in TYPED.items()}
    en = _fill(_form(other, tmp_path / "en.xlsx", lang="en"), english)
    assert _import(data, zh).exit_code == 0
    assert _import(other, en).exit_code == 0
    rel = "indicators/p01/2026-10.yaml"
    assert (data / rel).read_text(encoding="utf-8") == (other / rel).read_text(encoding="utf-8")


def test_the_form_locks_all_but_the_input_cells_and_validates_them(data: Path, tmp_path: Path) -> None:
    book = load_workbook(_form(data, tmp_path / "f.xlsx"))
    # October closes no quarter: no 形势研判; p01-s001, issued to the lead unit, is open: 督办反馈.
    assert book.sheetnames == ["报送", "主要指标", "重点任务", "问题销号", "督办反馈", "_yunhe"]
    assert book["_yunhe"].sheet_state == "hidden"
    sheet = book["主要指标"]
    assert sheet.protection.sheet
    assert sheet["B5"].value == "有效投资" and sheet["B5"].protection.locked
    assert sheet["E5"].value == "≥350（2027）"
    assert sheet["F5"].value == 48.2 and sheet["G5"].value == "2026-09"  # last month's figure, locked
    assert not sheet["H5"].protection.locked
    assert sheet["I5"].protection.locked and not sheet["I6"].protection.locked  # level: growth only
    kinds = {str(dv.sqref): (dv.type, dv.formula1) for dv in sheet.data_validations.dataValidation}
    assert ("list", '"是,否"') in kinds.values()
    assert any(t == "decimal" and "H5" in ref for ref, (t, _) in kinds.items())
    tasks = book["重点任务"]
    assert tasks["F5"].value == "推进中" and tasks["G5"].value == 47  # the draft's state, to change
    lists = [dv.formula1 for dv in tasks.data_validations.dataValidation if dv.type == "list"]
    assert lists == ['"未开始,推进中,已完成,受阻"']
    rows = [json.loads(row[0]) for row in book["_yunhe"].iter_rows(values_only=True)]
    record = {r[1]: r[2] for r in rows if r[0] == "key"}
    assert record["project"] == "p01" and record["period"] == "2026-10" and len(record["plan_version"]) == 12


def test_the_form_prints_on_a4_landscape_with_its_headers_and_prompts_in_chinese(
    data: Path, tmp_path: Path
) -> None:
    book = load_workbook(_form(data, tmp_path / "f.xlsx"))
    for name in ("报送", "主要指标", "重点任务", "问题销号"):
        setup = book[name].page_setup
        # A4 is paper size 9 in the sheet's page setup; landscape, one page wide, as long as it takes.
        assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (
            9,
            "landscape",
            1,
            0,
        ), name
        assert book[name].sheet_properties.pageSetUpPr.fitToPage
    for name in ("主要指标", "重点任务", "问题销号"):
        sheet = book[name]
        # The header row (row 2) repeats on every printed page and stays in view with the names.
        assert sheet.freeze_panes == "C3" and sheet.print_title_rows == "$2:$2"
        # Each validated cell says in Chinese what it takes, before and after a wrong entry.
        for dv in sheet.data_validations.dataValidation:
            assert dv.showInputMessage and dv.showErrorMessage
            assert dv.prompt == dv.error and re.search(r"[\u4e00-\u9fff]", dv.prompt or ""), dv.prompt
    # The indicator's name column is as wide as p01's longest name, 投资总量全市排名有所提升: 12 wide
    # characters count 24, times 1.25 for a wider font, plus 2 of padding.
    assert book["主要指标"].column_dimensions["B"].width == 32
    # The filling instructions, one line a row across both columns, wrapped in a row sized to it.
    help_rows = [row for row in book["报送"].iter_rows(min_col=1, max_col=1) if row[0].value]
    lines = [c for (c,) in help_rows if str(c.value).startswith(("填表说明", "数字", "定性", "不要"))]
    assert len(lines) == 4 and lines[0].value == "填表说明：只填黄色单元格，其余单元格已锁定。"
    merged = {str(rng) for rng in book["报送"].merged_cells.ranges}
    assert all(c.alignment.wrap_text and f"A{c.row}:B{c.row}" in merged for c in lines)


# --------------------------------------------------------------------------- every report of the sample


def test_every_sample_report_round_trips_through_its_form(tmp_path: Path) -> None:
    repo, _ = load_repository(SAMPLE)
    empty = tmp_path / "empty"
    shutil.copytree(SAMPLE, empty)
    shutil.rmtree(empty / "indicators")
    forms = []
    for rep in repo.reports:
        content = form_content(repo, rep.model.project, rep.model.period, AS_OF, Lang.zh)
        out = tmp_path / "forms" / f"{rep.model.project}-{rep.model.period}.xlsx"
        save_workbook(build_workbook(content, AS_OF), out)
        forms.append(out)
    result = import_forms(empty, forms, dt.date(2026, 12, 31))  # after the last submission (2026-11-16)
    assert len(result.written) == len(repo.reports) == 414  # every report of the sample
    back, problems = load_repository(empty)
    assert not [p for p in problems if p.severity == "error"]
    before = {(r.model.project, r.model.period): r.model for r in repo.reports}
    after = {(r.model.project, r.model.period): r.model for r in back.reports}
    assert after == before


# --------------------------------------------------------------------------- bad input


def _refused(data: Path, *forms: Path, extra: tuple[str, ...] = ()) -> str:
    before = _snapshot(data)
    result = _import(data, *forms, extra=extra)
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.stderr
    assert _snapshot(data) == before
    return result.stderr


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("63%", "'63%' is not a number; write 63 without %: the Unit column says %"),
        ("６３", "'６３' is not a number; it has full-width characters; write 63 with ASCII digits"),
        ("1,234", "'1,234' is not a number; write 1234 without the thousands separator"),
        ("约50", "'约50' is not a number; write the figure alone (50); put words such as 约"),
    ],
)
def test_numbers_typed_as_text_are_placed_with_the_fix(
    data: Path, tmp_path: Path, typed: str, hint: str
) -> None:
    form = _fill(_form(data, tmp_path / "p01-2026-10.xlsx"), {**TYPED, ("主要指标", "H7"): typed})
    stderr = _refused(data, form)
    assert f"p01-2026-10.xlsx!主要指标!H7: S104 {hint}" in stderr


def test_a_form_for_another_project_or_month_than_its_name(data: Path, tmp_path: Path) -> None:
    form = _fill(_form(data, tmp_path / "p01-2026-10.xlsx"), TYPED)
    renamed = form.rename(tmp_path / "p02-2026-09.xlsx")
    stderr = _refused(data, renamed)
    assert (
        "p02-2026-09.xlsx!报送!B2: R201 the file name says p02 2026-09, but this form is for p01 2026-10"
        in stderr
    )


def test_a_form_from_an_older_version_of_the_plan_data(data: Path, tmp_path: Path) -> None:
    form = _fill(_form(data, tmp_path / "f.xlsx"), TYPED)
    project = data / "projects" / "p01.yaml"
    text = project.read_text(encoding="utf-8")
    added = "  - id: new-goal\n    name: 新增目标\n    kind: milestone\n    target:\n      by: 2027-12-31\n"
    at = text.index("  - id: investment\n")
    project.write_text(text[:at] + added + text[at:], encoding="utf-8")  # an indicator added since
    stderr = _refused(data, form)
    assert "f.xlsx!报送!B2: X703 the form was made from an older version of p01's plan data" in stderr
    assert "indicator 'new-goal' added" in stderr


def test_a_tampered_locked_cell(data: Path, tmp_path: Path) -> None:
    form = _fill(_form(data, tmp_path / "f.xlsx"), {**TYPED, ("主要指标", "E5"): "≥300（2027）"})
    stderr = _refused(data, form)
    assert (
        "f.xlsx!主要指标!E5: X704 this locked cell was changed from '≥350（2027）' to '≥300（2027）'"
        in stderr
    )


def _edit(path: Path, change: Any) -> Path:
    book = load_workbook(path)
    change(book)
    book.save(path)
    return path


def test_merged_deleted_hidden_rows_and_an_extra_sheet(data: Path, tmp_path: Path) -> None:
    def form(name: str) -> Path:
        return _fill(_form(data, tmp_path / name), TYPED)

    merged = _edit(form("merged.xlsx"), lambda b: b["主要指标"].merge_cells("H3:H4"))
    assert "merged.xlsx!主要指标!H3: X705 the cells H3:H4 are merged" in _refused(data, merged)
    deleted = _edit(form("deleted.xlsx"), lambda b: b["主要指标"].delete_rows(4))
    assert "deleted.xlsx!主要指标!A4: X705 the row of 'projects-1b 其中10亿元项目数' was deleted" in _refused(
        data, deleted
    )
    inserted = _edit(form("inserted.xlsx"), lambda b: b["重点任务"].insert_rows(4))
    assert "inserted.xlsx!重点任务!A4: X705 a row was inserted above 'deployment" in _refused(data, inserted)

    def hide(b: Any) -> None:
        b["主要指标"].row_dimensions[6].hidden = True

    hidden = _edit(form("hidden.xlsx"), hide)
    assert "hidden.xlsx!主要指标!A6: X705 row 6 is hidden" in _refused(data, hidden)
    extra = _edit(form("extra.xlsx"), lambda b: b.create_sheet("Sheet1"))
    assert "extra.xlsx: X705 the workbook has an extra sheet 'Sheet1'" in _refused(data, extra)


def test_an_empty_form(data: Path, tmp_path: Path) -> None:
    stderr = _refused(data, _form(data, tmp_path / "f.xlsx"))
    assert "f.xlsx!主要指标!H3: X707 the form is empty: nothing was filled in" in stderr


def test_a_formula_without_a_saved_value(data: Path, tmp_path: Path) -> None:
    form = _fill(_form(data, tmp_path / "f.xlsx"), {**TYPED, ("主要指标", "H5"): "=50+2.09"})
    assert "f.xlsx!主要指标!H5: X706 this cell holds a formula without a saved value" in _refused(data, form)


def test_unreadable_files_say_why_and_how_to_convert(data: Path, tmp_path: Path) -> None:
    good = _fill(_form(data, tmp_path / "good.xlsx"), TYPED)
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(good.read_bytes()[:2000])
    assert "corrupt.xlsx: X701 cannot read the workbook" in _refused(data, corrupt)
    # An encrypted workbook is an OLE compound file with an EncryptedPackage stream.
    cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(cfb + "EncryptedPackage".encode("utf-16-le") + bytes(100))
    assert "locked.xlsx: X701 the workbook is protected with a password" in _refused(data, locked)
    old = tmp_path / "old.xls"
    old.write_bytes(cfb + bytes(100))
    stderr = _refused(data, old)
    assert "old.xls: X701 this is an Excel 97–2003 (.xls) workbook" in stderr
    assert "soffice --headless --convert-to xlsx" in stderr
    wps = tmp_path / "form.et"
    wps.write_bytes(cfb + bytes(100))
    assert "form.et: X701 this is a WPS 表格 (.et) file" in _refused(data, wps)
    other = tmp_path / "notes.xlsx"
    other.write_text("not a workbook", encoding="utf-8")
    assert "notes.xlsx: X701 this is not an Excel workbook" in _refused(data, other)
    # With a good form in the same batch, still nothing is written.
    assert "X701" in _refused(data, good, corrupt)


def test_problems_found_by_validate_are_placed_on_the_form(data: Path, tmp_path: Path) -> None:
    negative = _fill(_form(data, tmp_path / "f.xlsx"), {**TYPED, ("主要指标", "H3"): -3})
    assert "f.xlsx!主要指标!H3: V401 projects-100m: -3 个 cannot be negative" in _refused(data, negative)
    early = _fill(_form(data, tmp_path / "e.xlsx"), {**TYPED, ("问题销号", "F3"): dt.datetime(2023, 1, 2)})
    assert "e.xlsx!问题销号!F3: W503 2023-01-02 is before p01-002 was raised (2023-12-06)" in _refused(
        data, early
    )
    outside = _fill(_form(data, tmp_path / "o.xlsx"), {**TYPED, ("报送", "B5"): dt.datetime(2029, 1, 2)})
    assert "o.xlsx!报送!B5: W503 2029-01-02 is in the future (today is 2026-11-20)" in _refused(data, outside)
    bad_status = _fill(_form(data, tmp_path / "g.xlsx"), {**TYPED, ("重点任务", "F5"): "差不多"})
    assert "g.xlsx!重点任务!F5: S105 '差不多' is not allowed" in _refused(data, bad_status)
    half_closed = _fill(_form(data, tmp_path / "h.xlsx"), {**TYPED, ("问题销号", "G3"): None})
    assert (
        "h.xlsx!问题销号!G3: S101 p01-002: crossing off (销号) needs the date and the resolution"
        in _refused(data, half_closed)
    )


def test_two_forms_for_one_month_in_a_batch(data: Path, tmp_path: Path) -> None:
    a = _fill(_form(data, tmp_path / "a.xlsx"), TYPED)
    b = _fill(_form(data, tmp_path / "b.xlsx"), TYPED)
    assert "b.xlsx!报送!B3: R202 p01 2026-10 is also in a.xlsx in this batch" in _refused(data, a, b)


# --------------------------------------------------------------------------- a submitted month


def test_a_submitted_month_changes_only_with_revise_and_is_recorded(data: Path, tmp_path: Path) -> None:
    first = _fill(_form(data, tmp_path / "first.xlsx"), TYPED)
    assert _import(data, first).exit_code == 0
    _git(data, "add", "-A")
    _git(data, "commit", "-qm", "p01 2026-10")
    # The same form again changes nothing (and says so).
    again = _import(data, first)
    assert again.exit_code == 0 and "unchanged indicators/p01/2026-10.yaml" in again.stdout
    # A correction: the form made now holds the submitted figures; 52.09 becomes 53.1.
    fix = _fill(_form(data, tmp_path / "fix.xlsx"), {("主要指标", "H5"): 53.1})
    stderr = _refused(data, fix)
    assert "fix.xlsx!报送!B5: X708 p01 2026-10 was submitted on 2026-11-06" in stderr
    usage = _import(data, fix, extra=("--revise",))
    assert usage.exit_code == 2
    done = _import(data, fix, extra=("--revise", "--reason", "统计局核定数"))
    assert done.exit_code == 0, done.output
    assert set(_changed_lines(data)) == {
        "-    value: 52.09",
        "+    value: 53.1",
        "+revisions:",
        "+  - on: 2026-11-20",
        "+    by: 县发改局",
        "+    reason: 统计局核定数",
        "+    indicator: investment",
        "+    old: 52.09",
    }
    audited = runner.invoke(app, ["validate", "--data", str(data), "--base", "HEAD", "--as-of", str(AS_OF)])
    assert audited.exit_code == 0, audited.output


def test_import_refused_from_library_carries_every_problem(data: Path, tmp_path: Path) -> None:
    a = _fill(_form(data, tmp_path / "p01-2026-10.xlsx"), {**TYPED, ("主要指标", "H3"): "约50"})
    b = _fill(_form(data, tmp_path / "x.xlsx", project="p02"), {("主要指标", "H3"): "1,234"})
    with pytest.raises(ImportRefused) as caught:
        import_forms(data, [a, b], AS_OF)
    placed = {(p.form.name, p.sheet, p.cell, p.code) for p in caught.value.problems}
    assert placed == {("p01-2026-10.xlsx", "主要指标", "H3", "S104"), ("x.xlsx", "主要指标", "H3", "S104")}


# --------------------------------------------------------------------------- saved by LibreOffice


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) is missing in CI; .ci/run installs libreoffice-calc")
    return found


def _resave(soffice: str, tmp_path: Path, *forms: Path) -> list[Path]:
    """Each workbook opened and saved again by LibreOffice Calc (headless), as a unit using it would."""
    out = tmp_path / "libreoffice"
    out.mkdir(exist_ok=True)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            *map(str, forms),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return [out / f.name for f in forms]


def test_forms_saved_by_libreoffice_read_the_same(data: Path, tmp_path: Path) -> None:
    soffice = _soffice()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed here; CI installs libreoffice-calc and runs this")
    other = tmp_path / "other"
    shutil.copytree(data, other)
    filled = _fill(_form(data, tmp_path / "p01-2026-10.xlsx"), TYPED)
    formula = _fill(filled, {("主要指标", "H5"): "=50+2.09"}, tmp_path / "formula.xlsx")
    text = _fill(filled, {("主要指标", "H7"): "63%"}, tmp_path / "text.xlsx")
    tampered = _fill(filled, {("主要指标", "B5"): "有效投资额"}, tmp_path / "tampered.xlsx")
    lo_filled, lo_formula, lo_text, lo_tampered = _resave(soffice, tmp_path, filled, formula, text, tampered)
    assert _import(data, filled).exit_code == 0
    assert _import(other, lo_filled).exit_code == 0, _import(other, lo_filled).output
    rel = "indicators/p01/2026-10.yaml"
    assert (data / rel).read_bytes() == (other / rel).read_bytes()
    assert (data / "issues/p01.yaml").read_bytes() == (other / "issues/p01.yaml").read_bytes()
    # LibreOffice saves a formula's value with it: =50+2.09 counts as 52.09, like the typed figure.
    third = tmp_path / "third"
    shutil.copytree(tmp_path / "data", third, dirs_exist_ok=True)
    fresh = tmp_path / "fresh"
    shutil.copytree(SAMPLE, fresh)
    (fresh / rel).unlink()
    assert _import(fresh, lo_formula).exit_code == 0
    assert (fresh / rel).read_bytes() == (data / rel).read_bytes()
    stderr = _refused(other, lo_text)
    assert "text.xlsx!主要指标!H7: S104 '63%' is not a number" in stderr
    assert "tampered.xlsx!主要指标!B5: X704" in _refused(other, lo_tampered)


def test_a_problem_in_a_file_the_batch_does_not_touch_blocks_no_one(data: Path, tmp_path: Path) -> None:
    other = data / "indicators" / "p02" / "2026-09.yaml"
    other.write_text(other.read_text(encoding="utf-8").replace("value: ", "value: '约", 1), encoding="utf-8")
    assert runner.invoke(app, ["validate", "--data", str(data)]).exit_code == 1  # p02 is broken
    form = _fill(_form(data, tmp_path / "p01-2026-10.xlsx"), TYPED)
    result = _import(data, form)
    assert result.exit_code == 0, result.output
    assert (data / "indicators" / "p01" / "2026-10.yaml").is_file()


# --------------------------------------------------------------------------- the submission date


def test_a_form_without_its_submission_date_is_refused_at_the_cell(data: Path, tmp_path: Path) -> None:
    undated = {**TYPED, ("报送", "B5"): None}
    form = _fill(_form(data, tmp_path / "p01-2026-10.xlsx"), undated)
    stderr = _refused(data, form)  # exit 1, nothing written
    assert stderr == (
        f"{form}!报送!B5: X709 报送日期 (submission date) is empty: the report would be a draft and "
        "2026-10 would still count as missing; fill it in, or import with --draft if a draft is meant\n"
        "nothing was written\n"
    )


def test_a_draft_imports_only_when_meant_and_says_so(data: Path, tmp_path: Path) -> None:
    undated = _fill(_form(data, tmp_path / "p01-2026-10.xlsx"), {**TYPED, ("报送", "B5"): None})
    result = _import(data, undated, extra=("--draft",))
    assert (result.exit_code, result.stdout) == (
        0,
        "wrote indicators/p01/2026-10.yaml (p01 2026-10, from p01-2026-10.xlsx): "
        "draft (the month still counts as missing)\n"
        "closed p01-002 in issues/p01.yaml (from p01-2026-10.xlsx)\n",
    )
    assert "submitted_on:  # YYYY-MM-DD" in (data / "indicators/p01/2026-10.yaml").read_text(encoding="utf-8")
    # A new form holds the draft's figures; filling in the date alone submits the month.
    dated = _fill(_form(data, tmp_path / "dated.xlsx"), {("报送", "B5"): dt.datetime(2026, 11, 6)})
    again = _import(data, dated)
    assert (again.exit_code, again.stdout) == (
        0,
        "updated indicators/p01/2026-10.yaml (p01 2026-10, from dated.xlsx): submitted\n",
    )
