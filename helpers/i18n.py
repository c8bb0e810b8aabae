"""Report wording in zh-CN (default) and English: the one home of words.

Labels live here: languages, metric names (as table labels and as words inside sentences),
units, severity names and order, section titles, chart captions. Numbers are formatted by
:mod:`helpers.numbers`. English terms the Chinese trade uses as they are (GMV, UV, CVR, ROI,
ROAS) stay untranslated in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from helpers import numbers

LANGS = ("zh", "en")


class Metric(NamedTuple):
    """The words of one metric.

    ``zh``/``en`` label it in tables, cards and charts; ``unit`` is currency / count / ratio
    / ratio_x / hours; ``text_zh``/``text_en`` name it inside a sentence (alert messages,
    next actions), empty when the label serves.
    """

    zh: str
    en: str
    unit: str
    text_zh: str = ""
    text_en: str = ""


#: metric -> its words (:class:`Metric`).
METRICS: dict[str, Metric] = {
    "gmv": Metric("支付金额 GMV", "GMV (paid amount)", "currency", "GMV", "GMV"),
    "orders": Metric("支付订单数", "Paid orders", "count", "订单数", "orders"),
    "buyers": Metric("支付买家数", "Paying buyers", "count", "", "buyers"),
    "units": Metric("支付件数", "Units sold", "count"),
    "uv": Metric("访客数 UV", "Visitors (UV)", "count", "", "UV"),
    "impressions": Metric("曝光量", "Impressions", "count"),
    "cvr": Metric("转化率 CVR", "Conversion rate (CVR)", "ratio", "转化率", "CVR"),
    "arpu": Metric("客单价", "Revenue per buyer", "currency", "", "revenue per buyer"),
    "aov": Metric("笔单价 (每单)", "Average order value", "currency"),
    "uv_value": Metric("UV价值", "Value per visitor", "currency"),
    "cart_rate": Metric("加购率", "Add-to-cart rate", "ratio"),
    "fav_rate": Metric("收藏率", "Favourite rate", "ratio"),
    "refund_rate": Metric(
        "退款率 (按单数)", "Refund rate (by orders)", "ratio", "退款率", "refund rate"
    ),
    "refund_amount": Metric("退款金额", "Refund amount", "currency"),
    "refund_amount_rate": Metric(
        "退款率 (按金额)",
        "Refund rate (by amount)",
        "ratio",
        "退款金额占比",
        "refunded share of GMV",
    ),
    "refund_cases": Metric("退款申请数", "Refund requests", "count"),
    "new_buyers": Metric("新买家数", "New buyers", "count"),
    "returning_buyers": Metric("老买家数", "Returning buyers", "count"),
    "guest_buyers": Metric("游客订单数", "Guest orders", "count"),
    "complaint_cases": Metric("差评/投诉数", "Complaints", "count"),
    "ad_spend": Metric("推广花费", "Ad spend", "currency", "", "ad spend"),
    "ad_gmv": Metric("推广成交金额", "Ad-attributed GMV", "currency"),
    "roas": Metric("ROAS (投产比)", "ROAS", "ratio_x", "ROAS", "ROAS"),
    "ship_24h_rate": Metric("24小时发货率", "Shipped within 24 h", "ratio"),
    "market_growth": Metric("市场同比增速", "Market growth (year on year)", "ratio"),
    "share_change": Metric("份额同比变化", "Share change (year on year)", "ratio"),
    "promo_share": Metric("促销频率", "Promotion frequency", "ratio"),
    "price_gap": Metric("竞品低价幅度", "Price gap to a competitor", "ratio"),
    "shortlist_size": Metric("蓝海候选数", "Shortlist size", "count"),
    "stage_changes": Metric("阶段变化的类目", "Categories changing stage", "count"),
    "ctr": Metric("点击率 (访客/曝光)", "Click-through (UV / impressions)", "ratio"),
    "cart_users": Metric("加购人数", "Add-to-cart users", "count"),
    "fav_users": Metric("收藏人数", "Favourite users", "count"),
    "customers": Metric("客户数", "Customers", "count"),
    "repeat_rate": Metric("复购率", "Repeat-purchase rate", "ratio"),
    "dormant_share": Metric("沉睡客户占比", "Dormant share", "ratio"),
    "recency_days": Metric("最近一次购买距今天数 R", "Recency R (days)", "count"),
    "frequency": Metric("购买次数 F", "Frequency F (orders)", "count"),
    "monetary": Metric("累计实付金额 M", "Monetary M (net spend)", "currency"),
    "historic_value": Metric("历史客户价值", "Historic customer value", "currency"),
    "predicted_value": Metric("预测客户价值", "Predicted customer value", "currency"),
    "p_alive": Metric("存活概率", "Probability alive", "ratio"),
    "days_to_second": Metric("首购到复购天数", "Days to second purchase", "count"),
    "revenue": Metric("商品净销售额", "Item net revenue", "currency"),
    "net_units": Metric("商品净销量", "Item net units", "count"),
    "gross_profit": Metric("商品毛利", "Item gross profit", "currency"),
    "margin": Metric("商品毛利率", "Item gross margin", "ratio"),
    "top20_share": Metric("前20%商品销售占比", "Top 20% items' share", "ratio"),
    "gini": Metric("基尼系数", "Gini coefficient", "ratio"),
    "traffic_share": Metric("流量占比", "Traffic share", "ratio"),
    "growth": Metric("销量增速", "Sales growth", "ratio"),
    "days_of_cover": Metric("可售天数", "Days of cover", "count"),
    "safety_stock": Metric("安全库存", "Safety stock", "count"),
    "reorder_point": Metric("补货点", "Reorder point", "count"),
    "order_qty": Metric("建议补货量", "Suggested order quantity", "count"),
    "forecast_wape": Metric("预测误差 WAPE", "Forecast error (WAPE)", "ratio"),
    "lift": Metric("提升度", "Lift", "ratio_x"),
    "refund_rate_7d": Metric("近7日退款率", "7-day refund rate", "ratio"),
    "unshipped_orders": Metric(
        "超时未发货订单", "Overdue unshipped orders", "count", "", "overdue unshipped orders"
    ),
    "return_share": Metric(
        "退货占比", "Share of refund cases", "ratio", "", "share of refund cases"
    ),
    "item_return_rate": Metric("商品退货率", "Item return rate", "ratio", "", "item return rate"),
    "item_cvr": Metric("商品转化率", "Item CVR", "ratio", "", "item CVR"),
    # promotion calendar (helpers.promotion_calendar)
    "incremental_gmv": Metric("增量 GMV", "Incremental GMV", "currency"),
    "uplift": Metric("提升", "Uplift", "ratio"),
    "discount_cost": Metric("折扣成本", "Discount cost", "currency"),
    "extra_ad_spend": Metric("加投推广", "Extra ad spend", "currency"),
    "gross_margin": Metric("毛利率", "Gross margin", "ratio"),
    "incremental_gross_profit": Metric(
        "增量毛利", "Incremental gross profit", "currency", "", "incremental gross profit"
    ),
    "promo_roi": Metric("活动 ROI", "Promotion ROI", "ratio_x"),
    "new_customer_return_share": Metric(
        "新客 90 天回购率", "New customers back within 90 days", "ratio"
    ),
    "expected_units": Metric("预计需求", "Expected demand (units)", "count", "", "expected units"),
    "days_to_next_event": Metric("距下个活动天数", "Days to the next event", "count"),
    "skus_short": Metric("备货不足的关键商品数", "Key SKUs short", "count"),
    # A/B tests (helpers.ab_test)
    "ab_cvr_diff": Metric("转化率差", "CVR difference", "ratio", "", "CVR difference"),
    "ab_lift": Metric("相对提升", "Relative lift", "ratio", "", "relative lift"),
    "ab_p_value": Metric("p 值", "p-value", "ratio", "", "p-value"),
    "ab_rpv": Metric("每访客收入", "Revenue per visitor", "currency", "", "revenue per visitor"),
    "ab_srm_p": Metric("分流检验 p 值", "Sample-ratio p-value", "ratio", "", "SRM p-value"),
    "ab_sample_size": Metric("每组所需样本量", "Visitors needed per variant", "count"),
    "ab_days_needed": Metric("所需天数", "Days needed", "count"),
}

CHANNELS: dict[str, str] = {
    "搜索": "Search",
    "推荐": "Recommendation",
    "直播": "Live stream",
    "短视频": "Short video",
    "付费推广": "Paid ads",
    "私域": "Private traffic",
    "未知": "Unknown",
    "全部": "All",
    "合计": "Total",
    "全店": "Whole shop",
}

PHASES: dict[str, tuple[str, str]] = {
    "warmup": ("预热", "warm-up"),
    "burst": ("爆发", "burst"),
    "afterglow": ("余热", "after-glow"),
}

#: Severity levels, most urgent first; :data:`SEVERITY_RANK` sorts by them.
SEVERITIES: tuple[str, ...] = ("high", "medium", "low")
SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}

SEVERITY: dict[str, tuple[str, str]] = {
    "high": ("高", "high"),
    "medium": ("中", "medium"),
    "low": ("低", "low"),
}

FACTORS: dict[str, tuple[str, str]] = {
    "buyers": ("支付买家数", "Paying buyers"),
    "uv": ("访客数 UV", "Visitors (UV)"),
    "cvr": ("转化率 CVR", "Conversion (CVR)"),
    "arpu": ("客单价", "Revenue per buyer"),
}

BASELINES: dict[str, tuple[str, str]] = {
    "value": ("当日", "Day"),
    "prev_day": ("前一日", "Previous day"),
    "baseline": ("对比基线", "Baseline"),
    "same_weekday_last_week": ("上周同日", "Same weekday last week"),
    "avg_7d": ("近7日日均", "7-day average"),
    "last_year": ("去年同期", "Same day last year"),
    "vs_prev_day": ("较前一日", "vs previous day"),
    "vs_last_week": ("较上周同日", "vs last week"),
    "vs_avg_7d": ("较7日均值", "vs 7-day avg"),
    "vs_last_year": ("较去年同期", "vs last year"),
}

TABLE_NAMES: dict[str, tuple[str, str]] = {
    "orders": ("订单", "orders"),
    "order_items": ("订单明细", "order items"),
    "products": ("商品", "products"),
    "traffic": ("流量", "traffic"),
    "ad_spend": ("推广花费", "ad spend"),
    "inventory": ("库存", "inventory"),
    "after_sales": ("售后", "after-sales"),
    "customers": ("会员", "customers"),
    "promotions": ("活动", "promotions"),
    "market": ("市场", "market"),
    "market_price_bands": ("市场价格带", "market price bands"),
    "search_terms": ("搜索词", "search terms"),
    "competitors": ("竞品", "competitors"),
}

TEXT: dict[str, tuple[str, str]] = {
    "date": ("日期", "Date"),
    "channel": ("渠道", "Channel"),
    "item": ("商品", "Item"),
    "sku_id": ("商品编码", "SKU"),
    "metric": ("指标", "Metric"),
    "value": ("数值", "Value"),
    "reason": ("原因", "Reason"),
    "cases": ("申请数", "Requests"),
    "share": ("占比", "Share"),
    "change": ("变化", "Change"),
    "before": ("对比期", "Baseline"),
    "after": ("当日", "Run date"),
    "avg_7d_line": ("7日均线", "7-day average"),
    "expected": ("季节性基线", "Seasonal baseline"),
    "flagged": ("异常点", "Flagged"),
    "gmv_change": ("GMV 变化", "GMV change"),
    "contribution": ("贡献", "Contribution"),
    "spend": ("花费", "Spend"),
    "severity": ("级别", "Severity"),
    "message": ("说明", "Message"),
    "action": ("下一步", "Next action"),
    "priority": ("优先级", "Priority"),
    "rule": ("规则", "Rule"),
    "skipped": ("未运行", "Skipped"),
    "hours_waiting": ("已等待(小时)", "Hours waiting"),
    "orders_overdue": ("超时未发货订单", "Overdue orders"),
    "none": ("无", "none"),
    "table": ("表", "Table"),
    "rows": ("行数", "Rows"),
    "missing_table": (
        "本节需要 {tables} 表，当前数据中没有，已跳过。",
        "This section needs the {tables} table, which the data does not have; skipped.",
    ),
    "missing_need": (
        "本节需要 {needs}，当前数据中没有这些值，已跳过。",
        "This section needs {needs}, which the data does not carry; skipped.",
    ),
    "quarantine_note": (
        "数据入库时有 {n} 行因格式或一致性问题被隔离，未计入以下数字（见文末“数据质量”）。",
        "{n} input rows were quarantined at intake and are not in the figures below "
        "(see 'Data quality' at the end).",
    ),
    "quarantine_none": ("所有输入行均通过校验。", "Every input row passed validation."),
    # the morning message sent to chat groups and e-mail (helpers.notify)
    "notify_title": ("{shop} 运营日报 · {date}", "{shop} daily report · {date}"),
    "notify_baseline": ("对比基线：{label}", "Compared with: {label}"),
    "notify_kpis": ("核心指标", "Headline numbers"),
    "notify_alerts": ("告警（{n} 条）", "Alerts ({n})"),
    "notify_no_alerts": ("今天没有告警。", "No alerts today."),
    "notify_more_alerts": (
        "另有 {n} 条告警（{detail}），见完整报告",
        "{n} more alerts ({detail}) in the full report",
    ),
    "notify_day": ("连续第 {n} 天", "day {n}"),
    "notify_actions": ("下一步", "Next actions"),
    "notify_more_actions": ("另有 {n} 条建议，见完整报告", "{n} more actions in the full report"),
    "notify_at_stake": ("每天涉及约 {money}", "{money} a day at stake"),
    "notify_at_stake_once": ("一次性涉及约 {money}", "{money} at stake once"),
    "notify_failed": ("未能完成的报告", "Reports that failed"),
    "notify_link": ("查看完整报告", "Open the full report"),
    "notify_what_changed": ("哪里变了", "What changed"),
    "run_date_line": ("复盘日", "Run date"),
    "last_week_line": ("上周同日", "Same weekday last week"),
    "hour_axis": ("付款时刻（点）", "Hour of payment"),
    "hourly_title": ("累计 GMV（按付款时刻）", "Cumulative GMV by hour of payment"),
    "segment": ("买家类型", "Buyers"),
    "item_visitors": ("商品访客数", "Item visitors"),
    "new": ("新买家", "New buyers"),
    "returning": ("老买家", "Returning buyers"),
    "guest": ("游客（无买家ID）", "Guests (no buyer id)"),
    "festival": ("活动", "Event"),
    "warmup_start": ("预热开始", "Warm-up starts"),
    "start_date": ("爆发日", "Burst day"),
    "days_to_warmup": ("距预热（天）", "Days to warm-up"),
    "days_to_start": ("距爆发（天）", "Days to burst"),
    "last_gmv": ("去年爆发期 GMV", "Burst GMV last year"),
    "window_day": ("复盘日", "Run date"),
    "window_7d": ("近7日", "Last 7 days"),
    "costed_gmv": ("有成本价商品的 GMV", "GMV of items with a cost"),
    "goods_cost": ("商品成本", "Cost of goods"),
    "break_even_roas": ("保本 ROAS", "Break-even ROAS"),
    "ad_profit": ("推广毛利（扣推广费）", "Ad gross profit after spend"),
    "pp_vs_last_week": ("较上周同日", "vs last week"),
    "pp_vs_avg_7d": ("较7日均值", "vs 7-day avg"),
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise ``ValueError``."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, not {lang!r}")
    return lang


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if check_lang(lang) == "zh" else pair[1]


def t(key: str, lang: str = "zh", **fields: object) -> str:
    """Translate a fixed UI text, filling ``{placeholders}`` from ``fields``."""
    return _pick(TEXT[key], lang).format(**fields)


def metric_label(metric: str, lang: str = "zh") -> str:
    """Display name of a metric (falls back to the metric id)."""
    row = METRICS.get(metric)
    return metric if row is None else _pick(row[:2], lang)


def metric_unit(metric: str) -> str:
    """Unit of a metric (:class:`Metric`), ``""`` when unknown."""
    row = METRICS.get(metric)
    return "" if row is None else row.unit


def metric_in_text(metric: str, lang: str = "zh") -> str:
    """A metric's name inside a sentence (falls back to its label, then to the id)."""
    row = METRICS.get(metric)
    if row is None:
        return metric
    text = row.text_zh if check_lang(lang) == "zh" else row.text_en
    return text or _pick((row.zh, row.en), lang)


def metric_value_in_text(metric: str, value: float | None) -> str:
    """A metric's value inside a sentence: ratios as percentages, else plain numbers."""
    return numbers.in_text(value, metric_unit(metric))


def channel_label(channel: str, lang: str = "zh") -> str:
    """Channel names are Chinese in the data; English reports translate the known ones."""
    return channel if lang == "zh" else CHANNELS.get(channel, channel)


def english_channels(text: str) -> str:
    """Replace the known Chinese channel names inside an English sentence by their English
    labels (``"直播 channel"`` -> ``"Live stream channel"``); other text is left alone."""
    for zh in sorted(CHANNELS, key=len, reverse=True):
        text = text.replace(zh, CHANNELS[zh])
    return text


def label(mapping: Mapping[str, tuple[str, str]], key: str, lang: str = "zh") -> str:
    pair = mapping.get(key)
    return key if pair is None else _pick(pair, lang)


def table_label(name: str, lang: str = "zh") -> str:
    return label(TABLE_NAMES, name, lang)


format_pp = numbers.format_pp
