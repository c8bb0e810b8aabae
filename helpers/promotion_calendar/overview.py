"""Everything one run of the promotion calendar shows, computed once from the run context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers import festivals
from helpers.promotion_calendar import economics as econ
from helpers.promotion_calendar import live, mechanics, upcoming
from helpers.promotion_calendar.alerts import promotion_alerts
from helpers.promotion_calendar.evaluation import Evaluation, evaluate_events, ordinary_days
from helpers.promotion_calendar.mechanics import Elasticity
from helpers.promotion_calendar.theme import THEME, PromotionCalendarSettings

#: day categories of the calendar charts, strongest first
DAY_CATEGORIES = ("burst", "warmup", "afterglow", "logistics", "holiday", "workday", "ordinary")


def calendar_days(events: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """One row per day of ``[start, end]``: ``date, category`` (the strongest of
    :data:`DAY_CATEGORIES`), ``label`` (event name on its first day of that category, else
    empty)."""
    days = pd.date_range(start, end, freq="D")
    rank = np.full(len(days), len(DAY_CATEGORIES) - 1)
    label = np.full(len(days), "", dtype=object)
    promo = festivals.promo_days(events[events["source"].isin(("shop", "platform"))])
    promo = promo[(promo["date"] >= days[0]) & (promo["date"] <= days[-1])]
    day = pd.to_datetime(promo["date"])
    spans = list(zip(day, day, promo["phase"], promo["name"], strict=True))
    other = events[~events["source"].isin(("shop", "platform"))]
    starts, ends = pd.to_datetime(other["start_date"]), pd.to_datetime(other["end_date"])
    spans += zip(starts, ends, other["source"], other["name"], strict=True)
    for a, b, c, name in spans:
        sel = np.flatnonzero((days >= a) & (days <= b))
        if not len(sel):
            continue
        r = DAY_CATEGORIES.index(c)
        rank[sel] = np.minimum(rank[sel], r)
        if label[sel[0]] == "" and (sel[0] == 0 or days[sel[0] - 1] < a):
            label[sel[0]] = name
    cat = np.array(DAY_CATEGORIES, dtype=object)[rank]
    return pd.DataFrame({"date": days, "category": cat, "label": label})


def seasonality(past: pd.DataFrame, events: pd.DataFrame) -> dict[str, Any]:
    """The shop's own season over the past year (complete months only).

    ``peak_month`` is the month with the highest GMV and ``peak_index`` its GMV / the mean
    month's; the longest run of days without sales (``gap_start`` .. ``gap_end``,
    ``gap_days``) is named after the public holiday it overlaps (``gap_holiday``, else None).
    """
    d = past.dropna(subset=["gmv"])
    if d.empty:
        return {}
    month = d.groupby(d["date"].dt.to_period("M"))["gmv"].agg(["sum", "count"])
    full = month[month["count"] >= 28]["sum"]
    out: dict[str, Any] = {}
    if len(full) >= 3 and full.mean() > 0:
        out |= {"peak_month": str(full.idxmax()), "peak_index": float(full.max() / full.mean())}
    zero = (d["gmv"] <= 0).to_numpy()
    best, run, end = 0, 0, 0
    for i, z in enumerate(zero):
        run = run + 1 if z else 0
        if run > best:
            best, end = run, i
    if best >= 3:
        a, b = d["date"].iloc[end - best + 1], d["date"].iloc[end]
        hol = events[
            (events["source"] == "holiday")
            & (events["end_date"] >= a)
            & (events["start_date"] <= b)
        ]
        out |= {
            "gap_start": f"{a:%Y-%m-%d}",
            "gap_end": f"{b:%Y-%m-%d}",
            "gap_days": int(best),
            "gap_holiday": hol["name"].iloc[0] if not hol.empty else None,
        }
    return out


@dataclass(frozen=True)
class PromotionCalendar:
    """The results of one run (see the notebook for what each shows)."""

    run_date: pd.Timestamp
    country: str | None
    events: pd.DataFrame
    next_days: pd.DataFrame
    past_days: pd.DataFrame
    upcoming: pd.DataFrame
    next_event: pd.Series | None
    readiness: pd.DataFrame | None
    checklist: pd.DataFrame | None
    gmv: Evaluation
    units: Evaluation
    economics: pd.DataFrame
    last_event: pd.Series | None
    live: dict[str, Any] | None
    mechanics: pd.DataFrame
    elasticity: Elasticity | None
    what_if: pd.DataFrame
    alerts: list[dict]
    skipped: dict[str, tuple[str, ...]]
    season: dict[str, Any]


def _settings(ctx) -> PromotionCalendarSettings:
    try:
        return ctx.settings.section("promotion_calendar")
    except KeyError:  # pragma: no cover - the theme is discovered, its section exists
        return PromotionCalendarSettings()


def run_calendar(ctx) -> tuple[pd.DataFrame, str | None]:
    """The calendar of the run, events from 60 days before the data to the horizon, and
    the country whose public holidays it holds (None when unknown)."""
    s = _settings(ctx)
    first = ctx.facts.daily["date"].min()
    end = ctx.run_date + pd.Timedelta(days=s.horizon_days + 60)
    country = s.country or festivals.country_for(
        ctx.settings.timezone, ctx.settings.platform_calendar
    )
    return festivals.calendar(
        first - pd.Timedelta(days=60),
        end,
        promotions=ctx.dataset.tables.get("promotions"),
        platform_calendar=ctx.settings.platform_calendar,
        country=country,
        windows=s.festival_windows,
        pause=(-s.pause_before_days, s.pause_after_days),
    ), country


def calendar_for(ctx, *, lang: str | None = None) -> PromotionCalendar:
    """Compute every section for the run context ``ctx`` (:func:`helpers.context.load_context`)."""
    s = _settings(ctx)
    lang = lang or ctx.lang
    day = ctx.run_date
    facts, tables = ctx.facts, ctx.dataset.tables
    events, country = run_calendar(ctx)
    ordinary = ordinary_days(pd.DatetimeIndex(facts.daily["date"]), events, s)
    gmv = evaluate_events(facts.daily, events, day, s, metric="gmv")
    units = evaluate_events(facts.daily, events, day, s, metric="units")
    # only the columns the economics read, not the whole orders table
    orders = econ.paid_orders(ctx.dataset.read("orders", econ.ORDER_COLUMNS), day)
    margins = econ.daily_margin(facts.daily_item, tables.get("products"))
    refunded = (
        pd.Index(facts.refunds["order_id"].dropna().unique()) if facts.has("after_sales") else None
    )
    economics = econ.event_economics(
        gmv,
        events,
        daily=facts.daily,
        margins=margins,
        orders=orders,
        refunded=refunded,
        ordinary=ordinary,
        run_date=day,
        settings=s,
    )
    last = _last_event(gmv, economics if not margins.empty else None)
    past = _past_days(events, facts.daily, day)
    up = upcoming.upcoming_events(events, day, s.horizon_days)
    nxt = upcoming.next_promotion(up)
    ready = check = None
    if nxt is not None:
        rates = upcoming.key_sku_rates(facts.daily_item, ordinary, day, s.key_skus, s.baseline_days)
        fc = _forecast(facts.daily_item, rates, nxt, units, day)
        ready = upcoming.readiness(nxt, rates, tables.get("inventory"), units, day, s, fc)
        check = upcoming.checklist(nxt, day, lang=lang)
    mech = mechanics.compare_mechanics(gmv, economics)
    price, cost = mechanics.unit_economics(margins, ordinary)
    el = mechanics.fit_elasticity(units, price, cost) if price == price else None
    whatif = mechanics.what_if(el) if el is not None else pd.DataFrame()
    return PromotionCalendar(
        run_date=day,
        country=country,
        events=events,
        next_days=calendar_days(
            events, day + pd.Timedelta(days=1), day + pd.Timedelta(days=s.horizon_days)
        ),
        past_days=past,
        upcoming=up,
        next_event=nxt,
        readiness=ready if tables.get("inventory") is not None else None,
        checklist=check,
        gmv=gmv,
        units=units,
        economics=economics if not margins.empty else economics.iloc[0:0],
        last_event=last,
        live=_live(events, orders, facts.daily, day),
        mechanics=mech,
        elasticity=el,
        what_if=whatif,
        alerts=promotion_alerts(ready, nxt, last, lang=lang),
        skipped=THEME.skipped(ctx.available),
        season=seasonality(past, events),
    )


def _forecast(daily_item, rates, event, units, day) -> pd.Series | None:
    """Units to the event's end per key SKU from the product-matrix forecast (None when that
    theme is not installed or the history is shorter than it needs)."""
    try:
        from helpers.product_matrix.forecast import FIT_DAYS, MIN_DAYS, forecast_item
    except ImportError:  # pragma: no cover - the product matrix ships with the playbook
        return None
    start = day - pd.Timedelta(days=FIT_DAYS - 1)
    items = daily_item[(daily_item["date"] >= start) & daily_item["sku_id"].isin(rates["sku_id"])]
    history = items.pivot_table(index="date", columns="sku_id", values="units", aggfunc="sum")
    history = history.reindex(pd.date_range(start, day), fill_value=0.0).fillna(0.0)
    if len(history) < MIN_DAYS or history.empty:
        return None
    mult = upcoming.phase_multipliers(units, event)
    return upcoming.forecast_demand(history, event, day, mult, forecast_item)


def _last_event(gmv: Evaluation, economics: pd.DataFrame | None) -> pd.Series | None:
    """The most recent evaluated promotion (by burst start): ``promo_id, name, first``
    (burst start), ``burst_uplift``, ``incremental_gmv`` and, with unit costs, its
    economics row (``incremental_gross_profit``, ``roi`` ...; NaN without)."""
    burst = gmv.phases[gmv.phases["phase"] == "burst"]
    if burst.empty:
        return None
    b = burst.sort_values("first").iloc[-1]
    total = gmv.row(b["promo_id"], "total")
    out = pd.Series(
        {
            "promo_id": b["promo_id"],
            "name": b["name"],
            "first": b["first"],
            "burst_uplift": b["uplift"],
            "incremental_gmv": total["incremental"],
            "incremental_gross_profit": np.nan,
            "roi": np.nan,
        }
    )
    if economics is not None and (economics["promo_id"] == b["promo_id"]).any():
        row = economics[economics["promo_id"] == b["promo_id"]].iloc[0]
        out = pd.concat(
            [
                out.drop(["incremental_gross_profit", "roi"]),
                row.drop(["promo_id", "name", "incremental_gmv"]),
            ]
        )
    return out


def _past_days(events: pd.DataFrame, daily: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    start = max(day - pd.Timedelta(days=364), daily["date"].min())
    grid = calendar_days(events, start, day)
    return grid.merge(daily[["date", "gmv"]], on="date", how="left")


def _live(events, orders, daily, day) -> dict[str, Any] | None:
    pair = live.pair_for(events, day, daily["date"].min())
    if pair is None:
        return None
    this, last = pair
    return {
        "this": this,
        "last": last,
        "hours": live.burst_hours(orders, this, last),
        "days": live.phase_days(daily, this, last),
    }
