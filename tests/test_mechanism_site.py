"""`yunhe site`: the section of assessments (形势研判), supervision items (督查督办) and good
practices (经验推广), shown only for a data folder that keeps them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from yunhe_cli.cli.app import app

from .conftest import DATA

SAMPLE = DATA.parent / "examples" / "sample"
runner = CliRunner()


def test_the_site_shows_the_three_tables_only_for_a_folder_that_keeps_them(tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    args = ["site", str(out), "--as-of", "2026-11-15", "--lang", "zh"]
    assert runner.invoke(app, [*args, "--data", str(SAMPLE)]).exit_code == 0
    page = out.read_text(encoding="utf-8")
    section = page[page.index('<section id="mechanism">') :]
    section = section[: section.index("</section>")]
    assert [c.split("</caption>")[0] for c in section.split("<caption>")[1:]] == [
        "形势研判：研判结论与指标灯",
        "督查督办逾期事项",
        "2026年好做法好经验",
    ]
    assert section.count(">相反</td>") == 1 and section.count(">未交</td>") == 3
    assert runner.invoke(app, [*args, "--data", str(DATA)]).exit_code == 0
    assert '<section id="mechanism">' not in out.read_text(encoding="utf-8")
