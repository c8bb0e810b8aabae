"""What each section cell of the promotion calendar notebook shows.

``page.section("evaluated")`` is the whole body of a section cell: the section is a
:class:`helpers.sections.Shown` (skipped when a table it needs is missing, empty when there
is nothing to show, else its data) handed to :func:`helpers.view.present`. Fixed bilingual
notes live in :data:`NOTES`, not in the notebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

from helpers import charts as base_charts
from helpers import explorer, festivals
from helpers.explorer import Choice, Explorer, Filters
from helpers.pages import ThemePage
from helpers.promotion_calendar import charts, tables
from helpers.promotion_calendar.mechanics import what_if
from helpers.promotion_calendar.overview import PromotionCalendar
from helpers.promotion_calendar.summary import summary
from helpers.promotion_calendar.theme import THEME
from helpers.sections import Shown, Text, pick
from helpers.view import bullet_list, escape

NOTES: dict[str, Text] = {
    "no_upcoming": (
        "未来 {days} 天内没有活动或假日。",
        "No event or holiday in the next {days} days.",
    ),
    "no_promo_next": (
        "未来 {days} 天内没有促销活动，无需备货检查。",
        "No promotion in the next {days} days: no readiness check needed.",
    ),
    "no_inventory": (
        "没有库存表（inventory），只能给出预计需求，无法判断库存够不够。",
        "No inventory table: expected demand only, stock cannot be checked.",
    ),
    "next_event": (
        "**下一个活动：{name}**，爆发日 {start}，还有 {days} 天；预热从 {warm} 开始。",
        "**Next event: {name}**, burst on {start}, {days} days to go; warm-up from {warm}.",
    ),
    "no_evaluated": (
        "没有可以评估的过去活动：数据里没有促销表（promotions），"
        "而且本店不在中国平台大促日历上，或历史太短（基线至少需要 28 个平日）。",
        "No past event to evaluate: there is no promotions table and the shop is not on the "
        "Chinese platform calendar, or the history is too short (the baseline needs 28 "
        "ordinary days).",
    ),
    "no_costs": (
        "商品表没有单位成本（unit_cost），无法计算毛利和 ROI。",
        "The products table has no unit cost, so margin and ROI cannot be computed.",
    ),
    "no_live": (
        "没有可以与去年同期对比的大促（需要同一活动在数据中出现两年）。",
        "No festival to compare with last year's (the same event must appear in two years "
        "of data).",
    ),
    "live_pair": (
        "**{this}**（{d1}）对比 **{last}**（{d2}）",
        "**{this}** ({d1}) vs **{last}** ({d2})",
    ),
    "no_whatif": (
        "过去活动的折扣力度不够多样（至少 3 个活动、2 种力度），无法估计弹性。",
        "Past events do not vary enough in depth (at least 3 events, 2 depths) to estimate an "
        "elasticity.",
    ),
    "elasticity": (
        "估计弹性 e = {e}（{n} 个活动）：折扣每加深一点，件数按 (1 - 折扣)^(-e) 放大。"
        "大促的平台流量和折扣力度同时变化，这个弹性会高估折扣本身的作用。",
        "Estimated elasticity e = {e} ({n} events): units scale with (1 - depth)^(-e). "
        "Festival traffic rises together with depth, so this overstates what the discount "
        "alone does.",
    ),
    "observational": (
        "这是观察性对比：不同玩法用在不同的活动上，差异不全是玩法造成的。要确认因果，请做 A/B 测试。",
        "This comparison is observational: mechanics were used at different events, so the "
        "differences are not all due to the mechanic. Use an A/B test to be sure.",
    ),
    "no_alerts": ("没有告警。", "No alerts."),
    "country": ("法定假日按{country}的日历。", "Public holidays of {country}."),
    "peak": (
        "过去一年 GMV 最高的月份是 {month}，是月均的 {index} 倍。",
        "The past year's busiest month was {month}, {index} times the average month.",
    ),
    "gap": (
        "最长的无销售时段：{a} 至 {b}（{n} 天）{hol}。",
        "Longest stretch without sales: {a} to {b} ({n} days){hol}.",
    ),
    "gap_holiday": ("，与{name}假期重合", ", over {name}"),
    "no_country": (
        "不知道本店所在国家，没有显示法定假日（可在 playbook.yaml 设置 promotion_calendar.country）。",
        "The shop's country is unknown, so no public holidays are shown (set "
        "promotion_calendar.country in playbook.yaml).",
    ),
    "explore_empty": (
        "没有符合筛选条件的活动，请放宽筛选。",
        "No event matches the filters: widen them.",
    ),
}

SECTION_EMPTY: dict[str, Text] = {
    "upcoming": NOTES["no_upcoming"],
    "evaluated": NOTES["no_evaluated"],
    "economics": NOTES["no_costs"],
    "live": NOTES["no_live"],
    "mechanics": NOTES["no_evaluated"],
    "whatif": NOTES["no_whatif"],
    "alerts": NOTES["no_alerts"],
}
#: festivals shown in detail in the evaluated section, when present
FOCUS = ("双11", "618")


def focus_events(cal: PromotionCalendar) -> list[str]:
    """Promo ids shown in detail: the latest 双11 and 618 evaluated, else the last two."""
    burst = cal.gmv.phases[cal.gmv.phases["phase"] == "burst"].sort_values("first")
    picked = [
        burst[burst["name"] == n]["promo_id"].iloc[-1] for n in FOCUS if (burst["name"] == n).any()
    ]
    return picked or burst["promo_id"].iloc[-2:][::-1].tolist()


@dataclass(frozen=True)
class Page(ThemePage):
    """The promotion calendar of one run, ready to show section by section."""

    NOTES = NOTES

    cal: PromotionCalendar
    horizon_days: int = 90

    def data(self, section_id: str) -> Any:
        c = self.cal
        return {
            "calendar": c.next_days,
            "upcoming": c.upcoming,
            "evaluated": c.gmv.phases,
            "economics": c.economics,
            "live": c.live,
            "mechanics": c.mechanics if not c.gmv.phases.empty else None,
            "whatif": c.what_if,
            "alerts": c.alerts,
        }[section_id]

    def shown(self, section_id: str) -> Shown:
        missing = self.cal.skipped.get(section_id, ())
        template = SECTION_EMPTY.get(section_id)
        empty = None
        if template is not None:
            zh, en = template
            empty = (zh.format(days=self.horizon_days), en.format(days=self.horizon_days))
        return Shown(
            THEME.section(section_id), missing, None if missing else self.data(section_id), empty
        )

    # ------------------------------------------------------------------ section bodies
    def show_calendar(self, days: pd.DataFrame) -> None:
        c = self.cal
        if c.country:
            self.note("country", country=escape(tables.country_name(c.country, self.lang)))
        else:
            self.note("no_country")
        self.season_notes()
        title = pick(("未来 {n} 天", "Next {n} days"), self.labels).format(n=len(days))
        charts.calendar_heatmap(days, lang=self.labels, title=title)
        plt.show()
        past = c.past_days
        charts.calendar_heatmap(
            past, lang=self.labels, title=pick(("过去一年", "Past year"), self.labels)
        )
        plt.show()
        charts.year_of_sales(past, lang=self.labels, currency=self.currency)
        plt.show()

    def season_notes(self) -> None:
        """The busiest month and the longest stretch without sales (the shop's own season)."""
        season = self.cal.season
        if "peak_month" in season:
            self.note("peak", month=season["peak_month"], index=f"{season['peak_index']:.1f}")
        if "gap_start" in season:
            hol = season["gap_holiday"]
            hol = (
                pick(NOTES["gap_holiday"], self.lang).format(
                    name=escape(festivals.holiday_name(hol, self.lang))
                )
                if hol
                else ""
            )
            self.note(
                "gap", a=season["gap_start"], b=season["gap_end"], n=season["gap_days"], hol=hol
            )

    def show_upcoming(self, up: pd.DataFrame) -> None:
        display(tables.upcoming_table(up, lang=self.lang))
        nxt = self.cal.next_event
        if nxt is None:
            self.note("no_promo_next", days=self.horizon_days)
            return
        self.note(
            "next_event",
            name=escape(festivals.festival_name(nxt["name"], self.lang)),
            start=f"{nxt['start_date']:%Y-%m-%d}",
            days=int(nxt["days_to_go"]),
            warm=f"{(nxt['warmup_start'] if pd.notna(nxt['warmup_start']) else nxt['start_date']):%Y-%m-%d}",
        )
        ready = self.cal.readiness
        if ready is None:
            self.note("no_inventory")
        elif not ready.empty:
            charts.readiness_bars(ready, lang=self.labels)
            plt.show()
            display(tables.readiness_table(ready, lang=self.lang))
        if self.cal.checklist is not None:
            display(tables.checklist_table(self.cal.checklist, lang=self.lang))

    def show_evaluated(self, phases: pd.DataFrame) -> None:
        display(tables.evaluated_table(phases, lang=self.lang, currency=self.currency))
        for pid in focus_events(self.cal):
            rows = self.cal.gmv.event(pid)
            name = festivals.festival_name(rows["name"].iloc[0], self.labels)
            title = f"{name} {rows['first'].min():%Y}"
            days = self.cal.gmv.days[self.cal.gmv.days["promo_id"] == pid]
            fig, axes = plt.subplots(1, 2, figsize=(13, 3.6), gridspec_kw={"width_ratios": [2, 1]})
            charts.event_vs_baseline(
                days, lang=self.labels, currency=self.currency, title=title, ax=axes[0]
            )
            charts.phase_uplift(rows, lang=self.labels, title=title, ax=axes[1])
            fig.tight_layout()
            plt.show()
            display(tables.phases_table(rows, lang=self.lang, currency=self.currency))

    def show_economics(self, econ: pd.DataFrame) -> None:
        display(tables.economics_table(econ, lang=self.lang, currency=self.currency))

    def show_live(self, live: dict) -> None:
        this, last = live["this"], live["last"]
        name = festivals.festival_name(this.name, self.lang)
        self.note(
            "live_pair",
            this=escape(f"{name} {this.start_date:%Y}"),
            last=escape(f"{name} {last.start_date:%Y}"),
            d1=f"{this.start_date:%Y-%m-%d}",
            d2=f"{last.start_date:%Y-%m-%d}",
        )
        labels = (f"{this.start_date:%Y}", f"{last.start_date:%Y}")
        charts.hourly_compare(
            live["hours"], lang=self.labels, currency=self.currency, labels=labels
        )
        plt.show()
        charts.phase_days_compare(
            live["days"], lang=self.labels, currency=self.currency, labels=labels
        )
        plt.show()
        display(tables.hours_table(live["hours"], lang=self.lang, currency=self.currency))

    def show_mechanics(self, mech: pd.DataFrame) -> None:
        named = mech.assign(
            mechanic=mech["mechanic"].map(lambda m: tables.mechanic_name(m, self.labels))
        )
        charts.mechanic_bars(named, lang=self.labels)
        plt.show()
        display(tables.mechanics_table(mech, lang=self.lang, currency=self.currency))
        self.note("observational")

    def show_whatif(self, whatif: pd.DataFrame) -> None:
        el = self.cal.elasticity
        charts.what_if_lines(whatif, lang=self.labels)
        plt.show()
        display(tables.what_if_table(whatif, lang=self.lang))
        if el is not None:  # a what-if table comes from a fitted elasticity
            self.note("elasticity", e=f"{el.elasticity:.2f}", n=el.events)

    def show_alerts(self, alerts: list[dict]) -> None:
        key = "message_en" if self.lang == "en" else "message_zh"
        display(bullet_list(escape(a[key]) for a in alerts))

    def summary(self, output_dir: str = "") -> dict[str, Any]:
        """The keyword arguments of :func:`helpers.report.publish` for this run."""
        return summary(self.cal, lang=self.lang, currency=self.currency, output_dir=output_dir)


def page_for(ctx: Any, cal: PromotionCalendar) -> Page:
    """The :class:`Page` of a run: sets up the charts, takes language and currency."""
    return Page(
        cal=cal,
        lang=ctx.lang,
        labels=base_charts.setup(ctx.lang),
        currency=ctx.settings.currency,
        horizon_days=ctx.settings.section("promotion_calendar").horizon_days,
    )


#: The explorer's date range reads an event's first day; the search, its id and name.
EXPLORE_COLUMNS = explorer.Columns(date="first", search=("promo_id", "name"))


def explore(ctx: Any, page: Page, *, interactive: bool = True) -> Explorer | None:
    """Evaluated events by first day, mechanic and id / name search: their totals table,
    the latest kept event's baseline chart and phases, and the what-if at a chosen discount
    depth. The batch draws every event and the what-if at 10 %."""
    lang, cal = page.lang, page.cal
    totals = cal.gmv.phases.loc[cal.gmv.phases["phase"] == "total"]
    mechanics = sorted(totals["mechanic"].dropna().astype(str).unique())
    top = cal.elasticity.max_depth + 0.05 if cal.elasticity else 0.3
    depths = tuple((f"{d:.1%}", float(d)) for d in np.arange(0.0, top + 1e-9, 0.025).round(3))
    extra = [
        Choice("mechanic", pick(("玩法", "Mechanic"), lang),
               ((pick(("全部", "All"), lang), None), *[(m, m) for m in mechanics]), None),
        Choice("depth", pick(("折扣力度", "Discount depth"), lang), depths, 0.1),
    ]  # fmt: skip

    def draw(events: pd.DataFrame, filters: Filters, mechanic: str | None, depth: float) -> None:
        if mechanic is not None:
            events = events.loc[events["mechanic"].astype(str) == mechanic]
        if events.empty:
            print(pick(NOTES["explore_empty"], lang))
        else:
            kept = cal.gmv.phases.loc[cal.gmv.phases["promo_id"].isin(events["promo_id"])]
            display(tables.evaluated_table(kept, lang=lang, currency=page.currency))
            latest = str(events.sort_values("first")["promo_id"].iloc[-1])
            days = cal.gmv.days[cal.gmv.days["promo_id"] == latest]
            charts.event_vs_baseline(days, lang=page.labels, currency=page.currency, title=latest)
            plt.show()
            display(tables.phases_table(cal.gmv.event(latest), lang=lang, currency=page.currency))
        if cal.elasticity is not None:
            display(tables.what_if_table(what_if(cal.elasticity, [0.0, depth]), lang=lang))

    return explorer.explore(
        totals, draw, interactive=interactive, lang=lang, columns=EXPLORE_COLUMNS, extra=extra,
        labels={"search": pick(("活动编号/名称", "Event id / name"), lang),
                "start": pick(("首日从", "First day from"), lang),
                "end": pick(("首日到", "First day to"), lang)},
    )  # fmt: skip
