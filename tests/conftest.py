"""Small repositories built inline (as beancount's tests use `load_doc`)."""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The day synthetic repositories of the roll-up tests are checked on: after the plan and every
# report they hold, so that D304 (nothing done in the future) does not depend on the clock.
CHECKED_ON = dt.date(2028, 12, 31)
DATA = ROOT / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture(autouse=True, scope="session")
def _cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Commands run through CliRunner use the cache (as users do), kept in a folder of the run's own."""
    os.environ["YUNHE_CACHE_DIR"] = str(tmp_path_factory.mktemp("yunhe-cache"))
    os.environ.pop("YUNHE_NO_CACHE", None)


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; YUNHE_UPDATE_GOLDEN=1 rewrites it (review the diff)."""
    path = GOLDEN / name
    if os.environ.get("YUNHE_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text


# A synthetic, minimal data repository: one project, two units, one person.
MINIMAL: dict[str, str] = {
    "plan.yaml": """\
        doc_number: 测试〔2023〕1号
        title: 测试方案
        issuer: 县发改局
        issued_on: 2023-04-28
        horizon:
          start: 2023-01-01
          end: 2027-12-31
        chief_convener: 张三
        office_unit: 县发改局
        """,
    "units.yaml": """\
        units:
          - id: fgj
            name: 县发改局
          - id: rsj
            name: 县人力社保局
            aliases:
              - 县人社保局
        """,
    "people.yaml": """\
        people:
          - id: zhang-san
            name: 张三
            title: 副县长
        """,
    "projects/p01.yaml": """\
        id: p01
        number: 1
        name: 测试工程
        convener: 张三
        lead_unit: 县发改局
        responsible_units:
          - 县人社保局
        goal: 测试目标
        indicators:
          - id: investment
            name: 有效投资
            kind: cumulative
            unit: 亿元
            comparator: ">="
            target:
              value: 350
              by: 2027-12-31
            reported_as: year_to_date
          - id: share
            name: 民间投资占比
            kind: level
            unit: "%"
            comparator: "~"
            target:
              value: 63
              by: 2027-12-31
            reported_as: point
          - id: rank
            name: 排名提升
            kind: milestone
            target:
              by: 2027-12-31
        tasks:
          - id: plan
            title: 制定实施方案
            due: 2023-04-15
        """,
}


RepoMaker = Callable[..., Path]


@pytest.fixture
def make_repo(tmp_path: Path) -> RepoMaker:
    """Write MINIMAL plus `files` (text is dedented; bytes are written as they are) under tmp/data."""

    def make(files: dict[str, str | bytes | None] | None = None) -> Path:
        root = tmp_path / "data"
        merged: dict[str, str | bytes | None] = {**MINIMAL, **(files or {})}
        for rel, content in merged.items():
            if content is None:
                continue
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        return root

    return make


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own cache folder: nothing learnt in one test (or on this machine) serves another."""
    monkeypatch.setenv("YUNHE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def own_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """git as in a fresh account: none of the caller's GIT_* variables, no system or global config."""
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
