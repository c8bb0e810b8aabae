"""RFM per customer as of a run date: recency, frequency, monetary, their scores and the
segments (the Chinese eight-way scheme and the simple high-value / potential / dormant view).

Definitions (docs/metrics.md, "Retention"), over the kept purchases of
:func:`helpers.retention.purchases.purchases`:

* ``recency_days`` R = run date - day of the last kept purchase, in days (0 = bought on the
  run date);
* ``frequency`` F = number of kept paid orders (distinct orders, a same-day second order
  counts);
* ``monetary`` M = sum of ``net_amount`` (paid amount net of refunds), shop currency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.facts import as_day

RFM_COLUMNS = [
    "customer_id",
    "first_date",
    "last_date",
    "recency_days",
    "frequency",
    "monetary",
    "aov",
]

#: (R high, F high, M high) -> eight-way segment (zh name is the id).
EIGHT_WAY: dict[tuple[bool, bool, bool], str] = {
    (True, True, True): "重要价值",
    (True, False, True): "重要发展",
    (False, True, True): "重要保持",
    (False, False, True): "重要挽留",
    (True, True, False): "一般价值",
    (True, False, False): "一般发展",
    (False, True, False): "一般保持",
    (False, False, False): "一般挽留",
}
SEGMENTS: tuple[str, ...] = tuple(EIGHT_WAY.values())
SIMPLE: tuple[str, ...] = ("高价值", "潜力", "沉睡")
#: English names of the segments (the Chinese names are the ids).
SEGMENT_EN: dict[str, str] = {
    "重要价值": "Champions (important value)",
    "重要发展": "Promising big spenders (important develop)",
    "重要保持": "Loyal, slipping (important keep)",
    "重要挽留": "Big spenders at risk (important win-back)",
    "一般价值": "Frequent low spenders (general value)",
    "一般发展": "New, low spend (general develop)",
    "一般保持": "Regulars, slipping (general keep)",
    "一般挽留": "Lapsed, low value (general win-back)",
    "高价值": "High-value",
    "潜力": "Potential",
    "沉睡": "Dormant",
    "新客": "New since",
    "已全额退款": "Refunded in full",
}


def segment_label(segment: str, lang: str) -> str:
    """Segment name in the report language (the Chinese names are the ids)."""
    return SEGMENT_EN.get(segment, segment) if lang == "en" else segment


def rfm_table(kept: pd.DataFrame, run_date: Any) -> pd.DataFrame:
    """R, F and M per customer from kept purchases (columns :data:`RFM_COLUMNS`).

    ``aov`` (average order value) = monetary / frequency. Customers are sorted by id.
    """
    day = as_day(run_date)
    g = kept.groupby("customer_id", sort=True)
    out = pd.DataFrame(
        {
            "first_date": g["date"].min(),
            "last_date": g["date"].max(),
            "frequency": g["order_id"].nunique().astype("int64"),
            "monetary": g["net_amount"].sum().astype("float64"),
        }
    )
    out["recency_days"] = (day - out["last_date"]).dt.days.astype("int64")
    out["aov"] = out["monetary"] / out["frequency"]
    return out.reset_index().loc[:, RFM_COLUMNS]


def quantile_scores(values: pd.Series, bins: int, *, higher_is_better: bool = True) -> pd.Series:
    """Scores 1..``bins`` by rank: ``score = 1 + floor(bins * (rank_min - 1) / N)``.

    ``rank_min`` is the 1-based rank of the value among the ``N`` customers (ascending when
    higher is better, descending otherwise), ties taking the lowest rank of their group: equal
    values always get the same score, and a value shared by many customers (most customers
    bought once) keeps them all in the lowest score it reaches. Scores can therefore skip
    numbers when ties are large.
    """
    if values.empty:
        return pd.Series(dtype="int64", index=values.index)
    key = values if higher_is_better else -values
    rank = key.rank(method="min").to_numpy()
    score = 1 + np.floor(bins * (rank - 1) / len(values)).astype("int64")
    return pd.Series(score, index=values.index, dtype="int64")


def cutoff_scores(
    values: pd.Series, cutoffs: Sequence[float], *, higher_is_better: bool = True
) -> pd.Series:
    """Scores 1..len(cutoffs)+1 by configured cut-offs (ascending).

    Higher is better (F, M): ``score = 1 + #(cutoffs <= value)``. Lower is better (R, days):
    ``score = 1 + #(cutoffs >= value)``, so with cut-offs (30, 90) a customer who bought 30 days
    ago scores 3, 31..90 days 2, older 1.
    """
    edges = np.asarray(sorted(cutoffs), dtype="float64")
    v = values.to_numpy(dtype="float64")[:, None]
    hits = (edges <= v) if higher_is_better else (edges >= v)
    return pd.Series(1 + hits.sum(axis=1), index=values.index, dtype="int64")


def add_scores(
    rfm: pd.DataFrame,
    *,
    bins: int = 5,
    cutoffs: Mapping[str, Sequence[float]] | None = None,
) -> pd.DataFrame:
    """Add ``r_score``, ``f_score``, ``m_score`` and the code ``rfm_score`` ("545").

    A dimension with configured ``cutoffs`` (keys ``recency_days``, ``frequency``,
    ``monetary``) is scored by them, the others by :func:`quantile_scores`.
    """
    out = rfm.copy()
    cutoffs = cutoffs or {}
    for col, score, better in (
        ("recency_days", "r_score", False),
        ("frequency", "f_score", True),
        ("monetary", "m_score", True),
    ):
        edges = cutoffs.get(col)
        out[score] = (
            cutoff_scores(out[col], edges, higher_is_better=better)
            if edges
            else quantile_scores(out[col], bins, higher_is_better=better)
        )
    out["rfm_score"] = (
        out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str)
    )
    return out


def add_segments(
    rfm: pd.DataFrame,
    *,
    high_low: str = "mean",
    recency_rule: str = "dormant",
    dormant_days: int = 90,
    high_value_quantile: float = 0.8,
) -> pd.DataFrame:
    """Add the eight-way ``segment`` and the simple ``simple_segment``.

    Eight-way: F is high when ``frequency > centre`` and M when ``monetary > centre``, the
    centre being the mean (``high_low="mean"``) or the median of all customers. R is high
    when the customer is not dormant, ``recency_days <= dormant_days``
    (``recency_rule="dormant"``, the default: a shop with years of history has a mean recency
    of many months, and a customer gone for 250 days is no "important value" customer), or,
    with ``recency_rule="mean"`` / ``"median"``, when ``recency_days < centre``.
    :data:`EIGHT_WAY` names the eight combinations.

    Simple view: ``沉睡`` (dormant) when ``recency_days > dormant_days``; otherwise ``高价值``
    (high-value) when ``monetary`` is at or above the ``high_value_quantile`` quantile of all
    customers' monetary (linear interpolation), else ``潜力`` (potential).
    """
    out = rfm.copy()
    if out.empty:
        out["segment"] = pd.Series(dtype="object")
        out["simple_segment"] = pd.Series(dtype="object")
        return out
    centre = out[["recency_days", "frequency", "monetary"]].agg(high_low)
    if recency_rule == "dormant":
        r_high = out["recency_days"] <= dormant_days
    else:
        r_high = out["recency_days"] < out["recency_days"].agg(recency_rule)
    f_high = out["frequency"] > centre["frequency"]
    m_high = out["monetary"] > centre["monetary"]
    flags = (False, True)
    names = np.array([EIGHT_WAY[(r, f, m)] for r in flags for f in flags for m in flags])
    which = 4 * r_high.to_numpy(dtype="int64") + 2 * f_high.to_numpy(dtype="int64")
    out["segment"] = names[which + m_high.to_numpy(dtype="int64")]
    bar = out["monetary"].quantile(high_value_quantile)
    out["simple_segment"] = np.where(
        out["recency_days"] > dormant_days,
        "沉睡",
        np.where(out["monetary"] >= bar, "高价值", "潜力"),
    )
    return out


def segment_summary(rfm: pd.DataFrame, by: str = "segment") -> pd.DataFrame:
    """Size, revenue share and average order value per segment.

    Columns: ``segment, customers, customer_share, revenue, revenue_share, orders, aov,
    recency_days`` (mean), in the order of :data:`SEGMENTS` (or :data:`SIMPLE`); segments
    without customers are kept with zeros so the table always has every row.
    ``aov = revenue / orders``; shares are of all customers and all revenue.
    """
    order = SEGMENTS if by == "segment" else SIMPLE
    g = rfm.groupby(by)
    out = pd.DataFrame(
        {
            "customers": g["customer_id"].size(),
            "revenue": g["monetary"].sum(),
            "orders": g["frequency"].sum(),
            "recency_days": g["recency_days"].mean(),
        }
    ).reindex(list(order))
    out[["customers", "revenue", "orders"]] = out[["customers", "revenue", "orders"]].fillna(0)
    out["customers"] = out["customers"].astype("int64")
    out["orders"] = out["orders"].astype("int64")
    total_c, total_r = out["customers"].sum(), out["revenue"].sum()
    out["customer_share"] = out["customers"] / total_c if total_c else np.nan
    out["revenue_share"] = out["revenue"] / total_r if total_r else np.nan
    out["aov"] = out["revenue"] / out["orders"].where(out["orders"] > 0)
    out = out.rename_axis("segment").reset_index()
    cols = ["segment", "customers", "customer_share", "revenue", "revenue_share", "orders"]
    return out.loc[:, [*cols, "aov", "recency_days"]]
