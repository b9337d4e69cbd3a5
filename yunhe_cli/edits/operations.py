"""The routine changes an analyst makes, as library functions over a data folder.

`new_report_text` drafts next month's report; `add_problem`, `close_problem` and
`reopen_problem` keep the problem closure lists (问题销号); `format_text` gives a file yunhe's
canonical layout. Each write goes through `session.edit` / `session.create`: checked first,
atomic and locked. The CLI only parses options and prints.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from yunhe_cli.core import model as m
from yunhe_cli.core.index import Index
from yunhe_cli.core.kinds import kind_of
from yunhe_cli.core.periods import period_of, period_start
from yunhe_cli.core.problems import Problem
from yunhe_cli.core.repository import Repository
from yunhe_cli.edits.session import check_and_write, create, edit
from yunhe_cli.reports.rollup import readings, visible_reports
from yunhe_cli.store.loader import _model_in
from yunhe_cli.store.write import LOCK_TIMEOUT_S, WriteRefused, dump, refuse, repo_lock

if TYPE_CHECKING:
    from yunhe_cli.checks.validation import Checked

SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=.*$")
SCHEMA_KIND = re.compile(r"[a-z]+\.schema\.json$")


class UnknownProject(LookupError):
    def __init__(self, ref: str, known: list[str]) -> None:
        super().__init__(f"no project {ref!r}; the projects are {', '.join(known)}")


class UnknownUnit(LookupError):
    """A unit named in a command that units.yaml does not know: a usage error, not bad data."""

    def __init__(self, ref: str, names: list[str]) -> None:
        close = [n for n in names if ref and ref in n][:3] or difflib.get_close_matches(
            ref, names, n=3, cutoff=0.5
        )
        hint = f"; did you mean {' or '.join(close)}?" if close else "; see units.yaml for the names"
        super().__init__(f"no unit {ref!r} in units.yaml{hint}")


def checked_repo(root: Path, today: dt.date | None = None, notices: list[Problem] | None = None) -> Checked:
    """The folder, loaded and checked once under the lock. Problems already in it do not stop a
    write elsewhere (one unit's mistake must not block every other unit); they go to `notices`,
    and a write is refused only for problems in the file it touches."""
    from yunhe_cli.checks.validation import Checked

    checked = Checked.load(root, today)
    if notices is not None:
        notices.extend(p for p in checked.problems() if p.severity == "error")
    return checked


def project_of(repo: Repository, ref: str) -> m.Project:
    found = repo.project(ref)
    if found is None:
        raise UnknownProject(ref, [p.model.id for p in sorted(repo.projects, key=lambda p: p.model.number)])
    return found.model


def schema_comment(rel: str, kind: str) -> str:
    return f"# yaml-language-server: $schema={'../' * (rel.count('/') + 1)}schemas/{kind}.schema.json"


# --------------------------------------------------------------------------- yunhe report new


def default_period(as_of: dt.date) -> str:
    """The month a report is written for: the one before `as_of`'s month."""
    return period_of(as_of.year * 12 + as_of.month - 2)


def new_report_text(repo: Repository, project: m.Project, period: str, as_of: dt.date) -> str:
    """A report ready to fill in: every indicator (unit, target, basis, last figure) and every open task."""
    index = Index.build(repo)
    before = period_start(period) - dt.timedelta(days=1)
    earlier = [r for r in visible_reports(repo, project.id, max(as_of, before)) if r.period < period]
    rel = f"indicators/{project.id}/{period}.yaml"
    lead = index.unit(project.lead_unit)
    lines = [
        schema_comment(rel, "report"),
        f"# {project.name} {period} 月报 (monthly report). 填写本月公布数；不填的指标视为本月未报。",
        "# Fill in each figure as published; an indicator left empty counts as not reported this month.",
        f"project: {project.id}",
        f"period: {period}",
        "submitted_on:  # YYYY-MM-DD",
        f"submitted_by: {lead.name if lead else project.lead_unit}",
        "values:" if project.indicators else "values: []",
    ]
    for ind in project.indicators:
        series = readings(earlier, ind.id)
        last = next(
            (
                r
                for r in reversed(series)
                if r.value is not None or r.level is not None or r.achieved is not None
            ),
            None,
        )
        kind = kind_of(ind)
        about = kind.draft_about(ind)
        previous = "上月 last: —"
        if last is not None:
            shown = (
                last.value
                if last.value is not None
                else last.level
                if last.level is not None
                else last.achieved
            )
            previous = f"上月 last: {_plain(shown)} ({last.period})"
        lines.append(f"  # {ind.name} | {about} | {previous}")
        lines.append(f"  - indicator: {ind.id}")
        lines.append(f"    {kind.draft_field(ind, last)}")
    open_tasks = []
    for task in project.tasks:
        latest: m.TaskUpdate | None = None
        for report in earlier:
            for update in report.tasks:
                if update.task == task.id:
                    latest = update
        if latest is None or latest.status != "done":
            open_tasks.append((task, latest))
    lines.append("tasks:" if open_tasks else "tasks: []")
    for task, latest in open_tasks:
        lines.append(f"  # {task.title} | 完成时限 due {task.due}")
        lines.append(f"  - task: {task.id}")
        lines.append(f"    status: {latest.status if latest else 'not_started'}")
        if latest is not None and latest.percent is not None:
            lines.append(f"    percent: {latest.percent}")
    lines.append("notes:")
    return "\n".join(lines) + "\n"


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def write_new_report(
    root: Path,
    project_ref: str,
    period: str,
    as_of: dt.date,
    lock_timeout: float = LOCK_TIMEOUT_S,
    notices: list[Problem] | None = None,
) -> Path:
    with repo_lock(root, lock_timeout):
        checked = checked_repo(root, as_of, notices)
        repo = checked.repo
        project = project_of(repo, project_ref)
        rel = f"indicators/{project.id}/{period}.yaml"
        create(root, rel, new_report_text(repo, project, period, as_of), as_of, checked)
    return root / rel


# --------------------------------------------------------------------------- problems (问题销号)

PROBLEM_ORDER = list(m.PlanProblem.model_fields)


def next_problem_id(repo: Repository, project: str) -> str:
    pattern = re.compile(rf"^{re.escape(project)}-(\d+)$")
    numbers = [
        int(match.group(1))
        for lst in repo.problem_lists
        for q in lst.model.problems
        if (match := pattern.match(q.id))
    ]
    return f"{project}-{max(numbers, default=0) + 1:03d}"


def add_problem(
    root: Path,
    project_ref: str,
    title: str,
    owner: str,
    due: dt.date,
    raised_on: dt.date,
    source: str | None,
    today: dt.date | None = None,
    lock_timeout: float = LOCK_TIMEOUT_S,
    notices: list[Problem] | None = None,
) -> tuple[str, Path]:
    """Append a problem to the project's list (creating the list); its id and file."""
    today = today or dt.date.today()
    with repo_lock(root, lock_timeout):
        checked = checked_repo(root, today, notices)
        repo = checked.repo
        project = project_of(repo, project_ref)
        index = Index.build(repo)
        if index.unit(owner) is None:
            raise UnknownUnit(owner, list(index.units))
        if raised_on > today:
            raise refuse(
                root / f"issues/{project.id}.yaml",
                "W503",
                f"--raised-on {raised_on} is in the future (today is {today})",
            )
        problem_id = _add_problem(root, checked, project, title, owner, due, raised_on, source, today)
    return problem_id, root / f"issues/{project.id}.yaml"


def _add_problem(
    root: Path,
    checked: Checked,
    project: m.Project,
    title: str,
    owner: str,
    due: dt.date,
    raised_on: dt.date,
    source: str | None,
    today: dt.date,
) -> str:
    rel = f"issues/{project.id}.yaml"
    problem_id = next_problem_id(checked.repo, project.id)
    entry: dict[str, Any] = {
        "id": problem_id,
        "title": title,
        "owner": owner,
        "raised_on": raised_on,
        "due": due,
        "status": "open",
    }
    if source:
        entry["source"] = source
    if not (root / rel).exists():
        text = "\n".join([schema_comment(rel, "problems"), f"project: {project.id}", "problems: []", ""])
        data = _load_rt(text)
        data["problems"].append(entry)
        _block(data["problems"])
        create(root, rel, dump(data), today, checked)
        return problem_id

    def change(data: Any) -> None:
        from ruamel.yaml.comments import CommentedMap

        problems = data.get("problems")
        if problems is None:
            data["problems"] = problems = _load_rt("x: []\n")["x"]
        problems.append(CommentedMap(entry))
        _block(problems)

    edit(root, rel, change, today, checked)
    return problem_id


def _load_rt(text: str) -> Any:
    from yunhe_cli.store.yamlio import round_trip_yaml

    return round_trip_yaml().load(text)


def _block(seq: Any) -> None:
    """An empty list written `[]` becomes a block list once it has an entry."""
    if hasattr(seq, "fa"):
        seq.fa.set_block_style()


def find_problem(root: Path, repo: Repository, problem_id: str) -> tuple[str, m.PlanProblem]:
    for lst in repo.problem_lists:
        for q in lst.model.problems:
            if q.id == problem_id:
                return lst.source.rel, q
    known = sorted(q.id for lst in repo.problem_lists for q in lst.model.problems)
    hint = f"; the ids look like {known[0]}" if known else ""
    raise refuse(root / "issues", "W502", f"there is no problem {problem_id!r}{hint}")


def _entry(data: Any, problem_id: str) -> tuple[int, Any]:
    for i, entry in enumerate(data.get("problems") or []):
        if entry.get("id") == problem_id:
            return i, entry
    raise KeyError(problem_id)  # pragma: no cover - find_problem found it a moment ago


def _set(entry: Any, key: str, value: Any) -> None:
    """Set a key, inserting it at its canonical place when new (so that diffs stay small)."""
    if key in entry:
        entry[key] = value
        return
    order = PROBLEM_ORDER.index(key)
    position = sum(1 for k in entry if k in PROBLEM_ORDER and PROBLEM_ORDER.index(k) < order)
    entry.insert(position, key, value)


def close_problem(
    root: Path,
    problem_id: str,
    on: dt.date,
    resolution: str,
    evidence: list[str],
    today: dt.date,
    lock_timeout: float = LOCK_TIMEOUT_S,
    notices: list[Problem] | None = None,
) -> Path:
    """销号: cross a problem off with its date, resolution and evidence."""
    with repo_lock(root, lock_timeout):
        checked = checked_repo(root, today, notices)
        repo = checked.repo
        rel, problem = find_problem(root, repo, problem_id)
        path = root / rel
        _close(root, rel, path, problem, problem_id, on, resolution, evidence, today, checked)
    return path


def _close(
    root: Path,
    rel: str,
    path: Path,
    problem: m.PlanProblem,
    problem_id: str,
    on: dt.date,
    resolution: str,
    evidence: list[str],
    today: dt.date,
    checked: Checked | None = None,
) -> None:
    def change(data: Any) -> None:
        i, entry = _entry(data, problem_id)
        loc = ("problems", i, "id")
        if entry.get("status") == "closed":
            raise refuse(
                path, "W501", f"{problem_id} was crossed off on {entry.get('closed_on')} already", loc
            )
        if on < problem.raised_on:
            raise refuse(path, "W503", f"{on} is before {problem_id} was raised ({problem.raised_on})", loc)
        if on > today:
            raise refuse(path, "W503", f"{on} is in the future (today is {today})", loc)
        _set(entry, "status", "closed")
        _set(entry, "closed_on", on)
        _set(entry, "resolution", resolution)
        if evidence:
            _set(entry, "evidence", list(evidence))

    edit(root, rel, change, today, checked)


def reopen_problem(
    root: Path,
    problem_id: str,
    on: dt.date,
    reason: str,
    today: dt.date,
    by: str | None = None,
    lock_timeout: float = LOCK_TIMEOUT_S,
    notices: list[Problem] | None = None,
) -> Path:
    """Reopen a crossed-off problem, keeping what the closing said (date, resolution, evidence) and
    who reopened it in `reopened`."""
    with repo_lock(root, lock_timeout):
        checked = checked_repo(root, today, notices)
        repo = checked.repo
        rel, problem = find_problem(root, repo, problem_id)
        path = root / rel
        _reopen(root, rel, path, problem, problem_id, on, reason, today, by, checked)
    return path


def _reopen(
    root: Path,
    rel: str,
    path: Path,
    problem: m.PlanProblem,
    problem_id: str,
    on: dt.date,
    reason: str,
    today: dt.date,
    by: str | None = None,
    checked: Checked | None = None,
) -> None:
    def change(data: Any) -> None:
        i, entry = _entry(data, problem_id)
        loc = ("problems", i, "id")
        if entry.get("status") != "closed":
            raise refuse(
                path, "W506", f"{problem_id} is open; only a crossed-off problem can be reopened", loc
            )
        closed_on = problem.closed_on
        if closed_on is not None and on < closed_on:
            raise refuse(path, "W503", f"{on} is before {problem_id} was crossed off ({closed_on})", loc)
        if on > today:
            raise refuse(path, "W503", f"{on} is in the future (today is {today})", loc)
        record: dict[str, Any] = {"on": on}
        if by:
            record["by"] = by
        record["reason"] = reason
        if closed_on is not None:
            record["closed_on"] = closed_on
        if problem.resolution:
            record["resolution"] = problem.resolution
        if problem.evidence:
            record["evidence"] = list(problem.evidence)
        _set(entry, "status", "open")
        for key in ("closed_on", "resolution", "evidence"):
            if key in entry:
                del entry[key]
        if "reopened" not in entry:
            _set(entry, "reopened", _load_rt("x: []\n")["x"])
        entry["reopened"].append(record)
        _block(entry["reopened"])

    edit(root, rel, change, today, checked)


# --------------------------------------------------------------------------- yunhe fmt


def format_text(text: str, rel: str, kind: str) -> str:
    """The file in canonical layout: keys in schema order, 2-space indent, the schema line first."""
    data = _load_rt(text)
    _reorder(data, m.FILE_MODELS[kind])
    out = dump(data)
    first, _, rest = out.partition("\n")
    if SCHEMA_LINE.match(first):
        # Where the schemas live depends on the repository: keep the path, mend only the kind.
        mended = SCHEMA_KIND.sub(f"{kind}.schema.json", first)
        return f"{mended}\n{rest}"
    return f"{schema_comment(rel, kind)}\n{out}"


def _reorder(node: Any, model_cls: type[BaseModel] | None) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedSeq):
        for item in node:
            _reorder(item, model_cls)
        return
    if not isinstance(node, CommentedMap) or model_cls is None:
        return
    order = list(model_cls.model_fields)
    known = sorted((k for k in node if k in order), key=order.index)
    for key in known + [k for k in node if k not in order]:
        node.move_to_end(key)
    for key in known:
        _reorder(node[key], _model_in(model_cls.model_fields[key].annotation))


def canonical_bytes(path: Path, rel: str, kind: str) -> tuple[bytes, bytes]:
    """The file's bytes and its canonical layout. One policy with every other write: a BOM and
    CRLF line ends are kept as the file has them (only the layout is yunhe's).

    Raises FormatError for a file that cannot be read as YAML (validate says more).
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from yunhe_cli.store.write import decode_text, encode_text

    try:
        raw = path.read_bytes()
        text, bom, crlf = decode_text(raw)
        canonical = encode_text(format_text(text, rel, kind), bom, crlf).encode("utf-8")
    except OSError as exc:
        raise FormatError(path, 1, 1, f"cannot read the file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise FormatError(path, 1, 1, "the file is not UTF-8") from exc
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise FormatError(path, line, col, f"not valid YAML: {exc.problem or exc}") from exc
    except YAMLError as exc:
        raise FormatError(path, 1, 1, f"not valid YAML: {exc}") from exc
    return raw, canonical


def format_file(
    root: Path,
    rel: str,
    kind: str,
    check: bool,
    lock_timeout: float = LOCK_TIMEOUT_S,
    known: CanonicalCache | None = None,
) -> bool:
    """True when the file is (or now is) canonical; writes only outside check mode.

    `known`: digests of files already found canonical, so that an unchanged file is not laid out
    again (the round-trip parse is what makes fmt slow). A write reads the file under the lock, so
    a concurrent `issue close` is never lost.
    """
    path = root / rel
    if known is not None and known.has(path):
        return True
    if check:
        raw, canonical = canonical_bytes(path, rel, kind)
        if canonical == raw and known is not None:
            known.add(raw)
        return canonical == raw
    with repo_lock(root, lock_timeout):
        raw, canonical = canonical_bytes(path, rel, kind)
        if canonical == raw:
            if known is not None:
                known.add(raw)
            return True
        try:
            check_and_write(root, rel, canonical.decode("utf-8"))
        except WriteRefused as exc:
            raise WriteRefused(_in_the_file(root, path, exc.problems)) from None
    return False


def _in_the_file(root: Path, path: Path, problems: list[Problem]) -> list[Problem]:
    """A refused layout: the file's own problems, placed in its own lines (not in the text fmt
    would have written), so the analyst can find them."""
    from yunhe_cli.checks.validation import validate

    _, found = validate(root)
    own = [p for p in found if p.path == path and p.severity == "error"]
    return own or problems


class CanonicalCache:
    """Digests (sha256) of file contents known to be in canonical layout, for one yunhe version.

    Content-addressed, so it can never call a changed file canonical; kept in the user's cache
    folder ($YUNHE_CACHE_DIR, else $XDG_CACHE_HOME/yunhe or ~/.cache/yunhe), never in the data. A
    missing, unreadable or corrupt cache is an empty one.
    """

    def __init__(self, folder: Path | None) -> None:
        from yunhe_cli import __version__

        self.path = folder / f"fmt-{__version__}.txt" if folder is not None else None
        self.digests: set[str] = set()
        self.added: set[str] = set()
        if self.path is not None:
            try:
                lines = self.path.read_text(encoding="ascii").split()
                self.digests = {d for d in lines if re.fullmatch(r"[0-9a-f]{64}", d)}
            except (OSError, UnicodeDecodeError):
                self.digests = set()

    @classmethod
    def default(cls) -> CanonicalCache:
        import os

        base = os.environ.get("YUNHE_CACHE_DIR") or (
            str(Path(os.environ["XDG_CACHE_HOME"]) / "yunhe")
            if os.environ.get("XDG_CACHE_HOME")
            else str(Path.home() / ".cache" / "yunhe")
        )
        return cls(Path(base))

    @staticmethod
    def digest(raw: bytes) -> str:
        import hashlib

        return hashlib.sha256(raw).hexdigest()

    def has(self, path: Path) -> bool:
        try:
            return self.digest(path.read_bytes()) in self.digests
        except OSError:
            return False

    def add(self, raw: bytes) -> None:
        d = self.digest(raw)
        if d not in self.digests:
            self.digests.add(d)
            self.added.add(d)

    def save(self) -> None:
        """Append what was learnt (appending is safe when two runs save at once)."""
        if self.path is None or not self.added:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="ascii") as handle:
                handle.write("".join(f"{d}\n" for d in sorted(self.added)))
        except OSError:
            pass  # a cache that cannot be written is only slower
        self.added.clear()


class FormatError(ValueError):
    """A file fmt cannot read as YAML: the data's fault, told with its place."""

    def __init__(self, path: Path, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.path, self.line, self.col, self.message = path, line, col, message
