"""English report pages keep a Chinese item title on one line (issue 9, language): measured
in headless Chromium on a narrow window, the cell of ``山野户外版运动相机`` is one line high,
not a column of two or three characters per line."""

from __future__ import annotations

import re
import shutil
import subprocess

import nbformat
import pytest

from helpers import report, runner

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")

TABLE = (
    "<table><thead><tr><th>SKU</th><th>Item</th><th>GMV (paid amount)</th><th>Units sold</th>"
    "<th>Item visitors</th><th>Item CVR</th><th>Favourite rate</th></tr></thead><tbody>"
    "<tr><td>DG0001</td><td><span id='title'>山野户外版运动相机</span></td><td><span id='money'>¥1,197.00</span></td>"
    "<td>3</td><td>115</td><td>2.61%</td><td>2.61%</td></tr></tbody></table>"
)

MEASURE = (
    "<script>const h = id => document.getElementById(id).getBoundingClientRect().height;"
    "document.body.setAttribute('data-ratio', (h('title') / h('money')).toFixed(2));</script>"
)


def _ratio(html_path, tmp_path) -> float:
    """Height of the title text over a one-line cell text, at 420 px wide."""
    page = html_path.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>")
    html_path.write_text(page, encoding="utf-8")
    out = subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=420,900",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", html_path.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return float(re.search(r'data-ratio="([\d.]+)"', out.stdout).group(1))


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("items")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": TABLE, "text/plain": "t"})
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Daily review"), cell]
    return nb


@pytest.mark.skipif(BROWSER is None, reason="no headless Chromium on this machine")
def test_a_chinese_title_stays_on_one_line_in_an_english_report(tmp_path):
    html = tmp_path / "page.html"
    runner.export_html(_notebook(), html, lang="en", run_date="2026-11-15")
    # before: 3 lines (山野户外 / 版运动相 / 机) against the money's one line
    assert _ratio(html, tmp_path) < 1.5


def test_the_css_rules_are_on_the_english_pages(tmp_path):
    html = tmp_path / "page.html"
    runner.export_html(_notebook(), html, lang="en", run_date="2026-11-15")
    assert 'html[lang="en"] .jp-RenderedHTMLCommon td' in html.read_text(encoding="utf-8")
    index = report.render_run_index({"run_date": "2026-11-15", "lang": "en"})
    assert 'html[lang="en"] td' in index and "word-break:keep-all" in index
