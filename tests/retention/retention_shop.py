"""The hand-made retention shop every retention test checks its arithmetic against.

Run date D = 2026-03-31 (cutoff 2026-04-01 00:00). Paid orders (customer, paid at, amount):

=====  ====  ================  ======  =========================================
order  cust  paid              amount  note
=====  ====  ================  ======  =========================================
f1     f     2025-12-01 09:00  20
a1     a     2026-01-05 10:00  100
b1     b     2026-01-20 12:00  200
d1     d     2026-02-01 10:00  60
d2     d     2026-02-01 15:00  30      same day as d1: two orders, one occasion
a2     a     2026-02-10 11:00  50      20 refunded (requested 02-15): net 30
c1     c     2026-03-01 09:00  80      refunded in full (requested 03-05)
g1     -     2026-03-10 10:00  70      guest order: never in customer history
c2     c     2026-03-15 09:00  40
a3     a     2026-03-30 20:00  150
e1     e     2026-04-02 10:00  500     after the run date: e is not a customer
x1     x     2026-03-20 10:00  90      refunded in full (03-22): x is not a customer
=====  ====  ================  ======  =========================================

Kept purchases as of D (net of refunds), by hand:

====  =========  ====  =====  ====  ==============  =================
cust  last       R     F      M     8-way segment   simple (60 days)
====  =========  ====  =====  ====  ==============  =================
a     03-30      1     3      280   重要价值          高价值
b     01-20      70    1      200   重要挽留          沉睡
c     03-15      16    1      40    一般发展          潜力
d     02-01      58    2      90    一般保持          潜力
f     12-01      120   1      20    一般挽留          沉睡
====  =========  ====  =====  ====  ==============  =================

Means: R 265/5 = 53, F 8/5 = 1.6, M 630/5 = 126 (high = better than the mean).
"""

from __future__ import annotations

import pandas as pd

RUN = pd.Timestamp("2026-03-31")
T = pd.Timestamp


def retention_tables() -> dict[str, pd.DataFrame]:
    rows = [
        ("f1", "f", "2025-12-01 09:00", 20.0),
        ("a1", "a", "2026-01-05 10:00", 100.0),
        ("b1", "b", "2026-01-20 12:00", 200.0),
        ("d1", "d", "2026-02-01 10:00", 60.0),
        ("d2", "d", "2026-02-01 15:00", 30.0),
        ("a2", "a", "2026-02-10 11:00", 50.0),
        ("c1", "c", "2026-03-01 09:00", 80.0),
        ("g1", None, "2026-03-10 10:00", 70.0),
        ("c2", "c", "2026-03-15 09:00", 40.0),
        ("a3", "a", "2026-03-30 20:00", 150.0),
        ("e1", "e", "2026-04-02 10:00", 500.0),
        ("x1", "x", "2026-03-20 10:00", 90.0),
    ]
    orders = pd.DataFrame(rows, columns=["order_id", "customer_id", "paid_at", "paid_amount"])
    orders["paid_at"] = pd.to_datetime(orders["paid_at"])
    orders["created_at"] = orders["paid_at"]
    orders["status"] = "completed"
    items = pd.DataFrame(
        {
            "order_id": orders["order_id"],
            "line_no": 1,
            "sku_id": ["S" + o for o in orders["order_id"]],
            "quantity": 1,
            "unit_price": orders["paid_amount"],
            "title": ["item " + o for o in orders["order_id"]],
        }
    )
    after_sales = pd.DataFrame(
        [
            ("r1", "a2", T("2026-02-15"), 20.0, "refund_only"),
            ("r2", "c1", T("2026-03-05"), 80.0, "return"),
            ("r3", "x1", T("2026-03-22"), 90.0, "cancellation"),
            ("r4", "b1", T("2026-03-01"), 0.0, "complaint"),
        ],
        columns=["case_id", "order_id", "requested_at", "refund_amount", "type"],
    )
    customers = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "f", "z"],
            "member_tier": ["金卡", "金卡", "普通", "普通", None, "普通"],
        }
    )
    return {
        "orders": orders,
        "order_items": items,
        "after_sales": after_sales,
        "customers": customers,
    }
