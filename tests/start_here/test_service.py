"""The after-sales line on the tiny shop's three requests."""

from __future__ import annotations

import pandas as pd
from tiny_shop import RUN

from helpers.start_here.service import after_sales_item, waiting_requests
from helpers.start_here.theme import StartHereSettings

CUTOFF = RUN + pd.Timedelta(days=1)  # the end of the run date


def test_after_sales_needs_the_table_and_its_status(tiny):
    s = StartHereSettings()
    assert after_sales_item(None, CUTOFF, s).needs == ("after_sales",)
    item = after_sales_item(tiny["after_sales"], CUTOFF, s)  # no status column
    assert (item.status, item.needs) == ("unavailable", ("after_sales.status",))


def test_waiting_requests_and_their_status(tiny):
    a = tiny["after_sales"].assign(status=["completed", "processing", "processing"])
    # r1 completed; r2 requested 03-03 09:00 waits 15 h at the cutoff; r3 is requested on
    # 03-04 08:00, after the cutoff: not yet known
    rows = waiting_requests(a, CUTOFF)
    assert list(rows["case_id"]) == ["r2"]
    assert rows["hours_waiting"].iloc[0] == 15.0
    item = after_sales_item(a, CUTOFF, StartHereSettings())
    assert (item.status, item.count) == ("attention", 1)  # 15 h < 48 h
    item = after_sales_item(a, CUTOFF, StartHereSettings(refund_reply_hours=12))
    assert item.status == "urgent"  # 15 h > 12 h
    closed = a.assign(status=["completed", "退款关闭", "processing"])
    assert after_sales_item(closed, CUTOFF, StartHereSettings()).status == "ok"
