"""The day store (:mod:`helpers.facts.days`) on an engine: the per-day digests computed by
the engine over the same tables it scans, and the per-day parts of the new or changed days
only.

What a day holds is the pandas store's definition (:func:`helpers.facts.days.day_digests`):
for every paid order of the day (after the cut at the run date), its fact fields
``customer_id, paid_at, paid_amount, channel, shipping_fee`` and its lines' ``sku_id,
quantity, unit_price``. The engine hashes each line (its own ``hash`` of the three fields),
sums the hashes per order, hashes each order's fields together with that sum (so a line
moved to another order changes the order's hash) and sums the orders' hashes per payment
day, exactly (as two 32-bit halves, combined here modulo 2^64); the number of orders is kept
beside it. Order ids only match lines to orders.

The digests are the engine's own: DuckDB's ``hash`` is not pandas' (SipHash over pandas'
own encoding of each dtype), and computing one engine's hash on the other would cost a
row-by-row function over every line, the very cost the store saves. So a store records the
kind of its digests (``duckdb-<version>``, as the hash may change between DuckDB versions),
and the parts it holds (identical frames whichever engine computed them) are reused only by
the same kind; :func:`helpers.context.prepare` keeps one store per engine.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from helpers.facts.days import DayPlan, DayStore, finish_days, plan_days

HALF = 2**32
ORDER_FIELDS = ["customer_id", "paid_at", "paid_amount", "channel", "shipping_fee"]
LINE_FIELDS = ["sku_id", "quantity", "unit_price"]


def digest_expression(paid: ir.Table, items: ir.Table) -> ir.Table:
    """``date, orders, low, high`` per payment day of the paid orders ``paid`` (the cut
    orders of :func:`helpers.facts.portable.paid_orders`) and their lines ``items``:
    ``low`` and ``high`` are the sums of the low and high 32-bit halves of the orders'
    64-bit hashes (``hash = high x 2^32 + low``, ``0 <= low < 2^32``), exact in int64 for
    fewer than 2^31 orders a day."""
    fields = [f for f in LINE_FIELDS if f in items.columns]
    line = items.select(
        order_id=items["order_id"],
        h=ibis.struct({f: items[f] for f in fields}).hash(),
    )
    per_order = line.group_by("order_id").aggregate(lines=line["h"].sum())
    o = paid.left_join(per_order, "order_id")
    order_hash = ibis.struct(
        {f: o[f] for f in ORDER_FIELDS} | {"lines": o["lines"].fill_null(0)}
    ).hash()
    hashed = o.select(date=o["date"], h=order_hash)
    low = hashed["h"] % HALF
    low = ibis.ifelse(low < 0, low + HALF, low)
    hashed = hashed.select("date", low=low, high=(hashed["h"] - low) // HALF)
    return hashed.group_by("date").aggregate(
        orders=hashed.count(), low=hashed["low"].sum(), high=hashed["high"].sum()
    )


def combined(frame: pd.DataFrame) -> pd.DataFrame:
    """``digest`` (uint64) and ``orders`` per ``date`` (index, datetime64[ns]) from the
    engine's ``date, orders, low, high``: ``digest = (high x 2^32 + low) mod 2^64``."""
    digest = [
        (int(high) * HALF + int(low)) % 2**64
        for low, high in zip(frame["low"], frame["high"], strict=True)
    ]
    dates = pd.DatetimeIndex(pd.to_datetime(frame["date"]), name="date")
    out = pd.DataFrame(
        {
            "digest": np.array(digest, dtype="uint64"),
            "orders": frame["orders"].astype("int64").to_numpy(),
        },
        index=dates.astype("datetime64[ns]"),
    )
    return out.sort_index()


def duckdb_kind() -> str:
    """The digest kind of DuckDB's ``hash`` in this DuckDB version."""
    import duckdb

    return f"duckdb-{duckdb.__version__}"


class EngineDays:
    """The day store as an engine uses it during one scan.

    :meth:`choose` is given the engine's paid orders (a materialized table) and returns the
    paid orders whose per-day parts must be computed; :meth:`finish` merges the parts the
    engine computed with the stored ones.
    """

    def __init__(self, store: DayStore, con: Any, items: ir.Table, kind: str) -> None:
        self.store, self.con, self.items, self.kind = store, con, items, kind
        self.plan: DayPlan | None = None

    def choose(self, paid: ir.Table) -> ir.Table:
        """The paid orders of the new or changed payment days (all of them when no day is
        reusable)."""
        digests = combined(self.con.to_pandas(digest_expression(paid, self.items)))
        self.plan = plan_days(digests, self.store, self.kind)
        if self.plan.everything:
            return paid
        days = [d.to_pydatetime() for d in self.plan.todo]
        return paid.filter(paid["date"].isin(days) if days else ibis.literal(False))

    def finish(self, fresh: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """The parts of every payment day: ``fresh`` (the chosen days) plus the stored ones."""
        if self.plan is None:
            raise RuntimeError("EngineDays.finish before choose")
        return finish_days(self.plan, fresh, self.store)
