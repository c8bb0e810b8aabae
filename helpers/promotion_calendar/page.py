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
import pandas as pd
from IPython.display import display

from helpers import charts as base_charts
from helpers import festivals
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


def explore(ctx: Any, page: Page) -> None:
    """JupyterLab controls: pick a mechanic (its events), an evaluated event (its baseline
    chart and phases) and a discount depth (the what-if at that depth)."""
    import ipywidgets as widgets

    phases = page.cal.gmv.phases
    totals = phases[phases["phase"] == "total"]
    if totals.empty:
        return
    mechanics = ["*", *sorted(totals["mechanic"].fillna("未注明").unique())]
    mech_w = widgets.Dropdown(
        options=[(m if m != "*" else "—", m) for m in mechanics], description="mechanic"
    )
    event_w = widgets.Dropdown(options=totals["promo_id"].tolist(), description="event")
    top = page.cal.elasticity.max_depth + 0.05 if page.cal.elasticity else 0.3
    depth_w = widgets.FloatSlider(
        value=0.1, min=0.0, max=round(top, 2), step=0.025, description="depth"
    )

    def events_of(change: dict) -> None:
        pick_ = totals if change["new"] == "*" else totals[totals["mechanic"] == change["new"]]
        event_w.options = pick_["promo_id"].tolist()

    mech_w.observe(events_of, names="value")

    def draw(promo_id: str | None, depth: float) -> None:
        if promo_id:
            days = page.cal.gmv.days[page.cal.gmv.days["promo_id"] == promo_id]
            charts.event_vs_baseline(days, lang=page.labels, currency=page.currency, title=promo_id)
            plt.show()
            rows = page.cal.gmv.event(promo_id)
            display(tables.phases_table(rows, lang=page.lang, currency=page.currency))
        if page.cal.elasticity is not None:
            grid = what_if(page.cal.elasticity, [0.0, depth])
            display(tables.what_if_table(grid, lang=page.lang))

    display(mech_w)
    widgets.interact(draw, promo_id=event_w, depth=depth_w)
