"""The workbook import against hostile or damaged forms: a zip bomb, a value far below the form, a
re-signed record sheet with entries of the wrong shape, and notes that would make a report larger
than validate reads. Each is a placed X-problem (or the Y009 validate gives), exit 1, nothing written.

The forms are the sample's p01 for October 2026 (SYNTHETIC data), filled as tests/test_form.py does.
"""

from __future__ import annotations

import json
import struct
import time
import zlib
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.test_form import TYPED, _fill, _form, _import, _refused, _snapshot, data
from yunhe_cli.forms.layout import META_SHEET, digest

__all__ = ["data"]

GIB = 1 << 30


def _bomb(path: Path) -> Path:
    """A workbook of about 1 MiB whose one sheet inflates to 1 GiB of zeros (a real deflate stream:
    1,024 blocks of 1 MiB, each flushed whole so that it can be repeated)."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = squeeze.compress(bytes(1 << 20)) + squeeze.flush(zlib.Z_FULL_FLUSH)
    stream = block * 1024 + b"\x03\x00"  # the final, empty block
    crc = 0
    chunk = bytes(1 << 20)
    for _ in range(1024):
        crc = zlib.crc32(chunk, crc)
    name = b"xl/worksheets/sheet1.xml"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(stream), GIB, len(name), 0)
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50,
        20,
        20,
        0,
        8,
        0,
        0,
        crc,
        len(stream),
        GIB,
        len(name),
        0,
        0,
        0,
        0,
        0,
        0,
    )
    body = local + name + stream
    directory = central + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(directory), len(body), 0)
    path.write_bytes(body + directory + end)
    return path


def test_a_zip_bomb_is_refused_from_its_directory_at_once(data: Path, tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 2 << 20
    start = time.perf_counter()
    stderr = _refused(data, bomb)
    assert time.perf_counter() - start < 5
    assert (
        "bomb.xlsx: X701 the workbook's part 'xl/worksheets/sheet1.xml' inflates to 1,073,741,824 bytes; "
        "a form's parts are far smaller (at most 8,388,608 bytes each are read)"
    ) in stderr


def test_many_parts_adding_up_are_refused(data: Path, tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i in range(5):  # 5 × 7 MiB = 35 MiB, each part within its own limit
            archive.writestr(f"xl/media/image{i}.bin", bytes(7 << 20))
    stderr = _refused(data, path)
    assert (
        "parts.xlsx: X701 the workbook inflates to 36,700,160 bytes; a form is far smaller "
        "(at most 33,554,432 bytes are read)"
    ) in stderr


def test_a_value_in_row_200000_is_answered_at_once(data: Path, tmp_path: Path) -> None:
    form = _fill(_form(data, tmp_path / "f.xlsx"), {**TYPED, ("主要指标", "C200000"): "x"})
    start = time.perf_counter()
    stderr = _refused(data, form)
    took = time.perf_counter() - start
    assert "f.xlsx!主要指标!A200000: X705 row 200000 is not part of the form; delete it" in stderr
    assert took < 3, took


def test_a_value_far_to_the_right_is_placed_at_its_cell(data: Path, tmp_path: Path) -> None:
    form = _fill(_form(data, tmp_path / "f.xlsx"), {**TYPED, ("重点任务", "XFD4"): "备注"})
    start = time.perf_counter()
    stderr = _refused(data, form)
    assert time.perf_counter() - start < 3
    assert "f.xlsx!重点任务!XFD4: X704 '备注' is written outside the form's input cells" in stderr


def _resigned(path: Path, change: Any) -> Path:
    """The form with its record sheet's entries changed by `change` and the digest recomputed."""
    book = load_workbook(path)
    sheet = book[META_SHEET]
    records = [json.loads(row[0]) for row in sheet.iter_rows(max_col=1, values_only=True) if row[0]]
    entries = change(records[:-1])
    for row in range(1, sheet.max_row + 1):
        sheet.cell(row=row, column=1).value = None
    for i, record in enumerate([*entries, ["digest", digest(entries)]], start=1):
        sheet.cell(row=i, column=1).value = json.dumps(record, ensure_ascii=False)
    book.save(path)
    return path


def _first(records: list[list[str]], kind: str) -> int:
    return next(i for i, r in enumerate(records) if r[0] == kind)


def _drop_sheet(records: list[list[str]]) -> list[list[str]]:
    return [r for r in records if r[:2] != ["sheet", "tasks"]]


def _short_cell(records: list[list[str]]) -> list[list[str]]:
    i = _first(records, "cell")
    return [*records[:i], records[i][:3], *records[i + 1 :]]


def _bad_row(records: list[list[str]]) -> list[list[str]]:
    i = _first(records, "row")
    return [*records[:i], [records[i][0], records[i][1], "三", *records[i][3:]], *records[i + 1 :]]


def _unknown_sheet(records: list[list[str]]) -> list[list[str]]:
    i = _first(records, "cell")
    return [*records[:i], ["cell", "elsewhere", "A1", "locked", ""], *records[i:]]


def _bad_coord(records: list[list[str]]) -> list[list[str]]:
    i = _first(records, "cell")
    return [*records[:i], ["cell", "indicators", "7H", "input", ""], *records[i:]]


def test_a_resigned_record_sheet_with_a_wrong_entry_is_placed_at_its_row(data: Path, tmp_path: Path) -> None:
    made = _fill(_form(data, tmp_path / "made.xlsx"), TYPED)
    records = [
        json.loads(row[0])
        for row in load_workbook(made)[META_SHEET].iter_rows(max_col=1, values_only=True)
        if row[0]
    ]
    cell, row = _first(records, "cell") + 1, _first(records, "row") + 1  # rows of the record sheet
    last = len(records) - 2  # the last entry, once one is dropped (the digest follows it)
    cases = {
        "drop": (
            _drop_sheet,
            f"_yunhe!A{last}: X702 the form's record sheet is damaged (no sheet is named for tasks)",
        ),
        "short": (
            _short_cell,
            f"_yunhe!A{cell}: X702 the form's record sheet is damaged (entry 'cell' is malformed)",
        ),
        "row": (
            _bad_row,
            f"_yunhe!A{row}: X702 the form's record sheet is damaged (entry 'row' is malformed)",
        ),
        "sheet": (
            _unknown_sheet,
            f"_yunhe!A{cell}: X702 the form's record sheet is damaged "
            "(entry 'cell' has no sheet of the form)",
        ),
        "coord": (
            _bad_coord,
            f"_yunhe!A{cell}: X702 the form's record sheet is damaged (entry 'cell' is malformed)",
        ),
    }
    for name, (change, expected) in cases.items():
        form = made.with_name(f"{name}.xlsx")
        form.write_bytes(made.read_bytes())
        stderr = _refused(data, _resigned(form, change))
        assert f"{name}.xlsx!{expected}; make a new form with yunhe form" in stderr, stderr
        assert "Traceback" not in stderr


def test_notes_that_would_make_the_report_too_large_are_refused_before_writing(
    data: Path, tmp_path: Path
) -> None:
    # 11 notes of 32,000 characters (the 7 indicators, the 3 tasks under way, the submission):
    # 11 × 32,000 × 3 bytes = 1,056,000 bytes of UTF-8, over validate's 1 MiB (1,048,576) a file.
    notes = {("主要指标", f"K{r}"): "说" * 32000 for r in range(3, 10)}
    notes |= {("重点任务", f"I{r}"): "说" * 32000 for r in (5, 7, 8)}
    notes |= {("报送", "B6"): "说" * 32000}
    form = _fill(_form(data, tmp_path / "f.xlsx"), {**TYPED, **notes})
    before = _snapshot(data)
    result = _import(data, form)
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.stderr
    assert "f.xlsx: Y009 data/indicators/p01/2026-10.yaml:1:1: the file would be " in result.stderr.replace(
        str(data.parent) + "/", ""
    ), result.stderr
    assert "bytes; the limit is 1,048,576" in result.stderr
    assert _snapshot(data) == before
