"""催报 (reminders) as people and programs read them: one chat message per unit (zh or en),
Markdown, a JSON document with stable keys, and an iCalendar file.

Built from `reports.reminders.Reminders` alone. The calendar has one all-day event per thing
owed, on its due day; its UID comes from the thing's identity (`Due.id`), never from the run, and
its DTSTAMP from the date the reminders are made as of, so the same data gives the same file and a
calendar subscribed to it updates its events rather than adding new ones.

Control characters from the data are escaped (`safe_text`) in every text format.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from yunhe_cli.outputs.formats import render_json
from yunhe_cli.outputs.labels import Lang
from yunhe_cli.outputs.problem_printer import safe_text
from yunhe_cli.outputs.views import JSON_VERSION, fmt_date
from yunhe_cli.reports.reminders import Due, Reminders, UnitReminders

if TYPE_CHECKING:  # imported when a calendar is made: the other formats do without it
    from icalendar import Calendar


class ReminderFormat(StrEnum):
    text = "text"  # chat messages, one per unit
    markdown = "markdown"
    json = "json"
    ics = "ics"


# The labels of reminders, in Chinese and in English (to join outputs/labels.LABELS when the
# command is wired; kept here so that this change adds files only).
LABELS: dict[str, tuple[str, str]] = {
    "head": (
        "【催报】{unit}：截至{as_of}，你单位有逾期事项{overdue}项、{within}天内到期事项{upcoming}项，请抓紧办理：",
        "[Reminder] {unit}: as of {as_of}, {overdue} overdue and {upcoming} due within {within} days:",
    ),
    "head.none": (
        "【催报】{unit}：截至{as_of}，你单位无逾期事项，{within}天内无到期事项。",
        "[Reminder] {unit}: as of {as_of}, nothing overdue and nothing due within {within} days.",
    ),
    "close": (
        "请按时限办理，办结后及时报送进展。",
        "Please see to them by their due dates and report progress once done.",
    ),
    "line": (
        "{n}. 【{state}】{what}（{project}；时限{due}）",
        "{n}. [{state}] {what} ({project}; due {due})",
    ),
    "state.overdue": ("逾期{days}天", "{days} days overdue"),
    "state.overdue.one": ("逾期1天", "1 day overdue"),
    "state.today": ("今天到期", "due today"),
    "state.left": ("还有{days}天", "{days} days left"),
    "state.left.one": ("还有1天", "1 day left"),
    "project": ("工程{number}：{name}", "project {number}: {name}"),
    "what.report": ("报送{title}月报", "Submit the monthly report for {title}"),
    "what.task": ("完成重点任务“{title}”", "Finish the key task “{title}”"),
    "what.milestone": (
        "完成重点任务“{parent}”的节点“{title}”",
        "Reach the milestone “{title}” of “{parent}”",
    ),
    "what.problem": ("问题{ref}销号：{title}", "Cross off problem {ref}: {title}"),
    "what.supervision": ("办理督办事项{ref}：{title}", "Act on supervision item {ref}: {title}"),
    "what.assessment": ("报送{title}形势研判", "Write the assessment of {title}"),
    "what.other": ("{title}", "{title}"),
    "summary": ("【催报】{unit}：{what}", "[Reminder] {unit}: {what}"),
    "description": (
        "{project}\n事项：{what}\n责任单位：{unit}\n时限：{due}\n截至{as_of}：{state}",
        "{project}\nTo do: {what}\nOwner: {unit}\nDue: {due}\nAs of {as_of}: {state}",
    ),
    "calendar": ("“十项重大工程”催报", "Ten Major Projects: reminders"),
    "title.markdown": (
        "“十项重大工程”催报（截至{as_of}，{within}天内）",
        "Ten Major Projects: reminders (as of {as_of}, within {within} days)",
    ),
    "markdown.none": ("没有逾期或即将到期的事项。", "Nothing overdue or due soon."),
}


def t(key: str, lang: Lang, **params: object) -> str:
    zh, en = LABELS[key]
    return (zh if lang is Lang.zh else en).format(**params)


def _pick(zh: str, en: str | None, lang: Lang) -> str:
    return zh if lang is Lang.zh or not en else en


def unit_name(u: UnitReminders, lang: Lang) -> str:
    return safe_text(_pick(u.unit, u.unit_en, lang))


def state_text(d: Due, lang: Lang) -> str:
    """逾期N天 / 今天到期 / 还有N天."""
    if d.overdue:
        return (
            t("state.overdue.one", lang)
            if d.days_overdue == 1
            else t("state.overdue", lang, days=d.days_overdue)
        )
    if d.days_left == 0:
        return t("state.today", lang)
    return t("state.left.one", lang) if d.days_left == 1 else t("state.left", lang, days=d.days_left)


def what_text(d: Due, lang: Lang) -> str:
    """What the unit is to do, in the chosen language (the data's words where no English is given)."""
    key = f"what.{d.source}" if f"what.{d.source}" in LABELS else "what.other"
    return t(
        key,
        lang,
        title=safe_text(_pick(d.title, d.title_en, lang)),
        parent=safe_text(_pick(d.parent or "", d.parent_en, lang)),
        ref=safe_text(d.ref),
    )


def project_text(d: Due, lang: Lang) -> str:
    return t("project", lang, number=d.number, name=safe_text(_pick(d.project_name, d.project_name_en, lang)))


# --------------------------------------------------------------------------- chat text


def message(r: Reminders, u: UnitReminders, lang: Lang) -> str:
    """One unit's message, ready to paste into a work chat: a lead line, the items worst first."""
    fields = {"unit": unit_name(u, lang), "as_of": fmt_date(r.as_of), "within": r.within}
    if not u.items:
        return t("head.none", lang, **fields) + "\n"
    lines = [t("head", lang, overdue=u.overdue, upcoming=u.upcoming, **fields)]
    for n, d in enumerate(u.items, 1):
        lines.append(
            t(
                "line",
                lang,
                n=n,
                state=state_text(d, lang),
                what=what_text(d, lang),
                project=project_text(d, lang),
                due=fmt_date(d.due),
            )
        )
    lines.append(t("close", lang))
    return "\n".join(lines) + "\n"


def messages(r: Reminders, lang: Lang = Lang.zh) -> list[str]:
    """One message per unit, the unit owing the worst first."""
    return [message(r, u, lang) for u in r.units]


def reminders_text(r: Reminders, lang: Lang = Lang.zh) -> str:
    """Every unit's message, a blank line between them (Chinese unless `lang` says otherwise)."""
    return "\n".join(messages(r, lang))


# --------------------------------------------------------------------------- Markdown

# Characters that would format or break a line of Markdown where they stand (inline: the lines
# begin with yunhe's own words, so # + - at the start of a line never come from the data).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def reminders_markdown(r: Reminders, lang: Lang = Lang.zh) -> str:
    """A heading, then one section per unit: its lead line and a numbered list, the state in bold."""
    parts = [f"# {_md(t('title.markdown', lang, as_of=fmt_date(r.as_of), within=r.within))}\n"]
    if not r.units:
        parts.append(_md(t("markdown.none", lang)) + "\n")
    for u in r.units:
        fields = {"unit": unit_name(u, lang), "as_of": fmt_date(r.as_of), "within": r.within}
        parts.append(f"## {_md(unit_name(u, lang))}\n")
        if not u.items:
            parts.append(_md(t("head.none", lang, **fields)) + "\n")
            continue
        lines = [_md(t("head", lang, overdue=u.overdue, upcoming=u.upcoming, **fields)), ""]
        for n, d in enumerate(u.items, 1):
            lines.append(
                t(
                    "line",
                    lang,
                    n=n,
                    state=f"**{_md(state_text(d, lang))}**",
                    what=_md(what_text(d, lang)),
                    project=_md(project_text(d, lang)),
                    due=fmt_date(d.due),
                )
            )
        lines += ["", _md(t("close", lang))]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


# --------------------------------------------------------------------------- JSON


def due_json(d: Due, unit_en: str | None = None) -> dict[str, Any]:
    return {
        "id": d.id,
        "source": d.source,
        "unit": d.unit,
        "unit_en": unit_en,
        "project": d.project,
        "number": d.number,
        "project_name": d.project_name,
        "project_name_en": d.project_name_en,
        "ref": d.ref,
        "title": d.title,
        "title_en": d.title_en,
        "parent": d.parent,
        "parent_en": d.parent_en,
        "due": fmt_date(d.due),
        "overdue": d.overdue,
        "days_overdue": d.days_overdue,
        "days_left": d.days_left,
    }


def reminders_json(r: Reminders) -> dict[str, Any]:
    """The document: the window, then each unit with its counts and items worst first (stable keys)."""
    return {
        "version": JSON_VERSION,
        "as_of": fmt_date(r.as_of),
        "within": r.within,
        "until": fmt_date(r.until),
        "unit": r.unit,
        "units": [
            {
                "unit": u.unit,
                "unit_en": u.unit_en,
                "overdue": u.overdue,
                "upcoming": u.upcoming,
                "items": [due_json(d, u.unit_en) for d in u.items],
            }
            for u in r.units
        ],
    }


# --------------------------------------------------------------------------- iCalendar

# The namespace of event UIDs: a UID is uuid5(namespace, "yunhe:" + Due.id) @ domain.
UID_NAMESPACE = uuid.NAMESPACE_URL
PRODID = "-//yunhe//remind//{lang}"


def event_uid(d: Due, domain: str = "yunhe") -> str:
    """The event's UID, from the thing owed alone (not the run, the date or the unit owing it)."""
    return f"{uuid.uuid5(UID_NAMESPACE, 'yunhe:' + d.id)}@{domain}"


def reminders_calendar(r: Reminders, lang: Lang = Lang.zh, domain: str = "yunhe") -> Calendar:
    """An `icalendar.Calendar`: one all-day VEVENT per thing owed, on its due day.

    `domain` ends every UID: give each county (or data repository) its own when their calendars
    are merged, as the ids of projects and problems repeat across counties.
    """
    from icalendar import Calendar, Event

    stamp = dt.datetime(r.as_of.year, r.as_of.month, r.as_of.day, tzinfo=dt.UTC)
    cal = Calendar()
    cal.add("prodid", PRODID.format(lang=lang.value.upper()))
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = t("calendar", lang)
    if r.unit is not None and r.units:
        name = f"{name} · {unit_name(r.units[0], lang)}"
    cal.add("x-wr-calname", name)
    for u in r.units:
        unit = unit_name(u, lang)
        for d in u.items:
            what = what_text(d, lang)
            event = Event()
            event.add("uid", event_uid(d, domain))
            event.add("dtstamp", stamp)
            event.add("dtstart", d.due)
            if d.due < dt.date.max:
                event.add("dtend", d.due + dt.timedelta(days=1))
            event.add("summary", t("summary", lang, unit=unit, what=what))
            event.add(
                "description",
                t(
                    "description",
                    lang,
                    project=project_text(d, lang),
                    what=what,
                    unit=unit,
                    due=fmt_date(d.due),
                    as_of=fmt_date(r.as_of),
                    state=state_text(d, lang),
                ),
            )
            event.add("categories", [d.source])
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    return cal


def reminders_ics(r: Reminders, lang: Lang = Lang.zh, domain: str = "yunhe") -> bytes:
    """The iCalendar file (RFC 5545: UTF-8, CRLF line ends); write it as bytes."""
    ical: bytes = reminders_calendar(r, lang, domain).to_ical()  # to_ical is typed loosely
    return ical


# --------------------------------------------------------------------------- one entry point

RENDERERS: dict[ReminderFormat, Callable[[Reminders, Lang], bytes]] = {
    ReminderFormat.text: lambda r, lang: reminders_text(r, lang).encode("utf-8"),
    ReminderFormat.markdown: lambda r, lang: reminders_markdown(r, lang).encode("utf-8"),
    ReminderFormat.json: lambda r, lang: render_json(reminders_json(r)).encode("utf-8"),
    ReminderFormat.ics: reminders_ics,
}


def render_reminders(r: Reminders, fmt: ReminderFormat = ReminderFormat.text, lang: Lang = Lang.zh) -> bytes:
    """The reminders in `fmt`, as the bytes to write to stdout or a file (UTF-8; the calendar with CRLF
    line ends, as RFC 5545 asks, so write bytes rather than text)."""
    return RENDERERS[fmt](r, lang)
