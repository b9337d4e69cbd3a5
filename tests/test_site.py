"""yunhe site: the page is built from the view documents, escapes the data, fetches nothing."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from yunhe_cli.checks.validation import validate
from yunhe_cli.cli.app import app
from yunhe_cli.outputs.labels import Lang
from yunhe_cli.outputs.site import render_site, site_context
from yunhe_cli.reports.board import latest_quarter

from .conftest import DATA, ROOT, RepoMaker

SAMPLE = ROOT / "examples" / "sample"
AS_OF = "2026-11-15"
runner = CliRunner()

# What a browser would fetch: a link, a source, an import or a url() to a host, or a web font.
FETCHED = re.compile(
    r"""(?:href|src)\s*=\s*["']?(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//|@font-face""", re.I
)


def _site(tmp_path: Path, *args: str) -> str:
    out = tmp_path / "site.html"
    result = runner.invoke(app, ["site", str(out), *args])
    assert result.exit_code == 0, result.output
    # said in the run's language: --lang, else the data's (test_site_says_what_it_wrote_in_its_language)
    assert result.output in (f"wrote {out}\n", f"已写入 {out}\n")
    return out.read_text(encoding="utf-8")


def test_site_says_what_it_wrote_in_its_language(tmp_path: Path) -> None:
    out = tmp_path / "site.html"
    for lang, said in (("zh", f"已写入 {out}\n"), ("en", f"wrote {out}\n")):
        result = runner.invoke(
            app, ["site", str(out), "--data", str(SAMPLE), "--as-of", "2026-11-15", "--lang", lang]
        )
        assert (result.exit_code, result.output) == (0, said)


def _card(page: str, attribute: str) -> str:
    match = re.search(rf'<div class="card[^"]*" {attribute}><span class="big">([^<]*)</span>', page)
    assert match is not None, attribute
    return match.group(1)


def test_the_sample_page_shows_the_status_figures(tmp_path: Path) -> None:
    page = _site(tmp_path, "--data", str(SAMPLE), "--as-of", AS_OF, "--lang", "zh")
    status = json.loads(
        runner.invoke(app, ["status", "--data", str(SAMPLE), "--as-of", AS_OF, "--format", "json"]).output
    )
    for s in ("achieved", "on_track", "at_risk", "off_track", "no_data"):
        # The card is the total over the ten projects, each project's count added by hand here.
        by_hand = sum(p["indicators"][s] for p in status["projects"])
        assert _card(page, f'data-status="{s}"') == str(by_hand) == str(status["totals"]["indicators"][s])
    tasks = status["totals"]["tasks"]
    assert _card(page, 'data-key="tasks_overdue"') == f"{tasks['overdue']}/{tasks['total']}"
    assert _card(page, 'data-key="problems_open"') == str(
        sum(p["problems"]["open"] for p in status["projects"])
    )
    assert _card(page, 'data-key="missing_reports"') == str(
        sum(len(p["reporting"]["missing"]) for p in status["projects"])
    )
    # One section per project, each with its three forms, linked from the overview.
    for p in status["projects"]:
        for part in ("", "-indicators", "-tasks", "-problems"):
            assert f'id="{p["id"]}{part}"' in page
        assert f'href="#{p["id"]}-indicators"' in page
    # A chart per quantitative indicator (58 in the sample), a figure each.
    assert page.count('<figure class="chart"') == 58
    assert page.count("<svg") == 58
    assert "季度晾晒" in page and "2026年第3季度" in page


def test_the_page_fetches_nothing_and_runs_no_script(tmp_path: Path) -> None:
    page = _site(tmp_path, "--data", str(SAMPLE), "--as-of", AS_OF, "--lang", "en")
    assert FETCHED.search(page) is None
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert '<html lang="en">' in page


def test_every_value_from_the_data_is_escaped(make_repo: RepoMaker, tmp_path: Path) -> None:
    nasty = '<script>alert("x")</script></style>'
    root = make_repo(
        {
            "issues/p01.yaml": f"""\
                project: p01
                problems:
                  - id: p01-001
                    title: '{nasty}'
                    owner: 县发改局
                    raised_on: 2025-01-10
                    due: 2025-03-31
                """,
        }
    )
    page = _site(tmp_path, "--data", str(root), "--as-of", "2025-06-01", "--lang", "zh")
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;/style&gt;"
    # In the project's 问题销号进度表 and in the list by owner unit.
    assert page.count(escaped) == 2
    assert "<script" not in page
    # The page's own style and each chart's (pygal scopes one to its chart): none from the data.
    assert page.count("</style>") == 1 + page.count("<svg") == 3


def test_the_plan_without_reports_still_gives_a_useful_page(tmp_path: Path) -> None:
    page = _site(tmp_path, "--data", str(DATA), "--as-of", "2026-11-15", "--lang", "zh")
    repo, _ = validate(DATA)
    quantitative = sum(
        1
        for p in repo.projects
        for i in p.model.indicators
        if i.kind != "milestone" and i.target.value is not None
    )
    assert page.count('<figure class="chart"') == quantitative
    # Every chart says nothing is reported yet (in its caption, and in the name a screen reader
    # reads for the drawing), and still draws the target and the path.
    assert page.count("尚无报送数据") == 2 * quantitative
    assert (
        page.count('aria-label="') - page.count('<svg role="img" aria-label="')
        == page.count('role="region"') + 1
    )
    # Reports missing: ten projects, May 2023 to October 2026 each (due by 10 November 2026):
    # 8 months of 2023 + 12 + 12 + 10 = 42 months, × 10 = 420.
    assert _card(page, 'data-key="missing_reports"') == "420"


def test_charts_and_markers_agree(tmp_path: Path) -> None:
    """At each chart's latest figure, the band it sits in is the indicator's status."""
    repo, _ = validate(SAMPLE)
    ctx = site_context(repo, dt.date.fromisoformat(AS_OF), Lang.en)
    checked = projected = with_figures = 0
    for project in ctx["projects"]:
        for c in project["charts"]:
            drawn = c.chart
            if not drawn.actual or c.status == "no_data":
                continue
            with_figures += 1
            month, value = drawn.actual[-1]
            found = []
            for layer in drawn.layers:
                edges = _at(layer.points, month)
                if edges is not None and edges[0] - 1e-6 <= value <= edges[1] + 1e-6:
                    found.append(layer.status)
            # No path (no baseline): the bands are the trend rule's, from the first figure; the
            # latest figure sits in its status's band all the same.
            assert c.status in found, (c.anchor, c.status, found, value)
            checked += 1
            projected += bool(c.by_projection)
    assert checked == with_figures
    assert projected == 26  # the sample's trend-judged charts (no baseline), each in its band


def _at(points: tuple[tuple[int, float, float], ...], month: int) -> tuple[float, float] | None:
    """A band's edges at a month, straight between the points where it turns."""
    for (m0, lo0, hi0), (m1, lo1, hi1) in itertools.pairwise(points):
        if m0 <= month <= m1:
            share = (month - m0) / (m1 - m0)
            return lo0 + (lo1 - lo0) * share, hi0 + (hi1 - hi0) * share
    if len(points) == 1 and points[0][0] == month:
        return points[0][1], points[0][2]
    return None


def test_the_quarter_shown_is_the_last_one_due() -> None:
    repo, _ = validate(SAMPLE)
    # Q3's last reports (September's) fall due on 10 October; Q4's on 10 January.
    assert latest_quarter(repo, dt.date(2026, 11, 15)) == (2026, 3)
    assert latest_quarter(repo, dt.date(2026, 10, 10)) == (2026, 3)
    assert latest_quarter(repo, dt.date(2026, 10, 9)) == (2026, 2)


def test_the_page_is_the_same_every_time() -> None:
    repo, _ = validate(SAMPLE)
    day = dt.date.fromisoformat(AS_OF)
    assert render_site(site_context(repo, day, Lang.zh), Lang.zh) == render_site(
        site_context(repo, day, Lang.zh), Lang.zh
    )


def test_site_at_a_revision_reads_the_committed_data(make_repo: RepoMaker, tmp_path: Path) -> None:
    root = make_repo()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull})
    ident = ["-c", "user.name=测试", "-c", "user.email=t@example.invalid"]
    for args in (["init", "-q"], ["add", "-A"], [*ident, "commit", "-q", "--no-gpg-sign", "-m", "init"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)
    (root / "issues").mkdir()
    (root / "issues" / "p01.yaml").write_text(
        "project: p01\nproblems:\n  - id: p01-001\n    title: 仅在工作区\n    owner: 县发改局\n"
        "    raised_on: 2025-01-10\n    due: 2025-03-31\n",
        encoding="utf-8",
    )
    now = _site(tmp_path, "--data", str(root), "--as-of", "2025-06-01", "--lang", "zh")
    committed = _site(tmp_path, "--data", str(root), "--as-of", "2025-06-01", "--lang", "zh", "--at", "HEAD")
    assert "仅在工作区" in now
    assert "仅在工作区" not in committed


def test_a_bad_revision_is_a_usage_error(make_repo: RepoMaker, tmp_path: Path) -> None:
    root = make_repo()
    result = runner.invoke(app, ["site", str(tmp_path / "x.html"), "--data", str(root), "--at", "nope"])
    assert result.exit_code == 2
    assert not (tmp_path / "x.html").exists()


def test_a_bidirectional_override_in_the_plan_title_stays_inside_it(
    make_repo: RepoMaker, tmp_path: Path
) -> None:
    from .conftest import MINIMAL

    plan = MINIMAL["plan.yaml"].replace("title: 测试方案", 'title: "测试\\u202e方案"')
    root = make_repo({"plan.yaml": plan})
    page = _site(tmp_path, "--data", str(root), "--as-of", "2025-06-01", "--lang", "zh")
    # The override (U+202E) would reverse the rest of the header line; isolated in <bdi>, it
    # ends with the title, and the document number and the date read left to right.
    header = re.search(r'<p class="sub">(.*?)</p>', page, re.S)
    assert header is not None
    assert header.group(1).startswith("<bdi>测试\u202e方案</bdi>（<bdi>测试〔2023〕1号</bdi>） · ")
    assert page.count("\u202e") == 1
