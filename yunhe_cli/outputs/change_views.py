"""`yunhe log` and `yunhe diff` as tables (every text format) and JSON documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from yunhe_cli.outputs.labels import LABELS, MARKERS, Lang, t
from yunhe_cli.outputs.views import JSON_VERSION, Cell, TableView
from yunhe_cli.reports.changes import Diff, Log, LogEntry
from yunhe_cli.store.facts import Change
from yunhe_cli.store.git import Commit


def value_text(value: Any) -> str:
    """A value as the YAML file writes it; '—' when there is none."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return str(value)
    if isinstance(value, tuple):
        if value and all(isinstance(v, tuple) for v in value):  # reopenings: how many
            return str(len(value))
        return "、".join(value_text(v) for v in value) or "—"
    return str(value)


def json_value(value: Any) -> Any:
    """Dates as ISO text, lists as lists; a Decimal stays one (render_json writes it as a number)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        if value and all(isinstance(v, tuple) for v in value) and all(len(p) == 2 for v in value for p in v):
            return [{k: json_value(x) for k, x in v} for v in value]
        return [json_value(v) for v in value]
    return value


def item_text(c: Change) -> str:
    if c.kind in ("problem", "supervision"):  # their ids name the project already
        return c.item or ""
    if c.item is None:
        return c.project
    return f"{c.project}.{c.item}"


def who(commit: Commit) -> str:
    """The author, and the committer where another person committed (both can be set at will)."""
    if (commit.committer, commit.committer_email) != (commit.author, commit.author_email):
        return f"{commit.author} ({commit.committer})"
    return commit.author


def log_view(result: Log, lang: Lang, title: str) -> TableView:
    rows: list[tuple[Cell, ...]] = []
    for e in result.entries:
        c = e.change
        rows.append(
            (
                Cell(e.commit.author_date.date().isoformat()),
                Cell(who(e.commit)),
                Cell(e.commit.sha[:7]),
                Cell(t(f"event.{c.event}", lang)),
                Cell(item_text(c)),
                Cell(c.period or ""),
                Cell(t(f"field.{c.field}", lang)),
                Cell(f"{diff_value(c, c.old, lang)} → {diff_value(c, c.new, lang)}"),
                Cell(e.commit.subject),
            )
        )
    keys: tuple[str, ...] = (
        "date",
        "author",
        "commit",
        "event",
        "item",
        "period",
        "field",
        "change",
        "message",
    )
    if any(e.announced is not None for e in result.entries):  # a submitted month changed
        keys = (*keys, "announced")
        rows = [(*row, Cell(_log_announced(e, lang))) for row, e in zip(rows, result.entries, strict=True)]
    return TableView(
        t("title.log", lang, what=title),
        tuple(t(f"col.log.{k}", lang) for k in keys),
        tuple(rows),
        keys=keys,
        drop=("message", "commit"),  # a narrow terminal: who, when and what changed come first
        names=value_names(e.change for e in result.entries),
    )


def _log_announced(e: LogEntry, lang: Lang) -> str:
    if e.announced is None:
        return ""
    if e.revision is None:
        return t("diff.unannounced", lang)
    return t("diff.announced", lang, reason=e.revision[0], by=e.revision[1])


def _log_announced_json(e: LogEntry) -> dict[str, Any]:
    if e.announced is None:
        return {}
    found = e.revision
    return {"announced": e.announced, "revision": {"reason": found[0], "by": found[1]} if found else None}


def _commit_json(commit: Commit) -> dict[str, Any]:
    return {
        "commit": commit.sha,
        "author": commit.author,
        "author_email": commit.author_email,
        "date": commit.author_date.isoformat(),
        "committer": commit.committer,
        "committer_email": commit.committer_email,
        "committed": commit.committer_date.isoformat(),
        "message": commit.subject,
    }


def change_json(c: Change) -> dict[str, Any]:
    return {
        "event": c.event,
        "kind": c.kind,
        "project": c.project,
        "period": c.period,
        "item": c.item,
        "field": c.field,
        "old": json_value(c.old),
        "new": json_value(c.new),
        "path": c.path,
    }


def log_json(result: Log, what: str) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "selection": what,
        "entries": [
            {**_commit_json(e.commit), **change_json(e.change), **_log_announced_json(e)}
            for e in result.entries
        ],
    }


def _status(status: str, lang: Lang) -> str:
    return f"{MARKERS[status]} {t('status.' + status, lang)}"


def diff_value(c: Change, value: Any, lang: Lang) -> str:
    """A value of `diff` in the reader's language: a problem's or a task's status, yes or no."""
    if c.field == "status" and c.kind in ("problem", "task") and f"{c.kind}.{value}" in LABELS:
        return t(f"{c.kind}.{value}", lang)
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    return value_text(value)


def _state_name(name: str, lang: Lang) -> str:
    return {"(work tree)": t("state.work_tree", lang), "(staged)": t("state.staged", lang)}.get(name, name)


# Fields whose values are a unit's or a person's name: a word no line splits.
NAME_FIELDS = frozenset({"submitted_by", "owner", "by"})


def value_names(changes: Iterable[Change]) -> frozenset[str]:
    """The names among the values of `changes` (who submitted, who owns, who reopened)."""
    return frozenset(
        v for c in changes if c.field in NAME_FIELDS for v in (c.old, c.new) if isinstance(v, str) and v
    )


def diff_views(d: Diff, lang: Lang) -> list[TableView]:
    count_keys = ("what", "count")
    counts = TableView(
        t("title.diff", lang, base=_state_name(d.base, lang), target=_state_name(d.target, lang)),
        tuple(t(f"col.count.{k}", lang) for k in count_keys),
        tuple(
            (Cell(t(f"count.{k}", lang)), Cell(str(n), numeric=True, value=n)) for k, n in d.counts().items()
        ),
        keys=count_keys,
    )
    change_keys: tuple[str, ...] = ("event", "item", "period", "field", "old", "new")
    rows: list[tuple[Cell, ...]] = [
        (
            Cell(t(f"event.{c.event}", lang)),
            Cell(item_text(c)),
            Cell(c.period or ""),
            Cell(t(f"field.{c.field}", lang)),
            Cell(diff_value(c, c.old, lang)),
            Cell(diff_value(c, c.new, lang)),
        )
        for c in d.changes
    ]
    if d.announced:  # a submitted month changed: say whether a revisions: entry announces it
        change_keys = (*change_keys, "announced")
        rows = [(*row, Cell(_announced(d, i, lang))) for i, row in enumerate(rows)]
    changes = TableView(
        t("title.diff.changes", lang),
        tuple(t(f"col.diff.{k}", lang) for k in change_keys),
        tuple(rows),
        keys=change_keys,
        names=value_names(d.changes),
    )
    move_keys = ("indicator", "name", "old", "new")
    moves = TableView(
        t("title.diff.moves", lang, as_of=d.as_of.isoformat()),
        tuple(t(f"col.move.{k}", lang) for k in move_keys),
        tuple(
            (
                Cell(f"{m.project}.{m.indicator}"),
                Cell(m.name if lang is Lang.zh or not m.name_en else m.name_en),
                Cell(_status(m.old, lang), m.old),
                Cell(_status(m.new, lang), m.new),
            )
            for m in d.moves
        ),
        keys=move_keys,
    )
    return [counts, changes, moves]


def _announced(d: Diff, i: int, lang: Lang) -> str:
    if i not in d.announced:
        return ""
    found = d.announced[i]
    if found is None:
        return t("diff.unannounced", lang)
    return t("diff.announced", lang, reason=found[0], by=found[1])


def _announced_json(d: Diff, i: int) -> dict[str, Any]:
    if i not in d.announced:
        return {}
    found = d.announced[i]
    return {
        "announced": found is not None,
        "revision": {"reason": found[0], "by": found[1]} if found else None,
    }


def diff_json(d: Diff) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "as_of": d.as_of.isoformat(),
        "base": d.base,
        "target": d.target,
        "counts": d.counts(),
        "changes": [{**change_json(c), **_announced_json(d, i)} for i, c in enumerate(d.changes)],
        "statuses": [
            {"project": m.project, "indicator": m.indicator, "old": m.old, "new": m.new} for m in d.moves
        ],
    }
