"""Setting a county up and keeping its generated files: `yunhe init` (a new data repository),
`yunhe schema` (the JSON Schemas) and `yunhe owners` (CODEOWNERS from the plan)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from yunhe_cli.cli.options import AsOfOption, DataOption, LangOption, data_root, settled_lang
from yunhe_cli.cli.printing import notice, report_errors, run_lang


def init(
    target: Annotated[Path, typer.Argument(metavar="DIR", help="A new (or empty) folder. 新目录。")],
    first_period: Annotated[
        str | None,
        typer.Option(
            "--first-period",
            metavar="YYYY-MM",
            help="首个报送月。 The first month reports are due for; asked on a terminal, else the month "
            "yunhe init runs in (the month of --as-of).",
        ),
    ] = None,
    org: Annotated[
        str | None,
        typer.Option("--org", help="The git host's organisation, for CODEOWNERS teams. 代码托管组织名。"),
    ] = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
) -> None:
    """Start a county's data repository: the plan's data, schemas, .gitignore, pre-commit, CI,
    CODEOWNERS and a README with the branch protection to turn on (新建数据仓库)."""
    from yunhe_cli.edits.init import InitError, check_target, default_first_period
    from yunhe_cli.edits.init import init as run_init
    from yunhe_cli.store.shipped import ShippedDataMissing

    try:
        check_target(target)  # before anything is asked
    except InitError as exc:
        raise typer.BadParameter(str(exc), param_hint="DIR") from None
    language = settled_lang(lang, target)  # the new county's, and what this run says
    month = first_period
    if month is None:
        month = default_first_period(as_of or dt.date.today())
        if sys.stdin.isatty():
            month = typer.prompt("First month reported (首个报送月, YYYY-MM)", default=month)
    try:
        written = run_init(target, month, org, language.value)
    except InitError as exc:  # the folder was checked above: what is left is the month
        raise typer.BadParameter(str(exc), param_hint="--first-period") from None
    except ShippedDataMissing as exc:
        sys.stderr.write(f"yunhe: {exc}\n")
        raise typer.Exit(1) from None
    for path in written:
        notice("wrote", language, path=path)
    command = yunhe_command()
    started = "" if (target / ".git").is_dir() else "git init && "
    notice("notice.next", language, command=f"cd {shell_word(str(target))} && {started}{command} status")


def yunhe_command() -> str:
    """How to run this yunhe again: `yunhe` when PATH finds this very program, else its full path."""
    import shutil

    program = Path(sys.argv[0])
    if program.name.startswith("yunhe"):
        found = shutil.which("yunhe")
        if found and Path(found).resolve() == program.resolve():
            return "yunhe"
        return shell_word(str(program.resolve()))
    return f"{shell_word(sys.executable)} -m yunhe_cli"


def shell_word(text: str) -> str:
    import shlex

    from yunhe_cli.outputs.problem_printer import safe_text

    return shlex.quote(safe_text(text))


def schema(
    out: Annotated[
        Path, typer.Option("--out", help="JSON Schema 输出目录。 Folder to write the JSON Schemas to")
    ] = Path("schemas"),
    check: Annotated[
        bool, typer.Option("--check", help="只检查是否过期。 Only report schema files that are out of date")
    ] = False,
) -> None:
    """Write the JSON Schema of every kind of data file, generated from the models (生成 JSON Schema)."""
    from yunhe_cli.store.schema import stale_schemas, write_schemas

    if check:
        stale = stale_schemas(out)
        for name in stale:
            sys.stderr.write(f"{out / name}: out of date; run `yunhe schema --out {out}`\n")
        raise typer.Exit(1 if stale else 0)
    for path in write_schemas(out):
        notice("wrote", path=path)


def owners(
    data: DataOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="CODEOWNERS 文件。 "
            "The CODEOWNERS file. Default: CODEOWNERS at the top of the git repository of the data.",
            dir_okay=False,
        ),
    ] = None,
    org: Annotated[
        str | None,
        typer.Option(
            "--org",
            help="代码托管组织。 The host's organisation or group: a unit without a team is @ORG/<unit id>.",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="只检查，不写入。 Write nothing; fail (P704) when the file differs from the data."
        ),
    ] = False,
) -> None:
    """Write CODEOWNERS from the plan: each project's reports and problem list to its lead unit's
    team, the plan, projects, units, people and members to the office's (写出代码所有者文件)."""
    import re

    from yunhe_cli.checks.owners import (
        OwnersError,
        codeowners_drift,
        codeowners_target,
        render_codeowners,
        rules_of,
    )
    from yunhe_cli.checks.validation import validate as run_validate
    from yunhe_cli.outputs.problem_printer import render_text
    from yunhe_cli.store.write import atomic_write

    if org is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", org):
        raise typer.BadParameter(f"{org!r} is not an organisation name (letters, digits, - _ .)")
    root = data_root(data)
    repo, problems = run_validate(root)
    if report_errors(problems, len(repo.files)):
        raise typer.Exit(1)
    try:
        target, prefix = codeowners_target(root, out)
        text = render_codeowners(rules_of(repo), prefix, org)
    except OwnersError as exc:
        raise typer.BadParameter(str(exc), param_hint="--org") from None
    if check:
        drift = codeowners_drift(target, text)
        if drift:
            sys.stderr.write(render_text(drift, 1, run_lang()))
            raise typer.Exit(1)
        notice("notice.up_to_date", path=target)
        return
    atomic_write(target, text)
    notice("wrote", path=target)


def merge_file(
    base: Annotated[
        Path, typer.Argument(metavar="BASE", help="共同祖先版本 (%O). The common ancestor's version.")
    ],
    ours: Annotated[
        Path,
        typer.Argument(metavar="OURS", help="本方版本，结果写回此处 (%A). Ours; the result is written here."),
    ],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", help="对方版本 (%B). Theirs.")],
    path: Annotated[
        str,
        typer.Argument(metavar="PATH", help="文件在仓库中的路径 (%P). The file's path in the repository."),
    ],
) -> None:
    """The merge driver git calls for data files: merged by meaning (problems by id, figures by
    indicator), conflicts only where both sides changed one field (合并数据文件)."""
    from yunhe_cli.edits.merge import main as merge_main

    raise typer.Exit(merge_main([str(base), str(ours), str(theirs), path]))


def setup_command(
    data: DataOption = None,
) -> None:
    """Register yunhe's merge driver in this clone (git does not clone it): .gitattributes for the data
    files and the driver in .git/config; safe to run again (配置合并驱动)."""
    from yunhe_cli.edits.merge import setup_repository
    from yunhe_cli.outputs.problem_printer import safe_text
    from yunhe_cli.store.git import GitError, open_repository

    root = data_root(data)
    try:
        git, prefix = open_repository(root)
        changed = setup_repository(git.top, data=prefix.rstrip("/"))
    except GitError as exc:
        raise typer.BadParameter(str(exc), param_hint="--data") from None
    for line in changed:
        sys.stdout.write(safe_text(line) + "\n")
    if not changed:
        notice("notice.merge_driver_set")
