"""What each section cell of the product-matrix notebook shows.

A :class:`Page` holds one run's :class:`~helpers.product_matrix.matrix.ProductMatrix` and the
report language; ``page.section("roles")`` is the whole body of a section cell (skip note,
empty note, or its charts and tables through :func:`helpers.view.present`).
"""

from __future__ import annotations

from collections import ChainMap
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from helpers import charts as base_charts
from helpers import explorer
from helpers.explorer import Choice, Explorer, Filters
from helpers.exports import export_table
from helpers.pages import ThemePage, alert_lines
from helpers.product_matrix import charts
from helpers.product_matrix.lifecycle import FADING_TACTICS, STAGES
from helpers.product_matrix.matrix import ProductMatrix, build_matrix
from helpers.product_matrix.pricing import TIER_LABELS
from helpers.product_matrix.report import (
    clearance_list,
    headline,
    kpis,
    restock_list,
)
from helpers.product_matrix.roles import ROLES, TIERS
from helpers.product_matrix.theme import THEME, ProductMatrixSettings
from helpers.sections import Shown, Text, pick
from helpers.view import bullet_list, escape

#: Rows of the item table the explorer shows.
EXPLORE_ROWS = 50

NOTES: dict[str, Text] = {
    "concentration": (
        "共 {items} 个有销售的商品；A 类 {a} 个（占商品数 {a_share}），贡献 {a_cut} 的净销售额；"
        "前 20% 的商品贡献 {top20}；C 类长尾 {c} 个，只占 {c_cut}；基尼系数 {gini}（越接近 1 越集中）。",
        "{items} items sold; {a} class A items ({a_share} of the items) make {a_cut} of net "
        "revenue; the top 20% of items make {top20}; the long tail of {c} class C items makes "
        "{c_cut}; Gini {gini} (closer to 1 = more concentrated).",
    ),
    "core": ("**核心商品（A 类，前 15）**", "**Core items (class A, top 15)**"),
    "by_category": (
        "**各类目的 ABC 分层（商品数）**",
        "**ABC classes within each category (items)**",
    ),
    "roles_table": (
        "**商品角色及理由（按净销售额前 20）**",
        "**Roles and their reasons (top 20)**",
    ),
    "changes": ("**近 4 周角色变化的商品**", "**Items whose role changed in the last 4 weeks**"),
    "no_changes": ("近 4 周没有商品改变角色。", "No item changed role in the last 4 weeks."),
    "share_orders": (
        "没有商品流量数据：横轴用订单占比代替流量占比。",
        "No item traffic: the x axis uses the order share instead of the traffic share.",
    ),
    "no_cost": (
        "商品表没有成本价，无法计算毛利：引流款和利润款无法判断（需要 `products.unit_cost`）。",
        "The products table has no unit cost, so margins are unknown: traffic drivers and profit "
        "items cannot be told (needs `products.unit_cost`).",
    ),
    "fading": (
        "**衰退期商品（按净销售额）及建议**",
        "**Fading items (by net revenue) and what to try**",
    ),
    "entering": ("**本期新进入衰退期的商品**", "**Items that entered decline this period**"),
    "no_fading": ("没有处于衰退期的商品。", "No item is in decline."),
    "backtest": (
        "滚动回测：{folds} 个起点，每次预测后 7 天。预测误差 WAPE {wape}，"
        "“照抄上周同日”的误差 {naive}。",
        "Rolling backtest: {folds} origins, each forecasting the next 7 days. Forecast error "
        "WAPE {wape}; copying the same weekday of last week: {naive}.",
    ),
    "festival": (
        "下一个平台大促：**{name}**，爆发日 {start}（距复盘日 {days} 天）。",
        "Next platform festival: **{name}**, burst on {start} ({days} days after the run date).",
    ),
    "no_festival": (
        "这家店不按中国平台大促日历经营（`platform_calendar: none`），断货风险只看补货周期。",
        "This shop does not follow the Chinese platform calendar (`platform_calendar: none`): "
        "stock-out risk looks at the lead time only.",
    ),
    "restock": ("**补货清单**（已导出）", "**Restock list** (exported)"),
    "clearance": ("**滞销清仓清单**（已导出）", "**Clearance list** (exported)"),
    "no_pairs": (
        "没有足够常一起购买的商品组合（至少 {n} 单同时购买且提升度 > 1）。",
        "No pair of items is bought together often enough (at least {n} orders and lift > 1).",
    ),
    "charm": (
        "{charm} 的商品使用尾数定价（如 99 而非 100）；{round} 个商品价格是整十数，可考虑改为尾数价：",
        "{charm} of the items use a charm price (99 rather than 100); {round} items sit on a "
        "round number and could move to the charm price just below:",
    ),
    "tiers": (
        "**各类目的入门 / 主力 / 高端价格带**",
        "**Good / better / best price tiers per category**",
    ),
    "above_band": ("**售价高于竞品价格带的商品**", "**Items priced above the competitor band**"),
    "no_competitor": (
        "没有竞品数据（`competitors` 表），无法比较竞品价格带。",
        "No competitor data (`competitors` table): the competitor price band is not checked.",
    ),
    "no_alerts": ("没有商品告警。", "No item alerts."),
    "explore_empty": (
        "没有符合筛选条件的商品，请放宽筛选。",
        "No item matches the filters: widen them.",
    ),
}


def _f(x: float, spec: str = ".0%") -> str:
    return "–" if x is None or pd.isna(x) else format(x, spec)


@dataclass(frozen=True)
class Page(ThemePage):
    """The product matrix of one run, ready to show section by section."""

    NOTES = NOTES

    pm: ProductMatrix
    cfg: ProductMatrixSettings
    available: frozenset[str]

    def _pick(self, mapping: dict[str, Text], key: Any) -> str:
        return self.label(mapping, key) if key else ""

    def shown(self, section_id: str) -> Shown:
        data = {
            "abc": self.pm.items,
            "roles": self.pm.items,
            "lifecycle": self.pm.items,
            "cart_gap": self.pm.cart,
            "forecast": self.pm.forecasts,
            "inventory": self.pm.stock,
            "baskets": self.pm.pairs,
            "pricing": self.pm.items,
            "alerts": self.pm.alerts,
        }[section_id]
        shown = THEME.show(section_id, self.available, data)
        if section_id == "baskets" and shown.state == "empty":
            n = self.cfg.basket_min_pair_orders
            zh, en = NOTES["no_pairs"]
            note = (zh.format(n=n), en.format(n=n))
            return Shown(shown.section, shown.missing, data, note)
        if section_id == "alerts":
            return Shown(shown.section, shown.missing, data, NOTES["no_alerts"])
        return shown

    # ------------------------------------------------------------------ sections
    def show_abc(self, items: pd.DataFrame) -> None:
        c = self.pm.concentration
        a_cut = items.loc[items["abc_revenue"] == "A", "cum_share"].max()
        tail = items.loc[items["abc_revenue"] == "C"]
        c_cut = tail["revenue"].clip(lower=0).sum() / items["revenue"].clip(lower=0).sum()
        self.note("concentration", items=f"{c.items:,}", a=f"{c.a_items:,}",
                  a_share=_f(c.a_share_of_items), a_cut=_f(a_cut), top20=_f(c.top20_share),
                  c=f"{len(tail):,}", c_cut=_f(c_cut),
                  gini=_f(c.gini, ".2f"))  # fmt: skip
        charts.pareto_curve(items, a=self.cfg.abc_a, b=self.cfg.abc_b, lang=self.labels)
        plt.show()
        self.note("core")
        core = items.loc[items["abc_revenue"] == "A"].head(15)
        self.table(
            core,
            {"sku_id": "text", "title": "text", "category": "text", "revenue": "currency",
             "net_units": "count", "margin": "ratio", "cum_share": "ratio", "abc_profit": "text"},
            {"sku_id": ("商品", "Item"), "title": ("标题", "Title"), "category": ("类目", "Category"),
             "cum_share": ("累计占比", "Cumulative share"), "abc_profit": ("按毛利分层", "Class by profit")},
        )  # fmt: skip
        if items["category"].notna().any():
            self.note("by_category")
            tab = pd.crosstab(items["category"].fillna("–"), items["abc_in_category"].fillna("–"))
            display(tab.rename_axis(index=None, columns=None))

    def show_roles(self, items: pd.DataFrame) -> None:
        if self.pm.share_basis != "visitors":
            self.note("share_orders")
        if items["margin"].isna().all():
            self.note("no_cost")
        else:
            charts.role_quadrant(items, share_cut=self.cfg.driver_traffic_share,
                                 thin_margin=self.cfg.thin_margin,
                                 profit_margin=self.cfg.profit_margin,
                                 basis=self.pm.share_basis, lang=self.labels)  # fmt: skip
            plt.show()
        lang = self.lang
        t = items.head(20).assign(
            role_name=lambda d: d["role"].map(lambda r: self._pick(ROLES, r)),
            tier_name=lambda d: d["tier"].map(lambda r: self._pick(TIERS, r)),
            reason=lambda d: d[f"role_reason_{lang}"] + "; " + d[f"tier_reason_{lang}"],
        )
        self.note("roles_table")
        self.table(
            t,
            {"sku_id": "text", "title": "text", "revenue": "currency", "role_name": "text",
             "tier_name": "text", "reason": "text"},
            {"sku_id": ("商品", "Item"), "title": ("标题", "Title"), "role_name": ("角色", "Role"),
             "tier_name": ("销售地位", "Sales standing"), "reason": ("理由", "Reason")},
        )  # fmt: skip
        ch = self.pm.changes
        if ch.empty:
            self.note("no_changes")
            return
        self.note("changes")
        shown = ch.head(20).assign(
            **{c: ch[c].map(lambda r, m=m: self._pick(m, r)) for c, m in
               (("role_before", ROLES), ("role", ROLES), ("tier_before", TIERS), ("tier", TIERS))}
        )  # fmt: skip
        self.table(
            shown,
            {"sku_id": "text", "title": "text", "role_before": "text", "role": "text",
             "tier_before": "text", "tier": "text"},
            {"sku_id": ("商品", "Item"), "title": ("标题", "Title"),
             "role_before": ("4 周前角色", "Role 4 weeks ago"), "role": ("现在角色", "Role now"),
             "tier_before": ("4 周前地位", "Standing 4 weeks ago"), "tier": ("现在地位", "Standing now")},
        )  # fmt: skip

    def show_lifecycle(self, items: pd.DataFrame) -> None:
        charts.stage_heatmap(items, lang=self.labels)
        plt.show()
        fading = self.pm.fading
        if fading.empty:
            self.note("no_fading")
            return
        self.note("fading")
        tactic = pick(FADING_TACTICS, self.lang)
        self.table(
            fading.head(15).assign(tactic=tactic),
            {"sku_id": "text", "title": "text", "revenue": "currency", "trend": "change",
             "level": "ratio", "tactic": "text"},
            {"sku_id": ("商品", "Item"), "title": ("标题", "Title"),
             "trend": ("周趋势", "Weekly trend"), "level": ("为高点的", "Of its peak"),
             "tactic": ("可以尝试", "What to try")},
        )  # fmt: skip
        if not self.pm.entering.empty:
            self.note("entering")
            e = self.pm.entering.assign(
                stage_before=lambda d: d["stage_before"].map(lambda s: self._pick(STAGES, s))
            )
            self.table(
                e.head(20),
                {"sku_id": "text", "title": "text", "revenue": "currency", "abc_revenue": "text",
                 "stage_before": "text", "trend": "change"},
                {"sku_id": ("商品", "Item"), "title": ("标题", "Title"), "abc_revenue": ("ABC", "ABC"),
                 "stage_before": ("4 周前", "4 weeks ago"), "trend": ("周趋势", "Weekly trend")},
            )  # fmt: skip

    def show_cart_gap(self, cart: pd.DataFrame) -> None:
        t = cart.assign(cause=cart[f"cause_{self.lang}"])
        self.table(
            t,
            {"sku_id": "text", "title": "text", "visitors": "count", "cart_rate": "ratio",
             "cvr": "ratio", "shop_cvr": "ratio", "cause": "text"},
            {"sku_id": ("商品", "Item"), "title": ("标题", "Title"), "visitors": ("访客", "Visitors"),
             "cart_rate": ("加购率", "Add-to-cart rate"), "cvr": ("转化率", "CVR"),
             "shop_cvr": ("全店转化率", "Shop CVR"), "cause": ("数据能看出的原因", "Causes in the data")},
        )  # fmt: skip

    def show_forecast(self, forecasts: dict[str, pd.DataFrame]) -> None:
        n = len(forecasts)
        fig, axes = plt.subplots((n + 1) // 2, 2, figsize=(11, 2.6 * ((n + 1) // 2)), squeeze=False)
        for ax, (sku, frame) in zip(axes.ravel(), forecasts.items(), strict=False):
            charts.forecast_lines(frame, title=str(sku), lang=self.labels, ax=ax)
        for ax in axes.ravel()[n:]:
            ax.set_visible(False)
        fig.tight_layout()
        plt.show()
        bt = self.pm.backtest
        self.note("backtest", folds=self.cfg.backtest_folds, wape=_f(bt.wape, ".1%"),
                  naive=_f(bt.naive_wape, ".1%"))  # fmt: skip
        per = bt.folds.groupby("sku_id")[["actual", "abs_error", "naive_abs_error"]].sum()
        per["wape"] = per["abs_error"] / per["actual"].where(per["actual"] > 0)
        per["naive_wape"] = per["naive_abs_error"] / per["actual"].where(per["actual"] > 0)
        self.table(
            per.reset_index(),
            {"sku_id": "text", "actual": "count", "wape": "ratio", "naive_wape": "ratio"},
            {"sku_id": ("商品", "Item"), "actual": ("回测期实际销量", "Units in the backtest"),
             "wape": ("预测误差", "Forecast error"), "naive_wape": ("照抄上周误差", "Last-week copy error")},
        )  # fmt: skip

    def show_inventory(self, stock: pd.DataFrame) -> None:
        f = self.pm.festival
        if f is None:
            self.note("no_festival")
        else:
            days = (f.start - self.pm.run_date).days
            self.note("festival", name=escape(f.name), start=f"{f.start:%Y-%m-%d}", days=days)
        restock = restock_list(self.pm)
        if restock is not None and not restock.empty:
            charts.cover_bars(restock, lang=self.labels)
            plt.show()
            self.note("restock")
            self.table(
                restock.head(25),
                {"sku_id": "text", "title": "text", "on_hand": "count", "mean_daily": "ratio_x",
                 "days_of_cover": "ratio_x", "lead_time_days": "count", "safety_stock": "count",
                 "reorder_point": "count", "order_qty": "count"},
                {"sku_id": ("商品", "Item"), "title": ("标题", "Title"), "on_hand": ("库存", "On hand"),
                 "mean_daily": ("日均需求", "Daily demand"), "days_of_cover": ("可售天数", "Days of cover"),
                 "lead_time_days": ("补货周期（天）", "Lead time (days)"),
                 "safety_stock": ("安全库存", "Safety stock"), "reorder_point": ("补货点", "Reorder point"),
                 "order_qty": ("建议补货量", "Order qty")},
            )  # fmt: skip
        clear = clearance_list(self.pm, lang=self.lang)
        if clear is not None and not clear.empty:
            self.note("clearance")
            self.table(
                clear.head(25),
                {"sku_id": "text", "title": "text", "on_hand": "count", "days_since_sale": "count",
                 "days_of_cover": "count", "stock_value": "currency", "tactic": "text"},
                {"sku_id": ("商品", "Item"), "title": ("标题", "Title"), "on_hand": ("库存", "On hand"),
                 "days_since_sale": ("距上次售出天数", "Days since a sale"),
                 "days_of_cover": ("可售天数", "Days of cover"), "stock_value": ("库存成本", "Stock at cost"),
                 "tactic": ("清仓打法", "Clearance tactic")},
            )  # fmt: skip

    def show_baskets(self, pairs: pd.DataFrame) -> None:
        self.table(
            pairs,
            {"sku_a": "text", "title_a": "text", "sku_b": "text", "title_b": "text",
             "orders_ab": "count", "support": "ratio", "confidence_a_b": "ratio", "lift": "ratio_x"},
            {"sku_a": ("商品 A", "Item A"), "title_a": ("A 标题", "Title A"), "sku_b": ("商品 B", "Item B"),
             "title_b": ("B 标题", "Title B"), "orders_ab": ("同时购买订单", "Orders with both"),
             "support": ("支持度", "Support"), "confidence_a_b": ("置信度 A→B", "Confidence A→B"),
             "lift": ("提升度", "Lift")},
        )  # fmt: skip

    def show_pricing(self, items: pd.DataFrame) -> None:
        charm = self.pm.charm
        rounds = charm.loc[charm["round_number"]]
        self.note("charm", charm=_f(charm["charm"].mean()), round=f"{len(rounds):,}")
        if not rounds.empty:
            display(bullet_list(f"{escape(r.sku_id)}: {r.price:,.2f} → {r.suggested:,.2f}"
                                for r in rounds.head(10).itertuples()))  # fmt: skip
        if not self.pm.tiers.empty:
            self.note("tiers")
            t = self.pm.tiers.assign(
                tier=self.pm.tiers["tier"].map(lambda k: pick(TIER_LABELS[k], self.lang))
            )
            self.table(
                t,
                {"category": "text", "tier": "text", "items": "count", "min_price": "currency",
                 "max_price": "currency", "revenue_share": "ratio"},
                {"category": ("类目", "Category"), "tier": ("价格带", "Tier"), "items": ("商品数", "Items"),
                 "min_price": ("最低价", "From"), "max_price": ("最高价", "To"),
                 "revenue_share": ("类目销售占比", "Share of category revenue")},
            )  # fmt: skip
        if self.pm.competitor is None:
            self.note("no_competitor")
            return
        above = self.pm.competitor.loc[self.pm.competitor["position"] == "above"]
        if not above.empty:
            self.note("above_band")
            self.table(
                above.sort_values("revenue", ascending=False).head(15),
                {"sku_id": "text", "title": "text", "price": "currency", "low": "currency",
                 "high": "currency", "same_item_price": "currency", "gap": "change"},
                {"sku_id": ("商品", "Item"), "title": ("标题", "Title"), "price": ("近 14 天售价", "Price (14 days)"),
                 "low": ("竞品最低", "Band low"), "high": ("竞品最高", "Band high"),
                 "same_item_price": ("同款竞品价", "Same item elsewhere"), "gap": ("价差", "Gap")},
            )  # fmt: skip

    def show_alerts(self, alerts: pd.DataFrame) -> None:
        display(alert_lines(alerts.itertuples(), self.lang))

    # ------------------------------------------------------------------ closing parts
    def summary(self, output_dir: str | None) -> dict[str, Any]:
        """Keyword arguments of :func:`helpers.report.publish` (exports written here)."""
        exports = []
        rl, cl = restock_list(self.pm), clearance_list(self.pm, lang=self.lang)
        if rl is not None:
            exports.append(export_table(rl, output_dir=output_dir, notebook=THEME.notebook,
                                        name="restock", title=("补货清单", "Restock list")))  # fmt: skip
        if cl is not None:
            exports.append(export_table(cl, output_dir=output_dir, notebook=THEME.notebook,
                                        name="clearance", title=("滞销清仓清单", "Clearance list")))  # fmt: skip
        skipped = THEME.skipped(self.available)
        return {
            "alerts": self.pm.alerts,
            "kpis": kpis(self.pm, lang=self.lang),
            "skipped": {k: list(v) for k, v in skipped.items()},
            "extra": headline(self.pm),
            "exports": exports,
        }


def matrix_for(ctx: Any) -> ProductMatrix:
    """The product matrix of a run (a :class:`helpers.context.RunContext`).

    Of the order tables the matrix reads only the baskets of its window (order ids, payment
    times and SKUs of the orders paid in the ``basket_days`` to the run date): those are
    read alone (:meth:`helpers.intake.Dataset.read`), not the whole tables.
    """
    cfg: ProductMatrixSettings = ctx.settings.section("product_matrix")
    day = ctx.facts.run_date
    window = (day - pd.Timedelta(days=cfg.basket_days - 1), day)
    baskets = {
        "orders": ctx.dataset.read("orders", ["order_id", "paid_at"], days=window),
        "order_items": ctx.dataset.read("order_items", ["order_id", "sku_id"], days=window),
    }
    tables = ChainMap(baskets, ctx.dataset.tables)
    return build_matrix(ctx.facts, tables, settings=ctx.settings, cfg=cfg)


def page_for(ctx: Any, pm: ProductMatrix) -> Page:
    """The :class:`Page` of a run: sets up the charts; language and currency from settings."""
    return Page(
        pm=pm,
        cfg=ctx.settings.section(THEME.name),
        available=ctx.available,
        lang=ctx.lang,
        labels=base_charts.setup(ctx.lang),
        currency=ctx.settings.currency,
    )


def explore(page: Page, *, interactive: bool = True) -> Explorer | None:
    """The item table and the role matrix for the chosen category, role and SKU / title
    search. The batch draws every item (the table's first :data:`EXPLORE_ROWS` rows)."""
    roles = tuple((page._pick(ROLES, r), r) for r in ROLES)
    role = Choice("role", pick(("角色", "Role"), page.lang), ((pick(("全部", "All"), page.lang), None), *roles), None)  # fmt: skip

    def draw(items: pd.DataFrame, filters: Filters, role: str | None) -> None:
        d = items if role is None else items.loc[items["role"] == role]
        if d.empty:
            return print(pick(NOTES["explore_empty"], page.lang))
        if d["margin"].notna().any():
            charts.role_quadrant(d, share_cut=page.cfg.driver_traffic_share,
                                 thin_margin=page.cfg.thin_margin,
                                 profit_margin=page.cfg.profit_margin,
                                 basis=page.pm.share_basis, lang=page.labels)  # fmt: skip
            plt.show()
        page.table(
            d.head(EXPLORE_ROWS).assign(
                role_name=lambda t: t["role"].map(lambda r: page._pick(ROLES, r)),
                stage=lambda t: t["stage"].map(lambda r: page._pick(STAGES, r) if r in STAGES else r),
            ),
            {"sku_id": "text", "title": "text", "category": "text", "revenue": "currency",
             "margin": "ratio", "abc_revenue": "text", "role_name": "text", "stage": "text"},
            {"sku_id": ("商品", "Item"), "title": ("标题", "Title"), "category": ("类目", "Category"),
             "abc_revenue": ("ABC", "ABC"), "role_name": ("角色", "Role"), "stage": ("生命周期", "Stage")},
        )  # fmt: skip

    return explorer.explore(
        page.pm.items, draw, interactive=interactive, lang=page.lang, extra=[role]
    )
