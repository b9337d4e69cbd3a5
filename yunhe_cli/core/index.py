"""The one index of units, people and projects that references (and filters) resolve against."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from yunhe_cli.core import model as m
from yunhe_cli.core.repository import Repository


@dataclass
class Index:
    """Look-ups that references resolve against: by id, name and alias."""

    units: dict[str, m.UnitEntry]
    people: dict[str, m.Person]
    projects: dict[str, m.Project]
    horizon: m.Horizon | None
    # The day the data is checked on: nothing done can be dated after it (None: not checked).
    today: dt.date | None = None

    @classmethod
    def build(cls, repo: Repository, today: dt.date | None = None) -> Index:
        units: dict[str, m.UnitEntry] = {}
        if repo.units:
            for u in repo.units.model.units:
                for key in (u.id, u.name, *u.aliases):
                    units.setdefault(key, u)
        people: dict[str, m.Person] = {}
        if repo.people:
            for p in repo.people.model.people:
                people.setdefault(p.id, p)
                people.setdefault(p.name, p)
        projects: dict[str, m.Project] = {}
        for proj in repo.projects:
            projects.setdefault(proj.model.id, proj.model)
        return cls(units, people, projects, repo.plan.model.horizon if repo.plan else None, today)

    def unit(self, ref: str | None) -> m.UnitEntry | None:
        return self.units.get(ref) if ref is not None else None
