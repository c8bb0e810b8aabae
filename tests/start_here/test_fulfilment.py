"""Order-side lines on the tiny shop, each with a known problem worked out by hand."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from tiny_shop import RUN, T

from helpers.settings import Settings
from helpers.start_here.checklist import has_ship_times
from helpers.start_here.fulfilment import (
    logistics_item,
    shipping_item,
    unpaid_item,
    usual_payment_minutes,
)
from helpers.start_here.theme import StartHereSettings

CUTOFF = RUN + pd.Timedelta(days=1)  # the end of the run date


def _with_orders(orders: pd.DataFrame, *rows: tuple) -> pd.DataFrame:
    extra = pd.DataFrame(
        [dict(zip(["order_id", "created_at", "status"], r, strict=True)) for r in rows]
    )
    extra["paid_at"] = pd.NaT
    extra["paid_amount"] = 0.0
    extra["channel"] = "搜索"
    out = pd.concat([orders, extra], ignore_index=True)
    for c in ("created_at", "paid_at", "shipped_at"):
        out[c] = out[c].astype("datetime64[ns]")
    return out


def test_usual_payment_window_is_the_90_percent_quantile_of_payment_delays(tiny):
    # paid before the cutoff (03-04 00:00), delays in minutes: o1 5, o2 10, o4 30, o5 0,
    # o6 110, o7 30, o8 60 -> sorted 0 5 10 30 30 60 110; q0.9 at position 0.9 x 6 = 5.4:
    # 60 + 0.4 x (110 - 60) = 80 minutes (o9 paid after the cutoff is not counted)
    assert usual_payment_minutes(tiny["orders"], CUTOFF, StartHereSettings()) == pytest.approx(80.0)
    # the floor wins when it is longer
    s = StartHereSettings(unpaid_min_minutes=90)
    assert usual_payment_minutes(tiny["orders"], CUTOFF, s) == 90.0


def test_unpaid_orders_past_the_usual_window_are_reminded(tiny):
    orders = _with_orders(
        tiny["orders"],
        ("o11", T("2026-03-03 18:00"), "pending"),  # 6 h unpaid > 80 min: remind
        ("o12", T("2026-02-28 10:00"), "pending"),  # 86 h > 72 h: closed by the platform
        ("o13", T("2026-03-03 23:00"), "pending"),  # 60 min < 80 min: too early
        ("o14", T("2026-03-03 12:00"), "cancelled"),  # closed
    )
    item = unpaid_item(orders, CUTOFF, StartHereSettings())
    # o9 (created 23:30, paid 00:10 after the cutoff) was unpaid for 30 min: too early too
    assert list(item.rows["order_id"]) == ["o11"]
    assert item.rows["hours_unpaid"].iloc[0] == 6.0
    assert (item.status, item.count) == ("attention", 1)
    assert unpaid_item(orders, CUTOFF, StartHereSettings(unpaid_urgent=1)).status == "urgent"
    assert unpaid_item(tiny["orders"], CUTOFF, StartHereSettings()).status == "ok"
    assert "o10" not in set(item.rows["order_id"])  # created after the cutoff


def test_orders_past_the_shipping_sla(tiny, tiny_facts):
    # open at the cutoff: o7 paid 03-03 08:30 (15.5 h), o8 paid 21:00 (3 h, shipped after)
    s = StartHereSettings()
    assert shipping_item(tiny_facts, True, 24.0, s).status == "ok"
    item = shipping_item(tiny_facts, True, 10.0, s)
    assert list(item.rows["order_id"]) == ["o7"]
    assert item.rows["hours_waiting"].iloc[0] == 15.5
    assert (item.status, item.count) == ("attention", 1)
    assert shipping_item(tiny_facts, True, 2.0, StartHereSettings(ship_urgent=2)).status == "urgent"
    assert has_ship_times(tiny["orders"])
    no_times = tiny["orders"].assign(shipped_at=pd.NaT)
    assert not has_ship_times(no_times)
    item = shipping_item(tiny_facts, False, 24.0, s)
    assert item.status == "unavailable" and item.needs == ("orders.shipped_at",)


def test_logistics_needs_tracking_times_and_finds_parcels_that_stopped(tiny):
    s = StartHereSettings(logistics_stale_hours=12)
    item = logistics_item(tiny["orders"], CUTOFF, s)
    assert item.status == "unavailable"
    assert item.needs == ("orders.logistics_updated_at",)
    assert "orders.logistics_updated_at" in item.detail[0]
    orders = tiny["orders"].assign(logistics_updated_at=pd.NaT)
    orders.loc[orders["order_id"] == "o2", "logistics_updated_at"] = T("2026-03-02 16:00")
    orders["logistics_updated_at"] = orders["logistics_updated_at"].astype("datetime64[ns]")
    # shipped before the cutoff and not completed: o4 (shipped 03-03 08:00, no event since:
    # 16 h still > 12 h). o1, o2, o5 are completed; o8 shipped after the cutoff.
    item = logistics_item(orders, CUTOFF, s)
    assert list(item.rows["order_id"]) == ["o4"]
    assert item.rows["hours_still"].iloc[0] == 16.0
    assert item.status == "attention"
    # a tracking event at 20:00 leaves 4 h: moving
    orders.loc[orders["order_id"] == "o4", "logistics_updated_at"] = T("2026-03-03 20:00")
    assert logistics_item(orders, CUTOFF, s).status == "ok"
    # an event after the cutoff: the parcel moved later, not judged
    orders.loc[orders["order_id"] == "o4", "logistics_updated_at"] = T("2026-03-05 09:00")
    assert logistics_item(orders, CUTOFF, s).count == 0


def test_settings_reject_inconsistent_thresholds():

    with pytest.raises(ValueError):
        StartHereSettings(item_drop=0.8, item_drop_urgent=0.5)
    with pytest.raises(ValueError):
        StartHereSettings(unpaid_usual_share=1.5)
    assert dataclasses.asdict(Settings().section("start_here"))["ship_urgent"] == 10
    assert not np.isnan(StartHereSettings().ad_over)
