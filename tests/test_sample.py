"""examples/sample is what its generator makes, says it is synthetic, and validates."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from yunhe_cli.checks.validation import validate

from .conftest import DATA

SAMPLE = DATA.parent / "examples" / "sample"


def load_generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "generate_sample", DATA.parent / "examples" / "generate_sample.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sample_is_current_with_its_generator(tmp_path: Path) -> None:
    load_generator().generate(tmp_path / "sample")
    made = {
        p.relative_to(tmp_path / "sample"): p.read_bytes()
        for p in (tmp_path / "sample").rglob("*")
        if p.is_file()
    }
    shipped = {
        p.relative_to(SAMPLE): p.read_bytes()
        for p in SAMPLE.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    assert made.keys() == shipped.keys()
    assert [k for k in made if made[k] != shipped[k]] == []


def test_sample_is_valid_and_says_it_is_synthetic() -> None:
    repo, problems = validate(SAMPLE)
    assert problems == []
    assert len(repo.reports) > 400
    for path in [*SAMPLE.glob("indicators/*/*.yaml"), *SAMPLE.glob("issues/*.yaml")]:
        assert "SYNTHETIC" in path.read_text(encoding="utf-8").splitlines()[1], path
    assert "SYNTHETIC" in (SAMPLE / "README.md").read_text(encoding="utf-8")


def test_sample_plan_is_the_plan_in_data() -> None:
    for path in [
        DATA / "plan.yaml",
        DATA / "units.yaml",
        DATA / "people.yaml",
        *DATA.glob("projects/*.yaml"),
    ]:
        ours = path.read_text(encoding="utf-8").splitlines()[1:]
        theirs = (SAMPLE / path.relative_to(DATA)).read_text(encoding="utf-8").splitlines()[1:]
        assert ours == theirs, path
