"""What the daily review hands to the batch summary (``summary.json`` and the index page):
its headline KPIs, its alerts and the sections it skipped."""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers import i18n
from helpers.alerts import REGISTRY
from helpers.daily_review.review import DailyReview

#: which direction of change is good news, for colouring (default: higher)
BETTER: dict[str, str] = {"refund_rate": "lower", "ad_spend": "neutral"}

#: i18n unit -> the unit the index page prints after a value
_SUMMARY_UNITS = {"ratio": "%", "count": "", "ratio_x": ""}


def kpi_payload(
    review: DailyReview, *, lang: str = "zh", currency: str = "CNY"
) -> dict[str, dict[str, Any]]:
    """Headline KPIs in the shape the batch summary and index page expect."""
    out: dict[str, dict[str, Any]] = {}
    units = _SUMMARY_UNITS | {"currency": currency}
    for order, r in enumerate(review.kpis.itertuples(index=False)):
        if hasattr(r, "available") and not r.available:
            continue
        out[r.metric] = {
            "order": order,
            "better": BETTER.get(r.metric, "higher"),
            "label": i18n.metric_label(r.metric, lang),
            "value": r.value,
            "unit": units.get(i18n.metric_unit(r.metric), ""),
            "vs_prev_day": r.vs_prev_day,
            "vs_last_week": r.vs_last_week,
            "vs_avg_7d": r.vs_avg_7d,
            "vs_last_year": r.vs_last_year,
        }
    return out


def alerts_payload(review: DailyReview, *, lang: str = "zh") -> pd.DataFrame:
    """The review's alerts for the batch summary: every field plus the rule's display name
    and the message in the report language."""
    alerts = review.alerts.alerts
    if alerts.empty:
        return alerts
    return alerts.assign(
        rule_name=alerts["rule"].map(lambda r: REGISTRY.label(r, lang)),
        message=alerts["message_zh" if lang == "zh" else "message_en"],
    )


def summary(review: DailyReview, *, lang: str = "zh", currency: str = "CNY") -> dict[str, Any]:
    """The keyword arguments of :func:`helpers.report.publish` for this review: alerts, KPIs,
    quarantined rows and skipped sections (section -> the tables it lacked)."""
    return {
        "alerts": alerts_payload(review, lang=lang),
        "kpis": kpi_payload(review, lang=lang, currency=currency),
        "quarantined": review.quarantined_rows,
        "skipped": {section: list(tables) for section, tables in review.skipped.items()},
    }
