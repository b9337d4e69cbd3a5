"""`yunhe init DIR`: a county's data repository, ready to commit.

It holds the plan's data as shipped with yunhe (data/ with plan.txt), the JSON Schemas the data
files point at, a .gitignore for yunhe's lock and temporary files, a pre-commit configuration
and a CI workflow pinned to this release, CODEOWNERS from the plan's lead units and office, and a
README with the branch protection to turn on. The first reporting month is set in plan.yaml.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from . import __version__
from .periods import is_period
from .write import atomic_write

GITIGNORE = """\
# yunhe: the lock of a data folder and the temporary files of an atomic write
.yunhe.lock
.*.tmp-*
"""

PRE_COMMIT = """\
# yunhe checks every commit: the staged data against HEAD, and the canonical layout.
repos:
  - repo: {source}
    rev: v{version}
    hooks:
      - id: yunhe-validate
      - id: yunhe-fmt
"""

WORKFLOW = """\
# Validate every push and pull request of the data with the yunhe release this repository pins.
name: data
on: [push, pull_request]
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the whole history: validate --base compares with the pull request's base
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install "yunhe @ git+{source}@v{version}"
      - run: yunhe validate --data data --format github
      - run: yunhe fmt --check --no-cache --data data --format github
      - if: github.event_name == 'pull_request'
        run: yunhe validate --data data --base "origin/${{{{ github.base_ref }}}}" --format github
"""

README = """\
# {title}

云和县“十项重大工程”推进数据 — the data of the plan, kept with
[yunhe](https://github.com/yunhe-county/yunhe) v{version}. One file per project, per month and
per problem list under `data/`; every change is a commit, checked by `yunhe validate`.

```sh
pip install "yunhe @ git+{source}@v{version}"
yunhe status                 # where the ten projects stand
yunhe report new p01         # next month's report of a project, ready to fill in
yunhe validate && yunhe fmt --check
```

Monthly reports are counted from {first_period} (`reporting.first_period` in `data/plan.yaml`).

{protection}
"""

SOURCE = "https://github.com/yunhe-county/yunhe"


class InitError(ValueError):
    """A target that is not an empty folder, or a first month that is not a month."""


def plan_data() -> Path:
    """The plan's data as shipped: the repository's data/ beside the package."""
    here = Path(str(resources.files("yunhe_cli"))).parent
    return here / "data"


def default_first_period() -> str:
    """The month after the shipped plan was issued (what yunhe counts from when nothing is set)."""
    from .loader import load_repository
    from .rollup import first_period

    repo, _ = load_repository(plan_data())
    return first_period(repo.plan.model if repo.plan else None)


def schemas_source() -> Path:
    return Path(str(resources.files("yunhe_cli"))).parent / "schemas"


def init(target: Path, first_period: str, org: str | None = None, lang: str = "zh") -> list[Path]:
    """Make a data repository at `target` (absent or empty); the files written, in order."""
    from .loader import load_repository
    from .owners import render_codeowners, render_protection, rules_of

    if not is_period(first_period):
        raise InitError(f"{first_period!r} is not a month written YYYY-MM")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InitError(f"{target} exists and is not an empty folder; yunhe init writes a new one")
    source = plan_data()
    if not (source / "plan.yaml").is_file():
        raise InitError(f"the plan's data is not found at {source}")
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    shutil.copytree(source, target / "data", ignore=shutil.ignore_patterns(".yunhe.lock", ".*.tmp-*"))
    shutil.copytree(schemas_source(), target / "schemas")
    plan = target / "data" / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    text = _set_first_period(text, first_period)
    atomic_write(plan, text)
    written += [target / "data", target / "schemas"]
    repo, _ = load_repository(target / "data")
    rules = rules_of(repo)
    files = {
        ".gitignore": GITIGNORE,
        ".pre-commit-config.yaml": PRE_COMMIT.format(source=SOURCE, version=__version__),
        ".github/workflows/data.yml": WORKFLOW.format(source=SOURCE, version=__version__),
        "CODEOWNERS": render_codeowners(rules, "data", org) if org else None,
        "README.md": README.format(
            title=repo.plan.model.title if repo.plan else "yunhe data",
            version=__version__,
            source=SOURCE,
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
    return written


def _set_first_period(text: str, first_period: str) -> str:
    """plan.yaml with `reporting.first_period` set, its comments and layout kept."""
    from .operations import _load_rt
    from .write import dump

    data = _load_rt(text)
    reporting = data.get("reporting")
    if reporting is None:
        data["reporting"] = _load_rt(f"x:\n  first_period: {first_period}\n")["x"]
    else:
        reporting["first_period"] = first_period
    return dump(data)
