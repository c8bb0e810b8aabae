"""Upcoming events: countdown, phase dates, expected demand, stock readiness, prep checklist.

Expected demand of a key SKU until the end of an event's after-glow, by one of two methods:

* ``forecast`` (when the product-matrix theme is installed): its daily demand forecast
  (:func:`helpers.product_matrix.forecast.forecast_item`: exponential smoothing with a weekly
  pattern on the promotion-cleaned history of the SKU) summed from the day after the run date
  to the end of the event, with this calendar's phase multipliers on the event's days;
* ``baseline`` otherwise::

    demand = b x (ordinary days before the warm-up + sum over phases of days x multiplier)

  ``b`` is the SKU's mean daily units over the last ``baseline_days`` ordinary days up to the
  run date.

A phase multiplier is ``1 + uplift`` (units) averaged over past events of the same name,
else of the same kind (platform / shop), else 1. Readiness compares the latest on-hand
stock ``s``: ``short`` when ``s < demand``, ``at risk`` when ``s < demand x (1 +
safety_share)``, else ``enough``. The last day to reorder is ``warmup_start - lead time``
(goods in the warehouse before the warm-up starts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.promotion_calendar.evaluation import Evaluation, EventRow
from helpers.promotion_calendar.theme import PromotionCalendarSettings

UPCOMING_COLUMNS = [
    "promo_id",
    "name",
    "kind",
    "source",
    "warmup_start",
    "start_date",
    "end_date",
    "afterglow_end",
    "days_to_go",
    "status",
]
READINESS_COLUMNS = [
    "promo_id",
    "sku_id",
    "daily_units",
    "method",
    "expected_units",
    "on_hand",
    "lead_time_days",
    "last_reorder_day",
    "days_to_reorder",
    "readiness",
]
#: (task key, zh, en, anchor column, days before the anchor)
CHECKLIST = (
    ("page", "活动页面与主图上线", "Event page and main images live", "warmup_start", 7),
    ("ads", "推广预算与人群计划", "Ad budget and audience plan", "warmup_start", 5),
    ("coupons", "优惠券与满减门槛设置", "Coupons and spend thresholds set", "warmup_start", 3),
    ("stock", "备货到仓", "Stock in the warehouse", "warmup_start", 0),
    ("service", "客服排班与话术", "Customer-service rota and scripts", "start_date", 3),
)


def upcoming_events(
    events: pd.DataFrame, run_date: pd.Timestamp, horizon_days: int
) -> pd.DataFrame:
    """Events (promotions, holidays, logistics pauses) whose burst or block ends after the
    run date and starts within ``horizon_days``; ``days_to_go`` counts to the burst start
    and ``status`` is ``warmup`` (already warming up), ``running`` or ``coming``."""
    ev = events[events["source"] != "workday"]
    end = ev["afterglow_end"].fillna(ev["end_date"])
    horizon = run_date + pd.Timedelta(days=horizon_days)
    ev = ev[(end > run_date) & (ev["start_date"] <= horizon)].copy()
    ev["days_to_go"] = (ev["start_date"] - run_date).dt.days
    warm = ev["warmup_start"].notna() & (ev["warmup_start"] <= run_date)
    ev["status"] = np.where(ev["days_to_go"] <= 0, "running", np.where(warm, "warmup", "coming"))
    return ev[UPCOMING_COLUMNS].sort_values("start_date").reset_index(drop=True)


def phase_multipliers(units: Evaluation, event: EventRow) -> dict[str, float]:
    """Phase -> ``1 + uplift`` of past comparable events (same name, else kind, else 1)."""
    ph = units.phases
    same = ph[ph["name"] == event.name]
    if same.empty:
        same = ph[ph["kind"] == event.kind]
    if same.empty:
        return {}
    mult = (1 + same.groupby("phase")["uplift"].mean()).clip(lower=0)
    return {k: float(v) for k, v in mult.items() if np.isfinite(v)}


def event_day_factor(event: EventRow, run_date: pd.Timestamp, mult: dict[str, float]) -> float:
    """Ordinary-day equivalents from the day after ``run_date`` to the end of the event."""
    one = pd.Timedelta(days=1)
    start, end = pd.Timestamp(event.start_date), pd.Timestamp(event.end_date)
    ws = pd.Timestamp(event.warmup_start) if pd.notna(event.warmup_start) else start
    ae = pd.Timestamp(event.afterglow_end) if pd.notna(event.afterglow_end) else end
    spans = {"ordinary": (run_date + one, ws - one), "warmup": (ws, start - one)}
    spans |= {"burst": (start, end), "afterglow": (end + one, ae)}
    total = 0.0
    for phase, (a, b) in spans.items():
        a = max(a, run_date + one)
        days = max((b - a).days + 1, 0)
        total += days * mult.get(phase, 1.0)
    return total


def key_sku_rates(
    daily_item: pd.DataFrame, ordinary: pd.Series, run_date: pd.Timestamp, n: int, days: int
) -> pd.DataFrame:
    """The ``n`` top SKUs by GMV of the 90 days to ``run_date`` and their mean daily units
    over the last ``days`` ordinary days: ``sku_id, gmv_90d, daily_units``."""
    recent = daily_item[daily_item["date"] > run_date - pd.Timedelta(days=90)]
    top = recent.groupby("sku_id")["gmv"].sum().nlargest(n)
    base = ordinary[ordinary & (ordinary.index <= run_date)].index[-days:]
    units = daily_item[daily_item["date"].isin(base) & daily_item["sku_id"].isin(top.index)]
    rate = units.groupby("sku_id")["units"].sum() / max(len(base), 1)
    return pd.DataFrame(
        {
            "sku_id": top.index,
            "gmv_90d": top.to_numpy(),
            "daily_units": rate.reindex(top.index, fill_value=0.0).to_numpy(),
        }
    )


def event_phases(event: EventRow, run_date: pd.Timestamp) -> pd.Series:
    """Phase by date from the day after ``run_date`` to the end of the event (NaN on the
    ordinary days before its warm-up)."""
    one = pd.Timedelta(days=1)
    start, end = pd.Timestamp(event.start_date), pd.Timestamp(event.end_date)
    ws = pd.Timestamp(event.warmup_start) if pd.notna(event.warmup_start) else start
    ae = pd.Timestamp(event.afterglow_end) if pd.notna(event.afterglow_end) else end
    days = pd.date_range(run_date + one, max(ae, run_date + one), freq="D")
    phase = np.full(len(days), np.nan, dtype=object)
    phase[(days >= ws) & (days < start)] = "warmup"
    phase[(days >= start) & (days <= end)] = "burst"
    phase[(days > end) & (days <= ae)] = "afterglow"
    return pd.Series(phase, index=days, dtype=object)


def forecast_demand(
    history: pd.DataFrame,
    event: EventRow,
    run_date: pd.Timestamp,
    mult: dict[str, float],
    forecast_item,
) -> pd.Series:
    """Units per key SKU to the end of the event from a daily forecaster.

    ``history``: daily units, one column per SKU, every day up to the run date;
    ``forecast_item(y, horizon=, promo_phase=, uplift=)`` returns the daily forecast of
    ``y`` with ``uplift[phase]`` applied on the days ``promo_phase`` marks.
    """
    phase = event_phases(event, run_date)
    out = {}
    for sku in history.columns:
        f = forecast_item(history[sku], horizon=len(phase), promo_phase=phase, uplift=mult)
        out[sku] = float(f.sum())
    return pd.Series(out, dtype=float)


def readiness(
    event: EventRow,
    rates: pd.DataFrame,
    inventory: pd.DataFrame | None,
    units: Evaluation,
    run_date: pd.Timestamp,
    settings: PromotionCalendarSettings,
    forecast: pd.Series | None = None,
) -> pd.DataFrame:
    """Stock readiness of the key SKUs for one upcoming promotion (:data:`READINESS_COLUMNS`;
    ``on_hand`` NaN and ``readiness`` ``unknown`` without an inventory table). ``forecast``
    (units to the event's end by SKU, :func:`forecast_demand`) replaces the baseline demand
    of the SKUs it covers (``method`` says which)."""
    factor = event_day_factor(event, run_date, phase_multipliers(units, event))
    out = rates[["sku_id", "daily_units"]].copy()
    out.insert(0, "promo_id", event.promo_id)
    out["expected_units"] = out["daily_units"] * factor
    out["method"] = "baseline"
    if forecast is not None and not forecast.empty:
        has = out["sku_id"].isin(forecast.index)
        out.loc[has, "expected_units"] = out.loc[has, "sku_id"].map(forecast).to_numpy()
        out.loc[has, "method"] = "forecast"
    stock = _latest_stock(inventory, run_date)
    out["on_hand"] = out["sku_id"].map(stock["on_hand"]).astype(float)
    lead = out["sku_id"].map(stock["lead_time_days"]).astype(float)
    out["lead_time_days"] = lead.fillna(settings.default_lead_time_days)
    anchor = pd.Timestamp(event.warmup_start if pd.notna(event.warmup_start) else event.start_date)
    out["last_reorder_day"] = anchor - pd.to_timedelta(out["lead_time_days"], unit="D")
    out["days_to_reorder"] = (out["last_reorder_day"] - run_date).dt.days
    need = out["expected_units"]
    out["readiness"] = np.select(
        [
            out["on_hand"].isna(),
            out["on_hand"] < need,
            out["on_hand"] < need * (1 + settings.safety_share),
        ],
        ["unknown", "short", "at_risk"],
        "enough",
    )
    return out[READINESS_COLUMNS]


def _latest_stock(inventory: pd.DataFrame | None, run_date: pd.Timestamp) -> pd.DataFrame:
    cols = ["on_hand", "lead_time_days"]
    if inventory is None or inventory.empty:
        return pd.DataFrame(columns=cols)
    inv = inventory[pd.to_datetime(inventory["date"]) <= run_date].sort_values("date")
    last = inv.groupby("sku_id").tail(1).set_index("sku_id")
    if "lead_time_days" not in last.columns:
        last["lead_time_days"] = np.nan
    return last[cols].apply(pd.to_numeric, errors="coerce")


def checklist(event: EventRow, run_date: pd.Timestamp, *, lang: str = "zh") -> pd.DataFrame:
    """Prep tasks of one event with due dates: ``task, due, days_left, state`` where state is
    ``overdue`` (due before the run date), ``this_week`` (within 7 days) or ``later``."""
    rows = []
    for key, zh, en, anchor, before in CHECKLIST:
        base = getattr(event, anchor)
        base = pd.Timestamp(base if pd.notna(base) else event.start_date)
        due = base - pd.Timedelta(days=before)
        left = (due - run_date).days
        state = "overdue" if left < 0 else "this_week" if left <= 7 else "later"
        rows.append(
            {
                "key": key,
                "task": en if lang == "en" else zh,
                "due": due,
                "days_left": left,
                "state": state,
            }
        )
    return pd.DataFrame(rows)


def next_promotion(upcoming: pd.DataFrame) -> pd.Series | None:
    """The first upcoming promotion (platform or shop), or None."""
    promos = upcoming[upcoming["source"].isin(("shop", "platform"))]
    return None if promos.empty else promos.iloc[0]
