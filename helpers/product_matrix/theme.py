"""The product matrix's declaration: its notebook, title, sections and settings (read by the
notebook, ``playbook check`` and the skipped-section notes)."""

from __future__ import annotations

from dataclasses import dataclass

from helpers.sections import Section, Theme


@dataclass(frozen=True)
class ProductMatrixSettings:
    """The ``product_matrix:`` section of ``playbook.yaml``.

    Attributes
    ----------
    window_days : int
        Days up to the run date that ABC, roles and prices look at (default 90).
    abc_a : float
        Cumulative share of revenue (or gross profit) covered by class A (default 0.80).
    abc_b : float
        Cumulative share covered by classes A and B together; the rest is C (default 0.95).
    driver_traffic_share : float
        引流款: an item holding at least this share of item visitors (orders when there is no
        traffic table) ... (default 0.02 = 2 %).
    thin_margin : float
        ... with a gross margin at or below this (default 0.25).
    profit_margin : float
        利润款: gross margin at or above this (default 0.45) with at least ``min_units``.
    image_price_quantile : float
        形象款: list price at or above this quantile of its category (default 0.90) while its
        units are at or below the category median.
    min_units : int
        Units in the window a 利润款 or a 潜力款 needs at least (default 20).
    hit_growth : float
        爆款: class A with growth of the daily sales rate, last 4 weeks vs the 4 before, of at
        least this (default 0.10 = +10 %).
    evergreen_weeks : int
        常青款: class A or B, selling in at least 80 % of the last this-many weeks (default 26)
        with growth within +-30 %.
    potential_growth : float
        潜力款: not class A, growth at least this (default 0.30 = +30 %).
    role_change_days : int
        Roles are compared with those this many days earlier (default 28).
    trend_weeks : int
        Weeks of the robust life-cycle trend (default 12).
    launch_weeks : int
        An item younger than this many weeks is in launch (default 8).
    lifecycle_slope : float
        Weekly growth of the robust trend that counts as growth or decline (default 0.05).
    service_level : float
        Probability of not running out during a replenishment lead time (default 0.95).
    lead_time_days : float
        Lead time when the inventory table gives none (default 14).
    review_days : int
        Days between two orders; the suggested quantity covers lead time plus this (default 7).
    demand_days : int
        Days of history for mean and standard deviation of daily demand (default 56).
    slow_no_sale_days : int
        Slow mover: no sale in this many days with stock on hand (default 30) ...
    slow_cover_days : float
        ... or more than this many days of cover (default 120).
    festival_uplift : float
        Daily demand on festival burst days as a multiple of a normal day, when the shop's
        own history cannot measure it (default 3.0).
    forecast_top_n : int
        Key SKUs (class A, by revenue) that get a statsmodels demand forecast (default 6).
    forecast_horizon_days : int
        Days forecast ahead (default 28).
    backtest_folds : int
        Weekly origins of the rolling backtest (default 3), each forecasting 7 days.
    basket_days : int
        Days of order lines used for items bought together (default 365).
    basket_min_pair_orders : int
        Pairs bought together in fewer orders are not shown (default 5).
    basket_top : int
        Pairs shown (default 15).
    cart_window_days : int
        Window of the 加购高支付低 diagnosis (default 28).
    alert_top_items : int
        A best seller entering decline is alerted when it was a 爆款 four weeks ago or is
        among this many items by net revenue (default 20).
    alert_max_items : int
        At most this many alerts per rule, the most urgent first; the exported lists hold
        every item (default 10).
    """

    window_days: int = 90
    abc_a: float = 0.80
    abc_b: float = 0.95
    driver_traffic_share: float = 0.02
    thin_margin: float = 0.25
    profit_margin: float = 0.45
    image_price_quantile: float = 0.90
    min_units: int = 20
    hit_growth: float = 0.10
    evergreen_weeks: int = 26
    potential_growth: float = 0.30
    role_change_days: int = 28
    trend_weeks: int = 12
    launch_weeks: int = 8
    lifecycle_slope: float = 0.05
    service_level: float = 0.95
    lead_time_days: float = 14.0
    review_days: int = 7
    demand_days: int = 56
    slow_no_sale_days: int = 30
    slow_cover_days: float = 120.0
    festival_uplift: float = 3.0
    forecast_top_n: int = 6
    forecast_horizon_days: int = 28
    backtest_folds: int = 3
    basket_days: int = 365
    basket_min_pair_orders: int = 5
    basket_top: int = 15
    cart_window_days: int = 28
    alert_top_items: int = 20
    alert_max_items: int = 10


THEME = Theme(
    name="product_matrix",
    notebook="02_product_matrix",
    title=("商品矩阵与库存", "Product matrix and inventory"),
    question=(
        "哪些商品撑起生意、各自担什么角色、库存够不够、该补什么清什么？",
        "Which items carry the shop, what role does each play, is the stock right, and what "
        "do we restock or clear?",
    ),
    sections=(
        Section("abc", ("1. ABC 分层与集中度", "1. ABC classes and concentration")),
        Section(
            "roles",
            ("2. 商品角色矩阵", "2. Item roles"),
            enriched_by=("products", "traffic"),
        ),
        Section("lifecycle", ("3. 生命周期", "3. Life cycle")),
        Section(
            "cart_gap",
            ("4. 加购高支付低诊断", "4. High add-to-cart, low payment"),
            needs=("traffic",),
            enriched_by=("competitors", "inventory"),
        ),
        Section("forecast", ("5. 需求预测", "5. Demand forecast")),
        Section("inventory", ("6. 库存健康", "6. Inventory health"), needs=("inventory",)),
        Section("baskets", ("7. 关联购买", "7. Items bought together")),
        Section(
            "pricing",
            ("8. 价格检查", "8. Price checks"),
            enriched_by=("products", "competitors"),
        ),
        Section("alerts", ("9. 告警与下一步", "9. Alerts and next steps")),
    ),
    settings=ProductMatrixSettings,
    when=(
        "每周一次：调整主推商品、补货和清仓之前。",
        "Weekly: before changing the lead items, reordering stock or clearing slow movers.",
    ),
)
