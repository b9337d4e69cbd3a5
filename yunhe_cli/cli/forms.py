"""The Excel forms: `yunhe form` writes a project's fillable month, `yunhe import` reads filled
forms back into the data, the whole batch or nothing."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from yunhe_cli.cli.options import (
    AsOfOption,
    DataOption,
    LangOption,
    PeriodOption,
    check_month_given,
    data_root,
    settled_lang,
)
from yunhe_cli.cli.printing import export_failed, notice, refused
from yunhe_cli.outputs.messages import text


def form_command(
    project: Annotated[str, typer.Argument(help="工程编号或序号。 Project id (p03) or number (3).")],
    out: Annotated[Path, typer.Argument(metavar="OUT.xlsx", help="输出的工作簿。 The workbook to write.")],
    period: PeriodOption = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
) -> None:
    """Write the month's fillable form of a project, for Excel or WPS (月报填报表)."""
    import re

    from yunhe_cli.core.periods import PERIOD_PATTERN
    from yunhe_cli.edits.drafts import default_period
    from yunhe_cli.edits.session import UnknownProject
    from yunhe_cli.forms.build import write_form
    from yunhe_cli.store.write import WriteRefused

    today = as_of or dt.date.today()
    check_month_given(period)
    if period is not None and not re.fullmatch(PERIOD_PATTERN, period):
        raise typer.BadParameter(f"{period!r} is not a month written YYYY-MM", param_hint="--period")
    if out.suffix.lower() != ".xlsx":
        raise typer.BadParameter(f"{out} does not end in .xlsx", param_hint="OUT.xlsx")
    root = data_root(data)
    language = settled_lang(lang, root)
    try:
        write_form(root, project, period or default_period(today), out, today, language)
    except WriteRefused as exc:
        raise refused(exc) from None
    except UnknownProject as exc:
        raise typer.BadParameter(str(exc), param_hint="PROJECT") from None
    except OSError as exc:
        raise export_failed(out, exc) from None
    notice("wrote", language, path=out)


def import_command(
    forms: Annotated[
        list[Path], typer.Argument(metavar="FORM.xlsx...", help="填好的报表。 Filled forms (yunhe form).")
    ],
    data: DataOption = None,
    as_of: AsOfOption = None,
    revise: Annotated[
        bool,
        typer.Option(
            "--revise",
            help="修订已报送月份（记入 revisions:）。 Forms may change submitted months (see revisions:).",
        ),
    ] = False,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why submitted months change (修订原因); needed by --revise."),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who revises (default: the form's 报送单位).")
    ] = None,
    lang: LangOption = None,
    draft: Annotated[
        bool,
        typer.Option(
            "--draft",
            help="草稿：报送日期可空（该月仍计为未报）。 A form without 报送日期 imports as a draft "
            "(the month still counts as missing); without --draft it is refused.",
        ),
    ] = False,
) -> None:
    """Read filled forms into the monthly reports and problem lists; the whole batch or nothing (导入)."""
    from yunhe_cli.forms.apply import import_forms
    from yunhe_cli.forms.read import ImportRefused
    from yunhe_cli.store.write import WriteRefused

    if revise and not reason:
        raise typer.BadParameter("--revise needs --reason (修订原因)", param_hint="--reason")
    if reason and not revise:
        raise typer.BadParameter("--reason goes with --revise", param_hint="--reason")
    root = data_root(data)
    language = settled_lang(lang, root)
    try:
        result = import_forms(root, forms, as_of or dt.date.today(), revise, reason, by, draft)
    except WriteRefused as exc:
        raise refused(exc) from None
    except ImportRefused as exc:
        for p in exc.problems:
            sys.stderr.write(p.text(language) + "\n")
        sys.stderr.write(text("nothing_written", language) + "\n")
        raise typer.Exit(1) from None
    for p in result.warnings:
        sys.stderr.write(p.text(language) + "\n")
    for key, params in result.actions:
        state = params.get("state")
        notice(key, language, **{**params, **({"state": text(state, language)} if state else {})})
