"""Buyer x category facts: what each identified buyer bought of each product category."""

from __future__ import annotations

import pandas as pd

from helpers.facts.model import BUYER_CATEGORY_COLUMNS

#: The per-day part behind :func:`buyer_categories` (categories are added when the facts
#: are assembled, so a changed products table never needs the order lines again).
BUYER_ITEM_COLUMNS = ["date", "customer_id", "sku_id", "value"]


def buyer_items(lines: pd.DataFrame, paid: pd.DataFrame) -> pd.DataFrame:
    """``date, customer_id, sku_id, value`` per payment day, identified buyer and item:
    ``value`` = sum of ``quantity x unit_price`` of the buyer's lines (guest orders left out).

    Parameters
    ----------
    lines : the allocated order lines of the paid orders (``order_id, sku_id, quantity,
        unit_price, date``).
    paid : the paid orders (``order_id, customer_id``).
    """
    known = paid["customer_id"].notna() & (paid["customer_id"].astype(str) != "")
    li = lines[["order_id", "sku_id", "date"]].assign(value=lines["quantity"] * lines["unit_price"])
    li = li.merge(paid.loc[known, ["order_id", "customer_id"]], on="order_id", how="inner")
    keys = ["date", "customer_id", "sku_id"]
    out = li.groupby(keys, sort=True)["value"].sum(min_count=0).reset_index()
    return out[BUYER_ITEM_COLUMNS]


def buyer_categories(items: pd.DataFrame, products: pd.DataFrame | None) -> pd.DataFrame:
    """``date, customer_id, category, value`` per payment day, identified buyer and category.

    ``value`` = sum of ``quantity x unit_price`` of the buyer's order lines paid that day (the
    lines' list value, before order-level discounts; currency). ``category`` (text) comes
    from ``products`` and is NaN without it or for an item it does not list.

    Parameters
    ----------
    items : the per-day part :func:`buyer_items`.
    products : the products table, or None.
    """
    li = items.assign(category=pd.Series(pd.NA, index=items.index, dtype="object"))
    if products is not None and "category" in products.columns:
        cats = products.drop_duplicates("sku_id").set_index("sku_id")["category"]
        li["category"] = li["sku_id"].map(cats)
    keys = ["date", "customer_id", "category"]
    out = li.groupby(keys, dropna=False, sort=True)["value"].sum().reset_index()
    return out[BUYER_CATEGORY_COLUMNS].astype({"category": "str"})
