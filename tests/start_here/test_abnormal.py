"""Abnormal items on small hand-made frames (2-day windows) and from alerts."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from helpers.start_here.abnormal import abnormal_item, from_alerts, item_drops, low_stock
from helpers.start_here.theme import StartHereSettings

RUN = pd.Timestamp("2026-03-04")
DAYS = pd.date_range("2026-03-01", RUN, freq="D")  # base 03-01, 03-02; recent 03-03, 03-04
S = StartHereSettings(item_window_days=2, item_baseline_days=2)


def _facts(shop_uv_recent: float = 1000.0, shop_buyers_recent: float = 50.0):
    """Per day: item X 200 visitors, 10 orders in the base, 2 orders in the recent days;
    item Y 300 visitors and 6 orders in the base, 100 and 2 in the recent days; item Z 20
    visitors in the base, none after. Shop: 1000 UV and 50 buyers a day in the base."""
    traffic, sales = [], []
    for d in DAYS:
        recent = d >= pd.Timestamp("2026-03-03")
        traffic += [(d, "X", 200), (d, "Y", 100 if recent else 300)]
        sales += [
            (d, "搜索", "X", 2 if recent else 10, 20.0),
            (d, "搜索", "Y", 2 if recent else 6, 6.0),
        ]
        if not recent:
            traffic.append((d, "Z", 20))
    daily = pd.DataFrame(
        {
            "date": DAYS,
            "uv": [1000.0, 1000.0, shop_uv_recent, shop_uv_recent],
            "buyers": [50.0, 50.0, shop_buyers_recent, shop_buyers_recent],
        }
    )
    return SimpleNamespace(
        run_date=RUN,
        daily=daily,
        item_traffic=pd.DataFrame(traffic, columns=["date", "sku_id", "visitors"]),
        daily_item=pd.DataFrame(sales, columns=["date", "channel", "sku_id", "orders", "units"]),
        available=frozenset({"traffic"}),
    )


def test_item_drops_against_an_unchanged_shop():
    rows = item_drops(_facts(), S).set_index(["kind", "subject"])
    # X CVR: base 20 / 400 = 0.05, recent 4 / 400 = 0.01 (shop CVR 0.05 both windows):
    # drop 1 - 0.01 / 0.05 = 0.8 >= 0.75 -> urgent; expected orders 0.05 x 400 = 20 >= 10
    assert rows.loc[("cvr_drop", "X"), "value"] == 0.01
    assert abs(rows.loc[("cvr_drop", "X"), "reference"] - 0.05) < 1e-12
    assert rows.loc[("cvr_drop", "X"), "status"] == "urgent"
    # Y visitors: 300 a day -> 100 a day, drop 2/3: attention; its CVR 0.02 stays
    assert rows.loc[("traffic_drop", "Y"), "value"] == 100.0
    assert rows.loc[("traffic_drop", "Y"), "reference"] == 300.0
    assert rows.loc[("traffic_drop", "Y"), "status"] == "attention"
    # Z: 20 visitors a day expected -> 40 in the window < 100: too few to judge
    assert set(rows.index) == {("cvr_drop", "X"), ("traffic_drop", "Y")}


def test_item_drops_are_judged_against_the_shops_own_change():
    # the shop doubles its traffic (2000 UV, 100 buyers a day): X expected 200 x 2 = 400
    # visitors a day, has 200: drop 0.5, not above 0.5; Y expected 600, has 100: 0.83 urgent
    rows = item_drops(_facts(2000.0, 100.0), S).set_index(["kind", "subject"])
    assert ("traffic_drop", "X") not in rows.index
    assert rows.loc[("traffic_drop", "Y"), "reference"] == 600.0
    assert rows.loc[("traffic_drop", "Y"), "status"] == "urgent"


def test_low_stock_and_out_of_stock():
    facts = _facts()
    # units over the 28 days up to the run date: X 4 days x 20 = 80 -> 80 / 28 a day
    inventory = pd.DataFrame(
        {
            "date": [RUN] * 4,
            "sku_id": ["X", "Y", "Z", "W"],
            "on_hand": [10, 0, 5, 0],
        }
    )
    rows = low_stock(facts, inventory, S).set_index("subject")
    # X cover 10 / (80 / 28) = 3.5 days < 7: low; Y sold 24 units and has none: out of
    # stock (urgent); Z and W sold nothing in the 28 days: not judged
    assert rows.loc["X", "value"] == 3.5 and rows.loc["X", "status"] == "attention"
    assert rows.loc["Y", "kind"] == "out_of_stock" and rows.loc["Y", "status"] == "urgent"
    assert set(rows.index) == {"X", "Y"}
    later = pd.DataFrame({"date": [RUN + pd.Timedelta(days=1)], "sku_id": ["X"], "on_hand": [0]})
    assert low_stock(facts, later, S).empty  # a snapshot after the run date is not used


def test_alert_findings_join_the_list_and_set_the_status():
    alerts = pd.DataFrame(
        {
            "rule": ["item_return_rate", "channel_cvr_drop", "refund_rate"],
            "severity": ["high", "medium", "high"],
            "scope": ["item", "channel", "shop"],
            "subject": ["A", "直播", ""],
            "value": [0.4, 0.01, 0.3],
            "reference": [0.15, 0.05, 0.15],
        }
    )
    rows = from_alerts(alerts)
    assert list(rows["kind"]) == ["refund_spike", "channel_cvr_drop"]  # shop alert left out
    assert list(rows["status"]) == ["urgent", "attention"]
    item = abnormal_item(_facts(), None, alerts, S)
    # 2 alert rows + X CVR drop + Y traffic drop; urgent first
    assert item.count == 4 and item.status == "urgent"
    assert list(item.rows["status"][:2]) == ["urgent", "urgent"]
    assert "inventory" in item.detail[1]  # says the stock check did not run
    calm = abnormal_item(
        _facts(), None, alerts.iloc[0:0], StartHereSettings(item_drop=0.9, item_drop_urgent=0.95)
    )
    assert (calm.status, calm.count) == ("ok", 0)
