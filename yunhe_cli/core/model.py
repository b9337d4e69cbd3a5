"""The domain model: one pydantic model per kind of data file, and the types inside them.

Everything here is plain data with the rules that a single file can check by itself
(unknown keys refused, types strict, a milestone has no number, a `~` target may have
a tolerance ...). Rules that need more than one file live in `checks.py`.

The fields they are built from are `fields.py`; what the units send in (monthly reports and
problem lists) is `records.py`; every name stays importable here (`model.X`).

Titles and descriptions carry the plan's Chinese terms: they end up in the JSON Schemas
under `schemas/`, which editors show while an analyst types.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from yunhe_cli.core.fields import (
    ID_PATTERN,
    UNITS,
    Comparator,
    Id,
    Kind,
    Number,
    PersonRef,
    ProblemSource,
    ProblemStatus,
    ReportedAs,
    Strict,
    TaskStatus,
    Text,
    Unit,
    UnitRef,
)
from yunhe_cli.core.mechanism_records import AssessmentList, PracticeList, SupervisionList
from yunhe_cli.core.periods import DEFAULT_DUE_DAY, PERIOD_PATTERN
from yunhe_cli.core.records import (
    FIGURE_FIELDS,
    REPORT_FIELDS,
    TASK_FIELDS,
    MilestoneReached,
    MonthlyReport,
    OldValue,
    PlanProblem,
    ProblemList,
    Reopening,
    ReportedValue,
    Revision,
    TaskUpdate,
)

__all__ = [  # re-exported: every file's model is asked for here (`model.X`)
    "FIGURE_FIELDS",
    "ID_PATTERN",
    "PERIOD_PATTERN",
    "REPORT_FIELDS",
    "TASK_FIELDS",
    "UNITS",
    "AssessmentList",
    "Comparator",
    "Id",
    "Kind",
    "MilestoneReached",
    "MonthlyReport",
    "Number",
    "OldValue",
    "PersonRef",
    "PlanProblem",
    "PracticeList",
    "ProblemList",
    "ProblemSource",
    "ProblemStatus",
    "Reopening",
    "ReportedAs",
    "ReportedValue",
    "Revision",
    "Strict",
    "SupervisionList",
    "TaskStatus",
    "TaskUpdate",
    "Text",
    "Unit",
    "UnitRef",
]


# --------------------------------------------------------------------------- the plan document


class Horizon(Strict):
    start: Annotated[dt.date, Field(description="起始日期 start of the plan period")]
    end: Annotated[dt.date, Field(description="截止日期 end of the plan period")]

    @model_validator(mode="after")
    def _ordered(self) -> Horizon:
        if self.end <= self.start:
            raise ValueError("the horizon ends before it starts")
        return self


class Reporting(Strict):
    monthly_due_day: Annotated[
        int,
        Field(
            ge=1, le=28, description="月报截止日 day of the following month by which a monthly report is due"
        ),
    ] = DEFAULT_DUE_DAY
    first_period: Annotated[
        str | None,
        StringConstraints(pattern=PERIOD_PATTERN),
        Field(description="首个报送月 first month reported (default: the month after the plan was issued)"),
    ] = None


class Thresholds(Strict):
    """Where on_track ends and at_risk and off_track begin: the only place these numbers live."""

    on_track: Annotated[
        Number, Field(gt=0, le=1, description="正常 actual/expected at or above this is on track")
    ] = Decimal("0.95")
    at_risk: Annotated[
        Number,
        Field(
            gt=0, le=1, description="预警 actual/expected at or above this (and below on_track) is at risk"
        ),
    ] = Decimal("0.85")
    approx_tolerance: Annotated[
        Number,
        Field(
            gt=0, lt=1, description="左右 tolerance of a ~ target without its own, as a share of the target"
        ),
    ] = Decimal("0.05")

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.at_risk > self.on_track:
            raise ValueError("at_risk must not be above on_track")
        return self


class Audit(Strict):
    """What `yunhe validate --base REV` allows when it compares with a committed revision."""

    backdate_days: Annotated[
        int,
        Field(
            ge=0,
            le=366,
            description=(
                "销号补记天数 how many days before the day it is recorded a closing may be dated "
                "(default 40: a month, and the 10 days until the next monthly report falls due)"
            ),
        ),
    ] = 40


class Plan(Strict):
    """`plan.yaml`: the plan document itself (总体方案)."""

    model_config = ConfigDict(title="总体方案 plan")

    doc_number: Annotated[Text, Field(description="文号 document number, e.g. 云政办发〔2023〕19号")]
    title: Annotated[Text, Field(description="标题 title")]
    title_en: Annotated[Text | None, Field(description="英文标题 title in English")] = None
    issuer: Annotated[UnitRef, Field(description="发文单位 issuing office")]
    issued_on: Annotated[dt.date, Field(description="成文日期 date signed")]
    printed_on: Annotated[dt.date | None, Field(description="印发日期 date printed and sent")] = None
    horizon: Annotated[Horizon, Field(description="规划期 plan horizon (2023–2027)")]
    chief_convener: Annotated[PersonRef, Field(description="总召集人 chief convener")]
    office_unit: Annotated[UnitRef, Field(description="总专班所在单位 unit hosting the general task force")]
    supervision_unit: Annotated[
        UnitRef | None, Field(description="督查单位 unit in charge of supervision")
    ] = None
    mechanism: Annotated[
        list[Text], Field(description="工作机制 working mechanism as the plan states it")
    ] = []
    reporting: Annotated[Reporting, Field(description="报送规则 reporting rules")] = Reporting()
    thresholds: Annotated[Thresholds, Field(description="状态阈值 status thresholds")] = Thresholds()
    audit: Annotated[Audit, Field(description="审计规则 rules for changes to what was committed")] = Audit()
    language: Annotated[
        Literal["zh", "en"] | None,
        Field(
            description="默认语言 the language yunhe speaks for this data unless --lang or YUNHE_LANG says"
        ),
    ] = None


# --------------------------------------------------------------------------- registries


class UnitEntry(Strict):
    id: Id
    name: Annotated[Text, Field(description="单位名称 name as the plan writes it")]
    name_en: Annotated[Text | None, Field(description="英文名称 name in English")] = None
    aliases: Annotated[list[Text], Field(description="别名 other spellings used in the plan")] = []


class UnitRegistry(Strict):
    """`units.yaml`: every unit the plan names (单位名录)."""

    model_config = ConfigDict(title="单位名录 unit registry")

    units: Annotated[list[UnitEntry], Field(min_length=1, description="单位 units")]


class Person(Strict):
    id: Id
    name: Annotated[Text, Field(description="姓名 name")]
    title: Annotated[Text, Field(description="职务 title as the plan writes it")]
    title_en: Annotated[Text | None, Field(description="职务（英文） title in English")] = None


class PeopleRegistry(Strict):
    """`people.yaml`: conveners and other people the plan names (人员)."""

    model_config = ConfigDict(title="人员名录 people registry")

    people: Annotated[list[Person], Field(min_length=1, description="人员 people")]


# --------------------------------------------------------------------------- projects


class Target(Strict):
    value: Annotated[Number | None, Field(description="目标值 target value (none for a milestone)")] = None
    by: Annotated[dt.date, Field(description="目标日期 date by which the target is due")]


class Baseline(Strict):
    value: Annotated[Number, Field(description="基数 baseline value")]
    on: Annotated[dt.date, Field(description="基数日期 date of the baseline")]


class AnnualTarget(Strict):
    year: Annotated[int, Field(ge=2000, le=2100, description="年度 year")]
    value: Annotated[Number, Field(description="年度目标 target for that year")]


class Indicator(Strict):
    """主要指标: one quantitative target or qualitative goal of a project."""

    id: Id
    name: Annotated[Text, Field(description="指标名称 name")]
    name_en: Annotated[Text | None, Field(description="指标名称（英文） name in English")] = None
    kind: Annotated[
        Kind,
        Field(
            description=(
                "指标类型 kind: cumulative 累计(五年累计), level 时点/水平(累计数达到), growth 年均增长, "
                "annual 每年, milestone 定性目标"
            )
        ),
    ]
    unit: Annotated[Unit | None, Field(description="计量单位 unit (none for a milestone)")] = None
    comparator: Annotated[
        Comparator | None,
        Field(description="比较 comparator: >= 以上/达到, > 突破/超过, <= 以内/控制在, ~ 左右"),
    ] = None
    tolerance: Annotated[
        Number | None,
        Field(ge=0, description="允许偏差 tolerance of a ~ (左右) target, in the indicator's unit"),
    ] = None
    prefer: Annotated[
        Literal["higher", "lower"] | None,
        Field(
            description=(
                "偏向 for a ~ (左右) target: the side on which a deviation does no harm "
                "(higher: more is welcome, lower: less is welcome)"
            )
        ),
    ] = None
    target: Annotated[Target, Field(description="目标 target")]
    baseline: Annotated[
        Baseline | None, Field(description="基数 baseline (not in the plan: set it when known)")
    ] = None
    annual_targets: Annotated[list[AnnualTarget], Field(description="年度目标 yearly targets")] = []
    reported_as: Annotated[
        ReportedAs | None,
        Field(
            description=(
                "报送口径 how the monthly figure is published: year_to_date 1–N月累计, "
                "plan_to_date 自规划期初累计, point 时点数"
            )
        ),
    ] = None
    level_unit: Annotated[
        Unit | None,
        Field(description="水平值单位 unit of the level a growth indicator may be computed from"),
    ] = None
    owner: Annotated[
        UnitRef | None, Field(description="责任单位 owner (default: the project's lead unit)")
    ] = None
    source_text: Annotated[Text | None, Field(description="方案原文 the plan's own words")] = None
    note: Annotated[Text | None, Field(description="备注 note")] = None

    @model_validator(mode="after")
    def _kind_rules(self) -> Indicator:
        if self.kind == "milestone":
            for name in (
                "unit",
                "comparator",
                "tolerance",
                "prefer",
                "reported_as",
                "level_unit",
                "baseline",
            ):
                if getattr(self, name) is not None:
                    raise ValueError(f"a milestone has no {name}")
            if self.target.value is not None:
                raise ValueError("a milestone's target has no value, only the date `by`")
            if self.annual_targets:
                raise ValueError("a milestone has no annual targets")
            return self
        missing = [n for n in ("unit", "comparator", "reported_as") if getattr(self, n) is None]
        if missing:
            raise ValueError(f"a {self.kind} indicator needs {', '.join(missing)}")
        if self.target.value is None:
            raise ValueError(f"a {self.kind} indicator's target needs a value")
        if self.tolerance is not None and self.comparator != "~":
            raise ValueError("a tolerance belongs only to a ~ (左右) target")
        if self.prefer is not None and self.comparator != "~":
            raise ValueError("prefer belongs only to a ~ (左右) target")
        if self.level_unit is not None and self.kind != "growth":
            raise ValueError("level_unit belongs only to a growth indicator")
        years = [a.year for a in self.annual_targets]
        if len(set(years)) != len(years):
            raise ValueError("an annual target is given twice for one year")
        return self


class TaskMilestone(Strict):
    title: Annotated[Text, Field(description="节点 milestone")]
    due: Annotated[dt.date, Field(description="节点时间 due date")]


class KeyTask(Strict):
    """重点任务: one key task, with its owner and dated milestones (节点时间化)."""

    id: Id
    title: Annotated[Text, Field(description="任务 title")]
    title_en: Annotated[Text | None, Field(description="任务（英文） title in English")] = None
    owner: Annotated[
        UnitRef | None, Field(description="责任单位 owner (default: the project's lead unit)")
    ] = None
    start: Annotated[dt.date | None, Field(description="开始日期 start")] = None
    due: Annotated[dt.date, Field(description="完成时限 due date")]
    milestones: Annotated[list[TaskMilestone], Field(description="节点 dated milestones")] = []
    source_text: Annotated[Text | None, Field(description="方案原文 the plan's own words")] = None
    note: Annotated[Text | None, Field(description="备注 note")] = None


class Project(Strict):
    """`projects/<id>.yaml`: one of the ten major projects (重大工程)."""

    model_config = ConfigDict(title="重大工程 project")

    id: Id
    number: Annotated[int, Field(ge=1, le=99, description="序号 number in the plan (一 … 十)")]
    name: Annotated[Text, Field(description="工程名称 name")]
    name_en: Annotated[Text | None, Field(description="工程名称（英文） name in English")] = None
    short_name: Annotated[
        Text | None,
        Field(description="简称 the plan's own shorthand (双扩双争, 4+X …), shown where width is short"),
    ] = None
    short_name_en: Annotated[Text | None, Field(description="英文简称 short name in English")] = None
    convener: Annotated[PersonRef, Field(description="召集人 convener")]
    lead_unit: Annotated[UnitRef, Field(description="牵头单位 lead unit")]
    responsible_units: Annotated[list[UnitRef], Field(description="责任单位 responsible units")] = []
    responsible_units_open: Annotated[
        bool, Field(description="责任单位列表以“等”结尾 the plan's list ends with 等 (not exhaustive)")
    ] = False
    goal: Annotated[Text, Field(description="目标任务 the goal text as the plan writes it")]
    indicators: Annotated[list[Indicator], Field(description="主要指标 indicators")] = []
    tasks: Annotated[list[KeyTask], Field(description="重点任务 key tasks")] = []

    # The ids of indicators and key tasks the file gives with a problem of their own: the loader sets
    # them aside so that the rest of the project stands, and a report that names one is no second
    # problem (store.loader.salvage).
    _set_aside: dict[str, frozenset[str]] = PrivateAttr(default_factory=dict)

    def set_aside(self, field: str) -> frozenset[str]:
        """The ids set aside from `field` ("indicators" or "tasks") for their problems."""
        noted: dict[str, frozenset[str]] = getattr(self, "_set_aside", None) or {}
        return noted.get(field, frozenset())

    def setting_aside(self, ids: dict[str, frozenset[str]]) -> Project:
        """This project, noting the ids set aside (the model itself is unchanged)."""
        self._set_aside = dict(ids)
        return self


# --------------------------------------------------------------------------- members (who commits for a unit)

# A git author email as the members file writes it: one @, no spaces or angle brackets, a dot in the host.
_EMAIL = re.compile(r"^[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"'.][^@\s<>,;\"']*$")
# A host user (@name) or team (@org/team) as CODEOWNERS writes it; nothing that could end the line.
_HANDLE = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9_.-]*$")
_TEAM = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
_ORG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _matching(pattern: re.Pattern[str], what: str) -> Any:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return AfterValidator(check)


Email = Annotated[
    Text, _matching(_EMAIL, "an email address (name@host.domain)"), Field(description="邮箱 git author email")
]
Handle = Annotated[
    Text,
    _matching(_HANDLE, "a user handle written @name"),
    Field(description="账号 the git host's user handle, @name"),
]
Team = Annotated[
    Text,
    _matching(_TEAM, "a team handle written @org/team"),
    Field(description="团队 the git host's team, @org/team"),
]


class Member(Strict):
    name: Annotated[
        Text | None, Field(description="姓名 name (for people; git's author name is not used)")
    ] = None
    email: Email
    handle: Handle | None = None


class UnitMembers(Strict):
    unit: Annotated[UnitRef, Field(description="单位 unit: id, name or alias from units.yaml")]
    team: Annotated[Team | None, Field(description="团队 the unit's team on the git host (CODEOWNERS)")] = (
        None
    )
    people: Annotated[list[Member], Field(description="人员 the unit's people who commit")] = []


class Members(Strict):
    """`members.yaml` (optional): each unit's people as git knows them (成员). With it, `yunhe owners`
    writes CODEOWNERS and `yunhe validate --base REV` checks every commit's author."""

    model_config = ConfigDict(title="成员名录 members")

    org: Annotated[
        Annotated[Text, _matching(_ORG, "an organisation or group name (letters, digits, - _ .)")] | None,
        Field(
            description="组织 the git host's organisation or group; a unit without team: is @org/<unit id>"
        ),
    ] = None
    units: Annotated[list[UnitMembers], Field(description="单位成员 the people of each unit")] = []


# Every kind of file, by the schema name it is published under.
FILE_MODELS: dict[str, type[Strict]] = {
    "plan": Plan,
    "units": UnitRegistry,
    "people": PeopleRegistry,
    "project": Project,
    "report": MonthlyReport,
    "problems": ProblemList,
    "members": Members,
    "assessments": AssessmentList,
    "supervision": SupervisionList,
    "practices": PracticeList,
}
