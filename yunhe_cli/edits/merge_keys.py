"""What identifies an entry in each list of each kind of file, for the three-way merge (merge.py).

A list is merged one of three ways, by the path of its keys from the top of the file (list
indexes left out):

- keyed: its entries are mappings, each named by one field (a problem by `id`, a report's figure
  by `indicator`, a task update by `task`); entries are matched by that field and merged field by
  field;
- a set: entries are compared whole and kept in order; what one side removed is removed and what
  one side added is added (evidence, a unit's aliases, a project's responsible units, a report's
  `revisions:` and a problem's `reopened:` records, which only ever grow);
- anything else is one value: changed on one side, that side's list is taken; changed on both
  to different lists, it is a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass

Path_ = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Keyed:
    key: str  # the field that names an entry
    noun: str  # what an entry is called in a conflict's message
    renumber: bool = False  # entries added on both sides under one key: renumber theirs'


SET = "set"

LISTS: dict[str, dict[Path_, Keyed | str]] = {
    "problems": {
        ("problems",): Keyed("id", "problem", renumber=True),
        ("problems", "evidence"): SET,
        ("problems", "reopened"): SET,
    },
    "report": {
        ("values",): Keyed("indicator", "figure"),
        ("tasks",): Keyed("task", "task update"),
        ("tasks", "milestones"): Keyed("milestone", "milestone"),
        ("revisions",): SET,
    },
    "units": {
        ("units",): Keyed("id", "unit"),
        ("units", "aliases"): SET,
    },
    "people": {("people",): Keyed("id", "person")},
    "project": {
        ("indicators",): Keyed("id", "indicator"),
        ("indicators", "annual_targets"): Keyed("year", "annual target"),
        ("tasks",): Keyed("id", "key task"),
        ("tasks", "milestones"): Keyed("title", "milestone"),
        ("responsible_units",): SET,
    },
    "members": {
        ("units",): Keyed("unit", "unit"),
        ("units", "people"): Keyed("email", "member"),
    },
    "plan": {},
}


def list_rule(kind: str, path: Path_) -> Keyed | str | None:
    """How the list at `path` (keys only) in a file of `kind` merges; None: as one value."""
    return LISTS.get(kind, {}).get(path)
