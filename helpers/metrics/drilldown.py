"""Top-down drill-down of a GMV change: trend -> channel -> product (哪里变了).

The daily review diagnoses from the top: first the shop's GMV change and its
UV x CVR x 客单价 split (:mod:`helpers.metrics.decomposition`), then which channel moved most, then
which items inside the worst channel drag it. Every step compares the run date ``D`` with a
baseline: ``prev_day`` (D-1) or ``avg_7d`` (the per-day average of D-7..D-1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from helpers.facts import Facts, as_day
from helpers.metrics.decomposition import (
    baseline_name,
    baseline_window,
    gmv_change_split,
    lmdi_split,
    per_day,
)
from helpers.metrics.kpis import safe_ratio, window_sums
from helpers.numbers import format_amount, format_change

#: a named baseline, or a ``(start, end)`` window of days compared as a per-day average
Baseline = Literal["prev_day", "last_week", "avg_7d"] | tuple[Any, Any]

CHANNEL_COLUMNS = [
    "channel",
    "gmv_before",
    "gmv_after",
    "gmv_change",
    "gmv_change_pct",
    "share_of_change",
    "uv_before",
    "uv_after",
    "cvr_before",
    "cvr_after",
    "arpu_before",
    "arpu_after",
    "uv_contribution",
    "cvr_contribution",
    "arpu_contribution",
]
ITEM_COLUMNS = [
    "sku_id",
    "gmv_before",
    "gmv_after",
    "gmv_change",
    "units_before",
    "units_after",
    "share_of_change",
]


@dataclass(frozen=True, eq=False)
class DrillDown:
    """Result of :func:`drill_down`.

    Attributes
    ----------
    run_date, baseline : what was compared.
    gmv_before, gmv_after, gmv_change : shop GMV of the baseline (per day) and of ``D``.
    trend : LMDI split of the shop change (factor, before, after, contribution, share).
    channels : one row per channel (:data:`CHANNEL_COLUMNS`), sorted by ``gmv_change``
        ascending (the largest fall first); the ``*_contribution`` columns are the channel's
        own LMDI split (NaN where the channel has no traffic data or no sales in a period).
    worst_channel, best_channel : channel with the largest fall / rise of GMV, None if no
        channel fell / rose.
    items_channel : the channel ``items`` looks into (``worst_channel``; None = whole shop
        when no channel fell).
    items : the ``top`` items with the largest GMV fall in that scope (:data:`ITEM_COLUMNS`,
        from ``daily_item``), sorted by ``gmv_change`` ascending.
    summary : one line of plain facts (numbers and names, no prose) for the narrative.
    """

    run_date: pd.Timestamp
    baseline: str
    gmv_before: float
    gmv_after: float
    gmv_change: float
    trend: pd.DataFrame
    channels: pd.DataFrame
    worst_channel: str | None
    best_channel: str | None
    items_channel: str | None
    items: pd.DataFrame
    summary: str


def _channel_table(
    facts: Facts, start: pd.Timestamp, end: pd.Timestamp, day: pd.Timestamp
) -> pd.DataFrame:
    before = per_day(window_sums(facts, start, end, by="channel")).set_index("channel")
    after = window_sums(facts, day, day, by="channel").set_index("channel")
    idx = after.index.union(before.index)
    before, after = before.reindex(idx), after.reindex(idx)
    gb, ga = before["gmv"].fillna(0.0), after["gmv"].fillna(0.0)
    change = ga - gb
    total = change.sum()
    rows = pd.DataFrame(
        {
            "channel": idx,
            "gmv_before": gb.to_numpy(),
            "gmv_after": ga.to_numpy(),
            "gmv_change": change.to_numpy(),
            "gmv_change_pct": np.asarray(safe_ratio(ga, gb)) - 1.0,
            "share_of_change": np.asarray(safe_ratio(change, total if total else np.nan)),
            "uv_before": before["uv"].to_numpy(),
            "uv_after": after["uv"].to_numpy(),
            "cvr_before": before["cvr"].to_numpy(),
            "cvr_after": after["cvr"].to_numpy(),
            "arpu_before": before["arpu"].to_numpy(),
            "arpu_after": after["arpu"].to_numpy(),
        }
    )
    contrib: dict[str, list[float]] = {f: [] for f in ("uv", "cvr", "arpu")}
    for ch in idx:
        split = lmdi_split(before.loc[ch], after.loc[ch]).set_index("factor")["contribution"]
        for f in contrib:
            contrib[f].append(split[f])
    for f, values in contrib.items():
        rows[f"{f}_contribution"] = np.asarray(values, dtype="float64")
    active = (rows[["gmv_before", "gmv_after"]] != 0).any(axis=1)
    active |= rows[["uv_before", "uv_after"]].fillna(0).ne(0).any(axis=1)
    rows = rows.loc[active]
    return rows.sort_values(["gmv_change", "channel"]).reset_index(drop=True)[CHANNEL_COLUMNS]


def _item_table(
    facts: Facts,
    start: pd.Timestamp,
    end: pd.Timestamp,
    day: pd.Timestamp,
    channel: str | None,
    top: int,
    min_orders: int = 0,
) -> pd.DataFrame:
    """Items of ``channel`` (None = whole shop) by GMV change, the largest fall first; an item
    whose move rests on fewer than ``min_orders`` orders (baseline window + run date) is left
    out, so a single order is never blamed."""
    di = facts.daily_item
    if channel is not None:
        di = di.loc[di["channel"] == channel]
    n_days = int(facts.daily["date"].between(start, end).sum())
    cols = ["gmv", "units", "orders"]
    b = di.loc[di["date"].between(start, end)].groupby("sku_id")[cols].sum()
    a = di.loc[di["date"] == day].groupby("sku_id")[cols].sum()
    idx = a.index.union(b.index)
    b, a = b.reindex(idx, fill_value=0.0), a.reindex(idx, fill_value=0.0)
    involved = (b["orders"] + a["orders"]).to_numpy(dtype="float64")
    b = b / n_days if n_days else b * np.nan
    out = pd.DataFrame(
        {
            "sku_id": idx.astype("str"),
            "gmv_before": b["gmv"].to_numpy(dtype="float64"),
            "gmv_after": a["gmv"].to_numpy(dtype="float64"),
            "units_before": b["units"].to_numpy(dtype="float64"),
            "units_after": a["units"].to_numpy(dtype="float64"),
        }
    )
    out["gmv_change"] = out["gmv_after"] - out["gmv_before"]
    total = out["gmv_change"].sum()
    out["share_of_change"] = safe_ratio(out["gmv_change"], total if total else np.nan)
    out = out.loc[involved >= min_orders]
    out = out.sort_values(["gmv_change", "sku_id"]).head(top)
    return out[ITEM_COLUMNS].reset_index(drop=True)


def drill_down(
    facts: Facts,
    *,
    run_date: Any = None,
    baseline: Baseline = "prev_day",
    top: int = 5,
    min_orders: int = 0,
) -> DrillDown:
    """Drill a GMV change down from the shop to channels to items.

    Parameters
    ----------
    facts : the run's facts.
    run_date : the day to explain (default: the facts' run date).
    baseline : ``prev_day`` (D-1), ``last_week`` (D-7), ``avg_7d`` (per-day average of
        D-7..D-1; item and channel baselines are per-day averages too) or a ``(start, end)``
        window of days (per-day average; see :mod:`helpers.metrics.comparison`).
    top : number of items to return.
    min_orders : materiality floor: items whose move rests on fewer orders (baseline window
        plus run date together) are not listed (0 = list every item).

    Returns
    -------
    DrillDown
    """
    day = facts.run_date if run_date is None else as_day(run_date)
    if day > facts.run_date:
        raise ValueError("run_date is after the facts' run date")
    start, end = baseline_window(day, baseline)
    split = gmv_change_split(facts, run_date=day, baseline=baseline)
    g0, g1 = float(split.attrs["gmv_before"]), float(split.attrs["gmv_after"])
    channels = _channel_table(facts, start, end, day)
    neg = channels.loc[channels["gmv_change"] < 0]
    pos = channels.loc[channels["gmv_change"] > 0]
    worst = str(neg.iloc[0]["channel"]) if len(neg) else None
    best = (
        str(pos.sort_values("gmv_change", ascending=False).iloc[0]["channel"]) if len(pos) else None
    )
    items = _item_table(facts, start, end, day, worst, top, min_orders)

    parts = [
        f"date={day:%Y-%m-%d}",
        f"baseline={baseline_name(baseline)}",
        f"gmv {format_amount(g0, missing='nan')} -> {format_amount(g1, missing='nan')} "
        f"({format_change(safe_ratio(g1, g0) - 1.0, missing='nan')})",
    ]
    if split.attrs.get("method") == "lmdi":
        parts.append(
            "split "
            + ", ".join(f"{r.factor} {r.contribution:+,.2f}" for r in split.itertuples(index=False))
        )
    if worst is not None:
        parts.append(f"worst_channel={worst} ({float(neg.iloc[0]['gmv_change']):+,.2f})")
    if best is not None:
        parts.append(f"best_channel={best} ({float(pos['gmv_change'].max()):+,.2f})")
    if len(items) and items.iloc[0]["gmv_change"] < 0:
        parts.append(f"top_item={items.iloc[0]['sku_id']} ({items.iloc[0]['gmv_change']:+,.2f})")
    return DrillDown(
        run_date=day,
        baseline=baseline_name(baseline),
        gmv_before=g0,
        gmv_after=g1,
        gmv_change=g1 - g0,
        trend=split,
        channels=channels,
        worst_channel=worst,
        best_channel=best,
        items_channel=worst,
        items=items,
        summary="; ".join(parts),
    )
