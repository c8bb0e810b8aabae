"""Refund rate on a consistent basis (退款率): the refunds of the orders paid in a window,
divided by those orders, by count and by amount, and the shop's own baseline.

Dividing the refund requests created on a day by the orders paid that day mixes two cohorts
(after 双11 most requests belong to the festival's orders). Here both sides come from the
same orders:

* **order basis** (the after-sales cases name their order): the window's orders are those
  paid in ``[end - days + 1, end]``; ``refunded_orders`` = those of them with a money
  after-sales case requested by ``end``, ``refund_amount`` = the money of those cases;
* **request basis** (the cases name no order, e.g. credit notes): the cases requested in
  the window against the orders paid in the same window.

``count_rate = refunded_orders / orders`` and ``amount_rate = refund_amount / gmv``.
The shop's own baseline is the same rates over the ``windows`` windows of the same length
before, each cut at its own end (so every window has had the same time to collect
refunds), as the ratio of their sums.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DAY = pd.Timedelta(days=1)

#: the share of cases naming a paid order above which the order basis is used
ORDER_BASIS_SHARE = 0.5


@dataclass(frozen=True)
class RefundRate:
    """Refunds of one window of paid orders.

    Attributes
    ----------
    start, end : the window (payment days, inclusive).
    basis : ``order`` (refunds of the window's orders) or ``request`` (refund requests of
        the window, when the cases name no order).
    orders, gmv : paid orders of the window and their GMV.
    refunds : refunded orders (order basis) or refund requests (request basis).
    refund_amount : money refunded on them.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    basis: str
    orders: float
    gmv: float
    refunds: float
    refund_amount: float

    @property
    def count_rate(self) -> float:
        """refunds / orders (NaN without orders)."""
        return self.refunds / self.orders if self.orders > 0 else float("nan")

    @property
    def amount_rate(self) -> float:
        """refund_amount / gmv (NaN without GMV)."""
        return self.refund_amount / self.gmv if self.gmv > 0 else float("nan")


def refund_basis(refunds: pd.DataFrame) -> str:
    """``order`` when most cases name a paid order (``order_paid_date`` set), else
    ``request``."""
    if refunds.empty or "order_paid_date" not in refunds:
        return "request"
    named = refunds["order_paid_date"].notna().mean()
    return "order" if named >= ORDER_BASIS_SHARE else "request"


def refund_rate(
    daily: pd.DataFrame, refunds: pd.DataFrame, end: pd.Timestamp, days: int, basis: str
) -> RefundRate:
    """The refund rate of the orders paid in the ``days`` days ending on ``end``.

    ``daily`` gives ``orders`` and ``gmv`` by payment day; ``refunds`` the money cases with
    ``date`` (request day), ``order_id``, ``order_paid_date`` and ``refund_amount``.
    Cases requested after ``end`` are not counted.
    """
    start = end - (days - 1) * DAY
    paid = daily.loc[daily["date"].between(start, end)]
    seen = refunds.loc[refunds["date"] <= end]
    amount = seen["refund_amount"] if "refund_amount" in seen else pd.Series(0.0, seen.index)
    if basis == "order":
        cases = seen.loc[seen["order_paid_date"].between(start, end)]
        count = float(cases["order_id"].nunique())
    else:
        cases = seen.loc[seen["date"] >= start]
        count = float(len(cases))
    return RefundRate(
        start=start,
        end=end,
        basis=basis,
        orders=float(paid["orders"].sum()),
        gmv=float(paid["gmv"].sum()),
        refunds=count,
        refund_amount=float(amount.loc[cases.index].fillna(0).sum()),
    )


def refund_baseline(
    daily: pd.DataFrame,
    refunds: pd.DataFrame,
    end: pd.Timestamp,
    days: int,
    basis: str,
    *,
    windows: int = 3,
) -> RefundRate | None:
    """The shop's own refund rate over the ``windows`` windows of ``days`` days before the
    one ending on ``end`` (each cut at its own end), summed; None when the data do not
    reach back one full earlier window."""
    first = daily["date"].min()
    parts = []
    for k in range(1, windows + 1):
        w_end = end - k * days * DAY
        if w_end - (days - 1) * DAY < first:
            break
        parts.append(refund_rate(daily, refunds, w_end, days, basis))
    if not parts or sum(p.orders for p in parts) <= 0:
        return None
    return RefundRate(
        start=parts[-1].start,
        end=parts[0].end,
        basis=basis,
        orders=float(np.sum([p.orders for p in parts])),
        gmv=float(np.sum([p.gmv for p in parts])),
        refunds=float(np.sum([p.refunds for p in parts])),
        refund_amount=float(np.sum([p.refund_amount for p in parts])),
    )
