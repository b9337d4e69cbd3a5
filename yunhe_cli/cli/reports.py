"""The report commands: status, indicators, tasks and issues (over one county or many), and the
working mechanism's dispatch, quarter, annual and an indicator's history.

Each command declares its options with the shared types of `cli.options`, bundles them into one
`ReportOptions`, and leaves loading, printing and the exit status to `cli.loading`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from yunhe_cli.cli.loading import load_repo, run_report
from yunhe_cli.cli.options import (
    AsOfOption,
    AtOption,
    ConvenerOption,
    CountiesOption,
    DataFoldersOption,
    DataOption,
    FormatOption,
    LangOption,
    LeadUnitOption,
    OverdueOption,
    ProjectOption,
    ReportOptions,
    SortOption,
    SortOrder,
    UnitOption,
    check_month_given,
    parse_date,
)
from yunhe_cli.cli.printing import emit_document

if TYPE_CHECKING:
    from yunhe_cli.core.repository import Repository
    from yunhe_cli.outputs.views import TableView
    from yunhe_cli.reports.query import Query
    from yunhe_cli.reports.rollup import StatusReport


def status(
    data: DataFoldersOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    project: ProjectOption = None,
    unit: LeadUnitOption = None,
    convener: ConvenerOption = None,
    at: AtOption = None,
    counties_file: CountiesOption = None,
) -> None:
    """Where each of the ten projects stands against its 2027 targets, worst first (推进情况)."""
    from yunhe_cli.outputs.status_supervision import with_supervision, with_supervision_json
    from yunhe_cli.outputs.views import status_json, status_view

    options = ReportOptions.of(
        data,
        counties_file=counties_file,
        as_of=as_of,
        at=at,
        output_format=output_format,
        lang=lang,
        project=project,
        unit=unit,
        convener=convener,
    )

    def build(report: StatusReport, query: Query) -> tuple[list[TableView], dict[str, object]]:
        report = replace(report, projects=query.projects_of(report))
        view = with_supervision(status_view(report, options.lang), report, options.lang)
        return [view], with_supervision_json(status_json(report), report)

    run_report(options, build)


def indicators(
    data: DataFoldersOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    project: ProjectOption = None,
    unit: UnitOption = None,
    convener: ConvenerOption = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="按状态筛选指标。 "
            "Only indicators with this status: achieved, on_track, at_risk, off_track, no_data.",
        ),
    ] = None,
    at: AtOption = None,
    counties_file: CountiesOption = None,
    sort: SortOption = SortOrder.worst,
) -> None:
    """主要指标进度表: every indicator against its 2027 target."""
    from yunhe_cli.outputs.order_rules import with_order_rule
    from yunhe_cli.outputs.views import indicators_json, indicators_view
    from yunhe_cli.reports.ordering import indicators_worst_first
    from yunhe_cli.reports.rollup import STATUSES

    if status is not None and status not in STATUSES:
        raise typer.BadParameter(f"use one of {', '.join(STATUSES)}", param_hint="--status")
    options = ReportOptions.of(
        data,
        counties_file=counties_file,
        as_of=as_of,
        at=at,
        output_format=output_format,
        lang=lang,
        project=project,
        unit=unit,
        convener=convener,
        status=status,
        sort=sort,
    )

    def build(report: StatusReport, query: Query) -> tuple[list[TableView], dict[str, object]]:
        rows = query.indicators_of(report)
        view = indicators_view(report, rows, options.lang)
        if options.sort is SortOrder.worst:
            rows = indicators_worst_first(rows)
            view = with_order_rule(indicators_view(report, rows, options.lang), "indicators", options.lang)
        return [view], indicators_json(report, rows)

    run_report(options, build)


def tasks(
    data: DataFoldersOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    project: ProjectOption = None,
    unit: UnitOption = None,
    convener: ConvenerOption = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="按状态筛选任务。 "
            "Only tasks in this state: not_started, in_progress, done, blocked, not_reported.",
        ),
    ] = None,
    overdue: OverdueOption = False,
    at: AtOption = None,
    counties_file: CountiesOption = None,
    sort: SortOption = SortOrder.worst,
) -> None:
    """重点任务进度表: every key task, its latest state and what is overdue."""
    from yunhe_cli.outputs.order_rules import with_order_rule
    from yunhe_cli.outputs.views import tasks_json, tasks_view
    from yunhe_cli.reports.ordering import tasks_worst_first
    from yunhe_cli.reports.rollup import TASK_STATES

    if status is not None and status not in TASK_STATES:
        raise typer.BadParameter(f"use one of {', '.join(TASK_STATES)}", param_hint="--status")
    options = ReportOptions.of(
        data,
        counties_file=counties_file,
        as_of=as_of,
        at=at,
        output_format=output_format,
        lang=lang,
        project=project,
        unit=unit,
        convener=convener,
        status=status,
        overdue=overdue,
        sort=sort,
    )

    def build(report: StatusReport, query: Query) -> tuple[list[TableView], dict[str, object]]:
        rows = query.tasks_of(report)
        if options.sort is not SortOrder.worst:
            return [tasks_view(report, rows, options.lang)], tasks_json(report, rows)
        rows = tasks_worst_first(rows)
        return [with_order_rule(tasks_view(report, rows, options.lang), "tasks", options.lang)], tasks_json(
            report, rows
        )

    run_report(options, build)


def issues_command(
    data: DataFoldersOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    project: ProjectOption = None,
    unit: UnitOption = None,
    convener: ConvenerOption = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="按销号状态筛选问题。 Only problems that are open or closed."),
    ] = None,
    overdue: OverdueOption = False,
    at: AtOption = None,
    counties_file: CountiesOption = None,
    sort: SortOption = SortOrder.worst,
) -> None:
    """问题销号进度表: every problem, open, overdue or crossed off."""
    from yunhe_cli.outputs.order_rules import with_order_rule
    from yunhe_cli.outputs.views import problems_json, problems_view
    from yunhe_cli.reports.ordering import problems_worst_first

    if status is not None and status not in ("open", "closed"):
        raise typer.BadParameter("use open or closed", param_hint="--status")
    options = ReportOptions.of(
        data,
        counties_file=counties_file,
        as_of=as_of,
        at=at,
        output_format=output_format,
        lang=lang,
        project=project,
        unit=unit,
        convener=convener,
        status=status,
        overdue=overdue,
        sort=sort,
    )

    def build(report: StatusReport, query: Query) -> tuple[list[TableView], dict[str, object]]:
        rows = query.problems_of(report)
        if options.sort is not SortOrder.worst:
            return [problems_view(report, rows, options.lang)], problems_json(report, rows)
        rows = problems_worst_first(rows)
        view = with_order_rule(problems_view(report, rows, options.lang), "issues", options.lang)
        return [view], problems_json(report, rows)

    run_report(options, build)


# --------------------------------------------------------------------------- the working mechanism


def dispatch(
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="YYYY-MM",
            help="调度月份（默认上月）。 Month dispatched (default: last month).",
        ),
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    at: AtOption = None,
    sort: SortOption = SortOrder.worst,
) -> None:
    """月调度: reports late or missing, what is overdue by unit and convener, what changed this month."""

    from yunhe_cli.edits.drafts import default_period
    from yunhe_cli.outputs.meeting_views import dispatch_json, dispatch_views
    from yunhe_cli.reports.dispatch import dispatch as run_dispatch
    from yunhe_cli.reports.dispatch import dispatch_as_of
    from yunhe_cli.reports.meetings import OutsidePlan, check_period, plan_months

    options = ReportOptions.of(data, as_of=as_of, at=at, output_format=output_format, lang=lang)
    today = options.today
    check_month_given(period)
    repo, code = load_repo(options.data, options.at, options.as_of)
    first, last = plan_months(repo)
    # Without --period: last month, held inside the plan's months (before the plan: its first).
    month = period or min(max(default_period(today), first), last)
    try:
        check_period(repo, month)
    except OutsidePlan as exc:
        raise typer.BadParameter(str(exc), param_hint="--period") from None
    # A past month's dispatch is read on the day its reports fell due, unless --as-of says otherwise.
    when = as_of if as_of is not None else dispatch_as_of(repo, month, today)
    result = run_dispatch(repo, month, when)
    if sort is SortOrder.worst:  # what needs a decision first, the rule under the first table
        from yunhe_cli.outputs.order_rules import with_order_rule
        from yunhe_cli.reports.ordering import dispatch_worst_first

        result = dispatch_worst_first(result)
    views, doc = dispatch_views(result, options.lang), dispatch_json(result)
    if sort is SortOrder.worst:
        views[0] = with_order_rule(views[0], "dispatch", options.lang)
    if repo.supervision_lists:  # 督查督办: the items overdue, once the folder keeps them
        from yunhe_cli.outputs.mechanism_rest_views import supervision_json, supervision_view
        from yunhe_cli.reports.mechanism_rest import overdue_supervision

        overdue = overdue_supervision(repo, when)
        from yunhe_cli.reports.query import units_in_english

        views.append(supervision_view(overdue, options.lang, units_in_english(repo)))
        doc["supervision"] = supervision_json(overdue)
    emit_document(views, doc, options.output_format)
    raise typer.Exit(code)


def within_plan(repo: Repository, year: int, hint: str) -> None:
    """A quarter's or a year's meeting asked of a year the plan does not cover: a usage error at `hint`."""
    from yunhe_cli.reports.meetings import OutsidePlan, check_year

    try:
        check_year(repo, year)
    except OutsidePlan as exc:
        raise typer.BadParameter(str(exc), param_hint=hint) from None


def quarter(
    which: Annotated[
        str | None,
        typer.Argument(
            metavar="YYYY-Qn",
            help="季度（默认：最近一个已到报送期的季度）。 "
            "The quarter, e.g. 2026-Q3. Default: the last quarter whose reports are due.",
        ),
    ] = None,
    data: DataOption = None,
    as_of: Annotated[
        dt.date | None,
        typer.Option(
            "--as-of",
            parser=parse_date,
            metavar="YYYY-MM-DD",
            help="排名截至日期。 Rank as of this date. Default: the day the quarter's last reports fall due.",
        ),
    ] = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    at: AtOption = None,
) -> None:
    """季分析 (晾晒): indicators and projects ranked against their paths, with the movement."""
    from yunhe_cli.core.periods import last_quarter_due
    from yunhe_cli.outputs.meeting_views import quarter_json, quarter_views
    from yunhe_cli.reports.meetings import due_day
    from yunhe_cli.reports.quarterly import parse_quarter
    from yunhe_cli.reports.quarterly import quarter as run_quarter

    options = ReportOptions.of(data, as_of=as_of, at=at, output_format=output_format, lang=lang)
    try:
        parsed = parse_quarter(which) if which is not None else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="YYYY-Qn") from None
    repo, code = load_repo(options.data, options.at, options.as_of)
    year, q = parsed or last_quarter_due(options.today, due_day(repo))
    within_plan(repo, year, "YYYY-Qn")
    result = run_quarter(repo, year, q, options.as_of)
    from yunhe_cli.reports.query import units_in_english

    units_en = units_in_english(repo)
    views, doc = quarter_views(result, options.lang, units_en), quarter_json(result)
    if repo.assessment_lists:  # 形势研判: judged beside computed, once the folder keeps assessments
        from yunhe_cli.outputs.mechanism_rest_views import judged_json, judged_view
        from yunhe_cli.reports.mechanism_rest import judged

        rows = judged(repo, result)
        views.append(judged_view(rows, options.lang, units_en))
        doc["assessments"] = judged_json(rows)
    emit_document(views, doc, options.output_format)
    raise typer.Exit(code)


def annual(
    which_year: Annotated[
        int | None,
        typer.Argument(
            metavar="YYYY",
            help="年度（默认：最近一个已到报送期的年度）。 "
            "The year, e.g. 2025. Default: the last year whose December reports are due.",
        ),
    ] = None,
    data: DataOption = None,
    as_of: Annotated[
        dt.date | None,
        typer.Option(
            "--as-of",
            parser=parse_date,
            metavar="YYYY-MM-DD",
            help="截至日期。 As of this date. Default: the day December's reports fall due.",
        ),
    ] = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    at: AtOption = None,
) -> None:
    """年总结: each indicator's year against its target, tasks done, problems raised and closed, next year."""
    from yunhe_cli.core.periods import last_year_due
    from yunhe_cli.outputs.meeting_views import annual_json, annual_views
    from yunhe_cli.reports.annual import annual as run_annual
    from yunhe_cli.reports.meetings import due_day

    options = ReportOptions.of(data, as_of=as_of, at=at, output_format=output_format, lang=lang)
    repo, code = load_repo(options.data, options.at, options.as_of)
    year = which_year if which_year is not None else last_year_due(options.today, due_day(repo))
    within_plan(repo, year, "YYYY")
    result = run_annual(repo, year, options.as_of)
    from yunhe_cli.reports.query import units_in_english

    units_en = units_in_english(repo)
    views, doc = annual_views(result, options.lang, units_en), annual_json(result)
    if repo.practice_lists:  # 经验推广: the year's good practices, once the folder keeps them
        from yunhe_cli.outputs.mechanism_rest_views import practices_json, practices_view
        from yunhe_cli.reports.mechanism_rest import practices_of_year

        found = practices_of_year(repo, year, result.as_of)
        views.append(practices_view(year, found, options.lang, units_en))
        doc["practices"] = practices_json(found)
    emit_document(views, doc, options.output_format)
    raise typer.Exit(code)


def history(
    indicator: Annotated[
        str,
        typer.Argument(
            help="PROJECT.INDICATOR (p01.investment), an id, a name (有效投资) or a unique part of one. "
            "指标：编号或名称。"
        ),
    ],
    data: DataOption = None,
    as_of: AsOfOption = None,
    output_format: FormatOption = None,
    lang: LangOption = None,
    at: AtOption = None,
) -> None:
    """An indicator's monthly series with its expected values, and a sparkline (指标历史)."""
    from yunhe_cli.outputs.meeting_views import history_json, history_views
    from yunhe_cli.reports.meetings import history as run_history
    from yunhe_cli.reports.query import UnknownName, resolve_indicator

    options = ReportOptions.of(data, as_of=as_of, at=at, output_format=output_format, lang=lang)
    repo, code = load_repo(options.data, options.at, options.as_of)
    try:
        project, ind = resolve_indicator(repo, indicator)
    except UnknownName as exc:
        raise typer.BadParameter(str(exc), param_hint="INDICATOR") from None
    today = options.today
    points = run_history(repo, project, ind, today)
    views = history_views(project, ind, points, options.lang)
    emit_document(views, history_json(project, ind, points, today.isoformat()), options.output_format)
    raise typer.Exit(code)
