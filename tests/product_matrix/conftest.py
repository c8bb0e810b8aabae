"""Hand-made fixtures of the product-matrix tests (small enough to check by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

END = pd.Timestamp("2026-03-31")
D = pd.Timestamp


@pytest.fixture
def daily_item() -> pd.DataFrame:
    """Item sales of a four-item shop (facts.daily_item shape).

    ====  ===========  =====  =====  ======
    sku   date         gmv    units  orders
    ====  ===========  =====  =====  ======
    A     03-30 (搜索)  300    3      3
    A     03-31 (直播)  100    1      1
    B     03-31         200    2      1
    C     03-31         50     1      1
    D     02-01         80     1      1     (outside a 30-day window)
    P     03-31         10     1      1     (postage, a non-product line)
    ====  ===========  =====  =====  ======
    """
    return pd.DataFrame(
        [
            (D("2026-03-30"), "搜索", "A", 300.0, 3, 3),
            (D("2026-03-31"), "直播", "A", 100.0, 1, 1),
            (D("2026-03-31"), "搜索", "B", 200.0, 2, 1),
            (D("2026-03-31"), "搜索", "C", 50.0, 1, 1),
            (D("2026-02-01"), "搜索", "D", 80.0, 1, 1),
            (D("2026-03-31"), "搜索", "P", 10.0, 1, 1),
        ],
        columns=["date", "channel", "sku_id", "gmv", "units", "orders"],
    )


@pytest.fixture
def refunds() -> pd.DataFrame:
    """A credit note reversing one unit of A (100), a return of B (1 unit, 100), a refund
    that names no item (kept out), and a refund of C after the window's end."""
    return pd.DataFrame(
        [
            ("R1", None, "A", D("2026-03-31 10:00"), D("2026-03-31"), 100.0, 1, "", "cancellation"),
            ("R2", "o9", "B", D("2026-03-31 11:00"), D("2026-03-31"), 100.0, 1, "尺码", "return"),
            ("R3", "o8", None, D("2026-03-31 12:00"), D("2026-03-31"), 30.0, 1, "", "refund_only"),
            ("R4", "o7", "C", D("2026-04-01 09:00"), D("2026-04-01"), 50.0, 1, "", "return"),
        ],
        columns=[
            "case_id", "order_id", "sku_id", "requested_at", "date",
            "refund_amount", "quantity", "reason", "type",
        ],
    )  # fmt: skip


@pytest.fixture
def products() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sku_id": ["A", "B", "C", "D", "P"],
            "title": ["甲", "乙", "丙", "丁", "邮费"],
            "category": ["x", "x", "y", "y", "non-product"],
            "list_price": [100.0, 100.0, 50.0, 80.0, 10.0],
            "unit_cost": [60.0, 40.0, 10.0, 50.0, 0.0],
            "launch_date": pd.to_datetime(["2025-01-01"] * 5),
        }
    )
