"""Buyer x category facts from the per-day part ``buyer_item``: the run-based grouping of
sorted rows gives what a plain pandas group-by gives, in any input order."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from helpers.facts.buyer_categories import buyer_categories

PRODUCTS = pd.DataFrame(
    {"sku_id": ["A", "B", "B", "C"], "category": ["鞋", "包", "衣", None]},
)


def by_groupby(items: pd.DataFrame, products: pd.DataFrame | None) -> pd.DataFrame:
    """The definition, written directly: category of an item's first products row."""
    cats = {}
    if products is not None and "category" in products.columns:
        cats = products.drop_duplicates("sku_id").set_index("sku_id")["category"].to_dict()
    li = items.assign(category=[cats.get(s, np.nan) for s in items["sku_id"]])
    li["category"] = li["category"].astype("object")
    out = li.groupby(["date", "customer_id", "category"], dropna=False, sort=True)["value"]
    out = out.sum().reset_index()
    return out[["date", "customer_id", "category", "value"]].astype({"category": "str"})


def test_hand_computed():
    items = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-05-01"] * 4 + ["2026-05-02"]),
            "customer_id": pd.Series(["c1", "c1", "c1", "c2", "c1"], dtype="str"),
            "sku_id": pd.Series(["A", "B", "D", "C", "A"], dtype="str"),
            "value": [10.0, 5.0, 2.0, 7.0, 1.0],
        }
    )
    got = buyer_categories(items, PRODUCTS)
    # 05-01 c1: A -> 鞋 10; B -> 包 (its first row) 5; D unlisted -> NaN 2
    # 05-01 c2: C has no category -> NaN 7; 05-02 c1: A -> 鞋 1
    # order: date, customer, category by code point (包 U+5305 < 鞋 U+978B), NaN last
    assert got["category"].fillna("-").tolist() == ["包", "鞋", "-", "-", "鞋"]
    assert got["value"].tolist() == [5.0, 10.0, 2.0, 7.0, 1.0]
    assert got["customer_id"].tolist() == ["c1", "c1", "c1", "c2", "c1"]


rows = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.sampled_from(["c1", "c2", "中", "Z", "a"]),
        st.sampled_from(["A", "B", "C", "D"]),
        st.sampled_from([0.0, 1.5, 9.25, 30.0]),
    ),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(rows, st.booleans(), st.sampled_from([0, 1, 2]))
def test_same_as_groupby(rows, as_part, which):
    items = pd.DataFrame(rows, columns=["day", "customer_id", "sku_id", "value"])
    items["date"] = pd.Timestamp("2026-05-01") + pd.to_timedelta(items.pop("day"), unit="D")
    items = items.astype({"customer_id": "str", "sku_id": "str", "value": "float64"})
    if as_part:  # as the per-day part comes: unique keys, sorted
        keys = ["date", "customer_id", "sku_id"]
        items = items.drop_duplicates(keys).sort_values(keys, ignore_index=True)
    products = [None, PRODUCTS, PRODUCTS[["sku_id"]]][which]
    assert_frame_equal(buyer_categories(items, products), by_groupby(items, products))
