"""The English page marks its Chinese: every run of Chinese text (names, units, problems as the data
gives them) is inside an element with lang="zh-Hans", so a screen reader reads it as Chinese and the
browser draws it with a Chinese font. The Chinese page is unchanged by it.

And the page as a person sees it: printed to PDF by Chromium and its first pages kept as PNG in
tests/artifacts/ (site-{zh,en}-print-N.png), beside the desktop and phone screenshots that
tests/test_site_browser.py keeps there."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.cli.app import app
from yunhe_cli.outputs.labels import Lang
from yunhe_cli.outputs.site import lang_marked

from .conftest import ROOT

SAMPLE = ROOT / "examples" / "sample"
ARTIFACTS = ROOT / "tests" / "artifacts"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
VOID = {"br", "img", "input", "meta", "link", "hr", "col", "area", "base", "wbr", "source"}


class _Unmarked(HTMLParser):
    """Chinese text whose nearest lang (from the enclosing elements) is not Chinese."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        self.stack.append((tag, dict(attrs).get("lang")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not HAN.search(data) or any(tag == "style" for tag, _ in self.stack):
            return
        lang = next((lang for _, lang in reversed(self.stack) if lang), "")
        if not lang.startswith("zh"):
            self.found.append(data.strip())


def _page(tmp_path: Path, lang: str) -> str:
    out = tmp_path / f"site-{lang}.html"
    args = ["site", str(out), "--data", str(SAMPLE), "--as-of", "2026-11-15", "--lang", lang]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_the_english_page_marks_every_chinese_text(tmp_path: Path) -> None:
    page = _page(tmp_path, "en")
    parser = _Unmarked()
    parser.feed(page)
    assert parser.found == []
    assert page.count('<span lang="zh-Hans">') > 100  # conveners, units, problems, owners
    assert '<span lang="zh-Hans">傅雅涛</span>' in page


def test_the_chinese_page_has_no_marks_of_its_own(tmp_path: Path) -> None:
    page = _page(tmp_path, "zh")
    assert '<html lang="zh-Hans">' in page and 'span lang="zh-Hans"' not in page


def test_a_run_of_chinese_is_marked_whole_with_its_figures() -> None:
    assert str(lang_marked("Owner: 县发改局", Lang.en)) == 'Owner: <span lang="zh-Hans">县发改局</span>'
    # Figures between Chinese stay in the run; a trailing figure and English stay outside it.
    assert (
        str(lang_marked("滚动推进亿元项目 50 个 (2026-10) <b>", Lang.en))
        == '<span lang="zh-Hans">滚动推进亿元项目 50 个</span> (2026-10) &lt;b&gt;'
    )
    assert str(lang_marked("县发改局", Lang.zh)) == "县发改局"  # the Chinese page: escaped only


@pytest.mark.parametrize(("lang", "title"), [("zh", "十项重大工程"), ("en", "Ten Major Projects")])
def test_the_printed_page_is_kept_as_pictures(tmp_path: Path, lang: str, title: str) -> None:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing in CI: .ci/run installs Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium); the browser test needs it")
    playwright = pytest.importorskip("playwright.sync_api")
    pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber (the test extra) draws the PDF's pages")
    _page(tmp_path, lang)
    pdf = tmp_path / f"site-{lang}.pdf"
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto((tmp_path / f"site-{lang}.html").resolve().as_uri(), wait_until="load")
            page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        finally:
            browser.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with pdfplumber.open(pdf) as printed:
        first = printed.pages[0]
        assert (round(first.width), round(first.height)) == (842, 595)  # A4 landscape
        assert title in (first.extract_text() or "")
        for number, page in enumerate(printed.pages[:4], 1):
            page.to_image(resolution=72).save(ARTIFACTS / f"site-{lang}-print-{number}.png")
    assert (ARTIFACTS / f"site-{lang}-print-4.png").stat().st_size > 10_000
