"""Cell text and canonical dtypes: trimming cells (``="..."`` wrappers, null words), parsing
text to datetimes (naive local time), numbers (currency signs, thousands separators) and
yes/no values, and casting validated values to the contract dtypes."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from helpers.contract import Column, Table

_MAX_VALUE_CHARS = 80

_WRAPPER = r'(?s)^="(.*)"$'  # a plain pattern string keeps pandas on its fast path


def _isin(s: pd.Series, values: Iterable[Any]) -> pd.Series:
    """Fast ``s.isin(values)`` for large string columns (hash lookup)."""
    index = pd.Index(pd.unique(pd.Series(list(values), dtype="object").dropna()))
    found = index.get_indexer(s.astype("object"))  # type: ignore[arg-type]  # a Series works
    return pd.Series(found >= 0, index=s.index)


def _clean_text(s: pd.Series, null_values: tuple[str, ...] = ()) -> pd.Series:
    """Trim whitespace/tabs and ``="..."`` wrappers; empty (or a null word) -> NaN."""
    s = s.astype("str").str.strip()
    if s.str.startswith('="').any():
        s = s.str.replace(_WRAPPER, r"\1", regex=True).str.strip()
    empty = s.eq("") | s.isna()
    if null_values:
        empty = empty | _isin(s, null_values)
    return s.mask(empty)


def _prepare_text_frame(
    df: pd.DataFrame, null_values: tuple[str, ...] = (), *, first_row: int = 2
) -> tuple[pd.DataFrame, pd.Series]:
    """Clean every column; add row numbers (``first_row`` for the first data line: 2 below a
    header on line 1); drop rows that are entirely empty.

    Returns the frame (index = 0..n-1 of kept rows) and the row numbers.
    """
    rows = pd.Series(np.arange(len(df), dtype="int64") + first_row, index=df.index)
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        s = df[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = _clean_text(s, null_values)
        else:
            out[col] = s
    if len(out.columns):
        keep = out.notna().any(axis=1)
        out, rows = out.loc[keep], rows.loc[keep]
    return out.reset_index(drop=True), rows.reset_index(drop=True)


_TZ_SUFFIX = re.compile(r"\d(?:Z|[+-]\d{2}:?\d{2})$")
_NUM_JUNK = r"[¥￥,，\s]|元$"


def _to_local_naive(s: pd.Series, timezone: str) -> pd.Series:
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert(timezone).dt.tz_localize(None)
    return s.astype("datetime64[ns]")


def _parse_datetime(s: pd.Series, *, fmt: str | None, timezone: str) -> tuple[pd.Series, pd.Series]:
    """Parse to naive local ``datetime64[ns]``; returns (values, unparseable mask)."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return _to_local_naive(s, timezone), pd.Series(False, index=s.index)
    present = s.notna()
    text = s.astype("str")
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if fmt:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        out = _to_local_naive(parsed, timezone)
    else:
        aware = text.str.contains(_TZ_SUFFIX, na=False) & present
        if aware.any():
            p = pd.to_datetime(text[aware], format="ISO8601", errors="coerce", utc=True)
            out.loc[aware] = _to_local_naive(p, timezone)
        naive = present & ~aware
        if naive.any():
            try:
                p = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
            except (ValueError, TypeError):
                p = pd.Series(pd.NaT, index=text[naive].index, dtype="datetime64[ns]")
            out.loc[naive] = _to_local_naive(p, timezone)
        rest = present & out.isna()
        if rest.any():
            t = (
                text[rest]
                .str.replace(r"[年月]", "-", regex=True)
                .str.replace("日", " ", regex=False)
                .str.strip()
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    p = pd.to_datetime(t, format="mixed", errors="coerce")
                    out.loc[rest] = _to_local_naive(p, timezone)
                except (ValueError, TypeError):
                    pass
    return out, present & out.isna()


def _parse_number(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse to float64 (accepts ¥, thousands separators); returns (values, bad mask)."""
    if pd.api.types.is_bool_dtype(s):
        s = s.astype("float64")
    if pd.api.types.is_numeric_dtype(s):
        v = s.astype("float64")
        return v.where(np.isfinite(v)), s.notna() & ~np.isfinite(v)
    present = s.notna()
    text = s.astype("str")
    v = pd.to_numeric(text, errors="coerce").astype("float64")
    retry = present & v.isna()
    if retry.any():  # currency signs, thousands separators: only where plain parsing failed
        cleaned = text[retry].str.replace(_NUM_JUNK, "", regex=True)
        v.loc[retry] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    v = v.where(np.isfinite(v))
    return v, present & v.isna()


_TRUE = {"true", "1", "yes", "y", "t", "是", "真"}
_FALSE = {"false", "0", "no", "n", "f", "否", "假"}


def _parse_bool(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_bool_dtype(s):
        return s.astype("boolean"), pd.Series(False, index=s.index)
    low = s.astype("str").str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out = out.mask(low.isin(_TRUE), True).mask(low.isin(_FALSE), False)
    return out, s.notna() & out.isna()


def _empty_typed(col: Column, n: int = 0) -> pd.Series:
    return pd.Series(np.nan, index=range(n), dtype="object").pipe(lambda s: _cast(s, col.dtype))


def _cast(s: pd.Series, dtype: str) -> pd.Series:
    """Cast already-valid values to the canonical dtype."""
    if dtype == "str":
        return s.astype("object").where(s.notna()).astype("str")
    if dtype in ("datetime", "date"):
        v = pd.to_datetime(s, errors="coerce") if not _is_dt(s) else s
        v = v.astype("datetime64[ns]")
        return v.dt.normalize() if dtype == "date" else v
    if dtype == "float":
        return pd.to_numeric(s, errors="coerce").astype("float64")
    if dtype == "int":
        return pd.to_numeric(s, errors="coerce").round().astype("Int64")
    if dtype == "bool":
        return s.astype("boolean")
    raise ValueError(dtype)  # pragma: no cover


def _is_dt(s: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(s)


def _show(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT or v is pd.NA:
        return ""
    text = str(v)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 1] + "…"
    return text


def _canonical_dtypes(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    out = pd.DataFrame(index=range(len(df)))
    for col in table.columns:
        s = df[col.name].reset_index(drop=True) if col.name in df.columns else None
        out[col.name] = _cast(s, col.dtype) if s is not None else _empty_typed(col, len(df))
    return out
