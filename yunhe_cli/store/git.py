"""Reading a data repository's history from git's objects, with batched plumbing only.

Why `git` itself and not a binding, measured by `bench/bench_git.py` on the synthetic five-year
history of `bench/make_history.py` (2,941 commits, 623 files at HEAD, this 2-core machine):
listing every file change of the history took 102 ms with `git log --raw -z`, 169 ms with pygit2
and 1,434 ms with dulwich; reading the 623 files at HEAD took 40 ms with one `ls-tree` and one
`cat-file --batch`, 8 ms with pygit2 and 48 ms with dulwich. The history walk is what `yunhe log`
waits on, and the 32 ms pygit2 saves on a tree are lost in a 600 ms report; git itself needs no
compiled wheel and is on every machine that holds the data. Every function here starts a fixed
number of processes (one `ls-tree`, one `cat-file`, one `log`), never one per file or per commit.

Nothing here touches the work tree: a revision's files come from the object database, the staged
files from the index.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import subprocess
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ZERO = "0" * 40


class GitError(Exception):
    """A usage error about git: no repository, an unknown revision, a shallow clone (exit 2)."""


# Every git process yunhe starts is built here (`command` and `_env`), so that no call can forget
# any of this. The repository's own configuration and the caller's environment decide nothing that
# runs code or changes what is read:
# - no command from the configuration: no fsmonitor (`core.fsmonitor` in a repository's
#   .git/config would run at the first read of the index), no hooks, no pager;
# - the real objects, never `git replace`'s substitutes (GIT_NO_REPLACE_OBJECTS);
# - every pathspec literal (GIT_LITERAL_PATHSPECS): a data folder named `c*` means that folder,
#   not `cx/` beside it;
# - no GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_OBJECT_DIRECTORY, GIT_CONFIG_PARAMETERS ...
#   from the caller: of git's variables only those that choose the user's own configuration files
#   pass (`_KEPT`);
# - messages and dates in a form we parse, no prompts, and output settings that would change what
#   `log` prints (a signature shown, renames followed) turned off.
# The settings go both on the command line (`-c`) and in GIT_CONFIG_COUNT (git >= 2.31), so that
# a process started with `_env()` alone has them too.
SAFE_CONFIG: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", "/dev/null"),
    ("core.pager", "cat"),
    ("core.untrackedCache", "false"),
    ("log.showSignature", "false"),
    ("log.follow", "false"),
    ("i18n.logOutputEncoding", "UTF-8"),
    # the programs that verify a signature (`%G?`): never those a repository's .git/config names;
    # `signing_programs` puts back the user's own (global or system) choice when signatures are read
    ("gpg.program", "gpg"),
    ("gpg.openpgp.program", "gpg"),
    ("gpg.x509.program", "gpgsm"),
    ("gpg.ssh.program", "ssh-keygen"),
)
SIGNING_PROGRAMS = ("gpg.program", "gpg.openpgp.program", "gpg.x509.program", "gpg.ssh.program")
_KEPT = frozenset(
    {
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_NOSYSTEM",
        "GIT_CEILING_DIRECTORIES",
        "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    }
)
_FIXED = {
    "LC_ALL": "C",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_NO_REPLACE_OBJECTS": "1",
    "GIT_LITERAL_PATHSPECS": "1",
    "GIT_OPTIONAL_LOCKS": "0",
}


def _env() -> dict[str, str]:
    """The environment of every git process: the caller's, less git's own variables, plus `_FIXED`
    and `SAFE_CONFIG`."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("GIT_") or k.upper() in _KEPT}
    env.update(_FIXED)
    env["GIT_CONFIG_COUNT"] = str(len(SAFE_CONFIG))
    for i, (key, value) in enumerate(SAFE_CONFIG):
        env[f"GIT_CONFIG_KEY_{i}"] = key
        env[f"GIT_CONFIG_VALUE_{i}"] = value
    return env


@functools.cache
def signing_programs() -> tuple[tuple[str, str], ...]:
    """The signature verifiers the user chose in their own configuration (system, then global: the
    later wins), read outside any repository; the repository's own configuration is not asked."""
    chosen: dict[str, str] = {}
    for scope in ("--system", "--global"):
        done = subprocess.run(
            ["git", "config", scope, "--null", "--get-regexp", r"^gpg\..*program$"],
            capture_output=True,
            env=_env(),
            cwd=os.path.abspath(os.sep),
            check=False,
        )
        for record in done.stdout.split(b"\0"):
            key, _, value = record.decode("utf-8", "replace").partition("\n")
            if key.lower() in SIGNING_PROGRAMS and value:
                chosen[key.lower()] = value
    return tuple(chosen.items())


def command(where: Path | str, *args: str) -> list[str]:
    """The argv of `git args` run in `where`, with `SAFE_CONFIG` on its command line."""
    config = [word for key, value in SAFE_CONFIG for word in ("-c", f"{key}={value}")]
    return ["git", "-C", str(where), *config, *args]


def run_git(
    where: Path | str, *args: str, stdin: bytes | None = None, keep: Iterable[str] = ()
) -> subprocess.CompletedProcess[bytes]:
    """`git args` in `where`, safely (see above); any exit status. GitError when git is missing.
    `keep`: more of the caller's git variables to pass (only `AUTHOR_VARIABLES`, for `git var`)."""
    env = _env()
    env.update({k: os.environ[k] for k in keep if k in AUTHOR_VARIABLES and k in os.environ})
    try:
        return subprocess.run(command(where, *args), input=stdin, capture_output=True, env=env, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (yunhe reads the history with it)") from None


def stream_git(where: Path | str, *args: str) -> Iterator[bytes]:
    """`git args` in `where`, safely (as `run_git`), its stdout as it comes, in chunks. A GitError
    when git fails (after what it wrote); the process is ended if the reader stops early."""
    try:
        proc = subprocess.Popen(
            command(where, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env()
        )
    except FileNotFoundError:
        raise GitError("git is not installed (yunhe reads the history with it)") from None
    assert proc.stdout is not None and proc.stderr is not None
    finished = False
    try:
        while chunk := os.read(proc.stdout.fileno(), 1 << 16):
            yield chunk
        finished = True
    finally:
        if not finished:
            proc.kill()
        proc.stdout.close()
        error = proc.stderr.read()
        proc.stderr.close()
        code = proc.wait()
    if code != 0:
        message = error.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")


class BlobSource:
    """Blobs read one batch at a time from one `git cat-file --batch` process kept open (for a
    reader that wants the blobs of one commit, then the next): `close` ends it."""

    def __init__(self, top: Path) -> None:
        try:
            self._proc = subprocess.Popen(
                command(top, "cat-file", "--batch"),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=_env(),
            )
        except FileNotFoundError:
            raise GitError("git is not installed (yunhe reads the history with it)") from None

    def get(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The content of every blob asked for."""
        stdin, stdout = self._proc.stdin, self._proc.stdout
        assert stdin is not None and stdout is not None
        wanted = list(dict.fromkeys(s for s in shas if s != ZERO))
        found: dict[str, bytes] = {}
        for start in range(0, len(wanted), 256):  # requests well under a pipe's buffer
            batch = wanted[start : start + 256]
            stdin.write(("\n".join(batch) + "\n").encode())
            stdin.flush()
            for sha in batch:
                header = stdout.readline().decode()
                if not header or header.endswith(" missing\n"):
                    raise GitError(f"the object {sha} is missing from the repository")
                size = int(header.rsplit(" ", 1)[1])
                found[sha] = stdout.read(size + 1)[:size]
        return found

    def close(self) -> None:
        for stream in (self._proc.stdin, self._proc.stdout):
            if stream is not None:
                stream.close()
        self._proc.wait()


# A revision as yunhe passes it to git: one commit-ish, never an option, a range or a list.
_MULTIPLE = re.compile(r"\.\.|\^[@!]|\^-")
MAX_REVISION = 256


def check_revision(rev: str, *, exclude: bool = False) -> str:
    """`rev` if it may reach git as one revision, else GitError (a usage error, exit 2).

    Refused: nothing; anything starting with `-` (git would read an option: `--octopus`,
    `--output=...`); whitespace, control and format characters; a range or a set of commits
    (`a..b`, `a...b`, `r^@`, `r^!`, `r^-`), which callers split themselves; more than 256
    characters. With `exclude`, one leading `^` (a commit to leave out, as in ``^BASE``) is allowed.
    """
    text = rev[1:] if exclude and rev.startswith("^") else rev
    bad = (
        not text
        or len(rev) > MAX_REVISION
        or text.startswith(("-", "^"))
        or _MULTIPLE.search(text) is not None
        or any(unicodedata.category(ch)[0] in "CZ" for ch in text)
    )
    if bad:
        raise GitError(f"{rev!r} is not a revision")
    return rev


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def day_named(rev: str) -> dt.date | None:
    """The day a revision written YYYY-MM-DD names (`--at 2025-04-10`), else None. A value so
    written is always a day, never a branch or tag of that name (write `tags/2025-04-10` for a
    tag); one that is not a date of the calendar is a GitError."""
    if _DAY.fullmatch(rev) is None:
        return None
    try:
        return dt.date.fromisoformat(rev)
    except ValueError:
        raise GitError(f"{rev!r} is not a date; write YYYY-MM-DD") from None


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author: str
    author_email: str
    author_date: dt.datetime
    committer: str
    committer_email: str
    committer_date: dt.datetime
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:10]


# One commit's fields as `commit_of` reads them (\x1e before each commit, \x1f after each field).
ONE_COMMIT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cn%x1f%ce%x1f%cI%x1f%s%x1f"


def commit_of(fields: Sequence[bytes]) -> Commit:
    head = [f.decode("utf-8", "replace") for f in fields[:9]]
    return Commit(
        sha=head[0],
        parents=tuple(head[1].split()),
        author=head[2],
        author_email=head[3],
        author_date=dt.datetime.fromisoformat(head[4]),
        committer=head[5],
        committer_email=head[6],
        committer_date=dt.datetime.fromisoformat(head[7]),
        subject=head[8],
    )


@dataclass(frozen=True, slots=True)
class FileChange:
    """One path changed by a commit, against its first parent: blob ids, '0'*40 when absent."""

    path: str  # relative to the top of the repository
    old: str
    new: str
    status: str  # A, M, D, T


@dataclass(frozen=True, slots=True)
class Git:
    """A repository, by the top of its work tree."""

    top: Path

    def run(self, *args: str, stdin: bytes | None = None) -> bytes:
        done = run_git(self.top, *args, stdin=stdin)
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(message[-1] if message else f"git {args[0]} failed")
        return done.stdout

    # ----------------------------------------------------------------- revisions

    def has_commits(self) -> bool:
        try:
            self.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        except GitError:
            return False
        return True

    def is_shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository").strip() == b"true"

    def resolve(self, rev: str) -> str:
        """The commit a revision names, or a GitError that says why there is none. A day written
        YYYY-MM-DD names the last commit on or before it (`last_commit_on`)."""
        check_revision(rev)
        day = day_named(rev)
        if day is not None:
            return self.last_commit_on(day).sha
        try:
            out = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
            return out.decode()[:40]
        except GitError:
            pass
        if rev == "HEAD" and not self.has_commits():
            raise GitError("the repository has no commits yet") from None
        hint = ""
        if self.is_shallow():
            hint = " (this clone is shallow: fetch the history with `git fetch --unshallow`)"
        raise GitError(f"there is no revision {rev!r} in {self.top}{hint}") from None

    def last_commit_on(self, day: dt.date, tip: str = "HEAD") -> Commit:
        """The last commit of `tip`'s first-parent history made on or before `day` (by its commit
        date, read on the committer's own clock as the commit records it, so that the answer does
        not depend on this machine's time zone); none is a GitError. One `git log`."""
        if not self.has_commits():
            raise GitError("the repository has no commits yet")
        out = self.run(
            "log", "--first-parent", f"--format={ONE_COMMIT}", "--end-of-options", check_revision(tip), "--"
        )
        first: Commit | None = None
        for chunk in out.split(b"\x1e")[1:]:
            first = commit_of(chunk.split(b"\x1f"))
            if first.committer_date.date() <= day:
                return first
        hint = ""
        if self.is_shallow():
            hint = " (this clone is shallow: fetch the history with `git fetch --unshallow`)"
        elif first is not None:
            hint = f" (the first is {first.short} of {first.committer_date.date().isoformat()})"
        raise GitError(f"there is no commit on or before {day.isoformat()} in the history of {tip}{hint}")

    def merge_base(self, a: str, b: str) -> str:
        check_revision(a)
        check_revision(b)
        try:
            return self.run("merge-base", "--end-of-options", a, b).decode().strip()
        except GitError:
            hint = " (this clone is shallow: fetch the history with `git fetch --unshallow`)"
            raise GitError(f"{a} and {b} have no common commit{hint if self.is_shallow() else ''}") from None

    def is_ancestor(self, ancestor: str, commit: str) -> bool:
        """Whether `ancestor` is in the history of `commit` (`git merge-base --is-ancestor`)."""
        done = run_git(
            self.top, "merge-base", "--is-ancestor", check_revision(ancestor), check_revision(commit)
        )
        if done.returncode not in (0, 1):
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(message[-1] if message else "git merge-base failed")
        return done.returncode == 0

    # ----------------------------------------------------------------- trees and blobs

    def tree(
        self, commit: str, prefix: str, submodules: list[str] | None = None
    ) -> list[tuple[str, str, str]]:
        """(mode, blob id, path) of every file under `prefix` at `commit`; the path of every
        submodule (a commit of another repository) goes to `submodules` when given."""
        check_revision(commit)
        spec = [f"{prefix}/"] if prefix else []
        # after --end-of-options, ls-tree would read a "--" as a path: every word after the tree is one
        out = self.run("ls-tree", "-r", "-z", "--full-tree", "--end-of-options", commit, *spec)
        entries = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, path = record.partition(b"\t")
            mode, kind, sha = meta.decode().split(" ")
            if kind == "blob":
                entries.append((mode, sha, path.decode("utf-8", "surrogateescape")))
            elif kind == "commit" and submodules is not None:
                submodules.append(path.decode("utf-8", "surrogateescape"))
        return entries

    def staged(self, prefix: str) -> list[tuple[str, str, str]]:
        """(mode, blob id, path) of every file under `prefix` in the index (what a commit would hold)."""
        spec = [f"{prefix}/"] if prefix else []
        out = self.run("ls-files", "-s", "-z", "--full-name", "--", *spec)
        entries = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, path = record.partition(b"\t")
            mode, sha, stage = meta.decode().split(" ")
            if stage == "0":
                entries.append((mode, sha, path.decode("utf-8", "surrogateescape")))
        return entries

    def blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The content of every blob asked for, from one `git cat-file --batch` process."""
        wanted = list(dict.fromkeys(s for s in shas if s != ZERO))
        if not wanted:
            return {}
        out = self.run("cat-file", "--batch", stdin=("\n".join(wanted) + "\n").encode())
        found: dict[str, bytes] = {}
        pos = 0
        for sha in wanted:
            end = out.index(b"\n", pos)
            header = out[pos:end].decode()
            pos = end + 1
            if header.endswith(" missing"):
                raise GitError(f"the object {sha} is missing from the repository")
            size = int(header.rsplit(" ", 1)[1])
            found[sha] = out[pos : pos + size]
            pos += size + 1
        return found

    # ----------------------------------------------------------------- history

    def log(self, revs: Sequence[str], prefix: str) -> list[tuple[Commit, list[FileChange]]]:
        """Every commit reachable from `revs` that changed a file under `prefix`, newest first,
        with its changes against its parent, from one `git log --raw -z`. A merge shows no changes
        of its own: the commits it brings in show them, under their authors."""
        return list(self.log_stream(revs, prefix))

    def log_stream(self, revs: Sequence[str], prefix: str) -> Iterator[tuple[Commit, list[FileChange]]]:
        """As `log`, each commit as soon as git has written it (the newest first: `--topo-order`
        writes as it walks, so the first commits come before the walk is done)."""
        spec = [prefix] if prefix else ["."]
        chunks = stream_git(
            self.top,
            "log",
            "--raw",
            "-z",
            "--no-renames",
            "--no-abbrev",
            "--topo-order",
            f"--format={ONE_COMMIT}",
            "--end-of-options",
            *(check_revision(rev, exclude=True) for rev in revs),
            "--",
            *spec,
        )
        pending = b""
        for chunk in chunks:
            records = (pending + chunk).split(b"\x1e")
            pending = records.pop()
            for record in records:
                if record:
                    fields = record.split(b"\x1f")
                    yield commit_of(fields), raw_changes(fields[9] if len(fields) > 9 else b"")
        if pending:
            fields = pending.split(b"\x1f")
            yield commit_of(fields), raw_changes(fields[9] if len(fields) > 9 else b"")

    def path_versions(self, commit: str, path: str) -> list[str]:
        """The blob ids `path` (from the top) had in the history of `commit`, newest first."""
        out = self.run(
            "log",
            "--raw",
            "-z",
            "--no-renames",
            "--no-abbrev",
            "--topo-order",
            "--format=%x1e",
            "--end-of-options",
            check_revision(commit),
            "--",
            path,
        )
        return [c.new for chunk in out.split(b"\x1e")[1:] for c in raw_changes(chunk) if c.new != ZERO]


def raw_changes(raw: bytes) -> list[FileChange]:
    # `--raw -z`: ":oldmode newmode old new status\0path\0" per file; a merge's combined diff writes
    # "::mode mode mode old old new MM\0path\0" (`old` here: the first parent's).
    parts = raw.lstrip(b"\n").split(b"\0")
    changes = []
    i = 0
    while i + 1 < len(parts):
        meta = parts[i].strip()
        if not meta.startswith(b":"):
            i += 1
            continue
        colons = len(meta) - len(meta.lstrip(b":"))
        words = meta[colons:].decode().split(" ")
        old, new, status = words[colons + 1], words[2 * colons + 1], words[-1]
        path = parts[i + 1].decode("utf-8", "surrogateescape")
        changes.append(FileChange(path, old, new, status[:1]))
        i += 2
    return changes


def open_repository(data_root: Path) -> tuple[Git, str]:
    """The git repository holding `data_root`, and the data folder's path inside it ('' at the top)."""
    folder = data_root.absolute()
    probe = folder
    while not probe.is_dir() and probe != probe.parent:
        probe = probe.parent
    done = run_git(probe, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise GitError(f"{data_root} is not in a git repository")
    top = Path(done.stdout.decode().strip())
    try:
        prefix = folder.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        raise GitError(f"{data_root} is not in the git repository at {top}") from None
    return Git(top), "" if prefix == "." else prefix


# The variables by which the caller names the author of the next commit: they choose a name, never
# what runs or what is read, and `git var GIT_AUTHOR_IDENT` reads them as `git commit` would.
AUTHOR_VARIABLES = frozenset({"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE"})
_IDENT = re.compile(r"^(?P<name>.*?) <(?P<email>[^<>]*)> \d+ [+-]\d{4}$")


def author_ident(folder: Path) -> tuple[str, str] | None:
    """(name, email) of the author a commit made in `folder` would record, as git resolves it
    (`git var GIT_AUTHOR_IDENT`: GIT_AUTHOR_NAME/EMAIL, then the repository's user.name/email, the
    global ones, EMAIL ...); None when git cannot tell (no identity configured)."""
    try:
        done = run_git(folder, "var", "GIT_AUTHOR_IDENT", keep=AUTHOR_VARIABLES)
    except GitError:
        return None
    found = _IDENT.match(done.stdout.decode("utf-8", "replace").strip()) if done.returncode == 0 else None
    if found is None or not found.group("name").strip():
        return None
    return found.group("name").strip(), found.group("email")


def user_name(folder: Path) -> str | None:
    """The author's name a commit made in `folder` would record (`author_ident`), if git can tell."""
    ident = author_ident(folder)
    return ident[0] if ident else None
