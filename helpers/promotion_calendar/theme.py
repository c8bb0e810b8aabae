"""The promotion calendar's declaration: notebook, title, sections and settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from helpers.sections import Section, Theme


@dataclass(frozen=True)
class PromotionCalendarSettings:
    """The ``promotion_calendar:`` section of ``playbook.yaml``.

    Attributes
    ----------
    horizon_days : int
        Upcoming events are those whose burst starts within this many days after the run
        date (default 90).
    pre_days : int
        Days before the warm-up watched for a pull-forward dip (buyers waiting for the
        event; default 7).
    post_days : int
        Days after the after-glow watched for a hangover (demand already served; default 7).
    lookback_days : int
        Days before an event's first watched day whose ordinary days fit its counterfactual
        (default 120).
    baseline_days : int
        Ordinary days before an event that give its baseline margin, refund rate and ad
        spend (default 28).
    holiday_margin_days : int
        Days either side of a public-holiday block or logistics pause also left out of the
        counterfactual fit (default 3).
    interval : float
        Coverage of the counterfactual intervals (default 0.95).
    key_skus : int
        Top sellers of the last 90 days checked for stock readiness (default 20).
    safety_share : float
        Stock below expected demand x (1 + safety_share) is "at risk" (default 0.2).
    default_lead_time_days : int
        Supplier lead time when the inventory has none for a SKU (default 14).
    return_window_days : int
        A new customer "came back" with a second paid order within this many days
        (default 90).
    country : str
        ISO country of the public holidays; empty: China on the Chinese platform calendar,
        else the country of the shop's timezone (Europe/London -> GB).
    pause_before_days : int
        The Spring Festival logistics pause starts this many days before the new year
        (default 4).
    pause_after_days : int
        ... and ends this many days after it (default 5: parcels move again on day 6).
    festival_windows : dict
        Warm-up and after-glow lengths per platform festival key (``38``, ``618``, ``99``,
        ``1111``, ``1212``, ``nianhuo``), e.g. ``{"618": {"warmup_days": 20}}``; empty keeps
        the defaults of :func:`helpers.festivals.platform_festivals`.
    """

    horizon_days: int = 90
    pre_days: int = 7
    post_days: int = 7
    lookback_days: int = 120
    baseline_days: int = 28
    holiday_margin_days: int = 3
    interval: float = 0.95
    key_skus: int = 20
    safety_share: float = 0.2
    default_lead_time_days: int = 14
    return_window_days: int = 90
    country: str = ""
    pause_before_days: int = 4
    pause_after_days: int = 5
    festival_windows: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0.5 <= self.interval < 1:
            raise ValueError("promotion_calendar interval must be in [0.5, 1)")


THEME = Theme(
    name="promotion_calendar",
    notebook="03_promotion_calendar",
    title=("促销日历", "Promotion calendar"),
    question=(
        "接下来有哪些大促、准备好了吗？过去的活动真正多卖了多少、赚没赚钱？",
        "Which events are coming and are we ready? What did past events really add, "
        "and did they pay?",
    ),
    settings=PromotionCalendarSettings,
    sections=(
        Section(
            "calendar", ("1. 日历：未来 90 天与过去一年", "1. Calendar: next 90 days, past year")
        ),
        Section(
            "upcoming",
            ("2. 即将到来的活动与备货", "2. Upcoming events and readiness"),
            enriched_by=("inventory", "products"),
        ),
        Section("evaluated", ("3. 过去的活动：比基线多卖了多少", "3. Past events vs baseline")),
        Section(
            "economics",
            ("4. 活动的成本、毛利与 ROI", "4. Cost, margin and ROI"),
            needs=("products",),
            enriched_by=("ad_spend", "after_sales"),
        ),
        Section("live", ("5. 同一大促：今年与去年", "5. Same festival, this year vs last")),
        Section("mechanics", ("6. 玩法对比", "6. Mechanics compared"), needs=("promotions",)),
        Section("whatif", ("7. 折扣力度模拟", "7. Discount what-if"), needs=("products",)),
        Section("alerts", ("8. 告警与下一步", "8. Alerts and next steps")),
    ),
    when=(
        "大促预热开始前两周准备；活动结束后复盘效果。",
        "Two weeks before a festival's warm-up to prepare; after an event to review it.",
    ),
)
