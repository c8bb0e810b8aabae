"""Items bought together (搭配 candidates): pair counts, support, confidence and lift from
order lines, with sparse matrix products (no loop over orders)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

PAIR_COLUMNS = [
    "sku_a",
    "sku_b",
    "orders_ab",
    "orders_a",
    "orders_b",
    "support",
    "confidence_a_b",
    "confidence_b_a",
    "lift",
]


def basket_lines(
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    *,
    end: pd.Timestamp,
    days: int,
    exclude: pd.Series | None = None,
) -> pd.DataFrame:
    """Distinct ``(order_id, sku_id)`` of the orders paid in the ``days`` days ending on
    ``end`` (nothing paid after the run date is used); ``exclude`` lists SKUs to drop
    (non-product lines)."""
    paid = pd.to_datetime(orders["paid_at"], errors="coerce")
    start = end - pd.Timedelta(days=days - 1)
    keep = (paid >= start) & (paid < end + pd.Timedelta(days=1))
    ids = pd.Index(orders.loc[keep, "order_id"].unique())
    lines = order_items.loc[ids.get_indexer(order_items["order_id"]) >= 0, ["order_id", "sku_id"]]
    if exclude is not None:
        lines = lines.loc[~lines["sku_id"].isin(exclude)]
    return lines.drop_duplicates().reset_index(drop=True)


def item_pairs(lines: pd.DataFrame, *, min_orders: int = 5) -> pd.DataFrame:
    """Association measures of every pair of items bought in at least ``min_orders`` orders.

    With ``N`` = orders (baskets) holding at least one of the lines, ``n_a`` = orders with
    item a and ``n_ab`` = orders with both a and b:

    * ``support = n_ab / N``;
    * ``confidence_a_b = n_ab / n_a`` (share of a's orders that also hold b);
    * ``lift = n_ab x N / (n_a x n_b)`` (> 1: bought together more often than chance).

    Computed as ``X^T X`` of the sparse order x item incidence matrix ``X``; items bought in
    fewer than ``min_orders`` orders cannot form a shown pair and are dropped first.

    Parameters
    ----------
    lines : distinct ``order_id, sku_id`` rows (:func:`basket_lines`).

    Returns
    -------
    DataFrame with :data:`PAIR_COLUMNS`, one row per unordered pair (``sku_a < sku_b``),
    sorted by lift then orders together (descending).
    """
    n_baskets = lines["order_id"].nunique()
    counts = lines["sku_id"].value_counts()
    keep = counts.index[counts >= min_orders]
    lines = lines.loc[lines["sku_id"].isin(keep)]
    if lines.empty or n_baskets == 0:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    o_codes, _ = pd.factorize(lines["order_id"])
    s_codes, skus = pd.factorize(lines["sku_id"])
    x = sparse.csr_matrix(
        (np.ones(len(lines), dtype=np.int32), (o_codes, s_codes)),
        shape=(o_codes.max() + 1, len(skus)),
    )
    co = (x.T.tocsr() @ x).tocoo()
    mask = (co.row < co.col) & (co.data >= min_orders)
    a, b, n_ab = co.row[mask], co.col[mask], co.data[mask].astype("int64")
    n_item = counts.reindex(skus).to_numpy(dtype="int64")
    sku_a, sku_b = np.asarray(skus)[a], np.asarray(skus)[b]
    swap = sku_a > sku_b
    a2, b2 = np.where(swap, b, a), np.where(swap, a, b)
    out = pd.DataFrame(
        {
            "sku_a": np.asarray(skus)[a2],
            "sku_b": np.asarray(skus)[b2],
            "orders_ab": n_ab,
            "orders_a": n_item[a2],
            "orders_b": n_item[b2],
        }
    )
    out["support"] = out["orders_ab"] / n_baskets
    out["confidence_a_b"] = out["orders_ab"] / out["orders_a"]
    out["confidence_b_a"] = out["orders_ab"] / out["orders_b"]
    out["lift"] = out["orders_ab"] * n_baskets / (out["orders_a"] * out["orders_b"])
    out = out.sort_values(
        ["lift", "orders_ab", "sku_a", "sku_b"], ascending=[False, False, True, True]
    )
    return out[PAIR_COLUMNS].reset_index(drop=True)
