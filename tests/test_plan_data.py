"""data/ is faithful to the plan: every quote is the plan's, every figure and comparator as written."""

from __future__ import annotations

import re

import pytest

from yunhe_cli.checks.validation import validate
from yunhe_cli.core.model import Indicator, Project

from .conftest import DATA

PLAN_TEXT = re.sub(r"\s+", "", (DATA / "plan.txt").read_text(encoding="utf-8"))
REPO, PROBLEMS = validate(DATA)
PROJECTS: list[Project] = sorted((p.model for p in REPO.projects), key=lambda p: p.number)
INDICATORS = [(p.id, ind) for p in PROJECTS for ind in p.indicators]

# Counted by hand from the plan: quantitative targets and qualitative goals of each project.
QUANTITATIVE = {
    "p01": 6,
    "p02": 1,
    "p03": 8,
    "p04": 5,
    "p05": 2,
    "p06": 7,
    "p07": 11,
    "p08": 5,
    "p09": 2,
    "p10": 11,
}
QUALITATIVE = {
    "p01": 1,
    "p02": 1,
    "p03": 1,
    "p04": 3,
    "p05": 2,
    "p06": 0,
    "p07": 1,
    "p08": 6,
    "p09": 0,
    "p10": 9,
}
CONVENERS = {
    1: "傅雅涛",
    2: "谢熔辉",
    3: "颜韬",
    4: "傅雅涛",
    5: "谢岩伟",
    6: "江静",
    7: "傅雅涛",
    8: "赵建勇",
    9: "傅雅涛",
    10: "赵建勇",
}
LEADS = {
    1: "县发改局",
    2: "县经商局",
    3: "县科技局",
    4: "县发改局",
    5: "县交通运输局",
    6: "县农业农村局",
    7: "县自然资源和规划局",
    8: "县文广旅体局",
    9: "县发改局",
    10: "县民政局",
}


def in_plan(quote: str) -> bool:
    return all(re.sub(r"\s+", "", part) in PLAN_TEXT for part in quote.split("……"))


def test_data_is_valid() -> None:
    assert PROBLEMS == []


def test_ten_projects_with_their_conveners_and_leads() -> None:
    assert [p.number for p in PROJECTS] == list(range(1, 11))
    assert {p.number: p.convener for p in PROJECTS} == CONVENERS
    assert {p.number: p.lead_unit for p in PROJECTS} == LEADS
    for p in PROJECTS:
        assert in_plan(p.name), p.name
        assert in_plan(p.goal), p.id
        for unit in p.responsible_units:
            assert unit in PLAN_TEXT, unit


def test_indicator_counts() -> None:
    quantitative = {p.id: sum(i.kind != "milestone" for i in p.indicators) for p in PROJECTS}
    qualitative = {p.id: sum(i.kind == "milestone" for i in p.indicators) for p in PROJECTS}
    assert (quantitative, qualitative) == (QUANTITATIVE, QUALITATIVE)


@pytest.mark.parametrize(("project", "ind"), INDICATORS, ids=[f"{p}.{i.id}" for p, i in INDICATORS])
def test_indicator_is_quoted_from_the_plan(project: str, ind: Indicator) -> None:
    assert ind.source_text and in_plan(ind.source_text)
    assert ind.target.by.isoformat() == "2027-12-31"
    assert ind.baseline is None  # the plan gives no baselines


def comparator_from_words(quote: str, figure: str) -> str:
    """The comparator that the plan's wording around `figure` implies (DESIGN.md's mapping)."""
    at = quote.index(figure)
    before, after = quote[max(0, at - 8) : at], quote[at + len(figure) : at + len(figure) + 8]
    if "左右" in after:
        return "~"
    if "以内" in after or "控制在" in before:
        return "<="
    if "以上" in after or "达到" in before or before.endswith("达"):
        return ">="
    if any(w in before for w in ("突破", "超过", "超")):
        return ">"
    return ">="  # a bare figure ("完成投资102亿元") is a level to be reached


QUANT = [(p, i) for p, i in INDICATORS if i.kind != "milestone"]


@pytest.mark.parametrize(("project", "ind"), QUANT, ids=[f"{p}.{i.id}" for p, i in QUANT])
def test_figure_unit_and_comparator_as_written(project: str, ind: Indicator) -> None:
    assert ind.source_text is not None and ind.target.value is not None
    figure = f"{ind.target.value:g}"
    quote = ind.source_text.replace(" ", "")
    assert f"{figure}{ind.unit}" in quote or (ind.unit == "个百分点" and f"{figure}个百分点" in quote)
    assert ind.comparator == comparator_from_words(quote, figure + (ind.unit or ""))


def test_kinds_follow_the_wording() -> None:
    kinds = {i.id: i.kind for _, i in INDICATORS}
    assert kinds["culture-tourism-investment"] == "cumulative"  # 五年累计
    assert kinds["high-tech-enterprises"] == "level"  # 累计数达到45家
    assert kinds["investment-growth"] == "growth"  # 年均增长
    assert kinds["county-town-population-share"] == "growth"  # 年均提高0.8个百分点
    assert kinds["projects-100m"] == "annual"  # 每年滚动推进


def test_every_project_has_the_plans_dated_steps() -> None:
    for p in PROJECTS:
        steps = {t.id: t.due.isoformat() for t in p.tasks}
        assert steps["implementation-plan"] == "2023-04-15"  # 4月中旬前
        assert steps["deployment"] == "2023-04-30"  # 4月30日前
        for task in p.tasks:
            assert task.source_text and in_plan(task.source_text), task.id


def test_aliases_of_the_plan_resolve() -> None:
    assert REPO.units is not None
    aliases = {a: u.name for u in REPO.units.model.units for a in u.aliases}
    assert aliases == {"县人社保局": "县人力社保局", "县委组织部（县委人才办）": "县委组织部"}
