from helpers.market_research.page import CRITERIA_LABELS, Page, whole_shop
from helpers.market_research.research import MarketResearch
from helpers.market_research.theme import MarketResearchSettings


def test_items_without_a_category_read_whole_shop():
    assert whole_shop("", "en") == "Whole shop" and whole_shop("全店", "zh") == "全店"
    assert whole_shop("美妆", "en") == "美妆"


def test_screen_headings_carry_the_configured_thresholds():
    import pandas as pd

    settings = MarketResearchSettings(search_min=6000, return_rate_max=0.04)
    page = Page(MarketResearch(month=pd.Timestamp("2026-10-01")), settings, (), lang="en")
    labels = page.criteria_labels()
    assert labels["search_ok"] == "search index ≥ 6,000"
    assert labels["returns_ok"] == "return rate < 4%"
    assert labels["competition_ok"] == "competing items < 100,000"
    assert set(labels) == {f"{k}_ok" for k in CRITERIA_LABELS}
