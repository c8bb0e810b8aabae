"""加购高支付低 against the shop norm, and its causes."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.product_matrix.cart_gap import cart_funnel, cart_gap, gap_causes

END = pd.Timestamp("2026-11-15")


def test_cart_gap_by_hand():
    tr = pd.DataFrame(
        {
            "date": [END] * 3,
            "sku_id": ["hot", "ok", "small"],
            "visitors": [1000, 1000, 50],
            "cart_users": [200, 60, 40],
            "fav_users": [0, 0, 0],
        }
    )
    di = pd.DataFrame(
        {"date": [END] * 3, "channel": ["搜索"] * 3, "sku_id": ["hot", "ok", "small"],
         "gmv": [1.0] * 3, "units": [5, 60, 1], "orders": [5, 60, 1]}
    )  # fmt: skip
    funnel, norm = cart_funnel(tr, di, end=END, days=28)
    # shop: cart 300 / 2050 = 14.6 %, CVR 66 / 2050 = 3.2 %
    assert norm["cart_rate"] == pytest.approx(300 / 2050)
    assert norm["cvr"] == pytest.approx(66 / 2050)
    flagged = cart_gap(funnel, norm, min_cart_rate=0.08, cvr_ratio=0.5, min_visitors=200)
    # hot: cart 20 % >= 14.6 %, CVR 0.5 % < 1.6 % -> flagged; small: too few visitors
    assert flagged["sku_id"].tolist() == ["hot"]
    assert flagged.loc[0, "lost"] == 195  # 200 cart users - 5 orders
    prices = pd.DataFrame(
        {"sku_id": ["hot"], "position": ["above"], "price": [159.0],
         "same_item_price": [139.0], "high": [139.0]}
    )  # fmt: skip
    out = gap_causes(
        flagged,
        prices=prices,
        price_change=pd.Series({"hot": 0.23}),
        stockout=pd.Series({"hot": 2}),
        complaints=pd.Series({"hot": 3}),
        shipping_fee=pd.Series({"hot": 12.0}),
        shop_shipping_fee=5.0,
    )
    assert out.loc[0, "cause_en"] == (
        "price 159 above the competitor's 139; price raised +23% recently; 2 stock-out days; "
        "3 complaints (low ratings); average shipping fee 12.0 above the shop's 5.0"
    )
    plain = gap_causes(flagged)
    assert plain.loc[0, "cause_en"].startswith("no cause in the data")
