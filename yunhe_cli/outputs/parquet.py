"""Snapshots for an analytical engine: the roll-up of many counties as Hive-partitioned Parquet.

A province collects hundreds of county repositories. `yunhe export parquet OUT/` writes what the
roll-up computed (indicators with their figures, expected values and statuses; key tasks;
problems to cross off), the monthly figures as reported, and the validation problems, so that
DuckDB here, or Spark or Trino where one machine no longer serves, aggregates any number of
counties with one query and without re-implementing the roll-up.

Layout (README, "Snapshots for an analytical engine", lists every column)::

    OUT/indicators/county=<label>/project=<id>/part-0.parquet
    OUT/tasks/county=<label>/project=<id>/part-0.parquet
    OUT/problems/county=<label>/project=<id>/part-0.parquet
    OUT/reports/county=<label>/project=<id>/part-0.parquet
    OUT/validation/county=<label>/part-0.parquet
    OUT/_yunhe/county=<label>.json        when each county was computed, and at which commit

`county` and `project` are in the paths only (Hive partitioning), as engines expect. Figures are
DECIMAL(38, 10): derived values are settled to ten places by the roll-up, so nothing becomes a
float on the way. Exporting a county again replaces its partitions and nothing else, so a
province's folder fills up county by county; each county's folders are swapped in by renaming.

pyarrow is an optional dependency (`pip install 'yunhe[parquet]'`), imported only here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from yunhe_cli.core.problems import Problem
from yunhe_cli.core.repository import Repository
from yunhe_cli.outputs.mechanism_export import mechanism_rows
from yunhe_cli.outputs.mechanism_export import parquet_schemas as mechanism_schemas
from yunhe_cli.reports.rollup import StatusReport

FORMAT_VERSION = 1
TEN_PLACES = Decimal("1e-10")


class ParquetUnavailable(RuntimeError):
    pass


def _pa() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet
    except ImportError:
        raise ParquetUnavailable(
            "yunhe export parquet needs pyarrow; install it with: pip install 'yunhe[parquet]'"
        ) from None
    return pa


def _figure(value: Decimal | None) -> Decimal | None:
    # Published figures carry at most a few places and derived ones ten; a longer one is rounded
    # half-even to ten (DECIMAL(38, 10) holds no more).
    return None if value is None else value.quantize(TEN_PLACES)


def _schemas(pa: Any) -> dict[str, Any]:
    figure = pa.decimal128(38, 10)
    text, day = pa.string(), pa.date32()
    common = [("as_of", day), ("commit", text)]
    return {
        "indicators": pa.schema(
            [
                ("indicator", text),
                ("name", text),
                ("kind", text),
                ("unit", text),
                ("comparator", text),
                ("target", figure),
                ("target_by", day),
                ("owner", text),
                ("latest_period", text),
                ("latest_value", figure),
                ("actual", figure),
                ("expected", figure),
                ("completion", figure),
                ("gap", figure),
                ("pace_needed", figure),
                ("projection", figure),
                ("score", figure),
                ("status", text),
                ("achieved_on", day),
                *common,
            ]
        ),
        "tasks": pa.schema(
            [
                ("task", text),
                ("title", text),
                ("owner", text),
                ("start", day),
                ("due", day),
                ("next_deadline", day),
                ("state", text),
                ("percent", pa.int32()),
                ("done_on", day),
                ("last_update", text),
                ("overdue", pa.bool_()),
                ("days_overdue", pa.int32()),
                *common,
            ]
        ),
        "problems": pa.schema(
            [
                ("id", text),
                ("title", text),
                ("owner", text),
                ("source", text),
                ("raised_on", day),
                ("due", day),
                ("closed", pa.bool_()),
                ("closed_on", day),
                ("resolution", text),
                ("overdue", pa.bool_()),
                ("age_days", pa.int32()),
                ("days_overdue", pa.int32()),
                *common,
            ]
        ),
        "reports": pa.schema(
            [
                ("period", text),
                ("submitted_on", day),
                ("submitted_by", text),
                ("indicator", text),
                ("value", figure),
                ("level", figure),
                ("achieved", pa.bool_()),
                ("achieved_on", day),
                *common,
            ]
        ),
        **mechanism_schemas(pa),
        "validation": pa.schema(
            [
                ("path", text),
                ("line", pa.int32()),
                ("col", pa.int32()),
                ("code", text),
                ("severity", text),
                ("message", text),
                *common,
            ]
        ),
    }


def partition_value(label: str) -> str:
    """A label as a path segment: '/', '=', '%', '\\' and control characters percent-encoded
    (engines decode Hive partition values the same way)."""
    return "".join(f"%{ord(c):02X}" if c in "/=%\\" or ord(c) < 32 or ord(c) == 127 else c for c in label)


def _rows(report: StatusReport, repo: Repository, problems: list[Problem]) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows, each with its project (a partition) where it has one."""
    out: dict[str, list[dict[str, Any]]] = {
        name: [] for name in ("indicators", "tasks", "problems", "reports")
    }
    for project in report.projects:
        for i in project.indicators:
            out["indicators"].append(
                {
                    "project": project.id,
                    "indicator": i.indicator,
                    "name": i.name,
                    "kind": i.kind,
                    "unit": i.unit,
                    "comparator": i.comparator,
                    "target": _figure(i.target),
                    "target_by": i.target_by,
                    "owner": i.owner,
                    "latest_period": i.latest_period,
                    "latest_value": _figure(i.latest_value),
                    "actual": _figure(i.actual),
                    "expected": _figure(i.expected),
                    "completion": _figure(i.completion),
                    "gap": _figure(i.gap),
                    "pace_needed": _figure(i.pace_needed),
                    "projection": _figure(i.projection),
                    "score": _figure(i.score),
                    "status": i.status,
                    "achieved_on": i.achieved_on,
                }
            )
        for x in project.tasks:
            out["tasks"].append(
                {
                    "project": project.id,
                    "task": x.task,
                    "title": x.title,
                    "owner": x.owner,
                    "start": x.start,
                    "due": x.due,
                    "next_deadline": x.next_deadline,
                    "state": x.state,
                    "percent": x.percent,
                    "done_on": x.done_on,
                    "last_update": x.last_update,
                    "overdue": x.overdue,
                    "days_overdue": x.days_overdue,
                }
            )
        for q in project.problems:
            out["problems"].append(
                {
                    "project": project.id,
                    "id": q.id,
                    "title": q.title,
                    "owner": q.owner,
                    "source": q.source,
                    "raised_on": q.raised_on,
                    "due": q.due,
                    "closed": q.closed,
                    "closed_on": q.closed_on,
                    "resolution": q.resolution,
                    "overdue": q.overdue,
                    "age_days": q.age_days,
                    "days_overdue": q.days_overdue,
                }
            )
    for loaded in repo.reports:
        r = loaded.model
        for v in r.values:
            out["reports"].append(
                {
                    "project": r.project,
                    "period": r.period,
                    "submitted_on": r.submitted_on,
                    "submitted_by": r.submitted_by,
                    "indicator": v.indicator,
                    "value": _figure(v.value),
                    "level": _figure(v.level),
                    "achieved": v.achieved,
                    "achieved_on": v.achieved_on,
                }
            )
    out.update(mechanism_rows(repo, report.as_of))
    out["validation"] = [
        {
            "path": str(p.path),
            "line": p.line,
            "col": p.col,
            "code": p.code,
            "severity": p.severity,
            "message": p.message,
        }
        for p in problems
    ]
    return out


def write_county(
    out: Path,
    label: str,
    report: StatusReport,
    repo: Repository,
    problems: list[Problem],
    commit: str | None,
) -> list[Path]:
    """Write one county's partitions under `out`, replacing that county's earlier ones only."""
    pa = _pa()
    import pyarrow.parquet as pq

    schemas = _schemas(pa)
    county = f"county={partition_value(label)}"
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".yunhe-parquet-", dir=out))
    written = []
    try:
        extra = {"as_of": report.as_of, "commit": commit}
        for table, rows in _rows(report, repo, problems).items():
            schema = schemas[table]
            groups: dict[str | None, list[dict[str, Any]]] = {}
            for row in rows:
                groups.setdefault(row.pop("project", None), []).append({**row, **extra})
            if not groups and table == "validation":
                groups[None] = []
            for project, members in sorted(groups.items(), key=lambda kv: kv[0] or ""):
                folder = staging / table / county
                if project is not None:
                    folder = folder / f"project={partition_value(project)}"
                folder.mkdir(parents=True, exist_ok=True)
                columns = {name: [row[name] for row in members] for name in schema.names}
                pq.write_table(pa.table(columns, schema=schema), folder / "part-0.parquet")
        meta = staging / "_yunhe"
        meta.mkdir()
        (meta / f"{county}.json").write_text(
            json.dumps(
                {
                    "format": FORMAT_VERSION,
                    "county": label,
                    "as_of": report.as_of.isoformat(),
                    "commit": commit,
                    "root": str(repo.root),
                    "folder": str(repo.root.resolve()),
                    "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        for table in (*schemas, "_yunhe"):
            source = staging / table / county if table != "_yunhe" else meta / f"{county}.json"
            target = out / table / county if table != "_yunhe" else out / "_yunhe" / f"{county}.json"
            if not source.exists():
                continue
            _swap_in(source, target)
            written.append(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def refusal(out: Path, label: str, root: Path) -> str | None:
    """Why `root` may not be exported as `label` into `out`: `out` is inside the data folder (the
    snapshot would become files of the data), or `out` already holds a county of that label from
    another data folder (the second would silently replace the first). None when it may."""
    folder = root.resolve()
    target = out.resolve()
    if target == folder or folder in target.parents:
        return f"{out} is inside the data folder {root}; write the snapshot outside the data"
    manifest = out / "_yunhe" / f"county={partition_value(label)}.json"
    try:
        earlier = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # no earlier export of this county (or one yunhe cannot read: it is replaced)
    if not isinstance(earlier, dict):
        return None
    source = earlier.get("folder") or earlier.get("root")
    if not isinstance(source, str) or Path(source).resolve() == folder:
        return None
    return (
        f"{out} already holds the county {label!r} from {source}, not from {root}; two counties of one "
        "name cannot share a snapshot: export this one into another folder, or remove "
        f"{manifest} and its county={partition_value(label)} partitions first"
    )


def _swap_in(source: Path, target: Path) -> None:
    """Put `source` where `target` is, the old one moved aside first (a reader never sees a mix)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if target.exists():
        old = target.with_name(f".old-{target.name}-{os.urandom(4).hex()}")
        target.rename(old)
    source.rename(target)
    if old is not None:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def commit_of(root: Path, at: str | None) -> str | None:
    """The commit the data was read at: --at's, else HEAD of the repository holding it (none outside git)."""
    from yunhe_cli.store.git import GitError, open_repository

    try:
        git, _ = open_repository(root)
        return git.resolve(at or "HEAD")
    except GitError:
        return None
