"""Every user-facing label, in Chinese and in English (a test checks that both exist)."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this module first; the roll-up (and pydantic) can wait
    from yunhe_cli.core.readings import Note


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def default_lang(data_language: str | None = None) -> Lang:
    """The language when --lang is not given: the data's own (`language:` in plan.yaml), then
    $YUNHE_LANG, then the locale as gettext reads it (zh_* gives Chinese, anything else English)."""
    if data_language in ("zh", "en"):
        return Lang(data_language)
    chosen = os.environ.get("YUNHE_LANG", "").strip().lower()
    if chosen[:2] in ("zh", "en"):
        return Lang(chosen[:2])
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
    "county": ("县", "county"),
    "total": ("合计", "Total"),
    "target.by": ("{date}前完成", "done by {date}"),
    "empty": ("（无）", "(none)"),
    "title.dispatch": ("{period}月调度", "Monthly dispatch for {period}"),
    "title.dispatch.reports": ("{period}报送情况", "Reports for {period}"),
    "title.dispatch.by_owner": ("逾期事项（按责任单位）", "Overdue, by owner unit"),
    "title.dispatch.by_convener": ("逾期事项（按召集人）", "Overdue, by convener"),
    "title.dispatch.changes": (
        "指标状态变化（{since}至{as_of}）",
        "Indicator statuses that moved ({since} to {as_of})",
    ),
    "title.dispatch.events": (
        "问题新增与销号（{since}至{as_of}）",
        "Problems raised and closed ({since} to {as_of})",
    ),
    "title.quarter": (
        "{year}年第{quarter}季度“十项重大工程”指标晾晒",
        "Ten Major Projects: indicators ranked, {year} Q{quarter}",
    ),
    "title.quarter.rag": ("红黄绿灯统计", "Red, amber, green"),
    "title.quarter.projects": ("工程排名", "Projects ranked"),
    "title.quarter.indicators": ("指标排名", "Indicators ranked"),
    "title.annual": ("{year}年度总结", "Annual summary {year}"),
    "title.annual.indicators": ("{year}年指标完成情况", "Indicators in {year}"),
    "title.annual.tasks": ("{year}年完成的重点任务", "Key tasks done in {year}"),
    "title.annual.problems": ("{year}年问题新增与销号", "Problems raised and closed in {year}"),
    "title.history": ("指标历史：{name}", "History of {name}"),
    "title.history.figure": (
        "指标历史：{name}（单位：{unit}；目标：{target}，{by}）",
        "History of {name} (unit: {unit}; target: {target} by {by})",
    ),
    "title.history.milestone": (
        "指标历史：{name}（目标：{by}前完成）",
        "History of {name} (target: done by {by})",
    ),
    "quarter.lead": (
        "截至{as_of}，参与排名指标{ranked}个；红灯{red}个、黄灯{amber}个、绿灯{green}个、无数据{grey}个。",
        "As of {as_of}, {ranked} indicators ranked: "
        "{red} red, {amber} amber, {green} green, {grey} without data.",
    ),
    "annual.lead": (
        "{year}年新增问题{raised}个，销号{closed}个；完成重点任务{tasks}项。",
        "In {year}: {raised} problems raised, {closed} closed; {tasks} key tasks done.",
    ),
    "annual.no_indicators": ("{year}年没有可汇总的指标。", "No indicator to summarise for {year}."),
    "annual.no_tasks": ("{year}年没有完成的重点任务。", "No key task was done in {year}."),
    "annual.no_problems": ("{year}年没有新增或销号的问题。", "No problem was raised or closed in {year}."),
    "report.on_time": ("按时报送", "on time"),
    "report.late": ("迟报", "late"),
    "report.missing": ("缺报", "missing"),
    "report.not_due": ("未到期", "not yet due"),
    "kind.task": ("任务", "task"),
    "kind.problem": ("问题", "problem"),
    "event.raised": ("新增", "raised"),
    "event.closed": ("销号", "closed"),
    "rag.red": ("红", "red"),
    "rag.amber": ("黄", "amber"),
    "rag.green": ("绿", "green"),
    "rag.grey": ("无数据", "no data"),
    "sheet.summary": ("汇总", "Summary"),
    "sheet.indicators": ("{n:02d}主要指标", "{n:02d} Indicators"),
    "sheet.tasks": ("{n:02d}重点任务", "{n:02d} Tasks"),
    "sheet.problems": ("{n:02d}问题销号", "{n:02d} Problems"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
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
    "col.reopened": ("重新打开次数", "Times reopened"),
    "col.last_reopened": ("最近一次重新打开", "Last reopened"),
    "reopened.last": ("{on} 由{by}重新打开：{reason}", "{on} by {by}: {reason}"),
    "col.tasks_overdue": ("逾期任务", "Tasks overdue"),
    "col.tasks_blocked": ("受阻任务", "Tasks blocked"),
    "col.task_note": ("进展说明/受阻原因", "Note / reason blocked"),
    "col.problems_open": ("未销号问题", "Problems open"),
    "col.problems_overdue": ("逾期问题", "Problems overdue"),
    "col.last_report": ("最近报送", "Last report"),
    "col.missing": ("缺报月份", "Missing reports"),
    "col.report_state": ("报送情况", "Report"),
    "col.submitted_on": ("报送日期", "Submitted"),
    "col.days_late": ("迟报/缺报天数", "Days late"),
    "col.items": ("事项", "Items"),
    "col.kind": ("类别", "Kind"),
    "col.count_tasks": ("逾期任务", "Overdue tasks"),
    "col.count_problems": ("逾期问题", "Overdue problems"),
    "col.projects": ("工程", "Projects"),
    "col.before": ("上月状态", "Before"),
    "col.after": ("本月状态", "Now"),
    "col.event": ("事件", "Event"),
    "col.date": ("日期", "Date"),
    "col.rank": ("排名", "Rank"),
    "col.movement": ("升降", "Move"),
    "col.previous_status": ("上季状态", "Last quarter"),
    "col.score": ("进度/预期", "Progress vs path"),
    "col.ahead": ("超前/滞后", "Ahead/behind"),
    "col.red": ("红", "Red"),
    "col.amber": ("黄", "Amber"),
    "col.green": ("绿", "Green"),
    "col.grey": ("无数据", "No data"),
    "col.colour": ("灯", "Light"),
    "col.count": ("个数", "Count"),
    "col.year_target": ("年度目标", "Year's target"),
    "col.year_actual": ("年度实际", "Year's actual"),
    "col.met": ("是否完成", "Met"),
    "col.next_target": ("下年目标", "Next year's target"),
    "col.done_on": ("完成日期", "Done on"),
    "col.period": ("月份", "Month"),
    "col.achieved": ("是否完成", "Achieved"),
    # statuses
    "status.achieved": ("已完成", "achieved"),
    "status.on_track": ("正常", "on track"),
    "status.at_risk": ("预警", "at risk"),
    "status.off_track": ("滞后", "off track"),
    "status.no_data": ("无数据", "no data"),
    # A ~ (左右) figure outside its tolerance says which side it is on instead of 滞后.
    "side.high": ("偏高", "too high"),
    "side.low": ("偏低", "too low"),
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
    "note.over_ceiling": ("超出上限{by}", "{by} over the ceiling"),
    "note.harmless_side": ("偏差在允许一侧", "off target on the harmless side"),
    "note.path_shared": (
        "无年度目标的年份平均分摊剩余目标",
        "years without an annual target share the rest of the target evenly",
    ),
    "note.no_same_period": (
        "缺{period}同期数，无法计算同比增速",
        "no figure for {period}: growth cannot be compared",
    ),
    "note.base_same_period": ("以{year}年同期为基", "based on the same months of {year}"),
    "note.year_incomplete": (
        "全年数未出（仅有{period}），暂不评价",
        "year not complete (only {period}): not judged",
    ),
    "note.reached_earlier": ("已于{year}年完成", "reached in {year}"),
    # yunhe log and yunhe diff
    "title.log": ("变更记录：{what}", "Changes: {what}"),
    "title.diff": ("数据变更：{base} → {target}", "Data changes: {base} → {target}"),
    "title.diff.changes": ("变更明细", "Changes"),
    "col.count.what": ("事项", "What"),
    "col.count.count": ("数量", "Count"),
    "count.figures_revised": ("修订的数值", "figures revised"),
    "count.statuses_moved": ("状态变化的指标", "statuses moved"),
    "count.tasks_done": ("完成的任务", "tasks done"),
    "count.problems_opened": ("新增的问题", "problems opened"),
    "count.problems_closed": ("销号的问题", "problems closed"),
    "count.problems_reopened": ("重新打开的问题", "problems reopened"),
    "count.reports_submitted": ("报送的月报", "reports submitted"),
    "state.work_tree": ("工作区", "(work tree)"),
    "state.staged": ("暂存区", "(staged)"),
    "title.diff.moves": ("指标状态变化（截至{as_of}）", "Indicator statuses that moved (as of {as_of})"),
    "col.log.date": ("日期", "Date"),
    "col.log.author": ("作者（提交人）", "Author (committer)"),
    "col.log.commit": ("提交", "Commit"),
    "col.log.event": ("事项", "Event"),
    "col.log.item": ("对象", "Item"),
    "col.log.period": ("月份", "Month"),
    "col.log.field": ("字段", "Field"),
    "col.log.change": ("原值 → 新值", "Old → new"),
    "col.log.message": ("提交说明", "Message"),
    "col.diff.event": ("事项", "Event"),
    "col.diff.item": ("对象", "Item"),
    "col.diff.period": ("月份", "Month"),
    "col.diff.field": ("字段", "Field"),
    "col.diff.old": ("原值", "Old"),
    "col.diff.new": ("新值", "New"),
    "col.diff.announced": ("修订说明", "Announced"),
    "diff.announced": ("已说明：{reason}（{by}）", "announced: {reason} ({by})"),
    "diff.unannounced": ("未说明", "unannounced"),
    "col.move.indicator": ("指标", "Indicator"),
    "col.move.name": ("名称", "Name"),
    "col.move.old": ("原状态", "Was"),
    "col.move.new": ("现状态", "Now"),
    "event.submitted": ("报送", "submitted"),
    "event.added": ("新增", "added"),
    "event.changed": ("修改", "changed"),
    "event.removed": ("删除", "removed"),
    "event.done": ("完成", "done"),
    "event.opened": ("新增问题", "opened"),
    "event.reopened": ("重新打开", "reopened"),
    "event.deleted": ("删除问题", "deleted"),
    "field.value": ("数值", "value"),
    "field.level": ("水平值", "level"),
    "field.achieved": ("是否完成", "achieved"),
    "field.achieved_on": ("完成日期", "achieved on"),
    "field.status": ("状态", "status"),
    "field.percent": ("进度", "percent"),
    "field.done_on": ("完成日期", "done on"),
    "field.submitted_on": ("报送日期", "submitted on"),
    "field.submitted_by": ("报送单位", "submitted by"),
    "field.problem": ("问题", "problem"),
    "field.title": ("标题", "title"),
    "field.owner": ("责任单位", "owner"),
    "field.due": ("时限", "due"),
    "field.closed_on": ("销号日期", "closed on"),
    "field.resolution": ("解决情况", "resolution"),
    "field.evidence": ("佐证材料", "evidence"),
    "field.reopened": ("重新打开次数", "times reopened"),
    "field.target": ("目标值", "target"),
    "field.by": ("目标日期", "target date"),
    # summaries
    "missing.list": ("缺 {months}", "{months}"),
    "missing.more": ("缺 {months}（共{count}个月）", "{months} ({count} months)"),
    "missing.from": ("{first} 起", "from {first}"),
    "legend": ("指标状态：", "Indicators:"),
    "sort.indicators": (
        "排序：按状态（滞后、预警、无数据、正常、已完成），同一状态按差距占目标的比例从大到小；"
        "--sort plan 按方案顺序",
        "Order: by status (off track, at risk, no data, on track, achieved), then by the gap as a share "
        "of the target, largest first; --sort plan keeps the plan's order",
    ),
    "sort.tasks": (
        "排序：按逾期天数从多到少，其次受阻任务，其余按方案顺序；--sort plan 按方案顺序",
        "Order: most days overdue first, then blocked tasks, the rest in the plan's order; "
        "--sort plan keeps the plan's order",
    ),
    "sort.issues": (
        "排序：未销号问题按逾期天数从多到少，再按存续天数从长到短，已销号问题在后；--sort plan 按方案顺序",
        "Order: open problems by days overdue, most first, then by age, oldest first; closed ones last; "
        "--sort plan keeps the plan's order",
    ),
    "sort.dispatch": (
        "排序：先缺报，再迟报（天数多的在前），后按时报送；逾期事项按逾期天数从多到少；"
        "指标状态变化按新状态从差到好；--sort plan 按方案顺序",
        "Order: reports missing, then late (most days first), then on time; overdue items by days "
        "overdue, most first; status changes by the new status, worst first; "
        "--sort plan keeps the plan's order",
    ),
    "table.left_out": (
        "（终端宽度不足，未显示：{columns}；加宽终端或用 --format plain 查看）",
        "(too narrow for: {columns}; widen the terminal or use --format plain)",
    ),
    # yunhe site (the published page)
    "site.title": ("“十项重大工程”推进情况一览", "Ten Major Projects: progress at a glance"),
    "site.nav": ("目录", "Contents"),
    "site.overview": ("总览", "Overview"),
    "site.projects": ("分工程情况", "Projects"),
    "site.board": ("季度晾晒", "Quarterly ranking"),
    "site.problems": ("问题清单（按责任单位）", "Problems by owner unit"),
    "site.totals": ("指标状态合计", "Indicators by status"),
    "site.missing_reports": ("缺报月报", "Monthly reports missing"),
    "site.tasks_overdue": ("逾期任务", "Key tasks overdue"),
    "site.problems_open": ("未销号问题", "Problems open"),
    "site.problems_overdue": ("逾期问题", "Problems overdue"),
    "site.charts": ("主要指标走势", "Indicators against their paths"),
    "site.chart.latest": ("最新", "latest"),
    "site.chart.unit": ("单位", "unit"),
    "site.chart.none": ("尚无报送数据", "nothing reported yet"),
    "site.legend.actual": ("报送值（折算后）", "figures reported (made comparable)"),
    "site.legend.expected": ("预期进度", "expected path"),
    "site.legend.target": ("目标线", "target"),
    "site.legend.projection": ("按现进度预计", "projection at the pace so far"),
    "site.legend.bands": (
        "底色：状态区间（与状态标记同一规则）",
        "bands: status ranges (the rule of the markers)",
    ),
    "site.no_quarter": ("尚无已到报送期的季度。", "No quarter's reports have fallen due yet."),
    "site.no_problems": ("没有未销号问题。", "No open problems."),
    "site.owner_summary": (
        "未销号{open}个，逾期{overdue}个，最长{oldest}天",
        "{open} open, {overdue} overdue, oldest {oldest} days",
    ),
    "site.convener": ("召集人", "Convener"),
    "site.lead_unit": ("牵头单位", "Lead unit"),
    "site.back": ("返回总览", "Back to the overview"),
    "site.generated": (
        "由 yunhe 根据数据生成，截至 {as_of}。本页不联网，可离线查看、打印。",
        "Written by yunhe from the data as of {as_of}. The page needs no network: read it offline, print it.",
    ),
    # yunhe form: the month's fillable workbook (月报填报表)
    "form.sheet.submission": ("报送", "Submission"),
    "form.sheet.indicators": ("主要指标", "Indicators"),
    "form.sheet.tasks": ("重点任务", "Key tasks"),
    "form.sheet.problems": ("问题销号", "Problems"),
    "form.title": ("{name} {period} 月报", "{name}: monthly report {period}"),
    "form.field.project": ("工程", "Project"),
    "form.field.period": ("月份", "Month"),
    "form.field.submitted_by": ("报送单位", "Submitted by"),
    "form.field.submitted_on": ("报送日期", "Submitted on"),
    "form.field.notes": ("说明", "Notes"),
    "form.help": (
        "填表说明：只填黄色单元格，其余单元格已锁定。\n"
        "数字只填数字本身：63，不写63%、６３、1,234或约50；单位见“单位”列。\n"
        "定性目标填“是”或“否”，完成的写完成日期；日期写成2026-05-03。\n"
        "不要增删行、合并单元格、隐藏行或新增工作表；填好后由牵头单位用 yunhe import 导入。",
        "Fill in the yellow cells only; the other cells are locked.\n"
        "A figure is the number alone: 63, not 63%, ６３, 1,234 or about 50; see the Unit column.\n"
        "A milestone is yes or no, with the date when it was reached; dates are written 2026-05-03.\n"
        "Do not add or delete rows, merge cells, hide rows or add sheets; the lead unit imports the form "
        "with yunhe import.",
    ),
    "form.col.indicators.id": ("代码", "Id"),
    "form.col.indicators.name": ("指标", "Indicator"),
    "form.col.indicators.unit": ("单位", "Unit"),
    "form.col.indicators.basis": ("口径", "Basis"),
    "form.col.indicators.target": ("目标", "Target"),
    "form.col.indicators.last": ("上月数", "Last figure"),
    "form.col.indicators.last_period": ("上月数月份", "Month of last figure"),
    "form.col.indicators.value": ("本月数（定性目标填是/否）", "This month (yes/no for a milestone)"),
    "form.col.indicators.level": ("水平值", "Level"),
    "form.col.indicators.achieved_on": ("完成日期", "Reached on"),
    "form.col.indicators.note": ("说明", "Note"),
    "form.col.tasks.id": ("代码", "Id"),
    "form.col.tasks.title": ("重点任务", "Key task"),
    "form.col.tasks.due": ("完成时限", "Due"),
    "form.col.tasks.last_status": ("上月状态", "Last status"),
    "form.col.tasks.last_percent": ("上月进度（%）", "Last done %"),
    "form.col.tasks.status": ("状态", "Status"),
    "form.col.tasks.percent": ("进度（%）", "Done %"),
    "form.col.tasks.done_on": ("完成日期", "Done on"),
    "form.col.tasks.note": ("进展说明（受阻写明原因）", "Progress (the reason when blocked)"),
    "form.col.problems.id": ("编号", "Id"),
    "form.col.problems.title": ("问题", "Problem"),
    "form.col.problems.owner": ("责任单位", "Owner"),
    "form.col.problems.raised_on": ("提出日期", "Raised on"),
    "form.col.problems.due": ("销号时限", "Due"),
    "form.col.problems.closed_on": ("销号日期", "Closed on"),
    "form.col.problems.resolution": ("解决情况", "Resolution"),
    "form.col.problems.evidence": ("佐证材料（每行一项）", "Evidence (one a line)"),
    "form.basis.year_to_date": ("1–N月累计", "year to date"),
    "form.basis.plan_to_date": ("累计", "since the plan began"),
    "form.basis.point": ("时点", "point in time"),
    "form.basis.milestone": ("定性目标", "milestone"),
    "form.by": ("{date}前完成", "by {date}"),
    "form.yes": ("是", "yes"),
    "form.no": ("否", "no"),
    "form.level_mark": ("（水平值）", " (level)"),
    "form.milestone_row": ("└ 节点：{title}", "└ milestone: {title}"),
    "form.reached": ("已于{date}完成", "reached {date}"),
    "form.valid.title": ("填写有误", "Not accepted"),
    "form.valid.number": ("请填数字本身（不带%、单位或“约”）", "A number alone (no %, unit or 'about')"),
    "form.valid.percent": ("请填0到100的整数", "A whole number from 0 to 100"),
    "form.valid.date": (
        "请填{start}至{end}之间的日期，如2026-05-03",
        "A date from {start} to {end}, e.g. 2026-05-03",
    ),
    "form.valid.choice": ("请从下拉列表中选择", "Choose from the list"),
    # 形势研判, 督查督办, 经验推广
    "title.quarter.judged": ("形势研判：研判结论与指标灯", "Assessments: judged against the figures"),
    "quarter.judged.lead": (
        "研判与指标灯相反（判绿而指标为红，或判红而指标为绿）{disagree}个；应交未交研判{missing}个。",
        "{disagree} judged the opposite of the figures (green against red, or red against green); "
        "{missing} assessments missing.",
    ),
    "title.dispatch.supervision": ("督查督办逾期事项", "Supervision items overdue"),
    "title.annual.practices": ("{year}年好做法好经验", "Good practices of {year}"),
    "col.computed": ("指标灯", "Figures"),
    "col.judged": ("研判", "Judged"),
    "col.written_on": ("研判日期", "Written"),
    "col.agreement": ("一致性", "Agreement"),
    "col.requirement": ("督办要求", "Requirement"),
    "col.issued_on": ("交办日期", "Issued"),
    "col.unit": ("承办单位", "Unit"),
    "col.feedback": ("反馈次数", "Feedback"),
    "col.practice": ("经验", "Practice"),
    "col.summary": ("主要做法", "Summary"),
    "col.presented_at": ("交流季度", "Presented"),
    "judged.disagrees": ("相反", "opposite"),
    "judged.missing": ("未交", "missing"),
    "judged.draft": ("未填结论", "not rated"),
    "judged.not_due": ("未到期", "not yet due"),
    "supervision.returned": ("（曾退回）", " (sent back)"),
    "site.mechanism": ("形势研判、督查督办与经验推广", "Assessments, supervision and good practices"),
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
