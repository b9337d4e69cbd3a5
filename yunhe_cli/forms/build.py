"""`yunhe form`: the month's fillable workbook for one project (月报填报表).

A lead unit's staff fill in Excel or WPS, not YAML. The form shows, in locked cells, what they
need to see (each indicator's unit, basis, target and last month's figure; each key task's due
date and last state; the open problems) and leaves input cells, with data validation, for what
they report. `forms.read` reads the workbook back.

The input cells hold what the report holds: the month's report when there is one (so a submitted
month can be corrected and imported with --revise), else the draft that `yunhe report new` would
write. Import applies the form to that same draft, so an untouched cell changes nothing and the
diff shows only what was typed.

A hidden sheet (`_yunhe`) records the project, the month, the version of the project's plan data
the form was made from (a hash of its indicators and tasks), which row holds which indicator,
task or problem, and every cell as it was made; import compares the workbook with it to find a
tampered locked cell, deleted or inserted rows, or a form made from older plan data. A digest
over the record catches an edit of the hidden sheet itself (a guard against accidents: anyone
determined can recompute it, and git keeps the record of what was imported).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from yunhe_cli.core import model as m
from yunhe_cli.core.kinds import kind_of
from yunhe_cli.core.periods import period_start
from yunhe_cli.core.repository import Repository
from yunhe_cli.edits.roundtrip import number_text
from yunhe_cli.edits.session import project_of
from yunhe_cli.forms.layout import (
    CODE_HIDDEN,
    COLUMN_BOUNDS,
    COLUMNS,
    DATE_FORMAT,
    DONE_COLUMNS,
    DONE_FILL,
    FIRST_ROW,
    FORMAT_NAME,
    HEADER_FILL,
    HEADER_ROW,
    HELP_ROW,
    INPUT_FILL,
    LAYOUT,
    LOCKED_FILL,
    MAX_FIGURE,
    META_SHEET,
    MISSING_COLOR,
    SUBMISSION_FIRST_ROW,
    SUBMISSION_ROWS,
    TEXT_FORMAT,
    column_width,
    digest,
    line_count,
    month_report,
    norm,
    plan_version,
    row_height,
    trimmed,
)
from yunhe_cli.forms.mechanism_sheets import (
    MechanismContent,
    add_mechanism_sheets,
    help_lines,
    mechanism_content,
)
from yunhe_cli.outputs.labels import Lang, t
from yunhe_cli.reports.rollup import readings, reporting_state, visible_reports

# --------------------------------------------------------------------------- what the form holds


@dataclass
class Row:
    """One row of a table sheet: what it is and the value of each of its cells."""

    what: str  # indicator, task, milestone, problem
    ident: str  # indicator id, task id, problem id
    extra: str = ""  # a milestone's title
    cells: dict[str, Any] = field(default_factory=dict)  # column key -> value
    inputs: frozenset[str] = frozenset()  # the column keys that take input in this row
    choices: dict[str, str] = field(default_factory=dict)  # column key -> validation kind


@dataclass
class FormContent:
    project: m.Project
    period: str
    lang: Lang
    report: m.MonthlyReport  # the month's report, or the draft
    existing: bool
    submission: dict[str, Any]
    rows: dict[str, list[Row]]
    horizon: tuple[dt.date, dt.date]
    missing: tuple[str, ...] = ()  # the project's earlier months not reported (due and missing)
    mechanism: MechanismContent | None = None  # 形势研判 and 督办反馈, where the month has them


def _shown(value: Any, lang: Lang) -> Any:
    if isinstance(value, bool):
        return t("form.yes" if value else "form.no", lang)
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def _target(ind: m.Indicator, lang: Lang) -> str:
    if kind_of(ind).qualitative or ind.target.value is None:
        return t("form.by", lang, date=ind.target.by.isoformat())
    symbol = {">=": "≥", ">": ">", "<=": "≤", "~": "≈"}[ind.comparator or ">="]
    return f"{symbol}{number_text(ind.target.value)}（{ind.target.by.year}）"


def form_content(repo: Repository, project_ref: str, period: str, as_of: dt.date, lang: Lang) -> FormContent:
    project = project_of(repo, project_ref)
    report, rel = month_report(repo, project, period, as_of)
    before = period_start(period) - dt.timedelta(days=1)
    earlier = [r for r in visible_reports(repo, project.id, max(as_of, before)) if r.period < period]
    values = {v.indicator: v for v in report.values}
    rows: dict[str, list[Row]] = {"indicators": [], "tasks": [], "problems": []}
    for ind in project.indicators:
        series = [r for r in readings(earlier, ind.id) if r.numeric or r.achieved is not None]
        last = series[-1] if series else None
        v = values.get(ind.id)
        milestone = kind_of(ind).qualitative
        has_level = kind_of(ind).reports_level and ind.level_unit is not None
        last_shown: Any = None
        last_period = ""
        if last is not None:
            last_shown = last.achieved if milestone else last.published
            last_period = last.period
            if not milestone and last.value is None:
                last_period += t("form.level_mark", lang)
        cells: dict[str, Any] = {
            "id": ind.id,
            "name": ind.name if lang is Lang.zh else (ind.name_en or ind.name),
            "unit": ind.unit or "",
            "basis": t(f"form.basis.{ind.reported_as}", lang)
            if ind.reported_as
            else t("form.basis.milestone", lang),
            "target": _target(ind, lang),
            "last": _shown(last_shown, lang),
            "last_period": last_period,
            "value": _shown(v.achieved if milestone else v.value, lang) if v else None,
            "level": _shown(v.level, lang) if v and has_level else None,
            "achieved_on": v.achieved_on if v and milestone else None,
            "note": v.note if v else None,
        }
        inputs = (
            {"value", "note"}
            | ({"level"} if has_level else set())
            | ({"achieved_on"} if milestone else set())
        )
        choices = {"value": "yes_no" if milestone else "number", "level": "number", "achieved_on": "date"}
        rows["indicators"].append(Row("indicator", ind.id, "", cells, frozenset(inputs), choices))
    updates = {u.task: u for u in report.tasks}
    for task in project.tasks:
        last_update: m.TaskUpdate | None = None
        reached_before: dict[str, dt.date] = {}
        for rep in earlier:
            for u in rep.tasks:
                if u.task == task.id:
                    last_update = u
                    reached_before.update({r.milestone: r.reached_on for r in u.milestones})
        now = updates.get(task.id)
        # A task done before this month is shown done, in locked cells: nothing is left to fill in.
        done = (
            last_update is not None and last_update.status == "done" and (now is None or now.status == "done")
        )
        shown = now or (last_update if done else None)
        cells = {
            "id": task.id,
            "title": task.title if lang is Lang.zh else (task.title_en or task.title),
            "due": task.due,
            "last_status": t(f"task.{last_update.status}", lang) if last_update else "",
            "last_percent": last_update.percent if last_update else None,
            "status": t(f"task.{shown.status}", lang) if shown else None,
            "percent": shown.percent if shown else None,
            "done_on": shown.done_on if shown else None,
            "note": shown.note if shown else None,
        }
        choices = {"status": "status", "percent": "percent", "done_on": "date"}
        task_inputs = frozenset() if done else frozenset({"status", "percent", "done_on", "note"})
        rows["tasks"].append(Row("task", task.id, "", cells, task_inputs, choices))
        reached_now = {r.milestone: r.reached_on for r in (now.milestones if now else [])}
        for ms in task.milestones:
            earlier_date = reached_before.get(ms.title)
            ms_cells: dict[str, Any] = {
                "title": t("form.milestone_row", lang, title=ms.title),
                "due": ms.due,
                "last_status": t("form.reached", lang, date=earlier_date.isoformat()) if earlier_date else "",
                "done_on": reached_now.get(ms.title),
            }
            ms_inputs = (
                frozenset()
                if done or (earlier_date and ms.title not in reached_now)
                else frozenset({"done_on"})
            )
            rows["tasks"].append(
                Row("milestone", task.id, ms.title, ms_cells, ms_inputs, {"done_on": "date"})
            )
    for lst in repo.problem_lists:
        if lst.model.project != project.id:
            continue
        for q in lst.model.problems:
            if q.raised_on > as_of or q.standing_on(as_of).status != "open":
                continue
            cells = {
                "id": q.id,
                "title": q.title,
                "owner": q.owner,
                "raised_on": q.raised_on,
                "due": q.due,
                "closed_on": None,
                "resolution": None,
                "evidence": None,
            }
            problem_inputs = frozenset({"closed_on", "resolution", "evidence"})
            rows["problems"].append(Row("problem", q.id, "", cells, problem_inputs, {"closed_on": "date"}))
    submission = {
        "project": f"{project.id} {project.name if lang is Lang.zh else (project.name_en or project.name)}",
        "period": period,
        "submitted_by": report.submitted_by,
        "submitted_on": report.submitted_on,
        "notes": report.notes,
    }
    horizon = (
        (repo.plan.model.horizon.start, repo.plan.model.horizon.end)
        if repo.plan
        else (
            dt.date(2000, 1, 1),
            dt.date(2100, 12, 31),
        )
    )
    missing = tuple(p for p in reporting_state(repo, project.id, as_of).missing if p < period)
    mechanism = mechanism_content(repo, project, period, as_of)
    return FormContent(
        project, period, lang, report, rel is not None, submission, rows, horizon, missing, mechanism
    )


# --------------------------------------------------------------------------- the workbook


def sheet_name(key: str, lang: Lang) -> str:
    return t(f"form.sheet.{key}", lang)


def build_workbook(content: FormContent, made_on: dt.date) -> Any:
    """The form as an openpyxl workbook (locked cells, input cells with validation, the hidden record)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    lang = content.lang
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    top = Alignment(vertical="top", wrap_text=True)
    input_fill = PatternFill("solid", fgColor=INPUT_FILL)
    locked_fill = PatternFill("solid", fgColor=LOCKED_FILL)
    done_fill = PatternFill("solid", fgColor=DONE_FILL)
    unlocked = Protection(locked=False)
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    records: list[list[str]] = [
        ["key", "format", FORMAT_NAME],
        ["key", "layout", LAYOUT],
        ["key", "project", content.project.id],
        ["key", "period", content.period],
        ["key", "plan_version", plan_version(content.project)],
        ["key", "lang", lang.value],
        ["key", "made_on", made_on.isoformat()],
    ]
    start, end = content.horizon
    validations: dict[str, tuple[str, str]] = {
        "number": (t("form.valid.number", lang), "decimal"),
        "percent": (t("form.valid.percent", lang), "whole"),
        "date": (t("form.valid.date", lang, start=start, end=end), "date"),
        "yes_no": (t("form.valid.choice", lang), "list"),
        "status": (t("form.valid.choice", lang), "list"),
    }

    def validation(kind: str) -> Any:
        message, vtype = validations[kind]
        if vtype == "decimal":
            dv = DataValidation(
                type="decimal", operator="between", formula1=str(-MAX_FIGURE), formula2=str(MAX_FIGURE)
            )
        elif vtype == "whole":
            dv = DataValidation(type="whole", operator="between", formula1="0", formula2="100")
        elif vtype == "date":
            dv = DataValidation(
                type="date", operator="between", formula1=str(_serial(start)), formula2=str(_serial(end))
            )
        elif kind == "yes_no":
            dv = DataValidation(type="list", formula1=f'"{t("form.yes", lang)},{t("form.no", lang)}"')
        else:
            labels = ",".join(t(f"task.{s}", lang) for s in ("not_started", "in_progress", "done", "blocked"))
            dv = DataValidation(type="list", formula1=f'"{labels}"')
        dv.allow_blank = True
        dv.showErrorMessage = True
        dv.showInputMessage = True
        dv.errorTitle = t("form.valid.title", lang)
        dv.error = message
        dv.prompt = message
        return dv

    def put(sheet: Any, key: str, coord: str, value: Any, is_input: bool, kind: str | None = None) -> Any:
        cell = sheet[coord]
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # text from the data is never a formula
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        cell.border = border
        cell.alignment = top
        if is_input:
            cell.protection = unlocked
            cell.fill = input_fill
            if kind == "date":
                cell.number_format = DATE_FORMAT
            elif kind in (None, "text"):
                cell.number_format = TEXT_FORMAT
            records.append(["cell", key, coord, "input", norm(value)])
        else:
            cell.fill = locked_fill
            records.append(["cell", key, coord, "locked", norm(value)])
        return cell

    # The submission sheet.
    sheet = book.create_sheet(sheet_name("submission", lang))
    records.append(["sheet", "submission", sheet.title])
    title = t("form.title", lang, name=_project_name(content), period=content.period)
    put(sheet, "submission", "A1", title, False).font = Font(bold=True, size=14)
    sheet.merge_cells("A1:B1")
    records.append(["merge", "submission", "A1:B1"])
    kinds = {"submitted_on": "date", "submitted_by": "text", "notes": "text"}
    for offset, (key, is_input) in enumerate(SUBMISSION_ROWS):
        row = SUBMISSION_FIRST_ROW + offset
        put(sheet, "submission", f"A{row}", t(f"form.field.{key}", lang), False).font = Font(bold=True)
        cell = put(sheet, "submission", f"B{row}", content.submission[key], is_input, kinds.get(key))
        if is_input and kinds.get(key) == "date":
            dv = validation("date")
            sheet.add_data_validation(dv)
            dv.add(cell.coordinate)
    help_row = HELP_ROW
    if content.missing:  # the project's earlier months not yet reported, above the instructions
        line = t(
            "form.missing",
            lang,
            months="、".join(content.missing) if lang is Lang.zh else ", ".join(content.missing),
        )
        put(sheet, "submission", f"A{help_row}", line, False).font = Font(bold=True, color=MISSING_COLOR)
        sheet.merge_cells(f"A{help_row}:B{help_row}")
        records.append(["merge", "submission", f"A{help_row}:B{help_row}"])
        help_row += 2
    for i, line in enumerate(t("form.help", lang).split("\n") + help_lines(content.mechanism, lang)):
        # One line a row, across both columns, wrapped in a row as tall as its text.
        put(sheet, "submission", f"A{help_row + i}", line, False)
        sheet.merge_cells(f"A{help_row + i}:B{help_row + i}")
        records.append(["merge", "submission", f"A{help_row + i}:B{help_row + i}"])
    _fit_submission(sheet)
    _print_wide(sheet)
    _protect(sheet)

    # The three tables.
    for key in ("indicators", "tasks", "problems"):
        sheet = book.create_sheet(sheet_name(key, lang))
        records.append(["sheet", key, sheet.title])
        columns = COLUMNS[key]
        last_col = chr(ord("A") + len(columns) - 1)
        table_title = f"{_project_name(content)}  {content.period}  {sheet.title}"
        put(sheet, key, "A1", table_title, False).font = Font(bold=True, size=14)
        sheet.merge_cells(f"A1:{last_col}1")
        records.append(["merge", key, f"A1:{last_col}1"])
        for col, (col_key, _is_input) in enumerate(columns):
            letter = chr(ord("A") + col)
            cell = put(sheet, key, f"{letter}{HEADER_ROW}", t(f"form.col.{key}.{col_key}", lang), False)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)  # a header takes no input
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        by_kind: dict[str, Any] = {}
        for r, entry in enumerate(content.rows[key], FIRST_ROW):
            records.append(["row", key, str(r), entry.what, entry.ident, entry.extra])
            for col, (col_key, _is_input) in enumerate(columns):
                coord = f"{chr(ord('A') + col)}{r}"
                is_input = col_key in entry.inputs
                kind = entry.choices.get(col_key) if is_input else None
                value = entry.cells.get(col_key)
                if value is None and not is_input:
                    done = entry.what == "task" and col_key in DONE_COLUMNS and not entry.inputs
                    sheet[coord].fill = done_fill if done else locked_fill
                    sheet[coord].border = border
                    continue
                cell = put(sheet, key, coord, value, is_input, kind or ("text" if is_input else None))
                if entry.what == "task" and col_key in DONE_COLUMNS and not entry.inputs:
                    cell.fill = done_fill  # a task done before this month, shown done
                if kind is not None and kind != "text":
                    if kind not in by_kind:
                        by_kind[kind] = validation(kind)
                        sheet.add_data_validation(by_kind[kind])
                    by_kind[kind].add(coord)
        _fit_table(sheet, key)
        if key in CODE_HIDDEN:  # the codes are for yunhe; the name beside them is for people
            sheet.column_dimensions["A"].hidden = True
            records.append(["hidden", key, "A"])
        sheet.freeze_panes = f"C{FIRST_ROW}"
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        _print_wide(sheet)
        _protect(sheet)

    if content.mechanism is not None:
        add_mechanism_sheets(
            book,
            content.mechanism,
            _project_name(content),
            lang,
            put,
            lambda: validation("date"),
            _finish,
            records,
        )

    meta = book.create_sheet(META_SHEET)
    records.append(["digest", digest(records)])
    for r, record in enumerate(records, 1):  # one record a row, as a JSON list: few cells, quick to read
        cell = meta.cell(row=r, column=1, value=json.dumps(trimmed(record), ensure_ascii=False))
        cell.data_type = "s"
    meta.sheet_state = "hidden"
    _protect(meta)
    book.active = 0
    book.security = WorkbookProtection(lockStructure=True)
    return book


def _project_name(content: FormContent) -> str:
    p = content.project
    return p.name if content.lang is Lang.zh else (p.name_en or p.name)


def _text(value: Any) -> str:
    """A cell's value as the spreadsheet shows it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _fit_table(sheet: Any, key: str) -> None:
    """Each column as wide as its widest text (within its bounds), each row as tall as its most
    wrapped cell; the title, across the columns shown, wraps too if it must."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    widths: dict[str, float] = {}
    for col, (col_key, is_input) in enumerate(COLUMNS[key], 1):
        letter = get_column_letter(col)
        texts = [_text(sheet.cell(row=r, column=col).value) for r in range(HEADER_ROW, sheet.max_row + 1)]
        least, most = COLUMN_BOUNDS.get(col_key, (10.0 if is_input else 6.0, 16.0))
        widths[letter] = column_width(texts, least, most)
        sheet.column_dimensions[letter].width = widths[letter]
    if key in CODE_HIDDEN:
        del widths["A"]  # hidden: its text takes no room
    shown = sum(widths.values())
    title = sheet["A1"]
    title.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.row_dimensions[1].height = row_height(line_count(_text(title.value), shown * 11 / 14), 14)
    for r in range(HEADER_ROW, sheet.max_row + 1):
        lines = max(line_count(_text(sheet[f"{letter}{r}"].value), width) for letter, width in widths.items())
        sheet.row_dimensions[r].height = row_height(lines)


def _fit_submission(sheet: Any) -> None:
    """The labels' column as wide as its widest label, the values' as its widest value (within
    bounds); the rows across both columns (the title, the instructions) wrap in that width."""
    from openpyxl.styles import Alignment

    labels = [_text(sheet[f"A{r}"].value) for r in range(SUBMISSION_FIRST_ROW, HELP_ROW)]
    values = [_text(sheet[f"B{r}"].value) for r in range(SUBMISSION_FIRST_ROW, HELP_ROW)]
    a, b = column_width(labels, 8, 20), column_width(values, 40, 60)
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = a, b
    merged = {str(rng).split(":")[0] for rng in sheet.merged_cells.ranges}
    for r in range(1, sheet.max_row + 1):
        size = 14 if r == 1 else 11
        if f"A{r}" in merged:
            sheet[f"A{r}"].alignment = Alignment(vertical="top", wrap_text=True)
            lines = line_count(_text(sheet[f"A{r}"].value), (a + b) * 11 / size)
        else:
            lines = max(
                line_count(_text(sheet[f"A{r}"].value), a), line_count(_text(sheet[f"B{r}"].value), b)
            )
        sheet.row_dimensions[r].height = row_height(lines, size)


def _serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


def _print_wide(sheet: Any) -> None:
    """Printed on A4 landscape, one page wide."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _finish(sheet: Any) -> None:
    _print_wide(sheet)
    _protect(sheet)


def _protect(sheet: Any) -> None:
    """Locked cells stay as made; widths may change (a wider column harms nothing)."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.selectLockedCells = False
    sheet.protection.selectUnlockedCells = False


def save_workbook(book: Any, out: Path) -> None:
    """Saved whole, then written by yunhe's one atomic write: an interrupted run leaves no half workbook."""
    import io

    from yunhe_cli.store.write import atomic_write

    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write(out, buffer.getvalue())


def write_form(
    root: Path, project_ref: str, period: str, out: Path, as_of: dt.date, lang: Lang
) -> FormContent:
    """Write the month's form of one project to `out`; reads the data under no lock (it writes none)."""
    from yunhe_cli.edits.session import checked_repo

    repo = checked_repo(root, as_of).repo
    content = form_content(repo, project_ref, period, as_of, lang)
    save_workbook(build_workbook(content, as_of), out)
    return content
