"""The start-here notebook's declaration: the assistant's morning checklist and the map of
the other notebooks, with the ``start_here:`` settings (the checklist's status thresholds)."""

from __future__ import annotations

from dataclasses import dataclass

from helpers.sections import Section, Theme


@dataclass(frozen=True)
class StartHereSettings:
    """The ``start_here:`` section of ``playbook.yaml``: when a checklist item turns amber
    (attention) or red (urgent). Counts are orders, requests or items; hours are measured
    back from the end of the run date (the morning the checklist is read).

    Attributes
    ----------
    unpaid_usual_share : float
        催付: the "usual" payment window is the time within which this share of the
        orders paid over the last 28 days were paid (0.9 = 90 %); an order still unpaid after
        that window is worth a reminder.
    unpaid_min_minutes : float
        The window is never shorter than this (buyers who pay at once would otherwise make
        every fresh order look late).
    unpaid_close_hours : float
        Orders unpaid for longer than this are left alone: the platform closes them (淘宝
        closes unpaid orders after 72 h by default).
    unpaid_urgent : int
        Unpaid orders to remind from which the item is urgent (any is attention).
    ship_urgent : int
        Orders past the shipping SLA (``thresholds.ship_sla_hours``) from which the item is
        urgent; one or more is attention.
    logistics_stale_hours : float
        A shipped parcel whose latest tracking event (``orders.logistics_updated_at``) is older
        than this and that is not delivered is a logistics exception.
    logistics_urgent : int
        Logistics exceptions from which the item is urgent.
    refund_reply_hours : float
        An after-sales request waiting longer than this is urgent (platforms decide
        unanswered requests for the buyer after a few days); a younger one is attention.
    item_window_days : int
        Abnormal items: the recent window (days up to the run date) whose daily visitors and
        CVR are compared with the ``item_baseline_days`` days before it, scaled by the shop's
        own change between the two windows.
    item_baseline_days : int
        Length of that baseline.
    item_drop : float
        A drop of an item's daily visitors or CVR larger than this share (0.5 = halved) is
        abnormal; urgent at ``item_drop_urgent``.
    item_drop_urgent : float
        See ``item_drop``.
    item_min_visitors : int
        A traffic drop is judged only when the item was expected to have at least this many
        visitors in the recent window (fewer are too few to tell).
    item_min_orders : int
        A CVR drop is judged only when the item was expected to have at least this many
        orders in the recent window.
    low_stock_days : float
        Days of cover (on hand / average daily units of the last 28 days) under which an item
        that sold in those days is low on stock (it runs out within the week). Out of stock
        is urgent.
    ad_budget_daily : float
        The shop's daily ad budget (all channels). 0 (default): the plan is the average daily
        spend of the 7 days before the run date.
    ad_over : float
        Spend more than this share above (or below) the plan is attention ...
    ad_over_urgent : float
        ... and more than this share above it is urgent.
    promo_soon_days : int
        A platform festival whose warm-up starts within this many days makes the promotion
        item attention (prepare coupons, stock and ads).
    """

    unpaid_usual_share: float = 0.9
    unpaid_min_minutes: float = 30.0
    unpaid_close_hours: float = 72.0
    unpaid_urgent: int = 20
    ship_urgent: int = 10
    logistics_stale_hours: float = 48.0
    logistics_urgent: int = 10
    refund_reply_hours: float = 48.0
    item_window_days: int = 7
    item_baseline_days: int = 28
    item_drop: float = 0.5
    item_drop_urgent: float = 0.75
    item_min_visitors: int = 100
    item_min_orders: int = 10
    low_stock_days: float = 7.0
    ad_budget_daily: float = 0.0
    ad_over: float = 0.2
    ad_over_urgent: float = 0.5
    promo_soon_days: int = 7

    def __post_init__(self) -> None:
        if not 0 < self.unpaid_usual_share < 1:
            raise ValueError("start_here.unpaid_usual_share must be between 0 and 1")
        if not 0 < self.item_drop <= self.item_drop_urgent < 1:
            raise ValueError("start_here: need 0 < item_drop <= item_drop_urgent < 1")
        if not 0 < self.ad_over <= self.ad_over_urgent:
            raise ValueError("start_here: need 0 < ad_over <= ad_over_urgent")
        if self.ad_budget_daily < 0:
            raise ValueError("start_here.ad_budget_daily must be 0 or more")


THEME = Theme(
    name="start_here",
    notebook="00_start_here",
    title=("从这里开始：每日清单", "Start here: the morning checklist"),
    question=(
        "今天早上先处理什么？其他报告各回答什么问题？",
        "What do I handle first this morning, and which report answers which question?",
    ),
    sections=(
        Section(
            "checklist",
            ("1. 今日清单", "1. Today's checklist"),
            enriched_by=("after_sales", "traffic", "inventory", "ad_spend"),
        ),
        Section("map", ("2. 报告地图", "2. Map of the reports")),
    ),
    settings=StartHereSettings,
    when=(
        "每天早上第一件事。",
        "First thing every morning.",
    ),
)
