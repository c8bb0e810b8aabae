"""Incremental facts: a day store recomputes only new or changed payment days, found by
content, and the facts equal a full rebuild on every table.

Which days were recomputed is read from the store's instrumentation (``DayStore.recomputed``),
never inferred from timings.
"""

from __future__ import annotations

from dataclasses import fields

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from tiny_shop import RUN, canonical_tables

from helpers.facts import Facts, as_of, build_facts
from helpers.facts.days import DayStore, day_digests
from helpers.facts.orders import paid_orders, prepare_orders
from helpers.intake import load_dataset
from helpers.sample import generate_sample
from helpers.settings import Settings, load_settings

FRAMES = [f.name for f in fields(Facts) if f.name not in ("run_date", "available")]
LAST = pd.Timestamp("2026-11-15")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A generated shop of 90 days (its last day 2026-11-15) as validated tables."""
    folder = tmp_path_factory.mktemp("shop")
    generate_sample(folder, days=90, scale=0.3, end_date=LAST.date(), fmt="parquet")
    settings = load_settings(folder)
    ds = load_dataset(folder, settings, cache_dir=tmp_path_factory.mktemp("cache"))
    return dict(ds.tables), settings


def assert_same_facts(got: Facts, want: Facts) -> None:
    assert got.run_date == want.run_date and got.available == want.available
    for name in FRAMES:
        assert_frame_equal(getattr(got, name), getattr(want, name), obj=name)


def paid_days(tables, day) -> pd.Index:
    t = as_of(tables, day)
    return day_digests(paid_orders(prepare_orders(t["orders"])), t["order_items"]).index


def test_one_day_append_recomputes_only_that_day(shop, tmp_path):
    tables, settings = shop
    store = DayStore(tmp_path / "days")
    before = build_facts(tables, LAST - pd.Timedelta(days=1), settings, days=store)
    assert store.recomputed == tuple(paid_days(tables, LAST - pd.Timedelta(days=1)))
    assert_same_facts(before, build_facts(tables, LAST - pd.Timedelta(days=1), settings))

    after = build_facts(tables, LAST, settings, days=store)
    assert store.recomputed == (LAST,)  # the appended day only
    assert_same_facts(after, build_facts(tables, LAST, settings))

    again = build_facts(tables, LAST, settings, days=store)
    assert store.recomputed == ()  # same input, nothing to do
    assert_same_facts(again, after)


def _changed_line(tables, day: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The tables with one line of an order paid on ``day`` sold twice as many units."""
    orders = tables["orders"]
    paid_on = pd.to_datetime(orders["paid_at"]).dt.normalize() == day
    order_id = orders.loc[paid_on, "order_id"].iloc[0]
    items = tables["order_items"].copy()
    row = items.index[items["order_id"] == order_id][0]
    items.loc[row, "quantity"] = items.loc[row, "quantity"] * 2
    return {**tables, "order_items": items}


def test_a_corrected_closed_day_is_found_by_content(shop, tmp_path):
    tables, settings = shop
    store = DayStore(tmp_path / "days")
    build_facts(tables, LAST, settings, days=store)
    corrected_day = LAST - pd.Timedelta(days=30)
    changed = _changed_line(tables, corrected_day)
    facts = build_facts(changed, LAST, settings, days=store)
    assert store.recomputed == (corrected_day,)
    assert_same_facts(facts, build_facts(changed, LAST, settings))


def test_a_line_moved_to_another_order_of_the_same_day_is_a_change(shop, tmp_path):
    # the pro-rata GMV of the line changes with its order, so the day must be rescanned
    tables, settings = shop
    store = DayStore(tmp_path / "days")
    build_facts(tables, LAST, settings, days=store)
    day = LAST - pd.Timedelta(days=20)
    orders = tables["orders"]
    paid_on = orders.loc[pd.to_datetime(orders["paid_at"]).dt.normalize() == day, "order_id"]
    first, second = paid_on.iloc[0], paid_on.iloc[1]
    items = tables["order_items"].copy()
    items.loc[items.index[items["order_id"] == first][0], "order_id"] = second
    moved = {**tables, "order_items": items}
    facts = build_facts(moved, LAST, settings, days=store)
    assert store.recomputed == (day,)
    assert_same_facts(facts, build_facts(moved, LAST, settings))


def test_a_shipment_does_not_reopen_its_payment_day(shop, tmp_path):
    tables, settings = shop
    orders = tables["orders"].copy()
    waiting = orders.index[orders["shipped_at"].isna() & orders["paid_at"].notna()]
    store = DayStore(tmp_path / "days")
    build_facts({**tables, "orders": orders}, LAST, settings, days=store)
    orders.loc[waiting[:5], "shipped_at"] = pd.to_datetime(orders.loc[waiting[:5], "paid_at"])
    shipped = {**tables, "orders": orders}
    facts = build_facts(shipped, LAST, settings, days=store)
    assert store.recomputed == ()
    assert_same_facts(facts, build_facts(shipped, LAST, settings))


def test_an_earlier_run_date_keeps_the_later_days_for_later(shop, tmp_path):
    tables, settings = shop
    store = DayStore(tmp_path / "days")
    build_facts(tables, LAST, settings, days=store)
    earlier = LAST - pd.Timedelta(days=10)
    assert_same_facts(
        build_facts(tables, earlier, settings, days=store), build_facts(tables, earlier, settings)
    )
    assert store.recomputed == ()
    build_facts(tables, LAST, settings, days=store)
    assert store.recomputed == ()


def test_tiny_shop_by_hand_and_a_damaged_store(tmp_path):
    # the tiny shop pays orders on 03-01, 03-02 and 03-03 (see tiny_shop.py): three days
    tables = canonical_tables()
    store = DayStore(tmp_path / "days")
    facts = build_facts(tables, RUN, Settings(), days=store)
    assert len(store.recomputed) == len(paid_days(tables, RUN))
    assert_same_facts(facts, build_facts(tables, RUN, Settings()))
    (store.path / "item.arrow").write_bytes(b"not arrow")
    again = build_facts(tables, RUN, Settings(), days=store)  # unreadable: all days again
    assert len(store.recomputed) == len(paid_days(tables, RUN))
    assert_same_facts(again, facts)
