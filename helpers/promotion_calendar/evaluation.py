"""Past events measured against the counterfactual baseline.

Each promotion is watched over five phases: ``pre`` (the ``pre_days`` before its warm-up,
where a pull-forward dip shows: buyers wait for the event), ``warmup``, ``burst``,
``afterglow`` and ``post`` (the ``post_days`` after it, where a hangover shows: demand the
event already served). The baseline (:mod:`.counterfactual`) is fitted on *ordinary* days of
the ``lookback_days`` before and the weeks after the event: days in no event's watched window,
in no public-holiday block or logistics pause (+- ``holiday_margin_days``), up to the run date.

Per phase::

    incremental = sum(actual) - sum(baseline)            (currency for GMV)
    uplift      = sum(actual) / sum(baseline) - 1        (ratio; 0.5 = +50 %)

with intervals from the simulated baseline paths (``interval`` coverage). ``pre`` / ``post``
days that fall inside another event's phases are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from helpers.promotion_calendar.counterfactual import fit_counterfactual
from helpers.promotion_calendar.theme import PromotionCalendarSettings

PHASE_ORDER = ("pre", "warmup", "burst", "afterglow", "post")
#: calendar sources that are promotions (the others are holidays, workdays, logistics)
PROMO_SOURCES = ("shop", "platform")
#: calendar sources that disturb ordinary trade
HOLIDAY_SOURCES = ("holiday", "logistics")


class EventRow(Protocol):
    """One row of a :func:`helpers.festivals.calendar` table, read by field name: a
    ``pandas.Series`` or an ``itertuples`` row. The fields are cells, typed by pandas-stubs
    as any scalar: dates are Timestamps (NaT when a phase is missing)."""

    @property
    def promo_id(self) -> Any: ...
    @property
    def name(self) -> Any: ...
    @property
    def kind(self) -> Any: ...
    @property
    def mechanic(self) -> Any: ...
    @property
    def discount_rate(self) -> Any: ...
    @property
    def start_date(self) -> Any: ...
    @property
    def end_date(self) -> Any: ...
    @property
    def warmup_start(self) -> Any: ...
    @property
    def afterglow_end(self) -> Any: ...


PHASE_COLUMNS = [
    "promo_id",
    "name",
    "kind",
    "mechanic",
    "discount_rate",
    "phase",
    "first",
    "last",
    "days",
    "actual",
    "baseline",
    "baseline_lower",
    "baseline_upper",
    "incremental",
    "incremental_lower",
    "incremental_upper",
    "uplift",
    "uplift_lower",
    "uplift_upper",
]


@dataclass(frozen=True)
class Evaluation:
    """Past events against their baselines.

    Attributes
    ----------
    phases : DataFrame
        One row per event and phase (:data:`PHASE_COLUMNS`), plus a ``total`` row per event
        (all its watched days).
    days : DataFrame
        ``promo_id, date, phase, actual, baseline, lower, upper`` for the charts.
    metric : str
        The daily facts column evaluated (``gmv`` or ``units``).
    """

    phases: pd.DataFrame
    days: pd.DataFrame
    metric: str

    def event(self, promo_id: str) -> pd.DataFrame:
        return self.phases[self.phases["promo_id"] == promo_id]

    def row(self, promo_id: str, phase: str) -> pd.Series:
        rows = self.phases[(self.phases["promo_id"] == promo_id) & (self.phases["phase"] == phase)]
        if rows.empty:
            raise KeyError(f"no {phase!r} row for {promo_id!r}")
        return rows.iloc[0]


def promotions_of(events: pd.DataFrame) -> pd.DataFrame:
    """The promotion rows of a :func:`helpers.festivals.calendar` table."""
    return events[events["source"].isin(PROMO_SOURCES)].reset_index(drop=True)


def watched_days(event: EventRow, *, pre_days: int, post_days: int) -> pd.DataFrame:
    """``date, phase`` of one event's five watched phases (missing phases are left out)."""
    start = pd.Timestamp(event.start_date)
    end = pd.Timestamp(event.end_date)
    ws = pd.Timestamp(event.warmup_start) if pd.notna(event.warmup_start) else start
    ae = pd.Timestamp(event.afterglow_end) if pd.notna(event.afterglow_end) else end
    one = pd.Timedelta(days=1)
    spans = [
        ("pre", ws - pre_days * one, ws - one),
        ("warmup", ws, start - one),
        ("burst", start, end),
        ("afterglow", end + one, ae),
        ("post", ae + one, ae + post_days * one),
    ]
    parts = [
        pd.DataFrame({"date": pd.date_range(a, b, freq="D"), "phase": phase})
        for phase, a, b in spans
        if b >= a
    ]
    return pd.concat(parts, ignore_index=True)


def ordinary_days(
    dates: pd.DatetimeIndex, events: pd.DataFrame, settings: PromotionCalendarSettings
) -> pd.Series:
    """True for days fit for a baseline: outside every promotion's watched days and every
    holiday block or logistics pause widened by ``holiday_margin_days``."""
    out = pd.Series(True, index=dates)
    one = pd.Timedelta(days=1)
    pre, post = settings.pre_days * one, settings.post_days * one
    promos = promotions_of(events)
    firsts = pd.to_datetime(promos["warmup_start"].fillna(promos["start_date"]))
    lasts = pd.to_datetime(promos["afterglow_end"].fillna(promos["end_date"]))
    for first, last in zip(firsts, lasts, strict=True):
        a, b = first - pre, last + post
        out[(out.index >= a) & (out.index <= b)] = False
    margin = settings.holiday_margin_days * one
    blocks = events[events["source"].isin(HOLIDAY_SOURCES)]
    starts, ends = pd.to_datetime(blocks["start_date"]), pd.to_datetime(blocks["end_date"])
    for start, end in zip(starts, ends, strict=True):
        a, b = start - margin, end + margin
        out[(out.index >= a) & (out.index <= b)] = False
    return out


def _busy(event: EventRow) -> pd.DataFrame:
    return watched_days(event, pre_days=0, post_days=0).assign(promo_id=event.promo_id)


def busy_days(events: pd.DataFrame) -> pd.DataFrame:
    """``date, promo_id`` of every promotion's warm-up .. after-glow days."""
    parts = [_busy(e) for e in promotions_of(events).itertuples()]
    if not parts:
        return pd.DataFrame({"date": pd.DatetimeIndex([]), "promo_id": []})
    return pd.concat(parts, ignore_index=True)[["date", "promo_id"]]


def _phase_row(
    event: EventRow, phase: str, days: pd.Series, actual: pd.Series, cf, interval: float
):
    act = float(actual.reindex(days).fillna(0.0).sum())
    base = cf.total(days)
    tail = (1 - interval) / 2
    lo, hi = np.quantile(base, [tail, 1 - tail])
    inc = act - base
    with np.errstate(divide="ignore", invalid="ignore"):
        up = np.where(base > 0, act / base - 1, np.nan)
    up_lo, up_hi = np.nanquantile(up, [tail, 1 - tail]) if np.isfinite(up).any() else (np.nan,) * 2
    return {
        "promo_id": event.promo_id,
        "name": event.name,
        "kind": event.kind,
        "mechanic": event.mechanic,
        "discount_rate": event.discount_rate,
        "phase": phase,
        "first": days.min(),
        "last": days.max(),
        "days": len(days),
        "actual": act,
        "baseline": float(base.mean()),
        "baseline_lower": float(lo),
        "baseline_upper": float(hi),
        "incremental": float(inc.mean()),
        "incremental_lower": float(act - hi),
        "incremental_upper": float(act - lo),
        "uplift": act / float(base.mean()) - 1 if base.mean() > 0 else np.nan,
        "uplift_lower": float(up_lo),
        "uplift_upper": float(up_hi),
    }


def evaluate_event(
    series: pd.Series,
    event: EventRow,
    events: pd.DataFrame,
    ordinary: pd.Series,
    run_date: pd.Timestamp,
    settings: PromotionCalendarSettings,
    busy: pd.DataFrame | None = None,
) -> tuple[list[dict], pd.DataFrame] | None:
    """Phase rows and per-day frame of one event (None when its burst is outside the data or
    no baseline can be fitted).

    Only days up to ``run_date`` are measured; the fit uses ordinary days from
    ``lookback_days`` before the first watched day to ``lookback_days / 2`` after the last.
    """
    w = watched_days(event, pre_days=settings.pre_days, post_days=settings.post_days)
    busy = busy_days(events) if busy is None else busy
    other = busy.loc[busy["promo_id"] != event.promo_id, "date"]
    edge = w["phase"].isin(("pre", "post"))
    w = w[~(edge & w["date"].isin(other)) & (w["date"] <= run_date)]
    w = w[w["date"] >= series.index.min()]
    if not (w["phase"] == "burst").any():  # the burst is not in the data (yet)
        return None
    first, last = w["date"].min(), w["date"].max()
    lo = first - pd.Timedelta(days=settings.lookback_days)
    hi = min(last + pd.Timedelta(days=settings.lookback_days // 2), run_date)
    window = ordinary[(ordinary.index >= lo) & (ordinary.index <= hi)]
    cf = fit_counterfactual(series, window, pd.DatetimeIndex(w["date"]))
    if cf is None:
        return None
    rows = [
        _phase_row(event, phase, part["date"], series, cf, settings.interval)
        for phase in PHASE_ORDER
        if not (part := w[w["phase"] == phase]).empty
    ]
    rows.append(_phase_row(event, "total", w["date"], series, cf, settings.interval))
    frame = cf.frame(series, settings.interval).assign(phase=w["phase"].to_numpy())
    frame.insert(0, "promo_id", event.promo_id)
    return rows, frame


def evaluate_events(
    daily: pd.DataFrame,
    events: pd.DataFrame,
    run_date: pd.Timestamp,
    settings: PromotionCalendarSettings,
    *,
    metric: str = "gmv",
) -> Evaluation:
    """Every promotion of ``events`` that has started by ``run_date``, measured on
    ``daily[metric]`` (a facts ``daily`` table: one row per calendar day)."""
    series = daily.set_index("date")[metric].astype(float)
    series = series[series.index <= run_date]
    ordinary = ordinary_days(pd.DatetimeIndex(series.index), events, settings)
    rows: list[dict] = []
    frames = []
    promos = promotions_of(events)
    busy = busy_days(events)
    for e in promos[promos["start_date"] <= run_date].itertuples():
        done = evaluate_event(series, e, events, ordinary, run_date, settings, busy)
        if done is None:
            continue
        rows.extend(done[0])
        frames.append(done[1])
    phases = pd.DataFrame(rows, columns=PHASE_COLUMNS)
    days_cols = ["promo_id", "date", "actual", "baseline", "lower", "upper", "phase"]
    days = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=days_cols)
    return Evaluation(phases=phases, days=days, metric=metric)
