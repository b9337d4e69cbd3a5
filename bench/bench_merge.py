"""Benchmark: git's merge driver (edits/merge.py) on the largest problem list of a five-year history.

    python bench/bench_merge.py [--runs 7] [--months 60]

The synthetic history of bench/make_history.py (SYNTHETIC data) is built once; its largest
`issues/<project>.yaml` at the last commit is the base. Ours closes one open problem and adds a
problem; theirs closes another, adds evidence to a crossed-off one and adds a problem under the
same id (renumbered by the merge). Printed: the median of the runs of `main()` in this process
(what `yunhe merge-file` costs once imported) and of the driver as git runs it, a fresh Python
process (`python -m yunhe_cli.edits.merge %O %A %B %P`). Target: at most 0.3 s.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_history import build  # noqa: E402

from yunhe_cli.edits.merge import main as driver  # noqa: E402
from yunhe_cli.store.yamlio import round_trip_yaml  # noqa: E402


def _dump(data: Any) -> str:
    buffer = io.StringIO()
    round_trip_yaml().dump(data, buffer)
    return buffer.getvalue()


def sides(base: str) -> tuple[str, str]:
    rt = round_trip_yaml()
    ours, theirs = rt.load(base), rt.load(base)
    opened = [i for i, p in enumerate(ours["problems"]) if p["status"] == "open"]
    closed = [i for i, p in enumerate(ours["problems"]) if p["status"] == "closed"]
    last = ours["problems"][-1]["id"]
    prefix, number = last.rsplit("-", 1)
    new_id = f"{prefix}-{int(number) + 1:03d}"
    ours["problems"][opened[0]].update(
        {
            "status": "closed",
            "closed_on": fresh(ours["problems"][opened[0]]["raised_on"]),
            "resolution": "已解决",
        }
    )
    ours["problems"].append(
        {
            "id": new_id,
            "title": "用地指标不足",
            "owner": "县发改局",
            "raised_on": last_raised(ours),
            "due": last_raised(ours),
        }
    )
    theirs["problems"][opened[1]].update(
        {
            "status": "closed",
            "closed_on": fresh(theirs["problems"][opened[1]]["raised_on"]),
            "resolution": "已拨付",
        }
    )
    theirs["problems"][closed[0]]["evidence"] = ["验收报告"]
    theirs["problems"].append(
        {
            "id": new_id,
            "title": "资金缺口",
            "owner": "县财政局",
            "raised_on": last_raised(theirs),
            "due": last_raised(theirs),
        }
    )
    return _dump(ours), _dump(theirs)


def last_raised(data: Any) -> dt.date:
    """A date of its own (a shared object would be written as a YAML alias)."""
    return fresh(data["problems"][-1]["raised_on"])


def fresh(day: dt.date) -> dt.date:
    return dt.date.fromordinal(day.toordinal())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        top = Path(tmp) / "history"
        top.mkdir()
        build(top, months=args.months)
        names = subprocess.run(
            ["git", "ls-tree", "-r", "--name-only", "HEAD", "data/issues/"],
            cwd=top,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        texts = {
            n: subprocess.run(
                ["git", "show", f"HEAD:{n}"], cwd=top, capture_output=True, text=True, check=True
            ).stdout
            for n in names
        }
        name = max(texts, key=lambda n: len(texts[n]))
        base = texts[name]
        ours, theirs = sides(base)
        work = Path(tmp) / "merge"
        work.mkdir()
        o, a, b = work / "O", work / "A", work / "B"
        o.write_text(base, encoding="utf-8")
        b.write_text(theirs, encoding="utf-8")
        count = base.count("\n  - id: ")
        command = [sys.executable, "-m", "yunhe_cli.edits.merge", str(o), str(a), str(b), name]
        inside, outside = [], []
        for _ in range(args.runs):
            a.write_text(ours, encoding="utf-8")
            start = time.perf_counter()
            with contextlib.redirect_stderr(io.StringIO()):  # the renumbering, said once a run
                status = driver([str(o), str(a), str(b), name])
            inside.append(time.perf_counter() - start)
            assert status == 0, status
            a.write_text(ours, encoding="utf-8")
            start = time.perf_counter()
            run = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
            outside.append(time.perf_counter() - start)
            assert run.returncode == 0, run.stderr
            assert a.read_text(encoding="utf-8").count("\n  - id: ") == count + 2
        print(f"{name}: {count} problems, {len(base.encode()) / 1024:.1f} KiB")
        print(f"driver in process:      {statistics.median(inside):.3f} s (median of {args.runs})")
        median = statistics.median(outside)
        print(
            f"driver as git runs it:  {median:.3f} s (median of {args.runs}; fresh Python, imports included)"
        )


if __name__ == "__main__":
    main()
