"""The five problems planted in the last days of the sample shop (P1 .. P5, stock-outs).

The facts are declared here once; the generators of the tables they touch read them
(P1 orders, P2 after-sales, P3 shipping, P4 ad spend, P5 order lines and traffic). New
planted facts of a theme go through the planting hook instead (:mod:`helpers.sample.planting`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.sample.catalog import catalog, sku_weights
from helpers.sample.profile import DEFAULT_SEED, END_DATE, ONE_DAY


def planted_problems(end_date: Any = END_DATE, *, seed: int = DEFAULT_SEED) -> dict[str, dict]:
    """The five problems planted in the last days of the sample shop.

    Parameters
    ----------
    end_date : last day of the sample (the run date on which the review should find them).
    seed : generator seed (the SKUs are picked from the seeded catalogue).

    Returns
    -------
    dict keyed ``P1`` .. ``P5``; each value holds ``what`` plus the channel, SKU ids, dates
    (``pd.Timestamp`` at midnight) and factors the generator uses:

    * P1 直播 conversion collapse: on ``dates`` (E-1, E) the channel's orders are
      ``factor`` (0.25) x normal, visitors unchanged.
    * P2 one top 服饰 SKU: order lines paid from ``start`` (E-12) are returned with
      probability ``return_prob`` (0.50; about 40 % of the window's units once
      the requests not yet made by E are left out), reason ``reason`` (尺码不符) 95 % of the time, requested
      1-4 days after payment (buyers notice the size as soon as the parcel arrives).
    * P3 shipping backlog: ``unshipped_share`` (0.40) of orders paid on E-1 before 20:00
      are not shipped by the end of E; ``late_share`` (0.80) of orders paid on E-2 ship
      26-40 h after payment.
    * P4 付费推广 spend on ``date`` (E) is ``factor`` (2.5) x normal, attributed GMV flat.
    * P5 one 美妆 SKU from ``start`` (E-13): price raised by ``price_up`` (+20 %), orders
      down to ``keep`` (15 %) of normal, add-to-cart rate ``cart_rate`` (18 %) of visitors.
    """
    end = pd.Timestamp(end_date).normalize()
    cat = catalog(seed, end)
    w = sku_weights(cat, end, end)
    order = np.argsort(-w, kind="stable")
    ranked = cat.iloc[order]
    apparel = ranked[ranked["category"] == "服饰"]
    beauty = ranked[ranked["category"] == "美妆"]
    used = set()
    p2 = str(apparel["sku_id"].iloc[0])
    p5 = str(beauty["sku_id"].iloc[4])
    used.update({p2, p5})
    stockouts = []
    for c, (a, b) in zip(("家居", "数码", "食品"), ((60, 54), (45, 41), (33, 30)), strict=True):
        sku = next(s for s in ranked.loc[ranked["category"] == c, "sku_id"] if s not in used)
        stockouts.append({"sku_id": str(sku), "start": end - a * ONE_DAY, "end": end - b * ONE_DAY})
    return {
        "P1": {
            "what": "直播 CVR collapse (live-room coupon link broken)",
            "channel": "直播",
            "dates": [end - ONE_DAY, end],
            "factor": 0.25,
        },
        "P2": {
            "what": "size-chart error: returns jump, reason 尺码不符",
            "sku_id": p2,
            "start": end - 12 * ONE_DAY,
            "return_prob": 0.50,
            "reason": "尺码不符",
        },
        "P3": {
            "what": "shipping backlog (warehouse lost a picker)",
            "unshipped_paid_on": end - ONE_DAY,
            "unshipped_before_hour": 20,
            "unshipped_share": 0.40,
            "late_paid_on": end - 2 * ONE_DAY,
            "late_share": 0.80,
        },
        "P4": {
            "what": "付费推广 spend spike, attributed GMV flat (ROAS collapse)",
            "channel": "付费推广",
            "date": end,
            "factor": 2.5,
        },
        "P5": {
            "what": "加购高、支付低 after a price rise above a competitor",
            "sku_id": p5,
            "start": end - 13 * ONE_DAY,
            "price_up": 0.20,
            "keep": 0.15,
            "cart_rate": 0.18,
        },
        "stockouts": {"what": "past stock-outs of top sellers", "items": stockouts},
    }
