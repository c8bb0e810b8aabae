"""The morning views (:mod:`.morning`) as display tables and plain sentences.

They format and translate; they never compute metrics. Rate changes are written in
percentage points (个百分点 / pp), money in the shop currency with its symbol.
"""

from __future__ import annotations

import math

import pandas as pd

from helpers import i18n
from helpers.cells import cell_optional_number
from helpers.daily_review.morning import MonthToDate, Profit
from helpers.festivals import festival_name
from helpers.numbers import format_pp, format_value, pct
from helpers.report import escape_text as escape
from helpers.view import corner, format_frame


def _money(x: float, currency: str) -> str:
    return format_value(x, "currency", currency=currency)


def top_items_table(items: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY"):
    """The product ranking: SKU, title, GMV, units, visitors, item CVR and 收藏率 (the traffic
    columns left out when the data hold no item traffic: a column of dashes says nothing)."""
    traffic = [c for c in ("visitors", "cvr", "fav_rate") if c in items]
    if traffic and items[traffic].isna().all().all():
        items = items.drop(columns=traffic)
    return format_frame(
        items,
        units={
            "sku_id": "text",
            "title": "text",
            "gmv": "currency",
            "units": "count",
            "visitors": "count",
            "cvr": "ratio",
            "fav_rate": "ratio",
        },
        labels={
            "sku_id": i18n.t("sku_id", lang),
            "title": i18n.t("item", lang),
            "cvr": i18n.metric_label("item_cvr", lang),
            "visitors": i18n.t("item_visitors", lang),
        },
        lang=lang,
        currency=currency,
    )


def buyer_mix_table(mix: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY"):
    """New, returning and guest buyers: buyers, GMV, share, 客单价, last week's GMV."""
    shown = mix.loc[(mix["buyers"] > 0) | (mix["buyers_lw"] > 0)].copy()
    shown["segment"] = shown["segment"].map(lambda s: i18n.t(s, lang))
    return format_frame(
        shown,
        units={
            "segment": "text",
            "buyers": "count",
            "gmv": "currency",
            "share": "ratio",
            "arpu": "currency",
            "gmv_lw": "currency",
            "vs_last_week": "change",
        },
        labels={
            "segment": i18n.t("segment", lang),
            "gmv_lw": f"GMV（{i18n.t('last_week_line', lang)}）"
            if lang == "zh"
            else "GMV (last week)",
            "vs_last_week": i18n.label(i18n.BASELINES, "vs_last_week", lang),
        },
        lang=lang,
        currency=currency,
        translate_channels=False,
    )


def engagement_table(rates: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """收藏率 and 加购率 with their baselines; changes in percentage points."""
    rows = []
    for r in rates.itertuples(index=False):
        rows.append(
            {
                i18n.t("metric", lang): i18n.metric_label(str(r.metric), lang),
                i18n.label(i18n.BASELINES, "value", lang): format_value(
                    cell_optional_number(r.value), "ratio"
                ),
                i18n.label(i18n.BASELINES, "same_weekday_last_week", lang): format_value(
                    cell_optional_number(r.same_weekday_last_week), "ratio"
                ),
                i18n.t("pp_vs_last_week", lang): format_pp(
                    cell_optional_number(r.pp_vs_last_week), lang
                ),
                i18n.label(i18n.BASELINES, "avg_7d", lang): format_value(
                    cell_optional_number(r.avg_7d), "ratio"
                ),
                i18n.t("pp_vs_avg_7d", lang): format_pp(cell_optional_number(r.pp_vs_avg_7d), lang),
            }
        )
    return corner(pd.DataFrame(rows).set_index(i18n.t("metric", lang)))


def profit_table(profits, *, lang: str = "zh", currency: str = "CNY") -> pd.DataFrame:
    """One column per window (run date, 7 days): GMV, cost, gross profit, margin, ads."""
    rows = {
        "costed_gmv": lambda p: _money(p.gmv, currency),
        "goods_cost": lambda p: _money(p.cost, currency),
        "gross_profit": lambda p: _money(p.gross_profit, currency),
        "gross_margin": lambda p: format_value(p.margin, "ratio"),
        "ad_spend": lambda p: _money(p.ad_spend, currency),
        "roas": lambda p: format_value(p.roas, "ratio_x"),
        "break_even_roas": lambda p: format_value(p.break_even_roas, "ratio_x"),
        "ad_profit": lambda p: _money(p.ad_profit, currency),
    }
    data = {}
    for p in profits:
        data[i18n.t(f"window_{p.label}", lang)] = [f(p) for f in rows.values()]
    names = [i18n.metric_label(k, lang) if k in i18n.METRICS else i18n.t(k, lang) for k in rows]
    out = pd.DataFrame(data, index=names)
    out.columns.name = i18n.t("metric", lang)
    return out


#: The morning sentences ``(zh, en)``: each builder below has one structure and takes its
#: phrasing from here (``{...}`` are filled in by the builder).
PHRASES: dict[str, tuple[str, str]] = {
    "margin": (
        "毛利率 {margin}，保本 ROAS = 1 / 毛利率 = {break_even}。",
        "Gross margin {margin}, break-even ROAS = 1 / margin = {break_even}. ",
    ),
    "no_ad_spend": ("复盘日没有推广花费。", "No ad spend on the run date."),
    "roas": (
        "复盘日 ROAS {roas}：每花 1 元推广带来 {roas} 元成交、约 {per_yuan} 元毛利，",
        "Run-date ROAS {roas}: each 1 spent on ads brought {roas} of sales and about "
        "{per_yuan} of gross profit, ",
    ),
    "ads_lose": (
        "**推广在亏钱**（扣掉推广费后 {ad_profit}），先降出价或暂停 ROAS 最低的计划。",
        "**so the ads lose money** ({ad_profit} after their cost); lower bids or pause the "
        "plans with the lowest ROAS first.",
    ),
    "ads_pay": (
        "推广赚钱（扣掉推广费后 {ad_profit}）。",
        "so the ads pay for themselves ({ad_profit} after their cost).",
    ),
    "coverage": (
        "只有 {covered} 的商品 GMV 有成本价，毛利率按这部分商品计算。",
        "Only {covered} of item GMV has a unit cost; the margin rests on those items.",
    ),
    "month_so_far": ("本月至今（{span}）GMV {gmv}", "Month to date ({span}): GMV {gmv}"),
    "last_month": ("，上月同期 {last}（{change}）", "; last month's same days {last} ({change})"),
    "time_progress": (
        "；时间进度 {progress}（{days}/{n_days} 天）",
        "; time progress {progress} ({days}/{n_days} days)",
    ),
    "target": (
        "，目标 {target}，完成 {completion}，{state}时间进度 {gap}；{projection}。",
        "; target {target}, {completion} done, {gap} {state} time progress; {projection}.",
    ),
    "behind": ("落后", "behind"),
    "ahead": ("领先", "ahead of"),
    "no_target": (
        "；{projection}。\n\n> 还没有设置本月 GMV 目标：在数据文件夹的 `playbook.yaml` 里加两行 "
        "`daily_review:` 和 `  monthly_gmv_target: 1000000`（金额按店铺币种），这里就会显示目标"
        "完成率和时间进度的对比。",
        "; {projection}.\n\n> No monthly GMV target is set: add `daily_review:` and "
        "`  monthly_gmv_target: 1000000` (in the shop currency) to `playbook.yaml` in the data "
        "folder to compare completion with time progress.",
    ),
    "in_warmup": ("已在预热期", "already in its warm-up"),
    "to_warmup": ("距预热还有 {days} 天", "warm-up in {days} days"),
    "countdown": (
        "**{name}**：{warm}，距爆发日还有 {days} 天。"
        "预热开始前备好库存、优惠券和推广预算，预热期看加购和收藏，不要只看当天 GMV。",
        "**{name}**: {warm}, burst in {days} days. Have stock, coupons and ad budget ready "
        "before the warm-up; during it watch add-to-cart and favourites, not the day's GMV "
        "alone.",
    ),
    "by_noon": ("截至 12 点", "by noon"),
    "whole_day": ("全天", "whole day"),
    "hour_vs_last_week": (
        "{at}累计 {today}，上周同日 {last_week}（{change}）",
        "{at}: {today} against {last_week} last week ({change})",
    ),
    "hour_sep": ("；", "; "),
    "noon_share": (
        "。上周同日到 12 点完成了全天的 {share}。",
        ". Last week {share} of the day's GMV was in by noon.",
    ),
}


def _say(key: str, lang: str, **fields: object) -> str:
    """Phrase ``key`` of :data:`PHRASES` in ``lang`` (Chinese for ``zh``, else English)."""
    return PHRASES[key][0 if lang == "zh" else 1].format(**fields)


def _signed(change: float) -> str:
    """A change as a percentage with its sign (``+12.0%``, ``-3.0%``, ``n/a``)."""
    return ("+" if change >= 0 else "") + pct(change)


def profit_verdict(p: Profit, *, lang: str = "zh", currency: str = "CNY") -> str:
    """Whether the run date's ads earn their cost: ROAS against break-even ROAS, in words."""
    head = _say("margin", lang, margin=pct(p.margin), break_even=f"{p.break_even_roas:.2f}")
    if not p.ad_spend or math.isnan(p.roas):
        return head + _say("no_ad_spend", lang)
    roas = _say("roas", lang, roas=f"{p.roas:.2f}", per_yuan=f"{p.roas * p.margin:.2f}")
    verdict = "ads_lose" if p.ad_profit < 0 else "ads_pay"
    return head + roas + _say(verdict, lang, ad_profit=_money(p.ad_profit, currency))


def coverage_note(p: Profit, *, lang: str = "zh") -> str:
    """Which share of item GMV the margin rests on (empty when every item has a cost)."""
    if p.covered >= 0.999:
        return ""
    return _say("coverage", lang, covered=pct(p.covered))


#: The month-end projection in words ``(zh, en)`` by basis; the ``ahead`` variants add how
#: the festival days still ahead were counted.
PROJECTION: dict[str, tuple[str, str]] = {
    "pace": ("按目前节奏全月约 {proj}", "the month at this pace: about {proj}"),
    "clean": (
        "本月含{festival}大促日，按本月节奏推算会被大促拉高，所以剩余 {rest} 天按非大促日均 "
        "{rate} 推算（已过去的按实际），全月约 {proj}",
        "this month holds {festival} festival days, which would inflate the month's pace, so "
        "the remaining {rest} days are projected at the non-festival daily average {rate} "
        "(days past at their actual GMV): about {proj} for the month",
    ),
    "uplift": (
        "（其中 {ahead} 天大促日按去年同期大促倍数 ×{uplift} 计）",
        " (the {ahead} festival days ahead at last year's festival multiple x{uplift})",
    ),
    "no_uplift": (
        "（剩余 {ahead} 天大促日没有去年同期数据，未计大促增量，实际可能更高）",
        " (the {ahead} festival days ahead have no last-year data and carry no festival "
        "uplift: the real month may be higher)",
    ),
}


def projection_text(m: MonthToDate, lang: str, currency: str) -> str:
    """The month-end projection and the basis it uses (:func:`~helpers.daily_review.morning.
    month_projection`), in one clause."""
    k = 0 if lang == "zh" else 1
    p = m.projection
    fields = {
        "proj": _money(p.projected, currency),
        "rate": _money(p.clean_rate, currency),
        "festival": escape(festival_name(p.festival or "", lang)),
        "rest": m.days_in_month - m.days_elapsed,
        "ahead": p.ahead,
        "uplift": f"{p.uplift:.1f}" if math.isfinite(p.uplift) else "",
    }
    text = PROJECTION[p.basis][k].format(**fields)
    if p.basis == "clean" and p.ahead:
        text += PROJECTION["uplift" if math.isfinite(p.uplift) else "no_uplift"][k].format(**fields)
    return text


def month_text(m: MonthToDate, *, lang: str = "zh", currency: str = "CNY") -> str:
    """The month so far in one paragraph: GMV, last month's same days, target and pace."""
    span = f"{m.month:%m-%d} – {m.month + pd.Timedelta(days=m.days_elapsed - 1):%m-%d}"
    text = _say("month_so_far", lang, span=span, gmv=_money(m.gmv, currency))
    if not math.isnan(m.last_month_gmv):
        vs = m.gmv / m.last_month_gmv - 1 if m.last_month_gmv else math.nan
        last = _money(m.last_month_gmv, currency)
        text += _say("last_month", lang, last=last, change=_signed(vs))
    text += _say(
        "time_progress",
        lang,
        progress=pct(m.time_progress),
        days=m.days_elapsed,
        n_days=m.days_in_month,
    )
    projection = projection_text(m, lang, currency)
    if not m.target:
        return text + _say("no_target", lang, projection=projection)
    return text + _say(
        "target",
        lang,
        target=_money(m.target, currency),
        completion=pct(m.completion),
        state=_say("behind" if m.behind else "ahead", lang),
        gap=format_pp(m.completion - m.time_progress, lang).lstrip("+-"),
        projection=projection,
    )


def festival_table(events: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY"):
    """The next events: name, warm-up start, burst day, days to each, last year's GMV."""
    shown = events.assign(
        name=events["name"].map(lambda n: festival_name(str(n), lang)),
        warmup_start=events["warmup_start"].dt.strftime("%Y-%m-%d"),
        start_date=events["start_date"].dt.strftime("%Y-%m-%d"),
    )
    return format_frame(
        shown,
        units={
            "name": "text",
            "warmup_start": "text",
            "start_date": "text",
            "days_to_warmup": "count",
            "days_to_start": "count",
            "last_gmv": "currency",
        },
        labels={
            k: i18n.t("festival" if k == "name" else k, lang)
            for k in ("name", "warmup_start", "start_date", "days_to_warmup", "days_to_start")
        }
        | {"last_gmv": i18n.t("last_gmv", lang)},
        lang=lang,
        currency=currency,
        translate_channels=False,
    )


def festival_text(events: pd.DataFrame, *, lang: str = "zh") -> str:
    """The countdown to the nearest event in one sentence (escaped)."""
    e = events.iloc[0]
    warm = (
        _say("in_warmup", lang)
        if e["days_to_warmup"] == 0
        else _say("to_warmup", lang, days=e["days_to_warmup"])
    )
    name = escape(festival_name(str(e["name"]), lang))
    return _say("countdown", lang, name=name, warm=warm, days=e["days_to_start"])


def hourly_text(hours: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY") -> str:
    """Where the day stood at noon and at the end against last week, in one sentence."""
    noon = hours.loc[hours["hour"] == 11].iloc[0]
    end = hours.iloc[-1]
    parts = []
    for row, at in ((noon, "by_noon"), (end, "whole_day")):
        change = row["cum"] / row["cum_lw"] - 1 if row["cum_lw"] else math.nan
        parts.append(
            _say(
                "hour_vs_last_week",
                lang,
                at=_say(at, lang),
                today=_money(row["cum"], currency),
                last_week=_money(row["cum_lw"], currency),
                change=_signed(change),
            )
        )
    share = pct(noon["cum_share_lw"])
    return _say("hour_sep", lang).join(parts) + _say("noon_share", lang, share=share)
