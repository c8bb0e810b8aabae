"""The explorer cells in the shared batch run: they execute, render their static default
view, and leave no widget (nor any widget placeholder text) in the report pages."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.notebooks

#: Themed notebooks with an explorer cell -> a word of its heading in the zh report.
EXPLORERS = {
    "01_market_research": "交互探索",
    "02_product_matrix": "商品筛选",
    "03_promotion_calendar": "交互探索",
    "04_retention": "交互探索",
    "05_daily_review": "交互探索",
    "06_ab_test": "交互探索",
}
WIDGET_TEXTS = (
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
    "Loading widget",
    "A Jupyter widget could not be displayed",
    "VBox(children",
    "HBox(children",
    "Dropdown(",
    "DatePicker(",
)


def _explorer_cells(run, stem):
    nb = json.loads(run.executed(stem).read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "explorer" in c["metadata"].get("tags", [])]
    return nb, [c for c in cells if c["cell_type"] == "code"]


@pytest.mark.parametrize("stem", sorted(EXPLORERS))
def test_the_batch_renders_the_static_view_without_widgets(sample_run, stem):
    assert stem not in sample_run.failures(), sample_run.failures()
    html = sample_run.html(stem)
    for text in WIDGET_TEXTS:
        assert text not in html, text
    assert EXPLORERS[stem] in html  # the explorer's heading and its static view are there
    nb, (cell,) = _explorer_cells(sample_run, stem)
    assert "widgets" not in nb["metadata"]
    kinds = [o["output_type"] for o in cell["outputs"]]
    assert "error" not in kinds and "display_data" in kinds
    mimes = {m for o in cell["outputs"] for m in o.get("data", {})}
    assert {"image/png", "text/html"} <= mimes  # the chart and the table
    assert not any("widget" in m for m in mimes)


def test_the_daily_review_static_view_is_the_last_two_weeks_table(sample_run):
    _, (cell,) = _explorer_cells(sample_run, "05_daily_review")
    htmls = ["".join(o["data"]["text/html"]) for o in cell["outputs"] if "text/html" in o["data"]]
    (table,) = [h for h in htmls if "7 日均值" in h]
    # newest first: the run date 2026-11-15 down to 2026-11-02 (14 days)
    assert table.index("2026-11-15") < table.index("2026-11-02")
    assert "2026-11-01" not in table and "2026-11-16" not in table


def test_the_english_report_names_the_explorer_in_english(sample_run_en):
    html = sample_run_en.html("05_daily_review")
    assert "Explore" in html and "交互探索" not in html
    for text in WIDGET_TEXTS:
        assert text not in html
