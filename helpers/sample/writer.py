"""Write the sample shop as contract tables (CSV or Parquet) plus its playbook.yaml."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers.contract import TABLES
from helpers.sample.build import build_tables
from helpers.sample.planting import Planter, SampleSpec
from helpers.sample.profile import BIG_TABLES, DEFAULT_SEED, END_DATE, INDUSTRY_CVR, SHOP_NAME

DTYPES = {c.name: c.dtype for t in TABLES.values() for c in t.columns}


def csv_bytes(df: pd.DataFrame) -> bytes:
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            kind = DTYPES.get(col)
            fmt = "%Y-%m-%d" if kind == "date" else "%Y-%m-%d %H:%M:%S"
            out[col] = out[col].dt.strftime(fmt)
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def settings_dict() -> dict[str, Any]:
    """The ``playbook.yaml`` written next to the sample data."""
    return {
        "shop_name": SHOP_NAME,
        "currency": "CNY",
        "timezone": "Asia/Shanghai",
        "language": "zh",
        "industry_cvr": INDUSTRY_CVR,
    }


def generate_sample(
    out_dir: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    end_date: Any = END_DATE,
    days: int = 730,
    scale: float = 1.0,
    fmt: str = "csv",
    planters: tuple[Planter, ...] | None = None,
) -> dict[str, int]:
    """Generate the sample shop and write it as contract tables.

    Parameters
    ----------
    out_dir : folder to write into (created if needed).
    seed : random seed; the same seed and options give byte-identical files.
    end_date : last day of data (E); nothing is dated after it.
    days : number of days of orders, ending on ``end_date``.
    scale : multiplies the order volume (1.0 is about 80 paid orders a day at the start,
        150 at the end; ``scale=30`` gives millions of order lines).
    fmt : ``"csv"`` (UTF-8, ``.csv.gz`` for the big tables, ``.csv`` for the small ones) or
        ``"parquet"`` (every table).
    planters : the theme planters to run after the base shop (default: every ``PLANTER``
        found in :mod:`helpers.sample`; ``()`` for the base shop alone).

    Returns
    -------
    dict table name -> rows written. ``playbook.yaml`` holds the shop settings.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    spec = SampleSpec(seed=seed, end=pd.Timestamp(end_date).normalize(), days=days, scale=scale)
    tables = build_tables(spec, planters)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    for name, df in tables.items():
        cols = [c for c in TABLES[name].column_names if c in df.columns]
        df = df[cols]
        for stale in (f"{name}.csv", f"{name}.csv.gz", f"{name}.parquet"):
            (out / stale).unlink(missing_ok=True)
        if fmt == "parquet":
            df.to_parquet(out / f"{name}.parquet", index=False)
        elif name in BIG_TABLES:
            data = gzip.compress(csv_bytes(df), compresslevel=9, mtime=0)
            (out / f"{name}.csv.gz").write_bytes(data)
        else:
            (out / f"{name}.csv").write_bytes(csv_bytes(df))
        rows[name] = len(df)
    text = yaml.safe_dump(settings_dict(), allow_unicode=True, sort_keys=False)
    (out / "playbook.yaml").write_text(text, encoding="utf-8")
    return rows
