"""The catalogue of messages, in Chinese and in English: what every problem code means, the
summary of a check, and the command line's own words (click's and Typer's usage errors).

`PROBLEMS[code] = (zh, en)` holds one text per registered problem code (a test walks
`core.problems.CODES`); `USAGE[msgid] = zh` holds click's and Typer's messages by their English
text as they pass it to gettext, with the same `{placeholders}`; `TEXTS[key] = (zh, en)` holds
the templates yunhe builds from variables. A problem's own detail (the names and values it
quotes) is written after the code's text.
"""

from __future__ import annotations

import re

from yunhe_cli.core.problems import CODES, Problem
from yunhe_cli.outputs.labels import Lang

PROBLEMS_ZH: dict[str, str] = {
    "Y001": "文件不是 UTF-8 编码",
    "Y002": "文件不是有效的 YAML",
    "Y003": "同一映射中出现重复的键",
    "Y004": "用制表符缩进",
    "Y005": "不允许显式 YAML 标签（如 !!python/object）",
    "Y006": "不允许锚点、别名和合并键",
    "Y007": "文件为空",
    "Y008": "文件顶层不是键值映射",
    "Y009": "文件超过大小上限",
    "Y010": "符号链接指向数据目录之外",
    "Y011": "无法读取的值（如无效日期）",
    "Y012": "此处不应有文件，或文件名不对",
    "Y013": "缺少每个数据仓库都需要的文件",
    "Y014": "符号链接循环或无指向",
    "Y015": "文件位置上是管道、套接字或设备，不会打开",
    "Y016": "锁文件 .yunhe.lock 不是普通文件，写入拒绝",
    "S101": "缺少必填的键",
    "S102": "模式中没有这个键",
    "S103": "值的类型不对",
    "S104": "应填数字却是文字",
    "S105": "值不在允许的选项中",
    "S106": "编号只能用 a-z、0-9、- 和 _",
    "S107": "值违反模式规则",
    "R201": "文件名与文件内的编号或月份不一致",
    "R202": "编号（或名称）重复",
    "R203": "单位不在单位名录中",
    "R204": "人员不在人员名录中",
    "R205": "工程不存在",
    "R206": "工程没有这个指标",
    "R207": "工程没有这项重点任务",
    "R208": "重点任务没有这个节点",
    "D301": "日期超出规划期",
    "D302": "日期先后顺序不对（销号早于提出、到期早于开始等）",
    "D303": "节点未按日期排列，或超出所属任务的起止",
    "D304": "已完成事项（提出、报送、销号等）的日期晚于检查日",
    "V401": "报送值与其单位不相符",
    "V402": "值的种类与指标不符（如节点填了数字）",
    "V403": "累计数（1–N月累计或规划期累计）比上次少",
    "V404": "计数单位（个、家、户等）的指标出现小数",
    "V405": "数值比上次大或小十倍以上",
    "W501": "问题已销号",
    "W502": "没有这个编号的问题",
    "W503": "此项变更的日期不可能成立（早于问题提出等）",
    "W504": "文件已存在，yunhe 不覆盖",
    "W505": "此项变更会使文件出现问题，未写入任何内容",
    "W506": "问题未销号，只有已销号的问题才能重新打开",
    "W507": "文件不是 yunhe 的规范格式（请运行 yunhe fmt）",
    "W508": "另一个 yunhe 正在写入此数据目录，等待写锁超时",
    "W509": "系统拒绝写入（只读目录、无权限等）",
    "A601": "已报送月报的数值或任务进展被修改，未在 revisions: 中记录原值",
    "A602": "已提交的问题被删除",
    "A603": "销号日期早于记录日期，超过 plan.yaml 的 audit.backdate_days",
    "A604": "已提交的销号被修改或删除，且无重新打开记录保留它",
    "A605": "已提交的月报被删除",
    "A606": "已提交的 revisions: 记录被修改或删除",
    "P701": "提交修改了不属于作者所在单位（或总专班）的文件",
    "P702": "提交销号了问题，作者不属于问题的单位、清单单位或总专班",
    "P703": "提交没有有效签名（--require-signed）",
    "P704": "已提交的 CODEOWNERS 与数据不一致（请运行 yunhe owners）",
    "A609": "向已办结的督办事项添加办理情况，或办理情况日期晚于办结日期",
    "A610": "提交记录的事项日期晚于提交当日",
    "P705": (
        "提交交办、办结、退回或改动了督办事项，作者不属于督查室或总专班；或为交办给其他单位的事项填写了办理情况"
    ),
    "X701": "无法作为 .xlsx 工作簿读取（损坏、加密、.xls 或 .et）",
    "X702": "工作簿不是 yunhe 报表，或其记录表被改动",
    "X703": "报表由旧版本的工程计划数据生成",
    "X704": "报表的锁定单元格被改动，或在填报单元格之外填写",
    "X705": "插入、删除或隐藏了行，合并了单元格，或增删了工作表",
    "X706": "填报单元格中的公式没有保存的值",
    "X707": "什么也没有填写",
    "X708": "该月月报已报送；报表只能用 --revise 修改它",
    "X709": "报表未填报送日期；只有加 --draft 才作为草稿导入",
    "Y017": "文件中留有合并冲突标记（<<<<<<< … >>>>>>>）",
    "Y018": "数据目录中有 yunhe 不读取的文件（说明、备注等），已跳过（警告）",
    "W510": "督办事项已办结",
    "W511": "没有这个编号的督办事项",
    "W512": "该工程这一季度已有形势研判",
    "R209": "同一工程同一季度的形势研判重复",
    "R210": "形势研判不是由工程的牵头单位填写",
    "R211": "督办事项所指的问题不在该工程的问题清单中",
    "A607": "validate --base REV：REV 不是 HEAD 的祖先（历史被改写）",
    "A608": (
        "新增的 revisions: 记录既非单位也非牵头单位或办公室成员所记，或日期早于该月报送日、晚于记录它的提交"
    ),
    "M801": "双方都把同一字段（或整条记录）改成了不同的值",
    "M802": "合并后的文件不能通过该类文件的校验",
}

# code -> (zh, en): what each problem code means, in both languages.
PROBLEMS: dict[str, tuple[str, str]] = {code: (PROBLEMS_ZH.get(code, ""), CODES[code][1]) for code in CODES}

TEXTS: dict[str, tuple[str, str]] = {
    "summary.clean": ("{files}个文件，没有问题", "{files} files, no problems"),
    "summary.errors": ("{files}个文件中有{errors}个问题", "{errors_text} in {files} files"),
    "summary.both": (
        "{files}个文件中有{errors}个问题、{warnings}个警告",
        "{errors_text} and {warnings_text} in {files} files",
    ),
    "nothing_written": ("未写入任何内容", "nothing was written"),
    "notices": (
        "已写入；数据中其他地方已有以下问题（请运行 yunhe validate）：",
        "written; the data already had these problems elsewhere (run yunhe validate):",
    ),
    "export_failed": ("{out}：无法写出：{reason}", "{out}: cannot write the export: {reason}"),
    "wrote": ("已写入 {path}", "wrote {path}"),
    # What a write command did (`cli.printing.notice`), one line each, the file written last.
    "notice.problem_added": ("已新增问题 {id}，写入 {path}", "added {id} to {path}"),
    "notice.problem_closed": ("已销号 {id}，写入 {path}", "closed {id} in {path}"),
    "notice.problem_reopened": ("已重新打开 {id}，写入 {path}", "reopened {id} in {path}"),
    "notice.assessment_drafted": ("已起草 {quarter} 形势研判，写入 {path}", "drafted {quarter} in {path}"),
    "notice.item_added": ("已交办 {id}，写入 {path}", "added {id} to {path}"),
    "notice.item_feedback": ("已记录 {id} 的办理情况，写入 {path}", "feedback on {id} in {path}"),
    "notice.item_closed": ("已办结 {id}，写入 {path}", "closed {id} in {path}"),
    "notice.item_returned": ("已退回 {id}，写入 {path}", "sent back {id} in {path}"),
    "notice.formatted": ("已格式化 {path}", "formatted {path}"),
    "notice.all_formatted": ("{files}个文件均已是规范格式", "{files} files already formatted"),
    "notice.import_wrote": (
        "已写入 {path}（{project} {period}，来自 {form}）：{state}",
        "wrote {path} ({project} {period}, from {form}): {state}",
    ),
    "notice.import_updated": (
        "已更新 {path}（{project} {period}，来自 {form}）：{state}",
        "updated {path} ({project} {period}, from {form}): {state}",
    ),
    "notice.import_unchanged": (
        "未改动 {path}（{project} {period}，来自 {form}）：{state}",
        "unchanged {path} ({project} {period}, from {form}): {state}",
    ),
    "notice.import_assessment_wrote": (
        "已写入 {project} {quarter} 的形势研判，写入 {path}（来自 {form}）",
        "wrote {project}'s assessment of {quarter} in {path} (from {form})",
    ),
    "notice.import_assessment_updated": (
        "已更新 {project} {quarter} 的形势研判，写入 {path}（来自 {form}）",
        "updated {project}'s assessment of {quarter} in {path} (from {form})",
    ),
    "notice.import_answered": (
        "已反馈督办事项 {id}，写入 {path}（来自 {form}）",
        "answered {id} in {path} (from {form})",
    ),
    "notice.parquet_wrote": (
        "已写入 {county}：{count} 张表，位于 {path}",
        "wrote {county}: {count} tables in {path}",
    ),
    "notice.import_closed": (
        "已销号 {id}，写入 {path}（来自 {form}）",
        "closed {id} in {path} (from {form})",
    ),
    "notice.state_submitted": ("已报送", "submitted"),
    "notice.state_draft": ("草稿（本月仍计为缺报）", "draft (the month still counts as missing)"),
    "notice.next": ("下一步：{command}", "next: {command}"),
    "notice.up_to_date": ("{path} 已是最新", "{path} is up to date"),
    "notice.merge_driver_set": ("合并驱动已配置，无需改动", "the merge driver is set up already"),
    "at_day": (
        "按 {day} 的最后一次提交 {commit}（{when}）",
        "as of the last commit on or before {day}: {commit} ({when})",
    ),
}

DATA_HELP_ZH = "数据目录应包含 plan.yaml、units.yaml、people.yaml 和 projects/；`yunhe init DIR` 可新建一个。"

# The command line's own messages (Typer's copy of click formats them in English, with no
# gettext): each English pattern and its Chinese template, with the same named placeholders.
# `{message}` parts are translated again (an "Invalid value" wraps yunhe's or click's reason).
USAGE: list[tuple[str, str]] = [
    (r"Invalid value for (?P<hint>.+?): (?P<message>.*)", "{hint} 的值无效：{message}"),
    (r"Invalid value: (?P<message>.*)", "无效的值：{message}"),
    (
        r"No such option: (?P<name>\S+) \(Possible options: (?P<possible>.*)\)",
        "没有这个选项：{name}（可能是：{possible}）",
    ),
    (r"No such option: (?P<name>\S+)", "没有这个选项：{name}"),
    (
        r"No such command (?P<name>'.*?')\.\s*Did you mean (?P<possible>.*)\?",
        "没有这个命令 {name}。是否想用 {possible}？",
    ),
    (r"No such command (?P<name>'.*?')\.", "没有这个命令 {name}。"),
    (r"Missing argument (?P<hint>.+?)\.(?: (?P<extra>.*))?", "缺少参数 {hint}。{extra}"),
    (r"Missing option (?P<hint>.+?)\.(?: (?P<extra>.*))?", "缺少选项 {hint}。{extra}"),
    (r"Missing parameter: (?P<hint>.+)", "缺少参数：{hint}"),
    (r"Got unexpected extra arguments? ?(?:\(s\))? \((?P<args>.*)\)", "多余的参数（{args}）"),
    (r"Option (?P<name>'.*?') requires an argument\.", "选项 {name} 需要一个值。"),
    (r"Option (?P<name>'.*?') requires (?P<n>\d+) arguments\.", "选项 {name} 需要 {n} 个值。"),
    (r"Option (?P<name>'.*?') does not take a value\.", "选项 {name} 不带值。"),
    (r"(?P<value>'.*?') is not one of (?P<choices>.*)\.", "{value} 不是可选值 {choices} 之一。"),
    (r"(?P<value>.+?) is not a valid (?P<kind>integer|float|boolean)\.", "{value} 不是有效的数。"),
    (r"Value (?P<value>.+?) is not a valid (?P<kind>.*)\.", "{value} 不是有效的值。"),
    (r"(?P<value>.+?) is not in the range (?P<range>.+?)\.", "{value} 不在范围 {range} 内。"),
    (r"(?P<label>File|Directory|Path) (?P<loc>'.*?') does not exist\.", "{loc} 不存在。"),
    (r"(?P<label>File|Directory|Path) (?P<loc>'.*?') is a file\.", "{loc} 是文件，这里要目录。"),
    (r"(?P<label>File|Directory|Path) (?P<loc>'.*?') is a directory\.", "{loc} 是目录，这里要文件。"),
    (r"(?P<label>File|Directory|Path) (?P<loc>'.*?') is not readable\.", "{loc} 不可读。"),
    (r"(?P<label>File|Directory|Path) (?P<loc>'.*?') is not writable\.", "{loc} 不可写。"),
    (r"Could not open file (?P<name>'.*?'): (?P<message>.*)", "无法打开文件 {name}：{message}"),
    # yunhe's own usage errors
    (
        r"(?P<value>'.*?') is written YYYY-MM, but the year 0000 is not a year",
        "{value} 的年份 0000 不是有效年份",
    ),
    (r"(?P<value>'.*?') is not a date; write YYYY-MM-DD", "{value} 不是日期，请写成 YYYY-MM-DD"),
    (
        r"(?P<value>'.*?') is not a number of changes: write 1 or more",
        "{value} 不是条数，请写 1 或更大的整数",
    ),
    (r"(?P<value>'.*?') is not a month written YYYY-MM", "{value} 不是月份，请写成 YYYY-MM"),
    (
        r"(?P<value>'.*?') is written YYYY-MM, but its month (?P<month>\S+) is not 01–12",
        "{value} 是 YYYY-MM 写法，但月份 {month} 不在 01–12 之间",
    ),
    (r"(?P<path>.+?) is not a folder\. (?P<help>.*)", "{path} 不是目录。" + DATA_HELP_ZH),
    (
        r"(?P<path>.+?) is not a yunhe data folder\. (?P<help>.*)",
        "{path} 不是 yunhe 数据目录。" + DATA_HELP_ZH,
    ),
    (
        r"no data folder here: (?P<looked>.+?) has no plan\.yaml or data/plan\.yaml, nor any folder above "
        r"it\. Give --data DIR\. (?P<help>.*)",
        "这里没有数据目录：{looked} 及其上级目录中都没有 plan.yaml 或 data/plan.yaml。请用 --data 指定。"
        + DATA_HELP_ZH,
    ),
    (
        r"(?P<year>-?\d+) is outside the plan's years \((?P<first>\d+) to (?P<last>\d+)\)",
        "{year} 不在规划期内（{first}至{last}年）",
    ),
    (r"use one of (?P<choices>.*)", "请用以下之一：{choices}"),
    (r"use open or closed", "请用 open 或 closed"),
    (r"--revise needs --reason \(修订原因\)", "--revise 需要 --reason（修订原因）"),
    (r"--reason goes with --revise", "--reason 只能与 --revise 同用"),
    (
        r"--require-signed checks the commits since --base REV; give --base",
        "--require-signed 检查 --base REV 以来的提交；请给出 --base",
    ),
    (
        r"--staged and --base check one data folder; give one --data",
        "--staged 和 --base 只检查一个数据目录；请只给一个 --data",
    ),
    (r"(?P<out>.+) does not end in \.xlsx", "{out} 不以 .xlsx 结尾"),
    (r"nothing in the history of (?P<root>.+) is called (?P<what>.+)", "{root} 的历史中没有 {what}"),
    (
        r"there is no commit on or before (?P<day>\S+) in the history of (?P<tip>\S+) \(the first is "
        r"(?P<first>\S+) of (?P<on>\S+)\)",
        "{tip} 的历史中没有 {day} 或更早的提交（第一次提交是 {on} 的 {first}）",
    ),
    (r"(?P<out>.+) is a folder; name the workbook to write", "{out} 是目录；请给出要写的工作簿文件名"),
    (r"(?P<out>.+) exists and is not a folder", "{out} 已存在且不是目录"),
    (r"(?P<path>.+) is a file, not a folder", "{path} 是文件，不是目录"),
    (
        r"say who reopens it \(git has no user\.name here\)",
        "请用 --by 说明由谁重新打开（此处 git 没有 user.name）",
    ),
    (
        r"(?P<org>'.*?') is not an organisation name \(letters, digits, - _ \.\)",
        "{org} 不是组织名（只能用字母、数字、- _ .）",
    ),
]
# pydantic's words for a bound of an option, in the user's terms, (English pattern, zh, en).
BOUNDS: list[tuple[str, str, str]] = [
    (r"Input should be greater than or equal to (?P<n>\S+)", "应为 {n} 或更大", "give {n} or more"),
    (r"Input should be less than or equal to (?P<n>\S+)", "应为 {n} 或更小", "give {n} or less"),
    (r"Input should be greater than (?P<n>\S+)", "应大于 {n}", "give more than {n}"),
    (r"Input should be less than (?P<n>\S+)", "应小于 {n}", "give less than {n}"),
]
# Words of the usage lines and of the help.
USAGE_WORDS: dict[str, tuple[str, str]] = {
    "usage": ("用法：", "Usage:"),
    "error": ("错误", "Error"),
    "try": (
        "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
        "Try [blue]'{command_path} {help_option}'[/] for help.",
    ),
    "try.plain": (
        "运行 '{command_path} {help_option}' 查看帮助。",
        "Try '{command_path} {help_option}' for help.",
    ),
    "aborted": ("已中止。", "Aborted."),
}


def text(key: str, lang: Lang, **params: object) -> str:
    """The catalogue's template `key` in `lang`, filled."""
    zh, en = TEXTS[key]
    return (zh if lang is Lang.zh else en).format(**params)


def code_text(code: str, lang: Lang) -> str:
    """What a problem code means, in `lang`."""
    zh, en = PROBLEMS[code]
    return zh if lang is Lang.zh and zh else en


def problem_message(p: Problem, lang: Lang) -> str:
    """A problem's message in `lang`: in Chinese, the code's text, then the detail as found."""
    return coded_message(p.code, p.message, lang)


def coded_message(code: str, message: str, lang: Lang) -> str:
    """The message of a problem of `code` in `lang` (English: as built; Chinese: the code's text
    first, then the detail, which quotes names and values as found)."""
    if lang is Lang.en:
        return message
    from yunhe_cli.outputs.problem_details import detail_zh

    return f"{code_text(code, lang)}：{detail_zh(code, message)}"


def usage_text(message: str, lang: Lang) -> str:
    """A usage error's message (click's, Typer's or yunhe's own) in `lang`. pydantic's "Value
    error, " before a validator's own words is dropped: the words say what is wrong."""
    message = re.sub(r"(^|: )Value error, ", r"\1", message)
    for pattern, zh, en in BOUNDS:
        found = re.search(pattern, message)
        if found:
            said = (zh if lang is Lang.zh else en).format(**found.groupdict())
            message = message[: found.start()] + said + message[found.end() :]
    if lang is Lang.en:
        return message
    for pattern, template in USAGE:
        found = re.fullmatch(pattern, message, re.DOTALL)
        if found:
            parts = {k: v or "" for k, v in found.groupdict().items()}
            if "message" in parts:
                parts["message"] = usage_text(parts["message"], lang)
            if "extra" in parts:
                parts["extra"] = usage_text(parts["extra"], lang)
            return template.format(**parts)
    return message


def usage_word(key: str, lang: Lang) -> str:
    zh, en = USAGE_WORDS[key]
    return zh if lang is Lang.zh else en
