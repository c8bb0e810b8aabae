"""After-sales cases by request day with the product category; money cases and complaints."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.facts.frames import empty_frame, numbers, timestamps
from helpers.facts.model import REFUND_COLUMNS


def refund_cases(after_sales: pd.DataFrame | None, products: pd.DataFrame | None) -> pd.DataFrame:
    """After-sales requests with their request day and product category."""
    if after_sales is None:
        out = empty_frame(REFUND_COLUMNS, dates=("date", "requested_at"))
        for c in ("case_id", "order_id", "sku_id", "reason", "type", "category"):
            out[c] = out[c].astype("object")
        return out
    a = after_sales
    out = pd.DataFrame(index=a.index)
    for col in REFUND_COLUMNS:
        if col in ("date", "category"):
            continue
        out[col] = a[col] if col in a.columns else np.nan
    out["requested_at"] = timestamps(out["requested_at"])
    out["date"] = out["requested_at"].dt.normalize()
    out["refund_amount"] = numbers(out["refund_amount"])
    out["category"] = np.nan
    if products is not None and "category" in products.columns and "sku_id" in a.columns:
        cat = products.drop_duplicates("sku_id").set_index("sku_id")["category"]
        out["category"] = out["sku_id"].map(cat)
    out = out[REFUND_COLUMNS].sort_values(["requested_at", "case_id"]).reset_index(drop=True)
    return out


def is_complaint(cases: pd.DataFrame) -> pd.Series:
    """True for complaint cases (no money back)."""
    return cases["type"].astype("object").eq("complaint")


def money_cases(cases: pd.DataFrame) -> pd.DataFrame:
    """The cases with money back (complaints left out), renumbered from 0."""
    return cases.loc[~is_complaint(cases)].reset_index(drop=True)
