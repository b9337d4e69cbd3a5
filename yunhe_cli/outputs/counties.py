"""Many counties in one call: each data folder validated and rolled up on its own, results labelled.

A province collects one repository per county (one repository holds at most 99 projects × 60
months). Started once per county, yunhe spent more than half of the time starting; here every
folder is read in one process, with one cache, the garbage collector paused.

Each county keeps its own plan, units and problems: nothing crosses from one folder to another.
A county is labelled by its folder's name (the folder above when it is called `data`), made
unique with the path where two folders share a name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from yunhe_cli.core import progress
from yunhe_cli.core.problems import Problem
from yunhe_cli.core.repository import SourceFile
from yunhe_cli.outputs.labels import Lang, t
from yunhe_cli.outputs.views import TableView


@dataclass(frozen=True, slots=True)
class County:
    label: str
    root: Path


class ListingError(ValueError):
    pass


def read_listing(path: Path) -> list[Path]:
    """The folders a listing file names, one a line; blank lines and lines from # on are skipped.

    A relative folder is read from the listing's own folder, as a .gitignore's paths are.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ListingError(f"cannot read the list of folders {path}: {exc}") from None
    folders = []
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.split("#", 1)[0].strip()
        bad = next((ch for ch in entry if ord(ch) < 32 or ord(ch) == 127), None)
        if bad is not None:  # a NUL cannot be in a path; no folder is named with control characters
            raise ListingError(
                f"{path}:{number}: the line holds the control character {bad!r}; a folder's name cannot"
            )
        if entry:
            folder = Path(entry)
            folders.append(folder if folder.is_absolute() else path.parent / folder)
    if not folders:
        raise ListingError(f"{path} names no folder")
    return folders


def label_of(root: Path) -> str:
    real = root.resolve()
    return (real.parent.name if real.name == "data" else real.name) or str(root)


def counties(folders: list[Path]) -> list[County]:
    """Each folder once, in the order given, labelled (by path where two names are alike)."""
    unique: list[Path] = []
    seen: set[Path] = set()
    for folder in folders:
        key = folder.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(folder)
    labels = [label_of(f) for f in unique]
    return [
        County(label if labels.count(label) == 1 else str(folder), folder)
        for label, folder in zip(labels, unique, strict=True)
    ]


def validate_all(
    places: list[County], today: dt.date
) -> Iterator[tuple[County, list[SourceFile], list[Problem]]]:
    """Every county validated on its own (its files, its checks), in one process, one at a time:
    a county's models are freed before the next is read, so memory is that of the largest county."""
    from yunhe_cli.checks.validation import check_folder

    for county in progress.each("progress.counties", places, label):
        yield (county, *check_folder(county.root, today=today))


def label(county: County) -> str:
    """What a county is called in its output (for a progress bar)."""
    return county.label


# --------------------------------------------------------------------------- labelled output


def labelled_views(per_county: list[tuple[str, list[TableView]]], lang: Lang) -> list[TableView]:
    """The tables of every county, each under its county's name (the text formats)."""
    return [
        replace(view, title=f"{t('county', lang)} {label} · {view.title}")
        for label, views in per_county
        for view in views
    ]


def labelled_document(per_county: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """JSON: every county's document, under its label."""
    return {"version": 1, "counties": [{"county": label, **doc} for label, doc in per_county]}


def merged_document(per_county: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Every county's lists of records joined, each record with its county first (what CSV projects)."""
    out: dict[str, Any] = {"version": 1}
    for label, doc in per_county:
        for key, value in doc.items():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                out.setdefault(key, []).extend({"county": label, **record} for record in value)
    return out
