"""Each rule in one home: what a kind means (core/kinds.py), the month grammar (core/periods.py),
modules of a readable size, no private name imported across modules (issue "The house in layers")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from yunhe_cli.core.kinds import KINDS, kind_named

PACKAGE = Path(__file__).resolve().parent.parent / "yunhe_cli"
# The floors this change answers for (cli/, forms/ and edits/ follow: see the issue).
FLOORS = ("core", "store", "checks", "reports", "outputs")
OWNED = [p for floor in FLOORS for p in sorted((PACKAGE / floor).glob("*.py"))]
KIND_NAMES = tuple(KINDS)


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def test_every_kind_answers_the_same_questions() -> None:
    assert KIND_NAMES == ("cumulative", "level", "growth", "annual", "milestone")
    table = {
        name: (k.qualitative, k.reports_level, k.is_rate, k.percent_is_share, k.axis_from_zero, k.hold)
        for name, k in KINDS.items()
    }
    assert table == {
        "cumulative": (False, False, False, False, True, False),
        "level": (False, False, False, True, True, False),
        "growth": (False, True, True, False, False, True),
        "annual": (False, False, False, True, False, True),
        "milestone": (True, False, False, False, True, False),
    }
    assert all(kind_named(name) is kind for name, kind in KINDS.items())


@pytest.mark.parametrize("path", OWNED, ids=_rel)
def test_no_kind_is_named_outside_its_home(path: Path) -> None:
    # a rule about a kind is a property or method of the kind, never a test of its name
    if _rel(path) in ("core/kinds.py", "core/model.py"):  # the home, and the schema's Literal
        return
    names = "|".join(KIND_NAMES)
    test = re.compile(rf"kind\b[^\n]*?(==|!=|\bin\b)\s*\(?[^\n]*\"({names})\"")
    assert not test.findall(path.read_text(encoding="utf-8"))


def test_count_units_have_one_home() -> None:
    defined = [_rel(p) for p in PACKAGE.rglob("*.py") if re.search(r"^COUNT_UNITS\s*=", p.read_text(), re.M)]
    assert defined == ["core/kinds.py"]


@pytest.mark.parametrize("path", OWNED, ids=_rel)
def test_no_private_name_crosses_a_module(path: Path) -> None:
    known = {("checks/owners.py", "yunhe_cli.store.git", "_env")}  # store/git.py is not ours to change
    crossing = {
        (_rel(path), node.module, alias.name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("yunhe_cli")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    }
    assert crossing <= known
