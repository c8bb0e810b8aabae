"""What intake returns: :class:`Dataset` (the contract tables, the quarantine, the sources) and
:class:`IntakeError`, plus the columns and canonical dtypes of the quarantine and sources
frames."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from helpers.contract import TABLES
from helpers.intake.narrow import narrow_read

#: Columns of the quarantine and sources frames.
QUARANTINE_COLUMNS: tuple[str, ...] = (
    "table",
    "file",
    "row",
    "column",
    "value",
    "reason",
    "reason_zh",
)
SOURCES_COLUMNS: tuple[str, ...] = (
    "table",
    "file",
    "mapping",
    "rows_read",
    "rows_accepted",
    "rows_quarantined",
    "dropped_columns",
    "note",
)


class IntakeError(ValueError):
    """A file (or the folder) cannot be used; the message names the file, what is wrong and
    what to change."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """The contract tables of one data folder, plus what could not be accepted.

    Attributes
    ----------
    tables : mapping of contract table name -> DataFrame with canonical dtypes (str columns
        as pandas ``str`` with NaN for missing, datetimes ``datetime64[ns]`` naive local
        time, dates the same at midnight, floats ``float64``, ints nullable ``Int64``, bools
        ``boolean``). Only tables that were present are included. Read from the cache, it
        is a :class:`helpers.intake.narrow.CachedTables`: each table is read from its
        Parquet file when first asked for and then kept, so ``name in tables``,
        :meth:`has` and :attr:`available` cost nothing; a fresh intake gives a dict. For
        a few columns or days of a big table use :meth:`read`.
    quarantine : DataFrame with ``table, file, row, column, value, reason, reason_zh``: one
        record per rejected input row and table (several problems of a row are joined with
        ``"; "``). ``row`` is the spreadsheet row number (header = 1). Values from personal
        columns are masked. ``reason_zh`` is the reason in Chinese as a mapping's ``reject``
        rule declares it (``reason: {en: ..., zh: ...}``; a single text fills both), empty
        for intake's own reasons (a report translates those from their pattern).
    sources : DataFrame with ``table, file, mapping, rows_read, rows_accepted,
        rows_quarantined, dropped_columns, note``; ``mapping`` is ``contract`` for files named
        after a table, the mapping name for platform exports, ``ignored`` for files intake
        did not recognise. ``rows_read == rows_accepted + rows_quarantined`` on every row.
    fingerprint : sha256 of the inputs (data files, mapping text, salt, timezone, intake
        version); the cache key.
    from_cache : True when the tables were read from the intake cache.
    settings_hints : settings suggested by the mapping(s) that read the data - any of
        ``currency``, ``timezone``, ``shop_name`` (e.g. ``{"currency": "GBP", "timezone":
        "Europe/London"}`` for the UCI Online Retail mapping). Empty when only contract
        files were read. When several mappings were used, the first one (in mapping order)
        that sets a key wins. Intended for a data folder without ``playbook.yaml``: the
        caller applies them to :class:`~helpers.settings.Settings` (values given in
        ``playbook.yaml`` take precedence). Intake itself does not use them.
    notes : what a reader of any report on these data should know about where they came
        from, one dict per note with ``file``, ``en`` and ``zh`` texts: order lines that
        are pseudo-items, refunds derived from an order report, data read from a
        sub-folder. Empty for contract files.
    """

    tables: Mapping[str, pd.DataFrame]
    quarantine: pd.DataFrame
    sources: pd.DataFrame
    fingerprint: str
    from_cache: bool = False
    settings_hints: dict[str, str] = field(default_factory=dict)
    notes: tuple[dict[str, str], ...] = ()

    def has(self, name: str) -> bool:
        """Whether contract table ``name`` is present."""
        return name in self.tables

    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(
                f"table {name!r} is not in this data set; available: "
                f"{', '.join(self.available) or 'none'}"
            ) from None

    def read(
        self,
        name: str,
        columns: Sequence[str] | None = None,
        *,
        days: tuple[Any, Any] | None = None,
        on: str | None = None,
        isin: Mapping[str, Collection[Any]] | None = None,
    ) -> pd.DataFrame:
        """Some columns and rows of table ``name``, without loading the whole table.

        Read from the cache, only the columns asked for are read from the table's Parquet
        file and the rows are filtered while it is read (row groups outside the days are
        skipped); a table already in memory is filtered there. Either way the frame equals
        ``dataset[name]`` filtered the same way in pandas: columns in the order asked,
        the canonical dtypes, rows in table order, a fresh ``RangeIndex``. Nothing is kept.

        Parameters
        ----------
        name : a contract table present in the data set.
        columns : the columns wanted (contract names); None for all.
        days : ``(first, last)``, inclusive calendar days (anything ``pd.Timestamp``
            takes; times of day are dropped): the rows whose ``on`` timestamp lies in
            ``[first 00:00, last + 1 day 00:00)``; rows without one are left out.
        on : the datetime/date column ``days`` applies to; by default
            :data:`helpers.intake.narrow.DAY_COLUMNS` (``orders``: ``paid_at``,
            ``after_sales``: ``requested_at``, daily tables: ``date``, monthly: ``month``).
            ``order_items`` has no date: by default its ``days`` are those of its order's
            ``paid_at`` (the lines of the orders paid on those days).
        isin : column -> allowed values (e.g. ``{"order_id": ids}``); missing values never
            match. With ``days`` both must hold.

        Examples
        --------
        The payment times of the last 28 days, and their order lines' SKUs and quantities::

            paid = dataset.read("orders", ["order_id", "paid_at", "paid_amount"],
                                days=(day - pd.Timedelta(days=27), day))
            lines = dataset.read("order_items", ["order_id", "sku_id", "quantity"],
                                 days=(day - pd.Timedelta(days=27), day))

        Raises
        ------
        KeyError
            The table is not in the data set, or a column is not one of its columns.
        ValueError
            ``on`` (or the table's default) is not a datetime or date column.
        """
        if not self.has(name):
            self[name]  # raises the KeyError naming the tables available
        return narrow_read(self.tables, name, columns, days=days, on=on, isin=isin)

    @property
    def quarantined_rows(self) -> int:
        """Input rows quarantined, each file row counted once (an export row read by two
        tables - orders and order lines - and refused by both is one row)."""
        return quarantined_input_rows(self.quarantine)

    @property
    def available(self) -> list[str]:
        """Present tables, in contract order."""
        return [t for t in TABLES if t in self.tables]


def quarantined_input_rows(quarantine: pd.DataFrame | None) -> int:
    """Distinct (file, row) pairs of a quarantine frame: physical input rows set aside."""
    if quarantine is None or not len(quarantine):
        return 0
    return int(len(quarantine[["file", "row"]].drop_duplicates()))


def _empty_quarantine() -> pd.DataFrame:
    return _canon_quarantine(pd.DataFrame({c: [] for c in QUARANTINE_COLUMNS}))


def _canon_quarantine(q: pd.DataFrame) -> pd.DataFrame:
    """``q`` with the quarantine columns in order and canonical dtypes; a frame without
    ``reason_zh`` (intake's own reasons) gets it empty."""
    q = q.loc[:, [c for c in QUARANTINE_COLUMNS if c != "reason_zh" or c in q]].copy()
    q["reason_zh"] = q["reason_zh"].fillna("") if "reason_zh" in q else ""
    for c in ("table", "file", "column", "value", "reason", "reason_zh"):
        q[c] = q[c].astype("str")
    q["row"] = pd.to_numeric(q["row"]).astype("Int64")
    return q.reset_index(drop=True)


def _canon_sources(s: pd.DataFrame) -> pd.DataFrame:
    s = s.loc[:, list(SOURCES_COLUMNS)].copy()
    for c in ("table", "file", "mapping", "dropped_columns", "note"):
        s[c] = s[c].astype("object").where(s[c].notna()).astype("str")
    for c in ("rows_read", "rows_accepted", "rows_quarantined"):
        s[c] = pd.to_numeric(s[c]).astype("int64")
    return s.reset_index(drop=True)
