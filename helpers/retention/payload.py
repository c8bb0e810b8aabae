"""What the retention notebook publishes: headline KPIs, alerts and the headline numbers
(with the fitted model parameters and their time unit) for ``summary.json``."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from helpers import i18n
from helpers.alerts.base import REGISTRY, Alert
from helpers.facts import as_day
from helpers.retention import alert_rules  # noqa: F401  (registers the retention rules)
from helpers.retention.clv import UNIT_DAYS
from helpers.retention.snapshot import Retention
from helpers.retention.theme import THEME


def _finite(x: float) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def _change(now: float, before: float) -> float | None:
    """Relative change ``now / before - 1``, None when either side is unknown or zero."""
    if not (_finite(now) and _finite(before)) or before == 0:
        return None
    return now / before - 1


def predicted_total(r: Retention, horizon: int) -> float | None:
    """Sum of the customers' predicted value over ``horizon`` days (None without a fit)."""
    col = f"value_{horizon}d"
    if not r.value.fitted or col not in r.value.customers:
        return None
    return float(r.value.customers[col].sum())


def kpi_payload(r: Retention, *, lang: str = "zh", currency: str = "CNY") -> dict[str, Any]:
    """Headline KPIs: customers, repeat rate, dormant share, predicted value (first horizon).

    ``vs_last_year`` compares with the same window (or date) a year earlier.
    """
    h = r.settings.horizons_days[0] if r.settings.horizons_days else None
    rows: list[tuple[str, Any, str, str, float | None]] = [
        ("customers", len(r.rfm), "", "higher", None),
        (
            "repeat_rate",
            r.repeat.rate,
            "%",
            "higher",
            _change(r.repeat.rate, r.repeat_last_year.rate),
        ),
        (
            "dormant_share",
            r.dormant_share,
            "%",
            "lower",
            _change(r.dormant_share, r.dormant_share_last_year),
        ),
    ]
    if h is not None and predicted_total(r, h) is not None:
        rows.append((f"predicted_value_{h}d", predicted_total(r, h), currency, "higher", None))
    out = {}
    for order, (metric, value, unit, better, vs_year) in enumerate(rows):
        label = i18n.metric_label(metric, lang)
        if metric.startswith("predicted_value_"):
            label = i18n.metric_label("predicted_value", lang) + (
                f"（{h} 天）" if lang == "zh" else f" ({h} days)"
            )
        out[metric] = {
            "order": order,
            "better": better,
            "label": label,
            "value": value,
            "unit": unit,
            "vs_last_year": vs_year,
        }
    return out


def model_payload(r: Retention) -> dict[str, Any]:
    """The value model for ``summary.json``: status, fitted parameters with their time unit,
    customers fitted and the hold-out totals (never numbers of a failed fit). The fit time
    is shown in the report only: the same data and date give the same summary."""
    v = r.value
    out: dict[str, Any] = {"status": v.status}
    models = v.models()
    if models is None:
        out["reason"] = v.reason[1] if v.reason else None
        return out
    bgnbd, gamma_gamma = models
    out["time_unit"] = bgnbd.unit
    out["unit_days"] = UNIT_DAYS
    out["bgnbd"] = {**bgnbd.params(), "customers": bgnbd.customers}
    out["gamma_gamma"] = {**gamma_gamma.params(), "customers": gamma_gamma.customers}
    if v.holdout is not None:
        h = v.holdout
        out["holdout"] = {
            "days": r.settings.holdout_days,
            "predicted_purchases": float((h["predicted"] * h["customers"]).sum()),
            "actual_purchases": float((h["actual"] * h["customers"]).sum()),
        }
    return out


def movement_payload(r: Retention) -> dict[str, Any]:
    """Segment movement counts per window: moved, stayed, new, every flow between two
    different segments (``"from>to"``: customers, largest first), and in the simple view the
    customers who fell dormant and those who came back."""
    out = {}
    for name, m in r.moves.items():
        s = r.simple_moves[name].pairs
        fell = s.loc[(s["from"] != "沉睡") & (s["from"] != "新客") & (s["to"] == "沉睡")]
        back = s.loc[(s["from"] == "沉睡") & (s["to"] != "沉睡")]
        moved = m.pairs.loc[m.pairs["from"] != m.pairs["to"]]
        moved = moved.sort_values(["customers", "from", "to"], ascending=[False, True, True])
        out[name] = {
            "since": m.since.strftime("%Y-%m-%d"),
            "flows": {f"{a}>{b}": int(n) for a, b, n in moved.itertuples(index=False)},
            "moved": m.moved,
            "stayed": m.stayed,
            "new": m.new,
            "fell_dormant": int(fell["customers"].sum()),
            "reactivated": int(back["customers"].sum()),
        }
    return out


def cohort_payload(r: Retention, months: tuple[int, ...] = (1, 3)) -> list[dict[str, Any]]:
    """Per first-purchase month (the cohorts shown): its size and the share of its customers
    buying again ``k`` months later for each k in ``months`` (None when not reached yet)."""
    out = []
    for label, rows in r.cohorts.groupby("cohort"):
        cohort = as_day(label)
        share = rows.set_index("month_index")["share"]
        entry: dict[str, Any] = {"cohort": f"{cohort:%Y-%m}", "size": int(rows["size"].iloc[0])}
        last = (r.run_date.year - cohort.year) * 12 + r.run_date.month - cohort.month
        for k in months:
            entry[f"month_{k}"] = float(share.get(k, 0.0)) if k <= last else None
        out.append(entry)
    return out


def headline(r: Retention) -> dict[str, Any]:
    """The retention headline numbers for ``summary.json`` (``extra``)."""
    out: dict[str, Any] = {
        "customers": len(r.rfm),
        "repeat_rate": r.repeat.rate,
        "repeat_window_days": r.settings.repeat_window_days,
        "repeat_rate_last_year": r.repeat_last_year.rate,
        "window_buyers": r.repeat.buyers,
        "repeat_buyers": r.repeat.repeat_buyers,
        "cohorts": cohort_payload(r),
        "dormant_share": r.dormant_share,
        "dormant_share_last_year": r.dormant_share_last_year,
        "dormant_days": r.settings.dormant_days,
        "segment_movement": movement_payload(r),
        "winback_customers": len(r.winback),
        "model": model_payload(r),
    }
    for h in r.settings.horizons_days:
        out[f"predicted_value_{h}d"] = predicted_total(r, h)
    return out


def rule_results(r: Retention) -> tuple[list[Alert], list[tuple[str, str, str]]]:
    """Every retention rule of :data:`helpers.alerts.REGISTRY` on ``r``: its alerts and the
    rules not checked as ``(rule, reason, reason_zh)``."""
    found: list[Alert] = []
    skipped: list[tuple[str, str, str]] = []
    for rule in REGISTRY.in_report_order(THEME.name):
        alerts_, missed = rule.run(r)
        found += alerts_
        skipped += missed
    return found, skipped


def alerts(r: Retention, *, lang: str = "zh") -> pd.DataFrame:
    """Alerts of the retention rules (:mod:`helpers.retention.alert_rules`): the dormant
    share up, or the repeat rate down, against a year earlier."""
    found, _ = rule_results(r)
    cols = ["rule", "severity", "metric", "value", "message_zh", "message_en"]
    out = pd.DataFrame([[getattr(a, c) for c in cols] for a in found], columns=cols)
    out["subject"] = i18n.channel_label("全店", lang)
    out["message"] = out["message_zh" if lang == "zh" else "message_en"]
    return out.loc[
        :, ["severity", "rule", "subject", "message", "message_zh", "message_en", "metric", "value"]
    ]


def not_checked(r: Retention, *, lang: str = "zh") -> list[str]:
    """The retention rules that could not run, one plain line each (name: reason)."""
    _, skipped = rule_results(r)
    sep = "：" if lang == "zh" else ": "
    return [
        REGISTRY.label(rule, lang) + sep + (zh if lang == "zh" else en) for rule, en, zh in skipped
    ]
