"""Everything the product-matrix notebook shows, computed once per run.

:func:`build_matrix` takes the run's facts and contract tables and returns a
:class:`ProductMatrix`; the notebook only displays its fields. Order lines are read again
only for items bought together.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers.contract import NON_PRODUCT
from helpers.product_matrix import baskets, cart_gap, forecast, inventory, lifecycle, pricing
from helpers.product_matrix.abc import Concentration, abc_table, concentration
from helpers.product_matrix.report import matrix_alerts
from helpers.product_matrix.roles import assign_roles, growth, role_changes, selling_weeks
from helpers.product_matrix.roles import traffic_share as traffic_share_of
from helpers.product_matrix.sales import (
    daily_demand,
    goods_only,
    item_sales,
    product_attributes,
    weekly_rate,
)
from helpers.product_matrix.theme import ProductMatrixSettings

ONE_DAY = pd.Timedelta(days=1)
#: Days of daily demand kept for life cycles and forecasts (two years).
HISTORY_DAYS = 728


@dataclass(frozen=True)
class ProductMatrix:
    """The product matrix of one run (see :func:`build_matrix` for every field's source).

    Attributes
    ----------
    run_date : the run date.
    items : one row per item sold or refunded in the window: sales (:func:`sales.item_sales`),
        ABC classes, role and tier with reasons, life-cycle stage.
    concentration : how concentrated revenue is.
    share_basis : ``visitors`` or ``orders`` (what the traffic share is measured on).
    changes : items whose role or tier changed since ``role_change_days`` earlier.
    fading : items in decline (with what to try); ``entering`` those new to decline.
    cart : 加购高支付低 items with causes (None without traffic).
    forecasts : sku -> frame ``date, actual, forecast`` for the key SKUs.
    backtest : :class:`forecast.Backtest` of those SKUs.
    stock : reorder plan and festival risk per SKU (None without inventory).
    restock, clearance : the two lists to export (None without inventory).
    festival : the next platform festival (None without a calendar).
    pairs : items bought together (top pairs).
    tiers, charm, competitor : price checks (competitor None without that table).
    alerts : alert records.
    """

    run_date: pd.Timestamp
    items: pd.DataFrame
    concentration: Concentration
    share_basis: str
    changes: pd.DataFrame
    fading: pd.DataFrame
    entering: pd.DataFrame
    cart: pd.DataFrame | None
    forecasts: dict[str, pd.DataFrame]
    backtest: forecast.Backtest
    stock: pd.DataFrame | None
    restock: pd.DataFrame | None
    clearance: pd.DataFrame | None
    festival: inventory.Festival | None
    pairs: pd.DataFrame
    tiers: pd.DataFrame
    charm: pd.DataFrame
    competitor: pd.DataFrame | None
    alerts: pd.DataFrame


def _age_weeks(
    skus: pd.Index, products: pd.DataFrame | None, demand: pd.DataFrame, end
) -> pd.Series:
    """Weeks since launch (``products.launch_date``) or, without it, since the first sale."""
    sold = demand.gt(0)
    if sold.empty:  # no weekly history at all (an export of a few days)
        first = pd.Series(pd.NaT, index=demand.columns, dtype="datetime64[ns]")
    else:
        first = sold.idxmax().where(sold.any())
    launch = product_attributes(products)["launch_date"].reindex(skus)
    start = pd.to_datetime(launch, errors="coerce").fillna(first.reindex(skus))
    return ((end - start).dt.days / 7.0).reindex(skus)


def roles_at(
    facts: Any,
    products: pd.DataFrame | None,
    demand: pd.DataFrame,
    *,
    end: pd.Timestamp,
    factor: pd.Series,
    cfg: ProductMatrixSettings,
) -> tuple[pd.DataFrame, str]:
    """Items with ABC, role and tier as of ``end`` (window ``cfg.window_days``)."""
    sales = item_sales(
        facts.daily_item, facts.refunds, end=end, days=cfg.window_days, products=products
    )
    table = abc_table(sales, a=cfg.abc_a, b=cfg.abc_b)
    share, basis = traffic_share_of(facts.item_traffic, table, end=end, days=cfg.window_days)
    rate = weekly_rate(demand.loc[:end], factor, end)
    roles = assign_roles(
        table,
        share=share,
        basis=basis,
        growth=growth(rate),
        selling=selling_weeks(rate, cfg.evergreen_weeks),
        settings=cfg,
    )
    return roles, basis


def _stages(demand, factor, *, end, products, cfg) -> pd.DataFrame:
    rate = weekly_rate(demand.loc[:end], factor, end)
    age = _age_weeks(demand.columns, products, demand.loc[:end], end)
    return lifecycle.life_cycle(
        rate,
        age_weeks=age,
        trend_weeks=cfg.trend_weeks,
        launch_weeks=cfg.launch_weeks,
        slope=cfg.lifecycle_slope,
    )


def _forecasts(demand, items, *, promo_phase, uplift, cfg):
    """ETS forecasts and the backtest of the top class-A SKUs by revenue."""
    keys = items.loc[items["abc_revenue"] == "A", "sku_id"].head(cfg.forecast_top_n)
    keys = [k for k in keys if k in demand.columns]
    hist = demand[keys].iloc[-forecast.FIT_DAYS - 7 * cfg.backtest_folds :]
    out = {}
    if len(hist) >= forecast.MIN_DAYS:
        for sku in keys:
            f = forecast.forecast_item(
                hist[sku], horizon=cfg.forecast_horizon_days, promo_phase=promo_phase, uplift=uplift
            )
            actual = hist[sku].iloc[-56:]
            out[sku] = pd.concat(
                [
                    pd.DataFrame({"date": actual.index, "actual": actual.to_numpy()}),
                    pd.DataFrame({"date": f.index, "forecast": f.to_numpy()}),
                ],
                ignore_index=True,
            )
        bt = forecast.backtest(
            hist, folds=cfg.backtest_folds, promo_phase=promo_phase, uplift=uplift
        )
    else:
        bt = forecast.backtest(hist.iloc[:0], folds=0, promo_phase=promo_phase, uplift=uplift)
    return out, bt


def _stock(tables, demand, items, goods, *, end, calendar, uplift, cfg):
    """Reorder plan, festival risk and slow movers of every SKU in the latest snapshot."""
    stock = inventory.latest_stock(tables["inventory"], end=end)
    stock = stock.loc[~stock["sku_id"].isin(_non_products(tables.get("products")))]
    recent = demand.iloc[-cfg.demand_days :].reindex(columns=stock["sku_id"], fill_value=0.0)
    plan = inventory.reorder_plan(
        stock,
        recent,
        service_level=cfg.service_level,
        default_lead_time=cfg.lead_time_days,
        review_days=cfg.review_days,
    )
    fest = inventory.next_festival(end, calendar)
    if fest is not None:
        plan = inventory.festival_risk(
            plan, fest, run_date=end, uplift=uplift.get("burst", cfg.festival_uplift)
        )
    else:
        plan = plan.assign(festival_demand=np.nan, stockout_risk=False, order_by=pd.NaT)
    last_sale = goods.loc[goods["units"] > 0].groupby("sku_id")["date"].max()
    attrs = product_attributes(tables.get("products"))
    abc = items.set_index("sku_id")["abc_revenue"]
    plan = plan.assign(
        title=attrs["title"].reindex(plan["sku_id"]).to_numpy(),
        category=attrs["category"].reindex(plan["sku_id"]).to_numpy(),
        abc_revenue=abc.reindex(plan["sku_id"]).fillna("-").to_numpy(),
        unit_cost=pd.to_numeric(
            attrs["unit_cost"].reindex(plan["sku_id"]), errors="coerce"
        ).to_numpy(),
    )
    slow = inventory.slow_movers(
        plan,
        last_sale,
        run_date=end,
        no_sale_days=cfg.slow_no_sale_days,
        cover_days=cfg.slow_cover_days,
    )
    slow["stock_value"] = slow["on_hand"] * slow["unit_cost"]
    return plan, fest, slow


def _non_products(products: pd.DataFrame | None) -> pd.Series:
    if products is None or "category" not in products.columns:
        return pd.Series([], dtype="object")
    return products.loc[products["category"].eq(NON_PRODUCT), "sku_id"]


@dataclass(frozen=True)
class _History:
    """The daily demand of the recent goods SKUs and the promotion phases around it."""

    end: pd.Timestamp
    products: pd.DataFrame | None
    goods: pd.DataFrame
    demand: pd.DataFrame
    promo_phase: pd.Series
    uplift: dict
    factor: pd.Series


def _history(facts: Any, products: pd.DataFrame | None, cfg: ProductMatrixSettings) -> _History:
    """Daily demand (at most :data:`HISTORY_DAYS`) of the goods SKUs sold recently."""
    end = facts.run_date
    promo_phase = facts.promo_days.set_index("date")["phase"]
    uplift = forecast.phase_uplift(facts.daily, end=end)
    factor = promo_phase.map(uplift).astype("float64")
    first = facts.daily["date"].min()
    goods = goods_only(facts.daily_item, products)
    recent = goods["date"] > end - pd.Timedelta(days=cfg.window_days + cfg.role_change_days)
    skus = pd.Index(sorted(goods.loc[recent, "sku_id"].unique()))
    start = max(first, end - pd.Timedelta(days=HISTORY_DAYS - 1))
    demand = daily_demand(goods, facts.refunds, skus=skus, start=start, end=end)
    return _History(end, products, goods, demand, promo_phase, uplift, factor)


def _items_now_and_before(
    facts: Any, h: _History, cfg: ProductMatrixSettings
) -> tuple[pd.DataFrame, pd.DataFrame, str, pd.DataFrame, pd.DataFrame]:
    """Items with roles and life-cycle stages now and ``role_change_days`` earlier.

    Returns ``items, before, basis, entering, fading``.
    """
    items, basis = roles_at(facts, h.products, h.demand, end=h.end, factor=h.factor, cfg=cfg)
    before_end = h.end - pd.Timedelta(days=cfg.role_change_days)
    before, _ = roles_at(facts, h.products, h.demand, end=before_end, factor=h.factor, cfg=cfg)
    stages = _stages(h.demand, h.factor, end=h.end, products=h.products, cfg=cfg)
    items = items.merge(stages, on="sku_id", how="left")
    old = _stages(h.demand, h.factor, end=before_end, products=h.products, cfg=cfg)
    entering = lifecycle.entering_decline(stages, old).merge(
        items[["sku_id", "title", "revenue", "abc_revenue", "tier"]], on="sku_id"
    )
    entering = entering.merge(
        before[["sku_id", "tier"]].rename(columns={"tier": "tier_before"}), on="sku_id", how="left"
    )
    fading = items.loc[items["stage"] == "decline"].sort_values("revenue", ascending=False)
    return items, before, basis, entering, fading.reset_index(drop=True)


def _stock_lists(
    tables: Mapping[str, pd.DataFrame], h: _History, items: pd.DataFrame, *, settings: Any, cfg
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, pd.DataFrame | None, Any]:
    """``stock, restock, clearance, festival``: all None but the festival without inventory."""
    if tables.get("inventory") is None:
        return None, None, None, inventory.next_festival(h.end, settings.platform_calendar)
    stock, fest, clearance = _stock(
        tables,
        h.demand,
        items,
        h.goods,
        end=h.end,
        calendar=settings.platform_calendar,
        uplift=h.uplift,
        cfg=cfg,
    )
    restock = stock.loc[stock["restock_now"] | stock["stockout_risk"]].sort_values(
        ["stockout_risk", "days_of_cover"], ascending=[False, True]
    )
    return stock, restock.reset_index(drop=True), clearance, fest


def _price_checks(
    facts: Any, tables: Mapping[str, pd.DataFrame], items: pd.DataFrame, end: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """``priced`` (items at the last 14 days' average price), price tiers, charm pricing
    and the competitor comparison (None without the competitors table)."""
    products = tables.get("products")
    current = item_sales(facts.daily_item, facts.refunds, end=end, days=14, products=products)
    priced = items.drop(columns=["avg_price"]).merge(
        current[["sku_id", "avg_price"]], on="sku_id", how="left"
    )
    tiers = pricing.price_tiers(priced)
    charm = pricing.charm_check(priced.set_index("sku_id")["list_price"]).reset_index()
    competitor = None
    if tables.get("competitors") is not None:
        comp = tables["competitors"]
        band = pricing.competitor_band(comp, end=end)
        same = pricing.direct_competitor(priced, comp, end=end)
        competitor = pricing.against_competitors(priced, band, same)
    return priced, tiers, charm, competitor


def build_matrix(
    facts: Any,
    tables: Mapping[str, pd.DataFrame],
    *,
    settings: Any,
    cfg: ProductMatrixSettings | None = None,
) -> ProductMatrix:
    """Compute every section of the product matrix for ``facts.run_date``.

    Parameters
    ----------
    facts : the run's :class:`helpers.facts.Facts`.
    tables : the contract tables (``ctx.dataset.tables``); only ``orders``/``order_items``
        (items bought together), ``products``, ``inventory``, ``competitors`` and
        ``after_sales`` (complaints) are read, each cut at the run date.
    settings : the run's :class:`helpers.settings.Settings`.
    cfg : the theme settings (default: ``settings.section("product_matrix")``).
    """
    cfg = cfg or settings.section("product_matrix")
    h = _history(facts, tables.get("products"), cfg)
    end = h.end
    items, before, basis, entering, fading = _items_now_and_before(facts, h, cfg)
    forecasts, bt = _forecasts(h.demand, items, promo_phase=h.promo_phase, uplift=h.uplift, cfg=cfg)
    stock, restock, clearance, fest = _stock_lists(tables, h, items, settings=settings, cfg=cfg)
    pairs = _pairs(tables, end=end, products=h.products, cfg=cfg)
    priced, tiers, charm, competitor = _price_checks(facts, tables, items, end)
    cart = None
    if not facts.item_traffic.empty:
        cart = _cart(facts, tables, priced, competitor, stock, end=end, cfg=cfg, settings=settings)
    pm = ProductMatrix(
        run_date=end,
        items=items,
        concentration=concentration(items),
        share_basis=basis,
        changes=role_changes(items, before),
        fading=fading,
        entering=entering,
        cart=cart,
        forecasts=forecasts,
        backtest=bt,
        stock=stock,
        restock=restock,
        clearance=clearance,
        festival=fest,
        pairs=pairs,
        tiers=tiers,
        charm=charm,
        competitor=competitor,
        alerts=pd.DataFrame(),
    )
    return dataclasses.replace(pm, alerts=matrix_alerts(pm, lang=settings.language, cfg=cfg))


def _pairs(tables, *, end, products, cfg) -> pd.DataFrame:
    lines = baskets.basket_lines(
        tables["orders"],
        tables["order_items"],
        end=end,
        days=cfg.basket_days,
        exclude=_non_products(products),
    )
    pairs = baskets.item_pairs(lines, min_orders=cfg.basket_min_pair_orders)
    pairs = pairs.loc[pairs["lift"] > 1].head(cfg.basket_top)
    titles = product_attributes(products)["title"]
    return pairs.assign(
        title_a=titles.reindex(pairs["sku_a"]).to_numpy(),
        title_b=titles.reindex(pairs["sku_b"]).to_numpy(),
    ).reset_index(drop=True)


def _cart(facts, tables, priced, competitor, stock, *, end, cfg, settings):
    th = settings.thresholds
    funnel, norm = cart_gap.cart_funnel(
        facts.item_traffic, facts.daily_item, end=end, days=cfg.cart_window_days
    )
    flagged = cart_gap.cart_gap(
        funnel,
        norm,
        min_cart_rate=th.cart_high_pay_low_cart_rate,
        cvr_ratio=th.cart_high_pay_low_cvr_ratio,
        min_visitors=th.cart_min_visitors,
    )
    recent = priced.set_index("sku_id")["avg_price"]
    earlier = item_sales(
        facts.daily_item,
        facts.refunds,
        end=end - pd.Timedelta(days=14),
        days=42,
        products=tables.get("products"),
    ).set_index("sku_id")["avg_price"]
    change = (recent / earlier.reindex(recent.index) - 1).dropna()
    stockout = None
    if tables.get("inventory") is not None:
        stockout = inventory.stockout_days(tables["inventory"], end=end, days=cfg.cart_window_days)
    complaints = _complaints(tables.get("after_sales"), end=end, days=cfg.cart_window_days)
    fee, shop_fee = _shipping_fee(facts, flagged["sku_id"], end=end, days=cfg.cart_window_days)
    out = cart_gap.gap_causes(
        flagged,
        prices=competitor,
        price_change=change,
        stockout=stockout,
        complaints=complaints,
        shipping_fee=fee,
        shop_shipping_fee=shop_fee,
    )
    out["shop_cart_rate"], out["shop_cvr"] = norm["cart_rate"], norm["cvr"]
    return out.merge(priced[["sku_id", "title"]], on="sku_id", how="left")


def _complaints(after_sales, *, end, days) -> pd.Series | None:
    if after_sales is None or "type" not in after_sales.columns or "sku_id" not in after_sales:
        return None
    at = pd.to_datetime(after_sales["requested_at"], errors="coerce")
    m = (
        after_sales["type"].eq("complaint")
        & (at >= end - pd.Timedelta(days=days - 1))
        & (at < end + ONE_DAY)
    )
    return after_sales.loc[m].groupby("sku_id").size()


def _shipping_fee(facts, skus, *, end, days) -> tuple[pd.Series | None, float | None]:
    """Mean shipping fee of the window's orders holding each SKU, and of all its orders
    (from the facts' ``shipping_fees``: sum of fees / orders with a known fee)."""
    fees = facts.shipping_fees
    if fees.empty or len(skus) == 0:
        return None, None
    window = fees.loc[(fees["date"] > end - pd.Timedelta(days=days)) & (fees["date"] <= end)]
    shop = window.loc[window["sku_id"] == ""]  # the whole shop's rows
    items = window.loc[window["sku_id"].isin(skus)].groupby("sku_id")[["shipping_fee", "orders"]]
    per = items.sum()
    fee = per["shipping_fee"] / per["orders"]
    total = shop["orders"].sum()
    return fee, float(shop["shipping_fee"].sum() / total) if total else float("nan")
