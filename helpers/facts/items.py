"""Item-level facts: sales per day x channel x SKU and item traffic per day x SKU."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.facts.frames import blank, channel_or_unknown, empty_frame, measure_by, timestamps
from helpers.facts.model import DAILY_ITEM_COLUMNS, ITEM_TRAFFIC_COLUMNS


def traffic_parts(traffic: pd.DataFrame | None) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """Split traffic into channel-level rows (``sku_id`` empty) and item-level rows."""
    if traffic is None:
        return None, empty_frame(ITEM_TRAFFIC_COLUMNS)
    tr = traffic.copy()
    tr["date"] = timestamps(tr["date"]).dt.normalize()
    tr["channel"] = channel_or_unknown(tr)
    item_level = ~blank(tr["sku_id"]) if "sku_id" in tr.columns else pd.Series(False, tr.index)
    channel_rows = tr.loc[~item_level]
    item_rows = tr.loc[item_level]
    cols = {
        "visitors": "visitors",
        "add_to_cart_users": "cart_users",
        "favorite_users": "fav_users",
    }
    sums, missing = measure_by(item_rows, cols, ["date", "sku_id"])
    if sums is None or sums.empty:
        item = empty_frame(ITEM_TRAFFIC_COLUMNS)
        item["sku_id"] = item["sku_id"].astype("str")
    else:
        item = sums.reset_index()
        for name in missing:
            item[name] = np.nan
        item = item[ITEM_TRAFFIC_COLUMNS].sort_values(["date", "sku_id"]).reset_index(drop=True)
    return channel_rows, item


def daily_item(lines: pd.DataFrame) -> pd.DataFrame:
    """``date, channel, sku_id, gmv, units, orders`` of paid order lines (rows with sales)."""
    di = (
        lines.groupby(["date", "channel", "sku_id"], sort=True)
        .agg(gmv=("gmv", "sum"), units=("quantity", "sum"), orders=("order_id", "nunique"))
        .reset_index()
    )
    di["units"] = di["units"].round().astype("int64")
    di["orders"] = di["orders"].astype("int64")
    di["gmv"] = di["gmv"].astype("float64")
    return di[DAILY_ITEM_COLUMNS]
