"""The DuckDB engine gives the same facts as the pandas reference, table for table.

Both engines return every fact table in the same documented row order (the pandas scan's:
each table sorted by its keys -- ``date``, then ``channel``, ``sku_id`` or ``customer_id`` --
and ``open_orders`` longest waiting first), so the frames are compared as they are with
``assert_frame_equal`` (floats to its default relative tolerance of 1e-5: the engines add
the same numbers in a different order).
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pandas as pd
import pytest
from hostile_shop import hostile_shop
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from locations import SAMPLE
from pandas.testing import assert_frame_equal
from tiny_shop import RUN, canonical_tables

from helpers.facts import Facts, build_facts, checked_run_date
from helpers.facts.engines import duckdb_engine
from helpers.intake import load_dataset
from helpers.settings import Settings, SettingsError, load_settings, with_engine

FRAMES = [f.name for f in fields(Facts) if f.name not in ("run_date", "available")]


def assert_same_facts(got: Facts, want: Facts) -> None:
    """Every fact table of ``got`` equals ``want``'s (dtypes, row order, values)."""
    assert got.run_date == want.run_date and got.available == want.available
    for name in FRAMES:
        assert_frame_equal(getattr(got, name), getattr(want, name), obj=name)


def both_engines(tables, day, settings=None) -> tuple[Facts, Facts]:
    return build_facts(tables, day, settings, engine=duckdb_engine()), build_facts(
        tables, day, settings
    )


def loaded(folder, tmp_path_factory):
    settings = load_settings(folder)
    ds = load_dataset(folder, settings, cache_dir=tmp_path_factory.mktemp("cache"))
    return dict(ds.tables), settings.with_hints(ds.settings_hints)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return loaded(SAMPLE, tmp_path_factory)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return loaded(hostile_shop(tmp_path_factory.mktemp("hostile")), tmp_path_factory)


def test_tiny_shop_same_facts():
    got, want = both_engines(canonical_tables(), RUN)
    assert_same_facts(got, want)
    # the hand-checked figures of the tiny shop hold on the engine too (tests/facts/test_facts)
    day = got.daily.set_index("date")
    assert day.loc[RUN, "gmv"] == 120.0 + 60.0  # o7 + o8; o9 paid after the cutoff
    assert got.open_orders["order_id"].tolist() == want.open_orders["order_id"].tolist()


@pytest.mark.parametrize("offset", [0, 45])
def test_sample_same_facts(sample, offset):
    tables, settings = sample
    day = checked_run_date(tables["orders"], None) - pd.Timedelta(days=offset)
    assert_same_facts(*both_engines(tables, day, settings))


def test_hostile_shop_same_facts(hostile):
    tables, settings = hostile
    day = checked_run_date(tables["orders"], None)
    got, want = both_engines(tables, day, settings)
    assert_same_facts(got, want)
    assert len(got.daily_item) > 0


def test_engine_reads_parquet_locations(sample, tmp_path):
    """Given Parquet files for orders and lines, the engine reads them instead of frames."""
    tables, settings = sample
    paths = {}
    for name in ("orders", "order_items"):
        paths[name] = str(tmp_path / f"{name}.parquet")
        tables[name].to_parquet(paths[name], index=False)
    day = checked_run_date(tables["orders"], None)
    others = {k: v for k, v in tables.items() if k not in paths}
    got = build_facts(others | {k: tables[k] for k in paths}, day, settings)
    engine = duckdb_engine(paths)
    via_files = build_facts(tables | {k: tables[k].iloc[:0] for k in paths}, day, settings,
                            engine=engine)  # fmt: skip
    assert_frame_equal(via_files.daily, got.daily)
    assert_frame_equal(via_files.daily_item, got.daily_item)


CHANNELS = ["搜索", "直播", "", " ", "\u3000", None]
STATUSES = ["paid", "shipped", "completed", "cancelled", "refunded"]
T0 = pd.Timestamp("2026-05-01")


@st.composite
def order_sets(draw):
    """A few orders over five days (guests, blank channels, unpaid, unshipped, paid after
    the cutoff) and 0-3 lines each (zero quantities, missing prices)."""
    n = draw(st.integers(1, 12))
    rows, lines = [], []
    for i in range(n):
        created = T0 + pd.Timedelta(minutes=draw(st.integers(0, 5 * 24 * 60)))
        paid = draw(st.one_of(st.none(), st.integers(0, 36 * 60)))
        paid_at = created + pd.Timedelta(minutes=paid) if paid is not None else pd.NaT
        ship = draw(st.one_of(st.none(), st.integers(0, 72 * 60)))
        shipped = paid_at + pd.Timedelta(minutes=ship) if ship is not None else pd.NaT
        rows.append(
            {
                "order_id": f"o{i}",
                "customer_id": draw(st.sampled_from(["c1", "c2", "c3", "", None])),
                "created_at": created,
                "paid_at": paid_at,
                "status": draw(st.sampled_from(STATUSES)),
                "paid_amount": float(draw(st.integers(0, 300))),
                "channel": draw(st.sampled_from(CHANNELS)),
                "shipped_at": shipped,
                "shipping_fee": draw(st.sampled_from([None, 0.0, 8.0])),
            }
        )
        for j in range(draw(st.integers(0, 3))):
            price = draw(st.sampled_from([None, 0.0, 9.5, 30.0]))
            lines.append(
                (f"o{i}", j + 1, draw(st.sampled_from("ABC")), draw(st.integers(0, 3)), price)
            )
    return rows, lines, draw(st.integers(0, 6))


def frames_of(rows, lines) -> dict[str, pd.DataFrame]:
    orders = pd.DataFrame(rows)
    for c in ("created_at", "paid_at", "shipped_at"):
        orders[c] = orders[c].astype("datetime64[ns]")
    for c in ("order_id", "customer_id", "status", "channel"):
        orders[c] = orders[c].astype("str").where(orders[c].notna(), np.nan).astype("str")
    orders["customer_id"] = orders["customer_id"].where(orders["customer_id"] != "nan")
    orders["channel"] = orders["channel"].where(orders["channel"] != "nan")
    orders["shipping_fee"] = orders["shipping_fee"].astype("float64")
    items = pd.DataFrame(lines, columns=["order_id", "line_no", "sku_id", "quantity", "unit_price"])
    items = items.astype({"order_id": "str", "sku_id": "str", "line_no": "int64"})
    items["quantity"] = items["quantity"].astype("int64")
    items["unit_price"] = items["unit_price"].astype("float64")
    return {"orders": orders, "order_items": items}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order_sets())
def test_random_order_sets_same_facts(case):
    rows, lines, day_offset = case
    tables = frames_of(rows, lines)
    day = T0 + pd.Timedelta(days=day_offset)
    assert_same_facts(*both_engines(tables, day))


def test_engine_setting_and_override(tmp_path):
    """``facts.engine`` defaults to duckdb, is read from playbook.yaml, checked, and
    ``--engine`` (with_engine) overrides it."""
    assert Settings().facts.engine == "duckdb"
    (tmp_path / "playbook.yaml").write_text("facts:\n  engine: pandas\n", "utf-8")
    settings = load_settings(tmp_path)
    assert settings.facts.engine == "pandas"
    assert with_engine(settings, "spark").facts.engine == "spark"
    assert with_engine(settings, None) is settings
    with pytest.raises(SettingsError, match="facts.engine"):
        with_engine(settings, "sqlite")
    (tmp_path / "playbook.yaml").write_text("facts:\n  spark_tables: [orders]\n", "utf-8")
    with pytest.raises(SettingsError, match="spark_tables"):
        load_settings(tmp_path)


def test_duckdb_memory_limit_setting(sample, tmp_path):
    """``facts.duckdb_memory_limit`` (default 1GB) reaches DuckDB, is checked, and a limit
    small enough to make DuckDB spill still gives the facts of the unlimited engine."""
    from helpers.facts.engines import fact_engine

    assert Settings().facts.duckdb_memory_limit == "1GB"
    engine = fact_engine(Settings())
    assert engine is not None
    con = engine.connect()
    limit = con.raw_sql("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit.replace(" ", "") in ("953.6MiB", "1.0GiB", "1GB", "1000.0MB")  # DuckDB's print
    (tmp_path / "playbook.yaml").write_text("facts:\n  duckdb_memory_limit: lots\n", "utf-8")
    with pytest.raises(SettingsError, match="duckdb_memory_limit"):
        load_settings(tmp_path)
    tables, settings = sample
    day = checked_run_date(tables["orders"], None)
    small = build_facts(tables, day, settings, engine=duckdb_engine(memory_limit="64MB"))
    free = build_facts(tables, day, settings, engine=duckdb_engine())
    for f in fields(Facts):
        if isinstance(getattr(free, f.name), pd.DataFrame):
            assert_frame_equal(getattr(small, f.name), getattr(free, f.name))
