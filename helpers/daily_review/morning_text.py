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


def profit_verdict(p: Profit, *, lang: str = "zh", currency: str = "CNY") -> str:
    """Whether the run date's ads earn their cost: ROAS against break-even ROAS, in words."""
    if not p.ad_spend or math.isnan(p.roas):
        return (
            f"毛利率 {pct(p.margin)}，保本 ROAS = 1 / 毛利率 = {p.break_even_roas:.2f}。"
            "复盘日没有推广花费。"
            if lang == "zh"
            else f"Gross margin {pct(p.margin)}, break-even ROAS = 1 / margin = "
            f"{p.break_even_roas:.2f}. No ad spend on the run date."
        )
    per_yuan = p.roas * p.margin
    loss = p.ad_profit < 0
    if lang == "zh":
        head = (
            f"毛利率 {pct(p.margin)}，保本 ROAS = 1 / 毛利率 = {p.break_even_roas:.2f}。"
            f"复盘日 ROAS {p.roas:.2f}：每花 1 元推广带来 {p.roas:.2f} 元成交、"
            f"约 {per_yuan:.2f} 元毛利，"
        )
        tail = (
            f"**推广在亏钱**（扣掉推广费后 {_money(p.ad_profit, currency)}），"
            "先降出价或暂停 ROAS 最低的计划。"
            if loss
            else f"推广赚钱（扣掉推广费后 {_money(p.ad_profit, currency)}）。"
        )
        return head + tail
    head = (
        f"Gross margin {pct(p.margin)}, break-even ROAS = 1 / margin = "
        f"{p.break_even_roas:.2f}. Run-date ROAS {p.roas:.2f}: each 1 spent on ads brought "
        f"{p.roas:.2f} of sales and about {per_yuan:.2f} of gross profit, "
    )
    tail = (
        f"**so the ads lose money** ({_money(p.ad_profit, currency)} after their cost); lower "
        "bids or pause the plans with the lowest ROAS first."
        if loss
        else f"so the ads pay for themselves ({_money(p.ad_profit, currency)} after their cost)."
    )
    return head + tail


def coverage_note(p: Profit, *, lang: str = "zh") -> str:
    """Which share of item GMV the margin rests on (empty when every item has a cost)."""
    if p.covered >= 0.999:
        return ""
    if lang == "zh":
        return f"只有 {pct(p.covered)} 的商品 GMV 有成本价，毛利率按这部分商品计算。"
    return f"Only {pct(p.covered)} of item GMV has a unit cost; the margin rests on those items."


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
    fields = {
        "proj": _money(m.projected, currency),
        "rate": _money(m.clean_rate, currency),
        "festival": escape(festival_name(m.festival or "", lang)),
        "rest": m.days_in_month - m.days_elapsed,
        "ahead": m.ahead,
        "uplift": f"{m.uplift:.1f}" if math.isfinite(m.uplift) else "",
    }
    text = PROJECTION[m.basis][k].format(**fields)
    if m.basis == "clean" and m.ahead:
        text += PROJECTION["uplift" if math.isfinite(m.uplift) else "no_uplift"][k].format(**fields)
    return text


def month_text(m: MonthToDate, *, lang: str = "zh", currency: str = "CNY") -> str:
    """The month so far in one paragraph: GMV, last month's same days, target and pace."""
    span = f"{m.month:%m-%d} – {m.month + pd.Timedelta(days=m.days_elapsed - 1):%m-%d}"
    gmv = _money(m.gmv, currency)
    last = "" if math.isnan(m.last_month_gmv) else _money(m.last_month_gmv, currency)
    vs = m.gmv / m.last_month_gmv - 1 if last and m.last_month_gmv else math.nan
    if lang == "zh":
        text = f"本月至今（{span}）GMV {gmv}"
        text += f"，上月同期 {last}（{pct(vs) if vs < 0 else '+' + pct(vs)}）" if last else ""
        text += f"；时间进度 {pct(m.time_progress)}（{m.days_elapsed}/{m.days_in_month} 天）"
        if m.target:
            gap = format_pp(m.completion - m.time_progress, lang)
            state = "落后" if m.behind else "领先"
            text += (
                f"，目标 {_money(m.target, currency)}，完成 {pct(m.completion)}，"
                f"{state}时间进度 {gap.lstrip('+-')}；{projection_text(m, 'zh', currency)}。"
            )
        else:
            text += (
                f"；{projection_text(m, 'zh', currency)}。\n\n> 还没有设置本月 GMV 目标：在数据文件夹的 "
                "`playbook.yaml` 里加两行 `daily_review:` 和 `  monthly_gmv_target: 1000000`"
                "（金额按店铺币种），这里就会显示目标完成率和时间进度的对比。"
            )
        return text
    text = f"Month to date ({span}): GMV {gmv}"
    text += f"; last month's same days {last} ({'+' if vs >= 0 else ''}{pct(vs)})" if last else ""
    text += f"; time progress {pct(m.time_progress)} ({m.days_elapsed}/{m.days_in_month} days)"
    if m.target:
        gap = format_pp(m.completion - m.time_progress, lang)
        state = "behind" if m.behind else "ahead of"
        text += (
            f"; target {_money(m.target, currency)}, {pct(m.completion)} done, "
            f"{gap.lstrip('+-')} {state} time progress; {projection_text(m, 'en', currency)}."
        )
    else:
        text += (
            f"; {projection_text(m, 'en', currency)}.\n\n> No monthly GMV target is set: add "
            "`daily_review:` and `  monthly_gmv_target: 1000000` (in the shop currency) to "
            "`playbook.yaml` in the data folder to compare completion with time progress."
        )
    return text


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
    name = escape(festival_name(str(e["name"]), lang))
    if lang == "zh":
        warm = "已在预热期" if e["days_to_warmup"] == 0 else f"距预热还有 {e['days_to_warmup']} 天"
        return (
            f"**{name}**：{warm}，距爆发日还有 {e['days_to_start']} 天。"
            "预热开始前备好库存、优惠券和推广预算，预热期看加购和收藏，不要只看当天 GMV。"
        )
    warm = (
        "already in its warm-up"
        if e["days_to_warmup"] == 0
        else f"warm-up in {e['days_to_warmup']} days"
    )
    return (
        f"**{name}**: {warm}, burst in {e['days_to_start']} days. Have stock, coupons and "
        "ad budget ready before the warm-up; during it watch add-to-cart and favourites, not "
        "the day's GMV alone."
    )


def hourly_text(hours: pd.DataFrame, *, lang: str = "zh", currency: str = "CNY") -> str:
    """Where the day stood at noon and at the end against last week, in one sentence."""
    noon = hours.loc[hours["hour"] == 11].iloc[0]
    end = hours.iloc[-1]
    parts = []
    for row, at_zh, at_en in ((noon, "截至 12 点", "by noon"), (end, "全天", "whole day")):
        change = row["cum"] / row["cum_lw"] - 1 if row["cum_lw"] else math.nan
        sign = "+" if change >= 0 else ""
        pair = (_money(row["cum"], currency), _money(row["cum_lw"], currency))
        if lang == "zh":
            parts.append(f"{at_zh}累计 {pair[0]}，上周同日 {pair[1]}（{sign}{pct(change)}）")
        else:
            parts.append(f"{at_en}: {pair[0]} against {pair[1]} last week ({sign}{pct(change)})")
    share = pct(noon["cum_share_lw"])
    if lang == "zh":
        return "；".join(parts) + f"。上周同日到 12 点完成了全天的 {share}。"
    return "; ".join(parts) + f". Last week {share} of the day's GMV was in by noon."
