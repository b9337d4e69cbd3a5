"""The fast reader must understand every file exactly as ruamel.yaml's round-trip writer does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from yunhe_cli.store.yamlio import locate, parse_text, round_trip_yaml, to_plain

from .conftest import DATA

# Scalars on which YAML 1.1 readers (PyYAML) and YAML 1.2 readers (ruamel) disagree, and other corners.
TRICKY = """\
code: 0530102
octal: 0o17
hex: 0x1F
binary: 0b101
underscored: 1_000
sexagesimal: 1:30
yes_word: yes
no_word: no
on_word: on
true_word: true
True_word: True
null_word: null
tilde: ~
empty:
date: 2023-04-28
datetime: 2023-04-28T10:30:00
datetime_tz: 2023-04-28 10:30:00+08:00
float: 63.5
exp: 1e3
exp_float: 1.5e3
dot_float: .5
trailing_dot: 1.
plus: +12
minus_zero: -0
inf: .inf
neg_inf: -.Inf
quoted_number: "63"
single_quoted: '2023-04-28'
percent: 63%
fullwidth: ６３
chinese: 县发改局
colon_text: a:b
equals: =
version: 1.2.3
date_like: 2023-4-5
block: |
  line one
  line two
folded: >-
  folded
  text
list: [1, two, 3.0]
nested:
  - a: 1
    b: [x, y]
"""


def test_tricky_scalars_read_alike() -> None:
    ours = parse_text(TRICKY, Path("t.yaml"))
    assert ours.problems == []
    theirs = to_plain(round_trip_yaml().load(TRICKY))
    assert ours.data == theirs
    # and the points where PyYAML would have read them otherwise
    assert ours.data["code"] == 530102
    assert ours.data["sexagesimal"] == "1:30"
    assert ours.data["no_word"] == "no"
    assert ours.data["date"] == dt.date(2023, 4, 28)


@pytest.mark.parametrize("path", sorted(DATA.rglob("*.yaml")), ids=lambda p: p.relative_to(DATA).as_posix())
def test_shipped_files_read_alike(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    ours = parse_text(text, path)
    assert ours.problems == []
    assert ours.data == to_plain(round_trip_yaml().load(text))


def test_locate_points_at_values_and_keys() -> None:
    text = "a:\n  b:\n    - x: 1\n      y: two\n"
    parsed = parse_text(text, Path("t.yaml"))
    assert locate(parsed.root, ("a", "b", 0, "y")) == (4, 10)
    assert locate(parsed.root, ("a", "b", 0, "y"), at_key=True) == (4, 7)
    assert locate(parsed.root, ("a", "b", 5)) == (3, 5)  # as far as the path exists
    assert locate(parsed.root, ()) == (1, 1)


def test_duplicate_keys_are_not_silently_merged() -> None:
    parsed = parse_text("a: 1\nb: 2\na: 3\n", Path("t.yaml"))
    assert [(p.code, p.line, p.col) for p in parsed.problems] == [("Y003", 3, 1)]
    with pytest.raises(Exception, match="duplicate"):
        round_trip_yaml().load("a: 1\nb: 2\na: 3\n")
