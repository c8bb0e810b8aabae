"""The same portable fact expressions on Spark (pyspark in local mode) and on DuckDB give
identical fact tables from the same input.

One Spark session serves the module (starting one costs seconds); the input is the tiny shop
made harder -- a shipping fee on every other order, a channel of spaces only, a line without
a price and one of zero quantity -- and Spark reads orders and order lines from Parquet
paths, as a cluster user configures them (``facts.spark_tables``). Skipped without pyspark
or a Java runtime (``.ci/run`` installs one).
"""

from __future__ import annotations

import shutil
from dataclasses import fields

import numpy as np
import pytest
from pandas.testing import assert_frame_equal
from tiny_shop import RUN, canonical_tables

from helpers.facts import Facts, build_facts
from helpers.facts.engines import duckdb_engine, spark_engine

pytest.importorskip("pyspark", reason="the Spark engine test needs pyspark (the test extra)")
if shutil.which("java") is None:
    pytest.skip("pyspark needs a Java runtime (java not found)", allow_module_level=True)

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")

FRAMES = [f.name for f in fields(Facts) if f.name not in ("run_date", "available")]


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("playbook-facts-test")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.sql.codegen.wholeStage", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


def harder_tiny_shop():
    """The tiny shop with fees, a blank channel, a line without price and a zero quantity."""
    t = canonical_tables()
    orders, items = t["orders"].copy(), t["order_items"].copy()
    orders["shipping_fee"] = np.where(np.arange(len(orders)) % 2 == 0, 6.0, np.nan)
    orders.loc[orders["order_id"] == "o2", "channel"] = "  "
    items.loc[1, "unit_price"] = np.nan
    items.loc[3, "quantity"] = 0
    return t | {"orders": orders, "order_items": items}


def test_spark_and_duckdb_give_identical_facts(spark, tmp_path):
    tables = harder_tiny_shop()
    paths = {}
    for name in ("orders", "order_items"):
        paths[name] = str(tmp_path / name)
        # a path, as on a cluster; Spark reads timestamps in microseconds, not nanoseconds
        tables[name].to_parquet(tmp_path / name, index=False, coerce_timestamps="us")
    want = build_facts(tables, RUN, engine=duckdb_engine())
    got = build_facts(tables, RUN, engine=spark_engine(paths, session=spark))
    assert got.available == want.available
    for name in FRAMES:
        assert_frame_equal(getattr(got, name), getattr(want, name), obj=name)
    assert len(got.shipping_fees) > 0 and "未知" in set(got.daily_channel["channel"])
