"""The page of `yunhe site` in a real browser: Debian's Chromium, driven by Playwright.

The network is blocked: every request but the page itself is refused and recorded, and none may
leave. Screenshots (1366×768, 390×844) and a print to PDF are kept in tests/artifacts/ (ignored
by git) for a person to look at. Without Chromium the test is skipped, except in CI (CI=true),
where .ci/run installs it and its absence is a failure.
"""

from __future__ import annotations

import json
import os
import re
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


# --------------------------------------------------------------------------- for the people who read it

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}

# Every date or month of the page, and the lines its text takes (1 when it never splits).
DATE_LINES = """() => Array.from(document.querySelectorAll(
  'time, td[data-key$="_on"], td[data-key="due"], td[data-key="next_deadline"], td[data-key="last_update"],'
  + 'td[data-key="latest_period"], td[data-key="last_report"]'))
  .filter(e => /\\d{4}-\\d{2}/.test(e.textContent) && e.getClientRects().length)
  .map(e => { const r = document.createRange(); r.selectNodeContents(e);
              const tops = Array.from(r.getClientRects()).map(x => Math.round(x.top));
              return [e.textContent.trim(), new Set(tops).size]; })"""


def _open(browser: Any, path: Path, viewport: dict[str, int]) -> tuple[Any, Any]:
    context = browser.new_context(viewport=viewport, offline=True)
    page = context.new_page()
    page.goto(path.resolve().as_uri(), wait_until="load")
    return context, page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_reads_on_a_phone_without_sideways_scrolling(
    browser: Any, tmp_path: Path, lang: str
) -> None:
    path, status = _page(tmp_path, lang)
    context, page = _open(browser, path, PHONE)
    # Nothing of the document is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    # The overview is a card per project, each whole on the screen, the !! column included.
    rows = page.locator("table.status tbody tr")
    assert rows.count() == len(status["projects"])
    for n in range(rows.count()):
        row = rows.nth(n)
        assert row.evaluate("e => getComputedStyle(e).display") == "grid"
        for key in ("project", "off_track", "at_risk", "problems_overdue", "missing"):
            box = row.locator(f'td[data-key="{key}"]').bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (n, key, box)
        # The name stands on its own line as wide as the card, not two characters a line.
        name = row.locator('td[data-key="project"]').bounding_box()
        assert name is not None and name["width"] > 250
    # Each count is labelled with its column (the marker or the words) on the card itself.
    first = rows.first.locator('td[data-key="off_track"]')
    assert first.evaluate("e => getComputedStyle(e, '::before').content") == '"!!"'
    # No card's label or figure runs over into its neighbour's (English labels wrap as words).
    spilled = """() => Array.from(document.querySelectorAll('table.status td'))
      .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1)
      .map(e => e.dataset.key)"""
    assert page.evaluate(spilled) == []
    # No date or month splits across lines, anywhere on the page.
    dates = page.evaluate(DATE_LINES)
    assert len(dates) > 100
    assert [d for d in dates if d[1] != 1] == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#overview").screenshot(path=str(ARTIFACTS / f"site-{lang}-overview-390.png"))
    context.close()
    # On a desktop the overview is the full table, and dates stay whole there too.
    context, page = _open(browser, path, DESKTOP)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert (
        page.locator("table.status tbody tr").first.evaluate("e => getComputedStyle(e).display")
        == "table-row"
    )
    assert [d for d in page.evaluate(DATE_LINES) if d[1] != 1] == []
    page.locator("#overview").screenshot(path=str(ARTIFACTS / f"site-{lang}-overview-1366.png"))
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_wcag_violation(
    browser: Any, tmp_path: Path, lang: str, viewport: dict[str, int]
) -> None:
    axe = pytest.importorskip(
        "axe_playwright_python", reason="axe-core comes with axe-playwright-python (test extra)"
    )
    source = (Path(axe.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    path, _ = _page(tmp_path, lang)
    context, page = _open(browser, path, viewport)
    assert page.evaluate("document.documentElement.lang") == ("zh-Hans" if lang == "zh" else "en")
    page.evaluate(source)
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags)
    found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]]
    assert found == []
    # The rules that matter here did run and pass: contrast, table headers, the page's language,
    # names for images (the charts), keyboard access to the tables' scrolling boxes.
    passed = {r["id"] for r in result["passes"]}
    assert {
        "color-contrast",
        "html-has-lang",
        "html-lang-valid",
        "svg-img-alt",
        "th-has-data-cells",
    } <= passed
    assert "scrollable-region-focusable" in passed or viewport is DESKTOP
    # Every chart is one image named by its title, status and latest figure.
    charts = page.locator("figure.chart svg")
    assert charts.count() == 58
    label = charts.first.get_attribute("aria-label")
    assert label == (
        "滚动推进亿元项目数 + 正常 · 2027目标 50个左右 · 最新 55 (2026-10)" if lang == "zh" else label
    )
    assert charts.first.get_attribute("role") == "img"
    context.close()


def test_the_page_prints_on_a4_landscape(browser: Any, tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf", reason="pypdf (test extra) reads the printed page")
    path, status = _page(tmp_path, "zh")
    context, page = _open(browser, path, DESKTOP)
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "site-zh-print.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    context.close()
    reader = pypdf.PdfReader(str(pdf))
    # A4 landscape: 297 × 210 mm = 841.9 × 595.3 points.
    for p in reader.pages:
        assert (round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (842, 595)
    # Overview, ten projects each from a page of its own, the board, the problems: 20 to 60 pages.
    assert 20 <= len(reader.pages) <= 60
    pages = [p.extract_text() for p in reader.pages]
    assert "总览" in pages[0] and "缺报月份" in pages[0]
    # The overview stands alone on its first page: the projects start on the next.
    assert "分工程情况" not in pages[0] and "分工程情况" in pages[1]
    text = "\n".join(pages)
    squeezed = re.sub(r"\s+", "", text)  # pypdf puts spaces around some punctuation
    for p in status["projects"]:
        assert re.sub(r"\s+", "", p["name"]) in squeezed
    # No date splits at a line's end.
    assert re.findall(r"\d{4}-\s*\n\s*\d{2}", text) == []
