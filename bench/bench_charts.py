"""Chart libraries compared on the charts `yunhe site` draws: every quantitative indicator of the
synthetic sample (58 charts), as of 2026-11-15.

Each library draws the same `charts.Chart`: the status bands, the expected path, the target
line, the figures reported and the projection, with the unit (Chinese) as the axis title.
Measured: import time, time for all charts, total SVG size, whether anything would be fetched
(an http(s) URL, a <script> or an @import/url() in the output), whether the Chinese unit stays
text (so the reader's system fonts draw it and the printer gets vector glyphs) and whether
anything is a raster image.

    python bench/bench_charts.py [--out bench/out/charts]   # needs pygal, matplotlib, vl-convert-python

Figures on the development machine (2 cores, shared): see the commit that chose the library.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yunhe_cli.checks.validation import validate  # noqa: E402
from yunhe_cli.core.bands import path  # noqa: E402
from yunhe_cli.outputs.charts import (  # noqa: E402
    ACTUAL_COLOUR,
    BAND_COLOURS,
    EXPECTED_COLOUR,
    PROJECTION_COLOUR,
    TARGET_COLOUR,
    Chart,
    chart,
)
from yunhe_cli.outputs.meeting_views import history_json  # noqa: E402
from yunhe_cli.outputs.views import indicators_json  # noqa: E402
from yunhe_cli.reports.meetings import history  # noqa: E402
from yunhe_cli.reports.rollup import context, roll_up  # noqa: E402

# What a browser would fetch: a link, a source, an import or a url() to another host.
# (Namespace declarations and metadata URIs are names, never fetched.)
FETCHED = re.compile(r"""(?:href|src)\s*=\s*["']?(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""", re.I)


def sample_charts() -> list[Chart]:
    repo, _ = validate(ROOT / "examples" / "sample")
    as_of = dt.date(2026, 11, 15)
    report = roll_up(repo, as_of)
    rows = {(r["project"], r["id"]): r for r in indicators_json(report, report.indicators())["indicators"]}
    ctx = context(repo)
    out = []
    for loaded in sorted(repo.projects, key=lambda p: p.model.number):
        for ind in loaded.model.indicators:
            if ind.kind == "milestone" or ind.target.value is None:
                continue
            doc = history_json(loaded.model, ind, history(repo, loaded.model, ind, as_of), as_of.isoformat())
            out.append(chart(rows[(loaded.model.id, ind.id)], doc, path(ind, ctx)))
    return out


# --------------------------------------------------------------------------- matplotlib (SVG, text as text)


def matplotlib_renderer() -> Callable[[Chart], str]:
    import io

    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.fonttype": "none",
            "font.family": "sans-serif",
            "font.sans-serif": ["Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "DejaVu Sans"],
            "font.size": 9,
            "svg.hashsalt": "yunhe",
        }
    )

    def render(c: Chart) -> str:
        fig, ax = plt.subplots(figsize=(6.4, 2.6))
        for layer in c.layers:
            ms, lows, highs = zip(*layer.points, strict=True)
            ax.fill_between(ms, lows, highs, color=BAND_COLOURS[layer.status], linewidth=0)
        ax.plot([m for m, _ in c.expected], [v for _, v in c.expected], "--", color=EXPECTED_COLOUR, lw=1)
        ax.axhline(c.target, color=TARGET_COLOUR, lw=1)
        if c.actual:
            ax.plot([m for m, _ in c.actual], [v for _, v in c.actual], "o-", color=ACTUAL_COLOUR, ms=2.5)
        if c.projection:
            (m0, v0), (m1, v1) = c.projection
            ax.plot([m0, m1], [v0, v1], ":", color=PROJECTION_COLOUR, lw=1.2)
        ax.set_ylim(*c.y_range)
        ax.set_xlim(c.first_month, c.target_month)
        ticks = c.year_ticks()
        ax.set_xticks([m for m, _ in ticks], [label for _, label in ticks])
        ax.set_ylabel(c.unit)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
        plt.close(fig)
        return buf.getvalue()

    return render


# --------------------------------------------------------------------------- pygal


def pygal_renderer() -> Callable[[Chart], str]:
    """The renderer `yunhe site` ships (charts.svg), with the unit as the axis title here."""
    from yunhe_cli.outputs.charts import svg

    return lambda c: svg(c, y_title=c.unit)


# --------------------------------------------------------------------------- Vega-Lite (vl-convert)


def vegalite_renderer() -> Callable[[Chart], str]:
    import vl_convert

    def render(c: Chart) -> str:
        x = {"field": "m", "type": "quantitative", "scale": {"domain": [c.first_month, c.target_month]}}
        x_axis = {
            **x,
            "axis": {
                "values": [m for m, _ in c.year_ticks()],
                "labelExpr": "floor(datum.value / 12)",
                "title": None,
            },
        }
        y = {"type": "quantitative", "scale": {"domain": list(c.y_range), "nice": False}}
        layers: list[dict[str, Any]] = []
        for layer in c.layers:
            values = [{"m": m, "lo": lo, "hi": hi} for m, lo, hi in layer.points]
            layers.append(
                {
                    "data": {"values": values},
                    "mark": {"type": "area", "color": BAND_COLOURS[layer.status]},
                    "encoding": {
                        "x": x_axis,
                        "y": {**y, "field": "lo", "title": c.unit},
                        "y2": {"field": "hi"},
                    },
                }
            )
        expected = [{"m": m, "v": v} for m, v in c.expected]
        layers.append(
            {
                "data": {"values": expected},
                "mark": {"type": "line", "color": EXPECTED_COLOUR, "strokeDash": [4, 3], "strokeWidth": 1},
                "encoding": {"x": x, "y": {**y, "field": "v"}},
            }
        )
        layers.append(
            {
                "data": {"values": [{"t": c.target}]},
                "mark": {"type": "rule", "color": TARGET_COLOUR},
                "encoding": {"y": {**y, "field": "t"}},
            }
        )
        layers.append(
            {
                "data": {"values": [{"m": m, "v": v} for m, v in c.actual]},
                "mark": {"type": "line", "point": {"size": 10}, "color": ACTUAL_COLOUR},
                "encoding": {"x": x, "y": {**y, "field": "v"}},
            }
        )
        if c.projection:
            layers.append(
                {
                    "data": {"values": [{"m": m, "v": v} for m, v in c.projection]},
                    "mark": {"type": "line", "color": PROJECTION_COLOUR, "strokeDash": [2, 3]},
                    "encoding": {"x": x, "y": {**y, "field": "v"}},
                }
            )
        spec = {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "width": 560,
            "height": 200,
            "layer": layers,
            "config": {"font": "sans-serif", "view": {"stroke": None}},
        }
        return str(vl_convert.vegalite_to_svg(spec))

    return render


LIBRARIES: dict[str, tuple[str, Callable[[], Callable[[Chart], str]]]] = {
    "matplotlib": ("matplotlib", matplotlib_renderer),
    "pygal": ("pygal", pygal_renderer),  # the one `yunhe site` uses
    "vl-convert": ("vl_convert", vegalite_renderer),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "charts")
    args = parser.parse_args()
    charts = sample_charts()
    print(f"{len(charts)} charts (every quantitative indicator of the sample)")
    print(
        f"{'library':<12}{'import s':>10}{'first s':>10}{'all s':>9}{'KB all':>9}{'KB max':>9}"
        "  fetches  scripts  CJK as text  raster"
    )
    for name, (module, factory) in LIBRARIES.items():
        started = time.perf_counter()
        importlib.import_module(module)
        render = factory()
        imported = time.perf_counter() - started
        started = time.perf_counter()
        first = render(charts[0])
        first_time = time.perf_counter() - started
        started = time.perf_counter()
        svgs = [render(c) for c in charts]
        elapsed = time.perf_counter() - started
        sizes = [len(s.encode()) for s in svgs]
        offline = not any(FETCHED.search(s) for s in svgs)
        scripts = sum(s.count("<script") for s in svgs)
        cjk = all(c.unit in s for c, s in zip(charts, svgs, strict=True) if c.unit and not c.unit.isascii())
        raster = any("<image" in s for s in svgs)
        folder = args.out / name
        folder.mkdir(parents=True, exist_ok=True)
        for c, s in zip(charts, svgs, strict=True):
            (folder / f"{c.key}.svg").write_text(s, encoding="utf-8")
        print(
            f"{name:<12}{imported:>10.2f}{first_time:>10.2f}{elapsed:>9.2f}{sum(sizes) / 1024:>9.0f}"
            f"{max(sizes) / 1024:>9.1f}  {'none' if offline else 'YES':<7}  {scripts:<7}"
            f"  {'yes' if cjk else 'NO':<11}  {'yes' if raster else 'no'}"
        )
        del first


if __name__ == "__main__":
    main()
