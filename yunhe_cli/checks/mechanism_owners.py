"""Who may change which supervision item (督查督办), item by item, for `validate --base`.

`supervision/<project>.yaml` is the supervision office's (plan.yaml's `supervision_unit`,
县政府督查室): it issues items, closes them (办结) and sends them back (退回). The unit an item is
issued to adds its feedback (办理情况) to that item, which also opens an item sent back again
(`yunhe supervise feedback`), and changes nothing else. `owners.py` asks this module about a list
changed by someone who does not keep it; everything refused is P705, placed at the item.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from yunhe_cli.checks.ownership import Rules
from yunhe_cli.core.problems import Loc, Problem
from yunhe_cli.store.facts import same_value
from yunhe_cli.store.yamlio import decode, locate, parse_text

# What the item's own unit may change: its feedback, appended (and the status, returned → open).
UNIT_FIELDS = frozenset({"feedback", "status"})


def _items(data: Any) -> dict[str, tuple[int, dict[str, Any]]] | None:
    if not isinstance(data, dict) or not isinstance(data.get("items", []), list):
        return None
    out: dict[str, tuple[int, dict[str, Any]]] = {}
    for i, item in enumerate(data.get("items") or []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or item["id"] in out:
            return None
        out[item["id"]] = (i, item)
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return same_value(a, b)


def _feedback_only(old: dict[str, Any], new: dict[str, Any], changed: set[str]) -> bool:
    """Feedback appended (the entries before kept as they were), and the status at most returned → open."""
    if not changed <= UNIT_FIELDS:
        return False
    before, after = old.get("feedback") or [], new.get("feedback") or []
    if not isinstance(before, list) or not isinstance(after, list) or len(after) < len(before):
        return False
    if not _same(before, after[: len(before)]):
        return False
    return "status" not in changed or (old.get("status") == "returned" and new.get("status") == "open")


def _verb(old: dict[str, Any], new: dict[str, Any], changed: set[str]) -> tuple[str, str]:
    """What a change to one item does, and the key it is placed at."""
    if new.get("status") == "closed" and old.get("status") != "closed":
        return "closes (办结)", "status"
    if "returns" in changed or (new.get("status") == "returned" and old.get("status") != "returned"):
        return "sends back (退回)", "status" if "status" in changed else "returns"
    first = sorted(changed)[0]
    return f"changes {', '.join(sorted(changed))} of", first


def judge_supervision(
    rules: Rules, units: frozenset[str], old: bytes, new: bytes, rel: str, shown: Path, by: str, who: str
) -> list[Problem] | None:
    """P705 for each item of a supervision list that the author (a member of `units`, not of the
    office nor of the supervision office) may not change as they did; None when the list cannot be
    compared item by item (then the whole file is the keeper's: P701)."""
    texts = [decode(raw, Path(rel))[0] for raw in (old, new)]
    if texts[0] is None or texts[1] is None:
        return None
    parsed_old, parsed_new = parse_text(texts[0], Path(rel)), parse_text(texts[1], Path(rel))
    before, after = _items(parsed_old.data), _items(parsed_new.data)
    if before is None or after is None:
        return None
    rest_old = {k: v for k, v in parsed_old.data.items() if k != "items"}
    rest_new = {k: v for k, v in parsed_new.data.items() if k != "items"}
    if not _same(rest_old, rest_new):
        return None
    office = rules.name(rules.office) if rules.office else "(no office_unit)"
    supervisor = rules.name(rules.supervisor) if rules.supervisor else "(no supervision_unit)"
    out: list[Problem] = []

    def refuse(item_id: str, item: dict[str, Any], verb: str, loc: Loc, root: Any, unit_rule: bool) -> None:
        line, col = locate(root, loc)
        issued_to = rules.name(rules.unit_id(item.get("unit")) or str(item.get("unit")))
        rule = (
            f"only members of {issued_to}, the unit it is issued to, add its feedback"
            if unit_rule
            else f"only the supervision office ({supervisor}) or the office ({office}) issues, closes, "
            "sends back or changes a supervision item; its unit only adds feedback"
        )
        said = item.get("requirement")
        about = f" ({said})" if isinstance(said, str) else ""
        out.append(Problem(shown, "P705", f"{by} {verb} {item_id}{about}; {rule}; {who}", loc, line, col))

    for item_id in sorted(set(before) | set(after)):
        if item_id not in before:
            i, item = after[item_id]
            refuse(item_id, item, "issues", ("items", i, "id"), parsed_new.root, False)
            continue
        if item_id not in after:
            i, item = before[item_id]
            refuse(item_id, item, "deletes", ("items",), parsed_new.root, False)
            continue
        (_, a), (j, b) = before[item_id], after[item_id]
        changed = {k for k in set(a) | set(b) if not _same(a.get(k), b.get(k))}
        if not changed:
            continue
        mine = rules.unit_id(a.get("unit") if isinstance(a.get("unit"), str) else None) in units
        if _feedback_only(a, b, changed):
            if not mine:
                before_n = len(a.get("feedback") or [])
                refuse(
                    item_id, a, "adds feedback to", ("items", j, "feedback", before_n), parsed_new.root, True
                )
            continue
        verb, key = _verb(a, b, changed)
        loc: Loc = ("items", j, key)
        old_list, new_list = a.get(key), b.get(key)
        if isinstance(old_list, list) and isinstance(new_list, list):  # the first entry that differs
            k = next(
                (n for n, (x, y) in enumerate(zip(old_list, new_list, strict=False)) if not _same(x, y)),
                min(len(old_list), len(new_list)),
            )
            loc = (*loc, k) if k < len(new_list) else loc
        refuse(item_id, a, verb, loc, parsed_new.root, False)
    return out
