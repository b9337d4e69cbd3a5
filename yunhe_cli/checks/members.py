"""The members file (`members.yaml`, optional): which git identities commit for which unit.

The plan names units, never the people who type the figures in, so the shipped `data/` has no
members file; a county's data repository adds one (see `examples/members.yaml`, SYNTHETIC). An
identity is a git author email, compared without regard to case (git hosts match them so); the
host's user and team handles are only for CODEOWNERS.

`member_problems` is the file's cross-file check (run by `checks.run_checks`): a unit that is not in
units.yaml (R203), a unit listed twice or an identity listed twice (R202). A malformed email or
handle is refused by the model itself (S107).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from yunhe_cli.core import model as m
from yunhe_cli.core.problems import Problem

if TYPE_CHECKING:
    from yunhe_cli.core.index import Index
    from yunhe_cli.core.repository import Repository


def unit_lookup(units: m.UnitRegistry | None) -> dict[str, m.UnitEntry]:
    """Every way the data may name a unit (id, name, alias) -> the unit (as checks.Index resolves)."""
    found: dict[str, m.UnitEntry] = {}
    for u in units.units if units else []:
        for key in (u.id, u.name, *u.aliases):
            found.setdefault(key, u)
    return found


def member_problems(repo: Repository, index: Index) -> Iterator[Problem]:
    if repo.members is None:
        return
    path = repo.members.source.path
    seen_units: dict[str, str] = {}
    seen_people: dict[tuple[str, str], str] = {}
    for i, entry in enumerate(repo.members.model.units):
        unit = index.unit(entry.unit)
        if unit is None:
            close = difflib.get_close_matches(entry.unit, list(index.units), n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            yield Problem(
                path, "R203", f"the unit {entry.unit!r} is not in units.yaml{hint}", ("units", i, "unit")
            )
            where = entry.unit
        else:
            where = unit.name
            if unit.id in seen_units:
                first = seen_units[unit.id]
                message = f"the unit {unit.name} is listed twice (first as {first!r}); list its people once"
                yield Problem(path, "R202", message, ("units", i, "unit"))
            seen_units.setdefault(unit.id, entry.unit)
        for j, person in enumerate(entry.people):
            for key, value in (("email", person.email.lower()), ("handle", person.handle)):
                if value is None:
                    continue
                if (key, value) in seen_people:
                    message = (
                        f"the identity {value!r} is listed twice (first under {seen_people[(key, value)]}); "
                        "one identity commits for one unit"
                    )
                    yield Problem(path, "R202", message, ("units", i, "people", j, key))
                seen_people.setdefault((key, value), where)


@dataclass(frozen=True)
class Roster:
    """Who is who, resolved against units.yaml: emails (lower case) -> unit ids, and each unit's
    handles for CODEOWNERS. Entries naming an unknown unit are left out (validate reports them)."""

    units_of: dict[str, frozenset[str]] = field(default_factory=dict)
    teams: dict[str, str] = field(default_factory=dict)
    handles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    org: str | None = None
    present: bool = False  # whether there is a members file at all

    def member_units(self, email: str) -> frozenset[str]:
        return self.units_of.get(email.lower(), frozenset())


def roster(members: m.Members | None, units: dict[str, m.UnitEntry]) -> Roster:
    if members is None:
        return Roster()
    units_of: dict[str, set[str]] = {}
    teams: dict[str, str] = {}
    handles: dict[str, list[str]] = {}
    for entry in members.units:
        unit = units.get(entry.unit)
        if unit is None:
            continue
        if entry.team is not None:
            teams.setdefault(unit.id, entry.team)
        for person in entry.people:
            units_of.setdefault(person.email.lower(), set()).add(unit.id)
            if person.handle is not None and person.handle not in handles.setdefault(unit.id, []):
                handles[unit.id].append(person.handle)
    return Roster(
        {k: frozenset(v) for k, v in units_of.items()},
        teams,
        {k: tuple(v) for k, v in handles.items()},
        members.org,
        True,
    )
