"""A figure written with % in a monthly report (S104), said by the indicator's own unit.

Reading one file, the loader cannot know an indicator's unit (it is in the project's file), so it
says only "write the figure alone, without %". Once the projects are loaded, `percent_hints`
says more where the indicator is known: for a percentage (`%`, `个百分点`) the number to write
("write 63 without %: the indicator's unit is %"); for any other unit (亿元, 个 …) that the figure
is not a percentage at all, so that nobody writes 63 for 63% of something in 亿元.
"""

from __future__ import annotations

import re
from pathlib import Path

from yunhe_cli.core.problems import Problem
from yunhe_cli.core.repository import Repository

NEUTRAL = re.compile(
    r"(?P<head>.*: '(?P<figure>.*)' is not a number); write the figure alone, without %", re.DOTALL
)


def percent_hints(
    problems: list[Problem], repo: Repository, texts: dict[Path, str] | None = None
) -> list[Problem]:
    """`problems` with each report figure written with % said by its indicator's unit (the
    others unchanged). `texts`: files checked in place of what is on disk."""
    return [_said_by_unit(p, repo, texts or {}) for p in problems]


def _said_by_unit(p: Problem, repo: Repository, texts: dict[Path, str]) -> Problem:
    found = NEUTRAL.fullmatch(p.message) if p.code == "S104" else None
    if found is None or len(p.loc) != 3 or p.loc[0] != "values" or p.loc[2] != "value":
        return p
    unit = _unit_of(p.path, p.loc[1], repo, texts)
    if unit is None:
        return p
    digits = found["figure"].rstrip("%％").strip()
    if "%" in unit or "百分点" in unit:
        said = f"{found['head']}; write {digits} without %: the indicator's unit is {unit}"
    else:
        said = (
            f"{found['head']}; write the figure alone, without %: "
            f"the indicator's unit is {unit}, not a percentage"
        )
    return Problem(p.path, p.code, said, p.loc, p.line, p.col, p.at_key)


def _unit_of(path: Path, index: str | int, repo: Repository, texts: dict[Path, str]) -> str | None:
    """The unit of the indicator named at values[index] of the report at `path`, if known."""
    from yunhe_cli.store.yamlio import parse_text, read_file

    if path.parent.parent.name != "indicators" or not isinstance(index, int):
        return None
    project = repo.project(path.parent.name)
    if project is None:
        return None
    data = parse_text(texts[path], path).data if path in texts else read_file(path)[1].data
    try:
        indicator = data["values"][index]["indicator"]
    except (KeyError, IndexError, TypeError):
        return None
    for ind in project.model.indicators:
        if ind.id == indicator and ind.unit is not None:
            return str(ind.unit)
    return None
