"""The fields every file model is built from: ids, text, exact figures, references, the closed
vocabularies (kinds, comparators, statuses, units) and `Strict`, the model that refuses what it
does not know and pickles as its fields.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"

Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN),
    Field(description="标识 id: lower-case letters, digits, '-' and '_' (no path characters)"),
]
Text = Annotated[str, StringConstraints(min_length=1)]


def _exact(value: Any) -> Any:
    """A YAML int becomes an exact decimal; the reader gives every other figure as a Decimal of its
    own digits. Text and booleans pass through and are refused as not a number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


# A figure as published: an exact decimal (numbers.py says why); NaN and infinities are refused.
Number = Annotated[
    Decimal,
    BeforeValidator(_exact),
    Field(allow_inf_nan=False),
    WithJsonSchema({"type": "number"}),
]
# A reference to a unit or a person: its id, its name, or one of its aliases.
UnitRef = Annotated[Text, Field(description="单位 unit: id, name or alias from units.yaml")]
PersonRef = Annotated[Text, Field(description="人员 person: id or name from people.yaml")]

Kind = Literal["cumulative", "level", "growth", "annual", "milestone"]
Comparator = Literal[">=", ">", "<=", "~"]
ReportedAs = Literal["year_to_date", "plan_to_date", "point"]
TaskStatus = Literal["not_started", "in_progress", "done", "blocked"]
ProblemStatus = Literal["open", "closed"]
ProblemSource = Literal["月调度", "季分析", "年总结", "督查", "其他"]

# Units an indicator may be measured in; the plan's own spelling, e.g. 套（间） with full-width brackets.
UNITS: dict[str, str] = {
    "亿元": "100 million yuan",
    "万元": "10 thousand yuan",
    "%": "percent",
    "个百分点": "percentage points",
    "个": "items",
    "家": "enterprises",
    "亩": "mu",
    "万千瓦": "10 MW",
    "岁": "years of age",
    "年": "years",
    "套（间）": "units (rooms)",
    "户": "households",
    "人": "people",
}
Unit = Literal[
    "亿元", "万元", "%", "个百分点", "个", "家", "亩", "万千瓦", "岁", "年", "套（间）", "户", "人"
]


class Strict(BaseModel):
    """Unknown keys are refused and nothing is coerced (a quoted "63" is not a number)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @model_validator(mode="after")
    def _shared_fields_set(self) -> Strict:
        object.__setattr__(self, "__pydantic_fields_set__", shared_fields_set(self.__pydantic_fields_set__))
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as its fields (the cache and worker processes send models): pydantic's own
        # __getstate__/__setstate__ took 7 times as long to write and twice as long to read.
        private = self.__pydantic_private__ or None
        return (_restore, (type(self), self.__dict__, self.__pydantic_fields_set__, private))


# One set object per distinct set of fields given: a model's own set was 40% of what a loaded report
# held (3.8 of 12 KB on the sample). Sharing it is safe because every model is frozen: pydantic adds
# to the set only on assignment, and a copy (`model_copy`) copies it first.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def shared_fields_set(fields: set[str]) -> set[str]:
    """The one set object equal to `fields` (never to be changed in place)."""
    key = frozenset(fields)
    found = _FIELDS_SETS.get(key)
    if found is None:
        found = _FIELDS_SETS[key] = set(key)
    return found


def _restore(
    cls: type[Strict], values: dict[str, Any], fields_set: set[str], private: dict[str, Any] | None = None
) -> Strict:
    """A model from its validated fields, as pickled by `Strict.__reduce__` (nothing re-checked)."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", shared_fields_set(fields_set))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", private)
    return obj
