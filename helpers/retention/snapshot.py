"""Everything the retention notebook shows for one run date, computed in one call
(:func:`retention_for`), plus the summary and alert payloads of the run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from helpers.facts import as_day
from helpers.retention.cohorts import (
    RepeatRate,
    cohort_counts,
    days_to_second,
    new_vs_returning,
    repeat_rate,
)
from helpers.retention.movement import Movement, movement
from helpers.retention.purchases import kept, purchases
from helpers.retention.rfm import (
    SEGMENTS,
    SIMPLE,
    add_scores,
    add_segments,
    rfm_table,
    segment_summary,
)
from helpers.retention.theme import RetentionSettings
from helpers.retention.tiers import tier_summary
from helpers.retention.value import ValueForecast, forecast_value
from helpers.retention.winback import last_items, winback_list

#: Earlier run dates the segment movement is measured from: name -> days back.
MOVEMENT_WINDOWS = {"week": 7, "month": 30}
YEAR = pd.Timedelta(days=365)


def segmented(tables: Any, run_date: Any, settings: RetentionSettings) -> pd.DataFrame:
    """RFM with scores and both segmentations, from the data as known at ``run_date``."""
    rfm = rfm_table(kept(purchases(tables, run_date)), run_date)
    rfm = add_scores(rfm, bins=settings.score_bins, cutoffs=settings.cutoffs())
    return add_segments(
        rfm,
        high_low=settings.high_low,
        dormant_days=settings.dormant_days,
        high_value_quantile=settings.high_value_quantile,
    )


def dormant_share(rfm: pd.DataFrame) -> float:
    """Share of customers (with a kept purchase by the date) who are dormant."""
    return float((rfm["simple_segment"] == "沉睡").mean()) if len(rfm) else float("nan")


@dataclass(frozen=True)
class Retention:
    """The retention results of one run date (see the notebook for how each is read)."""

    run_date: pd.Timestamp
    purchases: pd.DataFrame
    rfm: pd.DataFrame
    segments: pd.DataFrame
    simple: pd.DataFrame
    moves: dict[str, Movement]
    simple_moves: dict[str, Movement]
    cohorts: pd.DataFrame
    repeat: RepeatRate
    repeat_last_year: RepeatRate
    to_second: pd.Series
    new_returning: pd.DataFrame
    winback: pd.DataFrame
    tiers: pd.DataFrame
    value: ValueForecast
    dormant_share: float
    dormant_share_last_year: float
    settings: RetentionSettings


def retention_for(ctx: Any) -> Retention:
    """All retention results for the run of ``ctx`` (:func:`helpers.context.load_context`)."""
    settings: RetentionSettings = ctx.settings.section("retention")
    tables = ctx.dataset.tables
    return retention_from(tables, ctx.run_date, settings, lang=ctx.lang)


def _moves(tables: Any, day: pd.Timestamp, rfm: pd.DataFrame, settings: RetentionSettings):
    moves, simple = {}, {}
    for name, back in MOVEMENT_WINDOWS.items():
        since = day - pd.Timedelta(days=back)
        before = segmented(tables, since, settings)
        moves[name] = movement(before, rfm, since=since, by="segment", order=SEGMENTS)
        simple[name] = movement(before, rfm, since=since, by="simple_segment", order=SIMPLE)
    return moves, simple


def retention_from(
    tables: Any, run_date: Any, settings: RetentionSettings, *, lang: str = "zh"
) -> Retention:
    """All retention results from contract tables (not yet cut) for ``run_date``."""
    day = as_day(run_date)
    bought = purchases(tables, day)
    now = kept(bought)
    rfm = segmented(tables, day, settings)
    moves, simple_moves = _moves(tables, day, rfm, settings)
    items = last_items(
        now,
        tables["order_items"],
        tables.get("products"),
        customers=rfm.loc[rfm["simple_segment"] == "沉睡", "customer_id"],
    )
    customers = tables.get("customers")
    window = settings.repeat_window_days
    calibration = kept(purchases(tables, day - pd.Timedelta(days=settings.holdout_days)))
    return Retention(
        run_date=day,
        purchases=bought,
        rfm=rfm,
        segments=segment_summary(rfm, by="segment"),
        simple=segment_summary(rfm, by="simple_segment"),
        moves=moves,
        simple_moves=simple_moves,
        cohorts=cohort_counts(now, day, months=settings.cohort_months),
        repeat=repeat_rate(now, day, days=window),
        repeat_last_year=repeat_rate(now, day - YEAR, days=window),
        to_second=days_to_second(now),
        new_returning=new_vs_returning(now),
        winback=winback_list(rfm, items, lang=lang, rows=settings.winback_rows),
        tiers=tier_summary(rfm, customers) if customers is not None else pd.DataFrame(),
        value=forecast_value(
            now,
            calibration,
            day,
            horizons=settings.horizons_days,
            holdout_days=settings.holdout_days,
            min_repeat_buyers=settings.min_repeat_buyers,
        ),
        dormant_share=dormant_share(rfm),
        dormant_share_last_year=dormant_share(segmented(tables, day - YEAR, settings)),
        settings=settings,
    )
