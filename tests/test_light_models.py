"""What a loaded report costs in memory: the models share what they can (the set of fields given),
and sharing never lets one model change another."""

from __future__ import annotations

import datetime as dt
import gc
import pickle
import tracemalloc
from decimal import Decimal
from pathlib import Path

from yunhe_cli.checks.validation import validate
from yunhe_cli.core.records import MonthlyReport, ReportedValue
from yunhe_cli.store import cache

from .conftest import ROOT


def test_models_with_the_same_fields_given_share_one_set() -> None:
    a = ReportedValue.model_validate({"indicator": "investment", "value": Decimal("12.5")})
    b = ReportedValue.model_validate({"indicator": "output", "value": Decimal("3")})
    c = ReportedValue.model_validate({"indicator": "output"})
    assert a.model_fields_set is b.model_fields_set
    assert a.model_fields_set == {"indicator", "value"} and c.model_fields_set == {"indicator"}
    # pickled (the cache, worker processes) and read back: shared as well
    back = pickle.loads(pickle.dumps([a, b]))
    assert back[0].model_fields_set is back[1].model_fields_set is a.model_fields_set
    assert back == [a, b]


def test_a_copy_with_changes_leaves_the_shared_set_alone() -> None:
    a = ReportedValue.model_validate({"indicator": "investment", "value": Decimal("12.5")})
    b = ReportedValue.model_validate({"indicator": "output", "value": Decimal("3")})
    changed = a.model_copy(update={"note": "核定"})
    assert changed.model_fields_set == {"indicator", "value", "note"}
    assert a.model_fields_set == b.model_fields_set == {"indicator", "value"}
    assert b.model_dump(exclude_unset=True) == {"indicator": "output", "value": Decimal("3")}


def test_a_loaded_report_costs_a_fraction_of_what_it_did() -> None:
    # What validation keeps, a report at a time, on the sample (414 reports), measured with
    # tracemalloc: 11.9 KiB a report when every model had its own set of fields given; 7.7 now.
    sample = ROOT / "examples" / "sample"
    cache.configure(None, enabled=False)
    validate(sample, today=dt.date(2026, 11, 15))  # imports and first-use caches out of the way
    gc.collect()
    tracemalloc.start()
    try:
        repo, _ = validate(sample, today=dt.date(2026, 11, 15))
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(repo.reports) == 414
    assert all(isinstance(r.model, MonthlyReport) for r in repo.reports)
    assert kept / len(repo.reports) < 9 * 1024


def test_the_sample_reads_alike_after_the_change(tmp_path: Path) -> None:
    # the models from a cache pack and from the files are equal, field by field
    sample = ROOT / "examples" / "sample"
    store = cache.Cache(tmp_path / "cache")
    from yunhe_cli.store.loader import load_repository

    cold, _ = load_repository(sample, cache=store)
    warm, _ = load_repository(sample, cache=store)
    assert [x.model for x in warm.loaded()] == [x.model for x in cold.loaded()]
    assert all(
        w.model.model_fields_set == c.model.model_fields_set
        for w, c in zip(warm.loaded(), cold.loaded(), strict=True)
    )
