"""Every user-facing label, in Chinese and in English (a test checks that both exist)."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this module first; the roll-up (and pydantic) can wait
    from .rollup import Note


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def default_lang() -> Lang:
    """From the locale, as gettext reads it: zh_* gives Chinese, anything else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return Lang.zh if value.lower().startswith("zh") else Lang.en
    return Lang.en


LABELS: dict[str, tuple[str, str]] = {
    # titles
    "title.status": ("云和县“十项重大工程”推进情况", "Ten Major Projects: where each stands"),
    "title.indicators": ("主要指标进度表", "Main indicators: progress"),
    "title.tasks": ("重点任务进度表", "Key tasks: progress"),
    "title.issues": ("问题销号进度表", "Problems to cross off: progress"),
    "as_of": ("截至", "as of"),
    "total": ("合计", "Total"),
    "target.by": ("{date}前完成", "done by {date}"),
    "empty": ("（无）", "(none)"),
    # columns
    "col.number": ("序号", "No."),
    "col.project": ("工程", "Project"),
    "col.convener": ("召集人", "Convener"),
    "col.lead_unit": ("牵头单位", "Lead unit"),
    "col.indicator": ("指标", "Indicator"),
    "col.target": ("2027目标", "2027 target"),
    "col.latest_period": ("最新月份", "Latest"),
    "col.published": ("报送值", "Published"),
    "col.actual": ("实际", "Actual"),
    "col.expected": ("预期", "Expected"),
    "col.completion": ("完成率", "Done"),
    "col.gap": ("差距", "Gap"),
    "col.pace_needed": ("每月需完成", "Needed/month"),
    "col.projection": ("按现进度预计", "Projected"),
    "col.status": ("状态", "Status"),
    "col.notes": ("说明", "Notes"),
    "col.task": ("任务", "Task"),
    "col.owner": ("责任单位", "Owner"),
    "col.due": ("完成时限", "Due"),
    "col.problem_due": ("销号时限", "Due"),
    "col.next_deadline": ("下一节点", "Next deadline"),
    "col.percent": ("进度", "Done %"),
    "col.last_update": ("最近更新", "Last update"),
    "col.overdue_days": ("逾期天数", "Days overdue"),
    "col.id": ("编号", "ID"),
    "col.problem": ("问题", "Problem"),
    "col.source": ("来源", "Source"),
    "col.raised_on": ("提出日期", "Raised"),
    "col.closed_on": ("销号日期", "Closed"),
    "col.age_days": ("历时(天)", "Age (days)"),
    "col.resolution": ("解决情况", "Resolution"),
    "col.tasks_overdue": ("逾期任务", "Tasks overdue"),
    "col.problems_open": ("未销号问题", "Problems open"),
    "col.problems_overdue": ("逾期问题", "Problems overdue"),
    "col.last_report": ("最近报送", "Last report"),
    "col.missing": ("缺报月份", "Missing reports"),
    # statuses
    "status.achieved": ("已完成", "achieved"),
    "status.on_track": ("正常", "on track"),
    "status.at_risk": ("预警", "at risk"),
    "status.off_track": ("滞后", "off track"),
    "status.no_data": ("无数据", "no data"),
    "task.not_started": ("未开始", "not started"),
    "task.in_progress": ("推进中", "in progress"),
    "task.done": ("已完成", "done"),
    "task.blocked": ("受阻", "blocked"),
    "task.not_reported": ("未报送", "not reported"),
    "task.overdue": ("逾期", "overdue"),
    "problem.open": ("未销号", "open"),
    "problem.closed": ("已销号", "closed"),
    "problem.overdue": ("逾期未销号", "overdue"),
    # notes from the roll-up
    "note.no_reports": ("尚无报送", "nothing reported yet"),
    "note.december_missing": ("{year}年12月数缺报，按{used}累计数计", "December {year} missing; {used} used"),
    "note.year_missing": ("{year}年无报送数，累计数偏低", "nothing reported for {year}; total understated"),
    "note.annualised": ("按1–{months}月累计年化", "annualised from {months} months"),
    "note.no_baseline_growth": ("缺基数，无法计算年均增速", "no baseline: average growth cannot be computed"),
    "note.base_from_first": ("缺基数，以{period}报送值为基", "no baseline: {period} used as the base"),
    "note.judged_by_projection": ("缺基数，按报送趋势判断", "no baseline: judged by the trend reported"),
    "note.no_baseline": ("缺基数，无法计算预期进度", "no baseline: expected progress cannot be computed"),
    # summaries
    "missing.count": ("{count}（{first}起）", "{count} (from {first})"),
    "legend": ("指标状态：", "Indicators:"),
}

# A text marker per status, so that a table reads without colour (ASCII: no ambiguous widths).
MARKERS: dict[str, str] = {
    "achieved": "++",
    "on_track": "+",
    "at_risk": "!",
    "off_track": "!!",
    "no_data": "?",
}


def t(key: str, lang: Lang, **params: object) -> str:
    zh, en = LABELS[key]
    text = zh if lang is Lang.zh else en
    return text.format(**params) if params else text


def note_text(n: Note, lang: Lang) -> str:
    return t(f"note.{n.key}", lang, **dict(n.params))
