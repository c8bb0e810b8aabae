"""Cell text and canonical dtypes: trimming cells (``="..."`` wrappers, null words), parsing
text to datetimes (naive local time), numbers (currency signs, thousands separators) and
yes/no values, and casting validated values to the contract dtypes."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers import columnar
from helpers.contract import Column, Table
from helpers.intake.values import read_numbers, rewrite_dates

_MAX_VALUE_CHARS = 80

_WRAPPER = r'(?s)^="(.*)"$'  # a plain pattern string keeps pandas on its fast path

#: A cell starting or ending with anything but a printable, non-blank ASCII character: the
#: only cells that stripping blanks can change (a superset of them, whichever characters
#: count as blanks).
_EDGE = r"^[^!-~]|[^!-~]$"


def _isin(s: pd.Series, values: Iterable[Any]) -> pd.Series:
    """Fast ``s.isin(values)`` for large string columns: one polars hash lookup over the
    column when both sides are text (:func:`helpers.columnar.isin`), else a pandas index."""
    found_text = columnar.isin(s, values)
    if found_text is not None:
        return pd.Series(found_text, index=s.index)
    index = pd.Index(pd.unique(pd.Series(list(values), dtype="object").dropna()))
    found = index.get_indexer(s.astype("object"))  # type: ignore[arg-type]  # a Series works
    return pd.Series(found >= 0, index=s.index)


def _clean_text(s: pd.Series, null_values: tuple[str, ...] = ()) -> pd.Series:
    """Trim whitespace/tabs and ``="..."`` wrappers; empty (or a null word) -> NaN."""
    s = s.astype("str")
    edges = columnar.contains(s, _EDGE)
    if edges is None or edges.any():  # else no cell starts or ends with a blank
        s = s.str.strip()
    if s.str.startswith('="').any():
        s = s.str.replace(_WRAPPER, r"\1", regex=True).str.strip()
    empty = s.eq("") | s.isna()
    if null_values:
        empty = empty | _isin(s, null_values)
    return s.mask(empty) if empty.any() else s


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
        if not keep.all():
            out, rows = out.loc[keep], rows.loc[keep]
    return out.reset_index(drop=True), rows.reset_index(drop=True)


_TZ_SUFFIX = re.compile(r"\d(?:Z|[+-]\d{2}:?\d{2})$")


def _to_local_naive(s: pd.Series, timezone: str) -> pd.Series:
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert(timezone).dt.tz_localize(None)
    return s.astype("datetime64[ns]")


#: Dates outside these bounds cannot be held (nanosecond timestamps) and are never plausible.
DATE_LIMITS = (pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31"))


@dataclass(frozen=True)
class DateColumn:
    """One column's cells read as datetimes.

    Attributes
    ----------
    values : naive local ``datetime64[ns]`` (NaT where missing or not read).
    unparseable : cells present but not read as a date at all.
    problems : a reason per cell read but refused ("" elsewhere): outside the plausible
        range, a 2-digit year, an ambiguous day/month.
    note : the day/month order chosen for the column ("" when none was needed).
    refused : the cells with a reason in ``problems`` (``problems != ""``), as booleans.
    """

    values: pd.Series
    unparseable: pd.Series
    problems: pd.Series
    note: str = ""
    refused: pd.Series | None = None


def _parse_iso(text: pd.Series, present: pd.Series, timezone: str) -> pd.Series:
    """ISO 8601 cells (a timezone suffix converted to local time); NaT elsewhere. Unaware of
    bounds (microsecond resolution)."""
    if not (text.notna() & ~present).any():
        fast = columnar.iso_datetimes(text)  # one ISO layout throughout: read by the engine
        if fast is not None:
            return pd.Series(fast, index=text.index, dtype="datetime64[us]")
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    aware = text.str.contains(_TZ_SUFFIX, na=False) & present
    if aware.any():
        p = pd.to_datetime(text[aware], format="ISO8601", errors="coerce", utc=True)
        out.loc[aware] = p.dt.tz_convert(timezone).dt.tz_localize(None).astype(out.dtype)
    naive = present & ~aware
    if naive.any():
        try:
            p = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
            out.loc[naive] = p.astype(out.dtype)
        except (ValueError, TypeError):
            pass
    return out


def _parse_other(text: pd.Series, timezone: str) -> pd.Series:
    """Cells in any other layout pandas recognises (年月日 included)."""
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    t = text.str.replace(r"[年月]", "-", regex=True).str.replace("日", " ", regex=False).str.strip()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            p = pd.to_datetime(t, format="mixed", errors="coerce")
            if isinstance(p.dtype, pd.DatetimeTZDtype):
                p = p.dt.tz_convert(timezone).dt.tz_localize(None)
            out.loc[:] = p.astype(out.dtype)
        except (ValueError, TypeError, OverflowError):
            pass
    return out


def _parse_text_dates(
    text: pd.Series, present: pd.Series, timezone: str, order: str, column: str
) -> tuple[pd.Series, pd.Series, str]:
    """ISO cells first (the fast path); the rest rewritten with one day/month order for the
    column (:func:`helpers.intake.values.rewrite_dates`), then read. Returns (values,
    problems, note)."""
    values = _parse_iso(text, present, timezone)
    problems = pd.Series("", index=text.index, dtype="object")
    rest = present & values.isna()
    if not rest.any():
        return values, problems, ""
    rewritten = rewrite_dates(text[rest], order=order, column=column)
    more = _parse_iso(rewritten.text, pd.Series(True, index=rewritten.text.index), timezone)
    other = more.isna() & rewritten.serial.isna()
    if other.any():
        more.loc[other] = _parse_other(rewritten.text[other], timezone)
    more = more.where(rewritten.serial.isna(), rewritten.serial.astype(more.dtype))
    values.loc[rest] = more.where(rewritten.problems == "")
    problems.loc[rest] = rewritten.problems
    return values, problems, rewritten.note


def _within(values: pd.Series, limits: tuple[pd.Timestamp, pd.Timestamp]) -> pd.Series:
    return values.isna() | ((values >= limits[0]) & (values < limits[1] + pd.Timedelta(days=1)))


def read_datetimes(
    s: pd.Series,
    *,
    fmt: str | None,
    timezone: str,
    order: str = "auto",
    limits: tuple[pd.Timestamp, pd.Timestamp] = DATE_LIMITS,
    column: str = "",
) -> DateColumn:
    """Read a column as naive local datetimes, one day/month order for the column
    (:func:`helpers.intake.values.rewrite_dates`), dates outside ``limits`` refused."""
    idx = s.index
    none = pd.Series("", index=idx, dtype="object")
    refused = np.zeros(len(s), dtype=bool)  # cells with a problem so far
    if pd.api.types.is_datetime64_any_dtype(s):
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_convert(timezone).dt.tz_localize(None)
        values, problems, note = s, none, ""
        unparseable = pd.Series(False, index=idx)
    else:
        present = s.notna()
        text = s.astype("str")
        if fmt:
            values = pd.to_datetime(text, format=fmt, errors="coerce")
            if isinstance(values.dtype, pd.DatetimeTZDtype):
                values = values.dt.tz_convert(timezone).dt.tz_localize(None)
            problems, note = none, ""
        else:
            values, problems, note = _parse_text_dates(text, present, timezone, order, column)
            refused = (problems != "").to_numpy()
        unparseable = present & values.isna() & ~refused
    outside = ~_within(values, limits).to_numpy() & ~refused
    if outside.any():
        lo, hi = (f"{d:%Y-%m-%d}" for d in limits)
        problems = problems.mask(
            outside,
            f"date outside the plausible range {lo} .. {hi} (a typo or a placeholder date "
            "such as 1900-01-01 or 9999-12-31): correct it or leave the cell empty",
        )
        refused = refused | outside
    if refused.any():
        values = values.mask(refused)
    values = values.astype("datetime64[ns]")
    return DateColumn(values, unparseable, problems, note, pd.Series(refused, index=idx))


def _parse_datetime(s: pd.Series, *, fmt: str | None, timezone: str) -> tuple[pd.Series, pd.Series]:
    """Parse to naive local ``datetime64[ns]``; returns (values, unreadable mask) - cells
    refused by :func:`read_datetimes` count as unreadable."""
    got = read_datetimes(s, fmt=fmt, timezone=timezone)
    assert got.refused is not None
    return got.values, got.unparseable | got.refused


def _parse_number(s: pd.Series, *, decimal: str = "auto") -> tuple[pd.Series, pd.Series]:
    """Parse to float64 (accepts ¥, thousands separators, a decimal comma where the column
    shows it); returns (values, bad mask)."""
    v, bad, _, _ = read_number_column(s, decimal=decimal)
    return v, bad


def read_number_column(
    s: pd.Series, *, decimal: str = "auto", column: str = ""
) -> tuple[pd.Series, pd.Series, pd.Series, str]:
    """Read a column as float64: (values, unreadable, ambiguous, note).

    Plain numbers take the fast path; when any cell is not a plain number the whole column
    is read under one decimal convention (:func:`helpers.intake.values.read_numbers`).
    Infinite values are unreadable; ``ambiguous`` cells read differently under the two
    conventions of a column that mixes them.
    """
    none = pd.Series(False, index=s.index)
    if pd.api.types.is_bool_dtype(s):
        s = s.astype("float64")
    if pd.api.types.is_numeric_dtype(s):
        v = s.astype("float64")
        return v.where(np.isfinite(v)), s.notna() & ~np.isfinite(v), none, ""
    present = s.notna()
    text = s.astype("str")
    fast = columnar.plain_numbers(text)  # plain decimals throughout: read by the engine
    if fast is not None:
        v = pd.Series(fast, index=s.index, dtype="float64")
    else:
        v = pd.to_numeric(text, errors="coerce").astype("float64")
    retry = present & v.isna()
    ambiguous, note = none, ""
    if decimal == "comma" or retry.any():
        got = read_numbers(text[present], decimal=decimal, column=column)
        v = got.values.reindex(s.index).astype("float64")
        ambiguous = got.ambiguous.reindex(s.index, fill_value=False).astype(bool)
        note = got.note
    v = v.where(np.isfinite(v))
    return v, present & v.isna() & ~ambiguous, ambiguous, note


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
        if columnar.is_text_dtype(s):  # already text with NaN for missing: nothing to do
            return s
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
