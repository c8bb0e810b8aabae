"""Shipping-fee facts: the fee paid on the orders of each day, per item and for the shop."""

from __future__ import annotations

import pandas as pd

from helpers.facts.model import SHIPPING_FEE_COLUMNS

#: The ``sku_id`` of the rows that hold the whole shop.
WHOLE_SHOP = ""


def shipping_fees(lines: pd.DataFrame, paid: pd.DataFrame) -> pd.DataFrame:
    """``date, sku_id, orders, shipping_fee`` per payment day: over the paid orders whose
    ``orders.shipping_fee`` is known, ``orders`` = how many there are and ``shipping_fee`` =
    the sum of their fees (currency), per item the orders hold; rows with an empty
    ``sku_id`` hold the whole shop (every such order). The mean fee of a window is
    ``sum(shipping_fee) / sum(orders)``. Empty when the orders carry no fee.

    Parameters
    ----------
    lines : the allocated order lines of the paid orders (``order_id, sku_id``).
    paid : the paid orders (``order_id, date, shipping_fee``).
    """
    fee = paid.loc[paid["shipping_fee"].notna(), ["order_id", "date", "shipping_fee"]]
    if fee.empty:
        return pd.DataFrame(
            {
                "date": pd.Series(dtype="datetime64[ns]"),
                "sku_id": pd.Series(dtype="object"),
                "orders": pd.Series(dtype="int64"),
                "shipping_fee": pd.Series(dtype="float64"),
            }
        )
    held = lines[["order_id", "sku_id"]].drop_duplicates().merge(fee, on="order_id")
    per_item = held.groupby(["date", "sku_id"], sort=True).agg(
        orders=("order_id", "size"), shipping_fee=("shipping_fee", "sum")
    )
    shop = fee.groupby("date", sort=True).agg(
        orders=("order_id", "size"), shipping_fee=("shipping_fee", "sum")
    )
    shop = shop.reset_index().assign(sku_id=WHOLE_SHOP)
    out = pd.concat([shop, per_item.reset_index()], ignore_index=True)
    out["orders"] = out["orders"].astype("int64")
    out["sku_id"] = out["sku_id"].astype(object)  # the same after a round trip to disk
    out = out.sort_values(["date", "sku_id"], kind="stable")  # the shop row first in its day
    return out[SHIPPING_FEE_COLUMNS].reset_index(drop=True)
