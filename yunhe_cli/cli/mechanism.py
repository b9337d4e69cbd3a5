"""The commands of the rest of the working mechanism: `yunhe assess` (形势研判, a quarter's
assessment drafted for the lead unit), `yunhe supervise add|feedback|close|return` (督查督办) and
`yunhe remind` (催报, what each unit owes).
Each write is checked and atomic; what refused it is printed and nothing changes."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from yunhe_cli.cli.loading import load_repo
from yunhe_cli.cli.options import (
    AsOfOption,
    AtOption,
    DataOption,
    LangOption,
    LockTimeoutOption,
    ReportOptions,
    data_root,
    date_option,
    parse_date,
)
from yunhe_cli.cli.printing import run_write
from yunhe_cli.outputs.labels import Lang

if TYPE_CHECKING:
    from yunhe_cli.core.problems import Problem

supervise_app = typer.Typer(
    help="Supervision items (督查督办): add, feedback, close, return.", no_args_is_help=True
)

ItemArgument = Annotated[
    str, typer.Argument(metavar="ID", help="督办事项编号。 The item's id, e.g. p03-s001.")
]


def assess(
    project: Annotated[str, typer.Argument(help="工程编号或序号。 Project id (p03) or number (3).")],
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter", metavar="YYYY-Qn", help="季度（默认上一季度）。 The quarter (default: the last one)."
        ),
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lock_timeout: LockTimeoutOption = 30,
) -> None:
    """形势研判: draft the quarter's assessment with the computed facts, for the lead unit to complete."""
    from yunhe_cli.core.periods import quarter_of_date
    from yunhe_cli.edits.mechanism import draft_assessment
    from yunhe_cli.reports.quarterly import parse_quarter, previous_quarter

    today = as_of or dt.date.today()
    if quarter is None:
        now = quarter_of_date(today)
        year, q = previous_quarter(int(now[:4]), int(now[-1]))
    else:
        try:
            year, q = parse_quarter(quarter)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--quarter") from None
    which = f"{year:04d}-Q{q}"
    root = data_root(data)
    run_write(
        lambda seen: draft_assessment(root, project, which, today, lock_timeout, seen),
        ("notice.assessment_drafted", {"quarter": which}),
    )


@supervise_app.command("add")
def supervise_add(
    project: Annotated[
        str, typer.Option("--project", "-p", help="工程编号或序号。 Project id (p03) or number (3).")
    ],
    unit: Annotated[str, typer.Option("--unit", help="承办单位: name, alias or id.")],
    due: Annotated[
        dt.date, typer.Option("--due", parser=parse_date, metavar="YYYY-MM-DD", help="办理时限 due date.")
    ],
    requirement: Annotated[str, typer.Option("--requirement", help="督办要求 what is required.")],
    problem: Annotated[str | None, typer.Option("--problem", help="关联问题 a problem id (p03-002).")] = None,
    task: Annotated[str | None, typer.Option("--task", help="关联任务 a key task id.")] = None,
    issued_on: Annotated[
        dt.date | None, date_option("--issued-on", "交办日期（默认今天）。 Date issued (default: today).")
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lock_timeout: LockTimeoutOption = 30,
) -> None:
    """交办: issue an item to a unit about a project, with the next free id."""
    from yunhe_cli.edits.mechanism import add_item

    today = as_of or dt.date.today()
    root = data_root(data)
    added: list[str] = []

    def action(seen: list[Problem]) -> Path:
        item_id, path = add_item(
            root,
            project,
            unit,
            due,
            requirement,
            issued_on or today,
            today,
            problem,
            task,
            lock_timeout,
            seen,
        )
        added.append(item_id)
        return path

    run_write(action, lambda: ("notice.item_added", {"id": added[0]}), project_hint="--project")


@supervise_app.command("feedback")
def supervise_feedback(
    item: ItemArgument,
    text: Annotated[str, typer.Option("--text", help="办理情况 what was done.")],
    on: Annotated[
        dt.date | None, date_option("--on", "反馈日期（默认今天）。 Date (default: today).")
    ] = None,
    evidence: Annotated[
        list[str] | None, typer.Option("--evidence", help="佐证材料; repeat for more than one.")
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lock_timeout: LockTimeoutOption = 30,
) -> None:
    """办理情况: the unit's feedback on an item (an item sent back is open again)."""
    from yunhe_cli.edits.mechanism import item_feedback

    today = as_of or dt.date.today()
    root = data_root(data)
    run_write(
        lambda seen: item_feedback(root, item, text, on or today, evidence or [], today, lock_timeout, seen),
        ("notice.item_feedback", {"id": item}),
    )


@supervise_app.command("close")
def supervise_close(
    item: ItemArgument,
    conclusion: Annotated[str | None, typer.Option("--conclusion", help="办结意见.")] = None,
    on: Annotated[
        dt.date | None, date_option("--on", "办结日期（默认今天）。 Date (default: today).")
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lock_timeout: LockTimeoutOption = 30,
) -> None:
    """办结: the supervision office closes an item."""
    from yunhe_cli.edits.mechanism import close_item

    today = as_of or dt.date.today()
    root = data_root(data)
    run_write(
        lambda seen: close_item(root, item, on or today, conclusion, today, lock_timeout, seen),
        ("notice.item_closed", {"id": item}),
    )


@supervise_app.command("return")
def supervise_return(
    item: ItemArgument,
    reason: Annotated[str, typer.Option("--reason", help="退回原因 why it is sent back.")],
    on: Annotated[
        dt.date | None, date_option("--on", "退回日期（默认今天）。 Date (default: today).")
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lock_timeout: LockTimeoutOption = 30,
) -> None:
    """退回: the supervision office sends an item back to its unit."""
    from yunhe_cli.edits.mechanism import return_item

    today = as_of or dt.date.today()
    root = data_root(data)
    run_write(
        lambda seen: return_item(root, item, on or today, reason, today, lock_timeout, seen),
        ("notice.item_returned", {"id": item}),
    )


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
