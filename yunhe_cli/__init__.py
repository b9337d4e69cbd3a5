"""yunhe: track the delivery of Yunhe County's Ten Major Projects plan (2023–2027)."""

from __future__ import annotations

# The version has one home, the package metadata (pyproject.toml's `version`); it is read on first
# use so that a command that never asks pays nothing for importlib.metadata.


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("yunhe")
        except PackageNotFoundError:  # run from a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
