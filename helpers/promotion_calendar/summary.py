"""The promotion calendar's entry in ``summary.json``: alerts, headline numbers, skipped
sections and exported lists."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers import i18n
from helpers.exports import export_table
from helpers.promotion_calendar.overview import PromotionCalendar
from helpers.promotion_calendar.theme import THEME


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def readiness_counts(cal: PromotionCalendar) -> dict[str, int]:
    """Key SKUs per readiness state for the next promotion (empty without inventory)."""
    if cal.readiness is None or cal.readiness.empty:
        return {}
    counts = cal.readiness["readiness"].value_counts()
    return {k: int(counts.get(k, 0)) for k in ("enough", "at_risk", "short")}


def headline(cal: PromotionCalendar) -> dict[str, Any]:
    """Next event, days to go, readiness counts, last event's incremental GMV and ROI."""
    nxt, last = cal.next_event, cal.last_event
    return {
        "next_event": None
        if nxt is None
        else {
            "promo_id": nxt["promo_id"],
            "name": nxt["name"],
            "start_date": f"{nxt['start_date']:%Y-%m-%d}",
            "days_to_go": int(nxt["days_to_go"]),
        },
        "readiness": readiness_counts(cal),
        "last_event": None
        if last is None
        else {
            "promo_id": last["promo_id"],
            "name": last["name"],
            "burst_uplift": _num(last["burst_uplift"]),
            "incremental_gmv": _num(last["incremental_gmv"]),
            "incremental_gross_profit": _num(last.get("incremental_gross_profit")),
            "roi": _num(last.get("roi")),
        },
        "events_evaluated": int((cal.gmv.phases["phase"] == "total").sum()),
        "country": cal.country,
        "live": _live(cal),
        "season": cal.season,
        "calendar_sources": _sources(cal),
    }


def _sources(cal: PromotionCalendar) -> dict[str, int]:
    """Calendar rows by source (shop, platform, holiday, workday, logistics) from a year
    before the run date to the end of the horizon."""
    ev = cal.events
    lo, hi = cal.run_date - pd.Timedelta(days=364), cal.next_days["date"].max()
    ev = ev[(ev["start_date"] >= lo) & (ev["start_date"] <= hi)]
    return {k: int(v) for k, v in ev["source"].value_counts().sort_index().items()}


def _live(cal: PromotionCalendar) -> dict[str, Any] | None:
    """The festival compared with last year's: ids and burst-day GMV of both."""
    if cal.live is None:
        return None
    hours = cal.live["hours"]
    return {
        "this": cal.live["this"].promo_id,
        "last": cal.live["last"].promo_id,
        "burst_gmv_this": float(hours["gmv_this"].sum()),
        "burst_gmv_last": float(hours["gmv_last"].sum()),
    }


def kpis(cal: PromotionCalendar, *, lang: str = "zh", currency: str = "CNY") -> dict[str, Any]:
    h = headline(cal)
    en = lang == "en"
    out: dict[str, Any] = {}
    if h["next_event"] is not None:
        out["days_to_next_event"] = {
            "value": h["next_event"]["days_to_go"],
            "label": i18n.metric_label("days_to_next_event", lang),
            "order": 1,
        }
    if h["readiness"]:
        out["skus_short"] = {
            "value": h["readiness"]["short"],
            "label": i18n.metric_label("skus_short", lang),
            "order": 2,
        }
    last = h["last_event"]
    if last is not None:
        out["last_event_incremental_gmv"] = {
            "value": last["incremental_gmv"],
            "label": ("Last event: " if en else "上个活动")
            + i18n.metric_label("incremental_gmv", lang),
            "unit": currency,
            "order": 3,
        }
        if last["roi"] is not None:
            out["last_event_roi"] = {
                "value": last["roi"],
                "label": "Last event: ROI" if en else "上个活动 ROI",
                "order": 4,
            }
    return out


def summary(
    cal: PromotionCalendar, *, lang: str = "zh", currency: str = "CNY", output_dir: str = ""
) -> dict[str, Any]:
    """The keyword arguments of :func:`helpers.report.publish`; writes the exported lists
    (readiness of the next event, events evaluated) when ``output_dir`` is set."""
    exports = []
    if cal.readiness is not None and not cal.readiness.empty:
        exports.append(
            export_table(
                cal.readiness,
                output_dir=output_dir,
                notebook=THEME.notebook,
                name="readiness",
                title=("下个活动的备货检查", "Stock readiness for the next event"),
            )
        )
    if not cal.gmv.phases.empty:
        exports.append(
            export_table(
                cal.gmv.phases.replace({np.nan: None}),
                output_dir=output_dir,
                notebook=THEME.notebook,
                name="events_evaluated",
                title=("过去活动的分阶段评估", "Past events by phase against the baseline"),
            )
        )
    return {
        "alerts": cal.alerts,
        "kpis": kpis(cal, lang=lang, currency=currency),
        "skipped": {k: list(v) for k, v in cal.skipped.items()},
        "extra": headline(cal),
        "exports": [e for e in exports if e is not None],
    }
