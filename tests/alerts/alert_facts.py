"""Hand-made Facts-like inputs shared by the alert rule and anomaly tests.

Facts-like inputs are built by hand (a SimpleNamespace with the Facts attributes): ``n``
identical days of :data:`BASE` values ending on :data:`RD`, with chosen last values.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

RD = pd.Timestamp("2026-03-31")
ALL = frozenset({"orders", "order_items", "traffic", "ad_spend", "after_sales", "products"})
BASE = dict(
    gmv=4000.0,
    orders=40,
    buyers=40,
    units=50,
    new_buyers=10,
    returning_buyers=30,
    uv=1000.0,
    impressions=20000.0,
    cart_users=100.0,
    fav_users=50.0,
    ad_spend=500.0,
    ad_gmv=1500.0,
    refund_cases=2,
    refund_amount=200.0,
    ship_due=40,
    ship_on_time=40,
)
CHANNEL_COLS = ["date", "channel", "gmv", "orders", "buyers", "units", "uv"]
CHANNEL_COLS += ["impressions", "cart_users", "fav_users", "ad_spend", "ad_gmv"]


def mk_daily(n: int = 10, **tails: list[float]) -> pd.DataFrame:
    """``n`` identical days ending on RD (BASE values); ``tails`` set the last values."""
    dates = pd.date_range(end=RD, periods=n, freq="D")
    df = pd.DataFrame({"date": dates, **{k: [float(v)] * n for k, v in BASE.items()}})
    for col, values in tails.items():
        df.loc[df.index[-len(values) :], col] = [float(v) for v in values]
    df["phase"] = pd.Series([np.nan] * n, dtype=object)
    df["promo"] = pd.Series([np.nan] * n, dtype=object)
    return df


def mk_channel(channel: str, n: int, **tails: list[float]) -> pd.DataFrame:
    df = mk_daily(n, **tails)
    df.insert(1, "channel", channel)
    return df[CHANNEL_COLS]


def mk_facts(daily: pd.DataFrame | None = None, **kw) -> SimpleNamespace:
    empty = {
        "daily_channel": pd.DataFrame(columns=CHANNEL_COLS),
        "daily_item": pd.DataFrame(columns=["date", "channel", "sku_id", "gmv", "units", "orders"]),
        "item_traffic": pd.DataFrame(columns=["date", "sku_id", "visitors", "cart_users"]),
        "open_orders": pd.DataFrame(columns=["order_id", "channel", "paid_at", "hours_waiting"]),
        "refunds": pd.DataFrame(
            columns=["case_id", "order_id", "sku_id", "date", "quantity", "reason"]
        ),
        "promo_days": pd.DataFrame(columns=["date", "promo_id", "name", "phase"]),
    }
    empty.update(kw)
    empty.setdefault("available", ALL)
    return SimpleNamespace(run_date=RD, daily=mk_daily() if daily is None else daily, **empty)


def weekly_daily(n: int = 84, seed: int = 3) -> pd.DataFrame:
    """A shop whose GMV/orders/UV follow a weekly pattern x 3 % noise."""
    rng = np.random.default_rng(seed)
    pattern = np.tile([1.0, 1.1, 1.2, 1.0, 0.9, 1.4, 1.5], n // 7 + 1)[-n:]
    d = mk_daily(n)
    noise = 1 + rng.normal(0, 0.03, size=(n, 4))
    d["uv"] = np.round(1000 * pattern * noise[:, 0])
    d["buyers"] = np.round(d["uv"] * 0.04 * noise[:, 1])
    d["orders"] = d["buyers"]
    d["gmv"] = d["buyers"] * 100 * noise[:, 2]
    d["ad_spend"] = 500 * pattern * noise[:, 3]
    return d
