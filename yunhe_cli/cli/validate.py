"""`yunhe validate`: every data file checked, one county or many, against the work tree, the
staged files or a base revision (with the audit of what changed since it)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from yunhe_cli.cli.loading import open_git
from yunhe_cli.cli.options import (
    CountiesOption,
    DataFoldersOption,
    LangOption,
    data_root,
    folders,
    parse_date,
    settled_lang,
)
from yunhe_cli.outputs.labels import Lang
from yunhe_cli.outputs.problem_printer import ProblemFormat


def validate(
    data: DataFoldersOption = None,
    counties_file: CountiesOption = None,
    output_format: Annotated[
        ProblemFormat,
        typer.Option("--format", help="输出格式。 text (for people), json, or github (workflow annotations)"),
    ] = ProblemFormat.text,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Warnings (implausible figures) fail too. 警告也视为失败。"),
    ] = False,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="REV",
            help="与某版本比较，审查改动。 "
            "Also compare with the data committed at REV: refuse unrecorded changes to submitted "
            "months, deleted problems, rewritten or backdated closings.",
        ),
    ] = None,
    staged: Annotated[
        bool,
        typer.Option(
            "--staged",
            help="只检查暂存的文件。 Check the staged files (what a commit would hold), not the work tree.",
        ),
    ] = False,
    as_of: Annotated[
        dt.date | None,
        typer.Option(
            "--as-of",
            parser=parse_date,
            metavar="YYYY-MM-DD",
            help="检查日期。 "
            "The day the data is checked on (nothing done may be dated after it), and the day a "
            "change is recorded, for --base. Default: today.",
        ),
    ] = None,
    require_signed: Annotated[
        bool,
        typer.Option(
            "--require-signed",
            help="要求签名提交。 "
            "With --base: refuse every commit since REV without a good signature (git verify-commit).",
        ),
    ] = False,
    lang: LangOption = None,
) -> None:
    """Check every data file; report every problem as path:line:col: CODE message (校验数据).

    Exit status: 0 clean or warnings only, 1 problems found (or warnings with --strict), 2 usage error.
    """
    from yunhe_cli.checks.validation import check_folder
    from yunhe_cli.checks.validation import validate as run_validate
    from yunhe_cli.outputs.problem_printer import RENDERERS

    found = folders(data, counties_file)
    checked_on = as_of or dt.date.today()
    language = settled_lang(lang, found[0] if found else None)
    if len(found) > 1:
        if staged or base is not None:
            raise typer.BadParameter("--staged and --base check one data folder; give one --data")
        validate_counties(found, output_format, strict, checked_on, language)
    root = data_root(found[0] if found else None)
    if require_signed and base is None:
        raise typer.BadParameter("--require-signed checks the commits since --base REV; give --base")
    if staged or base is not None:
        from yunhe_cli.checks.audit import audit
        from yunhe_cli.checks.mechanism_audit import feedback_after_closing, future_dates
        from yunhe_cli.checks.owners import check_commits
        from yunhe_cli.checks.recorded import changes_recorded, rewritten_history
        from yunhe_cli.checks.validation import load_snapshot
        from yunhe_cli.store.git import GitError
        from yunhe_cli.store.snapshot import at_revision, snapshot_texts
        from yunhe_cli.store.snapshot import staged as staged_snapshot
        from yunhe_cli.store.yamlio import place

        git, prefix = open_git(root)
        try:
            if staged:
                head_snap = staged_snapshot(git, prefix)
                repo, problems = load_snapshot(head_snap, checked_on)
                texts = snapshot_texts(head_snap)
            else:
                repo, problems = run_validate(root, today=checked_on)
                texts = {}
            if base is not None and (base != "HEAD" or git.has_commits()):
                base_repo, _ = load_snapshot(at_revision(git, prefix, base))
                base_sha = git.resolve(base)
                rewritten = rewritten_history(git, prefix, base, base_sha)
                audited = audit(base_repo, repo, checked_on, base, changes_recorded(git, prefix, base_sha))
                audited += feedback_after_closing(base_repo, repo)
                problems = rewritten + sorted([*problems, *place(audited, texts)], key=lambda p: p.sort_key())
                problems += check_commits(git, prefix, base, require_signed)  # oldest commit first
                problems += future_dates(git, prefix, base)
        except GitError as exc:
            raise typer.BadParameter(str(exc), param_hint="--base") from None
        files = repo.files
    else:
        files, problems = check_folder(root, today=checked_on)
    text = RENDERERS[output_format](problems, len(files), language)
    stream = sys.stderr if output_format is ProblemFormat.text and problems else sys.stdout
    stream.write(text)
    failing = [p for p in problems if strict or p.severity == "error"]
    raise typer.Exit(1 if failing else 0)


def validate_counties(
    roots: list[Path], output_format: ProblemFormat, strict: bool, day: dt.date, lang: Lang = Lang.en
) -> None:
    """validate over many data folders: each county's problems under its name, one exit status."""
    import json

    from yunhe_cli.outputs.counties import counties, validate_all
    from yunhe_cli.outputs.problem_printer import RENDERERS

    failing = False
    docs = []
    for county, files, problems in validate_all(counties(roots), day):  # one county in memory at a time
        failing = failing or any(strict or p.severity == "error" for p in problems)
        text = RENDERERS[output_format](problems, len(files), lang)
        if output_format is ProblemFormat.json:
            docs.append({"county": county.label, **json.loads(text)})
            continue
        if output_format is ProblemFormat.text:
            lines = text.splitlines(keepends=True)  # the last line is the county's summary
            text = "".join(lines[:-1]) + f"{county.label}: {lines[-1]}" if lines else text
        stream = sys.stderr if output_format is ProblemFormat.text and problems else sys.stdout
        stream.write(text)
    if output_format is ProblemFormat.json:
        sys.stdout.write(json.dumps({"version": 1, "counties": docs}, ensure_ascii=False, indent=2) + "\n")
    raise typer.Exit(1 if failing else 0)
