"""Reading a validated data set without holding all of it: :class:`CachedTables` (the
tables of a cache entry, each read from its Parquet file on first access) and
:func:`narrow_read` (some columns and rows of one table, filtered while the Parquet file is
read, or filtered in memory when the table is already held).

A narrow read gives the same frame as the full table filtered in pandas: the same columns
(in the order asked), the same canonical dtypes, the rows in file order, a fresh
``RangeIndex``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.contract import TABLES
from helpers.intake.parsing import _canonical_dtypes, _cast

#: The datetime column a ``days`` filter applies to when ``on`` is not given. ``order_items``
#: has no date of its own: its lines are those of the orders paid on the days.
DAY_COLUMNS: dict[str, str] = {
    "orders": "paid_at",
    "order_items": "paid_at",
    "after_sales": "requested_at",
    "traffic": "date",
    "ad_spend": "date",
    "inventory": "date",
    "experiments": "date",
    "market": "month",
    "market_price_bands": "month",
    "search_terms": "month",
    "competitors": "month",
    "customers": "first_seen",
    "products": "launch_date",
    "promotions": "start_date",
}

ONE_DAY = pd.Timedelta(days=1)


def table_file(folder: Path, name: str) -> Path:
    """The Parquet file of table ``name`` in a cache entry's ``tables`` folder."""
    return folder / f"{name}.parquet"


def read_cached_table(folder: Path, name: str) -> pd.DataFrame:
    """The whole table ``name`` of a cache entry with its canonical dtypes."""
    return _canonical_dtypes(pd.read_parquet(table_file(folder, name)), TABLES[name])


class CachedTables(Mapping[str, pd.DataFrame]):
    """The contract tables of an intake cache entry, read on first access and then kept.

    A plain read-only mapping (``in``, ``get``, iteration, ``len`` never read a file; a
    value is read once, when it is first asked for): code that never touches
    ``order_items`` never loads it. :attr:`held` names the tables read so far.

    Parameters
    ----------
    folder : the entry's ``tables`` folder (``<cache>/<fingerprint>/tables``).
    names : the tables present (each has ``<name>.parquet`` in ``folder``).
    """

    #: Values are never None and reading them costs: callers that only need the names
    #: (e.g. which tables are present) should not iterate over the values.
    lazy = True

    def __init__(self, folder: Path, names: Iterable[str]) -> None:
        self.folder = Path(folder)
        self._names = tuple(names)
        self._held: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._held:
            try:
                self._held[name] = read_cached_table(self.folder, name)
            except (OSError, ValueError, pa.ArrowException) as exc:
                raise OSError(
                    f"the cached {name!r} table cannot be read ({type(exc).__name__}: {exc}); "
                    "delete the cache folder to validate the data again"
                ) from exc
        return self._held[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __repr__(self) -> str:
        return f"CachedTables({list(self._names)}, held={list(self.held)})"

    @property
    def held(self) -> tuple[str, ...]:
        """The tables read so far (and kept in memory)."""
        return tuple(n for n in self._names if n in self._held)

    def held_frame(self, name: str) -> pd.DataFrame | None:
        """Table ``name`` if it was read already, else None (never reads)."""
        return self._held.get(name)


@dataclass(frozen=True)
class RowFilter:
    """Which rows a narrow read keeps: ``on`` in ``[start, end)`` (midnights; no day filter
    when ``on`` is None) and, per (column, values) pair, a value among those allowed."""

    on: str | None = None
    start: pd.Timestamp = pd.Timestamp(0)
    end: pd.Timestamp = pd.Timestamp(0)
    isin: tuple[tuple[str, pd.Index], ...] = ()


def row_filter(
    name: str,
    days: tuple[Any, Any] | None,
    on: str | None,
    isin: Sequence[tuple[str, Collection[Any]]] = (),
) -> RowFilter:
    """The :class:`RowFilter` of a narrow read of table ``name`` (arguments checked);
    ``isin`` as (column, allowed values) pairs, all of which must hold."""
    table = TABLES[name]
    checked_columns(name, [c for c, _ in isin])
    values = tuple((c, value_index(v)) for c, v in isin)
    if days is None:
        return RowFilter(isin=values)
    column = on or DAY_COLUMNS.get(name)
    kinds = {c.name: c.dtype for c in table.columns}
    if name == "order_items" and column == "paid_at":
        kinds["paid_at"] = "datetime"  # the paid_at of the line's order
    if column is None or kinds.get(column) not in ("datetime", "date"):
        raise ValueError(f"days need a datetime column of {name!r}; {column!r} is not one")
    first, last = (pd.Timestamp(d).normalize() for d in days)
    return RowFilter(on=column, start=first, end=last + ONE_DAY, isin=values)


def value_index(values: Collection[Any]) -> pd.Index:
    """The distinct values of ``values`` as an index (missing values dropped)."""
    if isinstance(values, (pd.Series, pd.Index, np.ndarray)):
        index = pd.Index(pd.unique(pd.Series(values).dropna()))
    else:
        index = pd.Index(pd.unique(pd.Series(list(values), dtype="object").dropna()))
    return index


def checked_columns(name: str, columns: Sequence[str] | None) -> list[str]:
    """The columns of a narrow read: all of the table's (contract order) when None."""
    names = [c.name for c in TABLES[name].columns]
    if columns is None:
        return names
    wrong = [c for c in columns if c not in names]
    if wrong:
        raise KeyError(f"{name!r} has no column {wrong[0]!r}; columns: {', '.join(names)}")
    return list(dict.fromkeys(columns))


def filter_frame(frame: pd.DataFrame, columns: list[str], rows: RowFilter) -> pd.DataFrame:
    """The rows of an in-memory table kept by ``rows``, with ``columns`` (a copy)."""
    keep = np.ones(len(frame), dtype=bool)
    if rows.on is not None:
        stamps = frame[rows.on]
        keep &= ((stamps >= rows.start) & (stamps < rows.end)).fillna(False).to_numpy(bool)
    for col, values in rows.isin:
        keep &= values.get_indexer(pd.Index(frame[col])) >= 0
    return frame.loc[keep, columns].reset_index(drop=True)


def parquet_filter(rows: RowFilter, schema: pa.Schema) -> pc.Expression | None:
    """``rows`` as a pyarrow filter expression over a Parquet file with ``schema``."""
    parts = []
    if rows.on is not None:
        kind = schema.field(rows.on).type
        start, end = (
            pa.scalar(t.as_unit("ns").to_datetime64(), type=pa.timestamp("ns")).cast(kind)
            for t in (rows.start, rows.end)
        )
        parts += [pc.field(rows.on) >= start, pc.field(rows.on) < end]
    for col, values in rows.isin:
        kind = schema.field(col).type
        parts.append(pc.field(col).isin(pa.array(values.to_numpy(), type=kind, from_pandas=True)))
    if not parts:
        return None
    expr = parts[0]
    for p in parts[1:]:
        expr = expr & p
    return expr


def read_parquet_rows(path: Path, name: str, columns: list[str], rows: RowFilter) -> pd.DataFrame:
    """``columns`` of the rows kept by ``rows``, read from the Parquet file of table
    ``name``; only the columns asked for (and the filter's) are read, row groups outside
    the days are skipped, the filter is applied while reading."""
    import pyarrow.parquet as pq

    where = parquet_filter(rows, pq.read_schema(path))
    frame = pd.read_parquet(path, columns=columns, filters=where)  # as the full read converts
    kinds = {c.name: c.dtype for c in TABLES[name].columns}
    out = pd.DataFrame(index=range(len(frame)))
    for col in columns:
        out[col] = _cast(frame[col].reset_index(drop=True), kinds[col])
    return out


def narrow_read(
    tables: Mapping[str, pd.DataFrame],
    name: str,
    columns: Sequence[str] | None = None,
    *,
    days: tuple[Any, Any] | None = None,
    on: str | None = None,
    isin: Mapping[str, Collection[Any]] | None = None,
) -> pd.DataFrame:
    """Some columns and rows of table ``name`` (see :meth:`helpers.intake.Dataset.read`):
    filtered in memory when the table is held, else read so from its cached Parquet file."""
    if name not in tables:
        raise KeyError(name)
    cols = checked_columns(name, columns)
    pairs: list[tuple[str, Collection[Any]]] = list((isin or {}).items())
    if name == "order_items" and days is not None and (on or "paid_at") == "paid_at":
        paid = narrow_read(tables, "orders", ["order_id"], days=days, on="paid_at")
        pairs.append(("order_id", paid["order_id"]))  # the lines of the orders paid then
        days = None
    rows = row_filter(name, days, on, pairs)
    held = tables.held_frame(name) if isinstance(tables, CachedTables) else tables[name]
    if held is not None:
        return filter_frame(held, cols, rows)
    assert isinstance(tables, CachedTables)
    return read_parquet_rows(table_file(tables.folder, name), name, cols, rows)
