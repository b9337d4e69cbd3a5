"""A data file reduced to *facts*, and two states of the data compared fact by fact.

A fact is a key naming one thing (a figure of one project, month and indicator; one problem; ...)
and the fields that matter about it. A commit that only reformats (`yunhe fmt`) changes nothing,
and a file renamed with its content kept changes nothing either: keys come from what a file says,
not from where it lies. The log and the semantic diff (reports.changes), the audit of submitted
months and the ownership check (checks) all read history through these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from yunhe_cli.core.model import FIGURE_FIELDS, REPORT_FIELDS, TASK_FIELDS
from yunhe_cli.core.problems import Problem
from yunhe_cli.store.layout import classify
from yunhe_cli.store.mechanism_facts import MECHANISM_KINDS, TITLE_FIELD, mechanism_event, mechanism_facts
from yunhe_cli.store.yamlio import MAX_FILE_BYTES, decode, parse_text

Key = tuple[str, ...]  # (kind, project, ...): ("figure", "p01", "2025-03", "investment")
Facts = dict[Key, dict[str, Any]]

# The order changes are listed in: reports, their figures and tasks, problems, the plan's targets.
KIND_ORDER = ("report", "figure", "task", "problem", "target", "task_due", *MECHANISM_KINDS)
PROBLEM_FIELDS = ("title", "owner", "due", "status", "closed_on", "resolution", "evidence", "reopened")


@dataclass(frozen=True, slots=True)
class Change:
    """One field of one thing, old -> new (None: absent)."""

    kind: str  # figure, task, report, problem, target, task_due
    project: str
    period: str | None
    item: str | None  # indicator, task or problem id
    field: str
    old: Any
    new: Any
    path: str  # the file, relative to the data folder

    @property
    def event(self) -> str:
        """What happened, in one word the reports use: reported, changed, done, opened, closed ..."""
        if self.kind in MECHANISM_KINDS:
            return mechanism_event(self.kind, self.field, self.old, self.new)
        if self.kind == "problem":
            if self.field == "problem":
                return "opened" if self.old is None else "deleted"
            if self.field == "status":
                return "closed" if self.new == "closed" else "reopened"
        if self.kind == "report" and self.field == "submitted_on" and self.old is None:
            return "submitted"
        if self.kind == "task" and self.field == "status" and self.new == "done":
            return "done"
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed"


# --------------------------------------------------------------------------- facts


def same_value(a: Any, b: Any) -> bool:
    """Equal as data: 52 and 52.0 are one figure (a reformat may write either)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float | Decimal) and isinstance(b, int | float | Decimal):
        return Decimal(str(a)) == Decimal(str(b))
    return bool(a == b)


def _text(value: Any) -> Any:
    return value if isinstance(value, str) else None


def facts_of(rel: str, data: Any) -> Facts:
    """The facts one file states (whatever could be read of it: a schema problem drops nothing)."""
    kind = classify(rel)
    parts = rel.split("/")
    if not isinstance(data, dict) or kind is None:
        return {}
    out: Facts = {}
    if kind == "report":
        project = _text(data.get("project")) or parts[1]
        period = _text(data.get("period")) or parts[2].removesuffix(".yaml")
        out[("report", project, period)] = {f: data.get(f) for f in REPORT_FIELDS}
        for entry in _items(data.get("values")):
            ind = _text(entry.get("indicator"))
            if ind is not None:
                out[("figure", project, period, ind)] = {f: entry.get(f) for f in FIGURE_FIELDS}
        for entry in _items(data.get("tasks")):
            task = _text(entry.get("task"))
            if task is not None:
                out[("task", project, period, task)] = {f: entry.get(f) for f in TASK_FIELDS}
    elif kind == "problems":
        project = _text(data.get("project")) or parts[1].removesuffix(".yaml")
        for entry in _items(data.get("problems")):
            pid = _text(entry.get("id"))
            if pid is not None:
                fields = {f: entry.get(f) for f in PROBLEM_FIELDS}
                fields["evidence"] = _frozen(fields["evidence"])
                fields["reopened"] = _frozen(fields["reopened"])
                out[("problem", project, pid)] = fields
    elif kind == "project":
        project = _text(data.get("id")) or parts[1].removesuffix(".yaml")
        for entry in _items(data.get("indicators")):
            ind = _text(entry.get("id"))
            target = entry.get("target")
            if ind is not None and isinstance(target, dict):
                out[("target", project, ind)] = {"target": target.get("value"), "by": target.get("by")}
        for entry in _items(data.get("tasks")):
            task = _text(entry.get("id"))
            if task is not None:
                out[("task_due", project, task)] = {"due": entry.get("due")}
    elif kind in ("supervision", "assessments", "practices"):
        out.update(mechanism_facts(kind, data, parts))
    return out


def revisions_of(rel: str, data: Any) -> dict[Key, tuple[dict[str, Any], ...]]:
    """A report's `revisions:` entries as written (what announces a change of a submitted month),
    under its report's key; nothing for any other file. Not facts: a new entry is no change."""
    if classify(rel) != "report" or not isinstance(data, dict):
        return {}
    entries = tuple(_items(data.get("revisions")))
    if not entries:
        return {}
    parts = rel.split("/")
    project = _text(data.get("project")) or parts[1]
    period = _text(data.get("period")) or parts[2].removesuffix(".yaml")
    return {("report", project, period): entries}


def _items(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    return value


def diff_facts(old: Facts, new: Facts, paths: dict[Key, str] | None = None) -> list[Change]:
    """Every field that differs, in key order; a problem that appears or disappears is one change."""
    changes = []
    for key in sorted(set(old) | set(new)):
        kind, project = key[0], key[1]
        period = key[2] if kind in ("figure", "task", "report") else None
        item = (
            key[3]
            if kind in ("figure", "task")
            else key[2]
            if kind in ("problem", "target", "task_due", *MECHANISM_KINDS)
            else None
        )
        path = (paths or {}).get(key, "")
        before, after = old.get(key), new.get(key)
        if kind in ("problem", *MECHANISM_KINDS) and (before is None or after is None):
            title = (after or before or {}).get(TITLE_FIELD.get(kind, "title"))
            changes.append(
                Change(
                    kind,
                    project,
                    None,
                    item,
                    kind,
                    None if before is None else title,
                    None if after is None else title,
                    path,
                )
            )
            if before is None and after is not None and after.get("status") == "closed":
                changes.append(Change(kind, project, None, item, "status", "open", "closed", path))
            continue
        reopened = kind == "problem" and (before or {}).get("status") == "closed" != (after or {}).get(
            "status"
        )
        for name in after or before or {}:
            a = (before or {}).get(name)
            b = (after or {}).get(name)
            if reopened and name in ("closed_on", "resolution", "evidence") and not b:
                continue  # the reopening keeps the closing; its removal from the entry is no news
            if not same_value(a, b):
                changes.append(Change(kind, project, period, item, name, a, b, path))
    return changes


# --------------------------------------------------------------------------- reading blobs


@dataclass
class BlobReader:
    """Facts of git blobs, each parsed once; what cannot be read becomes a placed problem."""

    problems: list[Problem]
    cache: dict[tuple[str, str], Facts | None]
    noted: dict[tuple[str, str], dict[Key, tuple[dict[str, Any], ...]]]

    def __init__(self) -> None:
        self.problems = []
        self.cache = {}
        self.noted = {}

    def facts(self, sha: str, raw: bytes, rel: str, shown: Path) -> Facts | None:
        key = (sha, rel)
        if key not in self.cache:
            self.cache[key] = self._read(raw, rel, shown, key)
        return self.cache[key]

    def revisions(self, sha: str, rel: str) -> dict[Key, tuple[dict[str, Any], ...]]:
        """The `revisions:` entries of a blob already read by `facts` (`revisions_of`)."""
        return self.noted.get((sha, rel), {})

    def _read(self, raw: bytes, rel: str, shown: Path, key: tuple[str, str]) -> Facts | None:
        if len(raw) > MAX_FILE_BYTES:
            message = f"the file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}"
            self.problems.append(Problem(shown, "Y009", message, (), 1, 1))
            return None
        text, problem = decode(raw, shown)
        if text is None:
            self.problems.extend([problem] if problem else [])
            return None
        parsed = parse_text(text, shown)
        if parsed.problems or not isinstance(parsed.data, dict):
            self.problems.extend(parsed.problems[:1])
            return None
        noted = revisions_of(rel, parsed.data)
        if noted:
            self.noted[key] = noted
        return facts_of(rel, parsed.data)


def snapshot_facts(
    files: dict[str, bytes], shown: Callable[[str], Path]
) -> tuple[Facts, dict[Key, str], list[Problem]]:
    """The facts of a whole state of the data folder, with the file each came from."""
    reader = BlobReader()
    facts: Facts = {}
    paths: dict[Key, str] = {}
    for rel in sorted(files):
        if classify(rel) is None:
            continue
        found = reader.facts(rel, files[rel], rel, shown(rel))
        for key, fields in (found or {}).items():
            facts[key] = fields
            paths[key] = rel
    return facts, paths, reader.problems
