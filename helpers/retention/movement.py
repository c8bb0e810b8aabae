"""Movement between segments: who was in which segment at an earlier run date and where they
are now. Both sides are recomputed from the data as of their own date (no state is kept
between runs), so the table says whether last week's actions moved customers."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: ``from`` label of customers who had no kept purchase at the earlier date.
NEW = "新客"
#: ``to`` label of customers whose every purchase was refunded since the earlier date.
GONE = "已全额退款"


@dataclass(frozen=True)
class Movement:
    """Segment movement between two run dates.

    Attributes
    ----------
    since : pd.Timestamp
        The earlier run date.
    pairs : DataFrame
        ``from, to, customers``: one row per (earlier segment, current segment) with
        customers, including ``from = 新客`` (first purchase after ``since``).
    matrix : DataFrame
        The same as a transition table: rows = earlier segment, columns = current segment.
    moved : int
        Customers present at both dates whose segment changed.
    stayed : int
        Customers present at both dates in the same segment.
    new : int
        Customers whose first kept purchase came after ``since``.
    """

    since: pd.Timestamp
    pairs: pd.DataFrame
    matrix: pd.DataFrame
    moved: int
    stayed: int
    new: int


def movement(
    before: pd.DataFrame,
    now: pd.DataFrame,
    *,
    since: pd.Timestamp,
    by: str = "segment",
    order: tuple[str, ...] = (),
) -> Movement:
    """Transition counts from ``before`` (segments as of ``since``) to ``now``.

    Parameters
    ----------
    before, now : frames with ``customer_id`` and the segment column ``by`` (from
        :func:`helpers.retention.rfm.add_segments` on each date's own data).
    since : the earlier run date (for the caption).
    by : ``segment`` (eight-way) or ``simple_segment``.
    order : segment order for the matrix rows and columns.
    """
    joined = pd.merge(
        before[["customer_id", by]].rename(columns={by: "from"}),
        now[["customer_id", by]].rename(columns={by: "to"}),
        on="customer_id",
        how="outer",
    )
    joined["from"] = joined["from"].fillna(NEW)
    joined["to"] = joined["to"].fillna(GONE)
    pairs = joined.groupby(["from", "to"]).size().rename("customers").reset_index()
    rows = [*order, NEW] if order else sorted(pairs["from"].unique())
    cols = [*order, GONE] if order else sorted(pairs["to"].unique())
    matrix = (
        pairs.pivot(index="from", columns="to", values="customers")
        .reindex(index=rows, columns=cols)
        .fillna(0)
        .astype("int64")
    )
    if GONE in matrix.columns and not matrix[GONE].any():
        matrix = matrix.drop(columns=GONE)
    both = joined.loc[(joined["from"] != NEW) & (joined["to"] != GONE)]
    moved = int((both["from"] != both["to"]).sum())
    return Movement(
        since=since,
        pairs=pairs,
        matrix=matrix,
        moved=moved,
        stayed=len(both) - moved,
        new=int((joined["from"] == NEW).sum()),
    )
