"""Customer picture (用户画像) from the shop's own buyers.

Groups buyers by region, age band, member tier, gender and spending-power band and shows
how many buyers and how much GMV each group brings and what it buys. The platform's market
crowd portrait (人群画像) is not part of the data contract, so the picture is the shop's own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: spending-power bands, lowest first
SPENDING_BANDS = ("low", "mid", "high")
#: customer attributes a group can be made of (the ``customers`` table's columns)
DIMENSIONS = ("region", "age_band", "member_tier", "gender", "spending_band")
#: label of a missing attribute
UNKNOWN = "未知"


def spending_bands(customers: pd.DataFrame) -> tuple[pd.Series, tuple[float, float]]:
    """Spending-power band of each buyer from the value of an order.

    ``aov = gmv / orders`` per buyer (facts ``customers``); the band edges are the
    1/3 and 2/3 quantiles of ``aov`` over the buyers: ``low`` below the first, ``high`` at or
    above the second, ``mid`` between.

    Returns
    -------
    (band per buyer, (lower edge, upper edge)).
    """
    aov = customers["gmv"] / customers["orders"].where(customers["orders"] > 0)
    lo, hi = (float(x) for x in aov.quantile([1 / 3, 2 / 3]))
    band = np.select([aov < lo, aov >= hi], ["low", "high"], "mid")
    return pd.Series(band, index=customers.index).where(aov.notna()), (lo, hi)


def buyer_table(facts_customers: pd.DataFrame, attributes: pd.DataFrame) -> pd.DataFrame:
    """The shop's paying buyers with their attributes and spending band.

    ``facts_customers``: ``customer_id, orders, gmv`` (paid orders up to the run date);
    ``attributes``: the ``customers`` table. Buyers without an attribute row keep
    ``未知`` (unknown).
    """
    buyers = facts_customers.loc[facts_customers["orders"] > 0, ["customer_id", "orders", "gmv"]]
    attrs = attributes.drop_duplicates("customer_id")
    cols = [c for c in DIMENSIONS if c in attrs and c != "spending_band"]
    out = buyers.merge(attrs[["customer_id", *cols]], on="customer_id", how="left")
    for c in cols:
        out[c] = out[c].fillna(UNKNOWN).astype(str).replace("", UNKNOWN)
    band, _ = spending_bands(out)
    out["spending_band"] = band.fillna(UNKNOWN)
    return out.reset_index(drop=True)


def category_by_buyer(lines: pd.DataFrame) -> pd.DataFrame:
    """Each buyer's goods value by category from paid order lines.

    ``lines``: ``customer_id, category, value`` (value = quantity x unit price).
    """
    return lines.groupby(["customer_id", "category"])["value"].sum().reset_index()


def with_groups(bought: pd.DataFrame, buyers: pd.DataFrame, *dimensions: str) -> pd.DataFrame:
    """The rows of ``bought`` (``customer_id, category, value``) of the ``buyers``, with each
    buyer's ``dimensions`` (an inner join on ``customer_id`` keeping the rows' order).

    A frame that already carries the dimensions (joined once for all of them) is returned
    as it is, so :func:`groups` and :func:`preference` of several dimensions share one join.
    """
    if all(d in bought.columns for d in dimensions):
        return bought
    return bought.merge(buyers[["customer_id", *dimensions]], on="customer_id")


def groups(
    buyers: pd.DataFrame, dimension: str, bought: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Buyers, GMV, orders per buyer and the favourite category of each group of ``dimension``.

    Returns
    -------
    DataFrame ``group, buyers, buyer_share, gmv, gmv_share, orders_per_buyer, aov`` and, with
    ``bought`` (from :func:`category_by_buyer`, or :func:`with_groups` of it),
    ``top_category, top_category_share`` (the
    category with the largest goods value in the group and its share of the group's value).
    """
    g = buyers.groupby(dimension)
    out = g.agg(buyers=("customer_id", "nunique"), gmv=("gmv", "sum"), orders=("orders", "sum"))
    out["buyer_share"] = out["buyers"] / out["buyers"].sum()
    out["gmv_share"] = out["gmv"] / out["gmv"].sum()
    out["orders_per_buyer"] = out["orders"] / out["buyers"]
    out["aov"] = out["gmv"] / out["orders"]
    out = out.drop(columns="orders").reset_index().rename(columns={dimension: "group"})
    if bought is not None and not bought.empty:
        joined = with_groups(bought, buyers, dimension)
        value = joined.groupby([dimension, "category"])["value"].sum()
        top = value.groupby(level=0).idxmax().map(lambda k: k[1])
        share = value.groupby(level=0).max() / value.groupby(level=0).sum()
        out["top_category"] = out["group"].map(top)
        out["top_category_share"] = out["group"].map(share)
    return out.sort_values("gmv", ascending=False).reset_index(drop=True)


def paid_lines(facts_rows: pd.DataFrame, run_date: pd.Timestamp, days: int = 365) -> pd.DataFrame:
    """Each identified buyer's goods value by category over the ``days`` days to ``run_date``.

    ``facts_rows``: the facts' ``buyer_categories`` (``date, customer_id, category, value``
    with ``value = quantity x unit_price``; nothing paid after the run date is in them).
    Returns ``customer_id, category, value``; a category the products table does not give
    reads :data:`UNKNOWN`.
    """
    since = run_date - pd.Timedelta(days=days - 1)
    rows = facts_rows.loc[(facts_rows["date"] >= since) & (facts_rows["date"] <= run_date)]
    rows = rows.assign(category=rows["category"].fillna(UNKNOWN))
    return category_by_buyer(rows[["customer_id", "category", "value"]])


def preference(buyers: pd.DataFrame, dimension: str, bought: pd.DataFrame) -> pd.DataFrame:
    """How much more (or less) each group buys of each category than the average buyer (TGI).

    ``share[g, c]`` = group g's goods value in category c / group g's goods value;
    ``TGI[g, c] = 100 * share[g, c] / share[all, c]``: 100 = like the average buyer, 120 = the
    group leans 20 % more towards the category.

    Returns
    -------
    DataFrame indexed by group, one column per category, TGI values.
    """
    joined = with_groups(bought, buyers, dimension)
    value = joined.pivot_table(
        index=dimension, columns="category", values="value", aggfunc="sum", fill_value=0.0
    )
    share = value.div(value.sum(axis=1), axis=0)
    overall = value.sum() / value.to_numpy().sum()
    out = (100.0 * share.div(overall, axis=1)).astype(float)
    if set(out.index) <= set(SPENDING_BANDS):
        out = out.reindex([b for b in SPENDING_BANDS if b in out.index])
    return out
