"""Line breaking for Chinese and English cells: where a text may go onto a new line, and where not.

Rich (like most terminals' tables) breaks Chinese text after any character, so a convener's name
comes out as 傅雅/涛 and a line may begin with 、 or ，. This is the one place yunhe decides where
a cell's text breaks:

- **Names are words.** A name given in `names` (a person's, a unit's, a project's) is never split.
- **Never inside** a run of ASCII (an English word, a number, a date, a code such as p01-004 or
  2026-09), nor a Chinese date written 2026年11月15日.
- **避头尾.** A closing mark (、，。；：！？）」』》 …) stays with what it closes, so no line starts
  with one; an opening mark (（「『《“) stays with what it opens, so no line ends with one.
- **Preferred breaks** are spaces, the points after Chinese punctuation (、，。；：！？）) and a
  slash, and before an opening bracket:
  a phrase between two of them moves whole to the next line if it fits there. Only a phrase longer
  than a whole line is broken between its Chinese characters (never inside a name or an ASCII run).

`min_width` is the narrowest a text can be wrapped to under these rules (its widest unbreakable
piece); `wrap` never returns a line wider than `width` unless a single piece is wider.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.cells import cell_len

# No line starts with these (they close or follow what precedes them).
CLOSING = frozenset("、，。；：！？）」』》〉】〕〗〙”’…·～,.;:!?)]}％%")
# No line ends with these (they open what follows them).
OPENING = frozenset("（「『《〈【〔〖〘“‘([{")
# After these a Chinese line may break by preference (as after a space in English).
BREAK_AFTER = frozenset("、，。；：！？）」』》/")

# A date written in Chinese, a number with its unit marks, an ASCII run (word, number, date, code),
# or any other single character.
_ATOM = re.compile(r"[0-9]+(?:[年月日](?:[0-9]+[年月日]?)*)|[!-~]+|.", re.DOTALL)


def _atoms(word: str, names: Iterable[str]) -> list[str]:
    """`word` (no spaces) as its unbreakable pieces, punctuation glued to its side."""
    spans: list[tuple[int, int]] = []
    ordered = sorted({n for n in names if n and n in word}, key=len, reverse=True)
    taken = [False] * len(word)
    for name in ordered:
        start = word.find(name)
        while start != -1:
            end = start + len(name)
            if not any(taken[start:end]):
                spans.append((start, end))
                for k in range(start, end):
                    taken[k] = True
            start = word.find(name, end)
    spans.sort()
    raw: list[str] = []
    at = 0
    for start, end in [*spans, (len(word), len(word))]:
        raw.extend(m.group() for m in _ATOM.finditer(word[at:start]))
        if end > start:
            raw.append(word[start:end])
        at = end
    # glue: a closing mark to the piece before it, an opening mark to the piece after it
    glued: list[str] = []
    pending = ""
    for piece in raw:
        if piece in OPENING or (len(piece) == 1 and piece in OPENING):
            pending += piece
            continue
        if glued and not pending and piece[0] in CLOSING and len(piece) == 1:
            glued[-1] += piece
            continue
        glued.append(pending + piece)
        pending = ""
    if pending:
        if glued:
            glued[-1] += pending
        else:
            glued.append(pending)
    return glued


def _phrases(word: str, names: Iterable[str]) -> list[list[str]]:
    """`word` as phrases (lists of pieces), each ending where a Chinese line may break by preference."""
    phrases: list[list[str]] = [[]]
    for piece in _atoms(word, names):
        if piece[0] in OPENING and phrases[-1]:  # 作者 / （提交人）: a bracket starts a phrase
            phrases.append([])
        phrases[-1].append(piece)
        if piece[-1] in BREAK_AFTER:
            phrases.append([])
    return [p for p in phrases if p]


def min_width(text: str, names: Iterable[str] = ()) -> int:
    """The narrowest `text` can be wrapped to: its widest unbreakable piece."""
    names = tuple(names)
    return max((cell_len(p) for word in text.split(" ") for p in _atoms(word, names)), default=0)


def wrap(text: str, width: int, names: Iterable[str] = (), phrases_only: bool = False) -> list[str]:
    """`text` in lines of at most `width` cells, broken only where the rules above allow
    (`phrases_only`: only between phrases, a phrase wider than `width` standing whole)."""
    names = tuple(names)
    if "\n" in text:
        return [line for part in text.split("\n") for line in wrap(part, width, names, phrases_only)]
    lines: list[str] = []
    current = ""
    for w, word in enumerate(text.split(" ")):
        space = " " if w and current else ""
        for p, phrase in enumerate(_phrases(word, names)):
            joined = "".join(phrase)
            sep = space if p == 0 else ""
            if cell_len(current + sep + joined) <= width:
                current += sep + joined
                continue
            if current and (cell_len(joined) <= width or phrases_only):
                lines.append(current)
                current = joined
                continue
            if phrases_only:
                current = joined
                continue
            for k, piece in enumerate(phrase):  # longer than a line: between its pieces
                glue = sep if k == 0 else ""
                if cell_len(current + glue + piece) <= width:
                    current += glue + piece
                    continue
                if current:
                    lines.append(current)
                current = piece
        if not word and w:  # two spaces in a row: keep the text as written
            current += " "
    lines.append(current)
    return lines


def lines_needed(text: str, width: int, names: Iterable[str] = ()) -> int:
    return len(wrap(text, width, names))


def narrowest_in_lines(text: str, most: int, names: Iterable[str] = ()) -> int:
    """The narrowest width at which `text` wraps into at most `most` lines (a header: two)."""
    names = tuple(names)
    low = min_width(text, names)
    high = max(cell_len(text), low)
    for width in range(low, high + 1):  # between phrases (作者 / （提交人）, 迟报/ / 缺报天数) if it can
        lines = wrap(text, width, names, phrases_only=True)
        if len(lines) <= most and max(cell_len(x) for x in lines) <= width:
            if len(lines) > 1:  # one phrase alone: broken between characters below
                return width
            break
    for width in range(low, high + 1):
        if len(wrap(text, width, names)) <= most:
            return width
    return high
