"""What the units send in: monthly reports (月调度, with their revisions) and the problem lists
(问题销号), each with the rules a single file can check by itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from yunhe_cli.core.fields import Id, Number, ProblemSource, ProblemStatus, Strict, TaskStatus, Text, UnitRef
from yunhe_cli.core.periods import PERIOD_PATTERN

# --------------------------------------------------------------------------- monthly reports


class ReportedValue(Strict):
    indicator: Annotated[Id, Field(description="指标 indicator id within the project")]
    value: Annotated[
        Number | None, Field(description="数值 the figure as published, in the indicator's unit")
    ] = None
    level: Annotated[
        Number | None, Field(description="水平值 for a growth indicator: the level it is computed from")
    ] = None
    achieved: Annotated[bool | None, Field(description="是否完成 for a milestone: achieved or not")] = None
    achieved_on: Annotated[dt.date | None, Field(description="完成日期 for a milestone: when")] = None
    note: Annotated[Text | None, Field(description="说明 note")] = None

    @model_validator(mode="after")
    def _achieved_on(self) -> ReportedValue:
        # An entry with nothing filled in is allowed: many figures are published quarterly or
        # yearly, and a month's report lists every indicator. The roll-up skips it.
        if self.achieved_on is not None and self.achieved is not True:
            raise ValueError("achieved_on needs achieved: true")
        return self


class MilestoneReached(Strict):
    milestone: Annotated[Text, Field(description="节点 the milestone's title as the project file writes it")]
    reached_on: Annotated[dt.date, Field(description="完成日期 date reached")]


class TaskUpdate(Strict):
    task: Annotated[Id, Field(description="任务 key task id within the project")]
    status: Annotated[
        TaskStatus,
        Field(description="状态 not_started 未开始, in_progress 推进中, done 已完成, blocked 受阻"),
    ]
    percent: Annotated[int | None, Field(ge=0, le=100, description="完成百分比 percent done")] = None
    done_on: Annotated[dt.date | None, Field(description="完成日期 date done")] = None
    milestones: Annotated[
        list[MilestoneReached], Field(description="已完成节点 milestones reached, with the date")
    ] = []
    note: Annotated[Text | None, Field(description="进展说明 progress note")] = None

    @model_validator(mode="after")
    def _done(self) -> TaskUpdate:
        if self.done_on is not None and self.status != "done":
            raise ValueError("done_on is only for a task whose status is done")
        return self


# The fields of a submitted report that only a `revisions:` entry may change, by what they belong to.
FIGURE_FIELDS = ("value", "level", "achieved", "achieved_on")
TASK_FIELDS = ("status", "percent", "done_on")
REPORT_FIELDS = ("submitted_on", "submitted_by")
OldValue = Number | bool | dt.date | Text | None


class Revision(Strict):
    """修订: a change to a report after it was submitted, with the value it replaced."""

    on: Annotated[dt.date, Field(description="修订日期 date of the change")]
    by: Annotated[Text, Field(description="修订人 who changed it (person or unit)")]
    reason: Annotated[Text, Field(description="修订原因 why (统计局核定数, 录入错误 …)")]
    indicator: Annotated[Id | None, Field(description="指标 the indicator whose figure changed")] = None
    task: Annotated[Id | None, Field(description="任务 the key task whose update changed")] = None
    field: Annotated[
        Literal[
            "value",
            "level",
            "achieved",
            "achieved_on",
            "status",
            "percent",
            "done_on",
            "submitted_on",
            "submitted_by",
        ]
        | None,
        Field(
            description=(
                "字段 what changed: value (default for an indicator), level, achieved, achieved_on; "
                "status (default for a task), percent, done_on; or submitted_on, submitted_by"
            )
        ),
    ] = None
    old: Annotated[
        OldValue, Field(description="原值 the value before the change (empty: there was none)")
    ] = None

    @model_validator(mode="after")
    def _what(self) -> Revision:
        if self.indicator is not None and self.task is not None:
            raise ValueError("a revision names an indicator or a task, not both")
        allowed = (
            FIGURE_FIELDS
            if self.indicator is not None
            else TASK_FIELDS
            if self.task is not None
            else REPORT_FIELDS
        )
        if self.field is not None and self.field not in allowed:
            raise ValueError(f"field {self.field!r} does not belong here; use one of {', '.join(allowed)}")
        if self.field is None and self.indicator is None and self.task is None:
            raise ValueError(
                "a revision names an indicator, a task, or the field (submitted_on, submitted_by)"
            )
        return self

    @property
    def changed(self) -> str:
        """The field changed, with the default filled in."""
        if self.field is not None:
            return self.field
        return "value" if self.indicator is not None else "status"


class MonthlyReport(Strict):
    """`indicators/<project>/<YYYY-MM>.yaml`: one project's report for one month (月调度)."""

    model_config = ConfigDict(title="月度报送 monthly report")

    project: Annotated[Id, Field(description="工程 project id")]
    period: Annotated[
        str, StringConstraints(pattern=PERIOD_PATTERN), Field(description="报送期 month, YYYY-MM")
    ]
    submitted_on: Annotated[dt.date | None, Field(description="报送日期 date submitted")] = None
    submitted_by: Annotated[UnitRef | None, Field(description="报送单位 unit that submitted")] = None
    values: Annotated[list[ReportedValue], Field(description="指标数值 indicator figures")] = []
    tasks: Annotated[list[TaskUpdate], Field(description="任务进展 key task updates")] = []
    notes: Annotated[Text | None, Field(description="说明 notes")] = None
    revisions: Annotated[
        list[Revision],
        Field(description="修订记录 changes made after the report was submitted, each with the old value"),
    ] = []


# --------------------------------------------------------------------------- problems (问题销号)


class Reopening(Strict):
    on: Annotated[dt.date, Field(description="重新打开日期 date reopened")]
    by: Annotated[Text | None, Field(description="重新打开人 who reopened it")] = None
    reason: Annotated[Text, Field(description="原因 reason")]
    closed_on: Annotated[
        dt.date | None, Field(description="此前销号日期 the closing this reopening undid")
    ] = None
    resolution: Annotated[Text | None, Field(description="此前解决情况 the resolution given then")] = None
    evidence: Annotated[list[Text], Field(description="此前佐证材料 the evidence given then")] = []


class PlanProblem(Strict):
    """问题: one problem to be crossed off (销号)."""

    id: Id
    title: Annotated[Text, Field(description="问题 title")]
    owner: Annotated[UnitRef, Field(description="责任单位 owner unit")]
    raised_on: Annotated[dt.date, Field(description="提出日期 date raised")]
    due: Annotated[dt.date, Field(description="销号时限 due date")]
    status: Annotated[ProblemStatus, Field(description="状态 open 未销号, closed 已销号")] = "open"
    closed_on: Annotated[dt.date | None, Field(description="销号日期 date closed")] = None
    resolution: Annotated[Text | None, Field(description="解决情况 resolution")] = None
    evidence: Annotated[list[Text], Field(description="佐证材料 evidence")] = []
    source: Annotated[
        ProblemSource | None, Field(description="来源 月调度, 季分析, 年总结, 督查 or 其他")
    ] = None
    task: Annotated[Id | None, Field(description="关联任务 related key task id")] = None
    reopened: Annotated[list[Reopening], Field(description="重新打开记录 reopenings")] = []
    note: Annotated[Text | None, Field(description="备注 note")] = None

    @model_validator(mode="after")
    def _closing(self) -> PlanProblem:
        if self.status == "closed" and (self.closed_on is None or self.resolution is None):
            raise ValueError("a closed problem (销号) needs closed_on and resolution")
        if self.status == "open" and self.closed_on is not None:
            raise ValueError("an open problem has no closed_on")
        return self

    def standing_on(self, day: dt.date) -> PlanProblem:
        """The problem as it stood on `day`: closed then if a closing that a later reopening
        undid covered that day (the closings kept under `reopened` are its history)."""
        if not self.reopened:
            return self  # closed_on alone tells (the roll-up compares it with the day)
        # Events in date order: each earlier closing, each reopening, then the present closing.
        events: list[tuple[dt.date, int, Reopening | None]] = []
        for r in self.reopened:
            if r.closed_on is not None:
                events.append((r.closed_on, 0, r))
            events.append((r.on, 1, None))
        if self.status == "closed" and self.closed_on is not None:
            events.append((self.closed_on, 2, None))
        latest = max((e for e in events if e[0] <= day), key=lambda e: (e[0], e[1]), default=None)
        if latest is None or latest[1] == 1:
            return self.model_copy(
                update={"status": "open", "closed_on": None, "resolution": None, "evidence": []}
            )
        if latest[1] == 2:
            return self
        earlier = latest[2]
        assert earlier is not None
        return self.model_copy(
            update={
                "status": "closed",
                "closed_on": earlier.closed_on,
                "resolution": earlier.resolution,
                "evidence": list(earlier.evidence),
            }
        )


class ProblemList(Strict):
    """`issues/<project>.yaml`: the problem closure list (问题销号清单) of one project."""

    model_config = ConfigDict(title="问题销号清单 problem list")

    project: Annotated[Id, Field(description="工程 project id")]
    problems: Annotated[list[PlanProblem], Field(description="问题 problems")] = []
