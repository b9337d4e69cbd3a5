"""The loaded repository: each file's validated model beside the file it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from yunhe_cli.core import model as m

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One data file: where it is (as shown to the user) and what kind of file it is."""

    path: Path  # as displayed: the --data argument joined with the relative path
    rel: str  # relative to the data root, with forward slashes
    kind: str  # a key of model.FILE_MODELS


@dataclass(frozen=True, slots=True)
class Loaded(Generic[T]):
    """A validated model and the file it came from."""

    model: T
    source: SourceFile


@dataclass
class Repository:
    root: Path
    plan: Loaded[m.Plan] | None = None
    units: Loaded[m.UnitRegistry] | None = None
    people: Loaded[m.PeopleRegistry] | None = None
    projects: list[Loaded[m.Project]] = field(default_factory=list)
    reports: list[Loaded[m.MonthlyReport]] = field(default_factory=list)
    problem_lists: list[Loaded[m.ProblemList]] = field(default_factory=list)
    members: Loaded[m.Members] | None = None
    assessment_lists: list[Loaded[m.AssessmentList]] = field(default_factory=list)
    supervision_lists: list[Loaded[m.SupervisionList]] = field(default_factory=list)
    practice_lists: list[Loaded[m.PracticeList]] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)

    def loaded(self) -> list[Loaded[Any]]:
        """Every file's model, whatever its kind (the inverse of `attach`)."""
        single = [x for x in (self.plan, self.units, self.people, self.members) if x is not None]
        return [
            *single,
            *self.projects,
            *self.reports,
            *self.problem_lists,
            *self.assessment_lists,
            *self.supervision_lists,
            *self.practice_lists,
        ]

    def project(self, ref: str) -> Loaded[m.Project] | None:
        """A project by id or by its number ("p03", "3")."""
        for p in self.projects:
            if p.model.id == ref or str(p.model.number) == ref.lstrip("0"):
                return p
        return None


def attach(repo: Repository, source: SourceFile, model: BaseModel) -> None:
    """Put a file's validated model where its kind belongs in the repository."""
    if isinstance(model, m.Plan):
        repo.plan = Loaded(model, source)
    elif isinstance(model, m.UnitRegistry):
        repo.units = Loaded(model, source)
    elif isinstance(model, m.PeopleRegistry):
        repo.people = Loaded(model, source)
    elif isinstance(model, m.Project):
        repo.projects.append(Loaded(model, source))
    elif isinstance(model, m.MonthlyReport):
        repo.reports.append(Loaded(model, source))
    elif isinstance(model, m.ProblemList):
        repo.problem_lists.append(Loaded(model, source))
    elif isinstance(model, m.Members):
        repo.members = Loaded(model, source)
    elif isinstance(model, m.AssessmentList):
        repo.assessment_lists.append(Loaded(model, source))
    elif isinstance(model, m.SupervisionList):
        repo.supervision_lists.append(Loaded(model, source))
    elif isinstance(model, m.PracticeList):
        repo.practice_lists.append(Loaded(model, source))
