"""What an indicator's chart shows, as plain numbers for a chart library to draw.

A `Chart` is built from the view documents (`indicators_json` for the target, the latest figure,
its status and the projection; `history_json` for the figures reported and made comparable) and
from `bands.path` (the expected path and the status bands `rollup.judge` applies). Nothing is
judged here: the numbers become floats only to be drawn.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from yunhe_cli.core.bands import PathPoint
from yunhe_cli.core.kinds import kind_named
from yunhe_cli.core.periods import month_index
from yunhe_cli.outputs.labels import MARKERS

# The bands, faint, so the figures stand out; the same hues as the status markers of the page.
BAND_COLOURS = {
    "achieved": "#b7dfb9",
    "on_track": "#dcefdc",
    "at_risk": "#fbe7b0",
    "off_track": "#f6c9c4",
}
STATUS_COLOURS = {
    "achieved": "#1b7f3a",
    "on_track": "#2e7d32",
    "at_risk": "#b26a00",
    "off_track": "#c62828",
    "no_data": "#6b6b6b",
}
ACTUAL_COLOUR = "#1f3f8f"
EXPECTED_COLOUR = "#555555"
TARGET_COLOUR = "#000000"
PROJECTION_COLOUR = "#7b3fa0"
GRID_COLOUR = "#e4e4e4"


@dataclass(frozen=True, slots=True)
class Layer:
    """One status band: (month index, lower edge, upper edge) where it turns; straight between."""

    status: str
    points: tuple[tuple[int, float, float], ...]


@dataclass(frozen=True, slots=True)
class Chart:
    key: str  # project.indicator, for ids in the page
    unit: str
    first_month: int  # month index (periods.month_index) of the plan's first month
    expected: tuple[tuple[int, float], ...]  # where the expected path turns; straight between
    layers: tuple[Layer, ...]
    actual: tuple[tuple[int, float], ...]  # (month index, figure made comparable)
    target: float
    target_month: int  # the end of the target's month
    # From the latest figure to the target date; judged by the trend, from the first figure through it.
    projection: tuple[tuple[int, float], ...] | None
    status: str
    y_range: tuple[float, float]

    def year_ticks(self) -> list[tuple[int, str]]:
        """January of each year on the axis, labelled by the year."""
        return [(m, str(m // 12)) for m in range(self.first_month, self.target_month) if m % 12 == 0]


def _end(period: str) -> int:
    """The end of a month on the chart's axis (a figure is reported for the month just ended)."""
    return month_index(period) + 1


def _turns(points: Sequence[tuple[int, tuple[float, ...]]]) -> list[tuple[int, tuple[float, ...]]]:
    """Only the points where a line turns: a straight stretch needs its two ends (a chart of
    60 months on a straight path is drawn from 2 points, not 60)."""
    out: list[tuple[int, tuple[float, ...]]] = []
    for month, values in points:
        if len(out) >= 2:
            (m0, v0), (m1, v1) = out[-2], out[-1]
            if all(
                math.isclose(b - a, (c - a) * (m1 - m0) / (month - m0), rel_tol=1e-9, abs_tol=1e-9)
                for a, b, c in zip(v0, v1, values, strict=True)
            ):
                out[-1] = (month, values)
                continue
        out.append((month, values))
    return out


def _layers(points: Sequence[PathPoint], low: float, high: float) -> tuple[Layer, ...]:
    """Zones grouped into layers by status and order (a ~ target has at-risk bands on both sides)."""
    keys: list[tuple[str, int]] = []
    for point in points:
        seen: dict[str, int] = {}
        for zone in point.zones:
            key = (zone.status, seen.get(zone.status, 0))
            seen[zone.status] = key[1] + 1
            if key not in keys:
                keys.append(key)
    out = []
    for status, n in keys:
        edges: list[tuple[int, tuple[float, ...]]] = []
        for point in points:
            same = [z for z in point.zones if z.status == status]
            if len(same) <= n:
                continue
            zone = same[n]
            lo = low if zone.low is None else min(max(float(zone.low), low), high)
            hi = high if zone.high is None else min(max(float(zone.high), low), high)
            edges.append((_end(point.period), (lo, hi)))
        out.append(Layer(status, tuple((m, v[0], v[1]) for m, v in _turns(edges))))
    return tuple(out)


def chart(indicator: Mapping[str, Any], history: Mapping[str, Any], points: Sequence[PathPoint]) -> Chart:
    """The chart of one quantitative indicator, from its `indicators_json` row, its `history_json`
    document and its `bands.path`."""
    target = float(indicator["target"])
    target_month = _end(indicator["target_by"][:7])
    actual = tuple(
        (_end(p["period"]), float(p["actual"])) for p in history["series"] if p["actual"] is not None
    )
    expected = tuple(
        (m, v[0])
        for m, v in _turns(
            [(month_index(p.period), (float(p.expected),)) for p in points if p.expected is not None]
        )
    )
    projection = None
    if indicator["projection"] is not None and actual:
        projection = (actual[-1], (target_month, float(indicator["projection"])))
    values = [target, *(v for _, v in actual), *(v for _, v in expected)]
    if projection is not None:
        values.append(projection[1][1])
    low, high = min([*values, 0.0]), max(values)
    if indicator["comparator"] in ("~", "<=") or not kind_named(indicator["kind"]).axis_from_zero:
        low = min(values)  # a rate or a ceiling need not start at zero
    span = (high - low) or abs(high) or 1.0
    y_range = (low - span * 0.08, high + span * 0.12)
    return Chart(
        key=f"{indicator['project']}.{indicator['id']}",
        unit=indicator["unit"] or "",
        first_month=month_index(points[0].period) if points else target_month - 1,
        expected=expected,
        layers=_layers(points, *y_range),
        actual=actual,
        target=target,
        target_month=target_month,
        projection=projection,
        status=indicator["status"],
        y_range=y_range,
    )


# --------------------------------------------------------------------------- drawing (pygal)

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` round values (1, 2, 2.5 or 5 times a power of ten apart) across the range."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw)
    first = math.ceil(low / step) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step) + 1)]


# The size a chart is drawn at and its text's size: the page shows it about as wide as drawn (a
# phone's column is ~340 px, a desktop's grid columns ~340-450 px), so its text stays >= 11 CSS px.
CHART_WIDTH, CHART_HEIGHT, CHART_FONT = 360, 200, 12


def svg(c: Chart, width: int = CHART_WIDTH, height: int = CHART_HEIGHT, y_title: str | None = None) -> str:
    """The chart as an SVG element for inlining in a page: vector shapes, text as text (the
    reader's fonts draw it), no script and nothing fetched. The latest figure is marked in its
    status's colour with the status's marker (++, +, !, !!), so every chart shows its status;
    the gridlines are solid and faint, a style no line of the legend uses."""
    import pygal
    from pygal.style import Style

    colours = [BAND_COLOURS[layer.status] for layer in c.layers]
    colours += [EXPECTED_COLOUR, TARGET_COLOUR, ACTUAL_COLOUR]
    colours += [PROJECTION_COLOUR] if c.projection else []
    colours += [STATUS_COLOURS[c.status]]
    style = Style(
        colors=tuple(colours),
        font_family="sans-serif",
        background="transparent",
        plot_background="transparent",
        opacity="1",
        opacity_hover="1",
        label_font_size=CHART_FONT,
        major_label_font_size=CHART_FONT,
        value_label_font_size=CHART_FONT + 1,
        title_font_size=CHART_FONT,
        guide_stroke_dasharray="none",
        major_guide_stroke_dasharray="none",
        guide_stroke_color=GRID_COLOUR,
        major_guide_stroke_color=GRID_COLOUR,
    )
    xy = pygal.XY(
        width=width,
        height=height,
        style=style,
        js=(),  # pygal links its tooltip script from the web by default
        show_legend=False,
        dots_size=2.2,
        range=c.y_range,
        xrange=(c.first_month, c.target_month),
        x_labels=[m for m, _ in c.year_ticks()],
        x_value_formatter=lambda m: str(int(m) // 12),
        y_labels=nice_ticks(*c.y_range),
        value_formatter=lambda v: f"{v:g}",
        show_x_guides=False,
        margin=6,
        disable_xml_declaration=True,
        tooltip_border_radius=0,
        y_title=y_title,  # the page names the unit in the chart's caption (Chinese reads badly turned)
    )
    # The chart's id is its indicator's, not a random one, so that a page is the same every time.
    xy.uuid = re.sub(r"[^a-z0-9-]", "-", c.key.lower())
    for layer in c.layers:
        # A band as a closed outline: along its lower edge, back along its upper edge.
        ring = [(m, lo) for m, lo, _ in layer.points] + [(m, hi) for m, _, hi in reversed(layer.points)]
        xy.add(layer.status, ring, fill=True, show_dots=False, stroke_style={"width": 0})
    xy.add("expected", list(c.expected), show_dots=False, stroke_style={"width": 1.2, "dasharray": "5,3"})
    xy.add(
        "target",
        [(c.first_month, c.target), (c.target_month, c.target)],
        show_dots=False,
        stroke_style={"width": 1.5},
    )
    xy.add("actual", list(c.actual), stroke_style={"width": 2})
    if c.projection:
        xy.add(
            "projection", list(c.projection), show_dots=False, stroke_style={"width": 1.5, "dasharray": "2,3"}
        )
    if c.actual:  # the latest figure, in its status's colour, with its marker above it
        xy.add("latest", [c.actual[-1]], stroke=False, dots_size=4.5)
    text = str(xy.render(is_unicode=True))
    if c.actual:
        text = _marked(text, len(colours) - 1, MARKERS[c.status], STATUS_COLOURS[c.status])
    # pygal always writes its tooltip settings as an inline script; without its tooltip script
    # they do nothing, and a page that runs no script is the safer one to mail around.
    return _COMMENT.sub("", _SCRIPT.sub("", text))


def _marked(text: str, series: int, marker: str, colour: str) -> str:
    """The status's marker written above the latest figure's dot (pygal draws the dot only)."""
    found = re.search(
        rf'<g class="series serie-{series} color-{series}"><g class="dots">(?:<desc[^>]*>[^<]*</desc>)*'
        r'<circle cx="([-0-9.]+)" cy="([-0-9.]+)"[^>]*/>',
        text,
    )
    if found is None:
        return text
    x, y = float(found.group(1)), float(found.group(2))
    label = (
        f'<text x="{x:.1f}" y="{y - 7:.1f}" text-anchor="middle" class="status-marker" '
        f'style="fill:{colour};font-size:{CHART_FONT + 1}px;font-weight:700">{marker}</text>'
    )
    return text[: found.end()] + label + text[found.end() :]
