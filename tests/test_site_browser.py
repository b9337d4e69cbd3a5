"""The page of `yunhe site` in a real browser: Debian's Chromium, driven by Playwright.

The network is blocked: every request but the page itself is refused and recorded, and none may
leave. Screenshots (1366×768, 390×844) and a print to PDF are kept in tests/artifacts/ (ignored
by git) for a person to look at. Without Chromium the test is skipped, except in CI (CI=true),
where .ci/run installs it and its absence is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from yunhe_cli.cli.app import app

from .conftest import ROOT

SAMPLE = ROOT / "examples" / "sample"
ARTIFACTS = ROOT / "tests" / "artifacts"
AS_OF = "2026-11-15"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is missing in CI: .ci/run installs Debian's chromium package")
    pytest.skip("Chromium is not installed (apt-get install chromium); the browser test needs it")


@pytest.fixture(scope="module")
def browser() -> Any:
    executable = _chromium()
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


def _page(tmp_path: Path, lang: str) -> tuple[Path, dict[str, Any]]:
    runner = CliRunner()
    out = tmp_path / f"site-{lang}.html"
    result = runner.invoke(app, ["site", str(out), "--data", str(SAMPLE), "--as-of", AS_OF, "--lang", lang])
    assert result.exit_code == 0, result.output
    status = runner.invoke(app, ["status", "--data", str(SAMPLE), "--as-of", AS_OF, "--format", "json"])
    return out, json.loads(status.output)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_in_chromium_offline(browser: Any, tmp_path: Path, lang: str) -> None:
    path, status = _page(tmp_path, lang)
    url = path.resolve().as_uri()
    context = browser.new_context(viewport={"width": 1366, "height": 768}, offline=True)
    requests: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        if r.request.url == url:
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url == url else requests.append(r.url))
    page.goto(url, wait_until="load")

    assert requests == []
    assert errors == []
    # The key figures of `yunhe status --format json`, as the reader sees them.
    totals = status["totals"]
    for s in ("achieved", "on_track", "at_risk", "off_track", "no_data"):
        card = page.locator(f'.card[data-status="{s}"] .big')
        assert card.inner_text() == str(totals["indicators"][s])
    tasks = page.locator('.card[data-key="tasks_overdue"] .big').inner_text()
    assert tasks == f"{totals['tasks']['overdue']}/{totals['tasks']['total']}"
    assert page.locator('.card[data-key="problems_overdue"] .big').inner_text() == str(
        totals["problems"]["overdue"]
    )
    rows = page.locator("table.status tbody tr")
    assert rows.count() == len(status["projects"])
    for n, p in enumerate(status["projects"]):
        row = rows.nth(n)

        def cell(key: str, row: Any = row) -> str:
            return str(row.locator(f'td[data-key="{key}"]').inner_text())

        assert cell("number") == str(p["number"])
        for s in ("achieved", "on_track", "at_risk", "off_track", "no_data"):
            assert cell(s) == str(p["indicators"][s])
        assert cell("problems_open") == str(p["problems"]["open"])
        assert cell("problems_overdue") == str(p["problems"]["overdue"])
    # Every chart is drawn (an SVG with a size), and a link from the overview lands on its project.
    charts = page.locator("figure.chart svg")
    assert charts.count() == 58
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    first = status["projects"][0]["id"]
    page.locator("table.status tbody tr").first.locator("a").first.click()
    assert page.evaluate("location.hash") == f"#{first}"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"site-{lang}-1366x768.png"))
    page.goto(url + "#board")
    page.screenshot(path=str(ARTIFACTS / f"site-{lang}-board-1366x768.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url + "#p01")
    page.screenshot(path=str(ARTIFACTS / f"site-{lang}-390x844.png"))
    # Nothing wider than the phone's screen but the tables' own scrolling boxes.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    pdf = ARTIFACTS / f"site-{lang}.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert requests == [] and errors == []
    context.close()
