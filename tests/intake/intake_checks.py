"""Shared checks of the intake tests: load without the user cache, and the balance
rows read = rows accepted + rows quarantined, per source file."""

from __future__ import annotations

from pathlib import Path

from helpers.intake import Dataset, load_dataset
from helpers.settings import Settings

S = Settings()


def load(d: Path, **kw) -> Dataset:
    kw.setdefault("cache_dir", False)
    return load_dataset(d, kw.pop("settings", S), **kw)


def check_balance(ds: Dataset) -> None:
    """Per source: read = accepted + quarantined, and the quarantine holds exactly the
    quarantined count; where a table comes from one file, the table has the accepted rows."""
    s = ds.sources
    assert (s["rows_read"] == s["rows_accepted"] + s["rows_quarantined"]).all()
    for rec in s.itertuples():
        if rec.mapping == "ignored":
            continue
        q = ds.quarantine
        n = ((q["table"] == rec.table) & (q["file"] == rec.file)).sum()
        assert n == rec.rows_quarantined, (rec.table, rec.file)
        if rec.table and (s["table"] == rec.table).sum() == 1:
            assert len(ds[rec.table]) == rec.rows_accepted, rec.table
