"""Labels (Chinese, English) of the form's sheets 形势研判 and 督办反馈 (forms.mechanism_sheets), part
of `outputs.labels.LABELS`."""

from __future__ import annotations

FORM_MECHANISM: dict[str, tuple[str, str]] = {
    "form.sheet.assessment": ("形势研判", "Assessment"),
    "form.sheet.feedback": ("督办反馈", "Supervision feedback"),
    "form.mech.assessment_title": ("{name} {quarter} 形势研判", "{name}: assessment of {quarter}"),
    "form.mech.feedback_title": ("{name} {period} 督办事项办理情况", "{name}: supervision items, {period}"),
    "form.col.assessment.item": ("事项", "Item"),
    "form.col.assessment.hint": ("参考", "For reference"),
    "form.col.assessment.input": ("填写", "Fill in"),
    "form.mech.help": (
        "本月另有工作表{sheets}，请一并填写；空着的不导入。",
        "This month the form also has {sheets}: fill them in too (a sheet left empty imports nothing).",
    ),
    "form.mech.quarter": ("季度", "Quarter"),
    "form.mech.written_by": ("研判单位", "Written by"),
    "form.mech.rating": ("研判结论", "Rating"),
    "form.mech.progress": ("进展", "Progress"),
    "form.mech.risks": ("风险与困难", "Risks and difficulties"),
    "form.mech.next_steps": ("下一步", "Next steps"),
    "form.mech.rating_hint": (
        "绿：按计划推进；黄：存在风险；红：明显滞后（从下拉列表选择）",
        "绿 on course; 黄 at risk; 红 off course (choose from the list)",
    ),
    "form.mech.facts": (
        "截至{as_of}：指标绿{green}、黄{amber}、红{red}、无数据{grey}",
        "As of {as_of}: indicators green {green}, amber {amber}, red {red}, no data {grey}",
    ),
    "form.mech.open": (
        "逾期任务：{tasks}；未销号问题：{problems}",
        "Overdue tasks: {tasks}; open problems: {problems}",
    ),
    "form.mech.none": ("无", "none"),
    "form.mech.next_hint": ("下季度的主要安排", "The next quarter's main steps"),
    "form.mech.rating_valid": ("请从下拉列表选择：绿、黄、红", "Choose 绿, 黄 or 红 from the list"),
    "form.col.feedback.id": ("编号", "Id"),
    "form.col.feedback.requirement": ("督办要求", "Requirement"),
    "form.col.feedback.due": ("办理时限", "Due"),
    "form.col.feedback.text": ("办理情况", "What was done"),
    "form.col.feedback.on": ("反馈日期", "Date"),
}
