"""The market research declaration: notebook, title, sections and the ``market_research:``
section of ``playbook.yaml`` (read by the notebook, ``playbook check`` and the skip notes)."""

from __future__ import annotations

from dataclasses import dataclass

from helpers.sections import Section, Theme


@dataclass(frozen=True)
class MarketResearchSettings:
    """Knobs of the market research notebook (``market_research:`` in ``playbook.yaml``).

    Attributes
    ----------
    window_months : int
        Length of the comparison window: the last ``window_months`` complete months are
        compared with the same months one year earlier (growth, share change). Default 3.
    emerging_growth : float
        Stage rule: a category whose market grew by at least this share (0.30 = +30 %) and
        whose market is small (see ``emerging_max_share``) is *emerging* (导入期).
    emerging_max_share : float
        ... small = its market size is at most this share of all tracked categories (0.15).
    growth_min : float
        Stage rule: growth at least this (0.10) and not emerging -> *growth* (成长期).
    decline_max : float
        Stage rule: growth at most this (-0.05) -> *decline* (衰退期); between the two ->
        *mature* (成熟期).
    stage_lookback_months : int
        A category "changes stage" when its stage now differs from its stage this many
        months earlier (3).
    share_drop_alert : float
        Alert when the shop's market share in a growing or emerging category fell by at least
        this share of itself year on year (0.10 = share down 10 %).
    price_edges : tuple of float
        Price band edges (lower bounds) in the shop currency, e.g. ``[0, 50, 100, 200]``;
        empty (default) chooses them from the data (the market's own bands, else quantiles
        of the shop's item prices).
    price_band_count : int
        Number of bands when they are chosen from the shop's prices (5).
    band_min_share : float
        A band "sells well" when it holds at least this share of the category's market (0.10).
    band_growth_min : float
        A band is *growing* when its market grew at least this much year on year (0.20).
    search_min : float
        三高一低 screen: search index at least this (5000).
    margin_min : float
        ... gross margin at least this (0.30).
    competing_items_max : int
        ... fewer competing online items than this (100,000).
    return_rate_max : float
        ... return rate below this (0.05).
    term_growth_min : float
        A search term is *rising* when its popularity grew at least this much year on year
        (0.20) and *falling* when it fell at least this much.
    undercut_min : float
        A competitor undercuts an item when its price is at least this share below the
        shop's realised price (0.05).
    top_items : int
        "Top items" are the shop's best ``top_items`` items by GMV over ``rank_days`` (10).
    rank_days : int
        Days over which the shop's top items are ranked (28).
    price_days : int
        Days over which the shop's current realised item prices are measured (7).
    index_scale : float or None
        Index -> value conversion assumption: ``value = index_scale * index ** index_exponent``
        fills ``market_gmv`` from ``trade_index`` where the export has indices only. None
        (default): no conversion, indices stay indices.
    index_exponent : float
        Exponent of that conversion (1.0).
    top_categories : int
        Price bands and the demand outlook show the largest ``top_categories`` categories
        (by the shop's GMV over the last twelve months, or by market size) (6).
    forecast_months : int
        Months forecast by the demand outlook (3).
    interval : float
        Coverage of the forecast interval (0.80).
    """

    window_months: int = 3
    emerging_growth: float = 0.30
    emerging_max_share: float = 0.15
    growth_min: float = 0.10
    decline_max: float = -0.05
    stage_lookback_months: int = 3
    share_drop_alert: float = 0.10
    price_edges: tuple[float, ...] = ()
    price_band_count: int = 5
    band_min_share: float = 0.10
    band_growth_min: float = 0.20
    search_min: float = 5000.0
    margin_min: float = 0.30
    competing_items_max: int = 100_000
    return_rate_max: float = 0.05
    term_growth_min: float = 0.20
    undercut_min: float = 0.05
    top_items: int = 10
    rank_days: int = 28
    price_days: int = 7
    index_scale: float | None = None
    index_exponent: float = 1.0
    top_categories: int = 6
    forecast_months: int = 3
    interval: float = 0.80


THEME = Theme(
    name="market_research",
    notebook="01_market_research",
    title=("市场调研", "Market research"),
    question=(
        "做哪个类目、卖什么价、和谁竞争、卖给谁？",
        "Which categories, at what price, against whom, to whom?",
    ),
    sections=(
        Section(
            "sources", ("1. 数据口径：指数与真实值", "1. Indices and real values"), ("market",)
        ),
        Section(
            "lifecycle",
            ("2. 类目生命周期", "2. Category life cycle"),
            ("market",),
            enriched_by=("products",),
        ),
        Section(
            "price_bands",
            ("3. 价格带", "3. Price bands"),
            ("products",),
            enriched_by=("market_price_bands",),
        ),
        Section("search_terms", ("4. 搜索词", "4. Search terms"), ("search_terms",)),
        Section("competitors", ("5. 竞品拆解", "5. Competitor teardown"), ("competitors",)),
        Section("customers", ("6. 用户画像", "6. Customer picture"), ("customers",)),
        Section("screen", ("7. 三高一低筛选", "7. The 三高一低 screen"), ("market",)),
        Section(
            "outlook",
            ("8. 需求展望", "8. Demand outlook"),
            enriched_by=("market", "products"),
        ),
    ),
    settings=MarketResearchSettings,
    when=(
        "选新品、进新类目或定价之前；每月看一次市场变化。",
        "Before picking a new product, entering a category or setting prices; monthly for the market's moves.",
    ),
)
