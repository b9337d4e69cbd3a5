"""Tables in 80-, 100- and 160-column terminals: nothing wider than the terminal, and never a number,
a date or a ratio broken across lines."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner
from wcwidth import wcswidth

from yunhe_cli.checks.validation import validate
from yunhe_cli.cli.app import app
from yunhe_cli.outputs.labels import Lang
from yunhe_cli.outputs.views import TableView, indicators_view, problems_view, status_view, tasks_view
from yunhe_cli.reports.ordering import indicators_worst_first, problems_worst_first, tasks_worst_first
from yunhe_cli.reports.rollup import roll_up

from .conftest import ROOT, check_golden

SAMPLE = ROOT / "examples" / "sample"
AS_OF = "2026-11-15"
runner = CliRunner()


def table(command: str, width: int, lang: str) -> str:
    result = runner.invoke(
        app,
        [command, "--data", str(SAMPLE), "--as-of", AS_OF, "--format", "table", "--lang", lang],
        env={"COLUMNS": str(width)},
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def views(command: str, lang: str) -> TableView:
    repo, _ = validate(SAMPLE)
    report = roll_up(repo, dt.date.fromisoformat(AS_OF))
    language = Lang(lang)
    return {
        "status": lambda: status_view(report, language),
        # in the order the commands print them: worst first
        "indicators": lambda: indicators_view(report, indicators_worst_first(report.indicators()), language),
        "tasks": lambda: tasks_view(report, tasks_worst_first(report.tasks()), language),
        "issues": lambda: problems_view(report, problems_worst_first(report.problems()), language),
    }[command]()


@pytest.mark.parametrize("width", [80, 100, 160])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", ["status", "indicators", "tasks", "issues"])
def test_tables_fit_and_keep_values_whole(command: str, width: int, lang: str) -> None:
    out = table(command, width, lang)
    assert max(wcswidth(line) for line in out.splitlines()) <= width  # a Chinese character is 2 wide
    # Every cell of a column that does not wrap (numbers, dates, ratios, markers) stands whole,
    # in full or as its short form, on the first line of its row (a table) or beside its label
    # (rows printed as blocks when even a narrow table cannot fit).
    view = views(command, lang)
    lines = out.splitlines()
    blocks = not any(line.lstrip().startswith("─") for line in lines)
    # the columns a narrow table leaves out are named in a line under it
    said = " ".join(line for line in lines if "未显示：" in line or "too narrow for:" in line)
    left_out = {key for key, label in zip(view.keys, view.columns, strict=True) if label in said}
    at = 0
    for row in view.rows:
        fixed = [
            {cell.text, cell.short} - {None, ""}
            for key, cell in zip(view.keys, row, strict=True)
            if key not in view.wrap and cell.text and key not in left_out
        ]
        if blocks:
            for forms in fixed:
                assert any(form in line for line in lines for form in forms), (forms, width)
            continue
        # the row's first line: the next line, from where the last row began, holding its first cell
        first = next(
            i for i in range(at, len(lines)) if lines[i].split() and lines[i].split()[0] == row[0].text
        )
        at = first + 1
        rest = lines[first]
        for forms in fixed:
            found = [f for f in forms if f in rest]
            assert found, (forms, lines[first], width)
            rest = rest[rest.index(found[0]) + len(found[0]) :]


def test_status_at_80_columns_uses_short_names() -> None:
    out = table("status", 80, "zh")
    for short in ("双扩双争", "4+X", "4315", "35N", "七优享"):
        assert short in out
    assert "扩大有效投资“双扩双争”工程" not in out  # the full name needs more room than 80 columns
    check_golden("status.zh.80.table", out)


def test_short_names_are_in_the_json() -> None:
    result = runner.invoke(app, ["status", "--data", str(SAMPLE), "--as-of", AS_OF, "--format", "json"])
    names = {p["id"]: p["short_name"] for p in json.loads(result.stdout)["projects"]}
    assert names["p01"] == "双扩双争" and names["p10"] == "七优享"
