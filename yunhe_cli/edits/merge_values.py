"""Values of the three sides of a merge (merge.py): compared as plain data, and theirs' moved into
ours' round-tripped document with its own text.

Only ours is read by ruamel's round-trip loader (the slow one, ~0.1 s for a five-year problem
list); the base and theirs are read by yunhe's fast reader, which keeps the node tree. A value of
theirs that goes into the merged document is read again from its own lines of theirs' text, so it
keeps its comments and quotes; a value that no node stands for (a copy made in the merge) is
converted as plain data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from yunhe_cli.store.yamlio import round_trip_yaml, to_plain


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def same(a: Any, b: Any) -> bool:
    """Equal as data (comments, quotes and number spellings aside)."""
    if a is MISSING or b is MISSING:
        return a is b
    return bool(to_plain(a) == to_plain(b))


def _canon(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((str(k), _canon(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_canon(v) for v in value)
    return str(value) if isinstance(value, int | float | Decimal) else (type(value).__name__, str(value))


def fingerprint(value: Any) -> Any:
    """A hashable stand-in for a value, equal for equal data: an entry of a list merged as a set."""
    return _canon(to_plain(value))


def show(value: Any) -> str:
    """A value as a conflict's message names it."""
    if value is MISSING:
        return "removed"
    plain = to_plain(value)
    if isinstance(plain, dict | list):
        text = repr(plain)
        return text if len(text) <= 40 else ("a mapping" if isinstance(plain, dict) else "a list")
    text = str(plain)
    return repr(text) if len(text) <= 40 else repr(text[:36] + "...")


def key_of(item: Any, key: str) -> str | None:
    """The name of a list entry (its `key` field), or None when it has none."""
    if isinstance(item, dict) and key in item and item[key] is not None:
        return str(to_plain(item[key]))
    return None


class Adopter:
    """Theirs' values, read by the fast reader, made into round-trip values for ours' document."""

    def __init__(self, text: str, data: Any, root: Node | None) -> None:
        self.lines = text.splitlines(keepends=True)
        self.nodes: dict[int, Node] = {}
        if root is not None:
            self._index(data, root)

    def _index(self, value: Any, node: Node) -> None:
        if isinstance(value, dict) and isinstance(node, MappingNode):
            self.nodes[id(value)] = node
            for (_, value_node), child in zip(node.value, value.values(), strict=True):
                self._index(child, value_node)
        elif isinstance(value, list) and isinstance(node, SequenceNode):
            self.nodes[id(value)] = node
            for value_node, child in zip(node.value, value, strict=True):
                self._index(child, value_node)

    def adopt(self, value: Any) -> Any:
        """`value` as ours' document holds values (a round-trip value, or one ruamel writes)."""
        if value is MISSING or isinstance(value, str | bool | int | dt.date) or value is None:
            return value
        node = self.nodes.get(id(value))
        if node is not None:
            loaded = self._own_text(node)
            if loaded is not None and same(loaded, value):
                return loaded
        return _converted(value)

    def _own_text(self, node: Node) -> Any:
        """The value read again from its lines, at its own column (so its comments keep theirs),
        as the one entry of a list begun just before it."""
        start, end = node.start_mark, node.end_mark
        column = start.column
        if start.line >= len(self.lines) or column == 1:
            return None
        chunk = [self.lines[start.line][column:]]
        chunk += self.lines[start.line + 1 : end.line]
        if end.line < len(self.lines) and end.line > start.line:
            chunk.append(self.lines[end.line][: end.column])
        try:
            if column == 0:
                return round_trip_yaml().load("".join(chunk))
            return round_trip_yaml().load(" " * (column - 2) + "- " + "".join(chunk))[0]
        except Exception:  # a piece that does not stand on its own: converted as plain data
            return None


def _converted(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _converted(v)
        return out
    if isinstance(value, list):
        seq = CommentedSeq()
        seq.extend(_converted(v) for v in value)
        return seq
    if isinstance(value, Decimal):  # the figure as written (55.80 stays 55.80)
        return round_trip_yaml().load(str(value))
    return value
