"""The daily review's declaration: its notebook, title, sections and ``daily_review:``
settings (read by the notebook, ``playbook check`` and the skipped-section notes)."""

from __future__ import annotations

from dataclasses import dataclass

from helpers.sections import Section, Theme


@dataclass(frozen=True)
class DailyReviewSettings:
    """The ``daily_review:`` section of ``playbook.yaml``.

    Attributes
    ----------
    monthly_gmv_target : float
        The month's GMV target in the shop currency (本月 GMV 目标), compared with the
        month-to-date GMV and the time progress; 0 (default) = no target: the month view
        then shows the GMV so far and last month's same days, and says how to set it.
    top_items : int
        Items listed in the morning view's product ranking (default 10).
    rise_colour : str
        Colour of rises in the review's charts: ``auto`` (default: red in zh reports, the
        Chinese dashboard convention 红涨绿跌; green in en reports), ``red`` or ``green``.
        Falls take the other colour.
    closed_day_share : float
        A weekday counts as a day the shop is closed (e.g. no Saturday trading) when it had
        no paid order on at least this share of its last ``closed_day_weeks`` occurrences
        (default 0.8). Such days are left out of baselines, averages and trend charts
        instead of counting as zero sales, and a closed day raises no alert.
    closed_day_weeks : int
        How many past occurrences of each weekday the closed-day pattern is learnt from
        (default 8).
    """

    monthly_gmv_target: float = 0.0
    top_items: int = 10
    rise_colour: str = "auto"
    closed_day_share: float = 0.8
    closed_day_weeks: int = 8

    def __post_init__(self) -> None:
        if self.monthly_gmv_target < 0:
            raise ValueError("daily_review.monthly_gmv_target must be 0 (none) or positive")
        if not 1 <= self.top_items <= 100:
            raise ValueError("daily_review.top_items must be between 1 and 100")
        if self.rise_colour not in ("auto", "red", "green"):
            raise ValueError("daily_review.rise_colour must be auto, red or green")
        if not 0.5 <= self.closed_day_share <= 1.0:
            raise ValueError("daily_review.closed_day_share must be between 0.5 and 1")
        if not 2 <= self.closed_day_weeks <= 52:
            raise ValueError("daily_review.closed_day_weeks must be between 2 and 52")


#: The morning views (早间看板), shown together after the headline KPIs.
MORNING_SECTIONS = (
    Section(
        "top_items",
        ("商品 TOP 10：支付金额、访客、转化率", "Top 10 items"),
        enriched_by=("traffic",),
    ),
    Section("buyer_mix", ("新老买家 GMV", "New vs returning buyers' GMV")),
    Section(
        "engagement",
        ("收藏率与加购率", "Favourite and add-to-cart rates"),
        needs=("traffic.favorite_users",),
    ),
    Section(
        "profit",
        ("毛利与保本 ROAS", "Gross profit and break-even ROAS"),
        needs=("products.unit_cost",),
    ),
    Section("month_to_date", ("本月进度：GMV 与目标", "Month to date: GMV and target")),
    Section("festival", ("大促倒计时", "Next festival countdown")),
    Section("hourly", ("分时走势：今日与上周同日", "Hour by hour: today and last week")),
)

THEME = Theme(
    name="daily_review",
    notebook="05_daily_review",
    title=("每日复盘", "Daily review"),
    question=(
        "昨天哪里变了、为什么变、下一步怎么改？",
        "What changed yesterday, why, and what do we change next?",
    ),
    sections=(
        Section("kpis", ("2. 核心指标", "2. Headline KPIs")),
        *MORNING_SECTIONS,
        Section("split", ("3. GMV 变化拆解", "3. GMV change split"), needs=("traffic",)),
        Section("trends", ("4. 近 28 天趋势", "4. The last 28 days")),
        Section("funnel", ("5. 渠道漏斗", "5. Funnel by channel"), needs=("traffic",)),
        Section("drilldown", ("6. 下钻：整体→渠道→商品", "6. Drill-down")),
        Section("ads", ("7. 推广花费与 ROAS", "7. Ad spend and ROAS"), needs=("ad_spend",)),
        Section("refunds", ("8. 售后：退款", "8. After-sales: refunds"), needs=("after_sales",)),
        Section(
            "shipping", ("8. 售后：发货", "8. After-sales: shipping"), needs=("orders.shipped_at",)
        ),
        Section("alerts", ("9. 告警", "9. Alerts")),
    ),
    when=(
        "每天早上，看完今日清单之后。",
        "Every morning, after the checklist.",
    ),
    settings=DailyReviewSettings,
)
