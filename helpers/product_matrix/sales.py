"""Item sales over a window, net of refunds and credit notes, from the run's facts.

Everything here starts from :class:`helpers.facts.Facts` (``daily_item`` and ``refunds``):
order lines are never scanned again. Lines that are not goods (``products.category`` is
``non-product``: postage, fees, manual adjustments) are left out of every item list.
"""

from __future__ import annotations

import pandas as pd

from helpers.contract import NON_PRODUCT

ITEM_COLUMNS = [
    "sku_id",
    "title",
    "category",
    "gmv",
    "refunds",
    "revenue",
    "units",
    "returned_units",
    "net_units",
    "orders",
    "avg_price",
    "list_price",
    "unit_cost",
    "gross_profit",
    "margin",
]


def window_mask(dates: pd.Series, end: pd.Timestamp, days: int) -> pd.Series:
    """True for ``dates`` in the ``days`` calendar days ending on ``end`` (inclusive)."""
    start = end - pd.Timedelta(days=days - 1)
    return (dates >= start) & (dates <= end)


def goods_only(frame: pd.DataFrame, products: pd.DataFrame | None) -> pd.DataFrame:
    """``frame`` without the rows whose ``sku_id`` is a non-product line in ``products``."""
    if products is None or "category" not in products.columns:
        return frame
    non = products.loc[products["category"].eq(NON_PRODUCT), "sku_id"]
    return frame.loc[~frame["sku_id"].isin(non)]


def product_attributes(products: pd.DataFrame | None) -> pd.DataFrame:
    """One row per SKU: ``title, category, list_price, unit_cost, launch_date`` (NaN when
    the products table or the column is absent)."""
    cols = ["title", "category", "list_price", "unit_cost", "launch_date"]
    if products is None:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="sku_id"))
    p = products.drop_duplicates("sku_id").set_index("sku_id")
    return p.reindex(columns=cols)


def item_sales(
    daily_item: pd.DataFrame,
    refunds: pd.DataFrame,
    *,
    end: pd.Timestamp,
    days: int,
    products: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per-SKU sales of the ``days`` days ending on ``end``, net of refunds.

    Definitions (all over the window; money in the shop currency):

    * ``gmv`` = sum of the item's allocated paid amount (``facts.daily_item.gmv``);
      ``units``, ``orders`` likewise (an order counts once per item).
    * ``refunds`` = sum of ``refund_amount`` of after-sales cases that name the SKU
      (returns, refunds, cancellations and credit notes; complaints carry no money and are
      not in ``facts.refunds``); ``returned_units`` = their ``quantity`` (0 when missing).
    * ``revenue`` = gmv - refunds (net sales, 净销售额); ``net_units`` = units -
      returned_units. A sale reversed by a credit note the same day nets to about 0.
    * ``avg_price`` = gmv / units; ``gross_profit`` = revenue - unit_cost x net_units;
      ``margin`` = gross_profit / revenue (NaN without ``unit_cost`` or when revenue <= 0).

    Returns
    -------
    DataFrame with :data:`ITEM_COLUMNS`, goods only, sorted by revenue descending then
    ``sku_id``; every SKU with a sale or a refund in the window appears.
    """
    sold = daily_item.loc[window_mask(daily_item["date"], end, days)]
    sales = sold.groupby("sku_id").agg(
        gmv=("gmv", "sum"), units=("units", "sum"), orders=("orders", "sum")
    )
    ref = refunds.loc[refunds["sku_id"].notna() & window_mask(refunds["date"], end, days)]
    back = ref.assign(quantity=pd.to_numeric(ref["quantity"], errors="coerce").fillna(0.0))
    back = back.groupby("sku_id").agg(
        refunds=("refund_amount", "sum"), returned_units=("quantity", "sum")
    )
    out = sales.join(back, how="outer").fillna(0.0)
    out.index.name = "sku_id"
    out = out.join(product_attributes(products).drop(columns="launch_date"), how="left")
    out["revenue"] = out["gmv"] - out["refunds"]
    out["net_units"] = out["units"] - out["returned_units"]
    out["avg_price"] = out["gmv"] / out["units"].where(out["units"] > 0)
    cost = pd.to_numeric(out["unit_cost"], errors="coerce")
    out["gross_profit"] = out["revenue"] - cost * out["net_units"]
    out["margin"] = out["gross_profit"] / out["revenue"].where(out["revenue"] > 0)
    out = goods_only(out.reset_index(), products)
    out = out.sort_values(["revenue", "sku_id"], ascending=[False, True])
    return out[ITEM_COLUMNS].reset_index(drop=True)


def daily_demand(
    daily_item: pd.DataFrame,
    refunds: pd.DataFrame,
    *,
    skus: list[str] | pd.Index,
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> pd.DataFrame:
    """Units demanded per day for ``skus`` from ``start`` to ``end``: a date x SKU frame.

    ``demand = max(units sold - units of cancellations and credit notes requested that day,
    0)``, 0 on days without a sale. Returns (goods sent back later) stay in demand: the buyer
    did take the item off the shelf. Cancelling a sale minutes after it (a credit note)
    removes it, so a keying error does not look like demand.
    """
    dates = pd.date_range(start, end, freq="D")
    di = daily_item.loc[
        daily_item["sku_id"].isin(skus) & window_mask(daily_item["date"], end, len(dates))
    ]
    units = di.groupby(["date", "sku_id"])["units"].sum().unstack("sku_id")
    cancel = refunds.loc[
        refunds["type"].astype("object").eq("cancellation") & refunds["sku_id"].isin(skus)
    ]
    cancel = cancel.loc[window_mask(cancel["date"], end, len(dates))]
    qty = pd.to_numeric(cancel["quantity"], errors="coerce").fillna(0.0)
    gone = qty.groupby([cancel["date"], cancel["sku_id"]]).sum().unstack("sku_id")
    grid = pd.DataFrame(0.0, index=pd.DatetimeIndex(dates, name="date"), columns=list(skus))
    grid = grid.add(units.reindex_like(grid).fillna(0.0), fill_value=0.0)
    grid = grid.sub(gone.reindex_like(grid).fillna(0.0), fill_value=0.0)
    return grid.clip(lower=0.0).astype("float64")


def weekly_rate(demand: pd.DataFrame, factor: pd.Series, end: pd.Timestamp) -> pd.DataFrame:
    """Mean promo-adjusted daily units per week (week 0 ends on ``end``).

    ``rate(w) = mean over the days d of week w of demand(d) / factor(d)``, where ``factor``
    is the shop's uplift of the promotion phase covering d (1 on ordinary days, see
    :func:`helpers.product_matrix.forecast.phase_uplift`). A festival spike therefore does
    not read as growth, nor a warm-up lull or a hangover as decline. Rows are weeks, oldest
    first, indexed by the week's last day; the oldest week may be partial.
    """
    f = factor.reindex(demand.index).fillna(1.0).where(lambda x: x > 0, 1.0)
    adjusted = demand.div(f, axis=0)
    week = ((end - pd.DatetimeIndex(demand.index)).days // 7).to_numpy()
    rate = adjusted.groupby(week).mean().sort_index(ascending=False)
    rate.index = pd.DatetimeIndex([end - pd.Timedelta(days=7 * int(w)) for w in rate.index])
    return rate
