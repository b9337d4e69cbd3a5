"""Reading YAML safely and fast, and locating a key path inside a file.

Why not simply `ruamel.yaml`: its round-trip loader reads ~40 small files a
second and its C safe loader ~220; PyYAML's libyaml parser composes nodes about
three times faster still. But PyYAML *constructs* values by YAML 1.1 rules
(`no` -> False, `1:30` -> 90, leading zeros -> octal) and silently keeps the last
of two duplicate keys. So yunhe lets libyaml compose the node tree (in C, with
line and column marks) and constructs the values itself, by the YAML 1.2 rules
that ruamel.yaml's round-trip writer uses. `tests/test_yamlio.py` checks that
both read every file alike.

The node tree is kept, so a problem found later (by the schema or a cross-file
check) is placed at its line and column without reading the file again.

Refused outright, because they have no place in plan data and are the usual
ways to attack a YAML reader: explicit tags (``!!python/object``, which
ruamel's round-trip loader would take as plain data), anchors, aliases and
merge keys (an alias bomb is built in milliseconds as shared references and
explodes only later, when printed or validated).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from sys import intern
from typing import Any

import yaml
import yaml.reader
from yaml._yaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from yunhe_cli.core.problems import Loc, Problem

MAX_FILE_BYTES = 1 << 20  # 1 MiB: a month's report is ~2 KB; anything near this is a mistake
MAX_DEPTH = 32  # plan data nests 5 levels at most
_INTERN_UP_TO = 64  # characters: keys, ids, units, names and short notes, not a goal's paragraph

_PLAIN = "tag:yunhe,2024:plain"  # sentinel for "plain scalar, not yet resolved"
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

# YAML 1.2 implicit types, exactly as ruamel.yaml's VersionedResolver has them for 1.2.
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_FLOAT = re.compile(
    r"""^(?:
     [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0o?[0-7_]+
    |[-+]?[0-9_]+
    |[-+]?0x[0-9a-fA-F_]+)$""",
    re.X,
)
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TIMESTAMP = re.compile(
    r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
    (?:[Tt]|[ \t]+)[0-9][0-9]?
    :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
    (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
    re.X,
)
_TIMESTAMP_PARTS = re.compile(
    r"""^(?P<year>[0-9][0-9][0-9][0-9])-(?P<month>[0-9][0-9]?)-(?P<day>[0-9][0-9]?)
    (?:(?:[Tt]|[ \t]+)(?P<hour>[0-9][0-9]?):(?P<minute>[0-9][0-9]):(?P<second>[0-9][0-9])
    (?:\.(?P<fraction>[0-9]*))?
    (?:[ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9][0-9]?)(?::(?P<tz_minute>[0-9][0-9]))?))?)?$""",
    re.X,
)


class _Resolver(BaseResolver):
    """Marks every plain scalar with a sentinel tag, so that explicit tags stay visible.

    libyaml calls `resolve` only for nodes without an explicit tag. PyYAML's own resolver
    walks path resolvers and regular expressions for each of them; this one answers at once
    (a third of the time of reading a file went there).
    """

    def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


class _NodeReader(CParser, _Resolver):
    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        _Resolver.__init__(self)


class ScalarError(ValueError):
    pass


def resolve_plain(value: str) -> Any:
    """The value of a plain (unquoted) scalar under YAML 1.2, as ruamel.yaml reads it."""
    if not value:
        return None
    first = value[0]
    if first in "tTfF" and _BOOL.match(value):
        return value[0] in "tT"
    if first in "~nN" and _NULL.match(value):
        return None
    if first in "-+0123456789.":
        if _INT.match(value):
            return _to_int(value)
        if _FLOAT.match(value):
            return _to_float(value)
        if _TIMESTAMP.match(value):
            return _to_timestamp(value)
    return value


# Python refuses to read a decimal integer of more than 4300 digits (a guard against slow
# conversions); no figure comes near, so a longer one is a placed problem, whatever its base.
MAX_INT_DIGITS = 4300
_MAX_INT_BITS = 14_285  # 4300 decimal digits, in bits (4300 * log2(10) rounded up)


def _to_int(value: str) -> int:
    text = value.replace("_", "")
    sign = -1 if text.startswith("-") else 1
    if text[:1] in "+-":
        text = text[1:]
    base = {"0b": 2, "0x": 16, "0o": 8}.get(text[:2], 10)
    digits = text[2:] if base != 10 else text  # YAML 1.2: a leading zero is not octal
    too_long = ScalarError(
        f"a number of {len(digits):,} digits cannot be a figure (yunhe reads at most {MAX_INT_DIGITS:,})"
    )
    if base == 10 and len(digits) > MAX_INT_DIGITS:
        raise too_long
    number = int(digits, base)
    if number.bit_length() > _MAX_INT_BITS:
        raise too_long
    return sign * number


def _to_float(value: str) -> Decimal:
    """A YAML float as the exact decimal of its digits (figures are decimals as published)."""
    text = value.replace("_", "").lower()
    if text.endswith(".inf"):
        return Decimal("-Infinity") if text.startswith("-") else Decimal("Infinity")
    if text.endswith(".nan"):
        return Decimal("NaN")
    return Decimal(text)


def _to_timestamp(value: str) -> dt.date | dt.datetime:
    m = _TIMESTAMP_PARTS.match(value)
    if m is None:  # pragma: no cover - _TIMESTAMP matched, so this cannot happen
        raise ScalarError(f"cannot read {value!r} as a date")
    try:
        year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
        if m["hour"] is None:
            return dt.date(year, month, day)
        fraction = (m["fraction"] or "")[:6].ljust(6, "0")
        tz: dt.tzinfo | None = None
        if m["tz"]:
            if m["tz"] == "Z":
                tz = dt.UTC
            else:
                offset = dt.timedelta(hours=int(m["tz_hour"]), minutes=int(m["tz_minute"] or 0))
                tz = dt.timezone(-offset if m["tz_sign"] == "-" else offset)
        return dt.datetime(
            year, month, day, int(m["hour"]), int(m["minute"]), int(m["second"]), int(fraction), tz
        )
    except ValueError as exc:
        raise ScalarError(f"{value!r} is not a real date ({exc})") from None


@dataclass(slots=True)
class Parsed:
    """One file read: its value (None when unreadable), its node tree, and its problems."""

    data: Any
    root: Node | None
    problems: list[Problem]


def decode(raw: bytes, path: Path) -> tuple[str | None, Problem | None]:
    """UTF-8 text (a BOM is accepted and dropped), or a problem naming the likely encoding."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Problem(path, "Y001", "the file is UTF-16; save it as UTF-8", (), 1, 1)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        pos = exc.start
        line = raw.count(b"\n", 0, pos) + 1
        col = pos - (raw.rfind(b"\n", 0, pos) + 1) + 1
        likely = "an unknown encoding"
        for name, label in (("gb18030", "GBK/GB18030"), ("big5", "Big5")):
            try:
                raw.decode(name)
            except UnicodeDecodeError:
                continue
            likely = label
            break
        return None, Problem(
            path, "Y001", f"the file is not UTF-8 (it looks like {likely}); save it as UTF-8", (), line, col
        )


def has_anchor_or_alias(text: str) -> tuple[int, int] | None:
    """Where the first anchor or alias is, or None. Cheap when '&' and '*' are absent."""
    if "&" not in text and "*" not in text:
        return None
    for event in yaml.parse(text, Loader=yaml.CBaseLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            mark = event.start_mark
            return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return None


_CONFLICT_START = re.compile(r"^<{7}(?: .*)?$", re.MULTILINE)


def conflict_markers(text: str, path: Path) -> list[Problem]:
    """A problem at each conflict git (or a person's merge) left in the file: `<<<<<<<` … `>>>>>>>`."""
    found = []
    for match in _CONFLICT_START.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        message = (
            "a merge conflict is left in the file (<<<<<<< … ======= … >>>>>>>): keep the right "
            "value, delete the three marker lines, then run yunhe validate; `yunhe setup` makes "
            "git merge these files by meaning"
        )
        found.append(Problem(path, "Y017", message, (), line, 1))
    return found


def parse_text(text: str, path: Path) -> Parsed:
    """Parse one document. Never raises for bad input."""
    if not text.strip():  # a file of comments only is found empty below (no document)
        return Parsed(None, None, [Problem(path, "Y007", "the file is empty", (), 1, 1)])
    if "<<<<<<<" in text or ">>>>>>>" in text:  # cheap first: the search only where one may be
        conflicts = conflict_markers(text, path)
        if conflicts:
            return Parsed(None, None, conflicts)
    try:
        anchor_at = has_anchor_or_alias(text)
        if anchor_at is not None:
            return Parsed(
                None,
                None,
                [
                    Problem(
                        path,
                        "Y006",
                        "anchors (&) and aliases (*) are not allowed; write the value out",
                        (),
                        *anchor_at,
                    )
                ],
            )
        reader = _NodeReader(text)
        try:
            root = reader.get_single_node()
        finally:
            reader.dispose()
    except yaml.MarkedYAMLError as exc:
        return Parsed(None, None, [_syntax_problem(exc, path, text)])
    except yaml.reader.ReaderError as exc:  # a character YAML forbids (NUL, ...): libyaml gives its offset
        return Parsed(None, None, [_character_problem(exc, path, text)])
    except yaml.YAMLError as exc:
        return Parsed(None, None, [Problem(path, "Y002", f"not valid YAML: {exc}", (), 1, 1)])
    if root is None:
        return Parsed(None, None, [Problem(path, "Y007", "the file is empty", (), 1, 1)])
    builder = _Builder(path)
    data = builder.build(root, 0)
    if not isinstance(root, MappingNode) and not builder.problems:
        what = "a list" if isinstance(root, SequenceNode) else "a single value"
        builder.problems.append(
            Problem(
                path,
                "Y008",
                f"the file holds {what}; yunhe expects a mapping of keys at the top",
                (),
                *_mark(root),
            )
        )
    return Parsed(data, root, builder.problems)


def _syntax_problem(exc: yaml.MarkedYAMLError, path: Path, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    what = exc.problem or "syntax error"
    lines = text.splitlines()
    at = lines[line - 1][col - 1 : col] if 0 < line <= len(lines) else ""
    if at == "\t" or "tab" in what:
        return Problem(
            path, "Y004", "a tab character is used for indentation; indent with spaces", (), line, col
        )
    context = f" ({exc.context})" if exc.context else ""
    return Problem(path, "Y002", f"not valid YAML: {what}{context}", (), line, col)


def _character_problem(exc: yaml.reader.ReaderError, path: Path, text: str) -> Problem:
    # libyaml reads the text as UTF-8, so its position counts bytes; the column counts characters.
    raw = text.encode("utf-8")
    pos = min(max(exc.position, 0), len(raw))
    line_start = raw.rfind(b"\n", 0, pos) + 1
    line = raw.count(b"\n", 0, pos) + 1
    col = len(raw[line_start:pos].decode("utf-8", errors="replace")) + 1
    char = exc.character if isinstance(exc.character, int) else 0
    name = " (NUL)" if char == 0 else ""
    return Problem(
        path, "Y002", f"the character U+{char:04X}{name} is not allowed in YAML; remove it", (), line, col
    )


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    """Turns a node tree into plain Python values under YAML 1.2 rules, collecting problems.

    The tree holds no alias: `parse_text` refuses a text with an anchor or an alias before it is
    composed, so no node is reached twice and none is tracked.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def _problem(self, node: Node, code: str, message: str) -> None:
        self.problems.append(Problem(self.path, code, message, (), *_mark(node)))

    def build(self, node: Node, depth: int) -> Any:
        # The hot path of reading: dispatch on the exact class, plain scalars resolved inline.
        if depth > MAX_DEPTH:
            self._problem(node, "Y002", f"nested more than {MAX_DEPTH} levels deep")
            return None
        kind = type(node)
        if kind is ScalarNode:
            return self.scalar(node)  # type: ignore[arg-type]
        if node.tag not in (_MAP, _SEQ):
            self._problem(node, "Y005", f"the tag {node.tag!r} is not allowed; write plain YAML")
            return None
        deeper = depth + 1
        if kind is SequenceNode:
            return [self.build(item, deeper) for item in node.value]
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode:
                self._problem(key_node, "Y002", "a key must be plain text, not a list or mapping")
                continue
            if key_node.tag == _PLAIN and key_node.value == "<<":
                self._problem(key_node, "Y006", "merge keys (<<) are not allowed; write the keys out")
                continue
            key = self.scalar(key_node)
            if key in result:
                self._problem(key_node, "Y003", f"the key {key!r} appears twice in this mapping")
                continue
            result[key] = (
                self.scalar(value_node)
                if type(value_node) is ScalarNode and deeper <= MAX_DEPTH
                else self.build(value_node, deeper)
            )
        return result

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _PLAIN:
            try:
                value = resolve_plain(node.value)
            except ScalarError as exc:
                self._problem(node, "Y011", str(exc))
                return None
            # Keys, ids, units and notes repeat in every report: one copy of each short text.
            return intern(value) if type(value) is str and len(value) <= _INTERN_UP_TO else value
        if tag == _STR:
            value = node.value
            return intern(value) if len(value) <= _INTERN_UP_TO else value
        self._problem(node, "Y005", f"the tag {node.tag!r} is not allowed; write plain YAML (quote text)")
        return None


def read_bytes(path: Path, display: Path | None = None) -> tuple[bytes | None, list[Problem]]:
    """The bytes of one file, or the problem that stopped yunhe reading it; `display` names it.

    Only a regular file is opened: a pipe would block the reader for ever and a device could
    be endless, so they are refused from their `stat`, and the open itself does not block
    (in case one is swapped in between).
    """
    shown = display or path

    def refused(code: str, message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(shown, code, message, (), 1, 1)]

    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return refused("Y015", f"this is {file_kind(info.st_mode)}, not a file; yunhe does not open it")
        if info.st_size > MAX_FILE_BYTES:
            return refused("Y009", f"the file is {info.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return refused(
                    "Y015", f"this is {file_kind(info.st_mode)}, not a file; yunhe does not open it"
                )
            raw = handle.read()  # sized from fstat; a fixed 1 MiB read would allocate 1 MiB a file
        if len(raw) > MAX_FILE_BYTES:
            return refused("Y009", f"the file is over {MAX_FILE_BYTES:,} bytes, the limit")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return refused("Y014", "this link loops back to itself; yunhe cannot follow it")
        return refused("Y002", f"cannot read the file: {exc.strerror}")
    return raw, []


def read_file(path: Path, display: Path | None = None) -> tuple[str | None, Parsed]:
    """Read and parse one file; `display` is the path used in messages (see `read_bytes`)."""
    shown = display or path
    raw, problems = read_bytes(path, display)
    if raw is None:
        return None, Parsed(None, None, problems)
    text, problem = decode(raw, shown)
    if problem is not None or text is None:
        return None, Parsed(None, None, [problem] if problem else [])
    return text, parse_text(text, shown)


def file_kind(mode: int) -> str:
    """What a file system entry is, in words, for a message."""
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def locate(root: Node | None, loc: Loc, at_key: bool = False) -> tuple[int, int]:
    """1-based line and column of the node at `loc` (as far as it exists)."""
    if root is None:
        return 1, 1
    node: Node = root
    key_node: Node | None = None
    for part in loc:
        if isinstance(node, MappingNode):
            found = None
            for k, v in node.value:
                if isinstance(k, ScalarNode) and _key_matches(k, part):
                    found = (k, v)
                    break
            if found is None:
                break
            key_node, node = found
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            key_node, node = None, node.value[part]
        else:
            break
    else:
        if at_key and key_node is not None:
            return _mark(key_node)
    return _mark(node)


def _key_matches(node: ScalarNode, part: str | int) -> bool:
    if node.value == str(part):
        return True
    try:
        return bool(resolve_plain(node.value) == part) if node.tag == _PLAIN else False
    except ScalarError:
        return False


# ---------------------------------------------------------------------------------------------
# Round trip (for writing): ruamel.yaml, imported lazily because it costs start-up time.


def round_trip_yaml() -> Any:
    """The ruamel.yaml instance every write goes through: comments, order and quotes kept."""
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096
    rt.allow_duplicate_keys = False
    return rt


def to_plain(value: Any) -> Any:
    """ruamel's round-trip values (CommentedMap, ScalarFloat, ...) as plain Python values."""
    if isinstance(value, dict):
        return {to_plain(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        # The shortest repr of ruamel's float is the figure's own digits for any figure of up to
        # 15 significant digits; the reader gives the same Decimal from the text.
        return Decimal(repr(float(value)))
    if isinstance(value, str):
        return str(value)
    if type(value).__name__ == "TaggedScalar":  # ruamel tags a lone '=' as !!value; it is text
        return str(value.value)
    if isinstance(value, dt.datetime):
        return dt.datetime(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            value.tzinfo,
        )
    return value


def place(problems: Iterable[Problem], texts: dict[Path, str] | None = None) -> list[Problem]:
    """Give every problem that has none a line and column, reading each file once more at most."""
    roots: dict[Path, Node | None] = {}
    out = []
    for p in problems:
        if p.line:
            out.append(p)
            continue
        if p.path not in roots:
            if texts and p.path in texts:
                roots[p.path] = parse_text(texts[p.path], p.path).root
            else:
                roots[p.path] = read_file(p.path)[1].root if p.path.is_file() else None
        out.append(p.placed(*locate(roots[p.path], p.loc, p.at_key)))
    return sorted(out, key=Problem.sort_key)
