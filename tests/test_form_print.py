"""The workbook as a clerk reads and prints it: sizes computed from the text, codes out of the way,
done tasks shown done and locked, only input cells yellow, the months still missing named, and
every cell's text whole when LibreOffice prints it.

The sample on 2026-11-15 (the day `--as-of` names for it): p01's October 2026 report exists and
repeats implementation-plan, deployment and industrial-projects as done (rows 3, 4 and 6 of 重点任务,
done in months before October); p10 has not reported 2023-08 and 2025-01 (the files are not in
examples/sample/indicators/p10/). The PDF's pages are saved as PNG under tests/artifacts/ to look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.forms.layout import (
    DONE_FILL,
    HEADER_FILL,
    INPUT_FILL,
    column_width,
    line_count,
    row_height,
    text_width,
)

from .conftest import ROOT

SAMPLE = ROOT / "examples" / "sample"
ARTIFACTS = ROOT / "tests" / "artifacts"
runner = CliRunner()


def _form(out: Path, project: str, lang: str = "zh", period: str = "2026-10") -> Path:
    args = ["form", project, "--period", period, str(out), "--data", str(SAMPLE), "--as-of", "2026-11-15"]
    result = runner.invoke(app, [*args, "--lang", lang])
    assert result.exit_code == 0, result.output
    return out


# --------------------------------------------------------------------------- sizes from the text


def test_a_wide_character_counts_twice() -> None:
    assert text_width("") == 0
    assert text_width("2026-10") == 7
    assert text_width("有效投资") == 8  # four wide characters
    assert text_width("≥350（2027）") == 12  # ≥ is narrow; the full-width brackets are wide: 1+3+2+4+2
    assert text_width("ｅ\u0301") == 2  # a full-width letter; a combining mark takes no room
    assert text_width("第一行\n2026-05-03 以后") == 15  # the widest line: 10 + 1 + 4


def test_column_widths_and_row_heights_follow_the_text() -> None:
    # 12 wide characters: 24 × 1.25 + 2 of padding = 32 digits; kept between the bounds given.
    assert column_width(["投资总量全市排名有所提升", "指标"], 16, 36) == 32
    assert column_width(["个"], 6, 16) == 6  # 2 × 1.25 + 2 = 4.5, below the least
    assert column_width(["加强常态化项目谋划，筑好千亿项目蓄水池"], 16, 36) == 36  # 49.5, above the most
    # 36 digits hold (36 - 2) / 1.25 = 27.2 narrow characters: 13 wide ones a line, so 19 take 2 lines.
    assert line_count("加强常态化项目谋划，筑好千亿项目蓄水池", 36) == 2
    # 12 digits hold 8 narrow characters: 'since the' (9) does not fit, 'the plan' (8) does.
    assert line_count("since the plan began", 12) == 3
    # A word wider than the column is broken inside it: 'manufacturing-' (14) takes 2 lines of 8.
    assert line_count("manufacturing-share", 12) == 3
    assert line_count("a\nb", 12) == 2  # each line of the text starts a line
    assert row_height(1) == 18  # 15 points a line of 11-point text, plus 3
    assert row_height(3) == 48
    assert row_height(1, 14) == round(15 * 14 / 11 + 3, 1)


# --------------------------------------------------------------------------- what the workbook holds


def test_done_tasks_are_locked_and_shown_done_and_only_input_cells_are_yellow(tmp_path: Path) -> None:
    book = load_workbook(_form(tmp_path / "p01.xlsx", "p01"))
    tasks = book["重点任务"]
    for row in (3, 4, 6):  # done before October: 已完成, 100, locked, in the done colour
        assert (tasks[f"D{row}"].value, tasks[f"F{row}"].value, tasks[f"G{row}"].value) == (
            "已完成",
            "已完成",
            100,
        )
        for col in "FGHI":
            cell = tasks[f"{col}{row}"]
            assert cell.protection.locked, cell.coordinate
            assert cell.fill.fgColor.rgb.endswith(DONE_FILL), cell.coordinate
    for row in (5, 7, 8):  # still under way: the four cells take input
        assert [tasks[f"{c}{row}"].protection.locked for c in "FGHI"] == [False] * 4
    assert tasks.protection.sheet  # the protection holds the locked cells
    indicators = book["主要指标"]
    # The codes are for yunhe: their column is hidden, the name beside it is what people read.
    assert indicators.column_dimensions["A"].hidden and tasks.column_dimensions["A"].hidden
    assert not book["问题销号"].column_dimensions["A"].hidden  # a problem's number is said in meetings
    # Every header is a header, never input-yellow: 水平值 (I2) included.
    for sheet in (indicators, tasks, book["问题销号"]):
        for cell in sheet[2]:
            assert cell.fill.fgColor.rgb.endswith(HEADER_FILL), cell.coordinate
    # Only the cells that take input are yellow, and each of them is unlocked.
    for sheet in (indicators, tasks, book["问题销号"], book["报送"]):
        for row in sheet.iter_rows():
            for cell in row:
                yellow = (cell.fill.fgColor.rgb or "").endswith(INPUT_FILL)
                assert yellow == (not cell.protection.locked), (sheet.title, cell.coordinate)
    # investment-growth (row 6) is the one indicator with a level: its 水平值 takes input, no other.
    assert [r for r in range(3, 10) if not indicators[f"I{r}"].protection.locked] == [6]


def test_the_form_names_the_months_still_missing(tmp_path: Path) -> None:
    p10 = load_workbook(_form(tmp_path / "p10.xlsx", "p10"))["报送"]
    assert p10["A8"].value == "注意：本工程以前月份尚未报送：2023-08、2025-01。请先补报。"
    assert "A8:B8" in {str(r) for r in p10.merged_cells.ranges}
    assert p10["A10"].value.startswith("填表说明")  # the instructions follow, after a blank row
    en = load_workbook(_form(tmp_path / "p10en.xlsx", "p10", "en"))["Submission"]
    assert (
        en["A8"].value
        == "Note: this project's earlier months not yet reported: 2023-08, 2025-01. Report them first."
    )
    p01 = load_workbook(_form(tmp_path / "p01.xlsx", "p01"))["报送"]
    assert p01["A8"].value.startswith("填表说明")  # nothing missing, nothing said
    # A form for an earlier month names only the months before it: p10 for 2024-06 names 2023-08.
    early = load_workbook(_form(tmp_path / "p10-2024.xlsx", "p10", period="2024-06"))["报送"]
    assert early["A8"].value == "注意：本工程以前月份尚未报送：2023-08。请先补报。"


# --------------------------------------------------------------------------- printed by LibreOffice


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) is missing in CI; .ci/run installs libreoffice-calc")
    return found


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > 1.0:
            out.append(v)
    return out


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "hour"):
        return str(value.date())
    return str(value)


def _check_page(page: Any, sheet: Any) -> list[str]:
    """Every cell's text whole inside its own cell, and no text outside a cell: what is wrong."""
    visible = [
        c for c in range(1, sheet.max_column + 1) if not sheet.column_dimensions[get_column_letter(c)].hidden
    ]
    xs = _cluster([e["x0"] for e in page.edges if e["orientation"] == "v"])
    ys = _cluster([e["top"] for e in page.edges if e["orientation"] == "h"])
    assert len(xs) == len(visible) + 1, (sheet.title, xs)
    assert len(ys) == sheet.max_row + 1, (sheet.title, ys)
    col_x = {c: (xs[i], xs[i + 1]) for i, c in enumerate(visible)}
    boxes: list[tuple[str, str, tuple[float, float, float, float]]] = []
    merged = {r.min_row * 1000 + r.min_col: r for r in sheet.merged_cells.ranges}
    for r in range(1, sheet.max_row + 1):
        for c in range(1, sheet.max_column + 1):
            text = _shown(sheet.cell(row=r, column=c).value)
            rng = merged.get(r * 1000 + c)
            if not text or (c not in visible and rng is None):
                continue  # a hidden column's text is not printed
            last = rng.max_col if rng else c  # a merged cell spans the columns shown in its range
            shown = [v for v in visible if c <= v <= last]
            x0, x1 = col_x[shown[0]][0], col_x[shown[-1]][1]
            boxes.append((f"{get_column_letter(c)}{r}", text, (x0, ys[r - 1], x1, ys[r])))
    wrong: list[str] = []
    placed = set()
    for coord, text, (x0, top, x1, bottom) in boxes:
        inside = [
            ch
            for ch in page.chars
            if x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1 and top <= (ch["top"] + ch["bottom"]) / 2 <= bottom
        ]
        placed.update(id(ch) for ch in inside)
        got = "".join(ch["text"] for ch in sorted(inside, key=lambda ch: (round(ch["top"]), ch["x0"])))
        if got.replace(" ", "") != text.replace(" ", "").replace("\n", ""):
            wrong.append(f"{sheet.title}!{coord}: {text!r} printed as {got!r}")
        for ch in inside:
            if (
                ch["x0"] < x0 - 0.5
                or ch["x1"] > x1 + 0.5
                or ch["top"] < top - 0.5
                or ch["bottom"] > bottom + 0.5
            ):
                wrong.append(f"{sheet.title}!{coord}: {ch['text']!r} crosses the cell's edge")
                break
    strays = [ch["text"] for ch in page.chars if id(ch) not in placed and ch["text"].strip()]
    if strays:
        wrong.append(f"{sheet.title}: text outside every cell: {''.join(strays)!r}")
    return wrong


@pytest.mark.parametrize(
    ("project", "lang", "period", "shown"),
    [
        ("p01", "zh", "2026-10", ["报送", "主要指标", "重点任务", "问题销号", "督办反馈"]),
        ("p10", "zh", "2026-10", ["报送", "主要指标", "重点任务", "问题销号"]),
        (
            "p07",
            "en",
            "2026-10",
            ["Submission", "Indicators", "Key tasks", "Problems", "Supervision feedback"],
        ),
        # A quarter's last month: 形势研判 too (p01-s001 is open: 督办反馈).
        ("p01", "zh", "2026-09", ["报送", "主要指标", "重点任务", "问题销号", "形势研判", "督办反馈"]),
    ],
)
def test_libreoffice_prints_every_cell_whole_on_a4(
    tmp_path: Path, project: str, lang: str, period: str, shown: list[str]
) -> None:
    soffice = _soffice()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed here; CI installs libreoffice-calc and runs this")
    pdfplumber = pytest.importorskip(
        "pdfplumber", reason="pdfplumber (the test extra) reads the printed form"
    )
    form = _form(tmp_path / f"{project}-{lang}.xlsx", project, lang, period)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(form),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    book = load_workbook(form)
    sheets = [s for s in book.worksheets if s.sheet_state == "visible"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    wrong: list[str] = []
    with pdfplumber.open(tmp_path / f"{project}-{lang}.pdf") as pdf:
        assert [s.title for s in sheets] == shown
        assert len(pdf.pages) == len(sheets)  # a page a sheet: each fits one A4 page
        for number, (page, sheet) in enumerate(zip(pdf.pages, sheets, strict=True), 1):
            assert (round(page.width), round(page.height)) == (842, 595)  # A4 landscape, in points
            page.to_image(resolution=100).save(
                ARTIFACTS / f"form-{project}-{lang}{'' if period == '2026-10' else '-' + period}-{number}.png"
            )
            wrong += _check_page(page, sheet)
    assert wrong == []
