"""The tiny hand-made shop every metric test checks its arithmetic against.

The canonical fixture (run date 2026-03-03, cutoff 2026-03-04 00:00):

====  ====  ================  ================  =========  ======  =======  ===============
id    cust  created           paid              status     amount  channel  shipped
====  ====  ================  ================  =========  ======  =======  ===============
o1    c1    03-01 10:00       03-01 10:05       completed  100     搜索     03-01 20:00 (10h)
o2    c2    03-01 11:00       03-01 11:10       completed  50      直播     03-02 15:00 (27h50)
o3    c3    03-01 12:00       -                 cancelled  0       搜索     -
o4    c1    03-02 09:00       03-02 09:30       shipped    80      直播     03-03 08:00 (22.5h)
o5    c4    03-02 14:00       03-02 14:00       completed  70      (none)   03-02 18:00 (4h)
o6    c2    03-02 22:00       03-02 23:50       refunded   40      搜索     -
o7    c5    03-03 08:00       03-03 08:30       paid       120     搜索     -
o8    c3    03-03 20:00       03-03 21:00       shipped    60      直播     03-04 09:00 (future)
o9    c6    03-03 23:30       03-04 00:10       paid       30      搜索     - (paid in future)
o10   c7    03-04 10:00       03-04 10:01       paid       90      直播     - (created future)
====  ====  ================  ================  =========  ======  =======  ===============
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RUN = pd.Timestamp("2026-03-03")
T = pd.Timestamp


def canonical_tables() -> dict[str, pd.DataFrame]:
    """The tiny hand-made shop described in the module docstring."""
    nat = pd.NaT
    orders = pd.DataFrame(
        [
            ("o1", "c1", T("2026-03-01 10:00"), T("2026-03-01 10:05"), "completed", 100.0, "搜索", T("2026-03-01 20:00")),
            ("o2", "c2", T("2026-03-01 11:00"), T("2026-03-01 11:10"), "completed", 50.0, "直播", T("2026-03-02 15:00")),
            ("o3", "c3", T("2026-03-01 12:00"), nat, "cancelled", 0.0, "搜索", nat),
            ("o4", "c1", T("2026-03-02 09:00"), T("2026-03-02 09:30"), "shipped", 80.0, "直播", T("2026-03-03 08:00")),
            ("o5", "c4", T("2026-03-02 14:00"), T("2026-03-02 14:00"), "completed", 70.0, np.nan, T("2026-03-02 18:00")),
            ("o6", "c2", T("2026-03-02 22:00"), T("2026-03-02 23:50"), "refunded", 40.0, "搜索", nat),
            ("o7", "c5", T("2026-03-03 08:00"), T("2026-03-03 08:30"), "paid", 120.0, "搜索", nat),
            ("o8", "c3", T("2026-03-03 20:00"), T("2026-03-03 21:00"), "shipped", 60.0, "直播", T("2026-03-04 09:00")),
            ("o9", "c6", T("2026-03-03 23:30"), T("2026-03-04 00:10"), "paid", 30.0, "搜索", nat),
            ("o10", "c7", T("2026-03-04 10:00"), T("2026-03-04 10:01"), "paid", 90.0, "直播", nat),
        ],
        columns=["order_id", "customer_id", "created_at", "paid_at", "status", "paid_amount", "channel", "shipped_at"],
    )  # fmt: skip
    for c in ("created_at", "paid_at", "shipped_at"):
        orders[c] = orders[c].astype("datetime64[ns]")
    items = pd.DataFrame(
        [
            ("o1", 1, "A", 1, 60.0),
            ("o1", 2, "B", 2, 30.0),
            ("o2", 1, "A", 1, 50.0),
            ("o3", 1, "B", 1, 30.0),
            ("o4", 1, "B", 1, 30.0),
            ("o4", 2, "C", 1, 70.0),
            ("o5", 1, "A", 1, 70.0),
            ("o6", 1, "C", 1, 40.0),
            ("o7", 1, "A", 2, 60.0),
            ("o8", 1, "B", 3, 20.0),
            ("o9", 1, "A", 1, 30.0),
            ("o10", 1, "C", 1, 90.0),
        ],
        columns=["order_id", "line_no", "sku_id", "quantity", "unit_price"],
    )
    traffic = pd.DataFrame(
        [
            ("2026-03-01", "搜索", np.nan, 2000, 1000, 100, 30),
            ("2026-03-01", "直播", np.nan, 1000, 500, 40, 10),
            ("2026-03-02", "搜索", np.nan, 2000, 1200, 110, 40),
            ("2026-03-02", "直播", np.nan, 1500, 800, 50, 20),
            ("2026-03-03", "搜索", np.nan, 2500, 1500, 150, 50),
            ("2026-03-03", "直播", np.nan, 1000, 600, 30, 15),
            ("2026-03-04", "搜索", np.nan, 9000, 9000, 900, 90),
            ("2026-03-02", "搜索", "B", 800, 200, 20, 3),
            ("2026-03-03", "搜索", "A", 900, 300, 40, 5),
            ("2026-03-03", "直播", "A", 300, 100, 10, 2),
        ],
        columns=["date", "channel", "sku_id", "impressions", "visitors", "add_to_cart_users", "favorite_users"],
    )  # fmt: skip
    traffic["date"] = pd.to_datetime(traffic["date"])
    ads = pd.DataFrame(
        [
            ("2026-03-01", "搜索", "k1", 20.0, 60.0),
            ("2026-03-02", "搜索", "k1", 25.0, 50.0),
            ("2026-03-03", "搜索", "k1", 30.0, 90.0),
            ("2026-03-03", "付费推广", "k2", 10.0, 0.0),
            ("2026-03-04", "搜索", "k1", 100.0, 500.0),
        ],
        columns=["date", "channel", "campaign", "spend", "attributed_gmv"],
    )
    ads["date"] = pd.to_datetime(ads["date"])
    after_sales = pd.DataFrame(
        [
            ("r1", "o2", "A", T("2026-03-02 10:00"), 50.0, 1, "质量问题", "return"),
            ("r2", "o6", "C", T("2026-03-03 09:00"), 40.0, 1, "不想要了", "refund_only"),
            ("r3", "o4", "B", T("2026-03-04 08:00"), 24.0, 1, "质量问题", "return"),
        ],
        columns=["case_id", "order_id", "sku_id", "requested_at", "refund_amount", "quantity", "reason", "type"],
    )  # fmt: skip
    products = pd.DataFrame(
        {"sku_id": ["A", "B", "C"], "category": ["服饰", "鞋", "配件"], "unit_cost": [20.0, 10, 30]}
    )
    inventory = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-03-03", "2026-03-04"]),
            "sku_id": ["A", "A"],
            "on_hand": [10, 8],
        }
    )
    return {
        "orders": orders,
        "order_items": items,
        "traffic": traffic,
        "ad_spend": ads,
        "after_sales": after_sales,
        "products": products,
        "inventory": inventory,
    }
