"""Buyer x category facts: what each identified buyer bought of each product category."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
    from ``products`` and is NaN without it or for an item it does not list. Rows sorted by
    ``date, customer_id, category`` (NaN last).

    The per-day part is sorted by its keys, so a buyer's rows of one day are adjacent: the
    groups are runs of equal ``date, customer_id`` split by category code, found by
    comparing each row with the one before (no hashing of customer ids); an input not in
    that order is grouped with pandas.

    Parameters
    ----------
    items : the per-day part :func:`buyer_items`.
    products : the products table, or None.
    """
    codes, names = category_codes(items["sku_id"], products)
    runs = buyer_runs(items)
    if runs is None:
        return grouped_categories(items, names, codes)
    width = len(names) + 1  # category codes 0..len(names), len(names) = no category
    keys, first, which = np.unique(runs * width + codes, return_index=True, return_inverse=True)
    value = np.bincount(which, weights=items["value"].to_numpy(dtype="float64"))
    category = np.append(np.asarray(names, dtype="object"), np.nan)[keys % width]
    return pd.DataFrame(
        {
            "date": items["date"].to_numpy()[first],
            "customer_id": items["customer_id"].iloc[first].reset_index(drop=True),
            "category": pd.Series(category, dtype="str"),
            "value": value,
        }
    )


def category_codes(skus: pd.Series, products: pd.DataFrame | None) -> tuple[np.ndarray, list]:
    """Per row of ``skus``, the code of its category among ``names`` (the sorted distinct
    categories of the items present), ``len(names)`` for none; and ``names``. An item's
    category is that of its first row in ``products``."""
    sku_codes, uniques = pd.factorize(skus, use_na_sentinel=False)
    category = pd.Series(np.nan, index=range(len(uniques)), dtype="object")
    if products is not None and "category" in products.columns:
        cats = products.drop_duplicates("sku_id").set_index("sku_id")["category"]
        category = pd.Series(pd.Index(uniques).map(cats), dtype="object")
    names = sorted(set(category.dropna()))
    per_sku = pd.Index(names, dtype="object").get_indexer(pd.Index(category))
    per_sku[per_sku < 0] = len(names)
    return per_sku[sku_codes].astype("int64"), names


def buyer_runs(items: pd.DataFrame) -> np.ndarray | None:
    """Run number (0, 1, ...) of each row's ``date, customer_id`` when the rows are sorted
    by them (each pair in one run of adjacent rows); None when they are not, or when a
    customer id is missing."""
    if len(items) == 0 or items["customer_id"].isna().any():
        return None
    days = items["date"].to_numpy()
    ids = pa.array(items["customer_id"].astype("str"))
    same_day = days[1:] == days[:-1]
    before = pc.less(ids[1:], ids[:-1]).to_numpy(zero_copy_only=False)
    if (days[1:] < days[:-1]).any() or (same_day & before).any():
        return None
    new_id = pc.not_equal(ids[1:], ids[:-1]).to_numpy(zero_copy_only=False)
    starts = np.concatenate([[True], ~same_day | new_id])
    return np.cumsum(starts) - 1


def grouped_categories(items: pd.DataFrame, names: list, codes: np.ndarray) -> pd.DataFrame:
    """:func:`buyer_categories` of rows in any order, grouped by pandas."""
    category = np.append(np.asarray(names, dtype="object"), np.nan)[codes]
    li = items.assign(category=pd.Series(category, index=items.index, dtype="object"))
    keys = ["date", "customer_id", "category"]
    out = li.groupby(keys, dropna=False, sort=True)["value"].sum().reset_index()
    return out[BUYER_CATEGORY_COLUMNS].astype({"category": "str"})
