"""Every chart of `yunhe site` shows its status, and reads at every width.

The latest figure of each chart is a dot in its status's colour with the status's marker above it
(the caption's ++ / + / ! / !! / ?); gridlines are solid and faint, a style no line of the legend
uses (the expected path is dashed, the projection dotted); the caption's latest figure is rounded as
the indicators table rounds it. In Debian's Chromium (Playwright), every text of every chart is at
least 11 CSS px on a phone (390 px) and a desktop (1280 px); screenshots of one project's charts at
both widths are kept in tests/artifacts/.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.core import model as m
from yunhe_cli.core.bands import Zone, trend_path
from yunhe_cli.core.readings import Context
from yunhe_cli.outputs.charts import GRID_COLOUR, STATUS_COLOURS, Chart, svg
from yunhe_cli.outputs.labels import Lang
from yunhe_cli.outputs.site import site_context
from yunhe_cli.outputs.views import fmt_number
from yunhe_cli.reports.rollup import roll_up
from yunhe_cli.store.loader import load_repository

from .conftest import ROOT

SAMPLE = ROOT / "examples" / "sample"
ARTIFACTS = ROOT / "tests" / "artifacts"
AS_OF = "2026-11-15"

# A chart drawn by hand: an at-risk indicator, its latest figure 40 at the end of 2026-06.
AT_RISK = Chart(
    key="p99.x",
    unit="个",
    first_month=2023 * 12 + 4,
    expected=((2023 * 12 + 4, 0.0), (2027 * 12 + 12, 100.0)),
    layers=(),
    actual=((2025 * 12 + 12, 30.0), (2026 * 12 + 6, 40.0)),
    target=100.0,
    target_month=2027 * 12 + 12,
    projection=((2026 * 12 + 6, 40.0), (2027 * 12 + 12, 60.0)),
    status="at_risk",
    y_range=(-8.0, 112.0),
)


def test_the_latest_figure_is_marked_in_its_status_colour_and_marker() -> None:
    drawn = svg(AT_RISK)
    plot = drawn[drawn.index('class="plot overlay"') :]
    # expected, target, actual, projection, then the latest figure alone, in the at-risk colour.
    assert re.findall(r'<g class="series serie-(\d+) color-\d+"', plot)[:5] == ["0", "1", "2", "3", "4"]
    assert (
        f".color-4 a:visited{{stroke:{STATUS_COLOURS['at_risk']};fill:{STATUS_COLOURS['at_risk']}}}" in drawn
    )
    latest = plot[plot.index('class="series serie-4') :]
    dot = re.search(r'<circle cx="([-0-9.]+)" cy="([-0-9.]+)" r="4.5"', latest)
    assert dot is not None and latest.count("<circle") == 1
    # The marker "!" of 预警 (at risk), 7 units above the dot, in the same colour.
    x, y = float(dot.group(1)), float(dot.group(2))
    assert (
        f'<text x="{x:.1f}" y="{y - 7:.1f}" text-anchor="middle" class="status-marker" '
        f'style="fill:{STATUS_COLOURS["at_risk"]};font-size:13px;font-weight:700">!</text>'
    ) in latest
    # Gridlines: solid and faint (pygal's default is dashed, like the legend's expected path).
    assert f".axis .guide.line{{stroke-dasharray:none;stroke:{GRID_COLOUR}}}" in drawn
    # No figure yet: nothing to mark.
    empty = svg(dataclasses.replace(AT_RISK, actual=(), projection=None, status="no_data"))
    assert "status-marker" not in empty and 'class="series serie-3' not in empty


def test_the_caption_rounds_the_latest_figure_as_the_tables_do() -> None:
    repo, _ = load_repository(SAMPLE)
    ctx = site_context(repo, dt.date.fromisoformat(AS_OF), Lang.zh)
    report = roll_up(repo, dt.date.fromisoformat(AS_OF))
    actual = {f"{p.id}-{i.indicator}": i for p in report.projects for i in p.indicators}
    captions = 0
    for project in ctx["projects"]:
        for c in project["charts"]:
            item = actual[c.anchor]
            if item.actual is None:
                assert c.latest == ""
                continue
            assert c.latest == f"{fmt_number(item.actual)} ({item.latest_period})"
            captions += 1
    assert captions > 40
    # The issue's example: p03's tech-market stands at 2.592 (2026-10); the table shows 2.59.
    chart = next(c for p in ctx["projects"] for c in p["charts"] if c.anchor == "p03-tech-market")
    assert chart.latest == "2.59 (2026-10)"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is missing in CI: .ci/run installs Debian's chromium package")
    pytest.skip("Chromium is not installed (apt-get install chromium); the browser test needs it")


SMALLEST_TEXT = """() => {
  let smallest = Infinity, where = '';
  for (const text of document.querySelectorAll('figure.chart svg text')) {
    if (!text.textContent.trim()) continue;
    const style = getComputedStyle(text);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const svg = text.ownerSVGElement;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const px = parseFloat(style.fontSize) * scale;
    if (px < smallest) { smallest = px; where = text.closest('figure').id + ': ' + text.textContent; }
  }
  return [smallest, where];
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_chart_text_is_at_least_11_css_px(tmp_path: Path, width: int) -> None:
    executable = _chromium()
    playwright = pytest.importorskip("playwright.sync_api")
    out = tmp_path / "site.html"
    result = CliRunner().invoke(
        app, ["site", str(out), "--data", str(SAMPLE), "--as-of", AS_OF, "--lang", "zh"]
    )
    assert result.exit_code == 0, result.output
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(out.resolve().as_uri(), wait_until="load")
            smallest, where = page.evaluate(SMALLEST_TEXT)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.locator("#p01 .charts").screenshot(path=str(ARTIFACTS / f"charts-p01-{width}.png"))
            scroll = page.evaluate("document.documentElement.scrollWidth")
        finally:
            browser.close()
    assert smallest >= 11, (smallest, where)
    assert scroll <= width  # nothing scrolls sideways


def test_the_trend_rule_as_bands_by_hand() -> None:
    # A level with no baseline, 100 by 2027-12-31, first reported 20 for 2025-12: the roll-up
    # projects a figure x of month p from (2025-12, 20) through (p, x) to the target date and
    # calls it on track when the projection reaches 0.95 × 100. At 2026-12, halfway (12 of 24
    # months): on track from 20 + (95 − 20) / 2 = 57.5, at risk from 20 + (85 − 20) / 2 = 52.5;
    # 57.5 projects to 57.5 + (57.5 − 20) × 12 / 12 = 95, on the line.
    ind = m.Indicator.model_validate(
        {
            "id": "x",
            "name": "测试",
            "kind": "level",
            "unit": "%",
            "comparator": ">=",
            "target": {"value": Decimal(100), "by": dt.date(2027, 12, 31)},
            "reported_as": "point",
            "source_text": "x",
        }
    )
    ctx = Context(dt.date(2023, 1, 1), dt.date(2027, 12, 31), m.Thresholds())
    points = trend_path(ind, ctx, "2025-12", Decimal(20))
    assert [p.period for p in points][:2] == ["2026-01", "2026-02"] and len(points) == 24
    middle = next(p for p in points if p.period == "2026-12")
    assert middle.zones == (
        Zone("off_track", None, Decimal("52.5")),
        Zone("at_risk", Decimal("52.5"), Decimal("57.5")),
        Zone("on_track", Decimal("57.5"), Decimal(100)),
        Zone("achieved", Decimal(100), None),
    )
    assert points[-1].zones[1] == Zone("at_risk", Decimal(85), Decimal(95))  # at the target date
    assert trend_path(ind.model_copy(update={"comparator": "<="}), ctx, "2025-12", Decimal(20)) == ()


def test_a_trend_judged_chart_draws_its_trend_line_to_the_projection() -> None:
    """From the first figure through the latest to the projection at the target date: one straight
    line, since the roll-up projects at the pace from the first figure (26 such charts)."""
    repo, _ = load_repository(SAMPLE)
    ctx = site_context(repo, dt.date.fromisoformat(AS_OF), Lang.zh)
    trend = [c for p in ctx["projects"] for c in p["charts"] if c.by_projection]
    assert len(trend) == 26
    for c in trend:
        drawn = c.chart
        assert drawn.projection is not None and len(drawn.projection) == 3, c.anchor
        (m0, v0), (m1, v1), (m2, v2) = drawn.projection
        assert (m0, v0) == drawn.actual[0] and (m1, v1) == drawn.actual[-1], c.anchor
        assert m2 == drawn.target_month
        # The projection comes from the JSON document, rounded to 4 places: within 0.00005.
        assert abs(v2 - (v0 + (v1 - v0) * (m2 - m0) / (m1 - m0))) <= 0.00005, c.anchor
