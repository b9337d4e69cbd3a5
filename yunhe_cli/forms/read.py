"""`yunhe import`, its first step: a filled form (`yunhe form`) read back, cell by cell.

Reading a form checks the workbook against the record in its hidden sheet (the layout: sheets,
rows, merged cells, hidden rows; the locked cells; formulas) and keeps its input cells; a problem
is placed in the workbook's terms, `FORM.xlsx!主要指标!H7: X704 …` (`FormProblem`). The cells
become typed values in `forms.cells`; `forms.apply` applies the batch to the data through edits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yunhe_cli.core.problems import CODES, WARNING_CODES
from yunhe_cli.forms.guard import DAMAGED, cell_position, check_records, numbered_records, zip_problem
from yunhe_cli.forms.layout import (
    FORMAT_NAME,
    LAYOUT,
    META_SHEET,
    OPTIONAL_SHEET_KEYS,
    SHEET_KEYS,
    digest,
    iter_records,
    norm,
)
from yunhe_cli.outputs.labels import Lang

MAX_FORM_BYTES = 10 * 1024 * 1024
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: .xls, .et, or an encrypted .xlsx
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
CONVERT = (
    "open it in Excel or WPS and save it as an Excel workbook (.xlsx) (另存为 → Excel 工作簿), "
    "or run soffice --headless --convert-to xlsx FILE"
)


@dataclass(frozen=True)
class FormProblem:
    """A problem placed in a workbook: FORM.xlsx!sheet!cell, or the YAML place when no cell explains it."""

    form: Path
    code: str
    message: str
    sheet: str | None = None
    cell: str | None = None

    @property
    def severity(self) -> str:
        return "warning" if self.code in WARNING_CODES else "error"

    def text(self, lang: Lang = Lang.en) -> str:
        from yunhe_cli.outputs.messages import coded_message
        from yunhe_cli.outputs.problem_printer import safe_text, shown_path

        where = shown_path(self.form)
        if self.sheet:
            where += f"!{self.sheet}"
            if self.cell:
                where += f"!{self.cell}"
        assert self.code in CODES
        return f"{where}: {self.code} {safe_text(coded_message(self.code, self.message, lang))}"


class ImportRefused(Exception):
    def __init__(self, problems: list[FormProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


# --------------------------------------------------------------------------- reading a workbook


@dataclass
class Cell:
    sheet: str  # the sheet's key
    coord: str
    raw: Any  # the value as read (a formula's saved value)
    number_format: str = "General"
    is_date: bool = False


@dataclass
class FormRows:
    what: str
    ident: str
    extra: str
    row: int


@dataclass
class ReadForm:
    path: Path
    project: str
    period: str
    version: str
    sheet_names: dict[str, str]
    rows: dict[str, list[FormRows]]
    inputs: dict[tuple[str, str], Cell]  # (sheet key, coord) -> the input cell
    made: dict[tuple[str, str], str]  # (sheet key, coord) -> the input as the form was made
    indicator_ids: list[str]
    task_ids: list[str]
    locked: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet key, coord) -> as made

    def at(self, key: str, coord: str, code: str, message: str) -> FormProblem:
        return FormProblem(self.path, code, message, self.sheet_names.get(key, key), coord)

    def whole(self, code: str, message: str) -> FormProblem:
        return FormProblem(self.path, code, message)


def read_form(path: Path) -> tuple[ReadForm | None, list[FormProblem]]:
    """The workbook's record and input cells, or the problems that stop it from being read."""
    refused = _unreadable(path)
    if refused:
        return None, [FormProblem(path, "X701", refused)]
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=False)
    except Exception as exc:  # a damaged zip, a missing part, bad XML: openpyxl raises many kinds
        reason = f"{type(exc).__name__}: {exc}"[:160]
        return None, [
            FormProblem(path, "X701", f"cannot read the workbook ({reason}); is it a damaged file?")
        ]
    if META_SHEET not in book.sheetnames:
        return None, [
            FormProblem(
                path,
                "X702",
                "this workbook is not a yunhe form (it has no record sheet); make one with yunhe form",
            )
        ]
    numbered = numbered_records(book[META_SHEET].iter_rows(max_col=1, values_only=True))
    records = iter_records((value,) for _row, value in numbered) or []
    problem = _record_problem(records)
    if problem:
        return None, [FormProblem(path, "X702", problem)]
    checked, at, reason = check_records(
        [(row, r) for (row, _), r in zip(numbered, records[:-1], strict=False)]
    )
    if checked is None:
        return None, [FormProblem(path, "X702", DAMAGED.format(reason), META_SHEET, f"A{at}")]
    keys, names = checked.keys, checked.names
    form = ReadForm(path, keys["project"], keys["period"], keys["plan_version"], names, {}, {}, {}, [], [])
    problems: list[FormProblem] = []
    sheet_keys = SHEET_KEYS + tuple(k for k in OPTIONAL_SHEET_KEYS if k in names)
    expected_sheets = [names[k] for k in sheet_keys] + [META_SHEET]
    for name in book.sheetnames:
        if name not in expected_sheets:
            problems.append(
                form.whole(
                    "X705", f"the workbook has an extra sheet {name!r}; a form holds only its own sheets"
                )
            )
    for key in sheet_keys:
        if names[key] not in book.sheetnames:
            problems.append(form.whole("X705", f"the sheet {names[key]!r} is missing"))
    if problems:
        return None, problems
    cells = checked.cells
    for key, number, what, ident, extra in checked.rows:
        form.rows.setdefault(key, []).append(FormRows(what, ident, extra, number))
    merges = checked.merges
    hidden = checked.hidden
    formulas: list[tuple[str, str]] = []
    for key in sheet_keys:
        sheet = book[names[key]]
        written = _written(sheet)
        layout = _layout_problems(form, key, sheet, cells[key], merges, written, hidden)
        problems.extend(layout)
        if layout:
            continue
        # The form's own cells and every cell holding something, in the order of the rows: only
        # the cells stored, so that a value far below or to the right costs nothing more.
        wanted = {cell_position(coord) for coord in cells[key]} | set(written)
        for row_number, column in sorted(wanted):
            c = sheet.cell(row=row_number, column=column)
            coord = c.coordinate
            role, made = cells[key].get(coord, ("", ""))
            value = c.value
            if role == "input":
                form.inputs[(key, coord)] = Cell(
                    key, coord, value, c.number_format or "General", bool(getattr(c, "is_date", False))
                )
                form.made[(key, coord)] = made
                if _is_formula(value):
                    formulas.append((key, coord))
                continue
            shown = norm(value)
            if role == "locked":
                form.locked[(key, coord)] = made
            if role == "locked" and shown != made:
                problems.append(
                    form.at(
                        key,
                        coord,
                        "X704",
                        f"this locked cell was changed from {made!r} to {shown!r}; only the yellow cells "
                        "take input (make a new form with yunhe form if the plan's data changed)",
                    )
                )
            elif role == "" and shown.strip():
                problems.append(
                    form.at(key, coord, "X704", f"{shown!r} is written outside the form's input cells")
                )
    if formulas and not problems:
        problems.extend(_saved_values(form, formulas))
    form.indicator_ids = [r.ident for r in form.rows.get("indicators", []) if r.what == "indicator"]
    form.task_ids = [r.ident for r in form.rows.get("tasks", []) if r.what == "task"]
    return (None if problems else form), problems


def _written(sheet: Any) -> dict[tuple[int, int], Any]:
    """(row, column) -> value of every cell of the sheet that holds something, from the cells the
    workbook stores (openpyxl keeps them by position): linear in what the file holds, however far
    down or right a value is."""
    stored = getattr(sheet, "_cells", {})
    return {at: c.value for at, c in stored.items() if norm(c.value).strip()}


def _unreadable(path: Path) -> str | None:
    if not path.is_file():
        return "there is no such file"
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if size > MAX_FORM_BYTES:
        return f"the file is {size // 1024 // 1024} MiB; a form is far smaller (at most 10 MiB is read)"
    with path.open("rb") as handle:
        head = handle.read(8)
        rest = handle.read(1 << 20) if head == CFB_MAGIC else b""
    if head == CFB_MAGIC and ENCRYPTED in rest:
        return (
            "the workbook is protected with a password (加密); remove the password in Excel or WPS "
            "(文件 → 信息 → 保护工作簿 → 用密码进行加密, clear it), save, and import it again"
        )
    if suffix in (".xls", ".et", ".ett", ".ods") or head == CFB_MAGIC:
        kind = {
            ".et": "a WPS 表格 (.et) file",
            ".ett": "a WPS template",
            ".ods": "an OpenDocument sheet",
        }.get(suffix, "an Excel 97–2003 (.xls) workbook")
        return f"this is {kind}, which yunhe does not read; {CONVERT}"
    if not head.startswith(b"PK"):
        return "this is not an Excel workbook (.xlsx); a form made by yunhe form is one"
    return zip_problem(path)


def _record_problem(records: list[list[str]]) -> str | None:
    if not records or records[-1][0] != "digest":
        return "the form's record sheet is damaged; make a new form with yunhe form"
    if digest(records[:-1]) != (records[-1][1] if len(records[-1]) > 1 else ""):
        return "the form's record sheet was changed; make a new form with yunhe form"
    keys = {r[1]: (r[2] if len(r) > 2 else "") for r in records if r[0] == "key"}
    if keys.get("format") != FORMAT_NAME:
        return "this workbook is not a yunhe form"
    if keys.get("layout") != LAYOUT:
        return (
            f"the form has layout {keys.get('layout')!r}; this yunhe reads layout {LAYOUT}: make a new form"
        )
    if not all(keys.get(k) for k in ("project", "period", "plan_version")):
        return "the form's record sheet is damaged; make a new form with yunhe form"
    return None


def _row_key(sheet: Any, key: str, row: int) -> str:
    if key == "submission":
        return norm(sheet.cell(row=row, column=1).value)
    return norm(sheet.cell(row=row, column=1).value) + "\x1f" + norm(sheet.cell(row=row, column=2).value)


def _layout_problems(
    form: ReadForm,
    key: str,
    sheet: Any,
    cells: dict[str, tuple[str, str]],
    merges: set[tuple[str, str]],
    written: dict[tuple[int, int], Any],
    hidden: set[tuple[str, str]],
) -> list[FormProblem]:
    """Rows inserted, deleted or hidden, cells merged: the workbook no longer has the form's shape."""
    out: list[FormProblem] = []
    for rng in sheet.merged_cells.ranges:
        if (key, str(rng)) not in merges:
            out.append(
                form.at(
                    key,
                    str(rng).split(":")[0],
                    "X705",
                    f"the cells {rng} are merged; unmerge them (取消合并)",
                )
            )
    for index, dim in sheet.row_dimensions.items():
        if dim.hidden:
            out.append(
                form.at(key, f"A{index}", "X705", f"row {index} is hidden; show it (取消隐藏) and check it")
            )
    for letter, dim in sheet.column_dimensions.items():
        if dim.hidden and (key, letter) not in hidden:
            out.append(
                form.at(
                    key, f"{letter}1", "X705", f"column {letter} is hidden; show it (取消隐藏) and check it"
                )
            )
    # Each row's identity (its locked first two cells) as made, against what is there now.
    firsts: dict[int, dict[str, str]] = {}
    for coord, (role, value) in cells.items():
        match = re.match(r"^([A-Z]+)(\d+)$", coord)
        if match and role == "locked" and match.group(1) in ("A", "B"):
            firsts.setdefault(int(match.group(2)), {})[match.group(1)] = value
    expected = {
        r: (v.get("A", "") if key == "submission" else v.get("A", "") + "\x1f" + v.get("B", ""))
        for r, v in firsts.items()
    }
    rows = sorted(expected)
    last = max(rows, default=1)
    actual = {r: _row_key(sheet, key, r) for r in range(1, last + 2)}
    for r in rows:
        if actual.get(r, "") == expected[r]:
            continue
        label = expected[r].replace("\x1f", " ").strip()
        if r + 1 in expected and actual.get(r) == expected[r + 1]:
            out.append(form.at(key, f"A{r}", "X705", f"the row of {label!r} was deleted (or rows moved up)"))
        elif r - 1 in expected and actual.get(r + 1) == expected[r]:
            out.append(form.at(key, f"A{r}", "X705", f"a row was inserted above {label!r}; delete it"))
        else:
            continue  # a changed locked cell, reported cell by cell
        break
    below = min((r for r, _column in written if r > last), default=None)
    if below is not None:
        out.append(form.at(key, f"A{below}", "X705", f"row {below} is not part of the form; delete it"))
    return out


def _is_formula(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith("=")
    return type(value).__name__ in ("ArrayFormula", "DataTableFormula")


def _saved_values(form: ReadForm, formulas: list[tuple[str, str]]) -> list[FormProblem]:
    """A formula in an input cell counts by the value saved with it; one without is refused."""
    from openpyxl import load_workbook

    book = load_workbook(form.path, data_only=True)
    out = []
    for key, coord in formulas:
        value = book[form.sheet_names[key]][coord].value
        if value is None:
            out.append(
                form.at(
                    key,
                    coord,
                    "X706",
                    "this cell holds a formula without a saved value; open the form in Excel or WPS and "
                    "save it (the value is then saved with it), or type the figure",
                )
            )
        else:
            form.inputs[(key, coord)].raw = value
    return out
