"""After-sales cases of non-product lines (postage, fees, charity commission) are not refunds
of goods (issue 9, point 6), and every case knows the payment day of its order (point 3)."""

from __future__ import annotations

import pandas as pd

from helpers.facts.refunds import refund_cases

T = pd.Timestamp


def test_fee_lines_are_not_refunds_and_a_fee_title_is_no_reason():
    after_sales = pd.DataFrame(
        {
            "case_id": ["C1", "C2", "C3", "C4"],
            "order_id": [None, None, None, "o1"],
            "sku_id": ["POST", "CRUK", None, "A"],
            "requested_at": [T("2011-12-01 10:00")] * 4,
            "refund_amount": [15.0, 40.0, 120.0, 30.0],
            "quantity": [1, 1, 12, 1],
            "reason": ["POSTAGE", "CRUK Commission", "POSTAGE", "质量问题"],
            "type": ["cancellation"] * 3 + ["return"],
        }
    )
    products = pd.DataFrame(
        {
            "sku_id": ["POST", "CRUK", "A"],
            "title": ["POSTAGE", "CRUK Commission", "杯子"],
            "category": ["non-product", "non-product", "家居"],
        }
    )
    paid = pd.DataFrame({"order_id": ["o1"], "date": [T("2011-11-28")]})
    out = refund_cases(after_sales, products, paid).set_index("case_id")
    # C1 (postage) and C2 (charity commission) are credits of fees: not refunds of goods
    assert list(out.index) == ["C3", "C4"]
    # C3 refunds goods (12 units) and their postage: "POSTAGE" is no reason for the goods
    assert pd.isna(out.loc["C3", "reason"]) and out.loc["C4", "reason"] == "质量问题"
    # C4 names order o1, paid 11-28; C3 names none
    assert out.loc["C4", "order_paid_date"] == T("2011-11-28")
    assert pd.isna(out.loc["C3", "order_paid_date"])
