"""Reference aggregations written directly in DuckDB SQL and in polars lazy frames.

The same four results as the project's facts, over the same Parquet files, cut at the run
date (payments before the midnight after it), returned as pandas DataFrames like the facts:

* daily: per payment day ``gmv, orders, buyers, units`` (a guest order is one buyer);
* daily x channel: the same by channel (blank channel = 未知);
* daily x channel x SKU: ``gmv`` = the order's paid amount pro rata to ``quantity x
  unit_price`` (by quantity when the order's line value is 0), ``units``, ``orders``;
* customers: per identified customer first and last payment, orders, gmv.

Used by ``benchmarks/run.py`` (one child process per engine); the engines come from the
``bench`` extra (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

UNKNOWN = "未知"

DUCKDB_SQL = """
CREATE TEMP VIEW paid AS
SELECT order_id, customer_id, paid_at, CAST(paid_at AS DATE) AS day, paid_amount,
       COALESCE(NULLIF(TRIM(channel), ''), '{unknown}') AS channel,
       COALESCE(customer_id, 'guest:' || order_id) AS buyer
FROM read_parquet('{orders}')
WHERE paid_at IS NOT NULL AND paid_at < TIMESTAMP '{cutoff}';
CREATE TEMP TABLE lines AS
SELECT l.order_id, l.sku_id, p.day, p.channel, CAST(l.quantity AS DOUBLE) AS quantity,
       p.paid_amount * CASE
         WHEN SUM(l.quantity * l.unit_price) OVER w > 0
           THEN l.quantity * l.unit_price / SUM(l.quantity * l.unit_price) OVER w
         WHEN SUM(l.quantity) OVER w > 0 THEN l.quantity / SUM(l.quantity) OVER w
         ELSE 1.0 / COUNT(*) OVER w END AS gmv
FROM read_parquet('{items}') l JOIN paid p USING (order_id)
WINDOW w AS (PARTITION BY l.order_id);
"""

DUCKDB_RESULTS = {
    "daily": """
        SELECT p.day, SUM(paid_amount) AS gmv, COUNT(*) AS orders,
               COUNT(DISTINCT buyer) AS buyers, ANY_VALUE(u.units) AS units
        FROM paid p LEFT JOIN (SELECT day, SUM(quantity) AS units FROM lines GROUP BY day) u
             USING (day)
        GROUP BY p.day ORDER BY p.day""",
    "daily_channel": """
        SELECT p.day, p.channel, SUM(paid_amount) AS gmv, COUNT(*) AS orders,
               COUNT(DISTINCT buyer) AS buyers, ANY_VALUE(u.units) AS units
        FROM paid p LEFT JOIN (SELECT day, channel, SUM(quantity) AS units FROM lines
                               GROUP BY day, channel) u USING (day, channel)
        GROUP BY p.day, p.channel ORDER BY p.day, p.channel""",
    "daily_item": """
        SELECT day, channel, sku_id, SUM(gmv) AS gmv, SUM(quantity) AS units,
               COUNT(DISTINCT order_id) AS orders
        FROM lines GROUP BY day, channel, sku_id ORDER BY day, channel, sku_id""",
    "customers": """
        SELECT customer_id, MIN(paid_at) AS first_paid_at, MAX(paid_at) AS last_paid_at,
               COUNT(*) AS orders, SUM(paid_amount) AS gmv
        FROM paid WHERE customer_id IS NOT NULL GROUP BY customer_id ORDER BY customer_id""",
}


def duckdb_results(data: Path, cutoff: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The four results by DuckDB SQL over the Parquet files of ``data``."""
    import duckdb

    con = duckdb.connect()
    con.execute(
        DUCKDB_SQL.format(
            orders=data / "orders.parquet",
            items=data / "order_items.parquet",
            cutoff=cutoff.strftime("%Y-%m-%d %H:%M:%S"),
            unknown=UNKNOWN,
        )
    )
    return {name: con.execute(sql).df() for name, sql in DUCKDB_RESULTS.items()}


def polars_results(data: Path, cutoff: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The four results by polars lazy frames over the Parquet files of ``data``."""
    import polars as pl

    channel = pl.col("channel").str.strip_chars()
    paid = (
        pl.scan_parquet(data / "orders.parquet")
        .filter(pl.col("paid_at").is_not_null() & (pl.col("paid_at") < cutoff.to_pydatetime()))
        .select(
            "order_id",
            "customer_id",
            "paid_at",
            "paid_amount",
            pl.col("paid_at").dt.date().alias("day"),
            pl.when(channel.is_null() | (channel == ""))
            .then(pl.lit(UNKNOWN))
            .otherwise(channel)
            .alias("channel"),
            pl.coalesce("customer_id", pl.lit("guest:") + pl.col("order_id")).alias("buyer"),
        )
    )
    value = pl.col("quantity") * pl.col("unit_price")
    by_order = pl.col("order_id")
    share = (
        pl.when(value.sum().over(by_order) > 0)
        .then(value / value.sum().over(by_order))
        .when(pl.col("quantity").sum().over(by_order) > 0)
        .then(pl.col("quantity") / pl.col("quantity").sum().over(by_order))
        .otherwise(1.0 / pl.len().over(by_order))
    )
    lines = (
        pl.scan_parquet(data / "order_items.parquet")
        .select("order_id", "sku_id", pl.col("quantity").cast(pl.Float64), "unit_price")
        .join(paid.select("order_id", "day", "channel", "paid_amount"), on="order_id")
        .with_columns((pl.col("paid_amount") * share).alias("gmv"))
    )
    sales = [
        pl.col("paid_amount").sum().alias("gmv"),
        pl.len().alias("orders"),
        pl.col("buyer").n_unique().alias("buyers"),
    ]
    units = pl.col("quantity").sum().alias("units")
    plans = {
        "daily": paid.group_by("day")
        .agg(sales)
        .join(lines.group_by("day").agg(units), on="day", how="left")
        .sort("day"),
        "daily_channel": paid.group_by("day", "channel")
        .agg(sales)
        .join(lines.group_by("day", "channel").agg(units), on=["day", "channel"], how="left")
        .sort("day", "channel"),
        "daily_item": lines.group_by("day", "channel", "sku_id")
        .agg(pl.col("gmv").sum(), units, pl.col("order_id").n_unique().alias("orders"))
        .sort("day", "channel", "sku_id"),
        "customers": paid.filter(pl.col("customer_id").is_not_null())
        .group_by("customer_id")
        .agg(
            pl.col("paid_at").min().alias("first_paid_at"),
            pl.col("paid_at").max().alias("last_paid_at"),
            pl.len().alias("orders"),
            pl.col("paid_amount").sum().alias("gmv"),
        )
        .sort("customer_id"),
    }
    frames = pl.collect_all(list(plans.values()))
    return {name: frame.to_pandas() for name, frame in zip(plans, frames, strict=True)}


def measure(engine: str, data: Path, run_date: str) -> dict:
    """Seconds and row counts of the four results by ``engine`` ("duckdb" or "polars")."""
    cutoff = pd.Timestamp(run_date) + pd.Timedelta(days=1)
    build = {"duckdb": duckdb_results, "polars": polars_results}[engine]
    t0 = time.perf_counter()
    try:
        results = build(data, cutoff)
    except ImportError as exc:
        return {"error": f"{exc.name} not installed (pip install -e '.[bench]')"}
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": {name: len(df) for name, df in results.items()}}
