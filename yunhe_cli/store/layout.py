"""Where each kind of file lives in a data folder, and yunhe's own names in it (the lock).

plan.yaml                         the plan document        (model.Plan)
units.yaml                        unit registry            (model.UnitRegistry)
people.yaml                       people registry          (model.PeopleRegistry)
projects/<project>.yaml           one per project          (model.Project)
indicators/<project>/<YYYY-MM>.yaml  monthly reports       (model.MonthlyReport)
issues/<project>.yaml             problem closure list     (model.ProblemList)
assessments/<project>.yaml        quarterly assessments    (model.AssessmentList, 形势研判)
supervision/<project>.yaml        supervision items        (model.SupervisionList, 督查督办)
practices/<project>.yaml          good practices           (model.PracticeList, 经验推广)
members.yaml                      optional: who commits for each unit (model.Members)
"""

from __future__ import annotations

from pathlib import Path

from yunhe_cli.core.periods import PERIOD_FILE

# Files every repository needs.
REQUIRED = ("plan.yaml", "units.yaml", "people.yaml")
# Parsing is never shared between processes unless asked (`workers`): measured with
# bench/bench_scale.py on 2 cores, 2,000 files on two workers took 1.7 times as long as 1,999 in
# one process, and 10,299 files 1.4 times as long, because sending the validated models back costs
# more than the parse saves; with the cache, a warm run parses little at all.

# Folders that hold only yunhe's files: anything else in them is reported.
OWN_FOLDERS = ("projects", "issues", "indicators", "assessments", "supervision", "practices")
# The folders of one list per project (<folder>/<project>.yaml) and the kind of file each holds.
PROJECT_LISTS = {
    "issues": "problems",
    "assessments": "assessments",
    "supervision": "supervision",
    "practices": "practices",
}
# The writers' lock (see write.py); hidden, so it is never read as data.
LOCK_NAME = ".yunhe.lock"


def classify(rel: str) -> str | None:
    """The kind of file at a relative path, or None when yunhe expects no file there."""
    parts = rel.split("/")
    if len(parts) == 1:
        return {
            "plan.yaml": "plan",
            "units.yaml": "units",
            "people.yaml": "people",
            "members.yaml": "members",
        }.get(parts[0])
    if len(parts) == 2 and parts[0] == "projects" and parts[1].endswith(".yaml"):
        return "project"
    if len(parts) == 2 and parts[0] in PROJECT_LISTS and parts[1].endswith(".yaml"):
        return PROJECT_LISTS[parts[0]]
    if len(parts) == 3 and parts[0] == "indicators" and PERIOD_FILE.match(parts[2]):
        return "report"
    return None


def plan_language(folder: Path) -> str | None:
    """The `language:` plan.yaml sets for its data (zh or en), or None: not set, or not readable
    (the load reports why)."""
    from yunhe_cli.store.yamlio import read_file

    path = folder / "plan.yaml"
    if not path.is_file():
        return None
    _, parsed = read_file(path)
    value = parsed.data.get("language") if isinstance(parsed.data, dict) else None
    return value if value in ("zh", "en") else None
