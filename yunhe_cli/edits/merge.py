"""A three-way merge of yunhe's data files that knows what the files mean: git's merge driver.

Ids two branches both took (for DESIGN.md). Two analysts who each run `yunhe issue add` on their
own branch both get the next free id of the list they see, so both add `p01-004`. The choice is
between ids that two branches cannot both take (made of the date and the author, say) and
renumbering at the merge; yunhe renumbers. Problem ids are what people say and write in meetings,
minutes and commit messages ("p01-004 is crossed off"), so they stay short and counted within the
project, as `yunhe issue add` makes them (edits/operations.py `next_problem_id`, unchanged);
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
(raised_on, title); a change that cannot be matched this way is a conflict, never a silent write
to another problem.

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

Problem codes of this module (to be added to core/problems.py CODES and the README's table):

    M801 merge-conflict   a field (or a whole entry) changed on both sides to different values;
                          markers are left around it
    M802 merge-invalid    the merged file would not validate as a file of its kind
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yunhe_cli.core.problems import Loc
from yunhe_cli.edits.merge_keys import SET, Keyed, Path_, list_rule
from yunhe_cli.store.layout import classify
from yunhe_cli.store.write import atomic_write, decode_text, dump, encode_text
from yunhe_cli.store.yamlio import round_trip_yaml, to_plain

MERGE_CODES: dict[str, tuple[str, str]] = {
    "M801": ("merge-conflict", "a field (or a whole entry) changed on both sides to different values"),
    "M802": ("merge-invalid", "the merged file would not validate as a file of its kind"),
}
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


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass
class _Conflict:
    token: str
    key: str | None  # the field in conflict; None: a whole list entry
    ours: Any
    theirs: Any
    message: str
    loc: Loc


# --------------------------------------------------------------------------- comparing values


def _plain(value: Any) -> Any:
    return MISSING if value is MISSING else to_plain(value)


def _same(a: Any, b: Any) -> bool:
    if a is MISSING or b is MISSING:
        return a is b
    return bool(_plain(a) == _plain(b))


def _canon(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((str(k), _canon(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_canon(v) for v in value)
    return (type(value).__name__, str(value)) if not isinstance(value, int | float) else str(value)


def _print(fingerprint_of: Any) -> Any:
    return _canon(to_plain(fingerprint_of))


def _show(value: Any) -> str:
    if value is MISSING:
        return "removed"
    plain = to_plain(value)
    if isinstance(plain, dict | list):
        text = (
            repr(plain) if len(repr(plain)) <= 40 else ("a mapping" if isinstance(plain, dict) else "a list")
        )
        return text
    text = str(plain)
    return repr(text) if len(text) <= 40 else repr(text[:36] + "...")


def _key_of(item: Any, key: str) -> str | None:
    if isinstance(item, dict) and key in item and item[key] is not None:
        return str(to_plain(item[key]))
    return None


# --------------------------------------------------------------------------- the merge


class _Merger:
    def __init__(self, kind: str, label: str) -> None:
        self.kind = kind
        self.label = label
        self.conflicts: list[_Conflict] = []
        self.renumbered: dict[str, str] = {}

    def _token(self) -> str:
        return f"YUNHEMERGECONFLICT{len(self.conflicts):05d}X"

    def conflict(self, ours: Any, theirs: Any, key: str | None, what: str, loc: Loc) -> str:
        token = self._token()
        if key is None:
            message = f"{what}: changed on one side and removed on the other"
        else:
            message = f"{what}: {key} changed on both sides (ours {_show(ours)}, theirs {_show(theirs)})"
        self.conflicts.append(_Conflict(token, key, ours, theirs, message, loc))
        return token

    def value(self, b: Any, o: Any, t: Any, path: Path_, key: str, what: str, loc: Loc) -> Any:
        """The merged value of one field; MISSING: the field is removed. Mutates `o` in place."""
        if _same(t, b):
            return o
        if _same(o, b) or _same(o, t):
            return t if not _same(o, t) else o
        if isinstance(o, dict) and isinstance(t, dict) and (b is MISSING or isinstance(b, dict)):
            self.mapping({} if b is MISSING else b, o, t, path, what, loc)
            return o
        rule = list_rule(self.kind, path)
        lists = [v for v in (b, o, t) if v is not MISSING]
        if rule is not None and all(isinstance(v, list) for v in lists):
            bl = [] if b is MISSING else b
            if rule == SET:
                return self.set_list(bl, o, t)
            if isinstance(rule, Keyed):
                merged = self.keyed_list(bl, o, t, rule, path, loc)
                if merged is not None:
                    return merged
        return self.conflict(o, t, key, what, loc)

    def mapping(self, b: Any, o: Any, t: Any, path: Path_, what: str, loc: Loc) -> None:
        keys = [*o, *(k for k in t if k not in o), *(k for k in b if k not in o and k not in t)]
        for k in keys:
            ov = o.get(k, MISSING)
            res = self.value(
                b.get(k, MISSING), ov, t.get(k, MISSING), (*path, str(k)), str(k), what, (*loc, k)
            )
            if res is ov:
                continue
            if res is MISSING:
                if k in o:
                    del o[k]
            elif k in o:
                o[k] = res
            else:
                o.insert(self._map_position(o, t, k), k, res)

    @staticmethod
    def _map_position(o: Any, t: Any, k: Any) -> int:
        keys_t = list(t)
        before = keys_t[: keys_t.index(k)] if k in t else []
        keys_o = list(o)
        for prev in reversed(before):
            if prev in o:
                return keys_o.index(prev) + 1
        return 0

    def set_list(self, b: Any, o: Any, t: Any) -> Any:
        """Entries as a set, in order: removed where a side removed them, added where a side added them."""
        base = {_print(x) for x in b}
        theirs = [] if t is MISSING else t
        theirs_keys = {_print(x) for x in theirs}
        if o is MISSING:
            from ruamel.yaml.comments import CommentedSeq

            o_list: Any = CommentedSeq()
            ours_keys: set[Any] = set()
        else:
            o_list = o
            ours_keys = {_print(x) for x in o}
        removed_by_theirs = base - theirs_keys
        removed_by_ours = base - ours_keys
        for i in reversed(range(len(o_list))):
            if _print(o_list[i]) in removed_by_theirs:
                del o_list[i]
        kept = {_print(x) for x in o_list}
        for x in theirs:
            fp = _print(x)
            if fp not in kept and fp not in removed_by_ours:
                o_list.append(x)
                kept.add(fp)
        if not o_list and (o is MISSING or t is MISSING):
            return MISSING
        if (
            o is MISSING
            and t is not MISSING
            and len(o_list) == len(t)
            and all(x is y for x, y in zip(o_list, t, strict=True))
        ):
            return t
        return o_list

    def keyed_list(self, b: Any, o: Any, t: Any, rule: Keyed, path: Path_, loc: Loc) -> Any | None:
        """Entries matched by their key field and merged field by field; None: not keyed after all
        (an entry without its key, or a key twice on one side), merged as one value instead."""
        sides = []
        for side in (b, [] if o is MISSING else o, [] if t is MISSING else t):
            keyed: dict[str, Any] = {}
            for item in side:
                k = _key_of(item, rule.key)
                if k is None or k in keyed:
                    return None
                keyed[k] = item
            sides.append(keyed)
        bm, om, tm = sides
        if o is MISSING:
            from ruamel.yaml.comments import CommentedSeq

            o = CommentedSeq()
        follow = self._followed(bm, om, tm) if rule.renumber else {}
        renamed_to = {new: old for old, new in follow.items()}
        # ours' key -> (theirs' key or None, base key or None)
        pairs: dict[str, tuple[str | None, str | None]] = {}
        for k in om:
            if k in follow:  # ours' own problem under an id theirs' side gave to another
                pairs[k] = (None, None)
            elif k in renamed_to:
                pairs[k] = (renamed_to[k], renamed_to[k])
            elif k in tm and k not in bm and rule.renumber and not _same(om[k], tm[k]):
                pairs[k] = (None, None)  # added on both sides: theirs' is renumbered below
            else:
                pairs[k] = (k if k in tm else None, k if k in bm else None)
        used_t = {tk for tk, _ in pairs.values() if tk is not None}
        used_b = {bk for _, bk in pairs.values() if bk is not None}
        ours_added = {k for k, (_, bk) in pairs.items() if bk is None}
        for k, item in list(om.items()):
            tk, bk = pairs[k]
            what = f"{rule.noun} {k}"
            index = self._index(o, item)
            if tk is not None:
                bv = bm[bk] if bk is not None else MISSING
                t_item = tm[tk]
                if tk != k:  # renumbered on ours' side since: compare under ours' id
                    t_item, bv = _renamed(t_item, rule.key, k), _renamed(bv, rule.key, k)
                res = self.value(bv, item, t_item, path, rule.key, what, (*loc, index))
                if res is not item:
                    o[index] = res
            elif bk is not None:  # theirs removed it
                if _same(item, bm[bk]):
                    del o[index]
                else:
                    o[index] = self.conflict(item, MISSING, None, what, (*loc, index))
        renumber: list[Any] = []
        for k, item in tm.items():
            if k in used_t:
                continue
            if k in bm and k not in used_b:  # ours removed it
                if not _same(item, bm[k]):
                    token = self.conflict(MISSING, item, None, f"{rule.noun} {k}", (*loc, len(o)))
                    o.insert(self._list_position(o, t, item, rule.key, ours_added), token)
                continue
            if k in om or k in bm:
                renumber.append(item)
                continue
            o.insert(self._list_position(o, t, item, rule.key, ours_added), item)
        for item in renumber:
            old = _key_of(item, rule.key)
            assert old is not None
            new = _next_id(old, [*bm, *om, *tm, *(_key_of(x, rule.key) or "" for x in o)])
            if new is None:
                o.append(self.conflict(MISSING, item, None, f"{rule.noun} {old}", (*loc, len(o))))
                continue
            item[rule.key] = new
            self.renumbered[old] = new
            o.append(item)
        return o

    @staticmethod
    def _index(seq: Any, item: Any) -> int:
        for i, x in enumerate(seq):
            if x is item:
                return i
        raise ValueError("entry not in list")  # pragma: no cover - taken from the list just now

    @staticmethod
    def _list_position(o: Any, t: Any, item: Any, key: str, ours_added: set[str]) -> int:
        """After the entry theirs has before it (and any entries ours added there); else first."""
        keys_o = [_key_of(x, key) for x in o]
        pos = 0
        for x in t:
            if x is item:
                break
            k = _key_of(x, key)
            if k in keys_o:
                pos = keys_o.index(k) + 1
        while pos < len(keys_o) and keys_o[pos] in ours_added:
            pos += 1
        return pos

    @staticmethod
    def _followed(bm: dict[str, Any], om: dict[str, Any], tm: dict[str, Any]) -> dict[str, str]:
        """Problems renumbered on ours' side since the base: base id -> ours' id, recognised by
        what does not change (raised_on and title), where ours' entry under the base id is another."""
        follow: dict[str, str] = {}
        for k, bv in bm.items():
            if k not in tm or k not in om or _identity(om[k]) == _identity(bv):
                continue
            for ok, ov in om.items():
                if ok not in bm and _identity(ov) == _identity(bv):
                    follow[k] = ok
                    break
        return follow


def _identity(item: Any) -> tuple[str, str]:
    return (str(to_plain(item.get("raised_on"))), str(to_plain(item.get("title"))))


def _renamed(item: Any, key: str, new: str) -> Any:
    if item is MISSING or not isinstance(item, dict):
        return item
    copy = type(item)()
    for k, v in item.items():
        copy[k] = new if k == key else v
    return copy


def _next_id(old: str, taken: list[str]) -> str | None:
    m = re.match(r"^(.*?)([0-9]+)$", old)
    if m is None:
        return None
    prefix, width = m.group(1), len(m.group(2))
    numbers = [int(x[len(prefix) :]) for x in taken if x.startswith(prefix) and x[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:0{width}d}"


# --------------------------------------------------------------------------- text in, text out


def _load(text: str, side: str, allow_empty: bool = False) -> Any:
    from yunhe_cli.store.yamlio import parse_text

    if not text.strip():
        if allow_empty:
            return {}
        raise Unmergeable(f"{side} is empty")
    parsed = parse_text(text, Path(side))
    if parsed.problems:
        first = parsed.problems[0]
        raise Unmergeable(f"{side} is not YAML yunhe reads ({first.code} {first.message}, line {first.line})")
    if not isinstance(parsed.data, dict):
        raise Unmergeable(f"{side} is not a mapping")
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
    b = _load(base, "base", allow_empty=True)
    o = _load(ours, "ours")
    t = _load(theirs, "theirs")
    pb, po, pt = to_plain(b), to_plain(o), to_plain(t)
    merger = _Merger(kind, _label(kind))
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


def _mark(text: str, conflicts: list[_Conflict], path: Path) -> tuple[str, list[MergeProblem]]:
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
        if c.key is not None:
            lead = lead.removesuffix(f"{c.key}:").removesuffix(f"{c.key}: ")
            if lead.endswith(f"{c.key}:") or lead.endswith(f"{c.key}: "):  # pragma: no cover
                lead = lead[: lead.rindex(c.key)]
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
    labels = ["-L", "ours", "-L", "base", "-L", "theirs"]
    run = subprocess.run(
        ["git", "merge-file", "--stdout", *labels, str(ours), str(base), str(theirs)],
        capture_output=True,
        check=False,
    )
    if run.returncode < 0 or run.returncode > 127:
        sys.stderr.write(run.stderr.decode("utf-8", "replace"))
        return 2
    atomic_write(ours, run.stdout)
    return 1 if run.returncode else 0


def setup_repository(top: Path, command: str = DRIVER_COMMAND, data: str = "data") -> list[str]:
    """Register the driver in the git repository at `top`, idempotently: a `.gitattributes` line
    sending `<data>/**/*.yaml` to it (to be committed) and the driver in the clone's git config
    (every clone runs this once). Returns what was changed, one line each; [] when all was there."""
    changed: list[str] = []
    attributes = top / ".gitattributes"
    line = f"{data}/**/*.yaml merge=yunhe"
    existing = attributes.read_text(encoding="utf-8") if attributes.is_file() else ""
    if line not in (x.strip() for x in existing.splitlines()):
        sep = "" if not existing or existing.endswith("\n") else "\n"
        atomic_write(attributes, f"{existing}{sep}{line}\n")
        changed.append(f".gitattributes: {line}")
    for key, value in (("merge.yunhe.name", DRIVER_NAME), ("merge.yunhe.driver", command)):
        current = subprocess.run(
            ["git", "config", "--local", "--get", key], cwd=top, capture_output=True, text=True, check=False
        )
        if current.returncode == 0 and current.stdout.rstrip("\n") == value:
            continue
        subprocess.run(["git", "config", "--local", key, value], cwd=top, check=True, capture_output=True)
        changed.append(f"git config {key} {value!r}")
    return changed


if __name__ == "__main__":  # pragma: no cover - `python -m yunhe_cli.edits.merge %O %A %B %P`
    sys.exit(main())
