"""Small frame helpers shared by the fact builders (parsing, blanks, sums by key)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

#: channel of orders (and traffic or ad rows) without one
UNKNOWN_CHANNEL = "未知"
ONE_DAY = pd.Timedelta(days=1)


def as_day(value: Any) -> pd.Timestamp:
    """Return ``value`` (str, date, Timestamp) as a midnight :class:`pandas.Timestamp`."""
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


def timestamps(s: pd.Series) -> pd.Series:
    """``s`` parsed as ``datetime64[ns]`` (unparseable values NaT)."""
    return pd.to_datetime(s, errors="coerce").astype("datetime64[ns]")


def numbers(s: pd.Series) -> np.ndarray:
    """Numeric values as float64 with missing values as NaN."""
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def blank(s: pd.Series) -> pd.Series:
    """True where a text value is missing or only whitespace."""
    return s.isna() | (s.astype("string").str.strip() == "").fillna(True).astype(bool)


def table_map(tables: Any) -> Mapping[str, pd.DataFrame]:
    """Accept a mapping of tables or an intake ``Dataset`` (which has ``.tables``)."""
    if not isinstance(tables, Mapping) and hasattr(tables, "tables"):
        return tables.tables
    return tables


def present_tables(tables: Mapping[str, pd.DataFrame | None]) -> frozenset[str]:
    """The names of the tables given; a None value counts as absent. A mapping that reads
    its tables on first access (``lazy = True``, as the intake cache's
    :class:`helpers.intake.narrow.CachedTables`: never None) is not read."""
    if getattr(tables, "lazy", False):
        return frozenset(tables)
    return frozenset(k for k, v in tables.items() if v is not None)


def isin_fast(s: pd.Series, values: pd.Series) -> np.ndarray:
    """``s.isin(values)`` through a hash index (fast for millions of string ids)."""
    index = pd.Index(values.dropna().unique())
    return index.get_indexer(s) >= 0


def channel_or_unknown(df: pd.DataFrame) -> pd.Series:
    """The channel column with missing/blank values replaced by ``"未知"``."""
    if "channel" not in df.columns:
        return pd.Series(UNKNOWN_CHANNEL, index=df.index, dtype="str")
    ch = df["channel"].astype("str")
    return ch.where(~blank(df["channel"]), UNKNOWN_CHANNEL)


def empty_frame(columns: list[str], dates: tuple[str, ...] = ("date",)) -> pd.DataFrame:
    """An empty frame with float64 ``columns`` (``dates`` as datetime64[ns])."""
    df = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    for c in dates:
        if c in df.columns:
            df[c] = df[c].astype("datetime64[ns]")
    return df


def measure_by(
    df: pd.DataFrame | None,
    columns: Mapping[str, str],
    keys: list[str],
) -> tuple[pd.DataFrame | None, list[str]]:
    """Sum the source ``columns`` (renamed) by ``keys``; columns absent or all-NaN are
    reported so the caller can keep them NaN instead of zero."""
    if df is None:
        return None, list(columns.values())
    data: dict[str, pd.Series | np.ndarray] = {k: df[k] for k in keys}
    missing = []
    for src, dst in columns.items():
        if src in df.columns and df[src].notna().any():
            data[dst] = numbers(df[src])
        else:
            missing.append(dst)
    present = [c for c in columns.values() if c not in missing]
    if not present:
        return None, missing
    return pd.DataFrame(data).groupby(keys, sort=False)[present].sum(), missing


def fill_measures(
    base: pd.DataFrame,
    sums: pd.DataFrame | None,
    names: list[str],
    missing: list[str],
    keys: list[str],
) -> pd.DataFrame:
    """Join ``sums`` on ``keys``: 0 where a key has no row, NaN for ``missing`` columns."""
    if sums is not None and len(sums.columns):
        base = base.join(sums, on=keys)
    for name in names:
        if name in missing:
            base[name] = np.nan
        elif name not in base.columns:
            base[name] = 0.0
        else:
            base[name] = base[name].fillna(0.0).astype("float64")
    return base


def add_measures(
    base: pd.DataFrame, source: pd.DataFrame | None, columns: Mapping[str, str], keys: list[str]
) -> pd.DataFrame:
    """Sum ``columns`` of ``source`` by ``keys`` onto ``base`` (see :func:`measure_by`,
    :func:`fill_measures`)."""
    sums, missing = measure_by(source, columns, keys)
    return fill_measures(base, sums, list(columns.values()), missing, keys)


def zero_fill(df: pd.DataFrame, floats: tuple[str, ...], ints: tuple[str, ...]) -> None:
    """Fill missing values with 0 in place: ``floats`` as float64, ``ints`` as int64."""
    for col in floats:
        df[col] = df[col].fillna(0.0).astype("float64")
    for col in ints:
        df[col] = df[col].fillna(0).astype("int64")
