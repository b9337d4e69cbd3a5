"""Record what every read-only yunhe command prints, to compare two versions byte for byte.

For refactors that must not change behaviour: record the outputs before, record them after,
compare. The CLI is only ever run as a subprocess (`python -m yunhe_cli`, else the `yunhe`
script beside the interpreter), so this keeps working whatever the package's module layout.

    python bench/record_outputs.py record OUTDIR [--repo ROOT] [--python PY] [--jobs N] [--only TEXT]
    python bench/record_outputs.py compare DIR_A DIR_B

`record` runs the report commands (and their help, a few deliberate mistakes and the commands
that write a page, a workbook, CSV, Parquet, schemas, CODEOWNERS or a new data repository into
a temporary folder) on ROOT/data and ROOT/examples/sample, in every --format and both --lang,
at COLUMNS=80 (and 120 for tables), with a fixed --as-of and the cache off. Each command gives
OUTDIR/<command line>.txt (exit status, stdout, stderr) and, when it writes files,
OUTDIR/<command line>.files/. Commands that read git history (log, diff, --at, --base, --staged)
run only when ROOT is a git repository, at revisions fixed by their position from the first
commit that touched the folder (history only grows, so the position names the same commit).

The environment is fixed (locale, time zone, hash seed, no user or system git configuration).
What changes from run to run or from checkout to checkout is replaced, and only that:
  <JOB>, <TMP>  the temporary folders the outputs are written to;
  <ROOT>        ROOT's absolute path;
  <PYTHON>      the interpreter's path (`yunhe init` prints it in its next step);
  <HEAD>        HEAD's commit id (the Parquet snapshot records the commit it was read at; a
                snapshot holding HEAD's id is recorded decoded, as text, instead of as bytes);
  <NOW>         the creation time openpyxl writes into docProps/core.xml (an .xlsx is recorded
                member by member, without the zip's own timestamps) and the `written` time of
                a Parquet snapshot's _yunhe/*.json.
Where a replaced path stood in a rich panel, the padding before the panel's right border is made
one space (the two commands whose error names ROOT run at 200 columns, so no line breaks move).
Outputs that name a county by its folder run in a copy of the two data folders at
<TMP>/yunhe/ (labels `yunhe` and `sample`), so that the checkout's folder name does not show.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

SAMPLE = "examples/sample"
DATA = "data"
SAMPLE_AS_OF = "2026-11-15"
DATA_AS_OF = "2025-06-30"
FORMATS = ("table", "plain", "markdown", "csv", "json")
LANGS = ("zh", "en")
WIDE = 120  # tables are recorded at 80 columns and at this width
TIMEOUT = 300  # seconds for one command
# Pinned revisions: name -> (folder, position among the commits that touched it, oldest first).
PINS = {
    "S2": (SAMPLE, 2),
    "S3": (SAMPLE, 3),
    "S4": (SAMPLE, 4),
    "S5": (SAMPLE, 5),
    "D0": (DATA, 0),
    "D4": (DATA, 4),
}

# Runs in the recorded interpreter (which has pyarrow when yunhe's export parquet works).
DUMP_PARQUET = r"""
import json, sys
import pyarrow.parquet as pq
f = pq.ParquetFile(sys.argv[1])
m = f.metadata
print(f"created_by: {m.created_by}\nformat_version: {m.format_version}")
print(f"num_rows: {m.num_rows}\nnum_row_groups: {m.num_row_groups}")
print(f.schema_arrow.to_string(show_schema_metadata=True))
for row in f.read().to_pylist():
    print(json.dumps(row, ensure_ascii=False, default=str))
"""
# A rich panel pads a line to its border: where a path was replaced, the padding is made one space.
BORDER = "│".encode()
PADDED = re.compile(rb"(<(?:JOB|TMP|ROOT|PYTHON|HEAD)>[^\n]*?) +" + BORDER + rb"(\r?)$", re.MULTILINE)
CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
WRITTEN = re.compile(rb'("written": )"[^"]*"')


@dataclass(frozen=True)
class Job:
    """One command line. `args` may hold {OUT} (the job's output folder) and {S3}, {D0}, … (pins)."""

    args: tuple[str, ...]
    columns: int = 80
    cwd: str = "root"  # root: ROOT; copy: <TMP>/yunhe (copies of the data folders); empty: no data
    env: tuple[tuple[str, str], ...] = ()
    git: bool = False  # needs ROOT's git history

    def pins(self) -> set[str]:
        return {name for arg in self.args for name in re.findall(r"\{([SD]\d)\}", arg)}

    def name(self) -> str:
        words = ["yunhe"] + ([f"[{self.cwd}]"] if self.cwd != "root" else [])
        words += [f"{k}={v}" for k, v in self.env]
        words += [re.sub(r"\{([A-Z0-9]+)\}", r"@\1", arg) for arg in self.args]
        if self.columns != 80:
            words.append(f"w{self.columns}")
        text = "_".join(words).replace("/", "~")
        text = "".join(c if c.isalnum() or c in "-_.=@~+,[]()" else "_" for c in text)
        if len(text.encode()) > 180:
            digest = hashlib.sha1("\0".join(words).encode()).hexdigest()[:10]
            text = text.encode()[:160].decode(errors="ignore") + "…" + digest
        return text


# ---------------------------------------------------------------------------------------------
# The commands


def every_format(args: Iterable[str], *, cwd: str = "root", git: bool = False) -> list[Job]:
    """Every --format in both languages; tables at 80 and at WIDE columns."""
    jobs = []
    for fmt in FORMATS:
        for lang in LANGS:
            for columns in (80, WIDE) if fmt == "table" else (80,):
                jobs.append(Job((*args, "--format", fmt, "--lang", lang), columns, cwd=cwd, git=git))
    return jobs


def some_formats(args: Iterable[str], *, cwd: str = "root", git: bool = False) -> list[Job]:
    """A variant: plain in Chinese, json in English, a table in English."""
    return [
        Job((*args, "--format", fmt, "--lang", lang), cwd=cwd, git=git)
        for fmt, lang in (("plain", "zh"), ("json", "en"), ("table", "en"))
    ]


def one(
    *args: str, columns: int = 80, cwd: str = "root", env: tuple[tuple[str, str], ...] = (), git: bool = False
) -> Job:
    return Job(tuple(args), columns, cwd=cwd, env=env, git=git)


def report_jobs() -> list[Job]:
    jobs: list[Job] = []
    s = ("--data", SAMPLE, "--as-of", SAMPLE_AS_OF)
    d = ("--data", DATA, "--as-of", DATA_AS_OF)
    for where, period, quarter, year in (
        (s, "2026-10", "2026-Q3", "2025"),
        (d, "2025-05", "2025-Q2", "2024"),
    ):
        for command in ("status", "indicators", "tasks", "issues"):
            jobs += every_format((command, *where))
        jobs += every_format(("dispatch", *where))
        jobs += some_formats(("dispatch", "--period", period, *where))
        jobs += every_format(("quarter", quarter, *where))
        jobs += some_formats(("quarter", quarter, "--data", where[1]))  # default: when its reports fall due
        jobs += every_format(("annual", year, *where))
        jobs += some_formats(("annual", year, "--data", where[1]))
        jobs += every_format(("history", "p01.investment", *where))
        jobs += some_formats(("history", "有效投资", *where))  # by name
        jobs += some_formats(("status", "-p", "p01", *where))
    # variants on the sample, which has reports and problems
    jobs += some_formats(("dispatch", "--period", "2026-08", *s))
    jobs += some_formats(("quarter", "2025-Q4", *s))
    jobs += some_formats(("annual", "2026", *s))
    for indicator in (
        "p01.projects-100m",
        "p01.investment-growth",
        "p01.investment-rank",
        "p03.rd-intensity",
    ):
        jobs += some_formats(("history", indicator, *s))
    for project in ("3", "双扩双争", "交通强县建设工程"):  # by number, short name, name
        jobs += some_formats(("status", "-p", project, *s))
    for option in (("--unit", "fgj"), ("--unit", "县发改局"), ("--convener", "傅雅涛")):
        jobs += some_formats(("status", *option, *s))
    jobs += some_formats(("indicators", "--status", "at_risk", *s))
    jobs += some_formats(("indicators", "-p", "p02", "--unit", "县经商局", *s))
    jobs += some_formats(("tasks", "--status", "blocked", *s))
    jobs += some_formats(("tasks", "--overdue", "-p", "p05", *s))
    jobs += some_formats(("issues", "--status", "open", "--convener", "傅雅涛", *s))
    jobs += some_formats(("issues", "--status", "closed", "-p", "p07", *s))
    jobs += some_formats(("issues", "--overdue", "--unit", "fgj", *s))
    # defaults: --format (plain when not a terminal) and --lang (from the locale)
    jobs.append(one("status", *s))
    jobs.append(one("status", *s, "--format", "plain", env=(("LC_ALL", "zh_CN.UTF-8"),)))
    jobs.append(one("indicators", *s, "--format", "plain", env=(("LANG", "zh_CN.UTF-8"), ("LC_ALL", ""))))
    jobs.append(one("status", "--as-of", DATA_AS_OF, "--format", "plain", "--lang", "zh"))  # ./data
    # many counties (labelled by folder: run in the copy)
    many = ("--data", DATA, "--data", SAMPLE, "--as-of", SAMPLE_AS_OF)
    jobs += some_formats(("status", *many), cwd="copy")
    jobs += some_formats(("issues", "--counties", "counties.txt", "--as-of", SAMPLE_AS_OF), cwd="copy")
    jobs.append(one("indicators", *many, "--format", "csv", "--lang", "zh", cwd="copy"))
    return jobs


def git_jobs() -> list[Job]:
    s = ("--data", SAMPLE, "--as-of", SAMPLE_AS_OF)
    jobs: list[Job] = []
    # log: every change up to HEAD (a refactor that touches no data adds none)
    jobs += every_format(("log", "p01.investment", "--data", SAMPLE), git=True)
    jobs += every_format(("log", "--data", DATA), git=True)
    jobs.append(one("log", "--data", SAMPLE, "--format", "plain", "--lang", "en", git=True))  # ~1 MB
    jobs.append(one("log", "--data", SAMPLE, "--format", "json", "--lang", "zh", git=True))  # ~8 MB
    jobs += some_formats(("log", "p01", "--period", "2026-08", "--data", SAMPLE), git=True)
    jobs += some_formats(("log", "p01-002", "--data", SAMPLE), git=True)
    jobs += some_formats(("log", "p01.deployment", "--data", SAMPLE), git=True)
    jobs += some_formats(("log", "--since", "2026-11-29", "--until", "2026-11-29", "--data", DATA), git=True)
    # diff between pinned commits, and a pinned commit against the work tree / the index
    jobs += every_format(("diff", "{S3}..{S4}", *s), git=True)
    jobs += some_formats(("diff", "{S2}..{S3}", *s), git=True)
    jobs += some_formats(("diff", "{S3}...{S4}", *s), git=True)
    jobs += some_formats(("diff", "{S4}", *s), git=True)
    jobs += some_formats(("diff", "--staged", *s), git=True)
    jobs += some_formats(("diff", "{D0}..{D4}", "--data", DATA, "--as-of", DATA_AS_OF), git=True)
    # the data as committed (--at)
    for command in ("status", "indicators", "tasks", "issues", "dispatch"):
        jobs += some_formats((command, "--at", "{S5}", *s), git=True)
    jobs += some_formats(("quarter", "2026-Q3", "--at", "{S5}", *s), git=True)
    jobs += some_formats(("annual", "2025", "--at", "{S5}", *s), git=True)
    jobs += some_formats(("history", "p01.investment", "--at", "{S2}", *s), git=True)
    jobs += some_formats(("status", "--at", "{S2}", *s), git=True)
    jobs += some_formats(("status", "--at", "{D4}", "--data", DATA, "--as-of", DATA_AS_OF), git=True)
    # validate against a base, and the staged files
    jobs.append(one("validate", *s, "--base", "{S3}", git=True))
    jobs.append(one("validate", *s, "--base", "{S3}", "--format", "json", git=True))
    jobs.append(one("validate", "--data", DATA, "--as-of", DATA_AS_OF, "--base", "{D0}", git=True))
    jobs.append(one("validate", *s, "--staged", git=True))
    jobs.append(one("validate", *s, "--staged", "--format", "json", git=True))
    # files written from the data as committed
    jobs.append(one("site", "{OUT}/page.html", "--at", "{S5}", *s, "--lang", "zh", git=True))
    jobs.append(one("export", "xlsx", "{OUT}/forms.xlsx", "--at", "{S5}", *s, "--lang", "en", git=True))
    jobs.append(one("export", "csv", "{OUT}/csv", "--at", "{S5}", *s, "--lang", "zh", git=True))
    jobs.append(one("export", "parquet", "{OUT}/snap", "--at", "{S5}", *s, git=True))
    jobs.append(one("export", "parquet", "{OUT}/snap", *s, git=True))  # commit: HEAD
    # mistakes
    # these name ROOT in a panel: at 200 columns its length moves no line break
    jobs.append(
        one("diff", "nosuchrev..HEAD", *s, "--format", "plain", "--lang", "en", columns=200, git=True)
    )
    jobs.append(
        one("status", "--at", "nosuchrev", *s, "--format", "plain", "--lang", "zh", columns=200, git=True)
    )
    jobs.append(one("log", "p99", "--data", SAMPLE, "--format", "plain", "--lang", "en", git=True))
    jobs.append(one("log", "--period", "2026-13", "--data", SAMPLE, "--lang", "en", git=True))
    return jobs


def validate_jobs() -> list[Job]:
    jobs: list[Job] = []
    for where in (("--data", SAMPLE, "--as-of", SAMPLE_AS_OF), ("--data", DATA, "--as-of", DATA_AS_OF)):
        for fmt in ("text", "json", "github"):
            jobs.append(one("validate", *where, "--format", fmt))
        jobs.append(one("validate", *where, "--strict"))
        jobs.append(one("fmt", "--check", "--data", where[1]))
    jobs.append(one("fmt", "--check", "--data", DATA, "--format", "json"))
    jobs.append(one("fmt", "--check", "--data", DATA, "--format", "github"))
    jobs.append(one("validate", "--as-of", DATA_AS_OF))  # ./data
    jobs.append(one("validate", "--data", DATA, "--data", SAMPLE, "--as-of", SAMPLE_AS_OF, cwd="copy"))
    jobs.append(
        one("validate", "--counties", "counties.txt", "--as-of", SAMPLE_AS_OF, "--format", "json", cwd="copy")
    )
    jobs.append(one("schema", "--check"))
    return jobs


def writer_jobs() -> list[Job]:
    """Commands that write files but change no data: the files go to {OUT}."""
    jobs: list[Job] = []
    s = ("--data", SAMPLE, "--as-of", SAMPLE_AS_OF)
    for data, as_of in ((SAMPLE, SAMPLE_AS_OF), (DATA, DATA_AS_OF)):
        where = ("--data", data, "--as-of", as_of)
        for lang in LANGS:
            jobs.append(one("site", "{OUT}/page.html", *where, "--lang", lang))
            jobs.append(one("export", "xlsx", "{OUT}/forms.xlsx", *where, "--lang", lang))
            jobs.append(one("export", "csv", "{OUT}/csv", *where, "--lang", lang))
            jobs.append(one("form", "p01", "{OUT}/p01.xlsx", *where, "--lang", lang))
        jobs.append(one("export", "parquet", "{OUT}/snap", "--data", data, "--as-of", as_of, cwd="copy"))
        jobs.append(one("owners", "--data", data, "--org", "yunhe-county", "--out", "{OUT}/CODEOWNERS"))
    jobs.append(one("form", "p05", "{OUT}/p05.xlsx", "--period", "2026-10", *s, "--lang", "en"))
    jobs.append(
        one("form", "3", "{OUT}/p03.xlsx", "--period", "2025-05", "--data", DATA, "--as-of", DATA_AS_OF)
    )
    many = ("--data", DATA, "--data", SAMPLE, "--as-of", SAMPLE_AS_OF)
    jobs.append(one("export", "parquet", "{OUT}/snap", *many, cwd="copy"))
    jobs.append(one("schema", "--out", "{OUT}/schemas"))
    jobs.append(one("owners", "--check", "--data", SAMPLE, "--org", "yunhe-county"))
    for lang in LANGS:
        jobs.append(
            one("init", "{OUT}/county", "--first-period", "2024-01", "--org", "yunhe", "--lang", lang)
        )
    jobs.append(one("init", "{OUT}/county", "--as-of", SAMPLE_AS_OF, "--lang", "en"))  # month from --as-of
    return jobs


def mistake_jobs() -> list[Job]:
    s = ("--data", SAMPLE, "--as-of", SAMPLE_AS_OF)
    plain = ("--format", "plain", "--lang", "en")
    return [
        one("status", "-p", "p99", *s, *plain),  # unknown project
        one("status", "-p", "不存在的工程", *s, "--format", "plain", "--lang", "zh"),
        one("tasks", "--unit", "不存在的单位", *s, *plain),
        one("indicators", "--status", "bogus", *s, *plain),
        one("history", "p01.nosuch", *s, *plain),
        one("history", "投资", *s, *plain),  # a part of many names
        one("dispatch", "--period", "2026-13", *s, *plain),  # bad month
        one("dispatch", "--period", "2019-01", *s, *plain),  # before the plan
        one("quarter", "2026-Q5", *s, *plain),
        one("annual", "1999", *s, *plain),
        one("status", "--data", SAMPLE, "--as-of", "2026-02-30", *plain),
        one("status", *s, "--format", "bogus"),
        one("status", *s, "--lang", "fr"),
        one("validate", *s, "--format", "table"),
        one("status", "--data", "nosuch", "--as-of", SAMPLE_AS_OF, *plain),  # missing data folder
        one("status", "--as-of", SAMPLE_AS_OF, *plain, cwd="empty"),  # no ./data anywhere up
        one("validate", "--as-of", SAMPLE_AS_OF, cwd="empty"),
        one("log", "--data", DATA, *plain, cwd="copy"),  # not in a git repository
        one("form", "p99", "{OUT}/x.xlsx", *s),
        one("site", "{OUT}/page.html", "--data", "nosuch", "--as-of", SAMPLE_AS_OF),
        one("init", DATA, "--first-period", "2024-01", cwd="copy"),  # a folder in use
        one("init", "{OUT}/county", "--first-period", "2019-13"),
        one("nosuch"),
        one(),
    ]


COMMANDS = (
    "validate",
    "status",
    "indicators",
    "tasks",
    "issues",
    "dispatch",
    "quarter",
    "annual",
    "history",
    "log",
    "diff",
    "site",
    "form",
    "import",
    "init",
    "fmt",
    "schema",
    "owners",
    "export",
    "report",
    "issue",
)
SUBCOMMANDS = (
    ("export", "xlsx"),
    ("export", "csv"),
    ("export", "parquet"),
    ("report", "new"),
    ("issue", "add"),
    ("issue", "close"),
    ("issue", "reopen"),
)


def all_jobs() -> list[Job]:
    jobs = [Job((*words, "--help")) for words in ((), *[(c,) for c in COMMANDS], *SUBCOMMANDS)]
    jobs += [Job(("--help",), WIDE), Job(("status", "--help"), WIDE), Job(("--version",))]
    jobs += report_jobs() + validate_jobs() + writer_jobs() + mistake_jobs() + git_jobs()
    return jobs


# ---------------------------------------------------------------------------------------------
# Running


def git(root: Path, *args: str) -> str | None:
    run = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, env=fixed_env(Path(os.devnull))
    )
    return run.stdout.strip() if run.returncode == 0 else None


def fixed_env(home: Path) -> dict[str, str]:
    """The same environment for every command: nothing from the caller's but PATH."""
    return {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "PYTHONHASHSEED": "0",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONNOUSERSITE": "1",
        # `python -m` would put the working folder (ROOT) first on sys.path: the yunhe_cli run
        # would be ROOT's in some commands and the interpreter's in others. Only the interpreter's.
        "PYTHONSAFEPATH": "1",
        "YUNHE_NO_CACHE": "1",
        "YUNHE_CACHE_DIR": str(home / "cache"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }


@dataclass
class Recorder:
    root: Path
    python: str  # the interpreter, an absolute path
    command: list[str]  # the interpreter and `-m yunhe_cli`, or the `yunhe` script
    base: Path  # the temporary folder of this recording
    outdir: Path
    pins: dict[str, str]
    head: str | None

    def replacements(self, job_dir: Path) -> list[tuple[bytes, bytes]]:
        pairs = [
            (str(job_dir), "<JOB>"),
            (str(self.base), "<TMP>"),
            (self.command[0], "<PYTHON>"),  # the `yunhe` script, when that is what runs
            (self.python, "<PYTHON>"),
            (str(self.root), "<ROOT>"),
            (str(self.root.resolve()), "<ROOT>"),
        ]
        if self.head and self.head not in self.pins.values():
            pairs.append((self.head, "<HEAD>"))
        return [(a.encode(), b.encode()) for a, b in pairs]

    def run(self, index: int, job: Job) -> tuple[Job, float, str | None]:
        job_dir = self.base / "jobs" / f"{index:04d}"
        (job_dir / "home").mkdir(parents=True)
        cwd = {"root": self.root, "copy": self.base / "yunhe", "empty": self.base / "empty"}[job.cwd]
        args = [self.expand(arg, job_dir) for arg in job.args]
        env = fixed_env(job_dir / "home")
        env["COLUMNS"] = str(job.columns)
        env.update(job.env)
        env = {k: v for k, v in env.items() if v}
        start = time.perf_counter()
        problem = None
        try:
            done = subprocess.run(
                [*self.command, *args], cwd=cwd, env=env, capture_output=True, timeout=TIMEOUT
            )
            code, stdout, stderr = str(done.returncode), done.stdout, done.stderr
        except subprocess.TimeoutExpired as exc:
            code, stdout, stderr = "timeout", exc.stdout or b"", exc.stderr or b""
            problem = f"timed out after {TIMEOUT} s"
        elapsed = time.perf_counter() - start
        swaps = self.replacements(job_dir)
        shown = " ".join([f"{k}={v}" for k, v in job.env] + [f"COLUMNS={job.columns}", "yunhe", *args])
        text = b"".join(
            [
                normalise(f"$ {shown}\n".encode(), swaps),
                f"cwd: {job.cwd}\nexit: {code}\n".encode(),
                b"--- stdout\n",
                normalise(stdout, swaps),
                b"\n--- stderr\n",
                normalise(stderr, swaps),
            ]
        )
        name = job.name()
        (self.outdir / f"{name}.txt").write_bytes(text)
        out = job_dir / "out"
        if out.exists():
            for rel, data in artifacts(out, swaps, self.python):
                target = self.outdir / f"{name}.files" / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        shutil.rmtree(job_dir, ignore_errors=True)
        return job, elapsed, problem

    def expand(self, arg: str, job_dir: Path) -> str:
        arg = arg.replace("{OUT}", str(job_dir / "out"))
        return re.sub(r"\{([SD]\d)\}", lambda m: self.pins[m.group(1)], arg)


def normalise(data: bytes, swaps: list[tuple[bytes, bytes]]) -> bytes:
    for old, new in swaps:
        data = data.replace(old, new)
    return PADDED.sub(rb"\1 " + BORDER + rb"\2", data)


def artifacts(out: Path, swaps: list[tuple[bytes, bytes]], python: str) -> Iterator[tuple[str, bytes]]:
    """Each file a command wrote, as bytes to compare (see the module's docstring)."""
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        data = path.read_bytes()
        head = next((old for old, new in swaps if new == b"<HEAD>"), None)
        if path.suffix == ".xlsx":
            yield rel + ".members.txt", normalise(unzipped(path), swaps)
        elif path.suffix == ".parquet" and head is not None and head in data:
            dump = subprocess.run([python, "-c", DUMP_PARQUET, str(path)], capture_output=True)
            yield rel + ".decoded.txt", normalise(dump.stdout + dump.stderr, swaps)
        else:
            if f"/{rel}".find("/_yunhe/") >= 0 and rel.endswith(".json"):
                data = WRITTEN.sub(rb'\1"<NOW>"', data)
            yield rel, normalise(data, swaps)


def unzipped(path: Path) -> bytes:
    parts = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == "docProps/core.xml":
                data = CORE_TIMES.sub(rb"\1<NOW>\2", data)
            parts.append(f"=== {info.filename} (compression {info.compress_type})\n".encode() + data + b"\n")
    return b"".join(parts)


def choose_command(python: str, root: Path) -> list[str]:
    """`python -m yunhe_cli` when it runs, else the `yunhe` script beside the interpreter."""
    python = os.path.abspath(python)
    with tempfile.TemporaryDirectory() as home:
        env = fixed_env(Path(home))
        probe = subprocess.run([python, "-m", "yunhe_cli", "--help"], cwd=root, env=env, capture_output=True)
        if probe.returncode == 0:
            return [python, "-m", "yunhe_cli"]
        script = Path(python).parent / "yunhe"
        if script.exists():
            return [str(script)]
    sys.exit(f"neither `{python} -m yunhe_cli` nor {script} runs:\n{probe.stderr.decode(errors='replace')}")


def record(outdir: Path, root: Path, python: str, workers: int, only: str | None) -> int:
    root = root.absolute()
    if outdir.exists() and any(outdir.iterdir()):
        sys.exit(f"{outdir} is not empty: record into a new folder")
    if not (root / DATA).is_dir() or not (root / SAMPLE).is_dir():
        sys.exit(f"{root} has no {DATA}/ and {SAMPLE}/")
    outdir.mkdir(parents=True, exist_ok=True)
    command = choose_command(python, root)
    origin = subprocess.run(
        [os.path.abspath(python), "-c", "import importlib.util as u; print(u.find_spec('yunhe_cli').origin)"],
        capture_output=True,
        text=True,
        env=fixed_env(Path(os.devnull)),
    ).stdout.strip()
    package = Path(origin).parent if origin else None
    print(f"yunhe_cli: {package or '(not importable; running the yunhe script)'}")
    if package and not package.resolve().is_relative_to(root.resolve()):
        print(f"warning: this yunhe_cli is not the one in {root}", file=sys.stderr)
    in_git = git(root, "rev-parse", "--verify", "HEAD") is not None
    pins: dict[str, str] = {}
    head = None
    if in_git:
        head = git(root, "rev-parse", "HEAD")
        for folder in {folder for folder, _ in PINS.values()}:
            commits = (git(root, "rev-list", "--reverse", "HEAD", "--", folder) or "").split()
            for name, (pinned_in, position) in PINS.items():
                if pinned_in == folder and position < len(commits):
                    pins[name] = commits[position]
    before = state(root, package, head)
    jobs, skipped = [], []
    for job in all_jobs():
        if (job.git and not in_git) or not job.pins() <= pins.keys():
            skipped.append(job)
        elif only is None or only in job.name():
            jobs.append(job)
    names = [job.name() for job in jobs]
    duplicates = {n for n in names if names.count(n) > 1}
    assert not duplicates, f"two commands record to the same file: {sorted(duplicates)}"

    manifest = [
        f"command: {'python -m yunhe_cli' if len(command) == 3 else 'yunhe'}",
        f"git: {'yes' if in_git else 'no (log, diff, --at, --base and --staged skipped)'}",
        *[
            f"pin {name} = {folder} commit #{pos}: {pins.get(name, '(none)')}"
            for name, (folder, pos) in PINS.items()
        ],
        f"commands: {len(jobs)}" + (f" (only those with {only!r} in their name)" if only else ""),
        *[f"skipped: {job.name()}" for job in skipped],
        "",
        *names,
        "",
    ]
    (outdir / "MANIFEST.txt").write_text("\n".join(manifest), encoding="utf-8")

    started = time.perf_counter()
    base = Path(tempfile.mkdtemp(prefix="yunhe-rec-"))
    try:
        (base / "empty").mkdir()
        copy = base / "yunhe"
        shutil.copytree(root / DATA, copy / DATA)
        shutil.copytree(root / SAMPLE, copy / SAMPLE)
        (copy / "counties.txt").write_text(f"# counties\n{DATA}\n{SAMPLE}\n", encoding="utf-8")
        recorder = Recorder(root, os.path.abspath(python), command, base, outdir, pins, head)
        slow: list[tuple[float, str]] = []
        failures = []
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = pool.map(lambda pair: recorder.run(*pair), enumerate(jobs))
            for done, (job, elapsed, problem) in enumerate(results, 1):
                slow.append((elapsed, job.name()))
                if problem:
                    failures.append(f"{job.name()}: {problem}")
                if done % 50 == 0:
                    print(f"  {done}/{len(jobs)} …", file=sys.stderr)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    total = time.perf_counter() - started
    files = sum(1 for p in outdir.rglob("*") if p.is_file())
    print(
        f"recorded {len(jobs)} commands ({files} files) into {outdir} in {total:.0f} s with {workers} workers"
    )
    for elapsed, name in sorted(slow, reverse=True)[:3]:
        print(f"  slowest: {elapsed:5.1f} s  {name}")
    if state(root, package, git(root, "rev-parse", "HEAD") if in_git else None) != before:
        failures.append("HEAD, the data or yunhe_cli's source changed while recording: record again")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def state(root: Path, package: Path | None, head: str | None) -> str:
    """A digest of what the outputs depend on: HEAD, the two data folders, the package's source."""
    digest = hashlib.sha256(f"{head}\n".encode())
    for folder in (root / DATA, root / SAMPLE, package):
        if folder is None:
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(f"{path.relative_to(folder)}\n".encode() + path.read_bytes())
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# Comparing


def compare(a: Path, b: Path, context_lines: int = 30) -> int:
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    differing = 0
    for rel in sorted(files_a - files_b):
        print(f"only in {a}: {rel}")
        differing += 1
    for rel in sorted(files_b - files_a):
        print(f"only in {b}: {rel}")
        differing += 1
    for rel in sorted(files_a & files_b):
        old, new = (a / rel).read_bytes(), (b / rel).read_bytes()
        if old == new:
            continue
        differing += 1
        print(f"differs: {rel}")
        try:
            old_lines = old.decode().splitlines(keepends=True)
            new_lines = new.decode().splitlines(keepends=True)
        except UnicodeDecodeError:
            at = next(
                (i for i, (x, y) in enumerate(zip(old, new, strict=False)) if x != y), min(len(old), len(new))
            )
            print(f"  binary: {len(old)} and {len(new)} bytes, first difference at byte {at}")
            continue
        diff = list(difflib.unified_diff(old_lines, new_lines, f"a/{rel}", f"b/{rel}", n=2))
        for line in diff[:context_lines]:
            shown = line if len(line) <= 300 else line[:300] + "…\n"
            sys.stdout.write("  " + shown if shown.endswith("\n") else "  " + shown + "\n")
        if len(diff) > context_lines:
            print(f"  … {len(diff) - context_lines} more diff lines")
    if differing:
        print(f"{differing} of {len(files_a | files_b)} files differ")
        return 1
    print(f"identical: {len(files_a)} files")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="action", required=True)
    rec = sub.add_parser("record", help="run every command and record its outputs into OUTDIR")
    rec.add_argument("outdir", type=Path)
    rec.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent, help="ROOT")
    rec.add_argument("--python", default=sys.executable, help="the interpreter whose yunhe_cli runs")
    rec.add_argument("--jobs", type=int, default=3, help="commands run at once (default 3)")
    rec.add_argument("--only", help="record only the commands whose file name contains this")
    cmp_ = sub.add_parser("compare", help="list the files that differ between two recordings")
    cmp_.add_argument("dir_a", type=Path)
    cmp_.add_argument("dir_b", type=Path)
    args = parser.parse_args(argv)
    if args.action == "record":
        return record(args.outdir, args.repo, args.python, max(1, args.jobs), args.only)
    return compare(args.dir_a, args.dir_b)


if __name__ == "__main__":
    sys.exit(main())
