"""English is wholly English: with --lang en the meetings' and the problems' tables print the
English form of every name that has one (projects' name_en, units' name_en in units.yaml, a
problem's source); a name without one (a person, a problem's title) is kept whole in Chinese.
The Chinese output is unchanged (its golden files)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.store.yamlio import read_file

from .conftest import DATA

SAMPLE = DATA.parent / "examples" / "sample"
runner = CliRunner()


def tables(*args: str) -> dict[str, list[list[str]]]:
    """Each markdown table of the command's English output by its title: its rows as cells."""
    done = runner.invoke(app, ["--lang", "en", *args, "--data", str(SAMPLE), "--format", "markdown"])
    assert done.exit_code == 0, done.output
    found: dict[str, list[list[str]]] = {}
    title = ""
    for line in done.stdout.splitlines():
        if line.startswith("#"):
            title = line.lstrip("# ").strip()
        elif line.startswith("|") and not line.startswith("|--") and not line.startswith("|:"):
            found.setdefault(title, []).append([cell.strip() for cell in line.strip("|").split("|")])
    return found


def chinese_names() -> list[str]:
    """The Chinese name of every unit and project of the sample that has an English form."""
    units = read_file(SAMPLE / "units.yaml")[1].data["units"]
    names = [u["name"] for u in units if u.get("name_en")]
    for path in sorted((SAMPLE / "projects").glob("p*.yaml")):
        project = read_file(path)[1].data
        names += [project["name"]] if project.get("name_en") else []
    return names


@pytest.mark.parametrize(
    "args",
    [
        ["dispatch", "--as-of", "2026-11-15"],
        ["quarter", "--as-of", "2026-11-15"],
        ["issues", "--as-of", "2026-11-15"],
        ["annual", "2025", "--as-of", "2026-11-15"],
    ],
    ids=lambda a: a[0],
)
def test_no_name_with_an_english_form_is_printed_in_chinese(args: list[str]) -> None:
    cells = {cell for rows in tables(*args).values() for row in rows for cell in row}
    assert chinese_names(), "the sample names its units and projects in both languages"
    assert sorted(cells & set(chinese_names())) == []


def test_dispatch_in_english_names_projects_and_units_in_english() -> None:
    found = tables("dispatch", "--as-of", "2026-11-15")
    # project 5 (交通强县建设工程, led by 县交通运输局, convener 谢岩伟) sent no October report
    assert [
        "5",
        "Building a county strong in transport",
        "Transport Bureau",
        "谢岩伟",
        "missing",
        "",
        "5",
    ] in (found["Reports for 2026-10"])
    owners = [row[0] for row in found["Overdue, by owner unit"][1:]]
    assert owners[0] == "Development and Reform Bureau"  # 县发改局: 1 task and 6 problems overdue
    assert "Publicity Department of the County Party Committee" in owners  # 县委宣传部


def test_quarter_in_english_names_lead_units_in_english() -> None:
    found = tables("quarter", "--as-of", "2026-11-15")
    ranked = next(rows for title, rows in found.items() if title.startswith("Projects ranked"))
    header, first, third = ranked[0], ranked[1], ranked[3]
    # ranked by the one project order (no red, no amber first): p09 first, p05 third
    assert first[header.index("Project")] == "Green, low-carbon energy and secure, stable-priced supply"
    assert first[header.index("Lead unit")] == "Development and Reform Bureau"
    assert third[header.index("Project")] == "Building a county strong in transport"
    assert third[header.index("Lead unit")] == "Transport Bureau"
    assert third[header.index("Convener")] == "谢岩伟"  # a person has no English form: kept whole


def test_issues_in_english_say_where_a_problem_was_raised_in_english() -> None:
    rows = next(iter(tables("issues", "--as-of", "2026-11-15").values()))
    header = rows[0]
    by_id = {row[header.index("ID")]: row for row in rows[1:]}
    # p01-001 月调度, p01-003 季分析, p02-001 督查 in issues/p01.yaml and p02.yaml
    assert by_id["p01-001"][header.index("Source")] == "monthly dispatch"
    assert by_id["p01-003"][header.index("Source")] == "quarterly analysis"
    assert by_id["p02-001"][header.index("Source")] == "supervision"
    assert by_id["p02-001"][header.index("Owner")] == "Economy and Commerce Bureau"
    sources = {row[header.index("Source")] for row in rows[1:]}
    assert sources <= {"monthly dispatch", "quarterly analysis", "annual review", "supervision", "other", ""}
