"""Incremental facts: the scan of order lines kept per payment day and redone only for the
days whose input rows changed.

Every fact that comes from order lines is a sum over payment days: a day's sales, its sales
by channel and by channel x SKU depend only on the orders paid that day and their lines (a
line's pro-rata GMV stays inside its order, and an order inside its payment day). The
customer table needs no lines and is built from the orders as in a full build. :func:`day_parts` computes these per-day parts;
:class:`DayStore` keeps them on disk with a **content digest** of each day's input rows, and
:func:`incremental_parts` recomputes only the days whose digest is new or different -- a
changed row of a closed day (a late correction, a re-export) is found by its content, never
by a file date. The facts assembled from the parts equal a full rebuild.

Digest of a day ``d``: for every order paid on ``d`` (after the cut at the run date), the
64-bit hash of its fact fields (``customer_id, paid_at, paid_amount, channel,
shipping_fee``) plus the
mixed wrapping sum of its lines' hashes (``sku_id, quantity, unit_price``), mixed again
(splitmix64) and summed (mod 2^64) over the day's orders; the number of orders is kept beside
it. The mixing makes a line moved to another order of the same day change the digest. Order
ids only match lines to orders: renaming an order (with its lines) changes no fact.
Fields the parts do not read (shipping time, status) are left out, so a shipment does
not force its payment day to be recomputed.

The comparison with the store (:func:`plan_days`) and the merge of fresh and stored parts
(:func:`finish_days`) do not depend on who computed the digests and parts: the DuckDB engine
uses them with its own digests (:mod:`helpers.facts.engine_days`). The parts are stored as
uncompressed Arrow IPC files (read back without decoding).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import feather

from helpers.facts.buyer_categories import buyer_items
from helpers.facts.channels import channel_sales
from helpers.facts.daily import sales_by_day
from helpers.facts.items import daily_item
from helpers.facts.orders import allocate_lines
from helpers.facts.shipping import shipping_fees

#: The per-day parts and their keys (the frames are stored with these as columns).
PART_KEYS = {
    "sales": ["date"],
    "channel": ["date", "channel"],
    "item": ["date", "channel", "sku_id"],
    "buyer_item": ["date", "customer_id", "sku_id"],
    "shipping": ["date", "sku_id"],
}
ORDER_FIELDS = ["customer_id", "paid_at", "paid_amount", "channel", "shipping_fee"]
LINE_FIELDS = ["sku_id", "quantity", "unit_price"]
STORE_FORMAT = 6
#: The kind of digest :func:`day_digests` computes (pandas' own 64-bit hashes).
PANDAS_DIGEST = "pandas"


def mix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finalizer on uint64 values (wrapping): a sum of mixed values changes
    when values move between groups, which a plain sum would not notice."""
    with np.errstate(over="ignore"):
        z = x.astype("uint64") + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def day_digests(paid: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """``digest`` (uint64) and ``orders`` per payment day (index ``date``) of the input
    rows the per-day parts read (see module docstring)."""
    # one factorisation matches lines to their orders by integer codes (no text hashing)
    codes, _ = pd.factorize(pd.concat([paid["order_id"], items["order_id"]], ignore_index=True))
    order_code, line_code = codes[: len(paid)], codes[len(paid) :]
    line_fields = [c for c in LINE_FIELDS if c in items.columns]
    line_hash = pd.util.hash_pandas_object(items[line_fields], index=False).to_numpy()
    per_order = pd.Series(line_hash).groupby(line_code, sort=False).sum()
    lines_of = per_order.reindex(order_code).fillna(0).astype("uint64").to_numpy()
    order_hash = pd.util.hash_pandas_object(paid[ORDER_FIELDS], index=False).to_numpy()
    with np.errstate(over="ignore"):
        mixed = mix64(order_hash + mix64(lines_of))
    frame = pd.DataFrame({"date": paid["date"].to_numpy(), "digest": mixed})
    return frame.groupby("date").agg(digest=("digest", "sum"), orders=("digest", "size"))


def day_parts(paid: pd.DataFrame, items: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The per-day parts (:data:`PART_KEYS`) of the paid orders ``paid`` and their lines."""
    lines = allocate_lines(items, paid)  # the one pass over order lines
    return {
        "sales": sales_by_day(paid, lines).reset_index(),
        "channel": channel_sales(paid, lines).reset_index(),
        "item": daily_item(lines),
        "buyer_item": buyer_items(lines, paid),
        "shipping": shipping_fees(lines, paid),
    }


def indexed(parts: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``sales`` and ``channel`` parts indexed by their keys (as the fact builders join them)."""
    return {
        **parts,
        "sales": parts["sales"].set_index("date"),
        "channel": parts["channel"].set_index(["date", "channel"]),
    }


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """``frame`` as an uncompressed Arrow IPC file: read back without decoding (a plain
    copy of its buffers), which keeps a next-day build from spending its time re-reading the
    stored days (Parquet's decoding was most of it)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    feather.write_feather(table, str(path), compression="uncompressed")


def read_frame(path: Path) -> pd.DataFrame:
    """The frame of :func:`write_frame` (the dtypes as written; read into memory, not
    mapped, so that the store can be replaced while the frame lives)."""
    return feather.read_table(str(path), memory_map=False).to_pandas()


class DayStore:
    """Per-day parts of one shop's data on disk (a folder), with each day's digest.

    The parts are the same frames whichever engine computed them (the engines' equivalence
    tests), but a digest is only comparable with digests of the same kind: the pandas scan
    hashes with pandas (:func:`day_digests`), DuckDB with its own ``hash``
    (:mod:`helpers.facts.engine_days`). The store records the kind of its digests; read
    with another kind it counts as empty (every day is computed once, then stored with the
    new kind).

    Attributes
    ----------
    path : Path
        The folder (created on first save).
    recomputed : tuple of Timestamp
        Days to compute found by the last :func:`plan_days` (for reports and tests).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.recomputed: tuple[pd.Timestamp, ...] = ()

    def load(
        self, kind: str = PANDAS_DIGEST
    ) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]] | None:
        """(digests, parts) as saved, or None when absent, unreadable or of another digest
        ``kind``."""
        try:
            meta = json.loads((self.path / "store.json").read_text("utf-8"))
            if meta.get("format") != STORE_FORMAT or meta.get("digest") != kind:
                return None
            digests = read_frame(self.path / "digests.arrow")
            digests["digest"] = digests["digest"].astype("uint64")
            digests = digests.set_index("date")
            parts = {name: read_frame(self.path / f"{name}.arrow") for name in PART_KEYS}
        except (OSError, ValueError, KeyError, pa.ArrowException):
            return None
        return digests, parts

    def save(
        self, digests: pd.DataFrame, parts: Mapping[str, pd.DataFrame], kind: str = PANDAS_DIGEST
    ) -> None:
        """Replace the stored parts (written aside, then swapped in; a failure keeps the old)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".days-", dir=self.path.parent))
        try:
            write_frame(digests.reset_index(), tmp / "digests.arrow")
            for name, frame in parts.items():
                write_frame(frame, tmp / f"{name}.arrow")
            meta = {"format": STORE_FORMAT, "digest": kind}
            (tmp / "store.json").write_text(json.dumps(meta), "utf-8")
            old = self.path.with_name(self.path.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if self.path.exists():
                self.path.rename(old)
            tmp.rename(self.path)
            shutil.rmtree(old, ignore_errors=True)
        except OSError:  # another run swapped first, or no space: the cache is optional
            shutil.rmtree(tmp, ignore_errors=True)


def _keep_rows(frame: pd.DataFrame, days: pd.Index) -> pd.DataFrame:
    return frame.loc[frame["date"].isin(days)]


def _merge(
    cached: Mapping[str, pd.DataFrame], fresh: Mapping[str, pd.DataFrame], keep: pd.Index
) -> dict[str, pd.DataFrame]:
    """Cached rows of the days in ``keep`` plus the fresh parts, in key order.

    A day's rows all come from one side and are already in key order, so a stable sort on
    the date alone (skipped when the new days follow the cached ones) restores the order."""
    out = {}
    for name in PART_KEYS:
        frame = pd.concat([_keep_rows(cached[name], keep), fresh[name]], ignore_index=True)
        frame["date"] = frame["date"].astype("datetime64[ns]")
        if not frame["date"].is_monotonic_increasing:
            frame = frame.sort_values("date", kind="stable").reset_index(drop=True)
        out[name] = frame
    return out


@dataclass(frozen=True)
class DayPlan:
    """What a store holds for an input and what must be computed.

    Attributes
    ----------
    digests : ``digest, orders`` per payment day of the input (index ``date``).
    todo : the days whose digest is new or changed (to be computed), in order.
    saved : the stored (digests, parts), or None for an empty store.
    kind : the kind of the digests.
    """

    digests: pd.DataFrame
    todo: pd.Index
    saved: tuple[pd.DataFrame, dict[str, pd.DataFrame]] | None
    kind: str

    @property
    def everything(self) -> bool:
        """Whether every day of the input is to be computed (nothing reusable)."""
        return len(self.todo) == len(self.digests)


def plan_days(digests: pd.DataFrame, store: DayStore, kind: str = PANDAS_DIGEST) -> DayPlan:
    """Compare the input's ``digests`` with the store's: the days to compute are those
    whose digest or order count is new or different (recorded in ``store.recomputed``)."""
    saved = store.load(kind)
    old = saved[0] if saved is not None else digests.iloc[:0]
    same = digests.join(old.add_suffix("_old"), how="left")
    unchanged = same.index[
        (same["digest"] == same["digest_old"]) & (same["orders"] == same["orders_old"])
    ]
    todo = digests.index.difference(unchanged)
    store.recomputed = tuple(todo)
    return DayPlan(digests, todo, saved, kind)


def finish_days(
    plan: DayPlan, fresh: Mapping[str, pd.DataFrame], store: DayStore
) -> dict[str, pd.DataFrame]:
    """The parts of the input's days: the ``fresh`` parts of ``plan.todo`` plus the stored
    parts of the other days; the store is updated when a day was computed (days it held
    that are not in this input, e.g. after a later run date, are kept for later runs)."""
    if plan.saved is None:
        old_digests = plan.digests.iloc[:0]
        cached = {name: frame.iloc[:0] for name, frame in fresh.items()}
    else:
        old_digests, cached = plan.saved
    kept = old_digests.index.difference(plan.todo)  # unchanged days and days outside this input
    merged = _merge(cached, fresh, kept)
    if len(plan.todo):
        new_digests = pd.concat([old_digests.loc[kept], plan.digests.loc[plan.todo]])
        store.save(new_digests.sort_index(), merged, plan.kind)
    return {
        name: _keep_rows(frame, plan.digests.index).reset_index(drop=True)
        for name, frame in merged.items()
    }


def incremental_parts(
    paid: pd.DataFrame, items: pd.DataFrame, store: DayStore
) -> dict[str, pd.DataFrame]:
    """The per-day parts of ``paid`` and ``items``, taken from ``store`` for every day whose
    digest is unchanged and recomputed for the others (:func:`plan_days`,
    :func:`finish_days`).

    Returns the parts of exactly the payment days present in ``paid``.
    """
    plan = plan_days(day_digests(paid, items), store)
    fresh_paid = paid.loc[paid["date"].isin(plan.todo)]
    fresh_items = items.loc[items["order_id"].isin(fresh_paid["order_id"])]
    return finish_days(plan, day_parts(fresh_paid, fresh_items), store)
