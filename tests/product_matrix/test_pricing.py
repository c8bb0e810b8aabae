"""Charm endings, good-better-best tiers and the competitor band, by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.product_matrix.pricing import (
    against_competitors,
    charm_check,
    competitor_band,
    direct_competitor,
    price_tiers,
)


def test_charm_check():
    c = charm_check(pd.Series([99.0, 100.0, 19.99, 105.0, 250.0, 9.0]))
    assert c["charm"].tolist() == [True, False, True, False, False, True]
    assert c["round_number"].tolist() == [False, True, False, False, True, False]
    assert c["suggested"].tolist()[1] == 99.0 and c["suggested"].tolist()[4] == 249.0


def test_price_tiers_by_hand():
    items = pd.DataFrame(
        {
            "category": ["x"] * 6 + ["y"] * 2,
            "list_price": [99, 99, 199, 199, 299, 299, 10, 20.0],
            "revenue": [100, 100, 300, 300, 200, 0, 5, 5.0],
        }
    )
    t = price_tiers(items)
    assert set(t["category"]) == {"x"}  # y has only two price points: no tiers
    x = t.set_index("tier")
    # quantiles of 99 99 199 199 299 299 at 1/3 and 2/3: 165.67 and 232.33
    assert x.loc["good", "max_price"] == 99 and x.loc["better", "min_price"] == 199
    assert x.loc["best", "items"] == 2
    # revenue shares: 200 / 1000, 600 / 1000, 200 / 1000
    assert x["revenue_share"].tolist() == pytest.approx([0.2, 0.6, 0.2])


def test_competitor_band_and_position():
    comp = pd.DataFrame(
        {
            "month": pd.to_datetime(["2026-09-01"] * 3 + ["2026-10-01"] * 3 + ["2026-12-01"]),
            "competitor": ["s1", "s2", "s3"] * 2 + ["s1"],
            "item": ["温和型补水面膜", "洁面乳", "面霜"] * 2 + ["面霜"],
            "category": ["美妆"] * 7,
            "price": [1, 1, 1, 139, 69, 99, 5.0],
        }
    )
    end = pd.Timestamp("2026-11-15")
    band = competitor_band(comp, end=end).set_index("category")
    # the latest month on or before the run date is 2026-10 (12-01 is in the future)
    assert band.loc["美妆", ["low", "median", "high"]].tolist() == [69, 99, 139]
    items = pd.DataFrame(
        {
            "sku_id": ["BT5", "BT6", "BT7"],
            "title": ["山野温和型补水面膜", "山野洁面乳", "山野唇膏"],
            "category": ["美妆"] * 3,
            "avg_price": [159.0, 60.0, 99.0],
            "list_price": [129.0, 60.0, 99.0],
            "revenue": [1.0, 1.0, 1.0],
        }
    )
    same = direct_competitor(items, comp, end=end)
    assert same.to_dict() == {"BT5": 139.0, "BT6": 69.0}
    r = against_competitors(items, band.reset_index(), same).set_index("sku_id")
    # BT5 sells at 159 against the same item at 139: above, gap 159 / 139 - 1
    assert r.loc["BT5", "position"] == "above"
    assert r.loc["BT5", "gap"] == pytest.approx(159 / 139 - 1)
    assert r.loc["BT6", "position"] == "below"  # 60 < band low 69
    assert r.loc["BT7", "position"] == "inside"
