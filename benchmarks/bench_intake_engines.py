"""Which engine does each of intake's whole-column operations fastest (helpers/columnar.py).

Usage::

    python benchmarks/bench_intake_engines.py DATA_DIR [--repeat 3]

``DATA_DIR`` is a Parquet shop (``playbook sample --scale 8 --format parquet`` gives about one
million order lines). Each operation runs on the shop's own columns with the cell-by-cell
pandas code intake had before, with polars, with DuckDB and with pyarrow compute; the best of
``--repeat`` runs is printed in seconds, the operations interleaved so that a machine whose
speed drifts treats every engine alike. Nothing is asserted: docs/performance.md records the
figures and the choice made from them.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from helpers import columnar
from helpers.intake.values import INVISIBLE, INVISIBLE_ENGINE

MAYBE_NUMBER = r"[0-9]{11}|[0-9]{4}[- ]"


def _columns(data: Path) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    items = pd.read_parquet(data / "order_items.parquet", columns=["order_id", "line_no"])
    orders = pd.read_parquet(data / "orders.parquet", columns=["order_id"])
    lines = items["order_id"].astype("str")
    return lines, orders["order_id"].astype("str"), items.assign(order_id=lines)


def _duck(sql: str, **tables: pa.Table) -> dict:
    con = duckdb.connect()
    for name, table in tables.items():
        con.register(name, table)
    out = con.execute(sql).fetchnumpy()
    con.close()
    return out


def operations(data: Path) -> dict[str, dict[str, Callable[[], object]]]:
    """For each operation, one callable per engine doing the same work."""
    lines, orders, keys = _columns(data)
    a, b = columnar.arrow_text(lines), columnar.arrow_text(orders)
    pa_a, pa_b = pl.Series(pl.from_arrow(a)), pl.Series(pl.from_arrow(b))
    rows = pa.array(np.arange(len(lines), dtype=np.int64))
    ids = pa.table({"v": a, "i": rows})
    key_table = pa.table({"a": a, "b": pa.array(keys["line_no"].to_numpy()), "i": rows})
    old_index = pd.Index(pd.unique(pd.Series(list(orders), dtype="object")))
    return {
        "order-line ids in order ids (1M in 675k)": {
            "pandas (before)": lambda: old_index.get_indexer(lines.astype("object")),
            "polars is_in": lambda: pa_a.is_in(pa_b.unique().implode()),
            "duckdb semi-join": lambda: _duck(
                "SELECT i FROM l WHERE v IN (SELECT w FROM r)", l=ids, r=pa.table({"w": b})
            ),
            "pyarrow is_in": lambda: pc.is_in(a, value_set=pa.chunked_array(b).combine_chunks()),
        },
        "invisible characters (regex)": {
            "pandas (before)": lambda: INVISIBLE.search("\n".join(lines.tolist())),
            "polars": lambda: pa_a.str.contains(INVISIBLE_ENGINE),
            "duckdb": lambda: _duck(
                "SELECT regexp_matches(v, '[\\x00-\\x08]') FROM t", t=pa.table({"v": a})
            ),
            "pyarrow": lambda: pc.match_substring_regex(a, INVISIBLE_ENGINE),
        },
        "phone candidates (regex)": {
            "pandas (before)": lambda: lines.map(lambda v: bool(re.search(MAYBE_NUMBER, v))),
            "polars": lambda: pa_a.str.contains(MAYBE_NUMBER),
            "duckdb": lambda: _duck(
                f"SELECT regexp_matches(v, '{MAYBE_NUMBER}') FROM t", t=pa.table({"v": a})
            ),
            "pyarrow": lambda: pc.match_substring_regex(a, MAYBE_NUMBER),
        },
        "text longer than N": {
            "pandas (before)": lambda: lines.map(lambda v: len(v) > 2000),
            "polars": lambda: pa_a.str.len_chars() > 2000,
            "duckdb": lambda: _duck("SELECT length(v) > 2000 FROM t", t=pa.table({"v": a})),
            "pyarrow": lambda: pc.greater(pc.utf8_length(a), 2000),
        },
        "duplicate keys (order_id, line_no)": {
            "pandas (before)": lambda: keys.duplicated(),
            "polars": lambda: pl.from_pandas(keys).select(pl.struct(pl.all()).is_first_distinct()),
            "duckdb": lambda: _duck(
                "SELECT i FROM (SELECT i, row_number() OVER (PARTITION BY a, b ORDER BY i) r "
                "FROM k) WHERE r > 1",
                k=key_table,
            ),
        },
    }


def measure(data: Path, repeat: int) -> pd.DataFrame:
    """Best seconds of ``repeat`` interleaved runs per (operation, engine)."""
    ops = operations(data)
    best: dict[tuple[str, str], float] = {}
    for _ in range(repeat):
        for op, engines in ops.items():
            for engine, run in engines.items():
                t0 = time.perf_counter()
                run()
                took = time.perf_counter() - t0
                best[(op, engine)] = min(best.get((op, engine), took), took)
    return pd.Series(best).rename("seconds").rename_axis(["operation", "engine"]).reset_index()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    table = measure(args.data, args.repeat)
    for op, rows in table.groupby("operation", sort=False):
        print(op)
        for _, r in rows.iterrows():
            print(f"  {r['engine']:<20} {r['seconds']:8.3f} s")


if __name__ == "__main__":
    main()
