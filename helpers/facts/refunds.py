"""After-sales cases by request day with the product category and the paid day of their
order; money cases and complaints.

Cases of a non-product line (``products.category`` = ``non-product``: postage, fees, bank
charges, charity commission, manual adjustments ...) are credits of money, not goods sent
back: they are not after-sales cases of the shop's goods and are left out here (the contract
rule; they stay in the ``after_sales`` table). A case of goods whose stated reason is only the
title of such a line (a credit note refunding goods and postage, ``POSTAGE``) has no reason
given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.contract import NON_PRODUCT
from helpers.facts.frames import empty_frame, numbers, timestamps
from helpers.facts.model import REFUND_COLUMNS


def refund_cases(
    after_sales: pd.DataFrame | None,
    products: pd.DataFrame | None,
    paid: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """After-sales requests with their request day, product category and ``order_paid_date``
    (the payment day of the order they name, from ``paid``: ``order_id, date``; NaT when the
    case names no paid order). Cases of non-product lines are left out."""
    if after_sales is None:
        out = empty_frame(REFUND_COLUMNS, dates=("date", "requested_at", "order_paid_date"))
        for c in ("case_id", "order_id", "sku_id", "reason", "type", "category"):
            out[c] = out[c].astype("object")
        return out
    a = after_sales
    out = pd.DataFrame(index=a.index)
    for col in REFUND_COLUMNS:
        if col in ("date", "category", "order_paid_date"):
            continue
        out[col] = a[col] if col in a.columns else np.nan
    out["requested_at"] = timestamps(out["requested_at"])
    out["date"] = out["requested_at"].dt.normalize()
    out["refund_amount"] = numbers(out["refund_amount"])
    out["category"] = np.nan
    if products is not None and "category" in products.columns and "sku_id" in a.columns:
        cat = products.drop_duplicates("sku_id").set_index("sku_id")["category"]
        out["category"] = out["sku_id"].map(cat)
        out = out.loc[out["category"].ne(NON_PRODUCT)]
        out["reason"] = _goods_reason(out["reason"], products)
    out["order_paid_date"] = pd.NaT
    if paid is not None and not paid.empty:
        day = paid.drop_duplicates("order_id").set_index("order_id")["date"]
        out["order_paid_date"] = pd.to_datetime(out["order_id"].map(day))
    out = out[REFUND_COLUMNS].sort_values(["requested_at", "case_id"]).reset_index(drop=True)
    return out


def _goods_reason(reason: pd.Series, products: pd.DataFrame) -> pd.Series:
    """A reason that only names a non-product line of the case (``POSTAGE``, ``Manual``: a
    credit note refunding goods and their postage) says nothing about why the goods came
    back: no reason given."""
    if "title" not in products.columns:
        return reason
    fees = set(products.loc[products["category"].eq(NON_PRODUCT), "title"].dropna().astype(str))
    return reason.where(~reason.astype("object").isin(fees))


def is_complaint(cases: pd.DataFrame) -> pd.Series:
    """True for complaint cases (no money back)."""
    return cases["type"].astype("object").eq("complaint")


def money_cases(cases: pd.DataFrame) -> pd.DataFrame:
    """The cases with money back (complaints left out), renumbered from 0."""
    return cases.loc[~is_complaint(cases)].reset_index(drop=True)
