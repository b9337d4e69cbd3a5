"""The rest of the plan's working mechanism (工作机制), as files the units keep:

- 形势研判 (`assessments/<project>.yaml`): each quarter the lead unit judges its project green,
  amber or red (绿/黄/红) and says why (进展, 风险与困难, 下一步), beside the facts yunhe computed;
- 督查督办 (`supervision/<project>.yaml`): items the supervision office (县政府督查室) issues to a
  unit, the unit's feedback (办理情况), and the office's closing (办结) or sending back (退回);
- 经验推广 (`practices/<project>.yaml`): good practices (好做法好经验) of a project.

Each model holds the rules one file can check by itself; what needs more than one file is
`checks/mechanism_checks.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from yunhe_cli.core.fields import Id, Strict, Text, UnitRef
from yunhe_cli.core.periods import QUARTER_PATTERN

Quarter = Annotated[str, StringConstraints(pattern=QUARTER_PATTERN), Field(description="季度 YYYY-Qn")]
# The confidence ratings, as the plan's meetings say them: 绿 on course, 黄 at risk, 红 off course.
Rating = Literal["绿", "黄", "红"]
RATINGS: dict[str, str] = {"绿": "green", "黄": "amber", "红": "red"}

# --------------------------------------------------------------------------- 形势研判


class AssessmentFacts(Strict):
    """What yunhe computed when the draft was written (`yunhe assess`), kept beside the judgement."""

    as_of: Annotated[dt.date, Field(description="计算日期 the day the facts were computed for")]
    red: Annotated[int, Field(ge=0, description="红 indicators off track")] = 0
    amber: Annotated[int, Field(ge=0, description="黄 indicators at risk")] = 0
    green: Annotated[int, Field(ge=0, description="绿 indicators on track or achieved")] = 0
    grey: Annotated[int, Field(ge=0, description="无数据 indicators without data")] = 0
    overdue_tasks: Annotated[list[Id], Field(description="逾期任务 key tasks overdue")] = []
    open_problems: Annotated[list[Text], Field(description="未销号问题 problems open")] = []


class Assessment(Strict):
    """形势研判: one project's quarter, judged by its lead unit."""

    quarter: Quarter
    written_on: Annotated[dt.date, Field(description="研判日期 date written")]
    written_by: Annotated[UnitRef, Field(description="研判单位 the unit that wrote it (the lead unit)")]
    rating: Annotated[
        Rating | None, Field(description="研判结论 绿 on course, 黄 at risk, 红 off course (empty: a draft)")
    ] = None
    progress: Annotated[Text | None, Field(description="进展 progress")] = None
    risks: Annotated[Text | None, Field(description="风险与困难 risks and difficulties")] = None
    next_steps: Annotated[Text | None, Field(description="下一步 next steps")] = None
    indicators: Annotated[list[Id], Field(description="涉及指标 indicators it concerns")] = []
    tasks: Annotated[list[Id], Field(description="涉及任务 key tasks it concerns")] = []
    facts: Annotated[
        AssessmentFacts | None, Field(description="计算数据 the facts yunhe computed for the draft")
    ] = None


class AssessmentList(Strict):
    """`assessments/<project>.yaml`: the quarterly assessments (形势研判) of one project."""

    model_config = ConfigDict(title="形势研判 quarterly assessments")

    project: Annotated[Id, Field(description="工程 project id")]
    assessments: Annotated[list[Assessment], Field(description="研判 one entry a quarter")] = []


# --------------------------------------------------------------------------- 督查督办

SupervisionStatus = Literal["open", "returned", "closed"]


class Feedback(Strict):
    """办理情况: what the unit did about an item."""

    on: Annotated[dt.date, Field(description="反馈日期 date")]
    text: Annotated[Text, Field(description="办理情况 what was done")]
    evidence: Annotated[list[Text], Field(description="佐证材料 evidence")] = []


class Return(Strict):
    """退回: the office sent the item back."""

    on: Annotated[dt.date, Field(description="退回日期 date sent back")]
    reason: Annotated[Text, Field(description="退回原因 why")]


class SupervisionItem(Strict):
    """督办事项: an item the supervision office issued to a unit about a project."""

    id: Id
    unit: Annotated[UnitRef, Field(description="承办单位 the unit it is issued to")]
    issued_on: Annotated[dt.date, Field(description="交办日期 date issued")]
    due: Annotated[dt.date, Field(description="办理时限 due date")]
    requirement: Annotated[Text, Field(description="督办要求 what is required")]
    problem: Annotated[Id | None, Field(description="关联问题 the problem it concerns")] = None
    task: Annotated[Id | None, Field(description="关联任务 the key task it concerns")] = None
    status: Annotated[
        SupervisionStatus, Field(description="状态 open 办理中, returned 退回重办, closed 已办结")
    ] = "open"
    feedback: Annotated[list[Feedback], Field(description="办理情况 the unit's feedback")] = []
    returns: Annotated[list[Return], Field(description="退回记录 times sent back")] = []
    closed_on: Annotated[dt.date | None, Field(description="办结日期 date closed")] = None
    conclusion: Annotated[Text | None, Field(description="办结意见 the office's conclusion")] = None

    @model_validator(mode="after")
    def _closing(self) -> SupervisionItem:
        if self.status == "closed" and self.closed_on is None:
            raise ValueError("a closed item (办结) needs closed_on")
        if self.status != "closed" and self.closed_on is not None:
            raise ValueError("only a closed item has closed_on")
        if self.status == "returned" and not self.returns:
            raise ValueError("a returned item needs a returns: entry")
        return self

    def closed_by(self, day: dt.date) -> bool:
        return self.closed_on is not None and self.closed_on <= day

    def state_on(self, day: dt.date) -> SupervisionStatus:
        """closed once closed by `day`; returned while the last word by `day` is a sending back
        (feedback after it opens the item again); else open."""
        if self.closed_by(day):
            return "closed"
        sent = [r.on for r in self.returns if r.on <= day]
        answered = [f.on for f in self.feedback if f.on <= day]
        return "returned" if sent and (not answered or max(sent) > max(answered)) else "open"

    def overdue_on(self, day: dt.date) -> bool:
        """Issued by `day`, not closed by it, and its due day passed (逾期)."""
        return self.issued_on <= day and not self.closed_by(day) and self.due < day


class SupervisionList(Strict):
    """`supervision/<project>.yaml`: the supervision items (督查督办) about one project."""

    model_config = ConfigDict(title="督查督办 supervision items")

    project: Annotated[Id, Field(description="工程 project id")]
    items: Annotated[list[SupervisionItem], Field(description="督办事项 items")] = []


# --------------------------------------------------------------------------- 经验推广


class Practice(Strict):
    """好做法好经验: a good practice of a project, to be spread."""

    title: Annotated[Text, Field(description="标题 title")]
    unit: Annotated[UnitRef, Field(description="单位 the unit whose practice it is")]
    on: Annotated[dt.date, Field(description="日期 date")]
    summary: Annotated[Text, Field(description="主要做法 summary")]
    evidence: Annotated[list[Text], Field(description="佐证材料 evidence")] = []
    presented_at: Annotated[
        Quarter | None, Field(description="交流季度 the quarter's meeting it was presented at")
    ] = None


class PracticeList(Strict):
    """`practices/<project>.yaml`: the good practices (经验推广) of one project."""

    model_config = ConfigDict(title="经验推广 good practices")

    project: Annotated[Id, Field(description="工程 project id")]
    practices: Annotated[list[Practice], Field(description="经验 practices")] = []
