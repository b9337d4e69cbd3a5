"""Loading a data repository: files -> validated models, plus every problem found on the way.

`load_repository` never raises for bad data. It returns a `Repository` (with whatever
could be loaded) and a list of `Problem`s, each placed at its line and column
(beancount's loader returns entries *and* errors in the same way).

Layout of a data repository::

    plan.yaml                         the plan document        (model.Plan)
    units.yaml                        unit registry            (model.UnitRegistry)
    people.yaml                       people registry          (model.PeopleRegistry)
    projects/<project>.yaml           one per project          (model.Project)
    indicators/<project>/<YYYY-MM>.yaml  monthly reports       (model.MonthlyReport)
    issues/<project>.yaml             problem closure list     (model.ProblemList)
    members.yaml                      optional: who commits for each unit (model.Members)
"""

from __future__ import annotations

import datetime as dt
import difflib
import errno
import gc
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from yaml.nodes import Node

from yunhe_cli.core import model as m
from yunhe_cli.core import progress
from yunhe_cli.core.periods import QUARTER_PATTERN
from yunhe_cli.core.problems import Loc, Problem
from yunhe_cli.core.repository import Repository, SourceFile, attach
from yunhe_cli.store import cache as cache_mod
from yunhe_cli.store.layout import LOCK_NAME, OWN_FOLDERS, REQUIRED, classify
from yunhe_cli.store.report_salvage import salvage_report
from yunhe_cli.store.yamlio import (
    MAX_FILE_BYTES,
    decode,
    file_kind,
    locate,
    parse_text,
    read_bytes,
    read_file,
)

# --------------------------------------------------------------------------- discovery


def discover(root: Path) -> tuple[list[SourceFile], list[Problem]]:
    """Every data file under `root`, classified, and a problem for each entry yunhe will not read.

    Links are followed inside `root` only; a link that loops or leads nowhere, and anything that
    is not a regular file (a pipe, a socket, a device), is reported without being opened. In
    yunhe's own folders every file is accounted for; elsewhere only YAML-like names are (a
    README or the plan's text may sit beside the data). Hidden entries are passed over.
    """
    files: list[SourceFile] = []
    if not root.is_dir():
        return files, [Problem(root, "Y013", "the data folder does not exist", (), 1, 1)]
    problems = lock_problems(root)
    real_root = root.resolve()
    for path in _walk(root, real_root, _folder_id(root), problems):
        rel = path.relative_to(root).as_posix()
        kind = classify(rel)
        if kind is None:
            problems.extend(unread_file(path, rel))
            continue
        files.append(SourceFile(path, rel, kind))
    present = {f.rel for f in files}
    for name in REQUIRED:
        if name not in present:
            problems.append(Problem(root / name, "Y013", f"the data folder has no {name}", (), 1, 1))
    files.sort(key=lambda f: f.rel)
    return files, problems


def unread_file(path: Path, rel: str) -> list[Problem]:
    """Y012 for a YAML-like name yunhe will not read (a misnamed data file), anywhere; Y018, a
    warning naming it, for any other file in its own folders (a README or notes kept beside the
    reports): nothing is skipped silently, and nothing that is not data fails the check."""
    if rel.lower().endswith((".yaml", ".yml")):
        return [
            Problem(path, "Y012", f"yunhe expects no file at {rel}; it is not read{_hint(rel)}", (), 1, 1)
        ]
    if rel.split("/")[0] in OWN_FOLDERS:
        return [Problem(path, "Y018", f"{rel} is not a data file; yunhe leaves it alone", (), 1, 1)]
    return []


def _hint(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    if name.endswith(".yml"):
        return " (use the ending .yaml)"
    if name.lower().endswith((".yaml", ".yml")):
        return " (write the ending in lower case: .yaml)"
    if rel.startswith("indicators/"):
        return " (a monthly report is indicators/<project>/YYYY-MM.yaml)"
    return ""


def lock_problems(root: Path) -> list[Problem]:
    """The lock file, when it is anything but a plain file: writers refuse it, so say so early."""
    path = root / LOCK_NAME
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return []
    if stat.S_ISLNK(mode):
        message = (
            f"{LOCK_NAME} is a symbolic link; yunhe never follows it and will not write until it is removed"
        )
    elif not stat.S_ISREG(mode):
        message = f"{LOCK_NAME} is {file_kind(mode)}, not a file; yunhe will not write until it is removed"
    else:
        return []
    return [Problem(path, "Y016", message, (), 1, 1)]


def _folder_id(path: Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_dev, info.st_ino


def _walk(
    folder: Path,
    real_root: Path,
    folder_id: tuple[int, int],
    problems: list[Problem],
    above: frozenset[tuple[int, int]] = frozenset(),
) -> Iterator[Path]:
    """Regular files under `folder`; `above` holds the folders on the way down, to see a loop."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        problems.append(Problem(folder, "Y012", f"cannot read the folder: {exc.strerror}", (), 1, 1))
        return
    above = above | {folder_id}
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        is_link = entry.is_symlink()
        try:
            info = os.stat(path)  # through a link, to what it leads to
        except OSError as exc:
            if is_link:
                what = (
                    "loops back to itself"
                    if exc.errno == errno.ELOOP
                    else "leads nowhere (its target is missing)"
                )
                problems.append(Problem(path, "Y014", f"this link {what}", (), 1, 1))
            else:
                problems.append(Problem(path, "Y002", f"cannot read it: {exc.strerror}", (), 1, 1))
            continue
        if is_link:
            target = Path(os.path.realpath(path))
            if not target.is_relative_to(real_root):
                problems.append(
                    Problem(path, "Y010", f"this link points outside the data folder, to {target}", (), 1, 1)
                )
                continue
        if stat.S_ISDIR(info.st_mode):
            entry_id = (info.st_dev, info.st_ino)
            if entry_id in above:
                problems.append(
                    Problem(
                        path,
                        "Y014",
                        "this link leads back to a folder above it (a loop); it is not followed",
                        (),
                        1,
                        1,
                    )
                )
                continue
            yield from _walk(path, real_root, entry_id, problems, above)
        elif stat.S_ISREG(info.st_mode):
            yield path
        else:
            problems.append(
                Problem(
                    path,
                    "Y015",
                    f"this is {file_kind(info.st_mode)}, not a file; yunhe does not open it",
                    (),
                    1,
                    1,
                )
            )


# --------------------------------------------------------------------------- one file


@dataclass(slots=True)
class FileResult:
    source: SourceFile
    model: BaseModel | None
    problems: list[Problem]


def load_file(source: SourceFile, text: str | None = None) -> tuple[FileResult, Node | None]:
    """Read, parse and validate one file against its model. Never raises for bad data.

    `text`, when given, is used instead of the file's content (a write checks what it is
    about to write this way, before anything on disk changes).
    """
    if (
        text is not None
        and len(text) > MAX_FILE_BYTES // 4
        and len(text.encode("utf-8", "replace")) > MAX_FILE_BYTES
    ):
        # the limit a file on disk has (read_bytes), for a text about to be written
        size = len(text.encode("utf-8", "replace"))
        message = f"the file would be {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
        return FileResult(source, None, [Problem(source.path, "Y009", message, (), 1, 1)]), None
    parsed = parse_text(text, source.path) if text is not None else read_file(source.path)[1]
    if parsed.problems or not isinstance(parsed.data, dict):
        return FileResult(source, None, parsed.problems), parsed.root
    model_cls = m.FILE_MODELS[source.kind]
    try:
        model = model_cls.model_validate(parsed.data)
    except ValidationError as exc:
        problems = [
            p.placed(*locate(parsed.root, p.loc, p.at_key))
            for p in schema_problems(exc, source.path, parsed.data, model_cls)
        ]
        return FileResult(source, salvage(model_cls, parsed.data, exc), problems), parsed.root
    return FileResult(source, model, []), parsed.root


def salvage(model_cls: type[BaseModel], data: dict[str, Any], exc: ValidationError) -> BaseModel | None:
    """A project file whose problems lie inside some of its indicators or key tasks (or in a key it
    may leave out), as the project without them: its id, units and valid indicators still stand,
    so one mistake is one problem, not every report of the project naming an unknown project.
    The ids set aside are noted on the model (`Project.set_aside`). None for any other file, or
    when what remains is not a project either. A monthly report keeps its other figures and task
    updates (`report_salvage`)."""
    if model_cls is m.MonthlyReport:
        return salvage_report(data, exc)
    if model_cls is not m.Project:
        return None
    optional = {name for name, info in model_cls.model_fields.items() if not info.is_required()}
    drop: dict[str, set[int]] = {name: set() for name in SET_ASIDE}
    kept = dict(data)
    for err in exc.errors(include_input=False, include_url=False):
        loc = tuple(err["loc"])
        if len(loc) >= 2 and loc[0] in drop and isinstance(loc[1], int):
            drop[str(loc[0])].add(loc[1])
        elif loc and loc[0] in optional:
            kept.pop(str(loc[0]), None)
        else:
            return None
    set_aside: dict[str, frozenset[str]] = {}
    for name, indexes in drop.items():
        items = kept.get(name)
        if not indexes or not isinstance(items, list):
            continue
        kept[name] = [item for i, item in enumerate(items) if i not in indexes]
        ids = (items[i].get("id") if isinstance(items[i], dict) else None for i in indexes)
        set_aside[name] = frozenset(i for i in ids if isinstance(i, str))
    try:
        project = m.Project.model_validate(kept)
    except ValidationError:
        return None
    return project.setting_aside(set_aside)


# The lists of a project whose items are set aside one by one when they have problems.
SET_ASIDE = ("indicators", "tasks")


def _load_file_detached(source: SourceFile) -> FileResult:
    # In a worker process: the node tree stays behind (it is not worth pickling).
    return load_file(source)[0]


def load_raw(source: SourceFile, raw: bytes, folder: cache_mod.FolderCache | None) -> FileResult:
    """One file's own result from its bytes: from the cache when these bytes were read before."""
    key = ""
    if folder is not None:
        key = folder.blobs[source.rel] = cache_mod.blob_id(raw)
        entry = folder.get(source.kind, key)
        if entry is not None:
            return FileResult(source, entry.model, entry.restore(source.path))
    text, problem = decode(raw, source.path)
    if problem is not None or text is None:
        result = FileResult(source, None, [problem] if problem else [])
    else:
        result = load_file(source, text)[0]
    if folder is not None:
        folder.put(source.kind, key, cache_mod.store(result.model, result.problems))
    return result


def load_source(source: SourceFile, folder: cache_mod.FolderCache | None) -> FileResult:
    """One file on disk: read it (refusing what is not a plain file), then as `load_raw`."""
    raw, refused = read_bytes(source.path)
    if raw is None:
        return FileResult(source, None, refused)
    return load_raw(source, raw, folder)


@contextmanager
def paused_gc() -> Iterator[None]:
    """The garbage collector paused (loading builds millions of objects and frees none of them).

    With it running, each pass scanned every model built so far: the cost per file grew by 45%
    from 300 to 10,000 files (bench/bench_scale.py). Nothing loaded forms a cycle to collect.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --------------------------------------------------------------------------- schema errors


def schema_problems(exc: ValidationError, path: Path, data: Any, model_cls: type[BaseModel]) -> list[Problem]:
    """pydantic's errors as placed-later Problems, with messages written for analysts.

    `include_input=False`: rendering the input of a large or nested value is what makes
    a message slow; where the input matters, it is looked up here, shortened.
    """
    problems: list[Problem] = []
    seen: set[tuple[Loc, str]] = set()
    for err in exc.errors(include_input=False, include_url=False):
        loc: Loc = tuple(err["loc"])
        if (loc, err["type"]) in seen:
            continue
        seen.add((loc, err["type"]))
        problems.append(
            _schema_problem(err["type"], loc, err.get("ctx") or {}, err["msg"], path, data, model_cls)
        )
    return problems


def _schema_problem(
    kind: str, loc: Loc, ctx: dict[str, Any], msg: str, path: Path, data: Any, model_cls: type[BaseModel]
) -> Problem:
    where = _dotted(loc)
    value = _value_at(data, loc)
    shown = _short(value)
    if kind == "missing":
        return Problem(path, "S101", f"{where}: this key is required", loc[:-1])
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(model_cls, loc[:-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = (
            f"; did you mean {close[0]!r}?"
            if close
            else (f"; allowed: {', '.join(allowed)}" if allowed else "")
        )
        return Problem(path, "S102", f"unknown key {key!r}{hint}", loc, at_key=True)
    if kind in (
        "float_type",
        "int_type",
        "float_parsing",
        "int_parsing",
        "decimal_type",
        "decimal_parsing",
        "is_instance_of",
    ) and isinstance(value, str):
        return Problem(path, "S104", f"{where}: {shown} is not a number; {_number_hint(value)}", loc)
    if kind == "finite_number":
        if isinstance(value, Decimal | int) and Decimal(value).is_finite():
            return Problem(
                path, "S104", f"{where}: {shown} is too large for a figure; write the figure in its unit", loc
            )
        what = "not a number" if isinstance(value, Decimal) and value.is_nan() else "not a finite number"
        return Problem(path, "S104", f"{where}: {shown} is {what}; write the figure", loc)
    if kind in ("decimal_type", "is_instance_of"):
        return Problem(path, "S103", f"{where}: {shown} is not a number", loc)
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        return Problem(path, "S105", f"{where}: {shown} is not allowed; use one of {expected}", loc)
    if kind == "string_pattern_mismatch":
        if loc and loc[-1] == "period":
            return Problem(path, "S107", f"{where}: {shown} is not a month written YYYY-MM", loc)
        if ctx.get("pattern") == QUARTER_PATTERN:
            return Problem(path, "S107", f"{where}: {shown} is not a quarter written YYYY-Qn (2026-Q3)", loc)
        return Problem(
            path,
            "S106",
            f"{where}: {shown} is not a valid id; use lower-case letters, digits, '-' and '_' "
            "(at most 64, no path characters)",
            loc,
        )
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
        if isinstance(value, str) and _is_iso_date(value):
            return Problem(
                path, "S103", f"{where}: {shown} is in quotes, which make it text; remove the quotes", loc
            )
        return Problem(path, "S103", f"{where}: {shown} is not a date; write YYYY-MM-DD", loc)
    if kind == "string_type":
        return Problem(path, "S103", f"{where}: {shown} is not text; put it in quotes", loc)
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return Problem(path, "S103", f"{where}: expected a mapping of keys, found {_type_name(value)}", loc)
    if kind == "list_type":
        return Problem(path, "S103", f"{where}: expected a list, found {_type_name(value)}", loc)
    if kind.endswith("_type"):
        return Problem(path, "S103", f"{where}: {shown} is the wrong type ({msg.lower()})", loc)
    if kind == "value_error":
        text = msg.removeprefix("Value error, ")
        return Problem(path, "S107", f"{where}: {text}" if loc else text, loc)
    return Problem(path, "S107", f"{where}: {msg}" if loc else msg, loc)


def _is_iso_date(value: str) -> bool:
    try:
        return len(value) == 10 and dt.date.fromisoformat(value) is not None
    except ValueError:
        return False


def _number_hint(value: str) -> str:
    stripped = value.strip()
    if any("\uff10" <= ch <= "\uff19" for ch in stripped) or "\uff0e" in stripped:
        ascii_digits = stripped.translate({0xFF0E: ".", **{0xFF10 + i: str(i) for i in range(10)}})
        return f"it has full-width digits; write {ascii_digits.rstrip('%％')} with ASCII digits"
    if stripped.endswith(("%", "％")):  # the unit is in the project's file: checks.number_hints says it
        return "write the figure alone, without %"
    return "write the figure alone, without quotes or units"


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _value_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _short(value: Any) -> str:
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return _figure(Decimal(value))
    if isinstance(value, dict | list):
        return _type_name(value)
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 38 else f"'{value[:34]}...'"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _figure(value: Decimal) -> str:
    """A figure as the user writes it in YAML (.nan, -.inf, 1e309), never Python's repr; one too
    long to show is told by its number of digits."""
    if value.is_nan():
        return ".nan"
    if value.is_infinite():
        return "-.inf" if value < 0 else ".inf"
    digits = value.adjusted() + 1
    if digits > 40 and int(value.as_tuple().exponent) >= 0 and not str(value).count("E"):
        return f"a {digits:,}-digit number"
    return str(value).replace("E+", "e").replace("E", "e")


def _type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", type(None): "nothing"}.get(
        type(value), type(value).__name__
    )


def _allowed_keys(model_cls: type[BaseModel], loc: Loc) -> list[str]:
    """The keys the model accepts at `loc` (list indexes are stepped over)."""
    cls: Any = model_cls
    for part in loc:
        if isinstance(part, int):
            continue
        info = cls.model_fields.get(part) if isinstance(cls, type) and issubclass(cls, BaseModel) else None
        if info is None:
            return []
        cls = model_in(info.annotation)
        if cls is None:
            return []
    if isinstance(cls, type) and issubclass(cls, BaseModel):
        return list(cls.model_fields)
    return []


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field's annotation holds (inside a list or an optional), or None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = model_in(arg)
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------------- the repository


def load_repository(
    root: Path,
    workers: int | None = None,
    overrides: dict[str, str] | None = None,
    cache: cache_mod.Cache | None = None,
    folder: cache_mod.FolderCache | None = None,
    walked: tuple[list[SourceFile], list[Problem]] | None = None,
) -> tuple[Repository, list[Problem]]:
    """Load every file under `root`. `workers`: processes to parse in (default one; see above).

    `overrides` maps relative paths to text that stands in for the file's content (or for a
    file not written yet). `cache`: where files read before are looked up (default: the cache
    the command line chose, if any); see cache.py. `folder`: the folder's pack, already opened
    (its `blobs` then say which bytes each file held). `walked`: what `discover(root)` just found.
    """
    repo = Repository(root=root)
    if not root.is_dir():
        return repo, [Problem(root, "Y013", "the data folder does not exist", (), 1, 1)]
    files, problems = (list(walked[0]), list(walked[1])) if walked is not None else discover(root)
    overrides = overrides or {}
    known = {f.rel for f in files}
    for rel in sorted(set(overrides) - known):
        kind = classify(rel)
        if kind is not None:
            files.append(SourceFile(root / rel, rel, kind))
    files.sort(key=lambda f: f.rel)
    repo.files = files
    with paused_gc():
        if workers is not None and workers > 1 and not overrides:
            results: Iterable[FileResult] = _load_parallel(files, workers)
        else:
            if folder is None:
                chosen = cache if cache is not None else cache_mod.active()
                folder = chosen.folder(root) if chosen is not None else None
            results = [
                load_file(f, overrides[f.rel])[0] if f.rel in overrides else load_source(f, folder)
                for f in progress.each("progress.files", files, _rel)
            ]
            if folder is not None:
                folder.save()
        for result in results:
            problems.extend(result.problems)
            if result.model is not None:
                attach(repo, result.source, result.model)
    return repo, problems


def _rel(source: SourceFile) -> str:
    return source.rel


def _load_parallel(files: list[SourceFile], workers: int) -> Iterable[FileResult]:
    from concurrent.futures import ProcessPoolExecutor  # only here: it costs start-up time

    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_load_file_detached, files, chunksize=max(1, len(files) // (workers * 4))))
