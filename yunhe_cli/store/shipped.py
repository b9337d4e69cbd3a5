"""The plan as shipped with yunhe: its data folder and the JSON Schemas.

In a wheel they are package data under `yunhe_cli/shipped/` (built from the repository's `data/`
and `schemas/`, their one copy); in a checkout (an editable install) they are those folders
themselves, beside the package.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


class ShippedDataMissing(RuntimeError):
    """yunhe was installed without the plan's data: a broken install, not the user's input."""


def _shipped(name: str, marker: str) -> Path:
    packaged = resources.files("yunhe_cli").joinpath("shipped", name)
    checkout = Path(__file__).resolve().parents[2] / name  # yunhe_cli/store/shipped.py -> the checkout
    for candidate in (Path(str(packaged)), checkout):
        if (candidate / marker).is_file():
            return candidate
    raise ShippedDataMissing(
        f"this installation of yunhe has no {name}/ (looked in {Path(str(packaged))} and {checkout}); "
        "reinstall yunhe from a wheel built by `python -m build` or from the repository"
    )


def plan_data() -> Path:
    """The plan's data folder: plan.txt, plan.yaml, units, people, the ten projects."""
    return _shipped("data", "plan.yaml")


def schemas() -> Path:
    """The JSON Schemas the data files point at."""
    return _shipped("schemas", "report.schema.json")
