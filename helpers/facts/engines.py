"""Engines that run the portable fact expressions (:mod:`helpers.facts.portable`) and hand
back small pandas frames: DuckDB in the run's own process, or an Apache Spark session.

:func:`fact_engine` picks the engine of ``settings.facts.engine`` (None for ``pandas``, the
reference scan of :func:`helpers.facts.scan.pandas_scan`). An engine reads ``orders`` and
``order_items`` from a location when it has one (a Parquet file or folder, or a table name
of the Spark catalog) and otherwise from the in-memory tables it is given; everything else a
fact needs is small and stays in pandas (:func:`helpers.facts.build.assemble`).
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa

from helpers.facts import portable
from helpers.facts.days import PART_KEYS, DayStore
from helpers.facts.engine_days import EngineDays, duckdb_kind
from helpers.facts.scan import SCANNED, OrderScan
from helpers.settings import Settings

#: Column dtypes of each result, as the pandas scan gives them, and its sort keys.
RESULTS: dict[str, tuple[dict[str, str], list[str]]] = {
    "sales": (
        {"date": "ns", "gmv": "float64", "orders": "int64", "buyers": "int64"}
        | {"guest_buyers": "int64", "units": "float64"},
        ["date"],
    ),
    "channel": (
        {"date": "ns", "channel": "str", "gmv": "float64", "orders": "int64"}
        | {"buyers": "int64", "units": "float64"},
        ["date", "channel"],
    ),
    "item": (
        {"date": "ns", "channel": "str", "sku_id": "str", "gmv": "float64"}
        | {"units": "round", "orders": "int64"},
        ["date", "channel", "sku_id"],
    ),
    "buyer_item": (
        {"date": "ns", "customer_id": "str", "sku_id": "str", "value": "float64"},
        ["date", "customer_id", "sku_id"],
    ),
    "buyer_categories": (
        {"date": "ns", "customer_id": "str", "category": "str", "value": "float64"},
        ["date", "customer_id", "category"],
    ),
    "shipping": (
        {"date": "ns", "sku_id": "object", "orders": "int64", "shipping_fee": "float64"},
        ["date", "sku_id"],
    ),
    "customers": (
        {"customer_id": "str", "first_paid_at": "ns", "last_paid_at": "ns"}
        | {"orders": "int64", "gmv": "float64"},
        ["customer_id"],
    ),
    "ship": ({"date": "ns", "ship_due": "int64", "ship_on_time": "int64"}, ["date"]),
    "open_orders": ({"order_id": "str", "channel": "str", "paid_at": "ns"}, []),
    "paid_days": ({"order_id": "str", "date": "ns"}, []),
}


def ordered(expr: Any, name: str) -> Any:
    """``expr`` sorted by the keys of result ``name`` (the engine sorts, binary order of the
    text, which is the code-point order pandas sorts by; NULLs last, as pandas puts NaN)."""
    keys = RESULTS[name][1] if name in RESULTS else []
    return expr.order_by(keys) if keys else expr


#: Arrow type each result column is cast to before the one conversion to pandas.
ARROW_TYPES = {
    "ns": pa.timestamp("ns"),
    "round": pa.float64(),
    "str": pa.string(),
    "object": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
}


def typed(table: pa.Table, name: str) -> pd.DataFrame:
    """Result ``name`` of an engine (an Arrow table, in the engine's sort order) with the
    pandas scan's dtypes.

    ``ns``: datetime64[ns]; ``round``: rounded to whole numbers, int64 (sums of quantities);
    ``str``: pandas' text dtype (Arrow-backed: the engine's text buffers are kept, not turned
    into Python strings); ``object``: Python strings. The columns are cast in Arrow and
    converted to pandas once; the rows keep the order the engine sorted them in
    (:func:`ordered`)."""
    dtypes = RESULTS[name][0]
    fields = [pa.field(col, ARROW_TYPES[kind]) for col, kind in dtypes.items()]
    cast = pa.table(
        [_arrow_column(table[f.name], f.type) for f in fields], schema=pa.schema(fields)
    )
    out = cast.to_pandas()
    for col, kind in dtypes.items():
        if kind == "round":
            out[col] = out[col].round().astype("int64")
        elif kind == "object":
            out[col] = out[col].astype("object")
    return out


def fetch(con: Any, expr: Any, name: str) -> pd.DataFrame:
    """Result ``name`` computed by the backend ``con``, as pandas (:func:`typed` for the
    results of :data:`RESULTS`); each result is converted as it arrives, so that only one
    is held twice (as Arrow and as pandas) at a time."""
    table = con.to_pyarrow(ordered(expr, name))
    return typed(table, name) if name in RESULTS else table.to_pandas()


def _arrow_column(values: pa.ChunkedArray, to: pa.DataType) -> pa.ChunkedArray:
    """``values`` cast to ``to`` (time zones dropped: the engines give UTC wall times)."""
    if pa.types.is_timestamp(values.type) and values.type.tz is not None:
        values = values.cast(pa.timestamp(values.type.unit))
    return values.cast(to)


class FactEngine:
    """An ibis backend that scans orders and order lines with :mod:`helpers.facts.portable`.

    Parameters
    ----------
    name : ``duckdb`` or ``spark`` (for messages).
    connect : returns a fresh ibis backend connection (called once per scan).
    keeper : given the connection, returns ``keep(name, table)`` that materializes a shared
        intermediate table once (see :func:`helpers.facts.portable.fact_expressions`).
    locations : contract table name -> a Parquet path, or a table name of the backend's
        catalog; tables without one are taken from the frames given to :meth:`scan`.
    digest_kind : the kind of the engine's per-day digests
        (:mod:`helpers.facts.engine_days`); None for an engine that does not use a day
        store (its scans are full builds).
    """

    def __init__(
        self,
        name: str,
        connect: Callable[[], Any],
        locations: Mapping[str, str] | None = None,
        keeper: Callable[[Any], Callable[[str, Any], Any]] | None = None,
        digest_kind: str | None = None,
    ) -> None:
        self.name = name
        self.connect = connect
        self.locations = dict(locations or {})
        self.keeper = keeper
        self.digest_kind = digest_kind

    def frame(self, tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
        """The in-memory table ``name``, asked for only when the engine has no location for
        it (a table read on demand from the intake cache stays unread)."""
        return None if self.locations.get(name) else tables.get(name)

    def source(self, con: Any, name: str, frame: pd.DataFrame | None) -> Any:
        """The ibis table of contract table ``name``: from its location, else from ``frame``."""
        where = self.locations.get(name)
        if where:
            is_path = "/" in where or where.endswith(".parquet")
            return con.read_parquet(where) if is_path else con.table(where)
        if frame is None:
            raise KeyError(f"the {self.name} engine has no {name!r} table")
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
        if self.name == "duckdb":  # a view of the Arrow data, no copy
            con.con.register(f"playbook_src_{name}", arrow)
            return con.table(f"playbook_src_{name}")
        return ibis.memtable(arrow)

    def scan(
        self,
        tables: Mapping[str, pd.DataFrame],
        day: pd.Timestamp,
        sla: float,
        days: DayStore | None = None,
    ) -> OrderScan:
        """:class:`OrderScan` for the run date ``day`` (shipping SLA ``sla`` hours); with a
        day store ``days`` (and an engine with a ``digest_kind``) the per-day parts of the
        payment days unchanged since the store was saved come from it."""
        with warnings.catch_warnings():  # ibis 12 on pandas 3: deprecation notices only
            warnings.filterwarnings("ignore", module=r"ibis\.")
            con = self.connect()
            src = {name: self.source(con, name, self.frame(tables, name)) for name in SCANNED}
            keep = self.keeper(con) if self.keeper else None
            store = None
            if days is not None and self.digest_kind:
                store = EngineDays(days, con, src["order_items"], self.digest_kind)
            exprs = portable.fact_expressions(
                src["orders"], src["order_items"], day, sla, keep, store.choose if store else None
            )
            cases = tables.get("after_sales")
            exprs["paid_days"] = portable.paid_days(exprs.pop("paid"), self.case_orders(con, cases))
            skus = exprs.pop("skus")
            if store is None:  # reduced to categories here: the largest result otherwise
                products = self.source(con, "categories", categories(tables.get("products")))
                exprs["buyer_categories"] = portable.buyer_categories(skus, products)
                del exprs["buyer_item"]
            got = {name: fetch(con, expr, name) for name, expr in exprs.items()}
            if self.name == "duckdb":  # its temporary tables freed before the assembly
                con.disconnect()
        firsts = [v for v in got["span"].iloc[0].tolist() if not pd.isna(v)]
        parts = {k: got[k] for k in PART_KEYS if k in got}
        return OrderScan(
            parts=store.finish(parts) if store else parts,
            customers=got["customers"],
            ship=got["ship"],
            waiting=got["open_orders"],
            first_day=pd.Timestamp(min(firsts)).normalize() if firsts else None,
            channels=got["channels"]["channel"].astype("str"),
            paid_days=got["paid_days"],
            buyer_categories=got.get("buyer_categories"),
        )

    def case_orders(self, con: Any, cases: pd.DataFrame | None) -> Any:
        """The distinct order ids named by the after-sales cases, as a backend table."""
        ids = list(cases["order_id"].dropna().unique()) if cases is not None else []
        frame = pd.DataFrame({"order_id": pd.Series([str(i) for i in ids], dtype="str")})
        return self.source(con, "case_orders", frame)


def categories(products: pd.DataFrame | None) -> pd.DataFrame:
    """``sku_id, category`` of ``products``, one row per item (its first), as
    :func:`helpers.facts.buyer_categories.buyer_categories` reads them; no rows without a
    products table or without its ``category`` column."""
    if products is None or "category" not in products.columns:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in ("sku_id", "category")})
    first = products.drop_duplicates("sku_id")
    return pd.DataFrame({c: first[c].astype("str") for c in ("sku_id", "category")})


def duckdb_temp_tables(con: Any) -> Callable[[str, Any], Any]:
    """``keep(name, table)`` for DuckDB: ``CREATE TEMP TABLE playbook_<name> AS <query>``."""

    def keep(name: str, table: Any) -> Any:
        con.raw_sql(f"CREATE OR REPLACE TEMP TABLE playbook_{name} AS {con.compile(table)}")
        return con.table(f"playbook_{name}")

    return keep


def duckdb_engine(
    locations: Mapping[str, str] | None = None, *, memory_limit: str = ""
) -> FactEngine:
    """The DuckDB engine: an in-memory database inside this process (no server); the cut
    orders, paid orders and allocated lines are computed once into temporary tables; with a
    day store, only the lines of new or changed payment days are allocated.

    ``memory_limit`` (``"1GB"``; ``""`` = DuckDB's default, 80% of the machine): above it
    DuckDB spills to files in the system's temporary folder, which it removes."""

    def connect() -> Any:
        if not memory_limit:
            return ibis.duckdb.connect()
        spill = str(Path(tempfile.gettempdir()) / "playbook-duckdb")
        return ibis.duckdb.connect(memory_limit=memory_limit, temp_directory=spill)

    return FactEngine("duckdb", connect, locations, duckdb_temp_tables, duckdb_kind())


def spark_engine(locations: Mapping[str, str] | None = None, session: Any = None) -> FactEngine:
    """The Spark engine on ``session`` (default: ``SparkSession.builder.getOrCreate()``,
    configured as usual by ``spark-submit``, ``spark-defaults.conf`` or ``SPARK_*``)."""

    def connect() -> Any:
        if session is not None:
            return ibis.pyspark.connect(session)
        from pyspark.sql import SparkSession

        return ibis.pyspark.connect(SparkSession.builder.getOrCreate())

    return FactEngine("spark", connect, locations)


def fact_engine(
    settings: Settings, locations: Mapping[str, str] | None = None
) -> FactEngine | None:
    """The engine of ``settings.facts.engine``: None for ``pandas``; for ``spark`` the
    locations of ``settings.facts.spark_tables`` (``locations`` are local Parquet files,
    used by ``duckdb``)."""
    engine = settings.facts.engine
    if engine == "duckdb":
        return duckdb_engine(locations, memory_limit=settings.facts.duckdb_memory_limit)
    if engine == "spark":
        return spark_engine(settings.facts.spark_tables)
    return None
