"""Planted facts of the market research notebook (its own random stream).

On top of the base shop's ``market`` and ``competitors`` tables this planter

* adds a candidate category the shop does not sell (宠物用品) that passes the 三高一低
  screen beside 家居, and a 交易指数 (trade index) column next to the real market size;
* lifts the 家居 market over the last twelve months (it grows ~55 % a year while the shop's
  家居 sales do not keep up: the shop loses share in a growing category);
* adds ``market_price_bands``: the market's sales by price band, with a premium 美妆 band
  (240+) that grows fast and where the shop has no item;
* adds ``search_terms``: terms of the shop's categories, with 早C晚A精华 rising while the
  visitors it brings to the shop fall, and 有线耳机 falling;
* fills the competitors' promotion days and traffic mix, names the shop's comparable item
  of each tracked competitor item, and adds a competitor copy of the shop's best seller
  HM0001 sold 70 yuan cheaper.

:func:`planted_market_facts` returns the same facts for the tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.sample.draws import lognormal
from helpers.sample.planting import Planter, SampleSpec, Tables

#: the candidate category: search index, yearly growth, market GMV, items, cvr, margin, returns
CANDIDATE = ("宠物用品", 6500.0, 0.25, 0.45e9, 82_000, 0.030, 0.38, 0.03)
#: 家居 market lift over the last twelve months
HOME_LIFT = 1.10
#: the market's price band lower bounds per category
BAND_EDGES = {
    "服饰": (0, 100, 200, 300, 500),
    "美妆": (0, 60, 100, 150, 240),
    "食品": (0, 30, 60, 100),
    "家居": (0, 50, 100, 200, 400),
    "数码": (0, 100, 200, 500),
    "宠物用品": (0, 50, 100, 200),
}
#: 美妆's premium band: base share and yearly growth of its share
PREMIUM_BAND = ("美妆", 240.0, 0.12, 0.5)
#: search terms per category: (term, weight of the category's search index, yearly tilt,
#: yearly tilt of the shop's visitors from the term)
TERMS = {
    "服饰": (
        ("防晒衣", 0.30, 0.0, 0.05),
        ("冲锋衣", 0.25, 0.05, 0.05),
        ("速干T恤", 0.20, 0.0, 0.0),
    ),
    "美妆": (
        ("补水面膜", 0.30, 0.0, 0.05),
        ("防晒喷雾", 0.20, 0.0, 0.0),
        ("早C晚A精华", 0.10, 0.8, -0.3),
    ),
    "食品": (("每日坚果", 0.30, 0.0, 0.05), ("自热火锅", 0.20, 0.05, 0.0)),
    "家居": (("露营灯", 0.25, 0.0, 0.0), ("折叠椅", 0.20, 0.0, 0.05), ("保温杯", 0.25, 0.0, 0.0)),
    "数码": (
        ("充电宝", 0.30, 0.0, 0.0),
        ("运动相机", 0.20, 0.0, 0.0),
        ("有线耳机", 0.15, -0.6, -0.6),
    ),
}
#: the competitor copy of the shop's best seller: (shop, item, sku, price below the list)
COPY = ("森屿家居生活馆", "加大户外水壶", "HM0001", 70.0)
SHARES = ("search_share", "recommend_share", "live_share", "video_share", "paid_share")
SOURCE_SHARE = {"搜索": 0, "推荐": 1, "直播": 2, "短视频": 3, "付费推广": 4}


def planted_market_facts() -> dict[str, object]:
    """The market research facts planted in the sample shop (asserted by the tests)."""
    return {
        "declining_category": "数码",
        "share_loss_category": "家居",
        "missed_band": {"category": "美妆", "band": "240+"},
        "rising_missed_term": "早C晚A精华",
        "falling_term": "有线耳机",
        "undercut": {"competitor": COPY[0], "sku_id": COPY[2]},
        "shortlist": ["宠物用品", "家居"],
    }


def _years(months: pd.Series, end: pd.Timestamp) -> np.ndarray:
    return (pd.to_datetime(months) - end).dt.days.to_numpy() / 365.0


def _season(months: pd.Series) -> np.ndarray:
    m = pd.to_datetime(months).dt.month
    return (1 + 0.25 * m.isin([6, 11]) + 0.1 * m.isin([1, 12])).to_numpy()


def _market(market: pd.DataFrame, rng: np.random.Generator, end: pd.Timestamp) -> pd.DataFrame:
    """The candidate category, the 家居 lift and a trade index beside the market size."""
    months = pd.Series(sorted(market["month"].unique()))
    name, si, g, gmv, items, cvr, margin, ret = CANDIDATE
    t = _years(months, end)
    level = np.exp(g * t) * _season(months) * lognormal(rng, 0.04, len(months))
    extra = pd.DataFrame(
        {
            "month": months,
            "category": name,
            "search_index": np.round(si * level, 0),
            "market_gmv": np.round(gmv * level, -4),
            "competing_items": np.round(items * np.exp(0.6 * g * t)).astype("int64"),
            "avg_cvr": np.round(cvr * lognormal(rng, 0.03, len(months)), 4),
            "avg_margin": np.round(margin + rng.normal(0, 0.01, len(months)), 3),
            "avg_return_rate": np.round(ret * lognormal(rng, 0.05, len(months)), 4),
        }
    )
    out = pd.concat([market, extra], ignore_index=True)
    lift = (out["category"] == "家居") & (out["month"] > end - pd.DateOffset(months=12))
    out.loc[lift, "market_gmv"] = np.round(out.loc[lift, "market_gmv"] * HOME_LIFT, -4)
    out.loc[lift, "search_index"] = np.round(out.loc[lift, "search_index"] * HOME_LIFT, 0)
    # 生意参谋's 交易指数 grows slower than money (a concave transform), never proportional
    out["trade_index"] = np.round(np.power(out["market_gmv"] / 1e4, 0.6), 0)
    return out.sort_values(["month", "category"]).reset_index(drop=True)


def _bands(market: pd.DataFrame, rng: np.random.Generator, end: pd.Timestamp) -> pd.DataFrame:
    """Market sales by price band: fixed shares, 美妆's premium band growing."""
    rows = []
    for cat, edges in BAND_EDGES.items():
        m = market.loc[market["category"] == cat].reset_index(drop=True)
        t = _years(m["month"], end)
        base = np.linspace(1.0, 0.5, len(edges))
        weights = np.tile(base, (len(m), 1)) * lognormal(rng, 0.05, (len(m), len(edges)))
        if cat == PREMIUM_BAND[0]:
            top = edges.index(PREMIUM_BAND[1])
            weights[:, top] = PREMIUM_BAND[2] * base.sum() * np.exp(PREMIUM_BAND[3] * t)
        shares = weights / weights.sum(axis=1, keepdims=True)
        for j, lower in enumerate(edges):
            upper = edges[j + 1] if j + 1 < len(edges) else np.nan
            rows.append(
                pd.DataFrame(
                    {
                        "month": m["month"],
                        "category": cat,
                        "price_min": float(lower),
                        "price_max": float(upper),
                        "market_gmv": np.round(m["market_gmv"] * shares[:, j], -3),
                        "items": np.round(m["competing_items"] * shares[:, j]).astype("int64"),
                    }
                )
            )
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["month", "category", "price_min"]).reset_index(drop=True)


def _terms(market: pd.DataFrame, rng: np.random.Generator, end: pd.Timestamp) -> pd.DataFrame:
    """Monthly search popularity, online items and shop visitors per term."""
    rows = []
    for cat, terms in TERMS.items():
        m = market.loc[market["category"] == cat].reset_index(drop=True)
        t = _years(m["month"], end)
        for term, weight, tilt, shop_tilt in terms:
            pop = m["search_index"] * weight * np.exp(tilt * t) * lognormal(rng, 0.05, len(m))
            base = pop.iloc[0] * 0.15
            visitors = base * np.exp(shop_tilt * (t - t[0])) * lognormal(rng, 0.08, len(m))
            rows.append(
                pd.DataFrame(
                    {
                        "month": m["month"],
                        "category": cat,
                        "term": term,
                        "search_popularity": np.round(pop, 0),
                        "online_items": np.round(m["competing_items"] * weight * 0.4).astype(
                            "int64"
                        ),
                        "shop_visitors": np.round(visitors).astype("int64"),
                    }
                )
            )
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["month", "category", "term"]).reset_index(drop=True)


def _competitors(
    competitors: pd.DataFrame, products: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Promotion days, traffic mix and comparable items; the copy of the best seller."""
    listed = products.set_index("sku_id")
    home = competitors.loc[competitors["competitor"] == COPY[0]]
    copy = home.loc[home["item"] == home["item"].iloc[0]].copy()
    copy["item"], copy["category"] = COPY[1], "家居"
    copy["price"] = float(listed["list_price"].loc[COPY[2]]) - COPY[3]
    copy["monthly_sales"] = np.round(copy["monthly_sales"] * 0.6).astype("int64")
    out = pd.concat([competitors, copy], ignore_index=True)
    by_title = {str(t).replace("山野", ""): s for s, t in listed["title"].items()}
    out["comparable_sku"] = out["item"].map(by_title)
    month = pd.to_datetime(out["month"]).dt.month
    festival = month.isin([6, 11]).to_numpy()
    out["promo_days"] = rng.integers(2, 9, len(out)) + festival * rng.integers(8, 14, len(out))
    main = out["main_traffic_source"].map(SOURCE_SHARE).fillna(0).astype(int).to_numpy()
    alpha = np.ones((len(out), len(SHARES)))
    alpha[np.arange(len(out)), main] = 4.0
    mix = np.vstack([rng.dirichlet(a) for a in alpha])
    for j, col in enumerate(SHARES):
        out[col] = np.round(mix[:, j], 3)
    return out.sort_values(["month", "competitor", "item"]).reset_index(drop=True)


def plant(tables: Tables, rng: np.random.Generator, spec: SampleSpec) -> Tables:
    """Every market research fact (see the module doc), drawn from this planter's stream."""
    market = _market(tables["market"], rng, spec.end)
    return {
        **tables,
        "market": market,
        "market_price_bands": _bands(market, rng, spec.end),
        "search_terms": _terms(market, rng, spec.end),
        "competitors": _competitors(tables["competitors"], tables["products"], rng),
    }


PLANTER = Planter(
    name="market_research",
    plant=plant,
    what="market tables for every market research section: a declining category, a growing "
    "band the shop misses, a rising term it misses, an undercut best seller, two blue oceans",
)
