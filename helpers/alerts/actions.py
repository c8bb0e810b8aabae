"""Next actions: turn the day's alerts into a short, concrete to-do list.

Each alert becomes one next step that names the metric, the channel or item, and what to
check, following the methodology: diagnose top-down (shop trend -> channel -> item) and change
one variable at a time, then review the effect the next day. Alerts of the same rule and
subject (e.g. CVR and GMV of the shop both falling, or the day's and the 7-day refund rate)
are grouped into one step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from helpers import i18n
from helpers.alerts.rules import (
    ALERT_COLUMNS,
    RULE_RANK,
    SEVERITY_RANK,
    Alert,
    AlertReport,
    _fmt_metric,
    _metric_name,
    _num,
    _pct,
)

ACTION_COLUMNS: tuple[str, ...] = ("priority", "rule", "metric", "subject", "action")

#: The assistant's daily checklist, kept on a quiet day.
ROUTINE_CHECKS = {
    "zh": "今日无告警：照常完成每日检查——订单状态、发货与物流、退货退款、客服工单、"
    "推广数据、今日活动安排",
    "en": "No alerts today: keep the daily checklist - order status, shipping and logistics, "
    "returns and refunds, service tickets, ad data, today's promotion plan",
}


def _as_frame(alerts: Any) -> pd.DataFrame:
    if isinstance(alerts, AlertReport):
        return alerts.alerts
    if isinstance(alerts, pd.DataFrame):
        return alerts
    rows = [a.to_dict() if isinstance(a, Alert) else dict(a) for a in alerts]
    return pd.DataFrame(rows, columns=list(ALERT_COLUMNS))


def _val(x: Any) -> float | None:
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if np.isfinite(x) else None


def _who(subject: str, scope: str, lang: str) -> str:
    if not subject:
        return "店铺" if lang == "zh" else "Shop"
    if scope == "channel":
        return f"{subject} 渠道" if lang == "zh" else f"{i18n.channel_label(subject, 'en')} channel"
    if scope == "item":
        return f"商品 {subject}" if lang == "zh" else f"Item {subject}"
    if scope == "reason":
        return f"退款原因「{subject}」" if lang == "zh" else f"refund reason '{subject}'"
    return subject


def _metrics_text(metrics: list[str], lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(_metric_name(m, lang) for m in metrics)


# Each builder gets (first row of the group, metrics of the group, lang) and returns the text.
Builder = Callable[[pd.Series, list[str], str], str]


def _cvr_below_industry(r: pd.Series, metrics: list[str], lang: str) -> str:
    v, ref = _pct(_val(r["value"])), _pct(_val(r["reference"]))
    if lang == "zh":
        return (
            f"店铺转化率 {v} 明显低于行业均值 {ref}：先按渠道拆分转化率找出拖累最大的渠道，"
            "再到该渠道的主力商品检查主图、详情页、价格和评价；一次只改一项，对比一周"
        )
    return (
        f"Shop CVR {v} is well below the industry mean {ref}: split CVR by channel to find the "
        "one dragging most, then check the main images, detail page, price and reviews of its "
        "top items; change one thing at a time and compare over a week"
    )


def _refund_rate(r: pd.Series, metrics: list[str], lang: str) -> str:
    v, ref = _pct(_val(r["value"])), _pct(_val(r["reference"]))
    m = _metrics_text(metrics, lang)
    if lang == "zh":
        return (
            f"店铺{m} {v} 超过 {ref}：按退款原因和商品拆分售后单，先处理占比最高的一项"
            "（质量、描述不符、尺码或物流），核对后修正详情页或质检，次日复看退款率"
        )
    return (
        f"Shop {m} {v} is above {ref}: split refund cases by reason and item and tackle the "
        "largest one first (quality, not as described, size, logistics); fix the detail page "
        "or QC, then re-check the rate tomorrow"
    )


def _unshipped_sla(r: pd.Series, metrics: list[str], lang: str) -> str:
    n = _num(_val(r["value"]))
    h = _num(_val(r["reference"]))
    if lang == "zh":
        return (
            f"{n} 单付款超{h}小时未发货：联系仓库核对拣货产能，优先处理最早的订单，"
            "主动向买家致歉/补偿以免投诉和平台处罚"
        )
    return (
        f"{n} orders paid more than {h} h ago are not shipped: check picking capacity with the "
        "warehouse, ship the oldest orders first, and apologise / compensate buyers proactively "
        "to avoid complaints and platform penalties"
    )


def _ad_swing(r: pd.Series, metrics: list[str], lang: str) -> str:
    who = _who(r["subject"], "channel", lang)
    m = _metrics_text(metrics, lang)
    if lang == "zh":
        return (
            f"{who}{m}异常波动：核对推广计划的预算、出价、投放时段和人群是否被改动，"
            "确认有无计划被暂停或超预算；只调整一个计划，观察一天再动下一个"
        )
    return (
        f"{who} {m} swung abnormally: check whether budgets, bids, schedules or audiences of its "
        "campaigns changed and whether a campaign paused or ran out of budget; adjust one "
        "campaign only and watch for a day before touching the next"
    )


def _consecutive_decline(r: pd.Series, metrics: list[str], lang: str) -> str:
    who = _who(r["subject"], r["scope"], lang)
    m = _metrics_text(metrics, lang)
    if lang == "zh":
        nxt = "该渠道的主力商品" if r["scope"] == "channel" else "各渠道，再到商品"
        return (
            f"{who}{m}连续下滑：自上而下下钻——先拆到{nxt}，分清是流量少了还是转化差了，"
            "找到拖累最大的一项后只改这一个变量，次日复盘"
        )
    nxt = "its top items" if r["scope"] == "channel" else "channels, then items"
    return (
        f"{who} {m} keeps falling: drill down top-down to {nxt}, tell traffic loss from "
        "conversion loss, then change only the one variable behind the largest drag and "
        "review tomorrow"
    )


def _return_concentration(r: pd.Series, metrics: list[str], lang: str) -> str:
    who = _who(r["subject"], r["scope"], lang)
    share = _pct(_val(r["value"]))
    if lang == "zh":
        return (
            f"售后集中在{who}（占 {share}）：抽查这批售后单与买家留言，核对描述、尺码表、"
            "质量批次与包装；先修正最可能的一个原因，跟踪一周售后占比"
        )
    return (
        f"Refunds concentrate on {who} ({share} of cases): read a sample of those cases and "
        "buyer comments, check description, size chart, batch quality and packaging; fix the "
        "most likely cause first and track its share for a week"
    )


def _item_return_rate(r: pd.Series, metrics: list[str], lang: str) -> str:
    who = _who(r["subject"], "item", lang)
    v = _pct(_val(r["value"]))
    if lang == "zh":
        return (
            f"{who}退货率 {v}：查看它的退货原因分布，核对尺码表、描述与实物是否一致、"
            "当前批次质量；问题未查清前降低该商品的推广投入"
        )
    return (
        f"{who} return rate {v}: look at its return reasons, check the size chart, whether the "
        "description matches the product and the current batch quality; scale down its ads "
        "until the cause is found"
    )


def _cart_high_pay_low(r: pd.Series, metrics: list[str], lang: str) -> str:
    who = _who(r["subject"], "item", lang)
    v = _pct(_val(r["value"]))
    if lang == "zh":
        return (
            f"{who}加购高、支付低（转化率 {v}）：依次排查价格敏感（对比竞品价、优惠券门槛）、"
            "竞品分流（同款比价、竞品新活动）、信任信号不足（评价、买家秀、问大家、售后保障）；"
            "每次只改一项，如先加一张限时券，观察三天"
        )
    return (
        f"{who} has high add-to-cart but low payment (CVR {v}): check in turn price "
        "sensitivity (competitor prices, coupon thresholds), competitor diversion (same-item "
        "price comparison, competitor promotions) and missing trust signals (reviews, buyer "
        "photos, Q&A, guarantees); change one thing at a time, e.g. a time-limited coupon "
        "first, and watch three days"
    )


def _channel_cvr_drop(r: pd.Series, metrics: list[str], lang: str) -> str:
    ch = r["subject"]
    v, ref = _pct(_val(r["value"])), _pct(_val(r["reference"]))
    if lang == "zh":
        return (
            f"{ch} 渠道转化率骤降（{v}，近7日 {ref}）：检查该渠道的优惠券/商品链接是否失效、"
            "落地页与价格、主播排期与话术等最近的变化；单独回滚最近一次改动后观察一天"
        )
    return (
        f"{ch} channel CVR dropped ({v} vs {ref} over 7 days): check for expired coupons or "
        "broken item links, landing page and price changes, host schedule or script changes; "
        "roll back only the latest change and watch for a day"
    )


def _anomaly(r: pd.Series, metrics: list[str], lang: str) -> str:
    m = r["metric"]
    name = _metric_name(m, lang)
    v = _fmt_metric(m, _val(r["value"]))
    e = _fmt_metric(m, _val(r["reference"]))
    if lang == "zh":
        return (
            f"{name} {v} 偏离周内基线 {e}：先确认数据完整（订单、流量是否缺导入），"
            "再按渠道→商品下钻找出变化来源；若是已知活动或外部事件，在复盘中记录原因"
        )
    return (
        f"{name} {v} is off its weekly baseline {e}: first confirm the data is complete "
        "(orders and traffic fully imported), then drill down channel -> item to find the "
        "source; if it is a known event, note the cause in the review"
    )


def _generic(r: pd.Series, metrics: list[str], lang: str) -> str:
    msg = r.get("message_zh" if lang == "zh" else "message_en", "")
    prefix = "核实并下钻：" if lang == "zh" else "Verify and drill down: "
    return prefix + str(msg)


BUILDERS: dict[str, Builder] = {
    "cvr_below_industry": _cvr_below_industry,
    "refund_rate": _refund_rate,
    "unshipped_sla": _unshipped_sla,
    "ad_swing": _ad_swing,
    "consecutive_decline": _consecutive_decline,
    "return_concentration": _return_concentration,
    "item_return_rate": _item_return_rate,
    "cart_high_pay_low": _cart_high_pay_low,
    "channel_cvr_drop": _channel_cvr_drop,
    "anomaly": _anomaly,
}


def next_actions(
    alerts: pd.DataFrame | AlertReport | Iterable[Alert], *, lang: str = "zh", limit: int = 8
) -> pd.DataFrame:
    """One concrete next step per alert (same rule and subject grouped).

    Parameters
    ----------
    alerts : the ``alerts`` frame of :func:`helpers.alerts.collect_alerts` (or the report
        itself, or a list of :class:`~helpers.alerts.Alert`).
    lang : ``zh`` or ``en``.
    limit : at most this many steps (the most urgent ones).

    Returns
    -------
    DataFrame ``priority, rule, metric, subject, action``. ``priority`` is 1..n in order of
    severity, then rule order (:data:`helpers.alerts.RULES`), then subject; ``metric`` lists
    the grouped metrics comma-separated. Anomalies are grouped by metric. Without alerts, one
    row (rule ``none``) keeps the daily routine checks.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    df = _as_frame(alerts)
    if df.empty:
        return pd.DataFrame(
            [
                {
                    "priority": 1,
                    "rule": "none",
                    "metric": "",
                    "subject": "",
                    "action": ROUTINE_CHECKS[lang],
                }
            ],
            columns=list(ACTION_COLUMNS),
        )
    df = df.assign(
        subject=df["subject"].fillna("").astype(str),
        _s=df["severity"].map(SEVERITY_RANK).fillna(99),
        _r=df["rule"].map(RULE_RANK).fillna(99),
    )
    # anomalies are shop-wide: one step per metric; other rules: one step per subject
    df = df.assign(_g=np.where(df["rule"] == "anomaly", df["metric"], df["subject"]))
    df = df.sort_values(["_s", "_r", "rule", "_g", "metric"], kind="stable")
    rows = []
    for (_rule, _g), grp in df.groupby(["rule", "_g"], sort=False):
        first = grp.iloc[0]
        metrics = list(dict.fromkeys(grp["metric"].astype(str)))
        builder = BUILDERS.get(str(first["rule"]), _generic)
        rows.append(
            {
                "_s": first["_s"],
                "_r": first["_r"],
                "rule": str(first["rule"]),
                "metric": ", ".join(metrics),
                "subject": first["subject"],
                "action": _localise(builder(first, metrics, lang), lang),
            }
        )
    out = pd.DataFrame(rows).sort_values(["_s", "_r", "rule", "subject", "metric"], kind="stable")
    out = out.head(limit).reset_index(drop=True)
    out.insert(0, "priority", np.arange(1, len(out) + 1))
    return out[list(ACTION_COLUMNS)]


def _localise(text: str, lang: str) -> str:
    """English actions name the known channels in English."""
    return i18n.english_channels(text) if lang == "en" else text
