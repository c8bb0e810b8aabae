"""The market research explorer on a hand-made research: the category filter redraws the
price-band chart and table, the competitor control the undercut table."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers.market_research.page import Page, explore
from helpers.market_research.research import MarketResearch
from helpers.market_research.theme import MarketResearchSettings

BANDS = pd.DataFrame(
    {
        "category": ["美妆", "美妆", "女装"],
        "band": ["¥0-50", "¥50-100", "¥0-80"],
        "market_share": [0.6, 0.4, 1.0],
        "market_growth": [0.1, -0.2, 0.05],
        "shop_share": [0.25, 0.75, 1.0],
        "shop_items": [1, 3, 2],
        "edges_from": ["market", "market", "market"],
    }
)
CUTS = pd.DataFrame(
    {
        "competitor": ["拾光美妆专营店", "织里女装"],
        "item": ["口红 X", "T 恤 Y"],
        "sku_id": ["BT0005", "AP0001"],
        "competitor_price": [139.0, 59.0],
        "shop_price": [159.0, 79.0],
        "gap": [-0.126, -0.253],
        "rank": [1, 2],
    }
)


@pytest.fixture
def page():
    research = MarketResearch(month=pd.Timestamp("2026-10-01"), bands=BANDS, undercuts=CUTS)
    yield Page(research, MarketResearchSettings(), (), lang="en")
    plt.close("all")


def _text(ex) -> str:
    return "".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in ex.output.outputs
    )


def test_category_and_competitor_redraw_bands_and_undercuts(page):
    ex = explore(page)
    assert set(ex.controls) == {"category"} and set(ex.extra) == {"competitor"}
    assert "¥0-80" in _text(ex) and "¥50-100" in _text(ex) and "BT0005" in _text(ex)
    ex.controls["category"].value = "美妆"
    assert set(ex.drawn["category"]) == {"美妆"}
    assert "¥0-80" not in _text(ex) and "¥50-100" in _text(ex)
    ex.extra["competitor"].value = "织里女装"
    assert "AP0001" in _text(ex) and "BT0005" not in _text(ex)


def test_batch_view_shows_every_band_and_no_widget(page, capsys):
    assert explore(page, interactive=False) is None
    out = capsys.readouterr().out
    assert "¥0-80" in out and "¥50-100" in out and "BT0005" in out and "AP0001" in out
    assert "Dropdown" not in out and plt.get_fignums() == []


def test_without_competitor_data_the_explorer_still_draws(capsys):
    research = MarketResearch(month=pd.Timestamp("2026-10-01"), bands=BANDS)
    page = Page(research, MarketResearchSettings(), (), lang="en")
    ex = explore(page)
    assert ex.extra == {} and "¥0-80" in _text(ex)
    assert explore(page, interactive=False) is None
    assert "¥0-80" in capsys.readouterr().out
    plt.close("all")
