"""The three-way merge of one document (merge.py): ours' round-tripped document changed in place
by what theirs changed from the base, key by key and, as merge_keys.py says, list by list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from yunhe_cli.core.problems import Loc
from yunhe_cli.edits.merge_keys import SET, Keyed, Path_, list_rule
from yunhe_cli.edits.merge_values import MISSING, Adopter, fingerprint, key_of, same, show
from yunhe_cli.store.yamlio import to_plain


@dataclass
class Conflict:
    token: str
    key: str | None  # the field in conflict; None: a whole list entry
    ours: Any
    theirs: Any
    message: str
    loc: Loc


# --------------------------------------------------------------------------- the merge


class Merger:
    def __init__(self, kind: str, label: str, theirs: Adopter) -> None:
        self.kind = kind
        self.theirs = theirs
        self.label = label
        self.conflicts: list[Conflict] = []
        self.renumbered: dict[str, str] = {}

    def _token(self) -> str:
        return f"YUNHEMERGECONFLICT{len(self.conflicts):05d}X"

    def conflict(
        self, ours: Any, theirs: Any, key: str | None, what: str, loc: Loc, why: str | None = None
    ) -> str:
        token = self._token()
        if why is not None:
            message = f"{what}: {why}"
        elif key is None:
            message = f"{what}: changed on one side and removed on the other"
        else:
            message = f"{what}: {key} changed on both sides (ours {show(ours)}, theirs {show(theirs)})"
        self.conflicts.append(Conflict(token, key, ours, self.theirs.adopt(theirs), message, loc))
        return token

    def value(self, b: Any, o: Any, t: Any, path: Path_, key: str, what: str, loc: Loc) -> Any:
        """The merged value of one field; MISSING: the field is removed. Mutates `o` in place."""
        if same(t, b):
            return o
        if same(o, b) or same(o, t):
            return t if not same(o, t) else o
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
            res = self.theirs.adopt(res)
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
        base = {fingerprint(x) for x in b}
        theirs = [] if t is MISSING else t
        theirs_keys = {fingerprint(x) for x in theirs}
        if o is MISSING:
            from ruamel.yaml.comments import CommentedSeq

            o_list: Any = CommentedSeq()
            ours_keys: set[Any] = set()
        else:
            o_list = o
            ours_keys = {fingerprint(x) for x in o}
        removed_by_theirs = base - theirs_keys
        removed_by_ours = base - ours_keys
        for i in reversed(range(len(o_list))):
            if fingerprint(o_list[i]) in removed_by_theirs:
                del o_list[i]
        kept = {fingerprint(x) for x in o_list}
        for x in theirs:
            fp = fingerprint(x)
            if fp not in kept and fp not in removed_by_ours:
                o_list.append(self.theirs.adopt(x))
                kept.add(fp)
        if not o_list and (o is MISSING or t is MISSING):
            return MISSING
        return o_list

    def keyed_list(self, b: Any, o: Any, t: Any, rule: Keyed, path: Path_, loc: Loc) -> Any | None:
        """Entries matched by their key field and merged field by field; None: not keyed after all
        (an entry without its key, or a key twice on one side), merged as one value instead."""
        sides = []
        for side in (b, [] if o is MISSING else o, [] if t is MISSING else t):
            keyed: dict[str, Any] = {}
            for item in side:
                k = key_of(item, rule.key)
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
            elif k in tm and k not in bm and rule.renumber and not same(om[k], tm[k]):
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
            if tk is not None and tk == k and bk is not None and rule.renumber and _another(bm[bk], item):
                # ours' entry under this id is another problem (renumbered since, and changed so
                # that it is not recognised): theirs' change cannot be matched to it
                if not same(tm[tk], bm[bk]):
                    why = "ours' entry under this id is another problem; theirs changed the one it had"
                    o[index] = self.conflict(item, tm[tk], None, what, (*loc, index), why)
            elif tk is not None:
                bv = bm[bk] if bk is not None else MISSING
                t_item = tm[tk]
                if tk != k:  # renumbered on ours' side since: compare under ours' id
                    t_item, bv = _renamed(t_item, rule.key, k), _renamed(bv, rule.key, k)
                res = self.value(bv, item, t_item, path, rule.key, what, (*loc, index))
                if res is not item:
                    o[index] = self.theirs.adopt(res)
            elif bk is not None:  # theirs removed it
                if same(item, bm[bk]):
                    del o[index]
                else:
                    o[index] = self.conflict(item, MISSING, None, what, (*loc, index))
        renumber: list[Any] = []
        for k, item in tm.items():
            if k in used_t:
                continue
            if k in bm and k not in used_b:  # ours removed it
                if not same(item, bm[k]):
                    token = self.conflict(MISSING, item, None, f"{rule.noun} {k}", (*loc, len(o)))
                    o.insert(self._list_position(o, t, item, rule.key, ours_added), token)
                continue
            if k in om or k in bm:
                renumber.append(item)
                continue
            o.insert(self._list_position(o, t, item, rule.key, ours_added), self.theirs.adopt(item))
        for item in renumber:
            old = key_of(item, rule.key)
            assert old is not None
            new = _next_id(old, [*bm, *om, *tm, *(key_of(x, rule.key) or "" for x in o)])
            if new is None:
                o.append(self.conflict(MISSING, item, None, f"{rule.noun} {old}", (*loc, len(o))))
                continue
            adopted = self.theirs.adopt(item)
            adopted[rule.key] = new
            self.renumbered[old] = new
            o.append(adopted)
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
        keys_o = [key_of(x, key) for x in o]
        pos = 0
        for x in t:
            if x is item:
                break
            k = key_of(x, key)
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


def _another(base: Any, ours: Any) -> bool:
    """Ours' entry is not the base's under the same id: both its date raised and its title differ
    (one of them alone is an edit of the same problem)."""
    (b_raised, b_title), (o_raised, o_title) = _identity(base), _identity(ours)
    return b_raised != o_raised and b_title != o_title


def _renamed(item: Any, key: str, new: str) -> Any:
    if item is MISSING or not isinstance(item, dict):
        return item
    copy = {}
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
