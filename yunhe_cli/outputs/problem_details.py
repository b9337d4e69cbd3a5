"""A problem's detail in Chinese: per code, each English detail yunhe writes (a pattern with named
fields) and its Chinese template with the same fields. The names and values a detail quotes are
kept as found; what they are called is translated (`WHAT_ZH`). A detail no pattern matches is
shown as written, after the code's Chinese text (`messages.coded_message`).

A schema detail may start with the key path it is about (`values[2].value: …`); the path is kept
and the rest translated. A closing "; did you mean 'x'?" becomes "；是否想写 'x'？".
"""

from __future__ import annotations

import re

Q = r"'(?:[^'\\]|\\.)*'"  # a quoted name as repr() writes it
DAY = r"\d{4}-\d\d-\d\d"

DETAILS_ZH: dict[str, list[tuple[str, str]]] = {
    "S101": [
        (r"this key is required", "必须有这个键"),
        (r"(?P<id>\S+): 办理情况 is empty", "{id}：请填写办理情况"),
    ],
    "S102": [
        (rf"unknown key (?P<key>{Q}); allowed: (?P<allowed>.*)", "未知的键 {key}；可用的键：{allowed}"),
        (rf"unknown key (?P<key>{Q})", "未知的键 {key}"),
    ],
    "S103": [
        (
            r"(?P<value>.+) is in quotes, which make it text; remove the quotes",
            "{value} 带引号，成了文字；请去掉引号",
        ),
        (r"(?P<value>.+) is not a date; write YYYY-MM-DD", "{value} 不是日期；请写成 YYYY-MM-DD"),
        (r"(?P<value>.+) is not text; put it in quotes", "{value} 不是文字；请加引号"),
        (r"(?P<value>.+) is a date, not a number", "{value} 是日期，不是数字"),
        (r"(?P<value>.+) is not a number", "{value} 不是数字"),
        (r"expected a mapping of keys, found (?P<found>.+)", "应为键值映射，实为 {found}"),
        (r"expected a list, found (?P<found>.+)", "应为列表，实为 {found}"),
    ],
    "S104": [
        (
            r"(?P<value>.+?) is not a number; write the figure alone, without quotes or units",
            "{value} 不是数字；只写数字，不加引号或单位",
        ),
        (
            r"(?P<value>.+?) is not a number; write the figure alone, without %: the indicator's unit "
            r"is (?P<unit>.+?), not a percentage",
            "{value} 不是数字；该指标的单位是 {unit}，不是百分比：请按 {unit} 只写数字，不加 %",
        ),
        (
            r"(?P<value>.+?) is not a number; write (?P<digits>\S+) without %: "
            r"the indicator's unit is (?P<unit>.+)",
            "{value} 不是数字；请写 {digits}，不加 %：该指标的单位是 {unit}",
        ),
        (
            r"(?P<value>.+?) is not a number; write the figure alone, without %",
            "{value} 不是数字；只写数字，不加 %",
        ),
        (
            r"(?P<value>.+?) is not a number; it has full-width digits; "
            r"write (?P<digits>\S+) with ASCII digits",
            "{value} 不是数字：用了全角数字；请写成 {digits}",
        ),
        (
            r"(?P<value>.+?) is too large for a figure; write the figure in its unit",
            "{value} 作为数字太大；请按指标的单位填写",
        ),
    ],
    "S105": [
        (r"(?P<value>.+?) is not allowed; choose 绿, 黄 or 红", "{value} 不是允许的值；请选择 绿、黄 或 红"),
        (
            r"(?P<value>.+?) is not allowed; use one of (?P<choices>.+)",
            "{value} 不是允许的值；请用以下之一：{choices}",
        ),
    ],
    "S106": [
        (
            r"(?P<value>.+?) is not a valid id; use lower-case letters, digits, '-' and '_' "
            r"\(at most 64, no path characters\)",
            "{value} 不是有效的编号；只能用小写字母、数字、'-' 和 '_'（最多 64 个，不含路径字符）",
        ),
    ],
    "S107": [
        (r"(?P<value>.+?) is not a month written YYYY-MM", "{value} 不是 YYYY-MM 写法的月份"),
        (
            r"(?P<value>.+?) is not a quarter written YYYY-Qn \(2026-Q3\)",
            "{value} 不是 YYYY-Qn 写法的季度（如 2026-Q3）",
        ),
        (r"Input should be less than or equal to (?P<n>\S+)", "应不大于 {n}"),
        (r"Input should be greater than or equal to (?P<n>\S+)", "应不小于 {n}"),
        (r"Input should be less than (?P<n>\S+)", "应小于 {n}"),
        (r"Input should be greater than (?P<n>\S+)", "应大于 {n}"),
    ],
    "R201": [
        (
            rf"the report is in the folder (?P<folder>\S+) but names the project (?P<project>{Q})",
            "月报在 {folder} 目录中，写的却是工程 {project}",
        ),
        (
            rf"the file is named (?P<name>\S+) but the project's id is (?P<id>{Q})",
            "文件名是 {name}，工程编号却是 {id}",
        ),
        (
            rf"the file is named (?P<name>\S+) but the period inside is (?P<period>{Q})",
            "文件名是 {name}，文件内的月份却是 {period}",
        ),
        (
            rf"the file is named (?P<name>\S+) but names the project (?P<project>{Q})",
            "文件名是 {name}，文件内写的却是工程 {project}",
        ),
    ],
    "R203": [(rf"the unit (?P<unit>{Q}) is not in units\.yaml", "单位 {unit} 不在 units.yaml 中")],
    "R204": [(rf"(?P<person>{Q}) is not in people\.yaml", "{person} 不在 people.yaml 中")],
    "R205": [(rf"there is no project (?P<project>{Q})", "没有工程 {project}")],
    "R206": [
        (
            rf"project (?P<project>\S+) has no indicator (?P<indicator>{Q})",
            "工程 {project} 没有指标 {indicator}",
        )
    ],
    "R207": [(rf"project (?P<project>\S+) has no task (?P<task>{Q})", "工程 {project} 没有重点任务 {task}")],
    "R211": [
        (
            rf"the problem list of (?P<project>\S+) has no problem (?P<id>{Q})",
            "{project} 的问题清单中没有问题 {id}",
        ),
    ],
    "D301": [
        (r"the period (?P<period>\S+) is outside the plan's horizon", "月份 {period} 不在规划期内"),
        (
            rf"(?P<what>.+?) (?P<day>{DAY}) is outside the plan's horizon \((?P<start>\S+) to (?P<end>\S+)\)",
            "{what} {day} 不在规划期（{start} 至 {end}）内",
        ),
    ],
    "D304": [
        (
            rf"(?P<what>.+?) (?P<day>{DAY}) is after (?P<today>{DAY}), the day checked on; it cannot be yet",
            "{what} {day} 晚于检查日 {today}，不可能已经发生",
        ),
        (
            rf"the period (?P<period>\S+) has not begun on (?P<today>{DAY}), the day checked on",
            "月份 {period} 到检查日 {today} 还没有开始",
        ),
    ],
    "Y011": [(rf"(?P<value>{Q}) is not a real date \((?P<why>.*)\)", "{value} 不是真实存在的日期")],
    "W501": [
        (rf"(?P<id>\S+) was crossed off on (?P<day>{DAY}) already", "{id} 已于 {day} 销号"),
    ],
    "W503": [
        (
            rf"(?P<option>--[\w-]+ )?(?P<day>{DAY}) is in the future \(today is (?P<today>{DAY})\)",
            "{option}{day} 在今天（{today}）之后",
        ),
        (
            rf"(?P<day>{DAY}) is before (?P<id>\S+) was raised \((?P<raised>{DAY})\)",
            "{day} 早于 {id} 的提出日期（{raised}）",
        ),
        (
            rf"(?P<day>{DAY}) is before (?P<id>\S+) was crossed off \((?P<closed>{DAY})\)",
            "{day} 早于 {id} 的销号日期（{closed}）",
        ),
        (
            rf"(?P<day>{DAY}) is before (?P<id>\S+) was issued \((?P<issued>{DAY})\)",
            "{day} 早于 {id} 的交办日期（{issued}）",
        ),
    ],
    "W504": [(r"(?P<rel>\S+) exists already; yunhe does not overwrite it", "{rel} 已存在；yunhe 不会覆盖它")],
    "W505": [
        (
            r"the change would leave (?P<rel>\S+) with (?P<n>\d+) problems?, "
            r"placed below in the text it would have had",
            "这项修改会使 {rel} 出现 {n} 个问题，下面按修改后的文本标出位置",
        ),
    ],
    "W506": [
        (
            r"(?P<id>\S+) is open; only a crossed-off problem can be reopened",
            "{id} 尚未销号",
        ),
    ],
    "W507": [(r"not in canonical layout; run yunhe fmt", "不是统一格式；请运行 yunhe fmt")],
    "W510": [
        (rf"(?P<id>\S+) was closed \(办结\) on (?P<day>{DAY}) already", "{id} 已于 {day} 办结"),
    ],
    "W512": [
        (
            rf"(?P<id>\S+) has an assessment of (?P<quarter>\S+) already \(written (?P<day>{DAY})\)",
            "{id} 已有 {quarter} 的形势研判（{day} 写成）",
        ),
    ],
    "W511": [
        (
            rf"there is no supervision item (?P<id>{Q}); the nearest ids: (?P<near>.+)",
            "没有督办事项 {id}；最接近的编号：{near}",
        ),
        (rf"there is no supervision item (?P<id>{Q})", "没有督办事项 {id}"),
    ],
    "W502": [
        (
            rf"there is no problem (?P<id>{Q}); the nearest ids: (?P<near>.+)",
            "没有问题 {id}；最接近的编号：{near}",
        ),
        (rf"there is no problem (?P<id>{Q}) any more", "问题 {id} 已不存在"),
        (rf"there is no problem (?P<id>{Q})", "没有问题 {id}"),
    ],
    # The workbook's problems, as a clerk meets them on `yunhe import`.
    "X701": [
        (
            r"cannot read the workbook \((?P<reason>.*)\); is it a damaged file\?",
            "无法读取工作簿（{reason}）；文件是否已损坏？",
        ),
    ],
    "X702": [
        (
            r"this workbook is not a yunhe form \(it has no record sheet\); make one with yunhe form",
            "这个工作簿不是 yunhe 生成的报表（没有记录表）；请用 yunhe form 生成报表",
        ),
    ],
    "X703": [
        (
            r"the form was made from an older version of (?P<pid>\S+)'s plan data \((?P<old>[^,]+), now "
            r"(?P<new>[^:]+): (?P<change>.*)\); make a new form with yunhe form (?P=pid) --period "
            r"(?P<period>\S+) and copy the figures into it",
            "报表是按 {pid} 较早的规划数据生成的（{old}，现为 {new}：{change}）；请用 yunhe form {pid} "
            "--period {period} 重新生成报表，再把数字抄进去",
        ),
    ],
    "X704": [
        (
            rf"this locked cell was changed from (?P<made>{Q}) to (?P<shown>{Q}); only the yellow cells "
            r"take input \(make a new form with yunhe form if the plan's data changed\)",
            "这个锁定的单元格从 {made} 改成了 {shown}；只有黄色单元格可以填写"
            "（规划数据有变时，请用 yunhe form 重新生成报表）",
        ),
        (rf"(?P<shown>{Q}) is written outside the form's input cells", "{shown} 写在了报表的填写区之外"),
    ],
    "X705": [
        (
            rf"the workbook has an extra sheet (?P<name>{Q}); a form holds only its own sheets",
            "工作簿多了工作表 {name}；报表只能有它自己的工作表",
        ),
        (rf"the sheet (?P<name>{Q}) is missing", "缺少工作表 {name}"),
        (
            r"the cells (?P<cells>\S+) are merged; unmerge them \(取消合并\)",
            "单元格 {cells} 被合并了；请取消合并",
        ),
        (
            r"row (?P<n>\d+) is hidden; show it \(取消隐藏\) and check it",
            "第 {n} 行被隐藏了；请取消隐藏并核对",
        ),
        (
            r"column (?P<n>[A-Z]+) is hidden; show it \(取消隐藏\) and check it",
            "{n} 列被隐藏了；请取消隐藏并核对",
        ),
        (
            rf"the row of (?P<label>{Q}) was deleted \(or rows moved up\)",
            "{label} 这一行被删除了（或各行被上移）",
        ),
        (rf"a row was inserted above (?P<label>{Q}); delete it", "在 {label} 上方插入了一行；请删除"),
        (r"row (?P<n>\d+) is not part of the form; delete it", "第 {n} 行不属于报表；请删除"),
    ],
    "X706": [
        (
            r"this cell holds a formula without a saved value; open the form in Excel or WPS and save it "
            r"\(the value is then saved with it\), or type the figure",
            "这个单元格是公式，但没有保存的值；请用 Excel 或 WPS 打开报表并保存"
            "（值会随之保存），或直接填写数字",
        ),
    ],
    "X707": [(r"the form is empty: nothing was filled in", "报表是空的；请填写后再导入")],
    "X708": [
        (
            rf"(?P<pid>\S+) (?P<period>\S+) was submitted on (?P<day>{DAY}); "
            r"a form changes a submitted month only with --revise --reason TEXT "
            r"\(recorded under revisions:\)",
            "{pid} {period} 已于 {day} 报送；用报表修改已报送的月份，须加 --revise --reason 说明（记入 "
            "revisions:）",
        ),
    ],
    "X709": [
        (
            r"报送日期 \(submission date\) is empty: the report would be a draft and (?P<period>\S+) would "
            r"still count as missing; fill it in, or import with --draft if a draft is meant",
            "报送日期为空：这份月报将是草稿，{period} 仍算缺报；请填写报送日期，若确是草稿请用 --draft 导入",
        ),
    ],
}

# What a detail calls the thing it quotes, in Chinese.
WHAT_ZH: dict[str, str] = {
    "the plan was issued on": "规划印发日期",
    "the plan was printed on": "规划印刷日期",
    "submitted on": "报送日期",
    "achieved on": "实现日期",
    "done on": "完成日期",
    "raised on": "提出日期",
    "closed on": "销号日期",
    "reopened on": "重新打开日期",
}

WHERE = re.compile(r"(?P<where>[A-Za-z_][\w-]*(?:\[\d+\]|\.[A-Za-z_][\w-]*)*): (?P<rest>.*)", re.DOTALL)
MEAN = re.compile(rf"(?P<body>.*); did you mean (?P<mean>{Q})\?", re.DOTALL)


def detail_zh(code: str, detail: str) -> str:
    """The detail of a problem of `code` in Chinese, or `detail` itself when no pattern knows it."""
    body, suffix = detail, ""
    mean = MEAN.fullmatch(detail)
    if mean:
        body, suffix = mean["body"], f"；是否想写 {mean['mean']}？"
    where = WHERE.fullmatch(body)
    rest = _translate(code, where["rest"]) if where else None
    found = f"{where['where']}：{rest}" if where and rest is not None else _translate(code, body)
    return detail if found is None else found + suffix


def _translate(code: str, detail: str) -> str | None:
    for pattern, template in DETAILS_ZH.get(code, ()):
        found = re.fullmatch(pattern, detail, re.DOTALL)
        if found:
            fields = {k: v or "" for k, v in found.groupdict().items()}
            if "what" in fields:
                fields["what"] = WHAT_ZH.get(fields["what"], fields["what"])
            if "near" in fields:
                fields["near"] = fields["near"].replace(", ", "、")
            if "choices" in fields:
                fields["choices"] = re.sub(r",? or ", "、", fields["choices"]).replace(", ", "、")
            return template.format(**fields)
    return None
