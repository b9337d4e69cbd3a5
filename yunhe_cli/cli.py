"""The command line: thin commands over the library (sqlite-utils' cli.py over db.py).

Heavy modules are imported inside the commands, so that `yunhe --help` and a small
command start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .render_problems import ProblemFormat

app = typer.Typer(
    name="yunhe",
    help="Track Yunhe County's Ten Major Projects plan (云和县“十项重大工程”, 2023–2027) from YAML files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Data folder (数据目录). Default: ./data, or the nearest one up (as git finds .git).",
        file_okay=False,
    ),
]


def find_data_root(start: Path | None = None) -> Path:
    """./data, or walk up like git does to the first folder holding plan.yaml or data/plan.yaml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "plan.yaml").is_file():
            return _display(folder / "data")
        if (folder / "plan.yaml").is_file():
            return _display(folder)
    return Path("data")


def _display(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


@app.command()
def validate(
    data: DataOption = None,
    output_format: Annotated[
        ProblemFormat,
        typer.Option("--format", help="text (for people), json, or github (workflow annotations)"),
    ] = ProblemFormat.text,
) -> None:
    """Check every data file; report every problem as path:line:col: CODE message (校验数据).

    Exit status: 0 clean, 1 problems found, 2 usage error.
    """
    from .checks import validate as run_validate
    from .render_problems import RENDERERS

    root = data if data is not None else find_data_root()
    repo, problems = run_validate(root)
    text = RENDERERS[output_format](problems, len(repo.files))
    stream = sys.stderr if output_format is ProblemFormat.text and problems else sys.stdout
    stream.write(text)
    raise typer.Exit(1 if problems else 0)


@app.command()
def schema(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the JSON Schemas to")] = Path("schemas"),
    check: Annotated[
        bool, typer.Option("--check", help="Only report schema files that are out of date")
    ] = False,
) -> None:
    """Write the JSON Schema of every kind of data file, generated from the models (生成 JSON Schema)."""
    from .schema import stale_schemas, write_schemas

    if check:
        stale = stale_schemas(out)
        for name in stale:
            sys.stderr.write(f"{out / name}: out of date; run `yunhe schema --out {out}`\n")
        raise typer.Exit(1 if stale else 0)
    for path in write_schemas(out):
        sys.stdout.write(f"wrote {path}\n")


def main() -> None:
    app()
