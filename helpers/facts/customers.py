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


def customer_days(paid: pd.DataFrame) -> pd.DataFrame:
    """Per payment day x identified customer: ``date, customer_id, first_paid_at,
    last_paid_at, orders, gmv`` (the part of :func:`customers` one day contributes)."""
    part = (
        paid.groupby(["date", "customer_id"], sort=True)
        .agg(
            first_paid_at=("paid_at", "min"),
            last_paid_at=("paid_at", "max"),
            orders=("order_id", "size"),
            gmv=("paid_amount", "sum"),
        )
        .reset_index()
    )
    part["orders"] = part["orders"].astype("int64")
    return part


def customers_from_days(parts: pd.DataFrame) -> pd.DataFrame:
    """:func:`customers` from the per-day parts of :func:`customer_days`: first = min of
    firsts, last = max of lasts, orders and gmv summed over the days."""
    cust = (
        parts.groupby("customer_id", sort=True)
        .agg(
            first_paid_at=("first_paid_at", "min"),
            last_paid_at=("last_paid_at", "max"),
            orders=("orders", "sum"),
            gmv=("gmv", "sum"),
        )
        .reset_index()
    )
    cust["orders"] = cust["orders"].astype("int64")
    return cust[CUSTOMER_COLUMNS]


def new_buyers_by_day(customers: pd.DataFrame) -> pd.Series:
    """Number of customers whose first paid order is on each day."""
    return customers["first_paid_at"].dt.normalize().value_counts()
