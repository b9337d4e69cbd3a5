"""The help's own words in Chinese: each command's one-line summary (by its path, as typed after
`yunhe`), the headings of the help, and an option's bounds said in words. The English summary is
the first paragraph of the command's docstring; `tests/test_help.py` walks the Typer tree and
fails on a command without its Chinese line here."""

from __future__ import annotations

from yunhe_cli.outputs.labels import Lang

SUMMARY_ZH: dict[str, str] = {
    "": "按 YAML 文件跟踪云和县“十项重大工程”（2023–2027 年）的推进。",
    "validate": "校验每个数据文件；每个问题写成 路径:行:列: 代码 说明。",
    "status": "十项工程对照 2027 年目标的推进情况，最差的在前。",
    "indicators": "主要指标进度表：每项指标对照其 2027 年目标。",
    "tasks": "重点任务进度表：每项重点任务的最新进展和逾期情况。",
    "issues": "问题销号进度表：每个问题，未销号、逾期或已销号。",
    "dispatch": "月调度：迟报漏报、按单位和召集人列出的逾期事项、本月变化。",
    "quarter": "季分析（晾晒）：指标和工程对照进度路径排名，及名次变化。",
    "annual": "年总结：每项指标全年对照目标、完成的任务、新增和销号的问题、下一年。",
    "history": "一项指标的逐月数据、应达值和迷你走势图（指标历史）。",
    "remind": "催报：每个单位应交的月报、到期任务和问题，到期或逾期，可直接发送。",
    "log": (
        "变更记录：每个数据、任务进展或问题的变化（旧 → 新），附作者、日期、提交和说明，最新在前；"
        "只改格式不算变化。"
    ),
    "diff": "语义差异：两个数据状态之间的变化，按数据本身的含义列出；Markdown 格式可贴进合并请求。",
    "site": (
        "发布页面：一个自包含的 HTML 页面（总览、各工程表单和图表、季度排名、各单位问题），"
        "离线可看，可按 A4 横向打印。"
    ),
    "assess": "形势研判：用算出的事实起草本季度研判，由牵头单位补充完成。",
    "form": "月报填报表：写出某工程当月的可填报表，供 Excel 或 WPS 填写。",
    "import": "导入：把填好的报表读入月报和问题清单；整批成功或整批不写。",
    "init": (
        "新建数据仓库：规划数据、JSON Schema、.gitignore、pre-commit、CI、CODEOWNERS "
        "和说明分支保护的 README。"
    ),
    "fmt": "格式化：让每个数据文件采用统一格式，使差异保持最小。",
    "schema": "生成 JSON Schema：按模型写出每类数据文件的 JSON Schema。",
    "owners": "写出代码所有者文件：按规划把各工程的月报和问题清单交给牵头单位，其余交给办公室。",
    "setup": "配置合并驱动：在本克隆中登记 yunhe 的合并驱动（git 不随克隆复制）；可重复运行。",
    "merge-file": "合并数据文件：git 调用的合并驱动，按含义合并；只有两边改了同一字段才冲突。",
    "export": "导出三张表单。",
    "export xlsx": "导出工作簿（三张表单）：汇总表和各工程的三张表单，按打印排版。",
    "export csv": "导出 CSV：同样的表格（UTF-8 带 BOM，Excel 可正确打开中文）。",
    "export parquet": "快照 Parquet：一个或多个县的汇总，按 Hive 分区写出，供 DuckDB、Spark 或 Trino 使用。",
    "report": "月报。",
    "report new": "新建月报：写出上月（或 --period 所指月份）的月报待填；从不覆盖。",
    "issue": "问题销号：新增、销号、重新打开。",
    "issue add": "新增问题：用下一个空闲编号。",
    "issue close": "销号：写明日期、解决情况和佐证。",
    "issue reopen": "重新打开已销号的问题；保留被撤销的销号记录和重新打开的人。",
    "supervise": "督查督办：交办、办理情况、办结、退回。",
    "supervise add": "交办：就某工程向某单位交办一项事项，用下一个空闲编号。",
    "supervise feedback": "办理情况：单位对事项的反馈（被退回的事项重新打开）。",
    "supervise close": "办结：督查办办结一项事项。",
    "supervise return": "退回：督查办把事项退回给单位。",
}

# The help's headings and words, (zh, en).
WORDS: dict[str, tuple[str, str]] = {
    "usage": ("用法：", "Usage:"),
    "arguments": ("参数", "Arguments"),
    "options": ("选项", "Options"),
    "commands": ("命令", "Commands"),
    "required": ("（必填）", "[required]"),
    "default": ("（默认：{}）", "[default: {}]"),
    "help": ("显示本帮助并退出。", "Show this message and exit."),
    "at_least": ("（不小于 {}）", "(at least {})"),
    "at_most": ("（不大于 {}）", "(at most {})"),
    "between": ("（{} 到 {} 之间）", "(from {} to {})"),
}


def word(key: str, lang: Lang) -> str:
    """A help word in `lang`."""
    zh, en = WORDS[key]
    return zh if lang is Lang.zh else en


def bounds(low: object, high: object, lang: Lang) -> str:
    """An option's bounds in words ("at least 0"), or "" when it has none."""
    if low is not None and high is not None:
        return word("between", lang).format(low, high)
    if low is not None:
        return word("at_least", lang).format(low)
    if high is not None:
        return word("at_most", lang).format(high)
    return ""
