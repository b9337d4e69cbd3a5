"""A three-way merge of yunhe's data files that knows what the files mean: git's merge driver.

Ids two branches both took (for DESIGN.md). Two analysts who each run `yunhe issue add` on their
own branch both get the next free id of the list they see, so both add `p01-004`. The choice is
between ids that two branches cannot both take (made of the date and the author, say) and
renumbering at the merge; yunhe renumbers. Problem ids are what people say and write in meetings,
minutes and commit messages ("p01-004 is crossed off"), so they stay short and counted within the
project, as `yunhe issue add` makes them (edits/problems.py `next_problem_id`, unchanged);
ids of a date and an author would be long, still collide when one person works on two branches,
and change every existing file's convention. Renumbering is safe because nothing else in the data
refers to a problem id: the model has no field holding one outside `issues/<project>.yaml`
(reports name indicators and tasks, projects name units and people), so the one file the driver
sees is every file that refers to it, and one call renumbers it consistently. The problem that
came in from theirs' side (the branch being merged in) takes the next free id after every id on
the three sides; ours' keeps its id, so the branch merged into (the shared one) never sees an id
it published change. The driver says so on stderr (`p01-004 -> p01-005`), and the renumbered
problem is followed afterwards: when the branch that added it merges again from before the
renumbering and changes its `p01-004`, the change is applied to the problem that is now
`p01-005`, recognised as the one in the merge base with that id by what does not change
(raised_on and title); when ours' entry under that id is another problem (both differ) and the
renumbered one is not recognised, theirs' change is a conflict, never a silent write to another
problem. What renumbering cannot reach is outside the data: a commit message or minutes that
named theirs' `p01-004` before the merge; the stderr line is the record of the new id.

What is merged, and how:

- a mapping key by key: a value changed on one side only takes that side's value; changed on both
  sides to different values is a conflict, left in the text between git's markers for that field
  only, and reported as one placed line (code M801);
- a list as merge_keys.py says for its place: problems by id (and within one, field by field; the
  evidence and the `reopened:` records as sets in order), a report's figures by indicator and its
  task updates by task, `revisions:` entries as a set of whole entries, registries by id;
- the result starts from ours' round-tripped document (comments, order, quotes as yunhe's writer
  keeps them) with theirs' changes from the base applied to it; a side unchanged from the base
  leaves the other side's text as it is, byte for byte;
- the merged text is read and validated as a file of its kind (store.loader.load_file); a text
  that does not validate is returned as a conflict (M802), never as a clean merge.

Speed: only ours is read by ruamel's round-trip loader (~0.1 s for the largest problem list of a
five-year history); the base and theirs by yunhe's fast reader (merge_values.py), a value of
theirs that moves into ours read again from its own lines. bench/bench_merge.py measures it.

Registering it: setup_repository writes `data/**/*.yaml merge=yunhe` to `.gitattributes` (to be
committed, so every clone routes the files to the driver) and `merge.yunhe.name` and
`merge.yunhe.driver` to the clone's own `.git/config` (git never takes a command from a
committed file, so each clone runs it once; without it git merges line by line as before).

Problem codes of this module (registered in core/problems.py CODES, listed in the README):
M801 merge-conflict (a field or a whole entry changed on both sides), M802 merge-invalid (the
merged file would not validate as a file of its kind).
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.nodes import Node

from yunhe_cli.core.problems import CODES, Loc
from yunhe_cli.edits.merge_engine import Conflict, Merger
from yunhe_cli.edits.merge_values import MISSING, Adopter
from yunhe_cli.store.layout import classify
from yunhe_cli.store.write import atomic_write, decode_text, dump, encode_text
from yunhe_cli.store.yamlio import round_trip_yaml, to_plain

MERGE_CODES: dict[str, tuple[str, str]] = {code: CODES[code] for code in ("M801", "M802")}
DRIVER_NAME = "yunhe: semantic merge of plan data files"
DRIVER_COMMAND = "yunhe merge-file %O %A %B %P"
MARKER_SIZE = 7


@dataclass(frozen=True, slots=True)
class MergeProblem:
    """A conflict left in a merged file, placed (1-based line of its `<<<<<<<` marker)."""

    path: Path
    code: str
    message: str
    loc: Loc = ()
    line: int = 0
    col: int = 1

    @property
    def name(self) -> str:
        return MERGE_CODES[self.code][0]

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.name}: {self.message}"


@dataclass
class MergeResult:
    text: str
    conflicts: list[MergeProblem] = field(default_factory=list)
    # problem ids of theirs' side renumbered because ours took them too: old -> new
    renumbered: dict[str, str] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.conflicts


class Unmergeable(ValueError):
    """The file is not one yunhe can merge (unknown kind, not YAML, not a mapping)."""


# --------------------------------------------------------------------------- text in, text out


def _read(text: str, side: str, allow_empty: bool = False) -> tuple[Any, Node | None]:
    """One side as plain data with its node tree, by yunhe's fast reader; Unmergeable when yunhe
    cannot read it (not YAML, a tag, an anchor, not a mapping)."""
    from yunhe_cli.store.yamlio import parse_text

    if not text.strip():
        if allow_empty:  # added on both sides: nothing in the base
            return {}, None
        raise Unmergeable(f"{side} is empty")
    parsed = parse_text(text, Path(side))
    if parsed.problems:
        first = parsed.problems[0]
        raise Unmergeable(f"{side} is not YAML yunhe reads ({first.code} {first.message}, line {first.line})")
    if not isinstance(parsed.data, dict):
        raise Unmergeable(f"{side} is not a mapping")
    return parsed.data, parsed.root


def _load(text: str, side: str) -> Any:
    """Ours as the round-trip writer keeps it: the document the merge changes."""
    _read(text, side)
    try:
        return round_trip_yaml().load(text)
    except Exception as exc:  # ruamel's own errors have no common base worth naming
        raise Unmergeable(f"{side} is not YAML yunhe reads ({exc.__class__.__name__})") from exc


def _label(kind: str) -> str:
    return {"report": "report", "problems": "problem list", "project": "project"}.get(kind, kind)


def merge_file(base: str, ours: str, theirs: str, rel: str, display: Path | None = None) -> MergeResult:
    """Merge three versions of the data file at `rel` (relative to the data folder).

    Returns the merged text with, for each true conflict, git's markers around the one field (or
    entry) and a placed MergeProblem (M801); a merged text that does not validate as a file of its
    kind comes back with M802 problems. Raises Unmergeable when `rel` is not a yunhe file or a side
    is not YAML yunhe reads (the caller merges line by line instead). `display`: the path named in
    the problems (default `rel`).
    """
    kind = classify(rel)
    path = display or Path(rel)
    if kind is None:
        raise Unmergeable(f"{rel} is not a kind of file yunhe knows")
    b = _read(base, "base", allow_empty=True)[0]
    o = _load(ours, "ours")
    t, t_root = _read(theirs, "theirs")
    pb, po, pt = to_plain(b), to_plain(o), to_plain(t)
    merger = Merger(kind, _label(kind), Adopter(theirs, t, t_root))
    if theirs == base or ours == theirs:
        text = ours
    elif ours == base:
        text = theirs
    elif pt == pb or po == pt:  # theirs changed only the layout: ours' layout wins
        text = ours
    elif po == pb:
        text = theirs
    else:
        merger.mapping(b, o, t, (), _label(kind), ())
        text = dump(o)
    if merger.conflicts:
        text, placed = _mark(text, merger.conflicts, path)
        return MergeResult(text, placed, dict(merger.renumbered))
    return MergeResult(text, _validate(text, rel, kind, path), dict(merger.renumbered))


def _validate(text: str, rel: str, kind: str, path: Path) -> list[MergeProblem]:
    from yunhe_cli.core.repository import SourceFile
    from yunhe_cli.store.loader import load_file

    result, _ = load_file(SourceFile(path, rel, kind), text)
    return [
        MergeProblem(
            path, "M802", f"the merged file would not validate: {p.code} {p.message}", p.loc, p.line, p.col
        )
        for p in result.problems
        if p.code not in ("V403", "V404", "V405")
    ]


def _render(key: str | None, value: Any, lead: str) -> list[str]:
    if value is MISSING:
        return []
    from ruamel.yaml.comments import CommentedMap

    if key is not None:
        doc = CommentedMap()
        doc[key] = value
        body = dump(doc)
    else:
        buffer = io.StringIO()
        round_trip_yaml().dump(value, buffer)
        body = buffer.getvalue()
    lines = [line for line in body.splitlines() if line != "..."]
    return [(lead if i == 0 else " " * len(lead)) + line for i, line in enumerate(lines)]


def _mark(text: str, conflicts: list[Conflict], path: Path) -> tuple[str, list[MergeProblem]]:
    """Replace each conflict's token line by git's markers around ours' and theirs' versions."""
    by_token = {c.token: c for c in conflicts}
    out: list[str] = []
    placed: list[MergeProblem] = []
    for line in text.splitlines():
        found = re.search(r"YUNHEMERGECONFLICT[0-9]{5}X", line)
        if found is None:
            out.append(line)
            continue
        c = by_token[found.group(0)]
        lead = line[: found.start()]
        if c.key is not None:  # `<lead><key>: TOKEN`: each side is written as `<lead><key>: value`
            at = lead.rfind(f"{c.key}:")
            lead = lead[:at] if at >= 0 else lead
        placed.append(MergeProblem(path, "M801", c.message, c.loc, len(out) + 1, 1))
        out.append("<" * MARKER_SIZE + " ours")
        out.extend(_render(c.key, c.ours, lead))
        out.append("=" * MARKER_SIZE)
        out.extend(_render(c.key, c.theirs, lead))
        out.append(">" * MARKER_SIZE + " theirs")
    return "\n".join(out) + "\n", placed


# --------------------------------------------------------------------------- git's driver


def data_rel(name: str) -> str | None:
    """The path of a file in the data folder from its path in the repository (%P): the longest
    tail of it that is a kind of file yunhe knows."""
    parts = name.replace("\\", "/").split("/")
    for i in range(len(parts)):
        rel = "/".join(parts[i:])
        if classify(rel) is not None:
            return rel
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """`yunhe merge-file %O %A %B %P`: merge base, ours and theirs into %A (written at once).

    0: merged cleanly; 1: conflicts left (one placed line each on stderr); 2: nothing written
    (bad arguments, a file that cannot be read or written). A file yunhe cannot read as its data
    is merged by `git merge-file` instead, which is said on stderr.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 4:
        print("usage: yunhe merge-file BASE OURS THEIRS PATH", file=sys.stderr)
        return 2
    base_path, ours_path, theirs_path, name = (Path(a) for a in args)
    try:
        raws = [p.read_bytes() for p in (base_path, ours_path, theirs_path)]
    except OSError as exc:
        print(f"yunhe merge-file: {exc}", file=sys.stderr)
        return 2
    rel = data_rel(args[3])
    try:
        if rel is None:
            raise Unmergeable(f"{args[3]} is not a kind of file yunhe knows")
        try:
            (base, _, _), (ours, bom, crlf), (theirs, _, _) = (decode_text(r) for r in raws)
        except UnicodeDecodeError as exc:
            raise Unmergeable("a side is not UTF-8") from exc
        result = merge_file(base, ours, theirs, rel, name)
    except Unmergeable as exc:
        print(f"yunhe merge-file: {exc}; merging {args[3]} line by line with git merge-file", file=sys.stderr)
        return _git_merge_file(ours_path, base_path, theirs_path)
    try:
        atomic_write(ours_path, encode_text(result.text, bom, crlf))
    except Exception as exc:  # WriteRefused: the system refused; nothing was replaced
        print(f"yunhe merge-file: {args[3]}: cannot write the merged file ({exc})", file=sys.stderr)
        return 2
    for old, new in result.renumbered.items():
        print(f"{name}: problem {old} was added on both sides; theirs' is now {new}", file=sys.stderr)
    for problem in result.conflicts:
        print(problem, file=sys.stderr)
    return 0 if result.clean else 1


def _git_merge_file(ours: Path, base: Path, theirs: Path) -> int:
    from yunhe_cli.store.git import GitError, run_git

    labels = ["-L", "ours", "-L", "base", "-L", "theirs"]
    paths = [str(p.resolve()) for p in (ours, base, theirs)]
    try:
        run = run_git(Path.cwd(), "merge-file", "--stdout", *labels, *paths)
    except (OSError, GitError) as exc:  # no git to run: %A is left as it was
        print(f"yunhe merge-file: cannot run git merge-file ({exc})", file=sys.stderr)
        return 2
    if run.returncode < 0 or run.returncode > 127:  # git's error, not a count of conflicts
        sys.stderr.write(run.stderr.decode("utf-8", "replace"))
        return 2
    try:
        atomic_write(ours, run.stdout)  # all at once: never half a merged file in %A
    except Exception as exc:  # WriteRefused: the system refused; %A is left as it was
        print(f"yunhe merge-file: cannot write {ours} ({exc})", file=sys.stderr)
        return 2
    return 1 if run.returncode else 0


def setup_repository(top: Path, command: str = DRIVER_COMMAND, data: str = "data") -> list[str]:
    """Register the driver in the git repository at `top`, idempotently: a `.gitattributes` line
    sending `<data>/**/*.yaml` to it (to be committed) and the driver in the clone's git config
    (every clone runs this once). Returns what was changed, one line each; [] when all was there."""
    changed: list[str] = []
    attributes = top / ".gitattributes"
    line = f"{data}/**/*.yaml merge=yunhe" if data not in ("", ".") else "**/*.yaml merge=yunhe"
    existing = attributes.read_text(encoding="utf-8") if attributes.is_file() else ""
    if line not in (x.strip() for x in existing.splitlines()):
        sep = "" if not existing or existing.endswith("\n") else "\n"
        atomic_write(attributes, f"{existing}{sep}{line}\n")
        changed.append(f".gitattributes: {line}")
    from yunhe_cli.store.git import GitError, run_git

    for key, value in (("merge.yunhe.name", DRIVER_NAME), ("merge.yunhe.driver", command)):
        current = run_git(top, "config", "--local", "--get", key)
        if current.returncode == 0 and current.stdout.decode("utf-8").rstrip("\n") == value:
            continue
        done = run_git(top, "config", "--local", key, value)
        if done.returncode != 0:
            raise GitError(f"git config {key}: {done.stderr.decode('utf-8', 'replace').strip()}")
        changed.append(f"git config {key} {value!r}")
    return changed


if __name__ == "__main__":  # pragma: no cover - `python -m yunhe_cli.edits.merge %O %A %B %P`
    sys.exit(main())
