"""`yunhe import`: filled forms (`yunhe form`) back into the YAML record.

Reading a form checks the workbook against the record in its hidden sheet (the layout: sheets,
rows, merged cells, hidden rows; the locked cells; formulas) and turns each input cell into a
typed value, refusing text where a number belongs ("63%", "６３", "1,234", "约50") with the
fix. Importing applies every form of the batch to its month's report (the existing file or the
draft `yunhe report new` writes) and its problem list through ruamel's round trip, validates all
the new texts together with the whole repository, and only then writes them all. A problem is
placed in the workbook's terms, `FORM.xlsx!主要指标!H7: S104 …`, with `validate`'s codes; a
problem of the YAML that no cell explains is placed at the YAML.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from yunhe_cli.core import model as m
from yunhe_cli.core.problems import CODES, WARNING_CODES, Loc, Problem
from yunhe_cli.core.repository import Repository
from yunhe_cli.forms.build import (
    FIRST_ROW,
    FORMAT_NAME,
    LAYOUT,
    META_SHEET,
    SHEET_KEYS,
    SUBMISSION_FIRST_ROW,
    SUBMISSION_ROWS,
    column_letter,
    digest,
    iter_records,
    month_report,
    norm,
    plan_version,
)
from yunhe_cli.outputs.labels import LABELS
from yunhe_cli.store.write import decode_text, dump, encode_text, repo_lock

MAX_FORM_BYTES = 10 * 1024 * 1024
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: .xls, .et, or an encrypted .xlsx
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
CONVERT = (
    "open it in Excel or WPS and save it as an Excel workbook (.xlsx) (另存为 → Excel 工作簿), "
    "or run soffice --headless --convert-to xlsx FILE"
)
STATUS_WORDS = {
    **{LABELS[f"task.{s}"][0]: s for s in ("not_started", "in_progress", "done", "blocked")},
    **{LABELS[f"task.{s}"][1]: s for s in ("not_started", "in_progress", "done", "blocked")},
    **{s: s for s in ("not_started", "in_progress", "done", "blocked")},
}
YES = {"是", "yes", "y", "true", "已完成", "完成"}
NO = {"否", "no", "n", "false", "未完成"}
PLAIN_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")  # ASCII only: ６３ is refused
DATE_TEXT = re.compile(r"^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?$")
QUALIFIERS = ("约", "大约", "左右", "近", "超", "余", "多", "以上", "以下", "about", "approx", "~", "≈")
NAME_PERIOD = re.compile(r"(?<!\d)(20\d\d)[-_.年]?(0[1-9]|1[0-2])(?!\d)")
NAME_PROJECT = re.compile(r"(?<![a-z0-9])p(\d{1,2})(?![0-9])", re.IGNORECASE)


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

    def text(self) -> str:
        from yunhe_cli.outputs.problem_printer import safe_text, shown_path

        where = shown_path(self.form)
        if self.sheet:
            where += f"!{self.sheet}"
            if self.cell:
                where += f"!{self.cell}"
        assert self.code in CODES
        return f"{where}: {self.code} {safe_text(self.message)}"


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
    records = iter_records(book[META_SHEET].iter_rows(max_col=1, values_only=True)) or []
    problem = _record_problem(records)
    if problem:
        return None, [FormProblem(path, "X702", problem)]
    keys = {r[1]: (r[2] if len(r) > 2 else "") for r in records if r[0] == "key"}
    names = {r[1]: r[2] for r in records if r[0] == "sheet"}
    form = ReadForm(path, keys["project"], keys["period"], keys["plan_version"], names, {}, {}, {}, [], [])
    problems: list[FormProblem] = []
    expected_sheets = [names[k] for k in SHEET_KEYS] + [META_SHEET]
    for name in book.sheetnames:
        if name not in expected_sheets:
            problems.append(
                form.whole(
                    "X705", f"the workbook has an extra sheet {name!r}; a form holds only its own sheets"
                )
            )
    for key in SHEET_KEYS:
        if names[key] not in book.sheetnames:
            problems.append(form.whole("X705", f"the sheet {names[key]!r} is missing"))
    if problems:
        return None, problems
    cells: dict[str, dict[str, tuple[str, str]]] = {k: {} for k in SHEET_KEYS}
    for r in records:
        if r[0] == "cell":
            cells[r[1]][r[2]] = (r[3], r[4] if len(r) > 4 else "")
        elif r[0] == "row":
            form.rows.setdefault(r[1], []).append(FormRows(r[3], r[4], r[5] if len(r) > 5 else "", int(r[2])))
    merges = {(r[1], r[2]) for r in records if r[0] == "merge"}
    formulas: list[tuple[str, str]] = []
    for key in SHEET_KEYS:
        sheet = book[names[key]]
        layout = _layout_problems(form, key, sheet, cells[key], merges)
        problems.extend(layout)
        if layout:
            continue
        for row in sheet.iter_rows():
            for c in row:
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
    return None


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
    form: ReadForm, key: str, sheet: Any, cells: dict[str, tuple[str, str]], merges: set[tuple[str, str]]
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
        if dim.hidden:
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
    actual = {r: _row_key(sheet, key, r) for r in range(1, max(last, sheet.max_row) + 1)}
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
    for r in range(last + 1, sheet.max_row + 1):
        if any(norm(c.value).strip() for c in sheet[r]):
            out.append(form.at(key, f"A{r}", "X705", f"row {r} is not part of the form; delete it"))
            break
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


# --------------------------------------------------------------------------- cells to values


class Bad(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _text_of(raw: Any) -> str:
    return raw.strip() if isinstance(raw, str) else norm(raw)


def to_number(cell: Cell, unit: str | None) -> Decimal | None:
    raw = cell.raw
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise Bad("S103", f"{norm(raw)} is not a number")
    if isinstance(raw, dt.date | dt.datetime) or cell.is_date:
        raise Bad("S103", f"{norm(raw)!r} is a date, not a number")
    if isinstance(raw, int | float):
        number = Decimal(format(float(raw), ".15g"))
        if "%" in cell.number_format:
            shown = norm(number * 100)
            raise Bad(
                "S104",
                f"'{shown}%' was typed as a percentage (the cell holds {norm(number)}); write {shown} "
                f"without %{_unit_hint(unit)}",
            )
        return number
    text = str(raw).strip()
    if PLAIN_NUMBER.match(text):
        return Decimal(text)
    raise Bad("S104", f"'{text}' is not a number; {_number_hint(text, unit)}")


def _unit_hint(unit: str | None) -> str:
    return f": the Unit column says {unit}" if unit else ""


def _number_hint(text: str, unit: str | None) -> str:
    ascii_text = text.translate(
        {0xFF0E: ".", 0xFF0C: ",", 0xFF05: "%", **{0xFF10 + i: str(i) for i in range(10)}}
    )
    digits = re.sub(r"[^0-9.+-]", "", ascii_text)
    if ascii_text != text:
        return f"it has full-width characters; write {digits} with ASCII digits"
    if any(q in text.lower() for q in QUALIFIERS):
        return f"write the figure alone ({digits}); put words such as 约 or 左右 in the note (说明)"
    if "," in text:
        return f"write {digits} without the thousands separator"
    if text.endswith("%"):
        return f"write {digits} without %{_unit_hint(unit)}"
    return f"write the figure alone, without units{_unit_hint(unit)}"


def to_date(cell: Cell) -> dt.date | None:
    raw = cell.raw
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = _text_of(raw)
    match = DATE_TEXT.match(text)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise Bad("S103", f"{text!r} is not a date; write YYYY-MM-DD (2026-05-03)")


def to_bool(cell: Cell) -> bool | None:
    raw = cell.raw
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        return raw
    text = _text_of(raw).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise Bad("S105", f"{_text_of(raw)!r} is not allowed; choose 是 or 否 (yes or no)")


def to_status(cell: Cell) -> str | None:
    raw = cell.raw
    text = _text_of(raw) if raw is not None else ""
    if not text:
        return None
    status = STATUS_WORDS.get(text) or STATUS_WORDS.get(text.lower())
    if status is None:
        raise Bad("S105", f"{text!r} is not allowed; choose 未开始, 推进中, 已完成 or 受阻")
    return status


def to_percent(cell: Cell) -> int | None:
    raw = cell.raw
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    number = to_number(cell, "%")
    assert number is not None
    if number != number.to_integral_value() or not 0 <= number <= 100:
        raise Bad("S107", f"{norm(number)} is not a whole percent from 0 to 100")
    return int(number)


def to_text(cell: Cell) -> str | None:
    raw = cell.raw
    if raw is None:
        return None
    text = _text_of(raw)
    return text or None


# --------------------------------------------------------------------------- applying a form


@dataclass
class Planned:
    """What the batch will write: new texts by file, and where each YAML place is on a form."""

    texts: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # rel -> round-trip document being changed
    places: dict[str, dict[Loc, tuple[ReadForm, str, str]]] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    encoding: dict[str, tuple[bool, bool]] = field(default_factory=dict)  # rel -> (BOM, CRLF) to keep
    problems: list[FormProblem] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    written: list[Path]
    actions: list[str]
    warnings: list[FormProblem]


VALUE_ORDER = list(m.ReportedValue.model_fields)
TASK_ORDER = list(m.TaskUpdate.model_fields)
REPORT_ORDER = list(m.MonthlyReport.model_fields)
PROBLEM_ORDER = list(m.PlanProblem.model_fields)


def _put(entry: Any, key: str, value: Any, order: list[str]) -> None:
    """Set a key (None: remove a value that was there), inserting a new key at its canonical place."""
    if value is None:
        if key in entry and entry[key] is not None:
            del entry[key]
        return
    if key in entry:
        if not _same(entry[key], value):
            entry[key] = value
        return
    rank = order.index(key)
    position = sum(1 for k in entry if k in order and order.index(k) < rank)
    entry.insert(position, key, value)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else norm(a) == norm(b)


def _yaml_number(value: Decimal | None) -> int | float | None:
    """A figure as ruamel writes it: 56, 20.41 (a decimal of up to 15 digits survives float's repr)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def import_forms(
    root: Path,
    paths: list[Path],
    as_of: dt.date,
    revise: bool = False,
    reason: str | None = None,
    by: str | None = None,
) -> ImportResult:
    """Read every form, check the whole batch, then write it all; raise ImportRefused (nothing written)."""
    from yunhe_cli.edits.session import checked_repo

    forms: list[ReadForm] = []
    problems: list[FormProblem] = []
    for path in paths:
        form, found = read_form(path)
        problems.extend(found)
        if form is not None:
            forms.append(form)
    with repo_lock(root):
        repo = checked_repo(
            root, as_of
        ).repo  # problems elsewhere do not block; the batch's files must be clean
        plan = Planned()
        seen: dict[tuple[str, str], Path] = {}
        for form in forms:
            key = (form.project, form.period)
            if key in seen:
                problems.append(
                    form.at(
                        "submission",
                        "B3",
                        "R202",
                        f"{key[0]} {key[1]} is also in {seen[key].name} in this batch",
                    )
                )
                continue
            seen[key] = form.path
            problems.extend(_apply_form(root, repo, form, plan, as_of, revise, reason, by))
        if problems:
            raise ImportRefused(problems)
        for rel, data in plan.data.items():
            if rel not in plan.texts:
                plan.texts[rel] = encode_text(dump(data), *plan.encoding.get(rel, (False, False)))
        changed = {rel: text for rel, text in plan.texts.items() if _current(root, rel) != text}
        warnings = _checked(root, changed, plan, as_of)
        written = write_batch(root, changed)
    return ImportResult(written, plan.actions, warnings)


def _current(root: Path, rel: str) -> str | None:
    path = root / rel
    return path.read_bytes().decode("utf-8") if path.exists() else None


def _checked(root: Path, texts: dict[str, str], plan: Planned, today: dt.date) -> list[FormProblem]:
    """Validate every new text with the whole repository; errors refuse the batch, warnings are returned."""
    from yunhe_cli.checks.validation import validate
    from yunhe_cli.outputs.problem_printer import shown_path

    _, found = validate(root, overrides=texts, today=today)
    by_path = {root / rel: rel for rel in texts}
    errors: list[FormProblem] = []
    warnings: list[FormProblem] = []
    for p in found:
        rel = by_path.get(p.path)
        if rel is None:
            continue  # a problem of a file the batch does not touch was there before; it blocks no one
        placed = _place(p, plan.places.get(rel, {}))
        if placed is None:  # no cell explains it: placed at the YAML, on the form that wrote the file
            form = next(iter(plan.places.get(rel, {}).values()), None)
            where = f"{shown_path(p.path)}:{p.line}:{p.col}"
            placed = FormProblem(form[0].path if form else p.path, p.code, f"{where}: {p.message}")
        (warnings if p.severity == "warning" else errors).append(placed)
    if errors:
        raise ImportRefused(errors)
    return warnings


def _place(p: Problem, places: dict[Loc, tuple[ReadForm, str, str]]) -> FormProblem | None:
    loc = p.loc
    while True:
        if loc in places:
            form, key, coord = places[loc]
            return form.at(key, coord, p.code, p.message)
        if not loc:
            return None
        loc = loc[:-1]


def write_batch(root: Path, texts: dict[str, str]) -> list[Path]:
    """Write every file or none: each new text goes to a temporary file first (flushed and fsynced);
    only then are they renamed over the old files, and a failure part-way puts back those renamed."""
    from yunhe_cli.store.write import cannot_write

    try:
        return _write_batch(root, texts)
    except OSError as exc:
        raise cannot_write(Path(exc.filename) if exc.filename else root, exc) from exc


def _write_batch(root: Path, texts: dict[str, str]) -> list[Path]:
    staged: list[tuple[Path, str]] = []
    try:
        for rel, text in sorted(texts.items()):
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o644)
            staged.append((path, tmp))
        done: list[tuple[Path, bytes | None]] = []
        try:
            for path, tmp in staged:
                before = path.read_bytes() if path.exists() else None
                os.replace(tmp, path)
                done.append((path, before))
        except BaseException:
            for path, before in reversed(done):
                if before is None:
                    path.unlink(missing_ok=True)
                else:
                    path.write_bytes(before)
            raise
    finally:
        for _, tmp in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    return [path for path, _ in staged]


def _names_in(path: Path) -> tuple[str | None, str | None]:
    """The project and month a file name says, if it says any (p01-2026-04.xlsx, p01_202604_月报.xlsx)."""
    stem = path.stem
    project = NAME_PROJECT.search(stem)
    period = NAME_PERIOD.search(stem)
    return (
        f"p{int(project.group(1)):02d}" if project else None,
        f"{period.group(1)}-{period.group(2)}" if period else None,
    )


def _apply_form(
    root: Path,
    repo: Repository,
    form: ReadForm,
    plan: Planned,
    as_of: dt.date,
    revise: bool,
    reason: str | None,
    by: str | None,
) -> list[FormProblem]:
    out: list[FormProblem] = []
    found = repo.project(form.project)
    if found is None or found.model.id != form.project:
        return [form.at("submission", "B2", "R205", f"there is no project {form.project!r} in {root}")]
    project = found.model
    name_project, name_period = _names_in(form.path)
    if (name_project and name_project != project.id) or (name_period and name_period != form.period):
        said = " ".join(x for x in (name_project, name_period) if x)
        out.append(
            form.at(
                "submission",
                "B2",
                "R201",
                f"the file name says {said}, but this form is for {project.id} {form.period}; "
                "rename the file or import the right form",
            )
        )
    version = plan_version(project)
    if version != form.version:
        now_ind = [i.id for i in project.indicators]
        now_task = [k.id for k in project.tasks]
        changes = [f"indicator {i!r} added" for i in now_ind if i not in form.indicator_ids]
        changes += [f"indicator {i!r} removed" for i in form.indicator_ids if i not in now_ind]
        changes += [f"task {k!r} added" for k in now_task if k not in form.task_ids]
        changes += [f"task {k!r} removed" for k in form.task_ids if k not in now_task]
        what = "; ".join(changes) or "indicators or tasks changed (kind, unit, basis or milestones)"
        return [
            *out,
            form.at(
                "submission",
                "B2",
                "X703",
                f"the form was made from an older version of {project.id}'s plan data ({form.version}, now "
                f"{version}: {what}); make a new form with yunhe form {project.id} --period {form.period} "
                "and copy the figures into it",
            ),
        ]
    if not re.fullmatch(m.PERIOD_PATTERN.strip("^$"), form.period):
        return [*out, form.at("submission", "B3", "S107", f"{form.period!r} is not a month written YYYY-MM")]
    parsed = _parse(form, project)
    out.extend(parsed.problems)
    if out:
        return out
    submitted_on, coord = parsed.submission.get("submitted_on", (None, "B5"))
    if submitted_on is not None and submitted_on > as_of:
        out.append(
            form.at("submission", coord, "W503", f"{submitted_on} is in the future (today is {as_of})")
        )
        return out
    if parsed.empty:
        return [
            form.at(
                "indicators",
                f"{column_letter('indicators', 'value')}{FIRST_ROW}",
                "X707",
                "the form is empty: nothing was filled in",
            )
        ]
    existing, rel_existing = month_report(repo, project, form.period, as_of)
    rel = rel_existing or f"indicators/{project.id}/{form.period}.yaml"
    from yunhe_cli.edits.drafts import new_report_text
    from yunhe_cli.edits.roundtrip import load_round_trip as _load_rt

    raw = (
        (root / rel).read_bytes()
        if rel_existing
        else new_report_text(repo, project, form.period, as_of).encode()
    )
    plain, bom, crlf = decode_text(raw)
    text = raw.decode("utf-8")
    data = _load_rt(plain)
    _apply_report(data, parsed, project)
    new_text = dump(data)
    if rel_existing and existing.submitted_on is not None and new_text != plain:
        if not revise:
            return [
                form.at(
                    "submission",
                    "B5",
                    "X708",
                    f"{project.id} {form.period} was submitted on {existing.submitted_on}; a form changes a "
                    "submitted month only with --revise --reason TEXT (recorded under revisions:)",
                )
            ]
        new_model = _model_of(new_text, root / rel)
        if new_model is not None:
            _record_revisions(
                data, existing, new_model, as_of, by or new_model.submitted_by or project.lead_unit, reason
            )
            new_text = dump(data)
    new_text = encode_text(new_text, bom, crlf)
    plan.texts[rel] = new_text
    plan.places[rel] = _report_places(data, form, parsed)
    if not rel_existing:
        plan.actions.append(f"wrote {rel} ({project.id} {form.period}, from {form.path.name})")
    elif new_text == text:
        plan.actions.append(f"unchanged {rel} ({project.id} {form.period}, from {form.path.name})")
    else:
        plan.actions.append(f"updated {rel} ({project.id} {form.period}, from {form.path.name})")
    if parsed.closings:
        lists = [lst for lst in repo.problem_lists if lst.model.project == project.id]
        out.extend(_apply_closings(root, lists[0] if lists else None, form, parsed, plan, as_of))
    return out


def _model_of(text: str, path: Path) -> m.MonthlyReport | None:
    from pydantic import ValidationError

    from yunhe_cli.store.yamlio import parse_text

    parsed = parse_text(text, path)
    if parsed.problems:
        return None
    try:
        return m.MonthlyReport.model_validate(parsed.data)
    except ValidationError:
        return None


# --------------------------------------------------------------------------- the form's content


@dataclass
class IndicatorInput:
    ident: str
    row: int
    value: Decimal | None = None
    level: Decimal | None = None
    achieved: bool | None = None
    achieved_on: dt.date | None = None
    note: str | None = None


@dataclass
class TaskInput:
    ident: str
    row: int
    status: str | None = None
    percent: int | None = None
    done_on: dt.date | None = None
    note: str | None = None
    reached: list[tuple[str, dt.date, int]] = field(default_factory=list)  # milestone, date, row


@dataclass
class Closing:
    ident: str
    row: int
    closed_on: dt.date | None
    resolution: str | None
    evidence: list[str]


@dataclass
class ParsedForm:
    submission: dict[str, Any] = field(default_factory=dict)
    indicators: list[IndicatorInput] = field(default_factory=list)
    tasks: list[TaskInput] = field(default_factory=list)
    closings: list[Closing] = field(default_factory=list)
    problems: list[FormProblem] = field(default_factory=list)
    empty: bool = False


def _parse(form: ReadForm, project: m.Project) -> ParsedForm:
    out = ParsedForm()
    by_id = {i.id: i for i in project.indicators}

    def read(key: str, coord: str, convert: Any, *args: Any) -> Any:
        cell = form.inputs.get((key, coord))
        if cell is None:
            return None
        try:
            return convert(cell, *args)
        except Bad as bad:
            out.problems.append(form.at(key, coord, bad.code, str(bad)))
            return None

    for offset, (name, is_input) in enumerate(SUBMISSION_ROWS):
        if is_input:
            coord = f"B{SUBMISSION_FIRST_ROW + offset}"
            convert = to_date if name == "submitted_on" else to_text
            out.submission[name] = (read("submission", coord, convert), coord)

    def col(key: str, name: str, row: int) -> str:
        return f"{column_letter(key, name)}{row}"

    for r in form.rows.get("indicators", []):
        ind = by_id[r.ident]
        item = IndicatorInput(r.ident, r.row)
        if ind.kind == "milestone":
            item.achieved = read("indicators", col("indicators", "value", r.row), to_bool)
            item.achieved_on = read("indicators", col("indicators", "achieved_on", r.row), to_date)
        else:
            item.value = read("indicators", col("indicators", "value", r.row), to_number, ind.unit)
            item.level = read("indicators", col("indicators", "level", r.row), to_number, ind.level_unit)
        item.note = read("indicators", col("indicators", "note", r.row), to_text)
        out.indicators.append(item)
    current: TaskInput | None = None
    for r in form.rows.get("tasks", []):
        if r.what == "task":
            current = TaskInput(r.ident, r.row)
            current.status = read("tasks", col("tasks", "status", r.row), to_status)
            current.percent = read("tasks", col("tasks", "percent", r.row), to_percent)
            current.done_on = read("tasks", col("tasks", "done_on", r.row), to_date)
            current.note = read("tasks", col("tasks", "note", r.row), to_text)
            out.tasks.append(current)
        elif current is not None:
            day = read("tasks", col("tasks", "done_on", r.row), to_date)
            if day is not None:
                current.reached.append((r.extra, day, r.row))
    for task in out.tasks:
        filled = task.percent is not None or task.done_on is not None or task.note or task.reached
        if task.status is None and filled:
            out.problems.append(
                form.at(
                    "tasks",
                    col("tasks", "status", task.row),
                    "S101",
                    f"{task.ident}: choose the status (状态)",
                )
            )
    for r in form.rows.get("problems", []):
        closed_on = read("problems", col("problems", "closed_on", r.row), to_date)
        resolution = read("problems", col("problems", "resolution", r.row), to_text)
        evidence_text = read("problems", col("problems", "evidence", r.row), to_text) or ""
        evidence = [e.strip() for e in re.split(r"[\n；;]", evidence_text) if e.strip()]
        if closed_on is None and resolution is None and not evidence:
            continue
        if closed_on is None or resolution is None:
            missing = "closed_on" if closed_on is None else "resolution"
            out.problems.append(
                form.at(
                    "problems",
                    col("problems", missing, r.row),
                    "S101",
                    f"{r.ident}: crossing off (销号) needs the date and the resolution (销号日期, 解决情况)",
                )
            )
            continue
        out.closings.append(Closing(r.ident, r.row, closed_on, resolution, evidence))
    blank = all(not norm(c.raw).strip() for c in form.inputs.values())
    typed = any(norm(c.raw).strip() != form.made.get(k, "") for k, c in form.inputs.items())
    figures = any(
        i.value is not None or i.level is not None or i.achieved is not None for i in out.indicators
    )
    out.empty = blank or (not typed and not figures)
    return out


def _apply_report(data: Any, parsed: ParsedForm, project: m.Project) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from yunhe_cli.edits.roundtrip import block_style as _block

    for name, (value, _coord) in parsed.submission.items():
        _put(data, name, value, REPORT_ORDER)
    if data.get("values") is None:
        data["values"] = CommentedSeq()
    values = data["values"]
    order = [i.id for i in project.indicators]
    for item in parsed.indicators:
        entry = _entry(values, "indicator", item.ident, order, CommentedMap)
        for key in ("value", "level", "achieved", "achieved_on", "note"):
            new = getattr(item, key)
            _put(entry, key, _yaml_number(new) if isinstance(new, Decimal) else new, VALUE_ORDER)
        if any(entry.get(k) is not None for k in ("value", "level", "achieved")):
            for key in ("value", "level", "achieved"):  # the draft's empty placeholder gives way
                if key in entry and entry[key] is None:
                    del entry[key]
    _block(values)
    if data.get("tasks") is None:
        data["tasks"] = CommentedSeq()
    tasks = data["tasks"]
    order = [k.id for k in project.tasks]
    for task in parsed.tasks:
        if task.status is None:
            for i, entry in enumerate(tasks):
                if entry.get("task") == task.ident:
                    del tasks[i]
                    break
            continue
        entry = _entry(tasks, "task", task.ident, order, CommentedMap)
        _put(entry, "status", task.status, TASK_ORDER)
        _put(entry, "percent", task.percent, TASK_ORDER)
        _put(entry, "done_on", task.done_on, TASK_ORDER)
        reached = [{"milestone": title, "reached_on": day} for title, day, _ in task.reached]
        was = [(r.get("milestone"), r.get("reached_on")) for r in entry.get("milestones") or []]
        if [(r["milestone"], r["reached_on"]) for r in reached] != was:
            if reached:
                seq = CommentedSeq([CommentedMap(r) for r in reached])
                _put(entry, "milestones", seq, TASK_ORDER)
                entry["milestones"] = seq
            elif "milestones" in entry:
                del entry["milestones"]
        _put(entry, "note", task.note, TASK_ORDER)
    if tasks:
        _block(tasks)


def _entry(seq: Any, key: str, ident: str, order: list[str], make: Any) -> Any:
    for entry in seq:
        if entry.get(key) == ident:
            return entry
    rank = order.index(ident)
    position = sum(1 for e in seq if e.get(key) in order and order.index(e.get(key)) < rank)
    entry = make({key: ident})
    seq.insert(position, entry)
    return entry


def _report_places(data: Any, form: ReadForm, parsed: ParsedForm) -> dict[Loc, tuple[ReadForm, str, str]]:
    """Where each place of the report is on the form (for a problem that validate finds there)."""
    places: dict[Loc, tuple[ReadForm, str, str]] = {}
    for name, (_value, coord) in parsed.submission.items():
        places[(name,)] = (form, "submission", coord)
    places[("project",)] = (form, "submission", "B2")
    places[("period",)] = (form, "submission", "B3")
    rows = {i.ident: i.row for i in parsed.indicators}
    for i, entry in enumerate(data.get("values") or []):
        row = rows.get(entry.get("indicator"))
        if row is None:
            continue
        places[("values", i)] = (form, "indicators", f"{column_letter('indicators', 'value')}{row}")
        for key, column in (
            ("value", "value"),
            ("achieved", "value"),
            ("level", "level"),
            ("achieved_on", "achieved_on"),
            ("note", "note"),
        ):
            places[("values", i, key)] = (form, "indicators", f"{column_letter('indicators', column)}{row}")
    tasks = {t.ident: t for t in parsed.tasks}
    for i, entry in enumerate(data.get("tasks") or []):
        item = tasks.get(entry.get("task"))
        if item is None:
            continue
        places[("tasks", i)] = (form, "tasks", f"{column_letter('tasks', 'status')}{item.row}")
        for key in ("status", "percent", "done_on", "note"):
            places[("tasks", i, key)] = (form, "tasks", f"{column_letter('tasks', key)}{item.row}")
        places[("tasks", i, "milestones")] = (form, "tasks", f"{column_letter('tasks', 'done_on')}{item.row}")
        for j, (_title, _day, row) in enumerate(item.reached):
            places[("tasks", i, "milestones", j)] = (
                form,
                "tasks",
                f"{column_letter('tasks', 'done_on')}{row}",
            )
    return places


def _record_revisions(
    data: Any, old: m.MonthlyReport, new: m.MonthlyReport, on: dt.date, by: str, reason: str | None
) -> None:
    """One revisions: entry per locked field the form changed, with the value it replaces."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from yunhe_cli.checks.audit import _locked_changes
    from yunhe_cli.edits.roundtrip import block_style as _block

    changes = _locked_changes(old, new)
    if not changes:
        return
    if data.get("revisions") is None:
        _put(data, "revisions", CommentedSeq(), REPORT_ORDER)
    for loc, what, name, before, _after in changes:
        entry: dict[str, Any] = {"on": on, "by": by, "reason": reason or ""}
        if loc[0] == "values":
            entry["indicator"] = what
            default = "value"
        elif loc[0] == "tasks":
            entry["task"] = what
            default = "status"
        else:
            default = ""
        if name != default:
            entry["field"] = name
        entry["old"] = _yaml_number(before) if isinstance(before, Decimal) else before
        data["revisions"].append(CommentedMap(entry))
    _block(data["revisions"])


def _apply_closings(
    root: Path,
    lst: Any,
    form: ReadForm,
    parsed: ParsedForm,
    plan: Planned,
    as_of: dt.date,
) -> list[FormProblem]:
    from yunhe_cli.edits.roundtrip import load_round_trip as _load_rt

    out: list[FormProblem] = []
    if lst is None:
        return [
            form.at("problems", f"A{c.row}", "W502", f"there is no problem {c.ident!r}")
            for c in parsed.closings
        ]
    rel = lst.source.rel
    if rel not in plan.data:
        plain, bom, crlf = decode_text((root / rel).read_bytes())
        plan.data[rel] = _load_rt(plain)
        plan.encoding[rel] = (bom, crlf)
        plan.places[rel] = {}
    data = plan.data[rel]
    models = {q.id: q for q in lst.model.problems}
    for c in parsed.closings:
        cell = f"{column_letter('problems', 'closed_on')}{c.row}"
        index = next((i for i, e in enumerate(data.get("problems") or []) if e.get("id") == c.ident), None)
        q = models.get(c.ident)
        if index is None or q is None:
            out.append(form.at("problems", f"A{c.row}", "W502", f"there is no problem {c.ident!r} any more"))
            continue
        entry = data["problems"][index]
        assert c.closed_on is not None
        if entry.get("status") == "closed":
            same = (
                norm(entry.get("closed_on")) == norm(c.closed_on)
                and entry.get("resolution") == c.resolution
                and list(entry.get("evidence") or []) == c.evidence
            )
            if not same:
                out.append(
                    form.at(
                        "problems",
                        cell,
                        "W501",
                        f"{c.ident} was crossed off on {entry.get('closed_on')} already",
                    )
                )
            continue
        if c.closed_on < q.raised_on:
            out.append(
                form.at(
                    "problems", cell, "W503", f"{c.closed_on} is before {c.ident} was raised ({q.raised_on})"
                )
            )
            continue
        if c.closed_on > as_of:
            out.append(
                form.at("problems", cell, "W503", f"{c.closed_on} is in the future (today is {as_of})")
            )
            continue
        _put(entry, "status", "closed", PROBLEM_ORDER)
        _put(entry, "closed_on", c.closed_on, PROBLEM_ORDER)
        _put(entry, "resolution", c.resolution, PROBLEM_ORDER)
        if c.evidence:
            _put(entry, "evidence", list(c.evidence), PROBLEM_ORDER)
        places = plan.places[rel]
        places[("problems", index)] = (form, "problems", cell)
        places[("problems", index, "closed_on")] = (form, "problems", cell)
        for key in ("resolution", "evidence"):
            places[("problems", index, key)] = (form, "problems", f"{column_letter('problems', key)}{c.row}")
        plan.actions.append(f"closed {c.ident} in {rel} (from {form.path.name})")
    return out
