"""The form's two sheets of the working mechanism: 形势研判 and 督办反馈.

In a quarter's last month (3, 6, 9, 12) the form has a sheet 形势研判 where the lead unit writes the
quarter's assessment (研判结论 绿/黄/红 from a list, 进展, 风险与困难, 下一步), prefilled from the
quarter's entry by the lead unit when there is one; beside each cell, locked, what `yunhe assess`
would fill in as facts. In any month where supervision items issued to the lead unit are not closed,
a sheet 督办反馈 has one row per item (its id, requirement and due day locked; 办理情况 and its date
to fill in).

`yunhe import` writes them with the report, in the same checked batch: the assessment into
assessments/<project>.yaml (the quarter's entry by the lead unit updated, else a new entry), and a
feedback entry on each item whose 办理情况 was filled in. An empty sheet writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from yunhe_cli.core import model as m
from yunhe_cli.core.mechanism_records import Assessment
from yunhe_cli.core.periods import period_end, quarter_closed_by
from yunhe_cli.core.repository import Repository
from yunhe_cli.forms.layout import DATE_FORMAT, HEADER_FILL, column_width, line_count, norm, row_height
from yunhe_cli.outputs.labels import Lang, t

ASSESSMENT_FIELDS = ("rating", "progress", "risks", "next_steps")
ASSESSMENT_FIRST_ROW = 3  # 季度, 研判单位, then the four fields: 研判结论 is C5
RATING_ROW = ASSESSMENT_FIRST_ROW + 2
FEEDBACK_COLUMNS = ("id", "requirement", "due", "text", "on")
ASSESSMENT_ORDER = list(Assessment.model_fields)
RATINGS = {"绿": "绿", "黄": "黄", "红": "红", "green": "绿", "amber": "黄", "yellow": "黄", "red": "红"}


@dataclass
class OpenItem:
    id: str
    requirement: str
    due: dt.date


@dataclass
class MechanismContent:
    period: str
    quarter: str | None  # the quarter the month closes; None: no 形势研判 sheet
    written_by: str
    assessment: dict[str, Any] = field(default_factory=dict)  # the four fields as prefilled
    facts: dict[str, Any] = field(default_factory=dict)
    items: list[OpenItem] = field(default_factory=list)


def mechanism_content(repo: Repository, project: m.Project, period: str, as_of: dt.date) -> MechanismContent:
    quarter = quarter_closed_by(period)
    out = MechanismContent(period, quarter, project.lead_unit)
    if quarter is not None:
        from yunhe_cli.reports.mechanism_rest import facts
        from yunhe_cli.reports.quarterly import quarter_as_of
        from yunhe_cli.reports.rollup import roll_up

        for lst in repo.assessment_lists:
            if lst.model.project != project.id:
                continue
            for a in lst.model.assessments:
                if a.quarter == quarter and a.written_by == project.lead_unit:
                    out.assessment = {k: getattr(a, k) for k in ASSESSMENT_FIELDS}
        when = min(as_of, quarter_as_of(repo, int(quarter[:4]), int(quarter[-1])))
        out.facts = facts(roll_up(repo, when), project.id)
        out.facts["as_of"] = when
    end = period_end(period)
    for items in repo.supervision_lists:
        if items.model.project != project.id:
            continue
        for item in items.model.items:
            if (
                item.unit == project.lead_unit
                and item.issued_on <= min(as_of, end)
                and not item.closed_by(as_of)
            ):
                out.items.append(OpenItem(item.id, item.requirement, item.due))
    return out


# --------------------------------------------------------------------------- the sheets


def help_lines(content: MechanismContent | None, lang: Lang) -> list[str]:
    """The instructions' line naming the month's mechanism sheets (none when it has neither)."""
    if content is None:
        return []
    keys = (["assessment"] if content.quarter is not None else []) + (["feedback"] if content.items else [])
    if not keys:
        return []
    names = [t(f"form.sheet.{k}", lang) for k in keys]
    sheets = "".join(f"“{n}”" for n in names) if lang is Lang.zh else " and ".join(f"'{n}'" for n in names)
    return [t("form.mech.help", lang, sheets=sheets)]


Put = Callable[..., Any]


def add_mechanism_sheets(
    book: Any,
    content: MechanismContent,
    name: str,
    lang: Lang,
    put: Put,
    date_validation: Callable[[], Any],
    finish: Callable[[Any], None],
    records: list[list[str]],
) -> None:
    """Add the sheets (those the month has) to the form being built, through the build's own `put`
    (which records each cell), its date validation and its finish (print setup, protection)."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    def header(sheet: Any, key: str, coord: str, text: str) -> None:
        cell = put(sheet, key, coord, text, False)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    if content.quarter is not None:
        key = "assessment"
        sheet = book.create_sheet(t(f"form.sheet.{key}", lang))
        records.append(["sheet", key, sheet.title])
        title = t("form.mech.assessment_title", lang, name=name, quarter=content.quarter)
        put(sheet, key, "A1", title, False).font = Font(bold=True, size=14)
        sheet.merge_cells("A1:C1")
        records.append(["merge", key, "A1:C1"])
        for col, col_key in zip("ABC", ("item", "hint", "input"), strict=True):
            header(sheet, key, f"{col}2", t(f"form.col.assessment.{col_key}", lang))
        records.append(["row", key, str(ASSESSMENT_FIRST_ROW), "assessment", content.quarter, ""])
        f = content.facts
        none = t("form.mech.none", lang)
        hints = {
            "rating": t("form.mech.rating_hint", lang),
            "progress": t("form.mech.facts", lang, **{**f, "as_of": f["as_of"].isoformat()}),
            "risks": t(
                "form.mech.open",
                lang,
                tasks="、".join(f["overdue_tasks"]) or none,
                problems="、".join(f["open_problems"]) or none,
            ),
            "next_steps": t("form.mech.next_hint", lang),
        }
        row = ASSESSMENT_FIRST_ROW
        for label, value in (("quarter", content.quarter), ("written_by", content.written_by)):
            put(sheet, key, f"A{row}", t(f"form.mech.{label}", lang), False).font = Font(bold=True)
            put(sheet, key, f"B{row}", value, False)
            row += 1
        for name_ in ASSESSMENT_FIELDS:
            put(sheet, key, f"A{row}", t(f"form.mech.{name_}", lang), False).font = Font(bold=True)
            put(sheet, key, f"B{row}", hints[name_], False)
            put(sheet, key, f"C{row}", content.assessment.get(name_), True, "text")
            row += 1
        rating = DataValidation(type="list", formula1='"绿,黄,红"', allow_blank=True)
        rating.showErrorMessage = rating.showInputMessage = True
        rating.errorTitle = t("form.valid.title", lang)
        rating.error = rating.prompt = t("form.mech.rating_valid", lang)
        sheet.add_data_validation(rating)
        rating.add(f"C{RATING_ROW}")
        _fit(sheet, {"A": (8.0, 14.0), "B": (24.0, 36.0), "C": (40.0, 60.0)}, 3)
        finish(sheet)

    if content.items:
        key = "feedback"
        sheet = book.create_sheet(t(f"form.sheet.{key}", lang))
        records.append(["sheet", key, sheet.title])
        title = t("form.mech.feedback_title", lang, name=name, period=content.period)
        put(sheet, key, "A1", title, False).font = Font(bold=True, size=14)
        sheet.merge_cells("A1:E1")
        records.append(["merge", key, "A1:E1"])
        for col, col_key in zip("ABCDE", FEEDBACK_COLUMNS, strict=True):
            header(sheet, key, f"{col}2", t(f"form.col.feedback.{col_key}", lang))
        dates = date_validation()
        sheet.add_data_validation(dates)
        for r, item in enumerate(content.items, 3):
            records.append(["row", key, str(r), "item", item.id, ""])
            put(sheet, key, f"A{r}", item.id, False)
            put(sheet, key, f"B{r}", item.requirement, False)
            put(sheet, key, f"C{r}", item.due, False)
            put(sheet, key, f"D{r}", None, True, "text")
            put(sheet, key, f"E{r}", None, True, "date").number_format = DATE_FORMAT
            dates.add(f"E{r}")
        _fit(
            sheet,
            {"A": (10.0, 14.0), "B": (24.0, 40.0), "C": (12.0, 12.0), "D": (40.0, 50.0), "E": (12.0, 12.0)},
            2,
        )
        sheet.freeze_panes = "B3"
        sheet.print_title_rows = "2:2"
        finish(sheet)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _fit(sheet: Any, bounds: dict[str, tuple[float, float]], first: int) -> None:
    """Each column as wide as its widest text from row `first` (within bounds), each row as tall as
    its most wrapped cell; the title wraps across the columns if it must."""
    from openpyxl.styles import Alignment

    widths = {
        letter: column_width(
            [_text(sheet[f"{letter}{r}"].value) for r in range(first, sheet.max_row + 1)], least, most
        )
        for letter, (least, most) in bounds.items()
    }
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    title = sheet["A1"]
    title.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.row_dimensions[1].height = row_height(
        line_count(_text(title.value), sum(widths.values()) * 11 / 14), 14
    )
    for r in range(2, sheet.max_row + 1):
        lines = max(line_count(_text(sheet[f"{letter}{r}"].value), width) for letter, width in widths.items())
        sheet.row_dimensions[r].height = row_height(lines)


# --------------------------------------------------------------------------- reading them back


@dataclass
class Answer:
    ident: str
    row: int
    text: str
    on: dt.date


@dataclass
class MechanismInput:
    quarter: str | None = None
    assessment: dict[str, Any] = field(default_factory=dict)  # filled fields only; empty: nothing to write
    answers: list[Answer] = field(default_factory=list)


def parse_mechanism(form: Any, as_of: dt.date) -> tuple[MechanismInput, list[Any]]:
    """The sheets' input cells as typed values, and the problems placed at their cells."""
    from yunhe_cli.forms.cells import Bad, to_date, to_text

    out = MechanismInput()
    problems: list[Any] = []

    def read(key: str, coord: str, convert: Any) -> Any:
        cell = form.inputs.get((key, coord))
        if cell is None:
            return None
        try:
            return convert(cell)
        except Bad as bad:
            problems.append(form.at(key, coord, bad.code, str(bad)))
            return None

    for r in form.rows.get("assessment", []):
        out.quarter = r.ident
        values: dict[str, Any] = {}
        for offset, name in enumerate(ASSESSMENT_FIELDS):
            coord = f"C{RATING_ROW + offset}"
            values[name] = read("assessment", coord, to_text)
        rating = values["rating"]
        if rating is not None:
            word = RATINGS.get(rating.strip().lower())
            if word is None:
                problems.append(
                    form.at(
                        "assessment",
                        f"C{RATING_ROW}",
                        "S105",
                        f"{rating!r} is not allowed; choose 绿, 黄 or 红",
                    )
                )
            values["rating"] = word
        if any(v is not None for v in values.values()):
            out.assessment = values
    for r in form.rows.get("feedback", []):
        text = read("feedback", f"D{r.row}", to_text)
        on = read("feedback", f"E{r.row}", to_date)
        if text is None and on is None:
            continue
        if text is None:
            problems.append(form.at("feedback", f"D{r.row}", "S101", f"{r.ident}: 办理情况 is empty"))
            continue
        if on is not None and on > as_of:
            problems.append(
                form.at("feedback", f"E{r.row}", "W503", f"{on} is in the future (today is {as_of})")
            )
            continue
        out.answers.append(Answer(r.ident, r.row, text, on or as_of))
    return out, problems


# --------------------------------------------------------------------------- onto the data


def apply_mechanism(
    root: Any,
    repo: Repository,
    project: m.Project,
    form: Any,
    plan: Any,
    as_of: dt.date,
    load: Callable[[str, str], Any],
) -> list[Any]:
    """The sheets onto the round-trip documents of the batch (`load(rel, key)` gives a file's
    document, made empty with its list `key` when it does not exist); the problems placed."""
    from ruamel.yaml.comments import CommentedMap

    from yunhe_cli.edits.mechanism import answer_item, item_change_refused
    from yunhe_cli.edits.roundtrip import block_style, set_in_order

    parsed, problems = parse_mechanism(form, as_of)
    if problems:
        return problems
    if parsed.assessment:
        rel = f"assessments/{project.id}.yaml"
        data = load(rel, "assessments")
        entries = data["assessments"]
        index = next(
            (
                i
                for i, e in enumerate(entries)
                if e.get("quarter") == parsed.quarter and e.get("written_by") == project.lead_unit
            ),
            None,
        )
        if index is None:
            entry = CommentedMap()
            entry["quarter"] = parsed.quarter
            entry["written_on"] = as_of
            entry["written_by"] = project.lead_unit
            entries.append(entry)
            block_style(entries)
            index = len(entries) - 1
            said = "notice.import_assessment_wrote"
        else:
            entry = entries[index]
            said = "notice.import_assessment_updated"
        before = [norm(entry.get(k)) for k in ASSESSMENT_FIELDS]
        for name in ASSESSMENT_FIELDS:
            set_in_order(entry, name, parsed.assessment[name], ASSESSMENT_ORDER)
        places = plan.places.setdefault(rel, {})
        places[("assessments", index)] = (form, "assessment", f"C{RATING_ROW}")
        for offset, name in enumerate(ASSESSMENT_FIELDS):
            places[("assessments", index, name)] = (form, "assessment", f"C{RATING_ROW + offset}")
        after = [norm(entry.get(k)) for k in ASSESSMENT_FIELDS]
        if said == "notice.import_assessment_wrote" or before != after:
            fields = {"project": project.id, "quarter": parsed.quarter, "path": rel, "form": form.path.name}
            plan.actions.append((said, fields))
    for answer in parsed.answers:
        found = next(
            (
                (lst, item)
                for lst in repo.supervision_lists
                for item in lst.model.items
                if item.id == answer.ident
                and lst.model.project == project.id
                and item.unit == project.lead_unit
            ),
            None,
        )
        if found is None:
            problems.append(
                form.at(
                    "feedback",
                    f"A{answer.row}",
                    "W511",
                    f"there is no supervision item {answer.ident!r}",
                )
            )
            continue
        lst, item = found
        rel = lst.source.rel
        data = load(rel, "items")
        index, entry = next((i, e) for i, e in enumerate(data["items"]) if e.get("id") == answer.ident)
        answered = [(norm(f.get("on")), f.get("text")) for f in entry.get("feedback") or []]
        if (norm(answer.on), answer.text) in answered:
            continue  # answered as the form says (the same form imported again)
        refused = item_change_refused(entry, item, answer.on, as_of)
        if refused is not None:
            code, message = refused
            problems.append(
                form.at("feedback", f"{'D' if code == 'W510' else 'E'}{answer.row}", code, message)
            )
            continue
        answer_item(entry, answer.text, answer.on, [])
        places = plan.places.setdefault(rel, {})
        places[("items", index)] = (form, "feedback", f"D{answer.row}")
        places[("items", index, "feedback")] = (form, "feedback", f"D{answer.row}")
        plan.actions.append(
            ("notice.import_answered", {"id": answer.ident, "path": rel, "form": form.path.name})
        )
    return problems
