"""`yunhe init DIR`: a county's data repository, ready to commit.

It holds the plan's data as shipped with yunhe (data/ with plan.txt), the JSON Schemas the data
files point at, a .gitignore for yunhe's lock and temporary files, a pre-commit configuration
and a CI workflow pinned to this release, CODEOWNERS from the plan's lead units and office, and a
README with the branch protection to turn on. The first reporting month is set in plan.yaml.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from yunhe_cli import __version__
from yunhe_cli.core.periods import period_fault, period_of_date
from yunhe_cli.store import shipped
from yunhe_cli.store.write import atomic_write

GITIGNORE = """\
# yunhe: the lock of a data folder and the temporary files of an atomic write
.yunhe.lock
.*.tmp-*
"""

# The hooks run the yunhe installed on the machine (`language: system`): no network is needed to run
# them, and the release is the one the analyst installed from the pin in README.md.
PRE_COMMIT = """\
# yunhe checks every commit: the staged data against HEAD, and the canonical layout.
# The hooks run the yunhe installed on this machine ({requirement}), so they work offline:
#   pip install "{requirement}" && pre-commit install
# To have pre-commit install yunhe by itself instead, pinned to the release's tag, replace the
# `repo: local` entry with:
#   - repo: {source}
#     rev: v{version}
#     hooks: [{{id: yunhe-validate}}, {{id: yunhe-fmt}}]
repos:
  - repo: local
    hooks:
      - id: yunhe-validate
        name: yunhe validate (the staged data against HEAD)
        entry: yunhe validate --staged --base HEAD
        language: system
        files: ^data/
        pass_filenames: false
      - id: yunhe-fmt
        name: yunhe fmt --check
        entry: yunhe fmt --check --data data
        language: system
        files: ^data/
        pass_filenames: false
"""

# One guard for every host: $BASE is the commit before the push (or a pull request's base); a
# branch's very first push has none and is compared with the default branch where there is one.
GUARD = """\
ZERO=0000000000000000000000000000000000000000
if [ -z "$BASE" ] || [ "$BASE" = "$ZERO" ]; then
  BASE=""
  if [ -n "$DEFAULT_BRANCH" ] && git rev-parse -q --verify "origin/$DEFAULT_BRANCH" >/dev/null; then
    BASE=$(git merge-base HEAD "origin/$DEFAULT_BRANCH")
    if [ "$BASE" = "$(git rev-parse HEAD)" ]; then BASE=""; fi
  fi
fi
if [ -n "$BASE" ]; then
  # A commit a forced push dropped is in no branch of this clone: fetch it by its id, so that
  # validate names the rewrite (A607) instead of not finding the revision.
  git cat-file -e "$BASE^{{commit}}" 2>/dev/null || git fetch -q --no-tags origin "$BASE" || true
  yunhe validate --data data --format {problems} --base "$BASE"
else
  echo "yunhe: no commit before this push (the repository's first push): validated without a base"
  yunhe validate --data data --format {problems}
fi
yunhe fmt --check --no-cache --data data --format {problems}
if [ -f CODEOWNERS ] || [ -f .github/CODEOWNERS ] || [ -f .gitlab/CODEOWNERS ] || [ -f docs/CODEOWNERS ]; then
  yunhe owners --check --data data
else
  echo "yunhe: no CODEOWNERS file; write one with: yunhe owners --org ORG"
fi
"""


def _indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line if line.strip() else line for line in text.splitlines(True))


WORKFLOW = """\
# Validate every push and every pull request of the data with the yunhe release this repository pins.
# A push is compared with the commit before it, so a submitted month changed without a `revisions:`
# entry fails even when it is pushed straight to the main branch; a pull request is compared with
# its base. The repository's very first push has no commit before it: it is validated without a
# base, and the log says so. yunhe comes from the package index pip is set up with, or from a wheel
# kept in the repository: set YUNHE to its path (for example ./tools/yunhe-{version}-py3-none-any.whl).
name: data
on:
  push:
  pull_request:
env:
  YUNHE: "{requirement}"
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the whole history: the commit before the push, the pull request's base
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install yunhe
        run: pip install "$YUNHE"
      - name: Validate against the commit before the push, or the pull request's base
        env:
          BASE: ${{{{ github.event.pull_request.base.sha || github.event.before }}}}
          DEFAULT_BRANCH: ${{{{ github.event.repository.default_branch }}}}
        run: |
{guard}      - name: What the pull request changes
        if: github.event_name == 'pull_request'
        run: yunhe diff --data data --format markdown >> "$GITHUB_STEP_SUMMARY"
"""

GITLAB = """\
# Validate every push and every merge request of the data with the yunhe release this repository
# pins. A push is compared with the commit before it, so a submitted month changed without a
# `revisions:` entry fails even when it is pushed straight to the main branch; a merge request is
# compared with its base. The repository's very first push has no commit before it: it is validated
# without a base, and the log says so. yunhe comes from the package index pip is set up with, or
# from a wheel kept in the repository: set YUNHE to its path
# (for example ./tools/yunhe-{version}-py3-none-any.whl).
variables:
  GIT_DEPTH: "0"  # the whole history: the commit before the push, the merge request's base
  YUNHE: "{requirement}"
validate-data:
  image: python:3.11  # has git; a runner without a registry can use any image with Python 3.11+ and git
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH
  script:
    - pip install "$YUNHE"
    - |
      BASE="${{CI_MERGE_REQUEST_DIFF_BASE_SHA:-$CI_COMMIT_BEFORE_SHA}}"
      DEFAULT_BRANCH="$CI_DEFAULT_BRANCH"
{guard}"""

README = """\
# {title}

云和县“十项重大工程”推进数据 — the data of the plan, kept with yunhe {version}. One file per
project, per month and per problem list under `data/`; every change is a commit, checked by
`yunhe validate`.

Install the release this repository pins (from the package index pip is set up with, or from a
wheel file: `pip install ./yunhe-{version}-py3-none-any.whl`), then turn on the checks of every commit:

```sh
pip install "{requirement}" pre-commit
pre-commit install           # runs yunhe validate and yunhe fmt --check before each commit, offline
yunhe status                 # where the ten projects stand
yunhe report new p01         # next month's report of a project, ready to fill in
```

CI checks every push against the commit before it and every pull or merge request against its base
(`.github/workflows/data.yml` for GitHub, `.gitlab-ci.yml` for GitLab: keep the one your host runs).
To move to a later release, change the pin in both files and in `.pre-commit-config.yaml`.

Monthly reports are counted from {first_period} (`reporting.first_period` in `data/plan.yaml`).

{protection}
"""

SOURCE = "https://github.com/yunhe-county/yunhe"


class InitError(ValueError):
    """A target that is not an empty folder, or a first month that is not a month."""


def requirement(version: str) -> str:
    """What pip installs for this release: the exact version, from whatever index pip uses."""
    return f"yunhe=={version}"


def ci_files(version: str) -> dict[str, str]:
    """The CI configurations a county repository gets, by path (also kept in examples/ci/)."""
    pin = requirement(version)
    return {
        ".github/workflows/data.yml": WORKFLOW.format(
            version=version, requirement=pin, guard=_indent(GUARD.format(problems="github"), 10)
        ),
        ".gitlab-ci.yml": GITLAB.format(
            version=version, requirement=pin, guard=_indent(GUARD.format(problems="text"), 6)
        ),
    }


def default_first_period(today: dt.date) -> str:
    """The month `init` runs in: a county starting now owes no report for the months before."""
    return period_of_date(today)


def check_target(target: Path) -> None:
    """Refuse anything but an absent or empty folder, before anything is asked or written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InitError(f"{target} exists and is not an empty folder; yunhe init writes a new one")


def init(target: Path, first_period: str, org: str | None = None, lang: str = "zh") -> list[Path]:
    """Make a data repository at `target` (absent or empty); the files written, in order."""
    from yunhe_cli.checks.owners import render_codeowners, render_protection, rules_of
    from yunhe_cli.store.loader import load_repository

    fault = period_fault(first_period)
    if fault is not None:
        raise InitError(fault)
    check_target(target)
    source = shipped.plan_data()  # ShippedDataMissing: the installation is broken, not DIR
    schemas = shipped.schemas()
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    shutil.copytree(source, target / "data", ignore=shutil.ignore_patterns(".yunhe.lock", ".*.tmp-*"))
    shutil.copytree(schemas, target / "schemas")
    plan = target / "data" / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    text = _set_first_period(text, first_period)
    atomic_write(plan, text)
    # The folders of the rest of the working mechanism (形势研判, 督查督办, 经验推广): each project's
    # list is made by the first `yunhe assess` or `yunhe supervise add`, or by hand.
    for folder in ("assessments", "supervision", "practices"):
        keep = target / "data" / folder / ".gitkeep"
        if not keep.parent.exists():
            keep.parent.mkdir()
            atomic_write(keep, "")
    written += [target / "data", target / "schemas"]
    repo, _ = load_repository(target / "data")
    rules = rules_of(repo)
    files = {
        ".gitignore": GITIGNORE,
        ".pre-commit-config.yaml": PRE_COMMIT.format(
            source=SOURCE, version=__version__, requirement=requirement(__version__)
        ),
        **ci_files(__version__),
        "CODEOWNERS": render_codeowners(rules, "data", org) if org else None,
        "README.md": README.format(
            title=repo.plan.model.title if repo.plan else "yunhe data",
            version=__version__,
            requirement=requirement(__version__),
            first_period=first_period,
            protection=render_protection(rules, lang),
        ),
    }
    for rel, content in files.items():
        if content is None:
            continue
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, content)
        written.append(path)
    written += start_git(target)
    return written


def start_git(target: Path) -> list[Path]:
    """`git init` in the new folder and yunhe's merge driver registered in it (.gitattributes for the
    data files, the driver in .git/config), so that concurrent changes merge by meaning from the first
    commit. Nothing when git is not installed: README tells to run `git init` and `yunhe setup`."""
    import shutil

    from yunhe_cli.edits.merge import setup_repository
    from yunhe_cli.store.git import run_git

    if shutil.which("git") is None:
        return []
    if run_git(target, "init", "-q").returncode != 0:
        return []
    setup_repository(target)
    return [target / ".git", target / ".gitattributes"]


def _set_first_period(text: str, first_period: str) -> str:
    """plan.yaml with `reporting.first_period` set, its comments and layout kept."""
    from yunhe_cli.edits.roundtrip import load_round_trip
    from yunhe_cli.store.write import dump

    data = load_round_trip(text)
    reporting = data.get("reporting")
    if reporting is None:  # in the model's order: before thresholds, audit and language
        keys = list(data)
        at = min((keys.index(k) for k in ("thresholds", "audit", "language") if k in data), default=len(keys))
        data.insert(at, "reporting", load_round_trip(f"x:\n  first_period: {first_period}\n")["x"])
    else:
        reporting["first_period"] = first_period
    return dump(data)
