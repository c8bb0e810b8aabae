"""What the daily review hands to the batch summary (``summary.json`` and the index page):
its headline KPIs, its alerts (each with a stable ``key``), the sections it skipped, and in
``extra`` the review itself (the baseline, the three answers as plain text, the headline
against the baseline) and the next actions ranked by money at stake. The schema is written
out in ``docs/architecture.md`` (summary.json)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from helpers import i18n
from helpers.alerts import REGISTRY
from helpers.alerts.actions import next_actions
from helpers.cells import cell_int, cell_items, cell_number, frame_records
from helpers.daily_review.review import HISTORY_METRICS, DailyReview
from helpers.daily_review.story import STORY_ACTIONS, story
from helpers.daily_review.theme import THEME
from helpers.exports import Export, export_table
from helpers.metrics.comparison import comparison_label
from helpers.report import alert_key

#: next-action rule -> the name of the exported list behind it (helpers.exports)
ACTION_EXPORTS: dict[str, str] = {"unshipped_sla": "overdue_orders"}

#: the three answers: summary key -> story key
ANSWERS: dict[str, str] = {"what_changed": "where", "why": "why", "what_to_do": "next"}

#: which direction of change is good news, for colouring (default: higher)
BETTER: dict[str, str] = {"refund_rate": "lower", "ad_spend": "neutral"}

#: i18n unit -> the unit the index page prints after a value
_SUMMARY_UNITS = {"ratio": "%", "count": "", "ratio_x": ""}


#: Why a KPI has no comparison with last year ``(zh, en)``, shown on the index card.
LAST_YEAR_NOTES: dict[str, tuple[str, str]] = {
    "missing": ("去年同期无数据", "no data a year ago"),
    "partial": (
        "去年同期之前的数据不足一年，不作比较",
        "under a year of data before it: not compared",
    ),
}


def last_year_note(review: DailyReview, metric: str, lang: str) -> str | None:
    """Why ``metric`` has no change against last year (None when it has one): the data do
    not reach back a year (``missing``), or, for new / returning buyers, they reach it with
    less than a year of history before it (``partial``, :func:`helpers.daily_review.review.
    partial_year_buyers`)."""
    row = review.kpis.loc[review.kpis["metric"] == metric]
    if row.empty or pd.notna(row["vs_last_year"].iloc[0]):
        return None
    partial = metric in HISTORY_METRICS and review.yoy_buyers_from is not None
    zh, en = LAST_YEAR_NOTES["partial" if partial else "missing"]
    return zh if lang == "zh" else en


def kpi_payload(
    review: DailyReview, *, lang: str = "zh", currency: str = "CNY"
) -> dict[str, dict[str, Any]]:
    """Headline KPIs in the shape the batch summary and index page expect; a KPI without a
    change against last year carries ``last_year_note`` (:func:`last_year_note`)."""
    out: dict[str, dict[str, Any]] = {}
    units = _SUMMARY_UNITS | {"currency": currency}
    for order, r in enumerate(review.kpis.itertuples(index=False)):
        if hasattr(r, "available") and not r.available:
            continue
        metric = str(r.metric)
        out[metric] = {
            "order": order,
            "better": BETTER.get(metric, "higher"),
            "label": i18n.metric_label(metric, lang),
            "value": r.value,
            "unit": units.get(i18n.metric_unit(metric), ""),
            "vs_prev_day": r.vs_prev_day,
            "vs_last_week": r.vs_last_week,
            "vs_avg_7d": r.vs_avg_7d,
            "vs_last_year": r.vs_last_year,
        }
        note = last_year_note(review, metric, lang)
        if note:
            out[metric]["last_year_note"] = note
    return out


def alerts_payload(review: DailyReview, *, lang: str = "zh") -> pd.DataFrame:
    """The review's alerts for the batch summary: every field plus the rule's display name
    and the message in the report language."""
    alerts = review.alerts.alerts
    if alerts.empty:
        return alerts
    return alerts.assign(
        key=[alert_key(r) for r in frame_records(alerts)],
        rule_name=alerts["rule"].map(lambda r: REGISTRY.label(r, lang)),
        message=alerts["message_zh" if lang == "zh" else "message_en"],
    )


#: exported list name -> (zh, en) caption
EXPORT_TITLES: dict[str, tuple[str, str]] = {
    "overdue_orders": (
        "付款超时未发货订单（按付款日期、商品）",
        "Overdue orders (by paid date, item)",
    ),
}


def export_lists(review: DailyReview, output_dir: str | None) -> list[Export]:
    """Write the lists behind the next actions beside the report (CSV and .xlsx, ids only):
    the overdue orders by paid date and item. Nothing without ``output_dir`` or rows."""
    frames = {"overdue_orders": review.overdue_orders}
    out = []
    for name, frame in frames.items():
        if frame is None or frame.empty:
            continue
        done = export_table(
            frame,
            output_dir=output_dir,
            notebook=THEME.notebook,
            name=name,
            title=EXPORT_TITLES[name],
        )
        if done is not None:
            out.append(done)
    return out


def plain(line: str) -> str:
    """A story line as plain text: Markdown bold and the escapes of
    :func:`helpers.report.escape_text` undone (JSON is not Markdown)."""
    return html.unescape(line.replace("**", ""))


def steps_by_lang(review: DailyReview) -> dict[str, pd.DataFrame]:
    """The review's next actions in both languages (same steps, same order)."""
    return {
        lang: next_actions(review.action_alerts, lang=lang, limit=len(review.actions))
        for lang in ("zh", "en")
    }


def review_payload(review: DailyReview, *, currency: str = "CNY") -> dict[str, Any]:
    """``extra["review"]``: the baseline, the three answers (zh and en, plain text, one line
    per sentence) and the headline KPIs against the baseline (GMV first)."""
    texts = {lang: story(review, lang=lang, currency=currency) for lang in ("zh", "en")}
    for lang, steps in steps_by_lang(review).items():  # the report's actions are in one language
        texts[lang]["next"] = steps["action"].head(STORY_ACTIONS).tolist()
    answers = {
        key: {lang: "\n".join(plain(x) for x in texts[lang][part]) for lang in texts}
        for key, part in ANSWERS.items()
    }
    c = review.comparison
    baseline = (
        None
        if c is None
        else {
            "key": c.kind,
            "label_zh": comparison_label(c, "zh"),
            "label_en": comparison_label(c, "en"),
            "start": f"{c.start:%Y-%m-%d}",
            "end": f"{c.end:%Y-%m-%d}",
        }
    )
    headline = [
        {
            "metric": r.metric,
            "value": _num(r.value),
            "baseline": _num(r.baseline),
            "change": _num(r.change),
            "change_unit": r.change_unit,
        }
        for r in review.headline.itertuples(index=False)
        if np.isfinite(cell_number(r.value))
    ]
    return {"baseline": baseline, "answers": answers, "headline": headline}


def _num(x: Any) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def actions_payload(
    review: DailyReview, *, currency: str = "CNY", exports: Iterable[Any] = ()
) -> list[dict[str, Any]]:
    """``extra["next_actions"]``: the next steps in rank order (money at stake first), each
    in both languages with its money (None without an estimate) and ``stake_kind``
    (``per_day``: ¥ a day; ``once``: a one-time amount at risk), severity, the keys
    of the alerts behind it and the file name of the list exported for it (CSV, or None)."""
    files = {e.name: e.files[0] for e in exports if e is not None and e.files}
    steps = steps_by_lang(review)
    en = steps["en"].set_index("key")["action"]
    out = []
    for r in steps["zh"].itertuples(index=False):
        out.append(
            {
                "key": r.key,
                "rank": cell_int(r.priority),
                "text_zh": r.action,
                "text_en": str(en.get(r.key, r.action)),
                "money_at_stake": _num(r.money_at_stake),
                "stake_kind": r.stake_kind or None,
                "currency": currency,
                "severity": r.severity,
                "alert_keys": cell_items(r.alert_keys),
                "export": files.get(ACTION_EXPORTS.get(str(r.rule), "")),
            }
        )
    return out


def summary(
    review: DailyReview, *, lang: str = "zh", currency: str = "CNY", exports: Iterable[Any] = ()
) -> dict[str, Any]:
    """The keyword arguments of :func:`helpers.report.publish` for this review: alerts, KPIs,
    quarantined rows, skipped sections (section -> the tables it lacked), the exported lists
    and ``extra`` = ``{"review": ..., "next_actions": [...]}``."""
    exports = [e for e in exports if e is not None]
    return {
        "alerts": alerts_payload(review, lang=lang),
        "kpis": kpi_payload(review, lang=lang, currency=currency),
        "quarantined": review.quarantined_rows,
        "skipped": {section: list(tables) for section, tables in review.skipped.items()},
        "extra": {
            "review": review_payload(review, currency=currency),
            "next_actions": actions_payload(review, currency=currency, exports=exports),
        },
        "exports": exports,
    }
