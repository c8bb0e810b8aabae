"""Everything the retention notebook shows for one run date, computed in one call
(:func:`retention_for`), plus the summary and alert payloads of the run."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable
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
from helpers.retention.purchases import PurchaseHistory, kept, purchase_history, purchases
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
from helpers.retention.winback import dormant_top, last_items, winback_list

#: Earlier run dates the segment movement is measured from: name -> days back.
MOVEMENT_WINDOWS = {"week": 7, "month": 30}
YEAR = pd.Timedelta(days=365)


def segmented(tables: Any, run_date: Any, settings: RetentionSettings) -> pd.DataFrame:
    """RFM with scores and both segmentations, from the data as known at ``run_date``."""
    return segmented_purchases(kept(purchases(tables, run_date)), run_date, settings)


def segmented_purchases(
    kept_purchases: pd.DataFrame, run_date: Any, settings: RetentionSettings
) -> pd.DataFrame:
    """:func:`segmented` from the kept purchases known at ``run_date``."""
    rfm = rfm_table(kept_purchases, run_date)
    rfm = add_scores(rfm, bins=settings.score_bins, cutoffs=settings.cutoffs())
    return add_segments(
        rfm,
        high_low=settings.high_low,
        recency_rule=settings.recency_rule,
        dormant_days=settings.dormant_days,
        high_value_quantile=settings.high_value_quantile,
    )


def dormant_share(rfm: pd.DataFrame, *, dormant_days: int, base_days: int) -> float:
    """沉睡客户占比: of the customers whose last kept purchase is at most ``base_days`` days
    old (bought in the last year), the share with ``recency_days > dormant_days`` (no
    purchase in the dormancy period). NaN without such customers.

    The base is the recent year, not every customer ever, so the share does not creep up
    merely because a shop grows older.
    """
    base = rfm.loc[rfm["recency_days"] <= base_days, "recency_days"]
    return float((base > dormant_days).mean()) if len(base) else float("nan")


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


#: The columns of the order tables the retention analyses read (nothing else of them).
READS: dict[str, tuple[str, ...]] = {
    "orders": ("order_id", "customer_id", "created_at", "paid_at", "paid_amount"),
    "after_sales": ("order_id", "requested_at", "refund_amount", "type"),
}
LINE_COLUMNS = ("order_id", "sku_id", "title")


def retention_for(ctx: Any) -> Retention:
    """All retention results for the run of ``ctx`` (:func:`helpers.context.load_context`).

    Only the columns of :data:`READS` are read of the orders and after-sales tables, and of
    the order lines only those of the win-back list's last orders
    (:meth:`helpers.intake.Dataset.read`), not the whole tables.
    """
    settings: RetentionSettings = ctx.settings.section("retention")
    ds = ctx.dataset
    narrow = {name: ds.read(name, cols) for name, cols in READS.items() if ds.has(name)}

    def lines(orders: pd.Series) -> pd.DataFrame:
        return ds.read("order_items", LINE_COLUMNS, isin={"order_id": orders})

    tables = ChainMap(narrow, ds.tables)
    return retention_from(tables, ctx.run_date, settings, lang=ctx.lang, order_lines=lines)


def _moves(
    history: PurchaseHistory, day: pd.Timestamp, rfm: pd.DataFrame, settings: RetentionSettings
):
    moves, simple = {}, {}
    for name, back in MOVEMENT_WINDOWS.items():
        since = day - pd.Timedelta(days=back)
        before = segmented_purchases(kept(history.at(since)), since, settings)
        moves[name] = movement(before, rfm, since=since, by="segment", order=SEGMENTS)
        simple[name] = movement(before, rfm, since=since, by="simple_segment", order=SIMPLE)
    return moves, simple


def retention_from(
    tables: Any,
    run_date: Any,
    settings: RetentionSettings,
    *,
    lang: str = "zh",
    order_lines: Callable[[pd.Series], pd.DataFrame] | None = None,
) -> Retention:
    """All retention results from contract tables (not yet cut) for ``run_date``.

    ``order_lines`` gives the lines of some orders (by order id); without it they are taken
    from ``tables["order_items"]``.
    """
    day = as_day(run_date)
    history = purchase_history(tables, day)
    bought = history.at(day)
    now = kept(bought)
    rfm = segmented_purchases(now, day, settings)
    moves, simple_moves = _moves(history, day, rfm, settings)
    items = last_items(
        now,
        order_lines or tables["order_items"],
        tables.get("products"),
        customers=dormant_top(rfm, settings.winback_rows)["customer_id"],
    )
    customers = tables.get("customers")
    window = settings.repeat_window_days
    shares = {"dormant_days": settings.dormant_days, "base_days": settings.active_base_days}
    # a year-ago figure needs data reaching back far enough (else NaN): the repeat rate the
    # whole year-ago window, the dormant share one dormancy period before the year-ago date
    calibration = kept(history.at(day - pd.Timedelta(days=settings.holdout_days)))
    start = now["date"].min() if len(now) else day
    year_ago = day - YEAR
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
        repeat_last_year=_if_covered(
            repeat_rate(now, year_ago, days=window), start, year_ago - pd.Timedelta(days=window - 1)
        ),
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
        dormant_share=dormant_share(rfm, **shares),
        dormant_share_last_year=(
            dormant_share(
                segmented_purchases(kept(history.at(year_ago)), year_ago, settings), **shares
            )
            if start <= year_ago - pd.Timedelta(days=settings.dormant_days)
            else float("nan")
        ),
        settings=settings,
    )


def _if_covered(rate: RepeatRate, start: pd.Timestamp, needed: pd.Timestamp) -> RepeatRate:
    """``rate``, or the same window with NaN when the purchases start after ``needed`` (the
    window a year ago is not fully in the data, so it is no fair comparison)."""
    if start <= needed:
        return rate
    return RepeatRate(rate.start, rate.end, rate.buyers, rate.repeat_buyers, float("nan"))
