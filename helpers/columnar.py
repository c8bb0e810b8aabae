"""Whole-column text work on embedded columnar engines (polars; DuckDB for large joins).

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

The engine of each operation was chosen by a measurement recorded in
``docs/performance.md``: polars for the per-column expressions (regular expressions,
lengths, equality, small sets), DuckDB for membership in a large set (order-line ids against
the accepted order ids), where it was the faster of the two. Duplicate keys stay with pandas,
which measured faster than both on the key columns of order lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

#: pandas' default text dtype: Arrow-backed, NaN for missing (``astype("str")``).
TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)


def is_text_dtype(values: pd.Series) -> bool:
    """True when ``values`` has pandas' default text dtype (:data:`TEXT_DTYPE`)."""
    return values.dtype == TEXT_DTYPE


def arrow_text(values: pd.Series) -> pa.ChunkedArray | pa.Array | None:
    """``values`` as an Arrow string array (nulls where missing; the column's own buffer for
    pandas' text dtype), or None when the column is not text (numbers, dates, an object
    column mixing strings and other values)."""
    if isinstance(values.dtype, pd.StringDtype):
        return pa.chunked_array(values.array.__arrow_array__())
    if not pd.api.types.is_object_dtype(values.dtype):
        return None
    try:
        arr = pa.array(values.to_numpy(), from_pandas=True)
    except (pa.ArrowException, UnicodeError, ValueError, TypeError):
        return None
    if pa.types.is_null(arr.type):
        return pa.nulls(len(arr), pa.string())
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    return arr


def text_frame(values: pd.Series) -> pl.Series | None:
    """``values`` as a polars string Series (nulls where missing), or None when the column is
    not text (see :func:`arrow_text`)."""
    arr = arrow_text(values)
    if arr is None:
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


#: From this many allowed values on, membership is a DuckDB semi-join instead of polars'
#: ``is_in`` (measured: 1M order-line ids against 675k order ids, docs/performance.md).
JOIN_FROM = 10_000


def isin(values: pd.Series, allowed: Iterable[Any]) -> np.ndarray | None:
    """Cells whose text is one of ``allowed`` (missing cells: False); None when the column
    or the allowed values are not text. A large ``allowed`` (ids of a parent table) is
    matched by a join (:func:`semi_join`)."""
    text = arrow_text(values)
    pool = allowed if isinstance(allowed, pd.Series) else pd.Series(list(allowed), dtype="object")
    wanted = arrow_text(pool)
    if text is None or wanted is None:
        return None
    if len(wanted) >= JOIN_FROM:
        return semi_join(text, wanted)
    left, right = pl.Series(pl.from_arrow(text)), pl.Series(pl.from_arrow(wanted))
    return _mask(left.is_in(right.drop_nulls().unique().implode()))


def semi_join(text: pa.ChunkedArray | pa.Array, wanted: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Cells of ``text`` found in ``wanted`` (exact, byte-wise text equality; missing cells
    never match), as a DuckDB semi-join over the two Arrow arrays; which rows matched is read
    from their row numbers, so the engine's output order does not matter."""
    left = pa.table({"v": text, "i": pa.array(np.arange(len(text), dtype=np.int64))})
    right = pa.table({"w": wanted})
    con = duckdb.connect()
    try:
        con.register("lhs", left)
        con.register("rhs", right)
        rows = con.execute("SELECT i FROM lhs WHERE v IN (SELECT w FROM rhs)").fetchnumpy()["i"]
    finally:
        con.close()
    found = np.zeros(len(text), dtype=bool)
    found[np.asarray(rows, dtype=np.int64)] = True
    return found


#: Key columns whose equal values always hash equal in polars as they compare equal in
#: pandas (floats are left out: ``-0.0 == 0.0`` in pandas, not bit for bit).
_HASHABLE = ("str", "int", "datetime")


def _hash_kind(values: pd.Series) -> str | None:
    if is_text_dtype(values):
        return "str"
    if pd.api.types.is_integer_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        return "int"
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "M":
        return "datetime"
    return None


def surely_distinct(frame: pd.DataFrame, columns: list[str]) -> bool:
    """True only when no two rows of ``frame`` have the same values in ``columns``: one
    polars hash per column, combined, then sorted; distinct hashes prove distinct keys
    (equal keys always hash equal). False when some hashes collide, a key column is of
    another type (float, object ...) or is missing: the caller then finds the duplicates
    itself (``DataFrame.duplicated``), so a False never changes a result, only its cost.

    Two missing cells hash equal, so missing keys also give False.
    """
    if not columns or any(c not in frame.columns for c in columns):
        return False
    if any(_hash_kind(frame[c]) not in _HASHABLE for c in columns):
        return False
    combined = np.zeros(len(frame), dtype=np.uint64)
    for c in columns:
        arr = arrow_text(frame[c]) if is_text_dtype(frame[c]) else pa.Array.from_pandas(frame[c])
        hashed = pl.Series(pl.from_arrow(arr)).hash(seed=0).to_numpy()
        combined = combined * np.uint64(0x9E3779B97F4A7C15) ^ hashed
    combined.sort()
    return not bool((combined[1:] == combined[:-1]).any())


#: A plain decimal number: an optional sign, ASCII digits, at most one decimal point; no
#: blanks, thousands separators, exponent or words (``inf``, ``nan``).
_PLAIN_NUMBER = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$"
#: Longest cell read by :func:`plain_numbers`: at most 15 digits, which a double holds
#: exactly, so that every correctly rounded reading gives the same value.
_PLAIN_MAX_CHARS = 15
#: Zero with a minus sign, however written (``-0``, ``-0.00``, ``-.0``).
_NEGATIVE_ZERO = r"^-[0.]+$"


def plain_numbers(values: pd.Series) -> np.ndarray | None:
    """A text column whose every cell is a plain decimal number of at most 15 characters
    (``12``, ``-3.50``, ``.5``), read as float64 by Arrow's cast (NaN where missing); None
    when any cell is anything else (or the column is not text), for the caller's general
    reader. Within these cells Arrow's reading and pandas' ``to_numeric`` agree bit for
    bit (tests/intake/test_engine_paths.py)."""
    arr = arrow_text(values)
    if arr is None or len(arr) == 0 or arr.null_count == len(arr):
        return None
    other = pc.any(pc.invert(pc.match_substring_regex(arr, _PLAIN_NUMBER))).as_py()
    if other or pc.max(pc.utf8_length(arr)).as_py() > _PLAIN_MAX_CHARS:
        return None
    if pc.any(pc.match_substring_regex(arr, _NEGATIVE_ZERO)).as_py():
        return None  # pandas reads "-0" as 0.0 in a column of integers, -0.0 among decimals

    return pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)


#: ISO layouts read by :func:`iso_datetimes`: (the whole cell, its strptime format). Years
#: 1000-2999 (pandas refuses year 0, which the engine would take); hours 00-23, minutes and
#: seconds 00-59 (the engine would take a leap second ``:60``, which pandas refuses).
_DAY = r"[12][0-9]{3}-[0-9]{2}-[0-9]{2}"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
_ISO_LAYOUTS = (
    (rf"^{_DAY}$", "%Y-%m-%d"),
    (rf"^{_DAY} {_TIME}$", "%Y-%m-%d %H:%M:%S"),
    (rf"^{_DAY}T{_TIME}$", "%Y-%m-%dT%H:%M:%S"),
)


def iso_datetimes(values: pd.Series) -> np.ndarray | None:
    """A text column whose every cell has one ISO layout (``2026-11-01``,
    ``2026-11-01 10:00:00`` or ``2026-11-01T10:00:00``, no zone) and is a real date and
    time, read by polars as ``datetime64[us]`` (NaT where missing); None when the cells
    mix layouts, have another one, or one of them is not a real date (``2026-02-30``),
    for the caller's general reader. Within these cells polars' reading and pandas'
    ``to_datetime(format="ISO8601")`` agree (tests/intake/test_engine_paths.py)."""
    text = text_frame(values)
    if text is None or len(text) == 0 or text.null_count() == len(text):
        return None
    for pattern, fmt in _ISO_LAYOUTS:
        if not text.str.contains(pattern).fill_null(True).all():
            continue
        parsed = text.str.strptime(pl.Datetime("us"), fmt, strict=False)
        if parsed.null_count() != text.null_count():
            return None
        return parsed.to_numpy()
    return None


def char_class(pattern: str) -> str:
    """A Python ``re`` character class written with ``\\xNN`` / ``\\uNNNN`` escapes, as the
    Rust ``regex`` syntax polars reads (``\\x{NNNN}``)."""
    import re

    return re.sub(
        r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4}))", lambda m: f"\\x{{{m[1] or m[2]}}}", pattern
    )
