"""Purchases as the retention analyses see them: one row per paid order of an identified
customer, known at the end of a run date, with what was refunded of it.

Conventions (docs/metrics.md, "Retention"):

* a purchase is an order with ``paid_at`` before the cutoff (``run_date + 1 day``) and a
  ``customer_id`` (guest orders never join customer history);
* ``refund`` is the money of the after-sales cases that name the order (refunds, returns,
  cancellations; complaints carry no money), requested before the cutoff, at most the paid
  amount; ``net_amount = paid_amount - refund``;
* an order refunded in full (a refund and ``net_amount <= 0``) is not a kept purchase: it
  counts in no frequency, recency or cohort, and adds nothing to the spend; a paid order of
  value 0 without a refund (a free gift, a full voucher) is a purchase;
* the order ``status`` is an export-time value and is never used (no future leak).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers.facts import as_day, as_of

PURCHASE_COLUMNS = [
    "order_id",
    "customer_id",
    "paid_at",
    "date",
    "paid_amount",
    "refund",
    "net_amount",
    "kept",
]
#: After-sales types that carry no money back.
_NO_MONEY = ("complaint",)


def _order_refunds(after_sales: pd.DataFrame | None) -> pd.Series:
    """Refund money per order id (cases that name an order; complaints excluded)."""
    if after_sales is None or after_sales.empty or "order_id" not in after_sales:
        return pd.Series(dtype="float64")
    cases = after_sales.loc[after_sales["order_id"].notna()]
    if "type" in cases.columns:
        cases = cases.loc[~cases["type"].isin(_NO_MONEY)]
    if "refund_amount" not in cases.columns:
        return pd.Series(dtype="float64")
    money = pd.to_numeric(cases["refund_amount"], errors="coerce").fillna(0.0)
    return money.groupby(cases["order_id"].astype(str)).sum()


def purchases(tables: Mapping[str, pd.DataFrame] | Any, run_date: Any) -> pd.DataFrame:
    """The customers' purchases known at the end of ``run_date``.

    Parameters
    ----------
    tables : contract tables by name (``orders`` needed, ``after_sales`` optional) or an
        intake ``Dataset``; they are cut at ``run_date`` here (:func:`helpers.facts.as_of`).
    run_date : the run date.

    Returns
    -------
    DataFrame with :data:`PURCHASE_COLUMNS`, one row per paid order of an identified
    customer, sorted by ``paid_at``: ``date`` is the day of ``paid_at``; money in the shop
    currency; ``kept`` is False for an order refunded in full.
    """
    source = getattr(tables, "tables", tables)
    wanted = {k: source[k] for k in ("orders", "after_sales") if k in source}
    cut = as_of(wanted, as_day(run_date))
    orders = cut["orders"]
    paid = orders.loc[orders["paid_at"].notna() & orders["customer_id"].notna()]
    out = pd.DataFrame(
        {
            "order_id": paid["order_id"].astype(str),
            "customer_id": paid["customer_id"].astype(str),
            "paid_at": pd.to_datetime(paid["paid_at"]),
            "paid_amount": pd.to_numeric(paid["paid_amount"], errors="coerce").fillna(0.0),
        }
    )
    out["date"] = out["paid_at"].dt.normalize()
    refunds = _order_refunds(cut.get("after_sales"))
    asked = out["order_id"].map(refunds).fillna(0.0).to_numpy(dtype="float64")
    out["refund"] = np.minimum(asked, out["paid_amount"].clip(lower=0.0).to_numpy())
    out["net_amount"] = out["paid_amount"] - out["refund"]
    # refunded in full: some money came back and nothing is left (a zero-value paid order,
    # e.g. a free gift or a full voucher, is still a purchase)
    out["kept"] = ~((out["refund"] > 0) & (out["net_amount"] <= 0))
    out = out.sort_values(["paid_at", "order_id"], kind="mergesort").reset_index(drop=True)
    return out.loc[:, PURCHASE_COLUMNS]


def kept(purchases_: pd.DataFrame, until: Any | None = None) -> pd.DataFrame:
    """The kept purchases (not refunded in full), optionally only those paid by ``until``
    (end of that day). Refunds are those known at the run date the frame was built for."""
    out = purchases_.loc[purchases_["kept"]]
    if until is not None:
        out = out.loc[out["date"] <= as_day(until)]
    return out
