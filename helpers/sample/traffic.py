"""The traffic table: channel rows every day (stream 11) and item rows (channel 全部) for
the last 90 days (streams 11-13), with P1 (visitors unchanged) and P5 (carts high)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.sample.catalog import sku_weights
from helpers.sample.draws import lognormal
from helpers.sample.orders import Demand
from helpers.sample.profile import CH_CART, CH_CTR, CH_CVR, CH_FAV, CHANNELS, SHOP_CVR
from helpers.sample.shop import Shop

#: days of item-level traffic (ending on E)
ITEM_DAYS = 90


def channel_traffic(
    shop: Shop, rng: np.random.Generator, dem: Demand
) -> tuple[pd.DataFrame, np.ndarray]:
    """Channel rows: visitors = expected orders / (channel CVR x day CVR lift x noise),
    impressions = visitors / CTR, carts and favourites binomial. Returns the rows and the
    visitors per day x channel (the ad spend follows them)."""
    dayf, nd = shop.days, shop.nd
    shape = dem.lam0.shape
    cvr_t = dayf["cvr_mult"].to_numpy()[:, None] * CH_CVR[None, :] * lognormal(rng, 0.04, shape)
    vis = np.round(dem.lam0 / cvr_t).astype(np.int64)
    imp = np.round(vis / (CH_CTR[None, :] * lognormal(rng, 0.05, shape))).astype(np.int64)
    cart_p = np.clip(CH_CART[None, :] * dayf["cart_mult"].to_numpy()[:, None], 0, 0.6)
    cart = rng.binomial(vis, cart_p)
    fav = rng.binomial(vis, np.broadcast_to(CH_FAV[None, :], vis.shape))
    rows = pd.DataFrame(
        {
            "date": np.repeat(shop.dates, len(CHANNELS)),
            "channel": np.tile(np.array(CHANNELS, dtype=object), nd),
            "sku_id": None,
            "impressions": imp.ravel(),
            "visitors": vis.ravel(),
            "add_to_cart_users": cart.ravel(),
            "favorite_users": fav.ravel(),
        }
    )
    return rows, vis


def _expected_buyers(shop: Shop, dem: Demand, i: int) -> np.ndarray:
    """Expected order lines per SKU on day ``i`` from expected (not realised) demand."""
    ci = shop.cat["cat"].to_numpy()
    w = sku_weights(shop.cat, min(shop.dates[i], shop.end), shop.end)
    if shop.days["nianhuo"].to_numpy()[i]:
        w = np.where(ci == 2, w * 3.0, w)
    w_live = np.where(ci <= 1, w * 1.6, w)
    lines_per_order = 1.70 if dem.burst[i] else 1.46
    live = dem.lam0[i, shop.live]
    other = dem.lam0[i].sum() - live
    return lines_per_order * (other * w / w.sum() + live * w_live / w_live.sum())


def item_traffic(shop: Shop, rng: np.random.Generator, dem: Demand) -> pd.DataFrame:
    """Item rows (channel 全部) for the last 90 days: visitors = expected buyers / (shop CVR
    x day lift x SKU factor 0.8-1.4), a third during a stock-out; cart rate 4-5.5 % (P5:
    ``cart_rate`` from its start)."""
    dayf, nd, nsku = shop.days, shop.nd, shop.nsku
    sku_cvr = shop.rng(12).uniform(0.8, 1.4, nsku)
    sku_cart = shop.rng(13).uniform(0.040, 0.055, nsku)
    p5 = shop.sku_index[shop.plan["P5"]["sku_id"]]
    p5_start = shop.day_of(shop.plan["P5"]["start"])
    parts = []
    for i in range(nd - min(ITEM_DAYS, nd), nd):
        v = _expected_buyers(shop, dem, i) / (SHOP_CVR * dayf["cvr_mult"].iloc[i] * sku_cvr)
        v = rng.poisson(v * lognormal(rng, 0.1, nsku))
        for so in shop.plan["stockouts"]["items"]:
            if so["start"] <= shop.dates[i] <= so["end"]:
                v[shop.sku_index[so["sku_id"]]] //= 3
        cp = sku_cart * (1 + 0.4 * (dayf["cart_mult"].iloc[i] - 1))
        if i >= p5_start:
            cp[p5] = shop.plan["P5"]["cart_rate"]
        parts.append(
            pd.DataFrame(
                {
                    "date": shop.dates[i],
                    "channel": "全部",
                    "sku_id": shop.cat["sku_id"].to_numpy(),
                    "impressions": rng.poisson(v / 0.05),
                    "visitors": v,
                    "add_to_cart_users": rng.binomial(v, cp),
                    "favorite_users": rng.binomial(v, 0.04),
                }
            )
        )
    items = pd.concat(parts, ignore_index=True)
    return items[items["visitors"] > 0]


def traffic(shop: Shop, dem: Demand) -> tuple[pd.DataFrame, np.ndarray]:
    """The traffic table (channel rows, then item rows) and visitors per day x channel."""
    rng = shop.rng(11)
    channels, vis = channel_traffic(shop, rng, dem)
    return pd.concat([channels, item_traffic(shop, rng, dem)], ignore_index=True), vis
