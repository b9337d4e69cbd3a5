"""The plan's working mechanism beyond the reports: `yunhe remind` (催报, what each unit owes)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from yunhe_cli.cli.loading import load_repo
from yunhe_cli.cli.options import AsOfOption, AtOption, DataOption, LangOption, ReportOptions
from yunhe_cli.outputs.labels import Lang


class RemindFormat(StrEnum):
    """The formats of `yunhe remind` (outputs.reminder_views.ReminderFormat, named here so that the
    command's help does not import the reports)."""

    text = "text"
    markdown = "markdown"
    json = "json"
    ics = "ics"


def remind(
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="只提醒此单位（名称、简称或编号）。 Only this unit (name, alias or id)."),
    ] = None,
    within: Annotated[
        int,
        typer.Option(
            "--within",
            min=0,
            metavar="DAYS",
            help="提前天数（默认14）。 Also what falls due within DAYS (default 14).",
        ),
    ] = 14,
    output_format: Annotated[
        RemindFormat,
        typer.Option(
            "--format",
            help="输出格式。 text (one chat message per unit), markdown, json, or ics (an iCalendar feed).",
        ),
    ] = RemindFormat.text,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    at: AtOption = None,
) -> None:
    """催报: what each unit owes — reports, task deadlines, problems — due or overdue, ready to send."""
    from yunhe_cli.reports.query import UnknownName
    from yunhe_cli.reports.reminders import reminders

    options = ReportOptions.of(data, as_of=as_of, at=at, lang=lang)
    repo, code = load_repo(options.data, options.at, options.as_of)
    try:
        result = reminders(repo, options.today, within, unit)
    except UnknownName as exc:
        raise typer.BadParameter(str(exc), param_hint="--unit") from None
    from yunhe_cli.outputs.reminder_views import ReminderFormat, render_reminders

    # bytes: the calendar's CRLF line ends must reach the file as they are
    sys.stdout.buffer.write(render_reminders(result, ReminderFormat(output_format.value), lang or Lang.zh))
    sys.stdout.flush()
    raise typer.Exit(code)
