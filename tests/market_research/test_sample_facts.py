"""The planted market facts of the sample shop, found by the theme's computations."""

from __future__ import annotations

import pandas as pd
import pytest
from locations import SAMPLE

from helpers.context import load_context
from helpers.market_research import build_research
from helpers.market_research.theme import MarketResearchSettings
from helpers.sample.market_research import planted_market_facts

PLANTED = planted_market_facts()


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    return load_context(SAMPLE, cache_dir=str(tmp_path_factory.mktemp("mr-cache")))


@pytest.fixture(scope="module")
def research(ctx):
    return build_research(ctx.dataset.tables, ctx.facts, MarketResearchSettings())


def _future(frame: pd.DataFrame, month: str, **values) -> pd.DataFrame:
    """``frame`` with its last month's rows copied to ``month`` with wild ``values``."""
    last = frame.loc[frame["month"] == frame["month"].max()].assign(month=pd.Timestamp(month))
    return pd.concat([frame, last.assign(**values)], ignore_index=True)


def test_months_not_over_by_the_run_date_change_nothing(ctx, research):
    tables = dict(ctx.dataset.tables)
    # the running month (2026-11, not over on 2026-11-15) and a later one, with absurd values
    for month in ("2026-11-01", "2026-12-01"):
        tables["market"] = _future(tables["market"], month, market_gmv=1e15, search_index=0.0)
        tables["search_terms"] = _future(tables["search_terms"], month, search_popularity=1e9)
        tables["competitors"] = _future(tables["competitors"], month, price=1.0)
        tables["market_price_bands"] = _future(tables["market_price_bands"], month, market_gmv=1e12)
    again = build_research(tables, ctx.facts, MarketResearchSettings())
    pd.testing.assert_frame_equal(again.lifecycle, research.lifecycle)
    pd.testing.assert_frame_equal(again.screen, research.screen)
    pd.testing.assert_frame_equal(again.bands, research.bands)
    pd.testing.assert_frame_equal(again.terms, research.terms)
    pd.testing.assert_frame_equal(again.undercuts, research.undercuts)
    for cat, res in research.outlooks.items():
        pd.testing.assert_frame_equal(again.outlooks[cat].forecast, res.forecast)
    assert again.alerts == research.alerts


def test_market_figures_stop_at_the_last_complete_month(research):
    assert research.month == pd.Timestamp("2026-10-01")
    assert research.market["month"].max() == research.month


def test_a_category_in_decline(research):
    life = research.lifecycle.set_index("category")
    assert life.loc[PLANTED["declining_category"], "stage"] == "decline"
    assert set(life["stage"]) >= {"decline", "mature", "growth", "emerging"}


def test_the_shop_loses_share_in_a_growing_category(research):
    life = research.lifecycle.set_index("category")
    cat = PLANTED["share_loss_category"]
    assert life.loc[cat, "stage"] in ("growth", "emerging")
    assert life.loc[cat, "share_change"] <= -0.10
    rules = {(a["rule"], a["subject"]) for a in research.alerts}
    assert ("share_loss_growing", cat) in rules


def test_a_growing_band_the_shop_misses(research):
    bands = research.bands.set_index(["category", "band"])
    missed = PLANTED["missed_band"]
    row = bands.loc[(missed["category"], missed["band"])]
    assert row["shop_items"] == 0 and bool(row["growing_missed"])
    assert research.bands["growing_missed"].sum() == 1


def test_rising_and_falling_terms(research):
    terms = research.terms.set_index("term")
    assert terms.loc[PLANTED["rising_missed_term"], "trend"] == "rising"
    assert bool(terms.loc[PLANTED["rising_missed_term"], "missed"])
    assert terms.loc[PLANTED["falling_term"], "trend"] == "falling"


def test_a_competitor_undercuts_a_top_item(research):
    cut = research.undercuts
    hit = cut.loc[cut["top_item"]]
    assert list(hit["competitor"]) == [PLANTED["undercut"]["competitor"]]
    assert list(hit["sku_id"]) == [PLANTED["undercut"]["sku_id"]]
    assert ("competitor_undercut", PLANTED["undercut"]["sku_id"]) in {
        (a["rule"], a["subject"]) for a in research.alerts
    }
    assert "BT0005" in set(cut["sku_id"])  # the P5 mask, not a top item: no alert


def test_two_categories_pass_the_screen(research):
    shortlist = research.screen.loc[research.screen["shortlisted"], "category"]
    assert sorted(shortlist) == PLANTED["shortlist"]


def test_every_category_has_an_outlook(research):
    assert research.outlook_source == "market_gmv"
    assert all(not o.note and len(o.forecast) == 3 for o in research.outlooks.values())
