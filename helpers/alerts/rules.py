"""Alert rules: the methodology's fixed-threshold checks, and the report of every check.

The daily loop is 看数据 - 告警 - 行动 - 复盘. Each rule below is declared once, as a
:class:`~helpers.alerts.base.Rule` registered in :data:`~helpers.alerts.base.REGISTRY` by the
decorator above its function: its
names, the tables it needs, the :class:`helpers.settings.Thresholds` it reads, the function
that evaluates it and the next step it suggests. The statistical check (each daily series
against its own weekly baseline) is registered by :mod:`helpers.alerts.anomaly`.

Every check is skipped, with the reason recorded, when the data it needs is missing (no
traffic table, no after-sales table ...). :func:`collect_alerts` runs every registered check
and returns an :class:`~helpers.alerts.base.AlertReport`: the alerts and the skipped checks.
Nothing after the run date is read.

Adding a rule: write its function here under ``@REGISTRY.rule(...)`` (the declaration),
plus a test (see docs/adding_a_rule.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from helpers.alerts import (
    anomaly,  # noqa: F401  (registers the statistical check)
    completeness,  # noqa: F401  (registers the data-completeness check)
)
from helpers.alerts.base import (
    ALERT_COLUMNS,
    REGISTRY,
    SKIP_COLUMNS,
    ActionText,
    Alert,
    AlertReport,
    RuleContext,
    Skip,
    day_rows,
    has_values,
    robust_z,
    rule_context,
    sums,
    window,
)
from helpers.i18n import SEVERITY_RANK, metric_in_text, metric_unit, metric_value_in_text
from helpers.metrics.kpis import add_ratios
from helpers.metrics.refunds import RefundRate, refund_baseline, refund_basis
from helpers.metrics.refunds import refund_rate as refund_window_rate
from helpers.numbers import as_float, format_pp, num, pct
from helpers.settings import Settings

#: The 加购高支付低 step when the data hold no price change or competitor price (zh, en).
CART_HINT_GENERIC = (
    "依次排查价格敏感（对比竞品价、优惠券门槛）、竞品分流（同款比价、竞品新活动）、"
    "信任信号不足（评价、买家秀、问大家、售后保障）；每次只改一项，如先加一张限时券，观察三天",
    "check in turn price sensitivity (competitor prices, coupon thresholds), competitor "
    "diversion (same-item price comparison, competitor promotions) and missing trust signals "
    "(reviews, buyer photos, Q&A, guarantees); change one thing at a time, e.g. a "
    "time-limited coupon first, and watch three days",
)

#: The step for overdue orders that are a picking backlog (zh, en).
SHIP_HINT_WAREHOUSE = (
    "联系仓库核对拣货产能，优先处理最早的订单，主动向买家致歉/补偿以免投诉和平台处罚",
    "check picking capacity with the warehouse, ship the oldest orders first, and apologise / "
    "compensate buyers proactively to avoid complaints and platform penalties",
)


def ship_hint(stale: int, recent: int) -> tuple[str, str]:
    """The step when most overdue orders are stale records (waiting over a week): clean the
    export first; ``("", "")`` (the warehouse step) otherwise."""
    if stale <= recent:
        return "", ""
    days = STALE_ORDER_HOURS // 24
    tail_zh = f"，再联系仓库优先发出其余 {recent} 单" if recent else ""
    tail_en = f", then have the warehouse ship the other {recent} first" if recent else ""
    return (
        f"其中 {stale} 单已等待超过 {days} 天，多半是导出里没有关闭的旧记录而不是待发的包裹："
        f"先清理导出、核对这些订单的实际状态并关闭过期记录{tail_zh}",
        f"{stale} of them have waited more than {days} days, most likely records never closed "
        f"in the export rather than parcels to pack: clean the export, check those orders' "
        f"real status and close the stale records{tail_en}",
    )


def waited(hours: float) -> tuple[str, str]:
    """A waiting time in words: hours up to 48 h, days beyond."""
    if hours <= 48:
        return f"{hours:.0f} 小时", f"{hours:.0f} h"
    days = f"{hours / 24:,.1f}" if hours < 240 else f"{hours / 24:,.0f}"
    return f"{days} 天", f"{days} days"


#: Unshipped orders older than this (hours) are reported apart as probably stale records.
STALE_ORDER_HOURS = 7 * 24
#: Days over which the 加购高、支付低 rule sums item traffic.
CART_WINDOW_DAYS = 14
#: Days of order history the ad swing rule needs (the run date and 7 days before).
AD_SWING_MIN_DAYS = 8


# --------------------------------------------------------------------------------------
# CVR below the industry mean


def industry_cvr(
    settings: Settings, market: pd.DataFrame | None, run_date: Any
) -> tuple[float | None, str]:
    """Industry mean CVR and where it came from.

    ``settings.industry_cvr`` when set; else the ``market`` table's ``avg_cvr`` of the latest
    month on or before ``run_date``, weighted by ``market_gmv`` over categories when every
    category has a positive market size, else the plain mean. ``(None, "")`` when neither.
    """
    if settings.industry_cvr is not None:
        return float(settings.industry_cvr), "settings"
    if market is None or market.empty or not {"month", "avg_cvr"} <= set(market.columns):
        return None, ""
    m = market.loc[
        (pd.to_datetime(market["month"]) <= pd.Timestamp(run_date)) & market["avg_cvr"].notna()
    ]
    if m.empty:
        return None, ""
    latest = pd.to_datetime(m["month"]).max()
    rows = m.loc[pd.to_datetime(m["month"]) == latest]
    cvr = rows["avg_cvr"].astype(float)
    if "market_gmv" in rows.columns:
        w = pd.to_numeric(rows["market_gmv"], errors="coerce").astype(float)
        if w.notna().all() and (w > 0).all():
            return float((cvr * w).sum() / w.sum()), f"market {latest:%Y-%m}"
    return float(cvr.mean()), f"market {latest:%Y-%m}"


@REGISTRY.rule(
    id="cvr_below_industry",
    name=("转化率低于行业均值", "CVR below the industry mean"),
    catches="shop CVR (buyers / UV) on the run date more than `cvr_below_industry` below "
    "the industry mean (`industry_cvr` in the settings, else the `market` table's "
    "`avg_cvr` of the latest month, weighted by `market_gmv`); high at twice the gap",
    rank=30,
    needs=("traffic",),
    requires=("industry_cvr",),
    thresholds=("cvr_below_industry",),
    action=ActionText(
        zh="店铺转化率 {value_pct} 明显低于行业均值 {reference_pct}：先按渠道拆分转化率找出"
        "拖累最大的渠道，再到该渠道的主力商品检查主图、详情页、价格和评价；一次只改一项，"
        "对比一周",
        en="Shop CVR {value_pct} is well below the industry mean {reference_pct}: split "
        "CVR by channel to find the one dragging most, then check the main images, detail "
        "page, price and reviews of its top items; change one thing at a time and compare "
        "over a week",
    ),
)
def cvr_below_industry(ctx: RuleContext) -> list[Alert]:
    """Shop CVR = buyers / uv on the run date; alert when CVR < industry x (1 - x)."""
    ind, source = industry_cvr(ctx.settings, ctx.market, ctx.run_date)
    if ind is None or ind <= 0:
        raise Skip(
            "no industry CVR (settings.industry_cvr or market.avg_cvr)",
            "没有行业转化率（在 playbook.yaml 设置行业转化率，或提供含行业平均转化率的市场表）",
        )
    daily = ctx.require_daily()
    ctx.require_traffic()
    cvr = as_float(add_ratios(day_rows(daily, ctx.run_date)).iloc[0]["cvr"])
    if cvr is None:
        raise Skip(f"no visitors on {ctx.day}", f"{ctx.day} 没有访客数据")
    x = ctx.th.cvr_below_industry
    limit = ind * (1 - x)
    if cvr >= limit:
        return []
    gap = 1 - cvr / ind
    zh = (
        f"店铺转化率 {pct(cvr)}，低于行业均值 {pct(ind)} {gap:.0%}"
        f"（告警线：低于均值 {x:.0%}，即 {pct(limit)}）"
    )
    en = (
        f"Shop CVR {pct(cvr)} is {gap:.0%} below the industry mean {pct(ind)} "
        f"(alert line: {x:.0%} below, i.e. {pct(limit)}; source: {source})"
    )
    sev = "high" if gap >= 2 * x else "medium"
    return [ctx.alert("cvr_below_industry", sev, "cvr", ("shop", ""), cvr, ind, (zh, en))]


# --------------------------------------------------------------------------------------
# refund rate


@REGISTRY.rule(
    id="refund_rate",
    name=("退款率过高", "Refund rate too high"),
    catches="the refunds of the orders paid in the last `refund_window_days` days / those "
    "orders, by count (metric `refund_rate`) or by amount (`refund_amount_rate`), above "
    "`refund_rate_max` and at least `refund_rise` above the shop's own rate over the three "
    "windows before (cases that name no order: the requests of the window); high at twice "
    "the limit",
    rank=40,
    needs=("after_sales",),
    thresholds=("refund_rate_max", "refund_window_days", "refund_rise"),
    action=ActionText(
        zh="店铺{metrics} {value_pct} 超过 {reference_pct}且高于店铺自身水平：按退款原因和商品拆分"
        "售后单，先处理占比最高的一项（质量、描述不符、尺码或物流），核对后修正详情页或质检，"
        "次日复看退款率",
        en="Shop {metrics} {value_pct} is above {reference_pct} and above the shop's own "
        "level: split refund cases by reason and item and tackle the largest one first "
        "(quality, not as described, size, logistics); fix the detail page or QC, then "
        "re-check the rate tomorrow",
    ),
)
def refund_rate(ctx: RuleContext) -> list[Alert]:
    """Refund rate of the window's paid orders (:mod:`helpers.metrics.refunds`), by count
    and by amount, against the ceiling and the shop's own baseline."""
    if not ctx.has_table("after_sales"):
        raise Skip("no after_sales table", "缺少售后表")
    daily = ctx.require_daily()
    refunds = ctx.refunds if ctx.refunds is not None else pd.DataFrame(columns=REFUND_FIELDS)
    days, mx = int(ctx.th.refund_window_days), ctx.th.refund_rate_max
    basis = refund_basis(refunds)
    now = refund_window_rate(daily, refunds, ctx.run_date, days, basis)
    base = refund_baseline(daily, refunds, ctx.run_date, days, basis)
    out = []
    for metric in ("refund_rate", "refund_amount_rate"):
        rate = now.count_rate if metric == "refund_rate" else now.amount_rate
        usual = None if base is None else _basis_rate(base, metric)
        if not np.isfinite(rate) or rate <= mx:
            continue
        if usual is not None and np.isfinite(usual) and rate <= usual * (1 + ctx.th.refund_rise):
            continue  # as high as it always was: said in the after-sales section, not alarmed
        sev = "high" if rate >= 2 * mx else "medium"
        msg = _refund_message(now, usual, metric, mx)
        out.append(ctx.alert("refund_rate", sev, metric, ("shop", ""), rate, mx, msg))
    return out


REFUND_FIELDS = ["date", "order_id", "order_paid_date", "refund_amount"]


def _basis_rate(r: RefundRate, metric: str) -> float:
    return r.count_rate if metric == "refund_rate" else r.amount_rate


def _refund_message(now: RefundRate, usual: float | None, metric: str, mx: float):
    """(zh, en) of a refund-rate alert: the window, both bases with their counts, the
    shop's usual rate and the ceiling."""
    days = int((now.end - now.start) / pd.Timedelta(days=1)) + 1
    who_zh = f"近{days}天付款订单" if now.basis == "order" else f"近{days}天"
    who_en = f"orders paid in the last {days} days" if now.basis == "order" else f"last {days} days"
    unit_zh = "单退款" if now.basis == "order" else "笔退款申请"
    unit_en = "refunded" if now.basis == "order" else "refund requests"
    usual_zh = "" if usual is None else f"，店铺此前水平 {pct(usual)}"
    usual_en = "" if usual is None else f", the shop's usual {pct(usual)}"
    rate = _basis_rate(now, metric)
    zh = (
        f"{who_zh}退款率 {pct(rate)}（按单数 {pct(now.count_rate)}：{num(now.refunds)} {unit_zh} / "
        f"{num(now.orders)} 单；按金额 {pct(now.amount_rate)}：退款 {num(now.refund_amount)} / "
        f"GMV {num(now.gmv)}）{usual_zh}，高于阈值 {pct(mx)}"
    )
    en = (
        f"Refund rate of {who_en} {pct(rate)} (by orders {pct(now.count_rate)}: "
        f"{num(now.refunds)} {unit_en} / {num(now.orders)} orders; by amount "
        f"{pct(now.amount_rate)}: {num(now.refund_amount)} refunded / GMV {num(now.gmv)})"
        f"{usual_en}, above the {pct(mx)} limit"
    )
    return zh, en


# --------------------------------------------------------------------------------------
# paid orders not shipped within the SLA


def _by_channel(late: pd.DataFrame) -> tuple[str, str]:
    """Overdue orders per channel, most first: ('直播 3 单、搜索 1 单', '直播 3, 搜索 1')."""
    if "channel" not in late.columns:
        return "", ""
    by = late["channel"].fillna("未知").astype(str).value_counts()
    by = by.sort_index().sort_values(ascending=False, kind="stable")
    return (
        "、".join(f"{c} {k} 单" for c, k in by.items()),
        ", ".join(f"{c} {k}" for c, k in by.items()),
    )


def _stale_note(stale: int) -> tuple[str, str]:
    """Orders waiting for weeks are rarely a picking backlog: usually they were closed or
    shipped without the export saying so. Named apart so the warehouse works on the recent
    ones and someone checks the stale ones' status."""
    if not stale:
        return "", ""
    days = STALE_ORDER_HOURS // 24
    return (
        f"；其中 {stale} 单已等待超过 {days} 天，多半是状态未更新，请核对订单状态",
        f"; {stale} of them have waited more than {days} days, most likely "
        "a status never updated: check those orders' status",
    )


@REGISTRY.rule(
    id="unshipped_sla",
    name=("付款超时未发货", "Paid orders not shipped within the SLA"),
    catches="orders paid more than `ship_sla_hours` before the end of the run date and "
    "still not shipped; high with 10 or more recent ones (orders waiting over a week are "
    "named apart as probably stale records)",
    rank=10,
    requires=("shipped_at",),
    thresholds=("ship_sla_hours",),
    action=ActionText(
        zh="{value_num} 单付款超{reference_num}小时未发货：{hint}",
        en="{value_num} orders paid more than {reference_num} h ago are not shipped: {hint}",
        words={"hint": {"*": SHIP_HINT_WAREHOUSE}},
    ),
)
def unshipped_sla(ctx: RuleContext) -> list[Alert]:
    """Overdue = paid, not shipped at the cutoff, hours_waiting > ship_sla_hours."""
    oo = ctx.open_orders
    if oo is None or not isinstance(oo, pd.DataFrame) or "hours_waiting" not in oo.columns:
        raise Skip("no open orders in facts", "没有未发货订单数据")
    if ctx.facts_run_date is not None and ctx.facts_run_date != ctx.run_date:
        raise Skip(
            "open orders are only known for the facts' own run date",
            "未发货订单只在数据本身的复盘日可知",
        )
    sla = ctx.th.ship_sla_hours
    late = oo.loc[pd.to_numeric(oo["hours_waiting"], errors="coerce") > sla]
    n = len(late)
    if n == 0:
        return []
    oldest = float(late["hours_waiting"].max())
    parts_zh, parts_en = _by_channel(late)
    stale = int((late["hours_waiting"] > STALE_ORDER_HOURS).sum())
    stale_zh, stale_en = _stale_note(stale)
    wait_zh, wait_en = waited(oldest)
    zh = (
        f"{n} 单付款超过 {num(sla)} 小时仍未发货（最久 {wait_zh}"
        + (f"；{parts_zh}" if parts_zh else "")
        + stale_zh
        + "）"
    )
    en = (
        f"{n} paid orders not shipped within {num(sla)} h (oldest waiting "
        f"{wait_en}" + (f"; by channel: {parts_en}" if parts_en else "") + stale_en + ")"
    )
    sev = "high" if n - stale >= 10 else "medium"
    hint = ship_hint(stale, n - stale)
    where = ("order", "")
    return [ctx.alert("unshipped_sla", sev, "unshipped_orders", where, n, sla, (zh, en), hint)]


# --------------------------------------------------------------------------------------
# ad spend / ROAS swing


def _ad_checks(f: pd.DataFrame) -> list[tuple[str, pd.Series, float]]:
    """``(metric, history, today)`` of one channel: spend, and ROAS with 7 days of it."""
    f["ad_spend"] = f["ad_spend"].fillna(0.0)
    f["ad_gmv"] = f["ad_gmv"].fillna(0.0) if "ad_gmv" in f else np.nan
    hist, today = f.iloc[:-1], f.iloc[-1]
    checks = [("ad_spend", hist["ad_spend"], float(today["ad_spend"]))]
    hist_roas = (hist["ad_gmv"] / hist["ad_spend"].where(hist["ad_spend"] > 0)).dropna()
    if today["ad_spend"] > 0 and len(hist_roas) >= 7:
        checks.append(("roas", hist_roas, float(today["ad_gmv"] / today["ad_spend"])))
    return checks


def _swing_alert(ctx: RuleContext, ch: str, metric: str, h: pd.Series, x: float, z: float):
    lb, zmax = ctx.th.ad_lookback_days, ctx.th.ad_swing_z
    med = float(np.median(h))
    up = z > 0
    zh = (
        f"{ch} 渠道{metric_in_text(metric, 'zh')} {num(x)}，近{lb}日中位数 {num(med)}，"
        f"{'异常偏高' if up else '异常偏低'}（稳健 z={z:.1f}）"
    )
    en = (
        f"{ch}: {metric_in_text(metric, 'en')} {num(x)} vs a {lb}-day median of {num(med)}, "
        f"abnormally {'high' if up else 'low'} (robust z={z:.1f})"
    )
    sev = "high" if abs(z) >= 2 * zmax else "medium"
    return ctx.alert("ad_swing", sev, metric, ("channel", ch), x, med, (zh, en))


@REGISTRY.rule(
    id="ad_swing",
    name=("推广花费/ROAS 异常波动", "Ad spend / ROAS swing"),
    catches="a channel's ad spend or ROAS (ad GMV / spend) on the run date far from its own "
    "last `ad_lookback_days` days: robust z (median and 1.4826 x MAD) beyond `ad_swing_z`",
    rank=50,
    needs=("ad_spend",),
    min_history=lambda th: AD_SWING_MIN_DAYS,
    thresholds=("ad_swing_z", "ad_lookback_days"),
    action=ActionText(
        zh="{channel}{metrics}异常波动：核对推广计划的预算、出价、投放时段和人群是否被改动，"
        "确认有无计划被暂停或超预算；只调整一个计划，观察一天再动下一个",
        en="{channel} {metrics} swung abnormally: check whether budgets, bids, schedules or "
        "audiences of its campaigns changed and whether a campaign paused or ran out of "
        "budget; adjust one campaign only and watch for a day before touching the next",
    ),
)
def ad_swing(ctx: RuleContext) -> list[Alert]:
    """Robust z of spend and ROAS (ad_gmv / ad_spend) vs the channel's trailing days."""
    channels = ctx.daily_channel
    if not ctx.has_table("ad_spend") or channels is None or not has_values(channels, "ad_spend"):
        raise Skip("no ad_spend table", "缺少推广花费表")
    lb = ctx.th.ad_lookback_days
    dates = pd.date_range(ctx.run_date - pd.Timedelta(days=lb), ctx.run_date, freq="D")
    dates = dates[dates >= ctx.require_daily()["date"].min()]
    if len(dates) < AD_SWING_MIN_DAYS:
        raise Skip("fewer than 7 days of ad history", "推广数据不足 7 天")
    dc = channels.loc[channels["date"].isin(dates)]
    spenders = dc.groupby("channel")["ad_spend"].sum()
    out = []
    for ch in sorted(spenders.index[spenders > 0].astype(str)):
        for metric, h, x in _ad_checks(ctx.channel_frame(ch, dates)):
            z = robust_z(x, h)
            if z is not None and abs(z) > ctx.th.ad_swing_z:
                out.append(_swing_alert(ctx, ch, metric, h, x, z))
    return out


# --------------------------------------------------------------------------------------
# metric falling several days in a row


def _is_strict_decline(values: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(values)) and np.all(np.diff(values) < 0))


def _total_drop(values: np.ndarray) -> float:
    """Relative fall from the first to the last point: 1 - last / first."""
    return 1.0 - values[-1] / values[0] if values[0] > 0 else 0.0


def decline_path(metric: str, values: np.ndarray) -> str:
    """The falling values joined by arrows, a rate with as many decimals (up to 3) as it takes
    for every step to show a fall (3.13% -> 3.07%, never 3.1% -> 3.1%)."""
    if metric_unit(metric) != "ratio":
        return " → ".join(metric_value_in_text(metric, v) for v in values)
    for digits in (1, 2, 3):
        texts = [f"{v:.{digits}%}" for v in values]
        if len(set(texts)) == len(texts):
            break
    return " → ".join(texts)


def _decline_alert(
    ctx: RuleContext, metric: str, where: tuple[str, str], values: np.ndarray, promo: bool
) -> Alert:
    n = len(values) - 1
    fall = 1 - values[-1] / values[0] if values[0] else np.nan
    sev = "low" if promo else ("high" if fall >= 0.30 else "medium")
    path = decline_path(metric, values)
    subject = where[1]
    who_zh = f"{subject} 渠道" if subject else "店铺"
    who_en = f"{subject} channel" if subject else "Shop"
    note_zh = "（窗口内有大促，回落可能是活动后的正常回归）" if promo else ""
    note_en = " (a promotion falls in the window; the fall may be the usual post-event dip)"
    total_zh, total_en = f"-{fall:.0%}", f"-{fall:.0%}"
    if metric_unit(metric) == "ratio":  # a rate falls by points; the relative fall beside it
        points = values[-1] - values[0]
        total_zh = f"{format_pp(points, 'zh')}，相对 -{fall:.0%}"
        total_en = f"{format_pp(points, 'en')}, -{fall:.0%} relative"
    zh = (
        f"{who_zh}{metric_in_text(metric, 'zh')}连续 {n} 天下降：{path}（累计 {total_zh}）{note_zh}"
    )
    en = f"{who_en} {metric_in_text(metric, 'en')} fell {n} days in a row: {path} " + (
        f"({total_en} in total)" + (note_en if promo else "")
    )
    first, last = float(values[0]), float(values[-1])
    return ctx.alert("consecutive_decline", sev, metric, where, last, first, (zh, en))


def _falls(values: np.ndarray, min_drop: float) -> bool:
    return _is_strict_decline(values) and _total_drop(values) >= min_drop


@REGISTRY.rule(
    id="consecutive_decline",
    name=("指标连续下降", "Metric falling several days in a row"),
    catches="shop CVR, GMV or UV, or the CVR of a channel with at least "
    "`channel_min_visitors` visitors, fell on each of the last `consecutive_decline_days` "
    "days and by at least `consecutive_decline_min_drop` in total; low severity when a "
    "promotion falls in the window, high from a 30 % fall",
    rank=60,
    enriched_by=("traffic",),
    min_history=lambda th: int(th.consecutive_decline_days) + 1,
    thresholds=(
        "consecutive_decline_days",
        "consecutive_decline_min_drop",
        "channel_min_visitors",
    ),
    action=ActionText(
        zh="{who}{metrics}连续下滑：自上而下下钻——先拆到{drill}，分清是流量少了还是转化差了，"
        "找到拖累最大的一项后只改这一个变量，次日复盘",
        en="{who} {metrics} keeps falling: drill down top-down to {drill}, tell traffic "
        "loss from conversion loss, then change only the one variable behind the largest "
        "drag and review tomorrow",
        words={
            "drill": {
                "channel": ("该渠道的主力商品", "its top items"),
                "*": ("各渠道，再到商品", "channels, then items"),
            }
        },
    ),
)
def consecutive_decline(ctx: RuleContext) -> list[Alert]:
    """Values on run_date - n .. run_date (n + 1 points), each strictly below the one before."""
    n = int(ctx.th.consecutive_decline_days)
    daily = ctx.require_daily()
    dates = pd.date_range(ctx.run_date - pd.Timedelta(days=n), ctx.run_date, freq="D")
    if daily["date"].min() > dates[0]:
        raise Skip(f"fewer than {n + 1} days of history", f"历史数据不足 {n + 1} 天")
    promo = bool(ctx.promo_dates() & set(dates))
    d = add_ratios(daily.set_index("date").reindex(dates).rename_axis("date").reset_index())
    traffic = ctx.has_table("traffic") and has_values(ctx.daily, "uv")
    min_drop = float(ctx.th.consecutive_decline_min_drop)
    out = [
        _decline_alert(ctx, m, ("shop", ""), d[m].to_numpy(dtype=float), promo)
        for m in (["cvr", "gmv", "uv"] if traffic else ["gmv"])
        if _falls(d[m].to_numpy(dtype=float), min_drop)
    ]
    if traffic and ctx.daily_channel is not None and has_values(ctx.daily_channel, "uv"):
        for ch in sorted(ctx.daily_channel["channel"].dropna().astype(str).unique()):
            f = add_ratios(ctx.channel_frame(ch, dates))
            if not (f["uv"].iloc[-1] >= ctx.th.channel_min_visitors):
                continue
            v = f["cvr"].to_numpy(dtype=float)
            if _falls(v, min_drop):
                out.append(_decline_alert(ctx, "cvr", ("channel", ch), v, promo))
    return out


# --------------------------------------------------------------------------------------
# returns concentrated on one reason or item


def _refund_window(ctx: RuleContext) -> pd.DataFrame:
    return window(ctx.require_refunds(), ctx.run_date, ctx.th.return_window_days)


def _concentration_alert(ctx: RuleContext, where: tuple[str, str], k: int, total: int) -> Alert:
    th = ctx.th
    w, limit = th.return_window_days, th.return_concentration_share
    share = k / total
    zh_word, en_word = {"reason": ("原因", "reason"), "item": ("商品", "item")}[where[0]]
    subj = where[1]
    zh = f"近{w}日售后集中于{zh_word}「{subj}」：{k}/{total} 笔，占 {pct(share)}（阈值 {pct(limit)}）"
    en = (
        f"Refund cases of the last {w} days concentrate on {en_word} "
        f"'{subj}': {k}/{total} = {pct(share)} (limit {pct(limit)})"
    )
    sev = "high" if share >= (1 + limit) / 2 else "medium"
    return ctx.alert("return_concentration", sev, "return_share", where, share, limit, (zh, en))


@REGISTRY.rule(
    id="return_concentration",
    name=("退货集中", "Returns concentrated on one reason or item"),
    catches="one reason or one item holds more than `return_concentration_share` of the "
    "refund requests of the last `return_window_days` days, with at least "
    "`return_concentration_min_cases` requests (a source with a single reason for "
    "everything has no reason breakdown)",
    rank=70,
    needs=("after_sales",),
    thresholds=(
        "return_concentration_share",
        "return_concentration_min_cases",
        "return_window_days",
    ),
    action=ActionText(
        zh="售后集中在{who}（占 {value_pct}）：抽查这批售后单与买家留言，核对描述、尺码表、"
        "质量批次与包装；先修正最可能的一个原因，跟踪一周售后占比",
        en="Refunds concentrate on {who} ({value_pct} of cases): read a sample of those "
        "cases and buyer comments, check description, size chart, batch quality and "
        "packaging; fix the most likely cause first and track its share for a week",
    ),
)
def return_concentration(ctx: RuleContext) -> list[Alert]:
    """Share = cases with that reason (item) / all cases in the window."""
    r = _refund_window(ctx)
    total = len(r)
    if total < ctx.th.return_concentration_min_cases:
        return []
    out = []
    for col, scope in (("reason", "reason"), ("sku_id", "item")):
        if col not in r.columns or r[col].isna().all():
            continue
        # A source that states one reason for everything (e.g. "order canceled") has no
        # reason breakdown: a 100 % share of that reason is not a finding.
        if col == "reason" and ctx.require_refunds()["reason"].dropna().nunique() < 2:
            continue
        counts = r[col].dropna().astype(str).value_counts().sort_index()
        out += [
            _concentration_alert(ctx, (scope, str(subj)), k, total)
            for subj, k in counts.items()
            if k / total > ctx.th.return_concentration_share
        ]
    return out


# --------------------------------------------------------------------------------------
# item return rate


def _returned_units(ctx: RuleContext, r: pd.DataFrame) -> pd.Series:
    """Units returned per sku_id: refund quantity, 1 per case when missing.

    A credit note that names no order cannot be matched to a sale: it may reverse units sold
    long before the window, and would push the "rate" past 100 %; it is left out.
    """
    if "sku_id" not in r.columns or r["sku_id"].isna().all():
        raise Skip("after_sales has no sku_id", "售后记录没有商品编码（sku_id）")
    if "order_id" in r.columns:
        r = r.loc[r["order_id"].notna()]
        refunds = ctx.require_refunds()
        if r.empty and "order_id" in refunds and refunds["order_id"].isna().all():
            raise Skip(
                "after-sales cases name no order: returns cannot be matched to sales",
                "售后记录没有订单号：退货无法与销售对应",
            )
    r = r.loc[r["sku_id"].notna()]
    if "quantity" in r.columns:
        q = pd.to_numeric(r["quantity"], errors="coerce").astype(float).fillna(1.0)
    else:
        q = pd.Series(1.0, index=r.index)
    return q.groupby(r["sku_id"].astype(str)).sum()


#: return reason -> what to fix ``(zh, en)``; other reasons get :data:`REASON_FIX_OTHER`
REASON_FIXES: dict[str, tuple[str, str]] = {
    "尺码不符": (
        "核对尺码表与实物尺寸，在详情页补充尺码推荐和试穿说明",
        "check the size chart against the garment and add size advice to the detail page",
    ),
    "质量问题": (
        "抽检当前批次并联系供应商，问题批次先下架",
        "inspect the current batch, contact the supplier and pull a faulty batch",
    ),
    "与描述不符": (
        "按实物修正主图和详情页描述",
        "correct the main images and description to match the product",
    ),
    "发错货": ("核对仓库拣货和商品贴标", "check picking and labelling in the warehouse"),
}
REASON_FIX_OTHER = (
    "逐单查看这些退货的原因并修正",
    "read these returns one by one and fix the cause",
)
#: no reason dominates: the generic next step
RETURN_HINT_GENERIC = (
    "查看它的退货原因分布，核对尺码表、描述与实物是否一致、当前批次质量",
    "look at its return reasons, check the size chart, whether the description matches the "
    "product and the current batch quality",
)
#: share of an item's returned units above which one reason is named as the cause
DOMINANT_REASON_SHARE = 0.5


def return_hint(r: pd.DataFrame, sku: str) -> tuple[str, str]:
    """The next step for an item's returns: its dominant reason (more than half of the
    returned units, quantity 1 when missing) and what to fix, else the generic step."""
    if "reason" not in r.columns:
        return RETURN_HINT_GENERIC
    mine = r.loc[r["sku_id"].astype(str).eq(sku) & r["reason"].notna()]
    if mine.empty:
        return RETURN_HINT_GENERIC
    if "quantity" in mine.columns:
        units = pd.to_numeric(mine["quantity"], errors="coerce").astype(float).fillna(1.0)
    else:
        units = pd.Series(1.0, index=mine.index)
    by_reason = units.groupby(mine["reason"].astype(str)).sum().sort_values(ascending=False)
    share = float(by_reason.iloc[0] / by_reason.sum())
    if share <= DOMINANT_REASON_SHARE:
        return RETURN_HINT_GENERIC
    reason = str(by_reason.index[0])
    fix_zh, fix_en = REASON_FIXES.get(reason, REASON_FIX_OTHER)
    return (
        f"退货主要因为「{reason}」（占退货件数 {pct(share)}），{fix_zh}",
        f"returns are mostly '{reason}' ({pct(share)} of returned units): {fix_en}",
    )


@REGISTRY.rule(
    id="item_return_rate",
    name=("商品退货率过高", "Item return rate too high"),
    catches="an item's units returned / units sold over the last `return_window_days` "
    "days above `item_return_rate_max`, with at least `item_min_units` sold (returns "
    "that name no order are left out); high at twice the limit. The next step names the "
    "reason of more than half of the item's returned units, and what to fix for it",
    rank=80,
    needs=("after_sales",),
    requires=("after_sales_sku", "after_sales_order"),
    thresholds=("item_return_rate_max", "item_min_units", "return_window_days"),
    action=ActionText(
        zh="{item}退货率 {value_pct}：{hint}；问题未查清前降低该商品的推广投入",
        en="{item} return rate {value_pct}: {hint}; scale down its ads until the cause is fixed",
        words={"hint": {"*": RETURN_HINT_GENERIC}},
    ),
)
def item_return_rate(ctx: RuleContext) -> list[Alert]:
    """Item return rate = returned units / units sold, both over the return window."""
    r = _refund_window(ctx)
    if ctx.daily_item is None or "units" not in ctx.daily_item.columns:
        raise Skip("no item sales in facts", "没有商品销售数据")
    th = ctx.th
    w, mx = th.return_window_days, th.item_return_rate_max
    sold = window(ctx.daily_item, ctx.run_date, w).groupby("sku_id")["units"].sum()
    returned = _returned_units(ctx, r)
    out = []
    for sku in sorted(returned.index):
        units, back = float(sold.get(sku, 0.0)), returned[sku]
        if units < th.item_min_units or units <= 0 or back / units <= mx:
            continue
        rate = float(back) / units
        zh = (
            f"商品 {sku} 近{w}日退货率 {pct(rate)}（退 {num(back)} 件 / "
            f"售 {num(units)} 件），高于阈值 {pct(mx)}"
        )
        en = (
            f"Item {sku}: return rate {pct(rate)} over {w} days "
            f"({num(back)} returned / {num(units)} sold), above {pct(mx)}"
        )
        sev = "high" if rate >= 2 * mx else "medium"
        out.append(
            ctx.alert(
                "item_return_rate",
                sev,
                "item_return_rate",
                ("item", sku),
                rate,
                mx,
                (zh, en),
                hint=return_hint(r, sku),
            )
        )
    return out


# --------------------------------------------------------------------------------------
# high add-to-cart, low payment (加购高、支付低)


def _item_cart_frame(ctx: RuleContext, it: pd.DataFrame) -> pd.DataFrame:
    """Per sku_id over the window of item traffic ``it``: visitors, cart_users and orders
    (a buyer proxy)."""
    t = window(it, ctx.run_date, CART_WINDOW_DAYS)
    t = t.assign(sku_id=t["sku_id"].astype(str))[["sku_id", "visitors", "cart_users"]]
    t = t.groupby("sku_id").sum(min_count=1)
    if ctx.daily_item is not None and not ctx.daily_item.empty:
        di = window(ctx.daily_item, ctx.run_date, CART_WINDOW_DAYS)
        orders = di.groupby(di["sku_id"].astype(str))["orders"].sum()
    else:
        orders = pd.Series(dtype=float)
    return t.assign(orders=[float(orders.get(sku, 0.0)) for sku in t.index])


def _cart_message(sku: str, cart_rate: float, item_cvr: float, shop_cvr: float, ratio: float):
    days = CART_WINDOW_DAYS
    zh = (
        f"商品 {sku} 加购高、支付低：近{days}日加购率 {pct(cart_rate)}，转化率 {pct(item_cvr)}，"
        f"不到店铺转化率 {pct(shop_cvr)} 的 {ratio:.0%}；"
        "排查价格敏感、竞品分流、信任信号（评价/买家秀/保障）不足"
    )
    en = (
        f"Item {sku}: high add-to-cart, low payment - cart rate {pct(cart_rate)} over {days} "
        f"days but CVR {pct(item_cvr)}, under {ratio:.0%} of the shop CVR {pct(shop_cvr)}; "
        "check price sensitivity, competitor diversion and missing trust signals "
        "(reviews, buyer photos, guarantees)"
    )
    return zh, en


@REGISTRY.rule(
    id="cart_high_pay_low",
    name=("加购高、支付低", "High add-to-cart, low payment"),
    catches="加购高、支付低: over 14 days, an item with at least `cart_min_visitors` "
    "visitors whose add-to-cart rate (cart users / visitors) is at least "
    "`cart_high_pay_low_cart_rate` but whose CVR (orders / visitors) is under "
    "`cart_high_pay_low_cvr_ratio` x the shop CVR; check price sensitivity, competitor "
    "diversion, missing trust signals",
    rank=90,
    needs=("traffic",),
    requires=("item_cart_traffic",),
    thresholds=(
        "cart_high_pay_low_cart_rate",
        "cart_high_pay_low_cvr_ratio",
        "cart_min_visitors",
    ),
    action=ActionText(
        zh="{item}加购高、支付低（转化率 {value_pct}）：{hint}",
        en="{item} has high add-to-cart but low payment (CVR {value_pct}): {hint}",
        words={"hint": {"*": CART_HINT_GENERIC}},
    ),
)
def cart_high_pay_low(ctx: RuleContext) -> list[Alert]:
    """Over 14 days: cart rate = cart_users / visitors >= the cart rate threshold and item
    CVR = orders (buyer proxy) / visitors < ratio x shop CVR (buyers / uv)."""
    it = ctx.item_traffic
    if it is None or it.empty or "visitors" not in it.columns:
        raise Skip("no item-level traffic", "没有商品级流量数据")
    if "cart_users" not in it.columns or it["cart_users"].isna().all():
        raise Skip("no add-to-cart data in item traffic", "商品流量中没有加购数据")
    daily = ctx.require_daily()
    ctx.require_traffic()
    th = ctx.th
    shop = add_ratios(sums(window(daily, ctx.run_date, CART_WINDOW_DAYS), ["buyers", "uv"]))
    shop_cvr = as_float(shop["cvr"].iloc[0])
    if shop_cvr is None:
        raise Skip("no shop visitors in the window", "统计窗口内店铺没有访客")
    ratio = th.cart_high_pay_low_cvr_ratio
    limit = ratio * shop_cvr
    out = []
    for sku, row in _item_cart_frame(ctx, it).iterrows():
        vis = float(row["visitors"]) if pd.notna(row["visitors"]) else 0.0
        if vis < th.cart_min_visitors or vis <= 0:
            continue
        cart_rate = float(row["cart_users"]) / vis if pd.notna(row["cart_users"]) else np.nan
        item_cvr = row["orders"] / vis
        if cart_rate >= th.cart_high_pay_low_cart_rate and item_cvr < limit:
            msg = _cart_message(str(sku), cart_rate, item_cvr, shop_cvr, ratio)
            where = ("item", str(sku))
            out.append(
                ctx.alert("cart_high_pay_low", "medium", "item_cvr", where, item_cvr, limit, msg)
            )
    return out


# --------------------------------------------------------------------------------------
# channel CVR drop


def _baseline_days(ctx: RuleContext) -> list[pd.Timestamp]:
    """The 7 most recent non-promo days before the run date (within 35 days): the trailing
    7 days unless a festival falls in them."""
    promo = ctx.promo_dates()
    recent = pd.date_range(ctx.run_date - pd.Timedelta(days=35), periods=35, freq="D")
    return [d for d in recent if d not in promo][-7:]


@REGISTRY.rule(
    id="channel_cvr_drop",
    name=("渠道转化率骤降", "Channel CVR drop"),
    catches="1 - a channel's CVR on the run date / its CVR over the 7 days before (ratio "
    "of sums; festival days replaced by earlier ordinary days) above `channel_cvr_drop`, "
    "with at least `channel_min_visitors` visitors on the run date; high at twice the drop",
    rank=20,
    needs=("traffic",),
    thresholds=("channel_cvr_drop", "channel_min_visitors"),
    action=ActionText(
        zh="{subject} 渠道转化率骤降（{value_pct}，近7日 {reference_pct}）：检查该渠道的优惠券/"
        "商品链接是否失效、落地页与价格、主播排期与话术等最近的变化；单独回滚最近一次改动后观察一天",
        en="{subject} channel CVR dropped ({value_pct} vs {reference_pct} over 7 days): check "
        "for expired coupons or broken item links, landing page and price changes, host "
        "schedule or script changes; roll back only the latest change and watch for a day",
    ),
)
def channel_cvr_drop(ctx: RuleContext) -> list[Alert]:
    """Channel CVR today = buyers / uv; trailing = sum buyers / sum uv over the 7 days before
    (promo days replaced by the next earlier normal days); drop = 1 - today / trailing."""
    ctx.require_traffic()
    dc = ctx.daily_channel
    if dc is None or not has_values(dc, "uv"):
        raise Skip("no channel traffic", "没有渠道流量数据")
    th = ctx.th
    base_days = _baseline_days(ctx)
    out = []
    for ch in sorted(dc["channel"].dropna().astype(str).unique()):
        rows = dc.loc[dc["channel"] == ch]
        today = sums(rows.loc[rows["date"] == ctx.run_date], ["buyers", "uv"]).iloc[0]
        before = rows.loc[(rows["date"] < ctx.run_date) & (rows["date"].isin(base_days))]
        trail = sums(before, ["buyers", "uv"]).iloc[0]
        if not today["uv"] >= th.channel_min_visitors or not trail["uv"] > 0:
            continue
        if not trail["buyers"] > 0:
            continue
        cvr, base = today["buyers"] / today["uv"], trail["buyers"] / trail["uv"]
        drop = 1 - cvr / base
        if drop <= th.channel_cvr_drop:
            continue
        pp_zh, pp_en = format_pp(base - cvr, "zh")[1:], format_pp(base - cvr, "en")[1:]
        zh = (
            f"{ch} 渠道转化率 {pct(cvr)}，较近7日均值 {pct(base)} 下降 {pp_zh}"
            f"（相对 -{drop:.0%}；访客 {num(today['uv'])}）"
        )
        en = (
            f"{ch} channel CVR {pct(cvr)}, down {pp_en} from its 7-day "
            f"average {pct(base)} (-{drop:.0%} relative; {num(today['uv'])} visitors)"
        )
        sev = "high" if drop >= 2 * th.channel_cvr_drop else "medium"
        out.append(ctx.alert("channel_cvr_drop", sev, "cvr", ("channel", ch), cvr, base, (zh, en)))
    return out


# --------------------------------------------------------------------------------------
# everything together

#: The kinds of check, in the order they run: the fixed rules, then the statistical one.
KINDS: tuple[str, ...] = ("threshold", "statistical")


def evaluate(
    ctx: RuleContext, kinds: Iterable[str] = KINDS
) -> tuple[list[Alert], list[tuple[str, str, str]]]:
    """Every registered rule of ``kinds`` on ``ctx``: ``(alerts, [(rule, reason,
    reason_zh), ...])``."""
    alerts: list[Alert] = []
    skipped: list[tuple[str, str, str]] = []
    for kind in kinds:
        for rule in REGISTRY.of_kind(kind):
            found, missed = rule.run(ctx)
            alerts += found
            skipped += missed
    return alerts, skipped


def rule_alerts(
    facts: Any,
    settings: Settings,
    *,
    run_date: Any = None,
    market: pd.DataFrame | None = None,
) -> list[Alert]:
    """Evaluate every threshold rule of :data:`~helpers.alerts.base.REGISTRY` on the run date.

    The rules, their formulas and thresholds are listed in docs/alerts.md (generated from the
    registry). Rules whose data is missing are skipped; :func:`collect_alerts` reports why.

    Parameters
    ----------
    facts : a ``Facts`` object (or anything with its attributes).
    settings : run settings.
    run_date : day to check; default ``facts.run_date``.
    market : optional ``market`` table for the industry CVR.
    """
    return evaluate(rule_context(facts, settings, run_date, market), ("threshold",))[0]


def alerts_frame(alerts: Iterable[Alert]) -> pd.DataFrame:
    """Alerts as a DataFrame with ``ALERT_COLUMNS``, in report order.

    Order: severity (high first), rule (report order of the registry), metric, subject.
    """
    df = pd.DataFrame([a.to_dict() for a in alerts], columns=list(ALERT_COLUMNS))
    for c in ("value", "reference"):
        df[c] = df[c].astype(float)
    if df.empty:
        return df
    key = df.assign(
        _s=df["severity"].map(SEVERITY_RANK).fillna(99),
        _r=df["rule"].map(REGISTRY.rank),
    )
    key = key.sort_values(["_s", "_r", "rule", "metric", "scope", "subject"], kind="stable")
    return key.drop(columns=["_s", "_r"]).reset_index(drop=True)


def collect_alerts(
    facts: Any,
    settings: Settings,
    *,
    run_date: Any = None,
    market: pd.DataFrame | None = None,
) -> AlertReport:
    """Run every registered check: the rules, then the statistical check
    (:func:`helpers.alerts.anomaly.anomaly_alerts`).

    Returns
    -------
    AlertReport with ``alerts`` (sorted, see :func:`alerts_frame`) and ``skipped``
    (``rule, reason`` for each check not evaluated, e.g. "no traffic table").
    """
    alerts, skipped = evaluate(rule_context(facts, settings, run_date, market))
    skipped_df = pd.DataFrame(skipped, columns=list(SKIP_COLUMNS))
    return AlertReport(alerts=alerts_frame(alerts), skipped=skipped_df)
