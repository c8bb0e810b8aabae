"""Channel facts: every day x every channel seen in orders, channel-level traffic or ads."""

from __future__ import annotations

import pandas as pd

from helpers.facts.frames import add_measures, channel_or_unknown, timestamps, zero_fill
from helpers.facts.model import AD_COLUMNS, DAILY_CHANNEL_COLUMNS, TRAFFIC_COLUMNS


def ad_rows(ads: pd.DataFrame | None) -> pd.DataFrame | None:
    """The ad_spend rows with ``date`` at midnight and the channel (未知 if blank)."""
    if ads is None:
        return None
    return ads.assign(date=timestamps(ads["date"]).dt.normalize(), channel=channel_or_unknown(ads))


def channel_grid(
    dates: pd.DatetimeIndex, channels: pd.Series, *others: pd.DataFrame | None
) -> pd.DataFrame:
    """Every date x every channel of ``channels`` and of the ``others`` frames, sorted."""
    seen = set(channels.unique())
    for frame in others:
        if frame is not None:
            seen |= set(frame["channel"].unique())
    grid = pd.MultiIndex.from_product([dates, sorted(seen)], names=["date", "channel"])
    out = grid.to_frame(index=False)
    out["channel"] = out["channel"].astype("str")
    return out


def channel_sales(paid: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Per payment day x channel (index ``date, channel``): ``gmv, orders, buyers`` of the
    paid orders and ``units`` (float sum of line quantities); pairs with sales only."""
    by_ch = paid.groupby(["date", "channel"]).agg(
        gmv=("paid_amount", "sum"),
        orders=("order_id", "size"),
        buyers=("buyer_key", "nunique"),
    )
    by_ch["units"] = lines.groupby(["date", "channel"])["quantity"].sum()
    return by_ch


def daily_channel(
    grid: pd.DataFrame,
    by_ch: pd.DataFrame,
    channel_traffic: pd.DataFrame | None,
    ads: pd.DataFrame | None,
) -> pd.DataFrame:
    """``date, channel, gmv, orders, buyers, units, uv, impressions, cart_users, fav_users,
    ad_spend, ad_gmv`` on every row of ``grid`` from :func:`channel_sales` (0 without
    activity; traffic and ad columns NaN when their table or column is absent)."""
    dc = grid.join(by_ch, on=["date", "channel"])
    zero_fill(dc, ("gmv", "units"), ("orders", "buyers"))
    dc["units"] = dc["units"].round().astype("int64")
    dc = add_measures(dc, channel_traffic, TRAFFIC_COLUMNS, ["date", "channel"])
    dc = add_measures(dc, ads, AD_COLUMNS, ["date", "channel"])
    return dc[DAILY_CHANNEL_COLUMNS].sort_values(["date", "channel"]).reset_index(drop=True)
