"""The daily review's declaration: its notebook, title and sections (read by the notebook,
``playbook check`` and the skipped-section notes)."""

from __future__ import annotations

from helpers.sections import Section, Theme

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
)
