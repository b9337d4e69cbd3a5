"""Every commit since REV checked against who keeps which file (`ownership.py`).

`check_commits` is what `yunhe validate --base REV` adds: every commit since REV, judged by the
rules as they stood before it (at its first parent), so a commit cannot grant itself the right
it uses. The history is read with one `git log -m --raw -z` and one `git cat-file --batch` per
kind of file read, never a process per commit; only a merge whose sides both changed one data
file costs two more (`git merge-tree`, `git ls-tree`) to tell a clean merge from the merger's
own edit. The rules and CODEOWNERS stay importable from here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from yunhe_cli.checks.mechanism_owners import judge_supervision
from yunhe_cli.checks.ownership import (
    OwnersError,
    Rules,
    codeowners_drift,
    codeowners_target,
    is_rule_file,
    render_codeowners,
    render_protection,
    rules_from,
    rules_from_files,
    rules_of,
    unit_owners,
)
from yunhe_cli.core.problems import Problem
from yunhe_cli.store.commit_walk import CommitDiffs, walk
from yunhe_cli.store.facts import PROBLEM_FIELDS, facts_of, same_value
from yunhe_cli.store.git import ZERO, FileChange, Git, GitError
from yunhe_cli.store.layout import classify
from yunhe_cli.store.yamlio import decode, locate, parse_text

__all__ = [  # re-exported: where the commands and `init` ask for them
    "OwnersError",
    "Rules",
    "check_commits",
    "codeowners_drift",
    "codeowners_target",
    "render_codeowners",
    "render_protection",
    "rules_from",
    "rules_of",
    "unit_owners",
]

# What a problem's own unit may change in the lead unit's list: the problem's standing.
STANDING_FIELDS = frozenset({"status", "closed_on", "resolution", "evidence", "reopened"})
# `%G?` letters --require-signed accepts: only G, a good signature by a key the allowed signers
# (SSH) or the keyring (GPG) trust. U, a good signature by a key nobody allowed or of unknown trust,
# passes `git verify-commit` but proves nothing: anyone can make a key.
GOOD_SIGNATURES = frozenset({"G"})
SIGNATURE_WORDS = {
    "U": "signed by a key the allowed signers do not give for this identity (or of unknown trust)",
    "N": "not signed",
    "B": "signed with a bad signature",
    "X": "signed with an expired signature",
    "Y": "signed by an expired key",
    "R": "signed by a revoked key",
    "E": "signed, but the signature cannot be checked (unknown key, or no gpg.ssh.allowedSignersFile)",
}


# --------------------------------------------------------------------------- commits since REV


def _inside(prefix: str, path: str) -> str | None:
    if not prefix:
        return path
    return path[len(prefix) + 1 :] if path.startswith(prefix + "/") else None


State = tuple[tuple[str, str], ...]  # (rel, blob id) of the rule files at a commit


def check_commits(git: Git, prefix: str, base: str, require_signed: bool = False) -> list[Problem]:
    """Every problem of ownership (P701, P702) and, when asked, of signatures (P703) in the
    commits since `base` (reachable from HEAD, not from `base`), oldest first.

    Each commit is judged by the rules at its first parent. A change of the rules (members.yaml,
    plan.yaml, units.yaml, projects/) that is itself refused does not take effect, so a commit
    that adds its author to the office grants nothing to the commits after it."""
    base_sha = git.resolve(base)
    entries = walk(git, ["HEAD", f"^{base_sha}"], signatures=require_signed)
    in_range = {e.commit.sha for e in entries}
    states: dict[str, State] = {}
    at_base: dict[str, str] = {}
    for sha in {p for e in entries for p in e.commit.parents if p not in in_range} | {base_sha}:
        tree = git.tree(sha, prefix)
        if sha == base_sha:
            at_base = {path: blob for _mode, blob, path in tree}
        listed = ((_inside(prefix, path), blob) for _mode, blob, path in tree)
        states[sha] = tuple(
            sorted((rel, blob) for rel, blob in listed if rel is not None and is_rule_file(rel))
        )
    # A parentless commit merged in is judged as if made on BASE: by BASE's rules, for the files
    # it holds that BASE does not hold the same.
    entries = [e if e.commit.parents else _against(e, at_base) for e in entries]
    own = _own_changes(git, prefix, entries)
    rule_blobs = git.blobs(
        [sha for state in states.values() for _rel, sha in state]
        + [c.new for e in entries for c in e.changes if is_rule_file(_inside(prefix, c.path) or "")]
    )
    cache: dict[State, Rules] = {}

    def rules_at(state: State) -> Rules:
        if state not in cache:
            cache[state] = rules_from_files({rel: rule_blobs[sha] for rel, sha in state})
        return cache[state]

    problems: list[Problem] = []
    pending: list[tuple[CommitDiffs, Rules, list[FileChange]]] = []
    for entry in entries:
        commit = entry.commit
        if require_signed and entry.signature not in GOOD_SIGNATURES:
            problems.append(_unsigned(entry))
        before = states.get(commit.parents[0], ()) if commit.parents else states[base_sha]
        rules = rules_at(before)
        states[commit.sha] = _state_after(entry, rules, own[commit.sha], before, states, prefix)
        if rules.people.present:  # with no members file before this commit there is nobody to check
            pending.append((entry, rules, own[commit.sha]))
    issue_blobs = git.blobs(
        sha
        for entry, rules, changes in pending
        for c in changes
        if classify(_inside(prefix, c.path) or "") in ("problems", "supervision")
        and not _may_change(rules, entry, c, prefix)
        for sha in (c.old, c.new)
    )
    for entry, rules, changes in pending:
        problems.extend(_judge(entry, rules, changes, prefix, issue_blobs))
    return problems


def _unsigned(entry: CommitDiffs) -> Problem:
    commit = entry.commit
    first = next((c.path for c in entry.changes), "")
    verdict = SIGNATURE_WORDS.get(entry.signature, f"not verified ({entry.signature or '?'})")
    message = (
        f"{commit.short} by {commit.author} <{commit.author_email}> ({commit.subject}) is {verdict}; "
        "--require-signed accepts only a good signature (git verify-commit)"
    )
    return Problem(Path(f"{commit.short}:{first}"), "P703", message, (), 1, 1)


def _against(entry: CommitDiffs, at_base: dict[str, str]) -> CommitDiffs:
    """A root commit's files as changes against BASE's tree (`at_base`: path -> blob id): the files
    it adds or holds otherwise than BASE; what it does not hold is no change of its own (a merge
    that drops a file makes that change itself)."""
    changes = tuple(
        FileChange(c.path, at_base.get(c.path, ZERO), c.new, "M" if c.path in at_base else "A")
        for c in entry.changes
        if c.new != ZERO and at_base.get(c.path) != c.new
    )
    return CommitDiffs(entry.commit, changes, entry.combined, entry.signature)


def _state_after(
    entry: CommitDiffs,
    rules: Rules,
    own: list[FileChange],
    before: State,
    states: dict[str, State],
    prefix: str,
) -> State:
    """The rule files after a commit: `before` (its first parent's, BASE's for a root commit), with
    the commit's own changes that the rules allow, and (for a merge) each file it brings in as the
    parent it came from accepted it."""
    commit = entry.commit
    touched = [
        (rel, c) for c in entry.changes if (rel := _inside(prefix, c.path)) is not None and is_rule_file(rel)
    ]
    if not touched:
        return before
    files = dict(before)
    mine = {c.path for c in own}
    for rel, change in touched:
        if change.path in mine:
            if rules.people.present and not _may_change(rules, entry, change, prefix):
                continue  # refused: the rules stay as they were
            new: str | None = None if change.new == ZERO else change.new
        else:
            # Brought in by a merge: as the parent it came from accepted it.
            others = [dict(states.get(p, ())) for p in commit.parents[1:]]
            new = next(
                (o[rel] for o in others if o.get(rel) == change.new), others[0].get(rel) if others else None
            )
        if new is None:
            files.pop(rel, None)
        else:
            files[rel] = new
    return tuple(sorted(files.items()))


def _own_changes(git: Git, prefix: str, entries: list[CommitDiffs]) -> dict[str, list[FileChange]]:
    """The data files each commit changed itself. A merge's own changes are the files it leaves
    different from every parent and from what git would have merged by itself (a conflict
    resolved, or an edit slipped into the merge); what it brings in is its commits' own."""
    own: dict[str, list[FileChange]] = {}
    for entry in entries:
        if len(entry.commit.parents) < 2:
            own[entry.commit.sha] = [c for c in entry.changes if _inside(prefix, c.path) is not None]
            continue
        candidates = [c for c in entry.combined if _inside(prefix, c.path) is not None]
        if candidates and len(entry.commit.parents) == 2:
            clean = _auto_merged(git, entry.commit.parents, [c.path for c in candidates])
            candidates = [c for c in candidates if clean.get(c.path) != c.new]
        own[entry.commit.sha] = candidates
    return own


def _auto_merged(git: Git, parents: Sequence[str], paths: list[str]) -> dict[str, str]:
    """Blob ids of `paths` as git merges the two parents by itself (conflicted files differ)."""
    from yunhe_cli.store.git import check_revision, run_git

    first, second = (check_revision(p) for p in parents[:2])
    done = run_git(
        git.top, "merge-tree", "--write-tree", "--no-messages", "--allow-unrelated-histories", first, second
    )
    if done.returncode not in (0, 1) or not done.stdout:
        raise GitError(f"git merge-tree failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    tree = done.stdout.split(b"\n", 1)[0].decode().strip()
    out = git.run("ls-tree", "-z", "--full-tree", tree, "--", *paths)
    found = {}
    for record in out.split(b"\0"):
        if record:
            meta, _, path = record.partition(b"\t")
            found[path.decode("utf-8", "surrogateescape")] = meta.decode().split(" ")[2]
    return found


def _member_of(rules: Rules, email: str) -> frozenset[str]:
    return rules.people.member_units(email)


def _may_change(rules: Rules, entry: CommitDiffs, change: FileChange, prefix: str) -> bool:
    """Whether the author, and the committer too when another person, may change this file whatever
    the change (the office, or the owner): a commit made on a unit's behalf is accepted only when
    whoever committed it may change the file as well."""
    commit = entry.commit
    return _keeper(rules, commit.author_email, change, prefix) and _committer_may(
        rules, entry, change, prefix
    )


def _committer_may(rules: Rules, entry: CommitDiffs, change: FileChange, prefix: str) -> bool:
    commit = entry.commit
    if commit.committer_email.casefold() == commit.author_email.casefold():
        return True
    return _keeper(rules, commit.committer_email, change, prefix)


def _keeper(rules: Rules, email: str, change: FileChange, prefix: str) -> bool:
    units = _member_of(rules, email)
    if rules.office is not None and rules.office in units:
        return True
    owner = rules.owner(_inside(prefix, change.path) or "")
    return owner is not None and owner in units


def _who(rules: Rules, email: str) -> str:
    units = sorted(rules.name(u) for u in _member_of(rules, email))
    if not units:
        return f"{email} is not in members.yaml"
    return f"{email} is a member of {', '.join(units)}"


def _judge(
    entry: CommitDiffs, rules: Rules, changes: list[FileChange], prefix: str, blobs: dict[str, bytes]
) -> list[Problem]:
    commit = entry.commit
    by = f"{commit.short} by {commit.author} <{commit.author_email}>"
    inside = f"{prefix}/" if prefix else ""
    office = rules.name(rules.office) if rules.office else "(no office_unit)"
    out: list[Problem] = []
    for change in changes:
        if _may_change(rules, entry, change, prefix):
            continue
        rel = _inside(prefix, change.path) or change.path
        shown = Path(f"{commit.short}:{inside}{rel}")
        owner = rules.owner(rel)
        if _keeper(rules, commit.author_email, change, prefix):  # the committer may not
            message = (
                f"{by}, committed by {commit.committer} <{commit.committer_email}>, changes {inside}{rel}; "
                f"a commit made on {rules.name(owner) if owner else office}'s behalf is accepted only when "
                f"its committer may change the file too; {_who(rules, commit.committer_email)}"
            )
            out.append(Problem(shown, "P701", message, (), 1, 1))
            continue
        if classify(rel) == "supervision" and change.old != ZERO and change.new != ZERO:
            units, who = _member_of(rules, commit.author_email), _who(rules, commit.author_email)
            items = judge_supervision(rules, units, blobs[change.old], blobs[change.new], rel, shown, by, who)
            if items is not None:  # each item judged: the unit's feedback, or P705
                out.extend(items)
                continue
        if classify(rel) == "problems" and change.old != ZERO and change.new != ZERO:
            closings, other = _problem_changes(rules, commit.author_email, change, blobs, rel, owner)
            for pid, title, problem_owner, loc, (line, col) in closings:
                message = (
                    f"{by} crosses off {pid} ({title}); the problem is {rules.name(problem_owner)}'s and the "
                    f"list {rules.name(owner)}'s: only their members or the office ({office}) may close it; "
                    f"{_who(rules, commit.author_email)}"
                )
                out.append(Problem(shown, "P702", message, loc, line, col))
            if not other:
                continue
        verb = {"A": "adds", "D": "deletes"}.get(change.status, "changes")
        keeper = (
            f"{rules.name(owner)}, the lead unit of {rules.project_of(rel)}, keeps it"
            if owner
            else f"the office ({office}) keeps it"
        )
        if owner and classify(rel) == "supervision":
            keeper = f"{rules.name(owner)}, the supervision office, keeps it"

        allowed = (
            f"members of {rules.name(owner)} or of the office ({office})" if owner else f"members of {office}"
        )
        who = _who(rules, commit.author_email)
        message = f"{by} {verb} {inside}{rel}; {keeper} and only {allowed} may change it; {who}"
        out.append(Problem(shown, "P701", message, (), 1, 1))
    return out


Place = tuple[tuple[str | int, ...], tuple[int, int]]  # a key path, and its line and column


def _problem_changes(
    rules: Rules, email: str, change: FileChange, blobs: dict[str, bytes], rel: str, lead: str | None
) -> tuple[list[tuple[str, str, str | None, tuple[str | int, ...], tuple[int, int]]], bool]:
    """In a problem list changed by someone who does not keep it: the closings of problems that are
    not theirs (id, title, owner unit, place, line and column), and whether anything else changed."""
    texts = [decode(blobs[sha], Path(rel))[0] for sha in (change.old, change.new)]
    if texts[0] is None or texts[1] is None:
        return [], True  # unreadable: a change the list's keeper must make
    found = changed_entries(texts[0], texts[1], rel) or _whole_lists(texts[0], texts[1], rel)
    if found is None:
        return [], True
    old, new, place = found
    units = _member_of(rules, email)
    closings = []
    other = old == new  # a change of layout or comments only is still a change to the keeper's file
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is None or b is None:
            other = True  # a problem added or deleted: the keeper's
            continue
        changed = {f for f in PROBLEM_FIELDS if not same_value(a.get(f), b.get(f))}
        if not changed:
            continue
        owner = rules.unit_id(a.get("owner") if isinstance(a.get("owner"), str) else None)
        if changed <= STANDING_FIELDS and owner is not None and owner in units:
            continue  # the problem's own unit closes or reopens it
        if a.get("status") != "closed" and b.get("status") == "closed":
            loc, (line, col) = place(key[2])
            closings.append((key[2], str(b.get("title")), owner or lead, loc, (line, col)))
            if not changed <= STANDING_FIELDS:
                other = True
        else:
            other = True
    return closings, other


Facts = dict[tuple[str, ...], dict[str, Any]]


def _whole_lists(old_text: str, new_text: str, rel: str) -> tuple[Facts, Facts, Any] | None:
    """The facts of both versions of a list, each parsed whole."""
    old, new = parse_text(old_text, Path(rel)), parse_text(new_text, Path(rel))
    if not isinstance(old.data, dict) or not isinstance(new.data, dict):
        return None
    entries = new.data.get("problems")
    order = {
        e.get("id"): i
        for i, e in enumerate(entries if isinstance(entries, list) else [])
        if isinstance(e, dict)
    }

    def place(pid: str) -> Place:
        loc: tuple[str | int, ...] = ("problems", order.get(pid, 0), "status")
        return loc, locate(new.root, loc)

    return facts_of(rel, old.data), facts_of(rel, new.data), place


_ITEM = re.compile(r"( *)- ")


def _entries(text: str) -> tuple[str, list[tuple[int, str]]] | None:
    """A problem list in block layout cut into its head (up to the first problem) and each problem's
    lines with the line it starts on; None for any other layout (then the list is parsed whole)."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == "problems:"), None)
    if start is None:
        return None
    indent: str | None = None
    chunks: list[tuple[int, list[str]]] = []
    for i in range(start + 1, len(lines)):
        line = lines[i]
        blank = not line.strip() or line.lstrip().startswith("#")
        if indent is None:
            found = _ITEM.match(line)
            if found:
                indent = found.group(1)
                chunks.append((i, [line]))
            elif not blank:
                return None
            continue
        if line.startswith(indent + "- "):
            chunks.append((i, [line]))
        elif blank or line.startswith(indent + " "):
            chunks[-1][1].append(line)
        else:
            return None  # something after the list, or a line the cut would misread
    if not chunks:
        return None
    return "".join(lines[: chunks[0][0]]), [(i, "".join(c)) for i, c in chunks]


def changed_entries(old_text: str, new_text: str, rel: str) -> tuple[Facts, Facts, Any] | None:
    """The facts of only the problems whose lines differ, each parsed with the list's head (a list
    of sixty problems is read in a few entries, not twice whole); None when the cut is not safe."""
    old_cut, new_cut = _entries(old_text), _entries(new_text)
    if old_cut is None or new_cut is None or old_cut[0] != new_cut[0]:
        return None
    head = old_cut[0]
    shift = head.count("\n")
    kept = {c for _i, c in old_cut[1]} & {c for _i, c in new_cut[1]}
    old: Facts = {}
    new: Facts = {}
    places: dict[str, Place] = {}
    for facts, cut, is_new in ((old, old_cut, False), (new, new_cut, True)):
        for k, (first, chunk) in enumerate(cut[1]):
            if chunk in kept:
                continue
            parsed = parse_text(head + chunk, Path(rel))
            one = facts_of(rel, parsed.data) if isinstance(parsed.data, dict) else {}
            entries = parsed.data.get("problems") if isinstance(parsed.data, dict) else None
            if parsed.problems or len(one) != 1 or not isinstance(entries, list) or len(entries) != 1:
                return None  # not one problem: read the lists whole
            key = next(iter(one))
            if key in facts:
                return None
            facts.update(one)
            if is_new:
                line, col = locate(parsed.root, ("problems", 0, "status"))
                places[key[2]] = (("problems", k, "status"), (line + first - shift, col))

    def place(pid: str) -> Place:
        return places.get(pid, (("problems", 0, "status"), (1, 1)))

    return old, new, place
