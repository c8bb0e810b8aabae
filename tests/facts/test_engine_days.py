"""The day store on the DuckDB engine: digests computed by the engine over the Parquet files
it scans, only new or changed payment days computed, and the facts equal to a full build on
every table.

Which days were computed is read from the store's record (``DayStore.recomputed``), never
inferred from timings. The full builds compared against are the DuckDB engine's own without a
store (tests/facts/test_engines.py holds the engine equal to the pandas reference).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from helpers.context import prepare
from helpers.facts import Facts, build_facts
from helpers.facts.days import PANDAS_DIGEST, DayStore
from helpers.facts.engine_days import duckdb_kind
from helpers.facts.engines import duckdb_engine
from helpers.intake import load_dataset
from helpers.sample import generate_sample
from helpers.settings import load_settings

FRAMES = [f.name for f in fields(Facts) if f.name not in ("run_date", "available")]
LAST = pd.Timestamp("2026-11-15")
SCANNED = ("orders", "order_items")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A generated shop of 60 days (its last day 2026-11-15): the validated tables, its
    settings and its folder."""
    folder = tmp_path_factory.mktemp("shop")
    generate_sample(folder, days=60, scale=0.2, end_date=LAST.date(), fmt="parquet")
    settings = load_settings(folder)
    ds = load_dataset(folder, settings, cache_dir=tmp_path_factory.mktemp("cache"))
    return dict(ds.tables), settings.with_hints(ds.settings_hints), folder


def assert_same_facts(got: Facts, want: Facts) -> None:
    assert got.run_date == want.run_date and got.available == want.available
    for name in FRAMES:
        assert_frame_equal(getattr(got, name), getattr(want, name), obj=name)


def paid_on(tables, day: pd.Timestamp) -> pd.Series:
    """Whether each order is paid on ``day`` (whatever the run date, as paid by then)."""
    return pd.to_datetime(tables["orders"]["paid_at"]).dt.normalize() == day


def write_files(tables, folder: Path, keep_mtime: bool = False) -> dict[str, str]:
    """Orders and lines as Parquet files in ``folder`` (the engine's locations, as the intake
    cache gives them to a run); ``keep_mtime`` puts back the files' previous times, so that
    only their content tells a change."""
    paths = {}
    for name in SCANNED:
        path = folder / f"{name}.parquet"
        times = (path.stat().st_atime_ns, path.stat().st_mtime_ns) if keep_mtime else None
        tables[name].to_parquet(path, index=False)
        if times:
            os.utime(path, ns=times)
        paths[name] = str(path)
    return paths


def engine_build(tables, paths, day, settings, store=None) -> Facts:
    """Facts by the DuckDB engine reading ``paths`` (the frames of the scanned tables are
    left empty, so nothing but the files can feed the scan)."""
    frames = {k: (v.iloc[:0] if k in SCANNED else v) for k, v in tables.items()}
    return build_facts(frames, day, settings, days=store, engine=duckdb_engine(paths))


def test_one_day_append_computes_only_that_day(shop, tmp_path):
    tables, settings, _ = shop
    created = pd.to_datetime(tables["orders"]["created_at"]).dt.normalize()
    before = dict(tables)
    before["orders"] = tables["orders"].loc[created < LAST]
    before["order_items"] = tables["order_items"].loc[
        tables["order_items"]["order_id"].isin(before["orders"]["order_id"])
    ]
    store = DayStore(tmp_path / "days")
    paths = write_files(before, tmp_path)
    first = engine_build(before, paths, LAST - pd.Timedelta(days=1), settings, store)
    assert len(store.recomputed) == first.daily["orders"].gt(0).sum()  # every paid day
    paths = write_files(tables, tmp_path)  # the next morning: one more day of data
    facts = engine_build(tables, paths, LAST, settings, store)
    assert store.recomputed == (LAST,)
    assert_same_facts(facts, engine_build(tables, paths, LAST, settings))
    again = engine_build(tables, paths, LAST, settings, store)
    assert store.recomputed == ()  # same input, nothing to compute
    assert_same_facts(again, facts)
    meta = json.loads((store.path / "store.json").read_text("utf-8"))
    assert meta["digest"] == duckdb_kind()


def test_a_corrected_closed_day_same_file_dates(shop, tmp_path):
    tables, settings, _ = shop
    store = DayStore(tmp_path / "days")
    paths = write_files(tables, tmp_path)
    engine_build(tables, paths, LAST, settings, store)
    day = LAST - pd.Timedelta(days=30)
    order_id = tables["orders"].loc[paid_on(tables, day), "order_id"].iloc[0]
    items = tables["order_items"].copy()
    row = items.index[items["order_id"] == order_id][0]
    items.loc[row, "unit_price"] = items.loc[row, "unit_price"] + 1.0  # a late correction
    corrected = {**tables, "order_items": items}
    paths = write_files(corrected, tmp_path, keep_mtime=True)
    facts = engine_build(corrected, paths, LAST, settings, store)
    assert store.recomputed == (day,)
    assert_same_facts(facts, engine_build(corrected, paths, LAST, settings))


def test_a_removed_day_leaves_the_facts(shop, tmp_path):
    tables, settings, _ = shop
    store = DayStore(tmp_path / "days")
    paths = write_files(tables, tmp_path)
    engine_build(tables, paths, LAST, settings, store)
    day = LAST - pd.Timedelta(days=12)
    gone = tables["orders"].loc[paid_on(tables, day), "order_id"]
    removed = {
        **tables,
        "orders": tables["orders"].loc[~tables["orders"]["order_id"].isin(gone)],
        "order_items": tables["order_items"].loc[~tables["order_items"]["order_id"].isin(gone)],
    }
    paths = write_files(removed, tmp_path, keep_mtime=True)
    facts = engine_build(removed, paths, LAST, settings, store)
    assert store.recomputed == ()  # no day is new or changed; the removed one is dropped
    assert day not in set(facts.daily_item["date"])
    assert facts.daily.set_index("date").loc[day, "orders"] == 0
    assert_same_facts(facts, engine_build(removed, paths, LAST, settings))


def test_a_store_of_another_engine_is_not_reused(shop, tmp_path):
    """pandas and DuckDB digests differ (each engine hashes with its own function): a store
    written by one is computed again in full by the other, and the facts are right."""
    tables, settings, _ = shop
    store = DayStore(tmp_path / "days")
    build_facts(tables, LAST, settings, days=store)
    assert json.loads((store.path / "store.json").read_text("utf-8"))["digest"] == PANDAS_DIGEST
    paths = write_files(tables, tmp_path)
    facts = engine_build(tables, paths, LAST, settings, store)
    assert len(store.recomputed) == facts.daily["orders"].gt(0).sum()
    assert_same_facts(facts, build_facts(tables, LAST, settings))
    back = build_facts(tables, LAST, settings, days=store)  # and the reverse
    assert len(store.recomputed) == facts.daily["orders"].gt(0).sum()
    assert_same_facts(back, facts)


@pytest.fixture(scope="module")
def stored(shop, tmp_path_factory):
    """The shop's files and a DuckDB store built from them for the last day (copied by
    each example of the property test)."""
    tables, settings, _ = shop
    folder = tmp_path_factory.mktemp("stored")
    paths = write_files(tables, folder)
    store = DayStore(folder / "days")
    engine_build(tables, paths, LAST, settings, store)
    return store.path


DAYS = st.integers(1, 58).map(lambda k: LAST - pd.Timedelta(days=k))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(changed=st.sets(DAYS, max_size=3), removed=st.sets(DAYS, max_size=2))
def test_any_changes_compute_exactly_the_changed_days(shop, stored, changed, removed):
    """Lines repriced on some days and other days removed: exactly the changed days still in
    the data are computed, and the facts equal a full build."""
    tables, settings, _ = shop
    orders, items = tables["orders"], tables["order_items"].copy()
    for day in changed:
        order_id = orders.loc[paid_on(tables, day), "order_id"].iloc[0]
        row = items.index[items["order_id"] == order_id][0]
        items.loc[row, "quantity"] = items.loc[row, "quantity"] + 1
    gone = orders.loc[pd.to_datetime(orders["paid_at"]).dt.normalize().isin(removed), "order_id"]
    edited = {
        **tables,
        "orders": orders.loc[~orders["order_id"].isin(gone)],
        "order_items": items.loc[~items["order_id"].isin(gone)],
    }
    with tempfile.TemporaryDirectory(prefix="engine-days-") as tmp:
        store = DayStore(Path(tmp) / "days")
        shutil.copytree(stored, store.path)
        paths = write_files(edited, Path(tmp))
        facts = engine_build(edited, paths, LAST, settings, store)
        assert store.recomputed == tuple(sorted(changed - removed))
        assert_same_facts(facts, engine_build(edited, paths, LAST, settings))


def test_a_run_keeps_one_store_per_engine(shop, tmp_path):
    """``prepare`` with the DuckDB engine (the default) builds through a DuckDB store of its
    own beside the pandas one, and a second date reuses it."""
    _, settings, folder = shop
    cache = tmp_path / "cache"
    assert settings.facts.engine == "duckdb"
    _, facts, _ = prepare(folder, settings, cache_dir=cache, run_date=LAST - pd.Timedelta(days=1))
    stores = sorted((cache / "days").glob("*-duckdb"))
    assert len(stores) == 1
    meta = json.loads((stores[0] / "store.json").read_text("utf-8"))
    assert meta["digest"] == duckdb_kind()
    _, later, _ = prepare(folder, settings, cache_dir=cache, run_date=LAST)
    assert later.daily["date"].iloc[-1] == LAST and len(facts.daily) + 1 == len(later.daily)
