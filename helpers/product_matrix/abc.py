"""ABC (Pareto) classes of items and how concentrated the shop is."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def abc_classes(values: pd.Series, *, a: float = 0.80, b: float = 0.95) -> pd.DataFrame:
    """ABC class of each item by its share of the total.

    Items are ranked by value (descending; ties by index label). With ``before`` = the sum
    of the positive values ranked above an item and ``T`` = the sum of all positive values:

    * class ``A`` when ``before < a x T`` (the item that crosses the A cut-off is still A,
      so there is always at least one A item when ``T > 0``);
    * class ``B`` when ``a x T <= before < b x T``;
    * class ``C`` otherwise, and always for a value <= 0 (no revenue, or refunds above
      sales).

    Ties never split: items with the same value get the class of the first of them.

    Parameters
    ----------
    values : revenue or gross profit, indexed by ``sku_id``.
    a, b : cumulative cut-offs, ``0 < a <= b <= 1``.

    Returns
    -------
    DataFrame indexed like ``values`` (in rank order) with ``value``, ``share`` (of T),
    ``cum_share`` (including the item), ``rank`` (1 = largest) and ``abc``.
    """
    if not 0 < a <= b <= 1:
        raise ValueError(f"ABC cut-offs must satisfy 0 < a <= b <= 1, got a={a}, b={b}")
    v = values.astype("float64").fillna(0.0)
    order = sorted(v.index, key=lambda k: (-v[k], str(k)))
    v = v.reindex(order)
    pos = v.clip(lower=0.0)
    total = float(pos.sum())
    cum = pos.cumsum()
    before = cum - pos
    # ties take the "before" of the first item of their group
    before = before.groupby(v.to_numpy()).transform("min")
    if total > 0:
        frac = (before / total).to_numpy()
        cls = np.where(frac < a, "A", np.where(frac < b, "B", "C"))
    else:
        cls = np.full(len(v), "C")
    cls = np.where(v.to_numpy() <= 0, "C", cls)
    return pd.DataFrame(
        {
            "value": v,
            "share": pos / total if total > 0 else np.nan,
            "cum_share": cum / total if total > 0 else np.nan,
            "rank": np.arange(1, len(v) + 1),
            "abc": cls,
        },
        index=v.index,
    )


def abc_table(items: pd.DataFrame, *, a: float = 0.80, b: float = 0.95) -> pd.DataFrame:
    """ABC by revenue and by gross profit, overall and within each category.

    Parameters
    ----------
    items : :func:`helpers.product_matrix.sales.item_sales` output.

    Returns
    -------
    ``items`` with ``abc_revenue``, ``cum_share`` (of revenue), ``abc_profit`` (NaN
    without costs) and ``abc_in_category`` (by revenue within the category; NaN without a
    category), in revenue rank order.
    """
    by_rev = abc_classes(items.set_index("sku_id")["revenue"], a=a, b=b)
    out = items.set_index("sku_id").loc[by_rev.index].copy()
    out["abc_revenue"] = by_rev["abc"]
    out["cum_share"] = by_rev["cum_share"]
    if out["gross_profit"].notna().any():
        out["abc_profit"] = abc_classes(out["gross_profit"].fillna(0.0), a=a, b=b)["abc"]
    else:
        out["abc_profit"] = np.nan
    parts = [
        abc_classes(group["revenue"], a=a, b=b)["abc"]
        for _, group in out.loc[out["category"].notna()].groupby("category")
    ]
    in_cat = pd.concat(parts) if parts else pd.Series(dtype="object")
    out["abc_in_category"] = in_cat.reindex(out.index)
    return out.reset_index()


@dataclass(frozen=True)
class Concentration:
    """How much of the revenue a few items carry.

    Attributes
    ----------
    items : items with positive revenue.
    a_items : class A items; ``a_share_of_items`` = a_items / items.
    top20_share : revenue share of the top 20 % of items (rounded up to whole items).
    gini : Gini coefficient of item revenue (0 = every item equal, -> 1 = one item sells
        everything), ``sum_i (2i - n - 1) x_i / (n sum x)`` over ascending ``x``.
    """

    items: int
    a_items: int
    a_share_of_items: float
    top20_share: float
    gini: float


def concentration(table: pd.DataFrame) -> Concentration:
    """The :class:`Concentration` of an :func:`abc_table` (positive revenue only)."""
    x = np.sort(table.loc[table["revenue"] > 0, "revenue"].to_numpy(dtype="float64"))
    n = len(x)
    if n == 0:
        return Concentration(0, 0, float("nan"), float("nan"), float("nan"))
    a_items = int((table["abc_revenue"] == "A").sum())
    k = int(np.ceil(0.2 * n))
    top20 = float(x[::-1][:k].sum() / x.sum())
    i = np.arange(1, n + 1)
    gini = float(((2 * i - n - 1) * x).sum() / (n * x.sum()))
    return Concentration(n, a_items, a_items / n, top20, gini)
