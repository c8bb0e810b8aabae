"""What each contract table gives: files, rows read / accepted / quarantined, date ranges, the
most frequent quarantine reasons and the files no table uses."""

from __future__ import annotations

import re

import pandas as pd

from helpers.contract import TABLES
from helpers.intake import Dataset

#: Main date column(s) of each contract table, shown as the table's date range.
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "orders": ("paid_at", "created_at"),
    "traffic": ("date",),
    "ad_spend": ("date",),
    "inventory": ("date",),
    "after_sales": ("requested_at",),
    "market": ("month",),
    "competitors": ("month",),
}

TABLES_COLUMNS = (
    "table",
    "mandatory",
    "status",
    "files",
    "mappings",
    "rows_read",
    "rows_accepted",
    "rows_quarantined",
)
DATES_COLUMNS = ("table", "column", "first", "last")
REASONS_COLUMNS = ("table", "reason", "rows", "file", "row")
IGNORED_COLUMNS = ("file", "note")

#: How many quarantine reasons are shown per table.
TOP_REASONS = 3
_REASON_CHARS = 60

_PAREN_END = re.compile(r"\s*\([^()]*\)\s*$")
_QUOTED = re.compile(r"""=?\s*(?:'[^']*'|"[^"]*")""")


def reason_key(reason: str) -> str:
    """The reason of one quarantine clause without its values, for counting.

    ``"unparseable number in paid_amount: '五十九'"`` -> ``"unparseable number in
    paid_amount"``; ``"duplicate key order_id='1' (first seen in f.csv row 2)"`` ->
    ``"duplicate key order_id"``; ``"order_id 'x' not found in accepted orders"`` ->
    ``"order_id not found in accepted orders"``. Longer texts are cut at 60 characters.
    """
    text = _QUOTED.sub("", str(reason).strip())
    text = text.split(":", 1)[0] if ":" in text else _PAREN_END.sub("", text)
    text = " ".join(text.replace(" ,", ",").split()).strip(" ,;")
    if len(text) > _REASON_CHARS:
        text = text[: _REASON_CHARS - 1].rstrip() + "…"
    return text or "?"


def top_reasons(quarantine: pd.DataFrame, *, top: int = TOP_REASONS) -> pd.DataFrame:
    """The ``top`` most frequent quarantine reasons per table with an example row.

    A row with several problems (reasons joined with ``"; "``) counts once under each
    distinct reason. Order: tables in contract order, then rows (descending), then the
    example row. Returns ``table, reason, rows, file, row``.
    """
    if quarantine is None or quarantine.empty:
        return pd.DataFrame(columns=list(REASONS_COLUMNS))
    text = quarantine["reason"].astype(str)
    keys = {  # computed once per distinct reason text
        r: list(dict.fromkeys(reason_key(c) for c in r.split("; ") if c.strip()))
        for r in text.unique()
    }
    long = (
        quarantine.loc[:, ["table", "file", "row"]]
        .assign(reason=text.map(keys))
        .explode("reason")
        .dropna(subset=["reason"])
    )
    long["row"] = long["row"].astype("int64")
    rank = {t: i for i, t in enumerate(TABLES)}
    long["rank"] = long["table"].map(rank).fillna(len(rank))
    long = long.sort_values(["rank", "file", "row"], kind="stable")
    agg = (
        long.groupby(["rank", "table", "reason"], as_index=False, sort=False)
        .agg(rows=("row", "size"), file=("file", "first"), row=("row", "first"))
        .sort_values(["rank", "rows", "file", "row"], ascending=[True, False, True, True])
    )
    agg = agg.groupby("table", sort=False).head(top)
    return agg.loc[:, list(REASONS_COLUMNS)].reset_index(drop=True)


def tables_frame(ds: Dataset) -> pd.DataFrame:
    """One row per contract table: status, files, mappings and row counts (see
    :attr:`helpers.check.CheckReport.tables`)."""
    src = ds.sources.loc[ds.sources["mapping"] != "ignored"]
    rows = []
    for name, table in TABLES.items():
        mine = src.loc[src["table"] == name]
        accepted = int(mine["rows_accepted"].sum())
        if name not in ds.tables or mine.empty:
            status = "missing"
        else:
            status = "found" if accepted > 0 else "empty"
        rows.append(
            {
                "table": name,
                "mandatory": table.mandatory,
                "status": status,
                "files": tuple(mine["file"]),
                "mappings": tuple(mine["mapping"]),
                "rows_read": int(mine["rows_read"].sum()),
                "rows_accepted": accepted,
                "rows_quarantined": int(mine["rows_quarantined"].sum()),
            }
        )
    return pd.DataFrame(rows, columns=list(TABLES_COLUMNS))


def dates_frame(ds: Dataset) -> pd.DataFrame:
    """First and last value of the main date column(s) of the present tables."""
    rows = []
    for name, cols in DATE_COLUMNS.items():
        if name not in ds.tables:
            continue
        frame = ds.tables[name]
        for col in cols:
            s = pd.to_datetime(frame[col], errors="coerce") if col in frame else pd.Series()
            s = s.dropna()
            rows.append(
                {
                    "table": name,
                    "column": col,
                    "first": s.min() if len(s) else pd.NaT,
                    "last": s.max() if len(s) else pd.NaT,
                }
            )
    out = pd.DataFrame(rows, columns=list(DATES_COLUMNS))
    for c in ("first", "last"):
        out[c] = pd.to_datetime(out[c])
    return out


def ignored_frame(ds: Dataset) -> pd.DataFrame:
    """Files in the folder that no table or mapping uses."""
    ign = ds.sources.loc[ds.sources["mapping"] == "ignored", ["file", "note"]]
    return ign.reset_index(drop=True)
