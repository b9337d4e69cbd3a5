"""Checks across files: plain functions over a loaded repository, kept in one registry.

Each check is named (as hledger names its checks) and returns problems; none of them
prints or raises. A check sees only models that passed their schema, so it may trust
types and single-file rules and look only at what needs more than one file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from yunhe_cli.checks.mechanism_checks import check_mechanism
from yunhe_cli.core import model as m
from yunhe_cli.core.index import Index
from yunhe_cli.core.kinds import LEVEL, IndicatorKind, kind_of
from yunhe_cli.core.periods import period_end, period_start
from yunhe_cli.core.plausibility import COUNT_UNITS
from yunhe_cli.core.problems import Loc, Problem
from yunhe_cli.core.readings import Reading
from yunhe_cli.core.repository import Loaded, Repository

# Units of amounts: like counts (COUNT_UNITS), a reported value is never negative.
AMOUNT_UNITS = frozenset({"亿元", "万元", "亩", "万千瓦"})
# Plausible ranges of a level read in years.
YEAR_RANGES = {"岁": (0.0, 130.0), "年": (0.0, 30.0)}


Check = Callable[[Repository, Index], Iterable[Problem]]
AnyLoaded = Loaded[Any]


def _p(source: AnyLoaded | Path, code: str, message: str, loc: Loc, at_key: bool = False) -> Problem:
    path = source if isinstance(source, Path) else source.source.path
    return Problem(path, code, message, loc, at_key=at_key)


def _suggest(ref: str, names: Iterable[str]) -> str:
    close = difflib.get_close_matches(ref, list(names), n=1, cutoff=0.5)
    return f"; did you mean {close[0]!r}?" if close else ""


# --------------------------------------------------------------------------- file names


def check_file_names(repo: Repository, index: Index) -> Iterator[Problem]:
    for proj in repo.projects:
        stem = proj.source.rel.split("/")[-1].removesuffix(".yaml")
        if proj.model.id != stem:
            yield _p(
                proj,
                "R201",
                f"the file is named {stem}.yaml but the project's id is {proj.model.id!r}",
                ("id",),
            )
    for rep in repo.reports:
        _, folder, name = rep.source.rel.split("/")
        if rep.model.project != folder:
            yield _p(
                rep,
                "R201",
                f"the report is in the folder {folder}/ but names the project {rep.model.project!r}",
                ("project",),
            )
        if rep.model.period != name.removesuffix(".yaml"):
            yield _p(
                rep,
                "R201",
                f"the file is named {name} but the period inside is {rep.model.period!r}",
                ("period",),
            )
    for lst in repo.problem_lists:
        stem = lst.source.rel.split("/")[-1].removesuffix(".yaml")
        if lst.model.project != stem:
            yield _p(
                lst,
                "R201",
                f"the file is named {stem}.yaml but names the project {lst.model.project!r}",
                ("project",),
            )


# --------------------------------------------------------------------------- uniqueness


def _duplicates(items: Iterable[tuple[str, AnyLoaded | Path, Loc]], what: str) -> Iterator[Problem]:
    first: dict[str, tuple[AnyLoaded | Path, Loc]] = {}
    for key, source, loc in items:
        if key in first:
            other_src, _ = first[key]
            other_path = other_src if isinstance(other_src, Path) else other_src.source.path
            yield _p(source, "R202", f"{what} {key!r} is used twice (first in {other_path})", loc)
        else:
            first[key] = (source, loc)


def check_unique_ids(repo: Repository, index: Index) -> Iterator[Problem]:
    yield from _duplicates(((p.model.id, p, ("id",)) for p in repo.projects), "the project id")
    yield from _duplicates(
        ((str(p.model.number), p, ("number",)) for p in repo.projects), "the project number"
    )
    for proj in repo.projects:
        yield from _duplicates(
            ((ind.id, proj, ("indicators", i, "id")) for i, ind in enumerate(proj.model.indicators)),
            "the indicator id",
        )
        yield from _duplicates(
            ((t.id, proj, ("tasks", i, "id")) for i, t in enumerate(proj.model.tasks)), "the task id"
        )
    yield from _duplicates(
        (
            (prob.id, lst, ("problems", i, "id"))
            for lst in repo.problem_lists
            for i, prob in enumerate(lst.model.problems)
        ),
        "the problem id",
    )
    yield from _duplicates(
        ((lst.model.project, lst, ("project",)) for lst in repo.problem_lists), "the problem list of project"
    )
    if repo.units:
        units = repo.units
        yield from _duplicates(
            (
                (name, units, ("units", i, key) if key != "aliases" else ("units", i, "aliases", j - 2))
                for i, u in enumerate(units.model.units)
                for j, (key, name) in enumerate(
                    [("id", u.id), ("name", u.name), *(("aliases", a) for a in u.aliases)]
                )
            ),
            "the unit name or id",
        )
    if repo.people:
        people = repo.people
        yield from _duplicates(
            (
                (name, people, ("people", i, key))
                for i, p in enumerate(people.model.people)
                for key, name in (("id", p.id), ("name", p.name))
            ),
            "the person's name or id",
        )
    for rep in repo.reports:
        yield from _duplicates(
            ((v.indicator, rep, ("values", i, "indicator")) for i, v in enumerate(rep.model.values)),
            "the indicator",
        )
        yield from _duplicates(
            ((t.task, rep, ("tasks", i, "task")) for i, t in enumerate(rep.model.tasks)), "the task"
        )


# --------------------------------------------------------------------------- references


def check_references(repo: Repository, index: Index) -> Iterator[Problem]:
    def unit(src: AnyLoaded, ref: str | None, loc: Loc) -> Iterator[Problem]:
        if ref is not None and repo.units is not None and ref not in index.units:
            yield _p(src, "R203", f"the unit {ref!r} is not in units.yaml{_suggest(ref, index.units)}", loc)

    def person(src: AnyLoaded, ref: str, loc: Loc) -> Iterator[Problem]:
        if repo.people is not None and ref not in index.people:
            yield _p(src, "R204", f"{ref!r} is not in people.yaml{_suggest(ref, index.people)}", loc)

    if repo.plan:
        plan = repo.plan
        yield from person(plan, plan.model.chief_convener, ("chief_convener",))
        yield from unit(plan, plan.model.issuer, ("issuer",))
        yield from unit(plan, plan.model.office_unit, ("office_unit",))
        yield from unit(plan, plan.model.supervision_unit, ("supervision_unit",))
    for proj in repo.projects:
        pm = proj.model
        yield from person(proj, pm.convener, ("convener",))
        yield from unit(proj, pm.lead_unit, ("lead_unit",))
        for i, ref in enumerate(pm.responsible_units):
            yield from unit(proj, ref, ("responsible_units", i))
        for i, ind in enumerate(pm.indicators):
            yield from unit(proj, ind.owner, ("indicators", i, "owner"))
        for i, task in enumerate(pm.tasks):
            yield from unit(proj, task.owner, ("tasks", i, "owner"))
    for rep in repo.reports:
        rm = rep.model
        yield from unit(rep, rm.submitted_by, ("submitted_by",))
        target = index.projects.get(rm.project)
        if target is None:
            yield _p(
                rep,
                "R205",
                f"there is no project {rm.project!r}{_suggest(rm.project, index.projects)}",
                ("project",),
            )
            continue
        indicator_ids = [ind.id for ind in target.indicators]
        for i, v in enumerate(rm.values):
            if v.indicator not in indicator_ids and v.indicator not in target.set_aside("indicators"):
                yield _p(
                    rep,
                    "R206",
                    f"project {rm.project} has no indicator {v.indicator!r}"
                    f"{_suggest(v.indicator, indicator_ids)}",
                    ("values", i, "indicator"),
                )
        for i, revision in enumerate(rm.revisions):  # a revision names what the project has
            named = revision.indicator
            if (
                named is not None
                and named not in indicator_ids
                and named not in target.set_aside("indicators")
            ):
                message = f"project {rm.project} has no indicator {named!r}{_suggest(named, indicator_ids)}"
                yield _p(rep, "R206", message, ("revisions", i, "indicator"))
            if revision.task is not None and revision.task not in {t.id for t in target.tasks}:
                message = f"project {rm.project} has no task {revision.task!r}"
                yield _p(rep, "R207", message, ("revisions", i, "task"))
        task_ids = [t.id for t in target.tasks]
        tasks_by_id = {t.id: t for t in target.tasks}
        for i, t in enumerate(rm.tasks):
            if t.task in target.set_aside("tasks"):
                continue
            if t.task not in task_ids:
                yield _p(
                    rep,
                    "R207",
                    f"project {rm.project} has no task {t.task!r}{_suggest(t.task, task_ids)}",
                    ("tasks", i, "task"),
                )
                continue
            titles = [ms.title for ms in tasks_by_id[t.task].milestones]
            for j, reached in enumerate(t.milestones):
                if reached.milestone not in titles:
                    known = (
                        f"; its milestones are {', '.join(titles)}" if titles else "; it has no milestones"
                    )
                    yield _p(
                        rep,
                        "R208",
                        f"task {t.task} has no milestone {reached.milestone!r}{known}",
                        ("tasks", i, "milestones", j, "milestone"),
                    )
    for lst in repo.problem_lists:
        target = index.projects.get(lst.model.project)
        if target is None:
            yield _p(
                lst,
                "R205",
                f"there is no project {lst.model.project!r}{_suggest(lst.model.project, index.projects)}",
                ("project",),
            )
        for i, prob in enumerate(lst.model.problems):
            yield from unit(lst, prob.owner, ("problems", i, "owner"))
            if (
                target is not None
                and prob.task is not None
                and prob.task not in [t.id for t in target.tasks]
                and prob.task not in target.set_aside("tasks")
            ):
                yield _p(
                    lst, "R207", f"project {target.id} has no task {prob.task!r}", ("problems", i, "task")
                )


# --------------------------------------------------------------------------- dates


def check_dates(repo: Repository, index: Index) -> Iterator[Problem]:
    horizon = index.horizon

    def inside(src: AnyLoaded, day: dt.date | None, loc: Loc, what: str) -> Iterator[Problem]:
        if horizon is not None and day is not None and not horizon.start <= day <= horizon.end:
            yield _p(
                src,
                "D301",
                f"{what} {day} is outside the plan's horizon ({horizon.start} to {horizon.end})",
                loc,
            )

    def order(
        src: AnyLoaded, early: dt.date | None, late: dt.date | None, loc: Loc, message: str
    ) -> Iterator[Problem]:
        if early is not None and late is not None and late < early:
            yield _p(src, "D302", message.format(early=early, late=late), loc)

    for proj in repo.projects:
        for i, ind in enumerate(proj.model.indicators):
            yield from inside(proj, ind.target.by, ("indicators", i, "target", "by"), "the target date")
            for j, annual in enumerate(ind.annual_targets):
                if horizon is not None and not horizon.start.year <= annual.year <= horizon.end.year:
                    yield _p(
                        proj,
                        "D301",
                        f"the year {annual.year} is outside the plan's horizon",
                        ("indicators", i, "annual_targets", j, "year"),
                    )
            if ind.baseline is not None and ind.baseline.on > ind.target.by:
                yield _p(
                    proj,
                    "D302",
                    "the baseline is dated after the target date",
                    ("indicators", i, "baseline", "on"),
                )
        for i, task in enumerate(proj.model.tasks):
            yield from inside(proj, task.start, ("tasks", i, "start"), "the start")
            yield from inside(proj, task.due, ("tasks", i, "due"), "the due date")
            yield from order(
                proj, task.start, task.due, ("tasks", i, "due"), "due {late} is before the start {early}"
            )
            previous: dt.date | None = None
            for j, ms in enumerate(task.milestones):
                loc: Loc = ("tasks", i, "milestones", j, "due")
                if previous is not None and ms.due < previous:
                    yield _p(
                        proj,
                        "D303",
                        f"this milestone ({ms.due}) comes before the one above it ({previous})",
                        loc,
                    )
                elif ms.due > task.due or (task.start is not None and ms.due < task.start):
                    yield _p(
                        proj,
                        "D303",
                        f"this milestone ({ms.due}) is outside its task ({task.start or '…'} to {task.due})",
                        loc,
                    )
                previous = ms.due
    for rep in repo.reports:
        rm = rep.model
        start = period_start(rm.period)
        if horizon is not None and not horizon.start <= start <= horizon.end:
            yield _p(rep, "D301", f"the period {rm.period} is outside the plan's horizon", ("period",))
        yield from order(
            rep,
            start,
            rm.submitted_on,
            ("submitted_on",),
            "submitted on {late}, before the period it reports began ({early})",
        )
        for i, v in enumerate(rm.values):
            yield from inside(rep, v.achieved_on, ("values", i, "achieved_on"), "the date")
            yield from order(
                rep,
                v.achieved_on,
                period_end(rm.period) if v.achieved_on else None,
                ("values", i, "achieved_on"),
                "achieved on {early}, after the period it reports",
            )
        for i, t in enumerate(rm.tasks):
            yield from order(
                rep,
                t.done_on,
                period_end(rm.period) if t.done_on else None,
                ("tasks", i, "done_on"),
                "done on {early}, after the period it reports",
            )
            for j, reached in enumerate(t.milestones):
                yield from order(
                    rep,
                    reached.reached_on,
                    period_end(rm.period),
                    ("tasks", i, "milestones", j, "reached_on"),
                    "milestone reached on {early}, after the period it reports",
                )
    for lst in repo.problem_lists:
        for i, prob in enumerate(lst.model.problems):
            yield from inside(lst, prob.raised_on, ("problems", i, "raised_on"), "the date raised")
            yield from order(
                lst,
                prob.raised_on,
                prob.due,
                ("problems", i, "due"),
                "due {late}, before it was raised ({early})",
            )
            yield from order(
                lst,
                prob.raised_on,
                prob.closed_on,
                ("problems", i, "closed_on"),
                "closed {late}, before it was raised ({early})",
            )
            for j, again in enumerate(prob.reopened):
                yield from order(
                    lst,
                    prob.raised_on,
                    again.on,
                    ("problems", i, "reopened", j, "on"),
                    "reopened {late}, before it was raised ({early})",
                )


# --------------------------------------------------------------------------- the future


def check_future(repo: Repository, index: Index) -> Iterator[Problem]:
    """One rule for every date of something done: it cannot be after the day the data is checked on.

    Plans may look ahead (due dates, targets, milestones); a report, a submission, a closing or a
    baseline records what has happened.
    """
    today = index.today
    if today is None:
        return

    def after(src: AnyLoaded, day: dt.date | None, loc: Loc, what: str) -> Iterator[Problem]:
        if day is not None and day > today:
            yield _p(src, "D304", f"{what} {day} is after {today}, the day checked on; it cannot be yet", loc)

    if repo.plan:
        yield from after(repo.plan, repo.plan.model.issued_on, ("issued_on",), "the plan was issued on")
        yield from after(repo.plan, repo.plan.model.printed_on, ("printed_on",), "the plan was printed on")
    for proj in repo.projects:
        for i, ind in enumerate(proj.model.indicators):
            if ind.baseline is not None:
                yield from after(
                    proj, ind.baseline.on, ("indicators", i, "baseline", "on"), "the baseline of"
                )
    for rep in repo.reports:
        rm = rep.model
        if period_start(rm.period) > today:
            yield _p(
                rep,
                "D304",
                f"the period {rm.period} has not begun on {today}, the day checked on",
                ("period",),
            )
        yield from after(rep, rm.submitted_on, ("submitted_on",), "submitted on")
        for i, v in enumerate(rm.values):
            yield from after(rep, v.achieved_on, ("values", i, "achieved_on"), "achieved on")
        for i, t in enumerate(rm.tasks):
            yield from after(rep, t.done_on, ("tasks", i, "done_on"), "done on")
        for i, revision in enumerate(rm.revisions):
            yield from after(rep, revision.on, ("revisions", i, "on"), "revised on")
    for lst in repo.problem_lists:
        for i, prob in enumerate(lst.model.problems):
            yield from after(lst, prob.raised_on, ("problems", i, "raised_on"), "raised on")
            yield from after(lst, prob.closed_on, ("problems", i, "closed_on"), "closed on")
            for j, again in enumerate(prob.reopened):
                yield from after(lst, again.on, ("problems", i, "reopened", j, "on"), "reopened on")


# --------------------------------------------------------------------------- values


def check_values(repo: Repository, index: Index) -> Iterator[Problem]:
    for rep in repo.reports:
        target = index.projects.get(rep.model.project)
        if target is None:
            continue
        by_id = {ind.id: ind for ind in target.indicators}
        for i, v in enumerate(rep.model.values):
            ind = by_id.get(v.indicator)
            if ind is not None:
                yield from _value_problems(rep, ind, v, ("values", i))


def _value_problems(
    rep: Loaded[m.MonthlyReport], ind: m.Indicator, v: m.ReportedValue, loc: Loc
) -> Iterator[Problem]:
    kind = kind_of(ind)
    if kind.qualitative:
        for name in ("value", "level"):
            if getattr(v, name) is not None:
                yield _p(
                    rep,
                    "V402",
                    f"{ind.id} is a milestone: report achieved: true/false, not {name}",
                    (*loc, name),
                )
        return
    if v.achieved is not None:
        yield _p(rep, "V402", f"{ind.id} is not a milestone: report value, not achieved", (*loc, "achieved"))
    if v.level is not None and not kind.reports_level:
        yield _p(rep, "V402", f"{ind.id} is not a growth indicator: report value, not level", (*loc, "level"))
    for name, unit in (("value", ind.unit), ("level", ind.level_unit if kind.reports_level else None)):
        number = getattr(v, name)
        if number is None or unit is None:
            continue
        # a level (水平值) is read as a level indicator's figure is
        reason = _implausible(number, unit, kind if name == "value" else LEVEL)
        if reason:
            yield _p(rep, "V401", f"{ind.id}: {number:g} {unit} {reason}", (*loc, name))


def _implausible(number: float, unit: str, kind: IndicatorKind) -> str | None:
    if not math.isfinite(number):
        return "is not a finite number"
    if kind.is_rate:
        return "is not a plausible rate of growth (beyond ±1000)" if abs(number) > 1000 else None
    if number < 0 and (unit in COUNT_UNITS or unit in AMOUNT_UNITS or unit == "%"):
        return "cannot be negative"
    if unit == "%" and number > 100 and kind.percent_is_share:
        return "is more than 100%, which a share cannot be"
    if unit in YEAR_RANGES:
        low, high = YEAR_RANGES[unit]
        if not low <= number <= high:
            return f"is outside the plausible range {low:g}–{high:g}"
    return None


def check_plausibility(repo: Repository, index: Index) -> Iterator[Problem]:
    """Figures that are allowed but look wrong (warnings): a running total that falls, a count with a
    fraction, a jump of more than ten times. Each indicator's kind says what is plausible."""
    by_project: dict[str, list[Loaded[m.MonthlyReport]]] = {}
    for rep in repo.reports:
        by_project.setdefault(rep.model.project, []).append(rep)
    for project_id, reports in by_project.items():
        project = index.projects.get(project_id)
        if project is None:
            continue
        reports.sort(key=lambda r: r.model.period)
        series: dict[str, list[Reading]] = {}
        where: dict[tuple[str, str], tuple[Loaded[m.MonthlyReport], int]] = {}
        for rep in reports:  # one pass over the project's reports, not one per indicator
            period = rep.model.period
            for i, v in enumerate(rep.model.values):
                series.setdefault(v.indicator, []).append(
                    Reading(period, v.value, v.level, v.achieved, v.achieved_on)
                )
                where[(v.indicator, period)] = (rep, i)
        for ind in project.indicators:
            for w in kind_of(ind).plausibility(ind, series.get(ind.id, [])):
                rep, i = where[(ind.id, w.period)]
                yield _p(rep, w.code, w.message, ("values", i, w.field))


def check_members(repo: Repository, index: Index) -> Iterable[Problem]:
    from yunhe_cli.checks.members import (
        member_problems,  # the members file's rules live with the rest of ownership
    )

    return member_problems(repo, index)


CHECKS: tuple[tuple[str, Check], ...] = (
    ("file-names", check_file_names),
    ("unique-ids", check_unique_ids),
    ("references", check_references),
    ("dates", check_dates),
    ("future", check_future),
    ("values", check_values),
    ("plausibility", check_plausibility),
    ("members", check_members),
    ("mechanism", check_mechanism),
)


def run_checks(repo: Repository, today: dt.date | None = None) -> list[Problem]:
    index = Index.build(repo, today)
    problems: list[Problem] = []
    for _name, check in CHECKS:
        problems.extend(check(repo, index))
    return problems


def judged(
    repo: Repository, problems: list[Problem], today: dt.date, texts: dict[Path, str] | None = None
) -> list[Problem]:
    """What `validate` says of a loaded folder: the problems of reading it, then every rule above,
    each figure written with % said by its indicator's unit, all placed and sorted. The folder read
    afresh (checks/validation.py) and its kept result (checks/folder_result.py) both say it here, so
    that the two cannot say it differently. `texts`: files checked in place of what is on disk."""
    from yunhe_cli.checks.number_hints import percent_hints
    from yunhe_cli.store.yamlio import place

    return place(percent_hints([*problems, *run_checks(repo, today)], repo, texts), texts)
