"""Each rule in one home: what a kind means (core/kinds.py), the month grammar (core/periods.py),
(the package-wide rules of size, cycles and private names are in test_layers.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from yunhe_cli.core.kinds import KINDS, kind_named

PACKAGE = Path(__file__).resolve().parent.parent / "yunhe_cli"
FLOORS = ("core", "store", "checks", "reports", "outputs", "edits", "forms", "cli")
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
    assert defined == ["core/plausibility.py"]


@pytest.mark.parametrize("path", OWNED, ids=_rel)
def test_the_month_grammar_has_one_home(path: Path) -> None:
    if _rel(path) == "core/periods.py":
        return
    assert "1[0-2]" not in path.read_text(encoding="utf-8")


def test_the_grammar_is_the_one_the_files_and_schemas_had() -> None:
    from yunhe_cli.core import model as m
    from yunhe_cli.core import periods

    assert m.PERIOD_PATTERN == periods.PERIOD_PATTERN == r"^20[0-9]{2}-(0[1-9]|1[0-2])$"
    assert periods.PERIOD.pattern == r"^([0-9]{4})-(0[1-9]|1[0-2])$"
    assert periods.PERIOD_FILE.pattern == r"^20[0-9]{2}-(0[1-9]|1[0-2])\.yaml$"


def test_plan_defaults_have_one_home() -> None:
    import datetime as dt

    from yunhe_cli.core import model as m
    from yunhe_cli.core import plan_defaults

    assert plan_defaults.due_day(None) == m.Reporting().monthly_due_day == 10
    assert plan_defaults.first_period(None) == "2023-05"  # the month after the shipped plan's date
    assert plan_defaults.horizon(None) == (dt.date(2023, 1, 1), dt.date(2027, 12, 31))
    for path in (PACKAGE / "reports").glob("*.py"):  # no plan date or due day written into a report
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"dt\.date\(20\d\d|Reporting\(\)", text), _rel(path)
