"""What each section cell of the market research notebook shows.

A :class:`Page` holds one run's :class:`~helpers.market_research.research.MarketResearch`;
``page.section("screen")`` is the whole body of a section cell: the skip note naming the
table that would enable it, an empty note, or its charts and tables. Fixed bilingual notes
live in :data:`NOTES`; text from the data is escaped before it reaches Markdown.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from helpers import explorer, i18n
from helpers.explorer import Choice, Columns, Explorer, Filters
from helpers.exports import export_table
from helpers.market_research import charts as mrc
from helpers.market_research.competitors import SHOP
from helpers.market_research.research import WHOLE_SHOP, MarketResearch
from helpers.market_research.screen import CRITERIA
from helpers.market_research.theme import THEME, MarketResearchSettings
from helpers.pages import ThemePage
from helpers.sections import Shown, Text, pick
from helpers.view import escape, md

NOTES: dict[str, Text] = {
    "header": (
        "**{shop}** · 运行日期 {day} · 市场数据至 {month} · 币种 {currency}",
        "**{shop}** · run date {day} · market data to {month} · currency {currency}",
    ),
    "no_alerts": ("本期没有市场告警。", "No market alerts this time."),
    "month": (
        "市场数据取到 **{month}**（复盘日前最后一个完整月份；尚未结束的月份含复盘日之后的天数，不使用）。",
        "Market figures run to **{month}**, the last complete month before the run date (a "
        "month still running holds days after the run date and is left out).",
    ),
    "no_conversion": (
        "没有配置指数换算：指数只看方向和排序，不当作金额使用。",
        "No index conversion is configured: indices are read as direction and rank only, "
        "never as money.",
    ),
    "changed": ("**阶段变化：** {items}", "**Stage changes:** {items}"),
    "no_change": (
        "与 {n} 个月前相比，没有类目改变阶段。",
        "No category changed stage against {n} months ago.",
    ),
    "no_share": (
        "没有商品表（类目）或市场规模，无法计算本店份额。",
        "Without products (categories) or a market size, the shop's share cannot be computed.",
    ),
    "edges": ("价格带来源：{source}。", "Price bands from: {source}."),
    "no_market_bands": (
        "没有 `market_price_bands`（市场价格带）表：下面只有本店自己的价格带；有了它才能和市场对比、找出本店缺位的价格带。",
        "No `market_price_bands` table: only the shop's own bands are shown; with it the "
        "bands compare with the market and the bands the shop misses show up.",
    ),
    "missed_bands": (
        "**本店缺位的热销价格带：** {items}",
        "**Bands that sell where the shop has no item:** {items}",
    ),
    "undercuts": (
        "**比本店对标商品便宜的竞品**",
        "**Competitor items cheaper than the shop's comparable item**",
    ),
    "no_undercuts": (
        "没有竞品比本店对标商品便宜 {pct} 以上。",
        "No competitor item is more than {pct} cheaper than the shop's comparable item.",
    ),
    "spending": (
        "消费力分档按每位买家的笔单价（GMV / 订单数）三等分：低于 {lo} 为低，{hi} 及以上为高。",
        "Spending power splits buyers into thirds by order value (GMV / orders): below {lo} "
        "low, {hi} and above high.",
    ),
    "market_portrait": (
        "数据契约中没有市场人群画像，这里只看本店买家；偏好指数以本店全部买家为基准。",
        "The data contract has no market crowd portrait, so this is the shop's own buyers; "
        "the preference index compares with all of the shop's buyers.",
    ),
    "shortlist": (
        "**蓝海候选（四项全部通过）：** {items}",
        "**Blue-ocean shortlist (all four passed):** {items}",
    ),
    "no_shortlist": ("没有候选四项全部通过。", "No candidate passes all four criteria."),
    "outlook_market": (
        "序列：市场规模（{basis}）。",
        "Series: market size ({basis}).",
    ),
    "outlook_shop": (
        "没有市场表：下面是本店自己各类目的月 GMV。",
        "No market table: the series below are the shop's own monthly GMV per category.",
    ),
    "outlook_short": ("历史不足，未做预测：{items}", "Too little history, no forecast: {items}"),
    "filled": (
        "补齐了缺失月份（对数线性插值）：{items}",
        "Missing months filled (log-linear): {items}",
    ),
    "explore_empty": (
        "所选类目没有价格带数据。",
        "No price bands for the chosen category.",
    ),
}

SEVERITY: dict[str, Text] = {
    "high": ("高", "high"),
    "medium": ("中", "medium"),
    "low": ("低", "low"),
}
RULE_NAMES: dict[str, Text] = {
    "share_loss_growing": ("增长类目份额下降", "Share lost in a growing category"),
    "competitor_undercut": ("竞品低价对标头部商品", "Competitor undercuts a top item"),
}
KIND_LABELS: dict[str, Text] = {
    "index": ("指数（非真实值）", "index (not a value)"),
    "value": ("真实值", "real value"),
    "converted": ("由指数换算（假设）", "converted from an index (assumption)"),
}
STAGES = mrc.STAGE_LABELS
CRITERIA_LABELS: dict[str, Text] = {
    "search": ("搜索指数 ≥ {search_min:,.0f}", "search index ≥ {search_min:,.0f}"),
    "margin": ("毛利率 ≥ {margin_min:.0%}", "margin ≥ {margin_min:.0%}"),
    "competition": (
        "在线商品数 < {competing_items_max:,}",
        "competing items < {competing_items_max:,}",
    ),
    "returns": ("退货率 < {return_rate_max:.0%}", "return rate < {return_rate_max:.0%}"),
}
DIMENSION_LABELS: dict[str, Text] = {
    "region": ("地区", "Region"),
    "age_band": ("年龄段", "Age band"),
    "member_tier": ("会员等级", "Member tier"),
    "gender": ("性别", "Gender"),
    "spending_band": ("消费力", "Spending power"),
}
COLUMN_LABELS: dict[str, Text] = {
    "table": ("表", "Table"),
    "column": ("列", "Column"),
    "zh": ("中文名", "Chinese name"),
    "kind": ("口径", "Kind"),
    "rows": ("行数", "Rows"),
    "assumption": ("换算假设", "Conversion assumption"),
    "category": ("类目", "Category"),
    "stage": ("阶段", "Stage"),
    "stage_before": ("此前阶段", "Stage before"),
    "growth": ("市场同比", "Market YoY"),
    "search_growth": ("搜索同比", "Search YoY"),
    "size_share": ("市场占比", "Share of tracked market"),
    "share_now": ("本店份额", "Shop share"),
    "share_change": ("份额同比变化", "Share change YoY"),
    "band": ("价格带", "Price band"),
    "market_share": ("市场占比", "Market share of sales"),
    "market_growth": ("市场同比", "Market YoY"),
    "shop_share": ("本店占比", "Shop share of sales"),
    "shop_items": ("本店商品数", "Shop items"),
    "term": ("搜索词", "Search term"),
    "popularity": ("搜索人气（指数）", "Search popularity (index)"),
    "shop_visitors": ("本店引导访客", "Shop visitors"),
    "shop_growth": ("本店访客同比", "Shop visitors YoY"),
    "trend": ("走势", "Trend"),
    "competitor": ("店铺", "Shop"),
    "items": ("商品数", "Items"),
    "price": ("均价", "Mean price"),
    "monthly_sales": ("月销量", "Units a month"),
    "rating": ("评分", "Rating"),
    "promo_share": ("促销天数占比", "Days on promotion"),
    "item": ("竞品商品", "Competitor item"),
    "sku_id": ("本店商品", "Shop item"),
    "competitor_price": ("竞品价", "Competitor price"),
    "shop_price": ("本店成交价", "Shop realised price"),
    "gap": ("低于本店", "Below the shop"),
    "rank": ("本店 GMV 排名", "Shop GMV rank"),
    "group": ("分组", "Group"),
    "buyers": ("买家数", "Buyers"),
    "buyer_share": ("买家占比", "Share of buyers"),
    "gmv": ("GMV", "GMV"),
    "gmv_share": ("GMV 占比", "Share of GMV"),
    "orders_per_buyer": ("人均订单", "Orders per buyer"),
    "aov": ("笔单价", "Order value"),
    "top_category": ("买得最多的类目", "Top category"),
    "passed": ("通过项", "Passed"),
    "search_index": ("搜索指数", "Search index"),
    "avg_margin": ("毛利率", "Gross margin"),
    "competing_items": ("在线商品数", "Competing items"),
    "avg_return_rate": ("退货率", "Return rate"),
    "shortlisted": ("入选", "Shortlisted"),
    "mean": ("预测", "Forecast"),
    "lower": ("区间下限", "Lower"),
    "upper": ("区间上限", "Upper"),
    "month": ("月份", "Month"),
}
TREND_LABELS: dict[str, Text] = {
    "rising": ("上升", "rising"),
    "falling": ("下降", "falling"),
    "flat": ("平稳", "flat"),
    "unknown": ("未知", "unknown"),
}
EDGE_SOURCES: dict[str, Text] = {
    "settings": ("playbook.yaml 中的 price_edges", "price_edges in playbook.yaml"),
    "market": ("市场价格带导出", "the market's price-band export"),
    "shop": ("本店成交价的分位数", "quantiles of the shop's realised prices"),
}
SPENDING_LABELS: dict[str, Text] = {
    "low": ("低", "low"),
    "mid": ("中", "mid"),
    "high": ("高", "high"),
}
SHOP_LABEL: Text = (SHOP, "This shop")
YES_NO: dict[bool, Text] = {True: ("是", "yes"), False: ("否", "no")}


def whole_shop(category: str, lang: str) -> str:
    """A category name for display: the shop's items without a category read "whole shop"."""
    return i18n.channel_label(WHOLE_SHOP, lang) if category in ("", WHOLE_SHOP) else category


@dataclass(frozen=True)
class Page(ThemePage):
    """The market research of one run, ready to show section by section."""

    NOTES = NOTES

    research: MarketResearch
    settings: MarketResearchSettings
    available: Collection[str]
    output_dir: str = ""
    shop_name: str = ""
    run_date: pd.Timestamp = pd.Timestamp("1970-01-01")

    # ---------------------------------------------------------------- helpers
    def table(self, data: pd.DataFrame, units: dict[str, str], labels=COLUMN_LABELS) -> None:
        super().table(data, units, labels)

    def names(self, values: Any) -> str:
        return escape(
            "、".join(str(v) for v in values) if self.lang == "zh" else ", ".join(map(str, values))
        )

    def shown(self, section_id: str) -> Shown:
        data = {
            "sources": self.research.kinds,
            "lifecycle": self.research.lifecycle,
            "price_bands": self.research.bands,
            "search_terms": self.research.terms,
            "competitors": self.research.competitors,
            "customers": self.research.groups,
            "screen": self.research.screen,
            "outlook": self.research.outlooks,
        }[section_id]
        return THEME.show(section_id, self.available, data)

    def header(self) -> None:
        """The shop, the run date, the market month and the currency."""
        r = self.research
        text = pick(NOTES["header"], self.lang).format(
            shop=escape(self.shop_name),
            day=f"{self.run_date:%Y-%m-%d}",
            month=f"{r.month:%Y-%m}",
            currency=escape(self.currency),
        )
        display(md(text))

    def alerts(self) -> None:
        """The run's alerts (share lost in a growing category, an undercut top item)."""
        if not self.research.alerts:
            self.note("no_alerts")
            return
        key = "message_en" if self.lang == "en" else "message_zh"
        lines = []
        for a in self.research.alerts:
            sev = pick(SEVERITY[a["severity"]], self.lang)
            rule = pick(RULE_NAMES[a["rule"]], self.lang)
            lines.append(f"- **[{sev}] {rule}**: {escape(a[key])}")
        display(md("\n".join(lines)))

    # ---------------------------------------------------------------- sections
    def show_sources(self, kinds: pd.DataFrame) -> None:
        self.note("month", month=f"{self.research.month:%Y-%m}")
        shown = kinds.assign(kind=[self.label(KIND_LABELS, k) for k in kinds["kind"]])
        self.table(
            shown,
            {
                "table": "text",
                "column": "text",
                "zh": "text",
                "kind": "text",
                "rows": "count",
                "assumption": "text",
            },
        )
        if self.settings.index_scale is None:
            self.note("no_conversion")

    def show_lifecycle(self, life: pd.DataFrame) -> None:
        s = self.settings
        mrc.lifecycle_map(
            life, growth_min=s.growth_min, decline_max=s.decline_max, lang=self.labels
        )
        plt.show()
        shown = life.assign(
            stage=[self.label(STAGES, x) for x in life["stage"]],
            stage_before=[self.label(STAGES, x) for x in life["stage_before"]],
        )
        self.table(
            shown,
            {
                "category": "text",
                "stage": "text",
                "stage_before": "text",
                "growth": "change",
                "search_growth": "change",
                "size_share": "ratio",
                "share_now": "ratio",
                "share_change": "change",
            },
        )
        changed = life.loc[life["changed"]]
        if changed.empty:
            self.note("no_change", n=s.stage_lookback_months)
        else:
            items = [
                f"{r.category}: {self.label(STAGES, r.stage_before)} → {self.label(STAGES, r.stage)}"
                for r in changed.itertuples()
            ]
            self.note("changed", items=self.names(items))
        shares = self.research.shares
        if shares is None or shares.empty:
            self.note("no_share")
        else:
            mrc.share_lines(shares, lang=self.labels)
            plt.show()

    def show_price_bands(self, bands: pd.DataFrame) -> None:
        bands = bands.assign(category=[whole_shop(c, self.lang) for c in bands["category"]])
        sources = [self.label(EDGE_SOURCES, x) for x in dict.fromkeys(bands["edges_from"])]
        self.note("edges", source=self.names(sources))
        if "market_share" not in bands:
            self.note("no_market_bands")
        mrc.band_grid(bands, lang=self.labels)
        plt.show()
        if "missed" in bands:
            missed = bands.loc[bands["missed"].fillna(False).astype(bool)]
            if not missed.empty:
                items = [f"{r.category} {r.band}" for r in missed.itertuples()]
                self.note("missed_bands", items=self.names(items))
        self.table(
            bands,
            {
                "category": "text",
                "band": "text",
                "market_share": "ratio",
                "market_growth": "change",
                "shop_share": "ratio",
                "shop_items": "count",
            },
        )

    def show_search_terms(self, terms: pd.DataFrame) -> None:
        if terms["shop_growth"].notna().any():
            mrc.term_map(terms, lang=self.labels)
            plt.show()
        shown = terms.assign(trend=[self.label(TREND_LABELS, t) for t in terms["trend"]])
        self.table(
            shown,
            {
                "term": "text",
                "category": "text",
                "popularity": "count",
                "growth": "change",
                "shop_visitors": "count",
                "shop_growth": "change",
                "trend": "text",
            },
        )

    def show_competitors(self, comp: pd.DataFrame) -> None:
        shop = pick(SHOP_LABEL, self.lang)
        comp = comp.assign(competitor=comp["competitor"].replace({SHOP: shop}))
        if comp["price"].notna().any() and comp["monthly_sales"].notna().any():
            mrc.price_sales(comp, lang=self.labels, currency=self.currency)
            plt.show()
        if any(c in comp and comp[c].notna().any() for c in mrc.CHANNEL_SHARES):
            mrc.traffic_mix(comp, lang=self.labels)
            plt.show()
        self.table(
            comp,
            {
                "competitor": "text",
                "items": "count",
                "price": "currency",
                "monthly_sales": "count",
                "rating": "ratio_x",
                "promo_share": "ratio",
            },
        )
        cuts = self.research.undercuts
        if cuts is None or cuts.empty:
            self.note("no_undercuts", pct=f"{self.settings.undercut_min:.0%}")
            return
        self.note("undercuts")
        self.show_undercuts(cuts)

    def show_undercuts(self, cuts: pd.DataFrame) -> None:
        """The table of competitor items priced below a comparable shop item."""
        self.table(
            cuts,
            {
                "competitor": "text",
                "item": "text",
                "sku_id": "text",
                "competitor_price": "currency",
                "shop_price": "currency",
                "gap": "ratio",
                "rank": "count",
            },
        )

    def show_customers(self, groups: dict[str, pd.DataFrame]) -> None:
        self.note("market_portrait")
        edges = self.research.spending_edges
        if edges is not None:
            lo, hi = (f"{x:,.2f}" for x in edges)
            self.note("spending", lo=lo, hi=hi)
        for dim, frame in groups.items():
            if dim == "spending_band":
                frame = frame.assign(group=[self.label(SPENDING_LABELS, g) for g in frame["group"]])
            display(md(f"**{self.label(DIMENSION_LABELS, dim)}**"))
            self.table(
                frame.head(12),
                {
                    "group": "text",
                    "buyers": "count",
                    "buyer_share": "ratio",
                    "gmv_share": "ratio",
                    "orders_per_buyer": "ratio_x",
                    "aov": "currency",
                    "top_category": "text",
                },
            )
        for dim in ("spending_band", "age_band"):
            pref = self.research.preferences.get(dim)
            if pref is not None and not pref.empty:
                if dim == "spending_band":
                    pref = pref.rename(
                        index=lambda g: pick(SPENDING_LABELS.get(g, (g, g)), self.labels)
                    )
                ax = mrc.preference_heatmap(pref, lang=self.labels)
                ax.set_ylabel(
                    self.label(DIMENSION_LABELS, dim) if self.labels == self.lang else dim
                )
                plt.show()

    def criteria_labels(self) -> dict[str, str]:
        values = vars(self.settings)
        return {f"{k}_ok": pick(v, self.lang).format(**values) for k, v in CRITERIA_LABELS.items()}

    def show_screen(self, screen: pd.DataFrame) -> None:
        oks = screen.set_index("category")[[f"{k}_ok" for k in CRITERIA]]
        values = screen.set_index("category")[[c for c, _, _ in CRITERIA.values()]]
        formats = {
            "search_index": "{:,.0f}",
            "avg_margin": "{:.1%}",
            "competing_items": "{:,.0f}",
            "avg_return_rate": "{:.2%}",
        }
        annot = values.apply(
            lambda col: col.map(lambda v: "–" if pd.isna(v) else formats[col.name].format(v))
        )
        labels = self.criteria_labels()
        mrc.screen_grid(
            oks, labels=labels if self.labels == self.lang else {}, annot=annot.to_numpy()
        )
        plt.show()
        short = screen.loc[screen["shortlisted"], "category"]
        if short.empty:
            self.note("no_shortlist")
        else:
            self.note("shortlist", items=self.names(short))
        self.table(
            screen.assign(shortlisted=[self.label(YES_NO, bool(x)) for x in screen["shortlisted"]]),
            {
                "category": "text",
                "search_index": "count",
                "avg_margin": "ratio",
                "competing_items": "count",
                "avg_return_rate": "ratio",
                "passed": "count",
                "shortlisted": "text",
            },
        )

    def show_outlook(self, outlooks: dict) -> None:
        outlooks = {whole_shop(c, self.lang): o for c, o in outlooks.items()}
        source = self.research.outlook_source
        if source == "shop_gmv":
            self.note("outlook_shop")
        else:
            self.note("outlook_market", basis=source)
        short = [c for c, o in outlooks.items() if o.note]
        if short:
            self.note(
                "outlook_short",
                items=self.names(f"{c} ({o.note})" for c, o in outlooks.items() if o.note),
            )
        filled = [f"{c}: {o.filled}" for c, o in outlooks.items() if o.filled]
        if filled:
            self.note("filled", items=self.names(filled))
        shown = {c: o for c, o in outlooks.items() if not o.history.empty}
        unit = "currency" if source in ("market_gmv", "shop_gmv") else "count"
        if shown:
            mrc.outlook_grid(shown, lang=self.labels, unit=unit, currency=self.currency)
            plt.show()
        rows = [o.forecast.assign(category=c) for c, o in outlooks.items() if not o.forecast.empty]
        if rows:
            frame = pd.concat(rows, ignore_index=True)
            frame["month"] = frame["month"].dt.strftime("%Y-%m")
            self.table(
                frame,
                {"category": "text", "month": "text", "mean": unit, "lower": unit, "upper": unit},
            )

    # ---------------------------------------------------------------- outputs
    def exports(self) -> list:
        """The screen and the life-cycle table as CSV + .xlsx beside the report."""
        out = []
        r = self.research
        if r.screen is not None:
            out.append(
                export_table(
                    r.screen,
                    output_dir=self.output_dir,
                    notebook=THEME.notebook,
                    name="screen",
                    title=("三高一低筛选", "The 三高一低 screen"),
                )
            )
        if r.lifecycle is not None:
            out.append(
                export_table(
                    r.lifecycle,
                    output_dir=self.output_dir,
                    notebook=THEME.notebook,
                    name="lifecycle",
                    title=("类目生命周期", "Category life cycle"),
                )
            )
        return [e for e in out if e is not None]


def page_for(ctx: Any, research: MarketResearch, *, labels: str, output_dir: str = "") -> Page:
    """The :class:`Page` of a :class:`helpers.context.RunContext` and its research."""
    return Page(
        research=research,
        settings=ctx.settings.section("market_research"),
        available=ctx.available,
        lang=ctx.lang,
        labels=labels,
        currency=ctx.settings.currency,
        output_dir=output_dir or "",
        shop_name=ctx.settings.shop_name,
        run_date=ctx.run_date,
    )


def explore(page: Page, *, interactive: bool = True) -> Explorer | None:
    """Price bands by category (chart and table), the chosen category's outlook, and the
    competitor items priced below a shop item, by competitor. The
    batch draws every category and every competitor."""
    r, lang = page.research, page.lang
    comps = [] if r.undercuts is None else sorted(r.undercuts["competitor"].astype(str).unique())
    everyone = (pick(("全部", "All"), lang), None)
    competitor = Choice("competitor", pick(("竞品", "Competitor"), lang),
                        (everyone, *[(c, c) for c in comps]), None)  # fmt: skip
    bands = r.bands if r.bands is not None else pd.DataFrame(columns=["category", "band"])

    def draw(rows: pd.DataFrame, filters: Filters, competitor: str | None = None) -> None:
        if rows.empty:
            print(pick(NOTES["explore_empty"], lang))
        else:
            page.show_price_bands(rows)
        outlook = r.outlooks.get(filters.category or "")
        if outlook is not None:
            mrc.outlook_lines(outlook.history, forecast=outlook.forecast, lang=page.labels,
                              currency=page.currency)  # fmt: skip
            plt.show()
        if r.undercuts is not None and not r.undercuts.empty:
            cuts = r.undercuts
            if competitor is not None:
                cuts = cuts.loc[cuts["competitor"].astype(str) == competitor]
            page.show_undercuts(cuts)

    return explorer.explore(
        bands, draw, interactive=interactive, lang=lang, extra=[competitor] if comps else [],
        columns=Columns(search=()),
    )  # fmt: skip
