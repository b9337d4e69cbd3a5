"""yunhe: track the delivery of Yunhe County's Ten Major Projects plan (2023–2027)."""

from __future__ import annotations

# The version has one home, pyproject.toml's `version`: the build writes it into `built_version.py` (a
# file git ignores); a source tree that was never built asks the package metadata, else says so.


def __getattr__(name: str) -> str:
    if name == "__version__":
        try:
            from yunhe_cli import built_version

            return str(built_version.__version__)
        except ImportError:
            pass
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("yunhe")
        except PackageNotFoundError:  # run from a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
