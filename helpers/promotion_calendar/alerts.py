"""Alerts the promotion calendar raises (records for ``summary.json``)."""

from __future__ import annotations

import pandas as pd

from helpers import festivals
from helpers.cells import cell_int, cell_number


def _record(severity, rule, subject, zh, en, metric, value, lang) -> dict:
    return {
        "severity": severity,
        "rule": rule,
        "subject": subject,
        "message": en if lang == "en" else zh,
        "message_zh": zh,
        "message_en": en,
        "metric": metric,
        "value": value,
    }


def promotion_alerts(
    readiness: pd.DataFrame | None,
    next_event: pd.Series | None,
    last: pd.Series | None,
    *,
    lang: str = "zh",
) -> list[dict]:
    """``stock_short_for_event`` (high) per key SKU short for the next promotion;
    ``event_lost_margin`` (medium) when the last evaluated event's incremental gross profit
    was below zero (a row of the economics table)."""
    out = []
    if readiness is not None and next_event is not None and not readiness.empty:
        name_zh = festivals.festival_name(next_event["name"], "zh")
        name_en = festivals.festival_name(next_event["name"], "en")
        for r in readiness[readiness["readiness"] == "short"].itertuples():
            expected = cell_number(r.expected_units)
            need, have = round(expected), cell_int(r.on_hand)
            out.append(
                _record(
                    "high",
                    "stock_short_for_event",
                    r.sku_id,
                    f"{r.sku_id} 库存 {have} 件，不够 {name_zh} 预计需求 {need} 件",
                    f"{r.sku_id}: {have} units on hand, short of the {need} expected for {name_en}",
                    "expected_units",
                    expected,
                    lang,
                )
            )
    if last is None:
        return out
    gp = last.get("incremental_gross_profit")
    if gp is not None and pd.notna(gp) and gp < 0:
        out.append(_lost_margin(last, float(gp), lang))
    return out


def _lost_margin(last: pd.Series, value: float, lang: str) -> dict:
    zh_name = festivals.festival_name(last["name"], "zh")
    en_name = festivals.festival_name(last["name"], "en")
    return _record(
        "medium",
        "event_lost_margin",
        last["promo_id"],
        f"{zh_name} 的增量毛利为负（{value:,.0f}）：扣除折扣和加投的推广后没有多赚钱",
        f"{en_name} lost gross profit ({value:,.0f}) once discounts and extra ad spend are counted",
        "incremental_gross_profit",
        value,
        lang,
    )
