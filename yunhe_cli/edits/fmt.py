"""`yunhe fmt`: a file in yunhe's canonical layout (keys in schema order, 2-space indent, the
schema line first), and the cache of files already known to be canonical.

A BOM and CRLF line ends are kept as the file has them (one policy with every other write); a
layout that would leave the file with a problem is refused through `session.check_and_write`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from yunhe_cli.core import model as m
from yunhe_cli.core.problems import Problem
from yunhe_cli.edits.roundtrip import load_round_trip, schema_comment
from yunhe_cli.edits.session import check_and_write
from yunhe_cli.store.loader import model_in
from yunhe_cli.store.write import LOCK_TIMEOUT_S, WriteRefused, dump, repo_lock

SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=.*$")
SCHEMA_KIND = re.compile(r"[a-z]+\.schema\.json$")


def format_text(text: str, rel: str, kind: str) -> str:
    """The file in canonical layout: keys in schema order, 2-space indent, the schema line first."""
    data = load_round_trip(text)
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
        _reorder(node[key], model_in(model_cls.model_fields[key].annotation))


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
