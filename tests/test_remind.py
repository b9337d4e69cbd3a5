"""催报 (yunhe remind): what each unit owes, on examples/sample and on small repositories built here.

Every number below is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import typer
from icalendar import Calendar
from typer.testing import CliRunner

from yunhe_cli.checks.validation import validate
from yunhe_cli.core.repository import Repository
from yunhe_cli.outputs.labels import Lang
from yunhe_cli.outputs.reminder_views import (
    ReminderFormat,
    event_uid,
    messages,
    reminders_json,
    reminders_markdown,
    reminders_text,
    render_reminders,
)
from yunhe_cli.reports.query import UnknownName
from yunhe_cli.reports.reminders import SOURCES, Due, Reminders, reminders

from .conftest import CHECKED_ON, DATA, RepoMaker

SAMPLE = DATA.parent / "examples" / "sample"
AS_OF = dt.date(2026, 11, 15)


@pytest.fixture(scope="module")
def sample() -> Repository:
    repo, _ = validate(SAMPLE)
    return repo


def owed(r: Reminders, unit: str) -> list[tuple[str, int, int]]:
    """(id, days overdue, days left) of what `unit` owes, in the order given (worst first)."""
    found = [u for u in r.units if u.unit == unit]
    assert len(found) == 1, [u.unit for u in r.units]
    return [(d.id, d.days_overdue, d.days_left) for d in found[0].items]


def events(ics: bytes) -> list[dict[str, object]]:
    cal = Calendar.from_ical(ics)
    return [
        {
            "uid": str(e["UID"]),
            "start": e.decoded("DTSTART"),
            "end": e.decoded("DTEND"),
            "stamp": e.decoded("DTSTAMP"),
            "summary": str(e["SUMMARY"]),
            "description": str(e["DESCRIPTION"]),
        }
        for e in cal.walk("VEVENT")
    ]


# --------------------------------------------------------------------------- examples/sample


def test_sample_what_each_unit_owes(sample: Repository) -> None:
    r = reminders(sample, AS_OF)
    assert (r.within, r.until) == (14, dt.date(2026, 11, 29))
    # 县发改局 leads p09, whose October report (due 10 November, the default due day) is missing:
    # 5 days overdue. It owns p09's task 制定实施方案, due 2023-04-15 and not done: 3 years
    # (365 + 366 + 365 = 1096 days) to 2026-04-15, then 15 + 31 + 30 + 31 + 31 + 30 + 31 + 15 = 214:
    # 1310 days. Its open problems, each from its due day to 15 November. As p09's lead unit it
    # owes the assessment of 2026-Q3 (形势研判), due on the quarter's board day 2026-10-10
    # (21 + 15 = 36 days ago); supervision item p01-s001 was due 2026-10-31 (15 days ago).
    assert owed(r, "县发改局") == [
        ("task/p09/implementation-plan", 1310, 0),
        ("problem/p01/p01-002", 1015, 0),  # due 2024-02-04
        ("problem/p09/p09-003", 718, 0),  # due 2024-11-27
        ("problem/p08/p08-004", 708, 0),  # due 2024-12-07
        ("problem/p03/p03-003", 75, 0),  # due 2026-09-01: 29 + 31 + 15
        ("problem/p04/p04-004", 58, 0),  # due 2026-09-18: 12 + 31 + 15
        ("assessment/p09/2026-Q3", 36, 0),
        ("problem/p05/p05-003", 35, 0),  # due 2026-10-11: 20 + 15
        ("supervision/p01/p01-s001", 15, 0),
        ("report/p09/2026-10", 5, 0),
    ]
    # p07 (县自然资源和规划局) has reported nothing since August: September's report is due on
    # 10 October (21 + 15 = 36 days ago), October's on 10 November; it also owns p09-001, and
    # supervision item p07-s001, due 15 October (16 + 15 = 31 days ago).
    assert owed(r, "县自然资源和规划局") == [
        ("problem/p09/p09-001", 367, 0),
        ("report/p07/2026-09", 36, 0),
        ("supervision/p07/p07-s001", 31, 0),
        ("report/p07/2026-10", 5, 0),
    ]
    # p10 (县民政局) never sent 2023-08 and 2025-01: due 2023-09-10 and 2025-02-10; from
    # 2025-02-10, 365 days to 2026-02-10, 273 to 2026-11-10, 5 more: 643.
    assert owed(r, "县民政局") == [("report/p10/2023-08", 1162, 0), ("report/p10/2025-01", 643, 0)]
    # p04-003, owned by 县文广旅体局, was due on 25 October: 6 + 15 = 21 days.
    assert owed(r, "县文广旅体局") == [("problem/p04/p04-003", 21, 0)]
    # Nothing is due in the next 14 days: November's reports fall due on 10 December.
    assert all(d.overdue for d in r.items())
    # The unit owing the longest-overdue thing comes first.
    assert r.units[0].unit == "县发改局"
    worst = [u.items[0].days_overdue for u in r.units]
    assert worst == sorted(worst, reverse=True)


def test_sample_window(sample: Repository) -> None:
    # November's reports are due on 10 December, 25 days after 15 November: in a window of 25
    # days, not in one of 24; every project owes one, from its lead unit.
    assert not [d for d in reminders(sample, AS_OF, 24).items() if not d.overdue]
    upcoming = [d for d in reminders(sample, AS_OF, 25).items() if not d.overdue]
    assert sorted(d.id for d in upcoming) == [f"report/p{n:02d}/2026-11" for n in range(1, 11)]
    assert {(d.due, d.days_left) for d in upcoming} == {(dt.date(2026, 12, 10), 25)}
    with pytest.raises(ValueError, match="within"):
        reminders(sample, AS_OF, -1)


def test_sample_one_unit_by_name_alias_or_part(sample: Repository) -> None:
    whole = reminders(sample, AS_OF)
    for ref in ("县发改局", "fgj", "发改"):
        one = reminders(sample, AS_OF, unit=ref)
        assert one.unit == "县发改局"
        assert [u.unit for u in one.units] == ["县发改局"]
        assert one.units[0] == next(u for u in whole.units if u.unit == "县发改局")


def test_unknown_unit_names_the_nearest(sample: Repository) -> None:
    with pytest.raises(UnknownName) as caught:
        reminders(sample, AS_OF, unit="县发该局")
    assert "县发改局" in caught.value.candidates
    assert "did you mean 县发改局" in str(caught.value)
    # The command line turns it into a usage error (exit 2), as it does for --unit elsewhere.
    app = typer.Typer()

    @app.command()
    def remind(unit: str = typer.Option(None, "--unit")) -> None:
        try:
            reminders(sample, AS_OF, unit=unit)
        except UnknownName as exc:
            raise typer.BadParameter(str(exc), param_hint="--unit") from None

    result = CliRunner().invoke(app, ["--unit", "县发该局"])
    assert result.exit_code == 2
    assert "县发改局" in result.output


def test_sample_text_is_chinese_by_default(sample: Repository) -> None:
    r = reminders(sample, AS_OF, unit="县交通运输局")
    text = render_reminders(r).decode("utf-8")
    assert text == reminders_text(r, Lang.zh)
    assert text == (
        "【催报】县交通运输局：截至2026-11-15，你单位有逾期事项3项、14天内到期事项0项，请抓紧办理：\n"
        "1. 【逾期1021天】问题p05-001销号：招商项目未落地（工程5：交通强县建设工程；时限2024-01-29）\n"
        "2. 【逾期36天】报送2026-Q3形势研判（工程5：交通强县建设工程；时限2026-10-10）\n"
        "3. 【逾期5天】报送2026-10月报（工程5：交通强县建设工程；时限2026-11-10）\n"
        "请按时限办理，办结后及时报送进展。\n"
    )
    english = render_reminders(r, ReminderFormat.text, Lang.en).decode("utf-8")
    assert english.splitlines()[0] == (
        "[Reminder] Transport Bureau: as of 2026-11-15, 3 overdue and 0 due within 14 days:"
    )
    assert "3. [5 days overdue] Submit the monthly report for 2026-10 (project 5: " in english


def test_sample_one_message_per_unit(sample: Repository) -> None:
    r = reminders(sample, AS_OF)
    texts = messages(r)
    assert len(texts) == len(r.units)
    assert [m.split("：", 1)[0] for m in texts] == [f"【催报】{u.unit}" for u in r.units]
    assert reminders_text(r) == "\n".join(texts)


def test_sample_json(sample: Repository) -> None:
    r = reminders(sample, AS_OF)
    doc = json.loads(render_reminders(r, ReminderFormat.json))
    assert doc == json.loads(json.dumps(reminders_json(r), ensure_ascii=False))
    assert list(doc) == ["version", "as_of", "within", "until", "unit", "units"]
    assert (doc["version"], doc["as_of"], doc["within"], doc["until"], doc["unit"]) == (
        1,
        "2026-11-15",
        14,
        "2026-11-29",
        None,
    )
    first = doc["units"][0]
    assert list(first) == ["unit", "unit_en", "overdue", "upcoming", "items"]
    assert (first["unit"], first["unit_en"], first["overdue"], first["upcoming"]) == (
        "县发改局",
        "Development and Reform Bureau",
        10,  # 8, and p09's assessment of 2026-Q3 and supervision item p01-s001
        0,
    )
    assert first["items"][0] == {
        "id": "task/p09/implementation-plan",
        "source": "task",
        "unit": "县发改局",
        "unit_en": "Development and Reform Bureau",
        "project": "p09",
        "number": 9,
        "project_name": "能源绿色低碳发展和保供稳价工程",
        "project_name_en": "Green, low-carbon energy and secure, stable-priced supply",
        "ref": "implementation-plan",
        "title": "制定实施方案",
        "title_en": "Draw up the implementation plan",
        "parent": None,
        "parent_en": None,
        "due": "2023-04-15",
        "overdue": True,
        "days_overdue": 1310,
        "days_left": 0,
    }


def test_sample_calendar(sample: Repository) -> None:
    r = reminders(sample, AS_OF)
    ics = render_reminders(r, ReminderFormat.ics)
    assert ics.startswith(b"BEGIN:VCALENDAR\r\n")
    found = events(ics)
    assert len(found) == len(r.items()) == sum(len(u.items) for u in r.units)
    assert len({e["uid"] for e in found}) == len(found)
    assert {e["stamp"] for e in found} == {dt.datetime(2026, 11, 15, tzinfo=dt.UTC)}
    by_uid = {e["uid"]: e for e in found}
    task = by_uid[event_uid(r.units[0].items[0])]
    assert (task["start"], task["end"]) == (dt.date(2023, 4, 15), dt.date(2023, 4, 16))
    assert task["summary"] == "【催报】县发改局：完成重点任务“制定实施方案”"
    assert "工程9：能源绿色低碳发展和保供稳价工程" in str(task["description"])
    assert "逾期1310天" in str(task["description"])
    # A day later the same things owed keep their UIDs (a subscribed calendar updates them); p05's
    # October report, sent on 16 November, is no longer owed.
    next_day = reminders(sample, AS_OF + dt.timedelta(days=1))
    later = {e["uid"]: e for e in events(render_reminders(next_day, ReminderFormat.ics))}
    sent = next(d for d in r.items() if d.id == "report/p05/2026-10")
    assert set(later) == set(by_uid) - {event_uid(sent)}
    assert all(later[uid]["start"] == e["start"] for uid, e in by_uid.items() if uid in later)
    # Same data, same day: the same file.
    assert render_reminders(reminders(sample, AS_OF), ReminderFormat.ics) == ics


# --------------------------------------------------------------------------- a small repository

PROJECT = """\
    id: p01
    number: 1
    name: 测试工程
    name_en: Test project
    convener: 张三
    lead_unit: 县发改局
    goal: 测试目标
    tasks:
      - id: plan
        title: 制定实施方案
        due: 2024-06-30
      - id: build
        title: 建设产业园
        title_en: Build the park
        owner: 县人社保局
        start: 2024-01-01
        due: 2024-12-31
        milestones:
          - {title: 可研批复, due: 2024-05-31}
          - {title: 完成立项, due: 2024-06-30}
          - {title: 开工, due: 2024-07-20}
    """

PROBLEMS = """\
    project: p01
    problems:
      - id: p01-001
        title: 资金拨付滞后
        owner: 县发改局
        raised_on: 2024-01-01
        due: 2024-07-01
      - id: p01-002
        title: 社保*补贴*未到位
        owner: 县人社保局
        raised_on: 2024-03-01
        due: 2024-07-24
      - id: p01-003
        title: 审批未完成
        owner: 县发改局
        raised_on: 2024-03-01
        due: 2024-07-25
      - id: p01-004
        title: 已经办结
        owner: 县发改局
        raised_on: 2024-01-01
        due: 2024-05-01
        status: closed
        closed_on: 2024-06-01
        resolution: 已办结
        evidence: [拨付凭证]
    """

TASKS = """\
    tasks:
      - task: plan
        status: done
        done_on: 2024-05-28
      - task: build
        status: in_progress
        percent: 30
        milestones:
          - {milestone: 可研批复, reached_on: 2024-05-20}
    """


def report(period: str, submitted: str, tasks: str = "") -> str:
    head = f"    project: p01\n    period: {period}\n    submitted_on: {submitted}\n    values: []\n"
    return head + tasks


def small(make_repo: RepoMaker) -> Repository:
    """Reports from 2023-05 (the month after the plan was issued) to 2024-05 on the 5th of the next
    month, except 2024-02 (never sent); June's sent on 12 July; the tasks and problems above."""
    files: dict[str, str | bytes | None] = {"projects/p01.yaml": PROJECT, "issues/p01.yaml": PROBLEMS}
    months = [f"2023-{m:02d}" for m in range(5, 13)] + [f"2024-{m:02d}" for m in range(1, 6)]
    for period in months:
        if period == "2024-02":
            continue
        year, month = int(period[:4]), int(period[5:])
        submitted = f"{year + (month == 12)}-{month % 12 + 1:02d}-05"
        files[f"indicators/p01/{period}.yaml"] = report(
            period, submitted, TASKS if period == "2024-05" else ""
        )
    files["indicators/p01/2024-06.yaml"] = report("2024-06", "2024-07-12")
    root: Path = make_repo(files)
    repo, problems = validate(root, today=CHECKED_ON)
    assert problems == []
    return repo


def test_small_what_each_unit_owes(make_repo: RepoMaker) -> None:
    r = reminders(small(make_repo), dt.date(2024, 7, 10))  # looks up to 24 July
    assert r.until == dt.date(2024, 7, 24)
    # 县发改局 leads p01: February's report, due 10 March, never came: 21 + 30 + 31 + 30 + 10 = 122
    # days. June's is due today (10 July; it comes on the 12th). Problem p01-001 was due on 1 July:
    # 9 days. p01-003 (due 25 July) is outside the window, p01-004 closed; 制定实施方案 is done.
    assert owed(r, "县发改局") == [
        ("report/p01/2024-02", 122, 0),
        ("problem/p01/p01-001", 9, 0),
        ("report/p01/2024-06", 0, 0),
    ]
    # 县人力社保局 (the task names it by its alias 县人社保局) owns 建设产业园: 可研批复 was reached,
    # 完成立项 (30 June) was not: 10 days overdue; 开工 falls on 20 July: 10 days left; the task's
    # own due day (31 December) is far off. Problem p01-002 falls due on the window's last day.
    assert owed(r, "县人力社保局") == [
        ("milestone/p01/build/完成立项", 10, 0),
        ("milestone/p01/build/开工", 0, 10),
        ("problem/p01/p01-002", 0, 14),
    ]
    assert [u.unit for u in r.units] == ["县发改局", "县人力社保局"]
    milestone = r.units[1].items[0]
    assert (milestone.source, milestone.title, milestone.parent, milestone.parent_en) == (
        "milestone",
        "完成立项",
        "建设产业园",
        "Build the park",
    )
    assert set(SOURCES) >= {d.source for d in r.items()}


def test_small_text(make_repo: RepoMaker) -> None:
    r = reminders(small(make_repo), dt.date(2024, 7, 10))
    assert reminders_text(r) == (
        "【催报】县发改局：截至2024-07-10，你单位有逾期事项2项、14天内到期事项1项，请抓紧办理：\n"
        "1. 【逾期122天】报送2024-02月报（工程1：测试工程；时限2024-03-10）\n"
        "2. 【逾期9天】问题p01-001销号：资金拨付滞后（工程1：测试工程；时限2024-07-01）\n"
        "3. 【今天到期】报送2024-06月报（工程1：测试工程；时限2024-07-10）\n"
        "请按时限办理，办结后及时报送进展。\n"
        "\n"
        "【催报】县人力社保局：截至2024-07-10，你单位有逾期事项1项、14天内到期事项2项，请抓紧办理：\n"
        "1. 【逾期10天】完成重点任务“建设产业园”的节点“完成立项”（工程1：测试工程；时限2024-06-30）\n"
        "2. 【还有10天】完成重点任务“建设产业园”的节点“开工”（工程1：测试工程；时限2024-07-20）\n"
        "3. 【还有14天】问题p01-002销号：社保*补贴*未到位（工程1：测试工程；时限2024-07-24）\n"
        "请按时限办理，办结后及时报送进展。\n"
    )
    english = reminders_text(r, Lang.en)
    # No English names in this registry: the unit and the data's words stay as written.
    assert "[Reminder] 县人力社保局: as of 2024-07-10, 1 overdue and 2 due within 14 days:" in english
    assert (
        "1. [10 days overdue] Reach the milestone “完成立项” of “Build the park” (project 1: Test project;"
        in english
    )
    assert "3. [due today] Submit the monthly report for 2024-06" in english


def test_small_markdown_escapes_the_data(make_repo: RepoMaker) -> None:
    md = reminders_markdown(reminders(small(make_repo), dt.date(2024, 7, 10)))
    assert md.startswith("# “十项重大工程”催报（截至2024-07-10，14天内）\n")
    assert "## 县人力社保局\n" in md
    assert "3. 【**还有14天**】问题p01-002销号：社保\\*补贴\\*未到位（工程1：测试工程；时限2024-07-24）" in md


def test_small_one_unit_owing_nothing(make_repo: RepoMaker) -> None:
    # On 1 May 2023 nothing is due within 14 days: May's report falls due on 10 June.
    r = reminders(small(make_repo), dt.date(2023, 5, 1), unit="fgj")
    assert [(u.unit, u.items) for u in r.units] == [("县发改局", ())]
    assert reminders_text(r) == "【催报】县发改局：截至2023-05-01，你单位无逾期事项，14天内无到期事项。\n"
    assert events(render_reminders(r, ReminderFormat.ics)) == []


def test_small_report_counts_from_the_day_it_was_submitted(make_repo: RepoMaker) -> None:
    repo = small(make_repo)
    # June's report, sent on 12 July, is owed until then (1 day overdue on the 11th), not after.
    assert ("report/p01/2024-06", 1, 0) in owed(reminders(repo, dt.date(2024, 7, 11)), "县发改局")
    assert "report/p01/2024-06" not in [d.id for d in reminders(repo, dt.date(2024, 7, 12)).items()]


def test_small_calendar_uids_stable_across_days(make_repo: RepoMaker) -> None:
    repo = small(make_repo)
    first, second = reminders(repo, dt.date(2024, 7, 10)), reminders(repo, dt.date(2024, 7, 11))
    one = {e["uid"]: e for e in events(render_reminders(first, ReminderFormat.ics))}
    two = {e["uid"]: e for e in events(render_reminders(second, ReminderFormat.ics))}
    assert len(one) == len(first.items()) == 6
    # The 11th looks up to 25 July: p01-003 comes in; the six of the 10th keep their UIDs and days.
    assert len(two) == len(second.items()) == 7
    assert set(one) < set(two)
    assert all(two[uid]["start"] == e["start"] for uid, e in one.items())
    new = (set(two) - set(one)).pop()
    assert two[new]["start"] == dt.date(2024, 7, 25)
    assert two[new]["summary"] == "【催报】县发改局：问题p01-003销号：审批未完成"
    # The UID is the thing's: neither the run's date nor the language changes it.
    assert {e["uid"] for e in events(render_reminders(first, ReminderFormat.ics, Lang.en))} == set(one)
    assert {e["stamp"] for e in two.values()} == {dt.datetime(2024, 7, 11, tzinfo=dt.UTC)}
    # What an event says moves with the day it is read on.
    report = next(d for d in second.items() if d.id == "report/p01/2024-06")
    assert "截至2024-07-11：逾期1天" in str(two[event_uid(report)]["description"])


def test_due_id_and_order() -> None:
    def due(source: str, ref: str, overdue: int, left: int, number: int = 1) -> Due:
        return Due(
            source, "县发改局", f"p{number:02d}", number, "工程", ref, ref, dt.date(2024, 1, 1), overdue, left
        )

    assert due("problem", "p01-001", 3, 0).id == "problem/p01/p01-001"
    items = [
        due("problem", "b", 0, 2),
        due("report", "a", 0, 2),
        due("task", "c", 5, 0),
        due("task", "d", 0, 0, 2),
    ]
    assert [d.ref for d in sorted(items, key=Due.severity)] == ["c", "d", "a", "b"]
    # A source yet to come (督查, 考核) sorts after the known ones and is worded by its title.
    assert sorted([due("supervision", "s", 0, 2), due("problem", "b", 0, 2)], key=Due.severity)[0].ref == "b"
