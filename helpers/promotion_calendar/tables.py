"""Display tables of the promotion calendar (formatted, renamed, in the report language).
Text stays raw: pandas escapes cell text when it renders a DataFrame as HTML."""

from __future__ import annotations

import pandas as pd

from helpers import festivals
from helpers.promotion_calendar.charts import PHASE_LABELS, READINESS_LABELS
from helpers.view import format_frame

#: column -> (zh, en) headings
LABELS: dict[str, tuple[str, str]] = {
    "event": ("活动", "event"),
    "kind": ("类型", "kind"),
    "warmup_start": ("预热开始", "warm-up from"),
    "start_date": ("爆发", "burst"),
    "afterglow_end": ("余热结束", "after-glow to"),
    "days_to_go": ("倒计时（天）", "days to go"),
    "status": ("状态", "status"),
    "sku_id": ("商品ID", "SKU"),
    "daily_units": ("平日日均件数", "units / ordinary day"),
    "expected_units": ("预计需求（件）", "expected units"),
    "on_hand": ("现有库存", "on hand"),
    "lead_time_days": ("补货周期（天）", "lead time (days)"),
    "last_reorder_day": ("最晚下单日", "last reorder day"),
    "days_to_reorder": ("距最晚下单（天）", "days to reorder"),
    "readiness": ("备货状态", "readiness"),
    "task": ("准备事项", "task"),
    "due": ("截止日", "due"),
    "days_left": ("剩余天数", "days left"),
    "state": ("进度", "state"),
    "phase": ("阶段", "phase"),
    "days": ("天数", "days"),
    "actual": ("实际 GMV", "actual GMV"),
    "baseline": ("基线 GMV", "baseline GMV"),
    "incremental": ("增量 GMV", "incremental GMV"),
    "incremental_lower": ("增量下限", "incremental low"),
    "incremental_upper": ("增量上限", "incremental high"),
    "uplift": ("提升", "uplift"),
    "burst_uplift": ("爆发日提升", "burst uplift"),
    "total_uplift": ("全程提升", "whole-event uplift"),
    "discount_cost": ("折扣成本", "discount cost"),
    "extra_ad_spend": ("加投推广", "extra ad spend"),
    "margin": ("活动期毛利率", "margin in event"),
    "baseline_margin": ("平日毛利率", "ordinary margin"),
    "incremental_gross_profit": ("增量毛利", "incremental gross profit"),
    "roi": ("ROI", "ROI"),
    "refund_rate": ("活动订单退款率", "refund rate, event orders"),
    "baseline_refund_rate": ("平日退款率", "refund rate, ordinary"),
    "new_customers": ("新客数", "new customers"),
    "return_share": ("90天内回购", "back within 90 d"),
    "baseline_return_share": ("平日新客回购", "ordinary new customers back"),
    "mechanic": ("玩法", "mechanic"),
    "events": ("活动数", "events"),
    "incremental_gmv": ("平均增量 GMV", "mean incremental GMV"),
    "margin_gap_pp": ("毛利率差（百分点）", "margin gap (points)"),
    "depth": ("折扣力度", "discount depth"),
    "units_index": ("件数指数", "units index"),
    "gmv_index": ("GMV 指数", "GMV index"),
    "gross_profit_index": ("毛利指数", "gross profit index"),
    "hour": ("小时", "hour"),
    "gmv_this": ("今年 GMV", "GMV this year"),
    "gmv_last": ("去年 GMV", "GMV last year"),
    "cum_change": ("累计同比", "cumulative vs last year"),
}
KINDS = {
    "platform": ("平台大促", "platform festival"),
    "shop": ("店铺活动", "shop event"),
    "holiday": ("法定假日", "public holiday"),
    "logistics": ("快递停运", "logistics pause"),
}
STATUS = {
    "coming": ("未开始", "coming"),
    "warmup": ("预热中", "warming up"),
    "running": ("进行中", "running"),
}
STATES = {
    "overdue": ("已逾期", "overdue"),
    "this_week": ("本周内", "this week"),
    "later": ("之后", "later"),
}


COUNTRIES = {
    "CN": ("中国", "China"),
    "GB": ("英国", "the United Kingdom"),
    "BR": ("巴西", "Brazil"),
    "US": ("美国", "the United States"),
    "DE": ("德国", "Germany"),
    "FR": ("法国", "France"),
    "JP": ("日本", "Japan"),
}


MECHANICS = {
    "满减": "spend-threshold discount",
    "限时折扣": "limited-time discount",
    "赠品": "free gift",
    "免运费": "free shipping",
    "秒杀": "flash sale",
    "会员专享": "member-only offer",
    "未注明": "not stated",
}


def mechanic_name(mechanic: str, lang: str) -> str:
    """A promotion mechanic in ``lang`` (unknown ones as the data names them)."""
    return MECHANICS.get(mechanic, mechanic) if lang == "en" else mechanic


def country_name(code: str, lang: str) -> str:
    """A country's name in ``lang`` (the ISO code when unknown)."""
    return _pick(COUNTRIES.get(code, (code, code)), lang)


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _labels(lang: str) -> dict[str, str]:
    return {k: _pick(v, lang) for k, v in LABELS.items()}


def event_name(name: str, source: str, lang: str) -> str:
    """Display name of a calendar row: festivals and holidays translated, shop events as
    the shop named them."""
    if source in ("holiday", "workday"):
        return festivals.holiday_name(name, lang)
    if source == "logistics":
        return _pick(KINDS["logistics"], lang)
    return festivals.festival_name(name, lang)


def upcoming_table(data: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    d = data.assign(
        event=[event_name(n, s, lang) for n, s in zip(data["name"], data["source"], strict=True)],
        kind=data["kind"].map(lambda k: _pick(KINDS.get(k, (k, k)), lang)),
        status=data["status"].map(lambda k: _pick(STATUS[k], lang)),
    )
    for c in ("warmup_start", "start_date", "afterglow_end"):
        d[c] = d[c].dt.strftime("%Y-%m-%d")
    units = dict.fromkeys(["event", "kind", "warmup_start", "start_date", "afterglow_end"], "text")
    units |= {"days_to_go": "count", "status": "text"}
    return format_frame(d, units=units, labels=_labels(lang), lang=lang)


def readiness_table(data: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    d = data.assign(
        readiness=data["readiness"].map(lambda r: _pick(READINESS_LABELS[r], lang)),
        last_reorder_day=data["last_reorder_day"].dt.strftime("%Y-%m-%d"),
    )
    units = {
        "sku_id": "text",
        "daily_units": "ratio_x",
        "expected_units": "count",
        "on_hand": "count",
        "lead_time_days": "count",
        "last_reorder_day": "text",
        "days_to_reorder": "count",
        "readiness": "text",
    }
    return format_frame(d, units=units, labels=_labels(lang), lang=lang)


def checklist_table(data: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    d = data.assign(
        due=data["due"].dt.strftime("%Y-%m-%d"),
        state=data["state"].map(lambda s: _pick(STATES[s], lang)),
    )
    units = {"task": "text", "due": "text", "days_left": "count", "state": "text"}
    return format_frame(d, units=units, labels=_labels(lang), lang=lang)


def evaluated_table(phases: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY"):
    """One row per evaluated event: burst uplift, whole-event uplift and incremental GMV with
    its interval."""
    burst = phases[phases["phase"] == "burst"].set_index("promo_id")
    total = phases[phases["phase"] == "total"].set_index("promo_id")
    d = total.assign(
        event=[festivals.festival_name(n, lang) for n in total["name"]],
        start_date=burst["first"].reindex(total.index).dt.strftime("%Y-%m-%d"),
        burst_uplift=burst["uplift"].reindex(total.index),
        total_uplift=total["uplift"],
    ).reset_index()
    units = {
        "event": "text",
        "start_date": "text",
        "burst_uplift": "ratio",
        "total_uplift": "ratio",
        "incremental": "currency",
        "incremental_lower": "currency",
        "incremental_upper": "currency",
    }
    return format_frame(d, units=units, labels=_labels(lang), lang=lang, currency=currency)


def phases_table(phases: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY"):
    d = phases.assign(phase=phases["phase"].map(lambda p: _pick(PHASE_LABELS[p], lang)))
    units = {
        "phase": "text",
        "days": "count",
        "actual": "currency",
        "baseline": "currency",
        "uplift": "ratio",
        "incremental": "currency",
        "incremental_lower": "currency",
        "incremental_upper": "currency",
    }
    return format_frame(d, units=units, labels=_labels(lang), lang=lang, currency=currency)


def economics_table(data: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY"):
    d = data.assign(event=[festivals.festival_name(n, lang) for n in data["name"]])
    units = {
        "event": "text",
        "discount_cost": "currency",
        "extra_ad_spend": "currency",
        "margin": "ratio",
        "baseline_margin": "ratio",
        "incremental_gross_profit": "currency",
        "roi": "ratio_x",
        "refund_rate": "ratio",
        "baseline_refund_rate": "ratio",
        "new_customers": "count",
        "return_share": "ratio",
        "baseline_return_share": "ratio",
    }
    return format_frame(d, units=units, labels=_labels(lang), lang=lang, currency=currency)


def mechanics_table(data: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY"):
    data = data.assign(mechanic=data["mechanic"].map(lambda m: mechanic_name(m, lang)))
    units = {
        "mechanic": "text",
        "events": "count",
        "burst_uplift": "ratio",
        "incremental_gmv": "currency",
        "margin": "ratio",
        "margin_gap_pp": "ratio_x",
        "roi": "ratio_x",
    }
    return format_frame(data, units=units, labels=_labels(lang), lang=lang, currency=currency)


def what_if_table(data: pd.DataFrame, *, lang: str = "zh"):
    units = {
        "depth": "ratio",
        "units_index": "ratio_x",
        "gmv_index": "ratio_x",
        "gross_profit_index": "ratio_x",
    }
    return format_frame(data, units=units, labels=_labels(lang), lang=lang)


def hours_table(data: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY"):
    d = data.assign(hour=data["hour"].map(lambda h: f"{h:02d}:00"))
    units = {"hour": "text", "gmv_this": "currency", "gmv_last": "currency", "cum_change": "change"}
    return format_frame(d, units=units, labels=_labels(lang), lang=lang, currency=currency)
