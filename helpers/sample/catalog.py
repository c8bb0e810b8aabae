"""The product catalogue (products table) and each SKU's popularity over time.

Stream 1. The catalogue does not depend on ``days`` or ``scale``, so the planted SKUs are
the same for every size of shop.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from helpers.sample.draws import stream
from helpers.sample.profile import (
    CAT_MARGIN,
    CAT_N,
    CAT_PREFIX,
    CAT_SHARE,
    CATEGORIES,
    MODIFIERS,
    NOUNS,
    PRICES,
)

#: the columns written to products.csv (the others are private to the generator)
PRODUCT_COLUMNS = ["sku_id", "title", "category", "list_price", "unit_cost", "launch_date"]


def catalog(seed: int, end: pd.Timestamp) -> pd.DataFrame:
    """The SKU master with private columns ``cat`` (category index), ``base_w``
    (popularity within the shop), ``fade`` (yearly decline) and ``margin``."""
    rng = stream(seed, 1)
    parts = []
    for ci, (cat_name, prefix, n) in enumerate(zip(CATEGORIES, CAT_PREFIX, CAT_N, strict=True)):
        combos = list(itertools.product(MODIFIERS[ci].split(), NOUNS[ci].split()))
        pick = rng.permutation(len(combos))[:n]
        titles = [f"山野{combos[i][0]}{combos[i][1]}" for i in pick]
        rank = np.arange(1, n + 1)
        w = 1.0 / rank**0.95
        w = CAT_SHARE[ci] * w / w.sum()
        prices = np.array(PRICES[ci], dtype=float)
        # lower price points are more common; the top sellers are traffic drivers (引流款)
        pw = np.linspace(1.6, 0.4, len(prices))
        price = rng.choice(prices, size=n, p=pw / pw.sum())
        lo, hi = CAT_MARGIN[ci]
        margin = rng.uniform(lo, hi, size=n)
        margin[:3] -= 0.12
        age = rng.integers(760, 1500, size=n)  # days before the end date
        new = rng.random(n) < 0.2
        new[:5] = False
        age[new] = rng.integers(30, 700, size=int(new.sum()))
        fade = np.where(rng.random(n) < 0.12, rng.uniform(0.3, 0.8, size=n), 0.0)
        fade[:5] = 0.0
        parts.append(
            pd.DataFrame(
                {
                    "sku_id": [f"{prefix}{i:04d}" for i in rank],
                    "title": titles,
                    "category": cat_name,
                    "list_price": price,
                    "unit_cost": np.round(price * (1 - margin), 2),
                    "launch_date": end - pd.to_timedelta(age, unit="D"),
                    "cat": ci,
                    "base_w": w,
                    "fade": fade,
                    "margin": margin,
                }
            )
        )
    cat = pd.concat(parts, ignore_index=True)
    cat["launch_date"] = cat["launch_date"].astype("datetime64[ns]")
    return cat


def sku_weights(cat: pd.DataFrame, when: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    """Relative popularity of every SKU at ``when`` (category trends, launches, fading)."""
    years = (end - when).days / 365.0  # years before the end date
    ci = cat["cat"].to_numpy()
    # 美妆 grows, 数码 declines, 家居 grows a little, 服饰 follows the season
    trend = np.array([0.0, 0.30, 0.0, 0.10, -0.25])[ci]
    season = np.where(ci == 0, 1 + 0.15 * np.cos(2 * np.pi * (when.month - 12) / 12), 1.0)
    w = cat["base_w"].to_numpy() * np.exp(-trend * years) * season
    age = (when - cat["launch_date"]).dt.days.to_numpy()
    w = w * np.clip(age / 120.0, 0.0, 1.0) ** 0.7  # new items ramp up over four months
    fade = cat["fade"].to_numpy()
    w = w * np.exp(fade * (years - 2.0))  # fading items lose popularity over time
    return np.where(age >= 0, w, 0.0)


def products(cat: pd.DataFrame) -> pd.DataFrame:
    """The products table: the catalogue without its private columns."""
    return cat[PRODUCT_COLUMNS].copy()
