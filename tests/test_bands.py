"""The chart's status bands agree with the roll-up's one status rule (`rollup.judge`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yunhe_cli.checks.validation import validate
from yunhe_cli.core import model as m
from yunhe_cli.core.bands import Zone, path, zones
from yunhe_cli.core.periods import period_end
from yunhe_cli.core.readings import Context, note
from yunhe_cli.reports.rollup import context, judge

from .conftest import ROOT

SAMPLE = ROOT / "examples" / "sample"


def _probes(zone: Zone) -> list[Decimal]:
    """Figures inside a zone: near each bound and in the middle (bounds themselves belong to the
    rule's side of the comparison, which the probes need not guess)."""
    step = Decimal("0.001")
    if zone.low is not None and zone.high is not None:
        if zone.high - zone.low <= 2 * step:
            return [(zone.low + zone.high) / 2]
        return [zone.low + step, (zone.low + zone.high) / 2, zone.high - step]
    if zone.low is not None:
        return [zone.low + step, zone.low + abs(zone.low) + 10]
    assert zone.high is not None
    return [zone.high - step, zone.high - abs(zone.high) - 10]


def _check(ind: m.Indicator, ctx: Context, partial: bool) -> int:
    checked = 0
    for point in path(ind, ctx, partial):
        day = min(period_end(point.period), ind.target.by - dt.timedelta(days=1))
        for zone in point.zones:
            for value in _probes(zone):
                notes = [note("annualised", months=6)] if partial else []
                verdict = judge(ind, value, point.expected, day, ctx, notes)
                assert verdict.status == zone.status, (ind.id, point.period, zone, value, verdict)
                checked += 1
    return checked


def test_every_band_of_the_sample_is_judged_as_drawn() -> None:
    repo, _ = validate(SAMPLE)
    ctx = context(repo)
    checked = 0
    for loaded in repo.projects:
        for ind in loaded.model.indicators:
            if ind.kind == "milestone":
                continue
            checked += _check(ind, ctx, partial=False)
            checked += _check(ind, ctx, partial=True)
    assert checked > 10_000  # 58 indicators × ~50 months × 3–5 zones × 3 probes, twice


def _indicator(**changes: object) -> m.Indicator:
    base: dict[str, object] = {
        "id": "x",
        "name": "测试",
        "kind": "cumulative",
        "unit": "亿元",
        "comparator": ">=",
        "target": {"value": Decimal(350), "by": dt.date(2027, 12, 31)},
        "reported_as": "year_to_date",
        "source_text": "x",
    }
    base.update(changes)
    return m.Indicator.model_validate(base)


def _target(value: int) -> dict[str, object]:
    return {"value": Decimal(value), "by": dt.date(2027, 12, 31)}


CTX = Context(dt.date(2023, 1, 1), dt.date(2027, 12, 31), m.Thresholds())


def test_reach_bands_by_hand() -> None:
    # 350 over five years on a straight line: expected 175 halfway. On track from 0.95 × 175 =
    # 166.25, at risk from 0.85 × 175 = 148.75, achieved at 350.
    ind = _indicator()
    assert zones(ind, Decimal(175), CTX) == (
        Zone("off_track", None, Decimal("148.75")),
        Zone("at_risk", Decimal("148.75"), Decimal("166.25")),
        Zone("on_track", Decimal("166.25"), Decimal(350)),
        Zone("achieved", Decimal(350), None),
    )


def test_about_bands_by_hand() -> None:
    # 50左右 with the default tolerance of 5%: 2.5 either side on track, 5 either side at risk;
    # prefer: higher makes everything above 47.5 on track.
    ind = _indicator(kind="annual", unit="个", comparator="~", target=_target(50))
    assert [(z.status, z.low, z.high) for z in zones(ind, Decimal(50), CTX)] == [
        ("off_track", None, Decimal(45)),
        ("at_risk", Decimal(45), Decimal("47.5")),
        ("on_track", Decimal("47.5"), Decimal("52.5")),
        ("at_risk", Decimal("52.5"), Decimal(55)),
        ("off_track", Decimal(55), None),
    ]
    higher = _indicator(kind="annual", unit="个", comparator="~", prefer="higher", target=_target(50))
    assert zones(higher, Decimal(50), CTX)[-1] == Zone("on_track", Decimal("47.5"), None)


def test_ceiling_bands_by_hand() -> None:
    # 以内 40 with no baseline: on track up to 40, at risk up to 40 / 0.85 = 47.0588235294.
    ind = _indicator(kind="level", unit="%", comparator="<=", target=_target(40))
    assert zones(ind, None, CTX) == (
        Zone("on_track", None, Decimal(40)),
        Zone("at_risk", Decimal(40), Decimal("47.0588235294")),
        Zone("off_track", Decimal("47.0588235294"), None),
    )


@pytest.mark.parametrize("partial", [False, True])
def test_an_annualised_part_year_is_never_achieved(partial: bool) -> None:
    ind = _indicator(kind="level", reported_as="year_to_date")
    top = zones(ind, Decimal(300), CTX, partial)[-1]
    assert top.status == ("on_track" if partial else "achieved")
