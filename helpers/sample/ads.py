"""The ad_spend table (stream 14): 付费推广 campaigns and 超级直播, with the P4 spike."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.sample.draws import lognormal
from helpers.sample.orders import OrderTimes
from helpers.sample.profile import CH_SHARE, CHANNELS
from helpers.sample.shop import Shop

#: campaigns per advertised channel: (channel, ((campaign, budget share), ...), share of
#: the channel's GMV attributed to ads, planned ROAS)
CAMPAIGNS = (
    (
        "付费推广",
        (("直通车-关键词推广", 0.55), ("万相台-货品加速", 0.30), ("引力魔方-人群拉新", 0.15)),
        1.0,
        3.2,
    ),
    ("直播", (("超级直播", 1.0),), 0.30, 3.5),
)


def _channel_gmv(shop: Shop, ot: OrderTimes, paid_amount: np.ndarray):
    """GMV per day x channel (by payment day) and the mean paid order value per channel
    (150 CNY for a channel without orders)."""
    ch_gmv = np.zeros((shop.nd, len(CHANNELS)))
    pm = ot.paid_flag
    np.add.at(ch_gmv, (ot.paid_day(shop)[pm].astype(np.int64), ot.channel[pm]), paid_amount[pm])
    aov = np.array(
        [
            paid_amount[pm & (ot.channel == c)].mean() if (pm & (ot.channel == c)).any() else 150.0
            for c in range(len(CHANNELS))
        ]
    )
    return ch_gmv, aov


def ad_spend(
    shop: Shop, ot: OrderTimes, paid_amount: np.ndarray, visitors: np.ndarray
) -> pd.DataFrame:
    """Daily spend, impressions, clicks and attributed GMV per campaign.

    budget = planned GMV (trend x weekday x share x order value) x attributed share / ROAS
    x the day's spend multiplier; spend = budget x campaign share x noise; attributed GMV
    follows the channel's realised GMV. P4: on its date 付费推广 spend x ``factor``.
    """
    rng = shop.rng(14)
    dayf, nd, d_e = shop.days, shop.nd, shop.nd - 1
    ch_gmv, aov = _channel_gmv(shop, ot, paid_amount)
    spend_mult = dayf["spend_mult"].to_numpy()
    rows = []
    for channel, campaigns, attr_share, roas in CAMPAIGNS:
        c = CHANNELS.index(channel)
        paid_ch = c == shop.paid_channel
        # budgets follow the plan (trend, weekday, promo calendar), not the daily noise
        exp_gmv = (dayf["level"] * dayf["weekday"]).to_numpy() * shop.scale * CH_SHARE[c] * aov[c]
        budget = exp_gmv * attr_share / roas * spend_mult
        for name, sh in campaigns:
            spend = budget * sh * lognormal(rng, 0.05, nd)
            clicks = visitors[:, c] * sh * (1.1 if paid_ch else 0.35) * lognormal(rng, 0.05, nd)
            impr = clicks / (0.025 * lognormal(rng, 0.05, nd))
            attr = ch_gmv[:, c] * attr_share * sh * lognormal(rng, 0.08, nd)
            if paid_ch:
                spend[d_e] *= shop.plan["P4"]["factor"]
                impr[d_e] *= 2.3
                clicks[d_e] *= 1.25
            rows.append(
                pd.DataFrame(
                    {
                        "date": shop.dates,
                        "channel": channel,
                        "campaign": name,
                        "spend": np.round(spend, 2),
                        "impressions": np.round(impr).astype("int64"),
                        "clicks": np.round(clicks).astype("int64"),
                        "attributed_gmv": np.round(attr, 2),
                    }
                )
            )
    table = pd.concat(rows, ignore_index=True).sort_values(["date", "channel", "campaign"])
    return table.reset_index(drop=True)
