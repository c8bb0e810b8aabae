"""Customer facts: first and last paid order, orders and GMV per identified customer."""

from __future__ import annotations

import pandas as pd

from helpers.facts.model import CUSTOMER_COLUMNS


def customers(paid: pd.DataFrame) -> pd.DataFrame:
    """``customer_id, first_paid_at, last_paid_at, orders, gmv`` over the paid orders up to
    the cutoff (guest orders, without a customer id, are left out)."""
    cust = (
        paid.groupby("customer_id", sort=True)
        .agg(
            first_paid_at=("paid_at", "min"),
            last_paid_at=("paid_at", "max"),
            orders=("order_id", "size"),
            gmv=("paid_amount", "sum"),
        )
        .reset_index()
    )
    cust["orders"] = cust["orders"].astype("int64")
    return cust[CUSTOMER_COLUMNS]


def new_buyers_by_day(customers: pd.DataFrame) -> pd.Series:
    """Number of customers whose first paid order is on each day."""
    return customers["first_paid_at"].dt.normalize().value_counts()
