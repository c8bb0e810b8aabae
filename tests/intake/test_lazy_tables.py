"""A data set read from the intake cache loads a table only when it is asked for, and its
narrow reads (some columns, some days) equal the full table filtered in pandas."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from locations import SAMPLE

from helpers.context import prepare
from helpers.contract import TABLES
from helpers.facts import build_facts
from helpers.facts.build import JOINED
from helpers.intake import load_dataset
from helpers.intake import narrow as narrow_module
from helpers.intake.narrow import DAY_COLUMNS, CachedTables
from helpers.notices import PlaybookNotice
from helpers.settings import load_settings

SETTINGS = load_settings(SAMPLE)


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """A cache folder holding the sample shop's validated tables."""
    folder = tmp_path_factory.mktemp("lean-cache")
    load_dataset(SAMPLE, SETTINGS, cache_dir=folder)
    return folder


@pytest.fixture(scope="module")
def full(cache):
    """The sample shop with every table read (the reference of the narrow reads)."""
    ds = load_dataset(SAMPLE, SETTINGS, cache_dir=cache)
    for name in ds.available:
        ds[name]
    return ds


def _warm(cache: Path):
    ds = load_dataset(SAMPLE, SETTINGS, cache_dir=cache)
    assert ds.from_cache and isinstance(ds.tables, CachedTables)
    return ds


def test_a_table_is_read_when_first_asked_for_and_kept(cache, monkeypatch):
    reads: list[str] = []
    real = narrow_module.read_cached_table

    def counting(folder, name):
        reads.append(name)
        return real(folder, name)

    monkeypatch.setattr(narrow_module, "read_cached_table", counting)
    ds = _warm(cache)
    # what is present is known without reading anything
    assert ds.has("order_items") and "order_items" in ds.tables and len(ds.tables) == 14
    assert ds.available[:2] == ["orders", "order_items"] and ds.tables.get("nope") is None
    assert reads == [] and ds.tables.held == ()
    products = ds["products"]
    assert ds["products"] is products and ds.tables["products"] is products
    assert reads == ["products"] and ds.tables.held == ("products",)
    assert "order_items" not in ds.tables.held and "orders" not in ds.tables.held


def test_lazy_tables_equal_the_fresh_intake(cache, full):
    fresh = load_dataset(SAMPLE, SETTINGS, cache_dir=False)
    assert not fresh.from_cache and isinstance(fresh.tables, dict)
    assert list(full.tables) == sorted(fresh.tables)
    for name in fresh.available:
        pd.testing.assert_frame_equal(full[name], fresh[name])


def test_prepare_and_the_duckdb_facts_never_load_orders_or_lines(cache, tmp_path):
    ds = _warm(cache)
    assert SETTINGS.facts.engine == "duckdb"
    dataset, facts, day = prepare(SAMPLE, SETTINGS, cache_dir=cache)
    assert len(facts.daily_item) > 0 and facts.run_date == day
    # the run date came from two columns of orders; the facts engine read the Parquet files
    assert set(dataset.tables.held) <= set(JOINED)
    assert "orders" not in dataset.tables.held and "order_items" not in dataset.tables.held
    # the same facts as a build from the whole tables in memory (pandas engine)
    mem = {name: ds[name] for name in ds.available}
    ref = build_facts(mem, day, SETTINGS.replace(facts=type(SETTINGS.facts)(engine="pandas")))
    pd.testing.assert_frame_equal(facts.daily, ref.daily)
    pd.testing.assert_frame_equal(facts.daily_item, ref.daily_item)


def test_a_notebook_with_the_run_date_reads_no_order_columns(cache, monkeypatch):
    """A batch run's notebooks get the run date: their facts are cached, nothing is read."""
    _, _, day = prepare(SAMPLE, SETTINGS, cache_dir=cache)
    narrow: list[str] = []
    real = narrow_module.read_parquet_rows

    def counting(path, name, columns, rows):
        narrow.append(name)
        return real(path, name, columns, rows)

    monkeypatch.setattr(narrow_module, "read_parquet_rows", counting)
    dataset, facts, again = prepare(SAMPLE, SETTINGS, cache_dir=cache, run_date=f"{day:%Y-%m-%d}")
    assert again == day and facts.run_date == day
    assert narrow == [] and dataset.tables.held == ()
    # a date outside the data is still refused, naming the range (no facts cached for it)
    with pytest.raises(ValueError, match="outside the data"):
        prepare(SAMPLE, SETTINGS, cache_dir=cache, run_date="2031-01-01")
    assert narrow == ["orders"]


def _filtered(frame: pd.DataFrame, columns, on, first, last) -> pd.DataFrame:
    """The reference: the full table filtered in pandas, by hand."""
    start, end = (
        pd.Timestamp(first).normalize(),
        pd.Timestamp(last).normalize() + pd.Timedelta(days=1),
    )
    keep = (frame[on] >= start) & (frame[on] < end)
    return frame.loc[keep.fillna(False).astype(bool), columns].reset_index(drop=True)


TIMED = ["orders", "after_sales", "traffic", "ad_spend", "inventory", "customers"]


@st.composite
def narrow_reads(draw):
    name = draw(st.sampled_from(TIMED))
    names = [c.name for c in TABLES[name].columns]
    columns = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
    first = pd.Timestamp("2024-11-01") + pd.Timedelta(days=draw(st.integers(0, 760)))
    span = draw(st.integers(-2, 120))  # a negative span is an empty range
    hour = draw(st.integers(0, 23))  # times of day are dropped from the bounds
    return name, columns, first + pd.Timedelta(hours=hour), first + pd.Timedelta(days=span)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=narrow_reads(), held=st.booleans())
def test_narrow_read_equals_the_full_read_filtered(cache, full, case, held):
    name, columns, first, last = case
    ds = full if held else _warm(cache)  # filtered in memory, or read so from Parquet
    got = ds.read(name, columns, days=(first, last))
    want = _filtered(full[name], columns, DAY_COLUMNS[name], first, last)
    pd.testing.assert_frame_equal(got, want)
    assert held or ds.tables.held == ()  # nothing kept by a narrow read


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.integers(0, 730),
    span=st.integers(0, 40),
    columns=st.lists(
        st.sampled_from(["order_id", "line_no", "sku_id", "quantity"]), min_size=1, unique=True
    ),
)
def test_order_lines_of_the_days_are_those_of_the_orders_paid_then(
    cache, full, start, span, columns
):
    first = pd.Timestamp("2024-11-16") + pd.Timedelta(days=start)
    last = first + pd.Timedelta(days=span)
    got = _warm(cache).read("order_items", columns, days=(first, last))
    paid = _filtered(full["orders"], ["order_id"], "paid_at", first, last)["order_id"]
    lines = full["order_items"]
    want = lines.loc[lines["order_id"].isin(paid), columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)
    pd.testing.assert_frame_equal(full.read("order_items", columns, days=(first, last)), want)


def test_isin_and_all_columns(cache, full):
    orders = full["orders"]
    ids = list(orders["order_id"].iloc[[5, 1, 5, 40]]) + [None, "no-such-order"]
    got = _warm(cache).read("orders", isin={"order_id": ids})
    # rows in table order (1, 5, 40), whatever the order of the ids; None matches nothing
    pd.testing.assert_frame_equal(got, orders.iloc[[1, 5, 40]].reset_index(drop=True))
    pd.testing.assert_frame_equal(full.read("orders", isin={"order_id": ids}), got)
    pd.testing.assert_frame_equal(_warm(cache).read("traffic"), full["traffic"])


def test_narrow_read_errors_name_what_is_wrong(cache):
    ds = _warm(cache)
    with pytest.raises(KeyError, match="no column 'paid'"):
        ds.read("orders", ["paid"])
    with pytest.raises(KeyError, match="not in this data set"):
        ds.read("reviews")
    with pytest.raises(ValueError, match="'status' is not one"):
        ds.read("orders", days=("2025-01-01", "2025-01-02"), on="status")
    with pytest.raises(ValueError, match="days need a datetime column"):
        ds.read("promotions", days=("2025-01-01", "2025-01-02"), on="name")


def _entry(cache: Path) -> Path:
    (entry,) = [p for p in cache.iterdir() if (p / "manifest.json").is_file()]
    return entry


def test_a_damaged_table_is_found_before_anything_is_read(tmp_path):
    cache = tmp_path / "cache"
    first = load_dataset(SAMPLE, SETTINGS, cache_dir=cache)
    lines = _entry(cache) / "tables" / "order_items.parquet"
    lines.chmod(0o600)
    lines.write_bytes(lines.read_bytes()[:-10] + b"0123456789")  # same size, footer broken
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlaybookNotice)
        again = load_dataset(SAMPLE, SETTINGS, cache_dir=cache)
    notices = [str(w.message) for w in caught if w.category is PlaybookNotice]
    assert not again.from_cache and "order_items.parquet changed" in notices[0]
    pd.testing.assert_frame_equal(again["order_items"], first["order_items"])
    # a table file that goes missing after the entry was opened: a plain error saying so
    ds = load_dataset(SAMPLE, SETTINGS, cache_dir=cache)
    (_entry(cache) / "tables" / "customers.parquet").unlink()
    with pytest.raises(OSError, match="cached 'customers' table cannot be read"):
        ds["customers"]
