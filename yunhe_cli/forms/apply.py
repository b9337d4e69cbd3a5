"""`yunhe import`: every form of a batch applied to the data through edits, checked together, then
written all at once.

Each form goes onto its month's report (the existing file, or the draft `yunhe report new` writes)
and its problem list through the round trip (`forms.to_report`, and `edits.problems`' closing
rule); all the new texts are validated together with the whole repository, each problem mapped
back to the cell that explains it (else placed at the YAML), and only a clean batch is written,
by `edits.session.write_batch`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yunhe_cli.core import model as m
from yunhe_cli.core import periods
from yunhe_cli.core.problems import Loc, Problem
from yunhe_cli.core.repository import Repository
from yunhe_cli.edits.drafts import new_report_text
from yunhe_cli.edits.mechanism import new_list_text
from yunhe_cli.edits.problems import closing_refused, cross_off
from yunhe_cli.edits.roundtrip import load_round_trip
from yunhe_cli.edits.session import checked_repo, write_batch
from yunhe_cli.forms.cells import ParsedForm, parse_form
from yunhe_cli.forms.layout import FIRST_ROW, column_letter, month_report, norm, plan_version
from yunhe_cli.forms.mechanism_sheets import apply_mechanism
from yunhe_cli.forms.read import FormProblem, ImportRefused, ReadForm, read_form
from yunhe_cli.forms.to_report import apply_report, record_revisions, report_places
from yunhe_cli.store.write import decode_text, dump, encode_text, repo_lock

NAME_PERIOD = periods.PERIOD_IN_NAME
# What the success line says of each month the batch wrote (a draft's month still counts as missing):
# keys of the catalogue (`outputs.messages`), which the command line says in the run's language.
SUBMITTED = "notice.state_submitted"
DRAFT = "notice.state_draft"
# One line of what the batch did: a key of the catalogue and what fills it.
Action = tuple[str, dict[str, str]]
NAME_PROJECT = re.compile(r"(?<![a-z0-9])p(\d{1,2})(?![0-9])", re.IGNORECASE)


@dataclass
class Planned:
    """What the batch will write: new texts by file, and where each YAML place is on a form."""

    texts: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # rel -> round-trip document being changed
    places: dict[str, dict[Loc, tuple[ReadForm, str, str]]] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    encoding: dict[str, tuple[bool, bool]] = field(default_factory=dict)  # rel -> (BOM, CRLF) to keep
    problems: list[FormProblem] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    written: list[Path]
    actions: list[Action]
    warnings: list[FormProblem]


def import_forms(
    root: Path,
    paths: list[Path],
    as_of: dt.date,
    revise: bool = False,
    reason: str | None = None,
    by: str | None = None,
    draft: bool = False,
) -> ImportResult:
    """Read every form, check the whole batch, then write it all; raise ImportRefused (nothing written).

    A form without its submission date (报送日期) is refused at that cell unless `draft` says a
    draft is meant: a draft's month still counts as missing."""
    forms: list[ReadForm] = []
    problems: list[FormProblem] = []
    for path in paths:
        form, found = read_form(path)
        problems.extend(found)
        if form is not None:
            forms.append(form)
    with repo_lock(root):
        # Problems elsewhere do not block; the batch's files must be clean.
        repo = checked_repo(root, as_of).repo
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
            problems.extend(_apply_form(root, repo, form, plan, as_of, revise, reason, by, draft))
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
    draft: bool = False,
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
    if not re.fullmatch(periods.PERIOD_PATTERN, form.period):
        return [*out, form.at("submission", "B3", "S107", f"{form.period!r} is not a month written YYYY-MM")]
    parsed = parse_form(form, project)
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
    if submitted_on is None and not draft:
        return [
            form.at(
                "submission",
                coord,
                "X709",
                "报送日期 (submission date) is empty: the report would be a draft and "
                f"{form.period} would still count as missing; fill it in, or import with --draft "
                "if a draft is meant",
            )
        ]
    existing, rel_existing = month_report(repo, project, form.period, as_of)
    rel = rel_existing or f"indicators/{project.id}/{form.period}.yaml"
    raw = (
        (root / rel).read_bytes()
        if rel_existing
        else new_report_text(repo, project, form.period, as_of).encode()
    )
    plain, bom, crlf = decode_text(raw)
    text = raw.decode("utf-8")
    data = load_round_trip(plain)
    apply_report(data, parsed, project)
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
            record_revisions(
                data, existing, new_model, as_of, by or new_model.submitted_by or project.lead_unit, reason
            )
            new_text = dump(data)
    new_text = encode_text(new_text, bom, crlf)
    plan.texts[rel] = new_text
    plan.places[rel] = report_places(data, form, parsed)
    state = SUBMITTED if data.get("submitted_on") else DRAFT
    line = {"path": rel, "project": project.id, "period": form.period, "form": form.path.name, "state": state}
    if not rel_existing:
        plan.actions.append(("notice.import_wrote", line))
    elif new_text == text:
        plan.actions.append(("notice.import_unchanged", line))
    else:
        plan.actions.append(("notice.import_updated", line))
    if parsed.closings:
        lists = [lst for lst in repo.problem_lists if lst.model.project == project.id]
        out.extend(_apply_closings(root, lists[0] if lists else None, form, parsed, plan, as_of))

    def load(rel: str, key: str) -> Any:
        if rel not in plan.data:
            text = None if (root / rel).exists() else new_list_text(rel, project.id, key)
            plain, bom, crlf = (
                decode_text((root / rel).read_bytes()) if text is None else (text, False, False)
            )
            plan.data[rel] = load_round_trip(plain)
            plan.encoding[rel] = (bom, crlf)
        return plan.data[rel]

    out.extend(apply_mechanism(root, repo, project, form, plan, as_of, load))
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


def _apply_closings(
    root: Path,
    lst: Any,
    form: ReadForm,
    parsed: ParsedForm,
    plan: Planned,
    as_of: dt.date,
) -> list[FormProblem]:
    out: list[FormProblem] = []
    if lst is None:
        return [
            form.at("problems", f"A{c.row}", "W502", f"there is no problem {c.ident!r}")
            for c in parsed.closings
        ]
    rel = lst.source.rel
    if rel not in plan.data:
        plain, bom, crlf = decode_text((root / rel).read_bytes())
        plan.data[rel] = load_round_trip(plain)
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
        assert c.closed_on is not None and c.resolution is not None
        if entry.get("status") == "closed" and (
            norm(entry.get("closed_on")) == norm(c.closed_on)
            and entry.get("resolution") == c.resolution
            and list(entry.get("evidence") or []) == c.evidence
        ):
            continue  # crossed off as the form says (the same form imported again)
        refused = closing_refused(entry, q, c.closed_on, as_of)
        if refused is not None:
            out.append(form.at("problems", cell, *refused))
            continue
        cross_off(entry, c.closed_on, c.resolution, c.evidence)
        places = plan.places[rel]
        places[("problems", index)] = (form, "problems", cell)
        places[("problems", index, "closed_on")] = (form, "problems", cell)
        for key in ("resolution", "evidence"):
            places[("problems", index, key)] = (form, "problems", f"{column_letter('problems', key)}{c.row}")
        plan.actions.append(("notice.import_closed", {"id": c.ident, "path": rel, "form": form.path.name}))
    return out
