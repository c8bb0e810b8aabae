"""Whole-column text work on an embedded columnar engine (polars).

Intake handles text columns of up to tens of millions of cells: checking ids against a set,
finding the few cells that need cleaning, masking or cutting. Done cell by cell in Python
(``Series.map`` with a lambda, ``astype(object)``), each of these makes one Python string per
cell and dominates the time of a cold intake. Here each is one vectorized polars expression
over the column's Arrow buffer (pandas' ``str`` columns are Arrow-backed, so the hand-over
copies no Python objects); only the cells an expression selects are then handled in Python,
with the same code as before, so the values produced do not change.

Every function accepts any pandas Series. A column that is not text, or an object column
holding something else than strings and missing values, gives ``None`` from
:func:`text_frame`; the callers then take their cell-by-cell path.

polars was chosen over DuckDB for this layer by a measurement recorded in
``docs/performance.md`` (a per-column expression costs no SQL round trip).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

#: pandas' default text dtype: Arrow-backed, NaN for missing (``astype("str")``).
TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)


def is_text_dtype(values: pd.Series) -> bool:
    """True when ``values`` has pandas' default text dtype (:data:`TEXT_DTYPE`)."""
    return values.dtype == TEXT_DTYPE


def text_frame(values: pd.Series) -> pl.Series | None:
    """``values`` as a polars string Series (nulls where missing), or None when the column is
    not text (numbers, dates, an object column mixing strings and other values)."""
    if isinstance(values.dtype, pd.StringDtype):
        arr: Any = pa.chunked_array(values.array.__arrow_array__())
    elif pd.api.types.is_object_dtype(values.dtype):
        try:
            arr = pa.array(values.to_numpy(), from_pandas=True)
        except (pa.ArrowException, UnicodeError, ValueError, TypeError):
            return None
        if pa.types.is_null(arr.type):
            return pl.Series(values=[None] * len(arr), dtype=pl.String)
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            return None
    else:
        return None
    out = pl.from_arrow(arr)
    assert isinstance(out, pl.Series)
    return out.cast(pl.String)


def _mask(result: pl.Series) -> np.ndarray:
    return result.fill_null(False).to_numpy().astype(bool, copy=False)


def contains(values: pd.Series, pattern: str) -> np.ndarray | None:
    """Cells matching the regular expression ``pattern`` (Rust ``regex`` syntax: no
    look-around); missing cells are False. None when the column is not text."""
    text = text_frame(values)
    return None if text is None else _mask(text.str.contains(pattern))


def longer_than(values: pd.Series, chars: int) -> np.ndarray | None:
    """Cells of more than ``chars`` characters; None when the column is not text."""
    text = text_frame(values)
    return None if text is None else _mask(text.str.len_chars() > chars)


def not_ascii(values: pd.Series) -> np.ndarray | None:
    """Cells holding a character outside ASCII (their UTF-8 bytes outnumber their
    characters); None when the column is not text."""
    text = text_frame(values)
    if text is None:
        return None
    return _mask(text.str.len_bytes() != text.str.len_chars().cast(pl.UInt32))


def equals(values: pd.Series, word: str) -> np.ndarray | None:
    """Cells equal to ``word``; None when the column is not text."""
    text = text_frame(values)
    return None if text is None else _mask(text == word)


def isin(values: pd.Series, allowed: Iterable[Any]) -> np.ndarray | None:
    """Cells whose text is one of ``allowed`` (missing cells: False); None when the column
    or the allowed values are not text."""
    text = text_frame(values)
    if text is None:
        return None
    pool = allowed if isinstance(allowed, pd.Series) else pd.Series(list(allowed), dtype="object")
    wanted = text_frame(pool)
    if wanted is None:
        return None
    return _mask(text.is_in(wanted.drop_nulls().unique().implode()))


def char_class(pattern: str) -> str:
    """A Python ``re`` character class written with ``\\xNN`` / ``\\uNNNN`` escapes, as the
    Rust ``regex`` syntax polars reads (``\\x{NNNN}``)."""
    import re

    return re.sub(
        r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4}))", lambda m: f"\\x{{{m[1] or m[2]}}}", pattern
    )


def repeated(frame: pd.DataFrame, columns: list[str]) -> np.ndarray | None:
    """Rows whose values in ``columns`` appeared in an earlier row (pandas'
    ``duplicated(keep="first")``; missing values equal each other), as one polars pass; None
    when a column cannot be handed to the engine."""
    try:
        keys = pl.from_pandas(frame[columns].reset_index(drop=True))
    except (pl.exceptions.PolarsError, pa.ArrowException, TypeError, ValueError):
        return None
    first = keys.select(pl.struct(pl.all()).is_first_distinct()).to_series()
    return ~_mask(first)
