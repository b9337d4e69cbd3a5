"""The round-trip document an edit changes: loading it, placing a new key where the schema puts it,
and the schema line a new file starts with.

One helper sets a key for every edit (`set_in_order`): the problem commands and a form's import
both go through it, so a key lands at the same place and an unchanged value stays as written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any


def load_round_trip(text: str) -> Any:
    """`text` as ruamel's round-trip document (comments, key order and quotes kept)."""
    from yunhe_cli.store.yamlio import round_trip_yaml

    return round_trip_yaml().load(text)


def empty_list() -> Any:
    """A new round-trip list (written `[]` until it has an entry; see `block_style`)."""
    return load_round_trip("x: []\n")["x"]


def block_style(seq: Any) -> None:
    """An empty list written `[]` becomes a block list once it has an entry."""
    if hasattr(seq, "fa"):
        seq.fa.set_block_style()


def set_in_order(entry: Any, key: str, value: Any, order: list[str]) -> None:
    """Set a key, inserting a new key at its canonical place in `order` (so that diffs stay small).

    None removes a value that was there; a value equal to the one written is left as written (its
    quotes and number layout kept)."""
    if value is None:
        if key in entry and entry[key] is not None:
            del entry[key]
        return
    if key in entry:
        if not _same(entry[key], value):
            entry[key] = value
        return
    rank = order.index(key)
    position = sum(1 for k in entry if k in order and order.index(k) < rank)
    entry.insert(position, key, value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return comparable_text(a) == comparable_text(b)


def comparable_text(value: Any) -> str:
    """A value as comparable text: the same for the same content whichever program wrote it (a form
    cell saved by Excel or WPS, a YAML scalar): 56 for 56.0, 2026-05-03 for a midnight datetime."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return number_text(Decimal(format(float(value), ".15g")))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def number_text(value: Decimal) -> str:
    """A decimal written as a person writes it: 56, 20.41 (no exponent, no trailing zeros)."""
    return format(value.normalize(), "f")


def yaml_number(value: Decimal | None) -> int | float | None:
    """A figure as ruamel writes it: 56, 20.41 (a decimal of up to 15 digits survives float's repr)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def schema_comment(rel: str, kind: str) -> str:
    """The first line of a new file: where its schema is, relative to the file."""
    return f"# yaml-language-server: $schema={'../' * (rel.count('/') + 1)}schemas/{kind}.schema.json"
