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
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers.facts import as_day, as_of
from helpers.facts.frames import ONE_DAY, timestamps

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


def _refund_cases(after_sales: pd.DataFrame | None) -> pd.DataFrame:
    """The after-sales cases that carry money back for a named order: ``order_id`` (text),
    ``requested_at`` (NaT when the table has no request time) and ``money`` (NaN as 0),
    in the table's order."""
    empty = pd.DataFrame(
        {
            "order_id": pd.Series(dtype="str"),
            "requested_at": pd.Series(dtype="datetime64[ns]"),
            "money": pd.Series(dtype="float64"),
        }
    )
    if after_sales is None or after_sales.empty or "order_id" not in after_sales:
        return empty
    cases = after_sales.loc[after_sales["order_id"].notna()]
    if "type" in cases.columns:
        cases = cases.loc[~cases["type"].isin(_NO_MONEY)]
    if "refund_amount" not in cases.columns:
        return empty
    asked = cases["requested_at"] if "requested_at" in cases.columns else None
    return pd.DataFrame(
        {
            "order_id": cases["order_id"].astype(str),
            "requested_at": pd.NaT if asked is None else timestamps(asked),
            "money": pd.to_numeric(cases["refund_amount"], errors="coerce").fillna(0.0),
        }
    )


@dataclass(frozen=True)
class PurchaseHistory:
    """The customers' paid orders and their refund requests as known at a run date, from
    which the purchases known at that date or any earlier one are cut without reading the
    contract tables again (:meth:`at`).

    Attributes
    ----------
    run_date : the run date the tables were cut at.
    orders : paid orders of identified customers known then (``order_id``, ``customer_id``,
        ``paid_at``, ``paid_amount``, ``known_at``: ``created_at``, or ``paid_at`` for an
        order without a creation time), sorted by ``paid_at`` then ``order_id``.
    refunds : the money cases of :func:`_refund_cases` requested by then, with the ``row``
        of their order in ``orders`` (-1 when it is none of them; no ``row`` column when an
        order id occurs twice).
    timed_refunds : whether ``after_sales`` has request times (without them every case is
        known at every date, as :func:`helpers.facts.as_of` keeps them).
    """

    run_date: pd.Timestamp
    orders: pd.DataFrame
    refunds: pd.DataFrame
    timed_refunds: bool

    def at(self, run_date: Any) -> pd.DataFrame:
        """The purchases known at the end of ``run_date`` (at most :attr:`run_date`): the
        frame :func:`purchases` returns for the contract tables and that date."""
        day = as_day(run_date)
        if day > self.run_date:
            raise ValueError(f"{day:%Y-%m-%d} is after the history's {self.run_date:%Y-%m-%d}")
        orders, refunds, keep = self.orders, self.refunds, None
        if day < self.run_date:
            cutoff = day + ONE_DAY
            keep = ((orders["known_at"] < cutoff) & (orders["paid_at"] < cutoff)).to_numpy()
            orders = orders.loc[keep]
            if self.timed_refunds:
                refunds = refunds.loc[refunds["requested_at"] < cutoff]
        return _with_refunds(orders, self._asked(refunds, keep))

    def _asked(self, refunds: pd.DataFrame, keep: np.ndarray | None) -> np.ndarray:
        """The refund money asked per order of ``orders[keep]``: the cases' money summed per
        order (in the cases' order), 0 for an order without a case."""
        if "row" not in refunds.columns:  # the same order id twice: match by id
            sums = refunds["money"].groupby(refunds["order_id"]).sum()
            kept = self.orders if keep is None else self.orders.loc[keep]
            return kept["order_id"].map(sums).fillna(0.0).to_numpy(dtype="float64")
        # each case's order is known by its row: summing per row is summing per order id
        sums = refunds["money"].groupby(refunds["row"].to_numpy()).sum()
        sums = sums.loc[sums.index >= 0]
        asked = np.zeros(len(self.orders), dtype="float64")
        asked[sums.index.to_numpy()] = sums.to_numpy(dtype="float64")
        return asked if keep is None else asked[keep]


def _with_refunds(orders: pd.DataFrame, asked: np.ndarray) -> pd.DataFrame:
    """:data:`PURCHASE_COLUMNS` from paid orders and the refund money asked for each."""
    out = orders.loc[:, ["order_id", "customer_id", "paid_at", "paid_amount"]].copy()
    out["date"] = out["paid_at"].dt.normalize()
    out["refund"] = np.minimum(asked, out["paid_amount"].clip(lower=0.0).to_numpy())
    out["net_amount"] = out["paid_amount"] - out["refund"]
    # refunded in full: some money came back and nothing is left (a zero-value paid order,
    # e.g. a free gift or a full voucher, is still a purchase)
    out["kept"] = ~((out["refund"] > 0) & (out["net_amount"] <= 0))
    return out.reset_index(drop=True).loc[:, PURCHASE_COLUMNS]


def purchase_history(tables: Mapping[str, pd.DataFrame] | Any, run_date: Any) -> PurchaseHistory:
    """The :class:`PurchaseHistory` of the contract tables (``orders`` needed,
    ``after_sales`` optional; or an intake ``Dataset``) as known at the end of ``run_date``.
    """
    source = getattr(tables, "tables", tables)
    wanted = {k: source[k] for k in ("orders", "after_sales") if k in source}
    day = as_day(run_date)
    cut = as_of(wanted, day)
    orders = cut["orders"]
    paid = orders.loc[orders["paid_at"].notna() & orders["customer_id"].notna()]
    paid_at = pd.to_datetime(paid["paid_at"])
    created = timestamps(paid["created_at"]) if "created_at" in paid else paid_at
    out = pd.DataFrame(
        {
            "order_id": paid["order_id"].astype(str),
            "customer_id": paid["customer_id"].astype(str),
            "paid_at": paid_at,
            "paid_amount": pd.to_numeric(paid["paid_amount"], errors="coerce").fillna(0.0),
            "known_at": created.fillna(paid_at),
        }
    )
    out = out.sort_values(["paid_at", "order_id"], kind="mergesort").reset_index(drop=True)
    after_sales = cut.get("after_sales")
    timed = after_sales is not None and "requested_at" in after_sales.columns
    cases = _refund_cases(after_sales)
    if out["order_id"].is_unique:  # the row of each case's order (-1: not a purchase)
        cases["row"] = pd.Index(out["order_id"]).get_indexer(cases["order_id"])
    return PurchaseHistory(day, out, cases, timed)


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
    currency; ``kept`` is False for an order refunded in full. The same frame for several
    dates comes cheaper from one :func:`purchase_history` and its :meth:`~PurchaseHistory.at`.
    """
    return purchase_history(tables, run_date).at(run_date)


def kept(purchases_: pd.DataFrame, until: Any | None = None) -> pd.DataFrame:
    """The kept purchases (not refunded in full), optionally only those paid by ``until``
    (end of that day). Refunds are those known at the run date the frame was built for."""
    out = purchases_.loc[purchases_["kept"]]
    if until is not None:
        out = out.loc[out["date"] <= as_day(until)]
    return out
