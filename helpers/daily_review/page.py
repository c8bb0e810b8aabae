"""What each section cell of the daily review notebook shows.

A :class:`Page` holds one run's :class:`~helpers.daily_review.review.DailyReview` and the
report language; ``page.section("funnel")`` is the whole body of a section cell. Each section
is a :class:`helpers.sections.Shown` (skipped when a table it needs is missing, empty when
there is nothing for the date, else its data) handed to :func:`helpers.view.present`, which
prints the skip note, the empty note or calls the section's display function below. The
fixed bilingual notes live in :data:`NOTES`, not in the notebook.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from helpers import charts, explorer, i18n
from helpers.daily_review.morning_text import (
    buyer_mix_table,
    coverage_note,
    engagement_table,
    festival_table,
    festival_text,
    hourly_text,
    month_text,
    profit_table,
    profit_verdict,
    top_items_table,
)
from helpers.daily_review.review import DailyReview, metric_by_day
from helpers.daily_review.story import story, story_block
from helpers.daily_review.summary import export_lists, summary
from helpers.daily_review.tables import (
    ads_table,
    alerts_list,
    funnel_table,
    items_table,
    kpi_table,
    overdue_table,
    quarantine_table,
    refund_items_table,
    run_header,
    skipped_list,
    split_table,
)
from helpers.daily_review.theme import MORNING_SECTIONS, THEME
from helpers.explorer import Choice, Explorer, Filters
from helpers.metrics.trading_days import WeekPattern, open_days_only
from helpers.numbers import format_value, num, pct
from helpers.pages import ThemePage
from helpers.sections import Shown, Text, pick
from helpers.view import bullet_list, escape, md, numbered, present

#: Fixed notes of the review ``(zh, en)``; ``{fields}`` are filled with escaped values,
#: ``{days}`` / ``{hours}`` of the refund and shipping notes from the settings.
NOTES: dict[str, Text] = {
    "split_no_traffic": (
        "没有流量表，无法拆出 UV 和转化率；下面按 GMV = 支付买家数 × 客单价 拆分。",
        "No traffic table, so UV and CVR cannot be separated; the split below is "
        "GMV = paying buyers x revenue per buyer.",
    ),
    "trends_no_traffic": (
        "没有流量表，访客数和转化率画不出来；下面只画订单数据算得出的指标。",
        "No traffic table, so visitors and CVR cannot be drawn; the charts below show the "
        "metrics the orders give.",
    ),
    "no_channels": (
        "订单中没有渠道信息（全部为“未知”），这里只看整店的商品变化。",
        "The orders carry no channel (all 'unknown'); only the shop-wide item changes are shown.",
    ),
    "items_dragging": ("**拖累最大的商品（{scope}）**", "**Items dragging most ({scope})**"),
    "no_ads": ("复盘日没有推广花费。", "No ad spend on the run date."),
    "no_refunds": ("近 {days} 天没有退款申请。", "No refund requests in the last {days} days."),
    "refund_reasons": (
        "近{days}天退款原因（申请数）",
        "Refund reasons, last {days} days (requests)",
    ),
    "complaints": (
        "近 {days} 天差评/投诉 {n} 件（不含退款，单独统计）。",
        "{n} complaints (e.g. 1-2 star reviews) in the last {days} days, counted apart from "
        "refunds.",
    ),
    "refund_rate_order": (
        "近{days}天付款订单的退款率：按单数 **{count_rate}**（{refunds} 单退款 / {orders} 单），"
        "按金额 **{amount_rate}**（退款金额 {amount} / GMV {gmv}）{usual}；阈值 {ceiling}。",
        "Refund rate of the orders paid in the last {days} days: by orders **{count_rate}** "
        "({refunds} refunded / {orders} orders), by amount **{amount_rate}** (refund amount "
        "{amount} / GMV {gmv}){usual}; limit {ceiling}.",
    ),
    "refund_rate_request": (
        "近{days}天退款率（售后单未注明订单，按申请数计）：按单数 **{count_rate}**"
        "（{refunds} 笔退款申请 / {orders} 单），按金额 **{amount_rate}**（退款金额 {amount} / "
        "GMV {gmv}）{usual}；阈值 {ceiling}。",
        "Refund rate of the last {days} days (the cases name no order, so requests are "
        "counted): by orders **{count_rate}** ({refunds} refund requests / {orders} orders), "
        "by amount **{amount_rate}** (refund amount {amount} / GMV {gmv}){usual}; limit "
        "{ceiling}.",
    ),
    "refund_usual": (
        "；此前 {days} 天为 {count_rate} / {amount_rate}",
        "; the {days} days before: {count_rate} / {amount_rate}",
    ),
    "at_stake": ("**约 {money}/天** · ", "**about {money} a day** · "),
    "at_stake_once": ("**一次性涉及约 {money}** · ", "**about {money} at risk once** · "),
    "no_overdue": (
        "没有付款超过 {hours} 小时仍未发货的订单。",
        "No order paid more than {hours} h ago is still unshipped.",
    ),
    "no_alerts": ("今天没有告警。", "No alerts today."),
    "not_checked": ("**未检查**", "**Not checked**"),
    "no_festival": (
        "没有可倒计时的活动：未使用平台大促日历（playbook.yaml 中 platform_calendar 为 none），"
        "活动表里也没有复盘日之后的活动。",
        "No event to count down to: the platform festival calendar is off "
        "(platform_calendar: none in playbook.yaml) and the promotions table holds no later event.",
    ),
    "no_pay_times": (
        "付款时间只有日期、没有时刻，无法按小时对比。",
        "Payment times carry a date but no time of day, so there is no hour-by-hour view.",
    ),
    "no_margin": (
        "复盘日售出的商品都没有成本价（或成本不低于售价），算不出毛利。",
        "No item sold on the run date has a unit cost below its price; no gross profit.",
    ),
    "no_items": ("复盘日没有成交或访客的商品。", "No item sold or was visited on the run date."),
    "colours": (
        "颜色：{rise}表示增加，{fall}表示减少（设置项 `daily_review.rise_colour`）。",
        "Colours: {rise} for a rise, {fall} for a fall (setting `daily_review.rise_colour`).",
    ),
    "lmdi": (
        "**拆解怎么算（LMDI）：** GMV = 访客数 × 转化率 × 客单价。每个因素的贡献 = "
        "“两天 GMV 的对数平均” × ln(当日该因素 ÷ 基线该因素)。三项加起来正好等于 GMV 的变化，"
        "不会剩下“说不清”的部分。读法：哪一项的金额绝对值最大，就先查哪一项。",
        "**How the split works (LMDI):** GMV = visitors x CVR x revenue per buyer. Each factor's "
        "share = the log-mean of the two GMVs x ln(factor on the day / factor in the baseline). "
        "The three add up exactly to the GMV change, with nothing left unexplained. Check the "
        "factor with the largest amount first.",
    ),
    "lmdi_buyers": (
        "**拆解怎么算（LMDI）：** 没有流量数据时 GMV = 支付买家数 × 客单价。每个因素的贡献 = "
        "“两天 GMV 的对数平均” × ln(当日该因素 ÷ 基线该因素)。两项加起来正好等于 GMV 的变化，"
        "不会剩下“说不清”的部分。读法：哪一项的金额绝对值最大，就先查哪一项。",
        "**How the split works (LMDI):** without traffic data GMV = paying buyers x revenue per "
        "buyer. Each factor's share = the log-mean of the two GMVs x ln(factor on the day / "
        "factor in the baseline). The two add up exactly to the GMV change, with nothing left "
        "unexplained. Check the factor with the largest amount first.",
    ),
    "robust_z": (
        "**稳健 z 怎么读：** z = (当天的值 − 同星期几的正常值) ÷ 平时的波动幅度。"
        "“波动幅度”用中位数绝对偏差估计，少数大促日不会把它撑大。z 的绝对值越大越反常；"
        "超过 {z} 才告警，大约是平时几百天才遇到一次的偏离。",
        "**Reading the robust z:** z = (the day's value - the usual value for that weekday) / "
        "the usual spread. The spread is the median absolute deviation, so a few festival days "
        "do not inflate it. The larger |z|, the more unusual the day; an alert needs more than "
        "{z}, a deviation seen about once in several hundred ordinary days.",
    ),
    "yoy_buyers": (
        "去年同期的新买家数、老买家数不作比较：数据从 {first} 开始，去年同期之前不足一年的购买记录，"
        "那时的老买家大多会被当成新买家。",
        "New and returning buyers are not compared with last year: the data start on {first}, "
        "less than a year before that day, so most returning buyers of then would count as new.",
    ),
    "explore_empty": (
        "所选日期和渠道没有数据，请放宽筛选。",
        "No data for the chosen days and channel: widen the filters.",
    ),
}

#: The drill-down's scope when it is not one channel (a key of :data:`helpers.i18n.CHANNELS`).
WHOLE_SHOP = "全店"

#: Metrics offered by the interactive explorer.
EXPLORE_METRICS = ("gmv", "orders", "uv", "cvr", "arpu", "cart_rate", "ad_spend", "roas")
#: Days the explorer starts from (and the batch view shows), ending at the run date.
EXPLORE_DAYS = 56
#: Days of the explorer's table (newest first); the chart shows every day kept.
EXPLORE_TABLE_DAYS = 14

#: Review attribute each section shows, and what it says when that is empty.
SECTION_DATA: dict[str, tuple[str, Text | None]] = {
    "kpis": ("kpis", None),
    "split": ("split", None),
    "trends": ("trends", None),
    "funnel": ("funnel", None),
    "drilldown": ("drill", None),
    "ads": ("ads", NOTES["no_ads"]),
    "refunds": ("refund_reasons", NOTES["no_refunds"]),
    "shipping": ("overdue", NOTES["no_overdue"]),
    "alerts": ("alerts", NOTES["no_alerts"]),
    "top_items": ("morning.top_items", NOTES["no_items"]),
    "buyer_mix": ("morning.buyer_mix", None),
    "engagement": ("morning.engagement", None),
    "profit": ("morning.profit", NOTES["no_margin"]),
    "month_to_date": ("morning.month_to_date", None),
    "festival": ("morning.festival", NOTES["no_festival"]),
    "hourly": ("morning.hourly", NOTES["no_pay_times"]),
}

#: Sections that run in part without their tables (they say so themselves, never skipped).
RUNS_IN_PART = ("split", "trends")


@dataclass(frozen=True)
class Page(ThemePage):
    """The daily review of one run, ready to show section by section.

    Attributes
    ----------
    review : the computed review.
    lang : report language of the text (``zh`` or ``en``).
    labels : language of chart labels (``en`` when no CJK font could be found).
    currency : currency code of money values.
    shop_name : shown in the header line.
    z_threshold : the statistical check's threshold, marked on the baseline charts.
    data_notes : where the data came from, in the report language (pseudo-items, refunds
        derived from an order report ...: :attr:`helpers.intake.Dataset.notes`), shown
        under the header line.
    refund_ceiling : the refund-rate limit (``thresholds.refund_rate_max``).
    """

    NOTES = NOTES

    review: DailyReview
    shop_name: str = ""
    z_threshold: float = 3.0
    rise_colour: str = "auto"
    data_notes: tuple[str, ...] = ()
    refund_days: int = 14
    sla_hours: float = 24.0
    refund_ceiling: float = 0.15

    def windows(self) -> dict[str, str]:
        """The ``{days}`` (refund window) and ``{hours}`` (shipping SLA) of the notes."""
        return {"days": f"{self.refund_days:,}", "hours": num(self.sla_hours)}

    def shown(self, section_id: str) -> Shown:
        """Whether section ``section_id`` is skipped, empty or has data, and its data."""
        attr, empty = SECTION_DATA[section_id]
        data: Any = self.review
        for part in attr.split("."):
            data = getattr(data, part, None)
        if section_id == "alerts":
            data = data.alerts
        missing = () if section_id in RUNS_IN_PART else self.review.skipped.get(section_id, ())
        if empty is not None and section_id in ("refunds", "shipping"):
            empty = (empty[0].format(**self.windows()), empty[1].format(**self.windows()))
        return Shown(THEME.section(section_id), missing, data, empty)

    def section(self, section_id: str) -> None:
        """Display section ``section_id``: its skip note, empty note or charts and tables."""
        show: Callable[[Any], None] = getattr(self, f"show_{section_id}")
        present(self.shown(section_id), show, lang=self.lang)
        after = getattr(self, f"after_{section_id}", None)
        if after is not None and section_id not in self.review.skipped:
            after()

    def header(self) -> None:
        """The shop, the day under review and the currency; the quarantine count if any."""
        display(
            run_header(
                shop_name=self.shop_name,
                run_date=self.review.run_date,
                currency=self.currency,
                lang=self.lang,
                cut_off=self.review.cut_off,
            )
        )
        if self.review.quarantined_rows:
            n = f"{self.review.quarantined_rows:,}"
            display(md(i18n.t("quarantine_note", self.lang, n=n)))
        for text in self.data_notes:
            display(md("> " + escape(text)))

    def story(self) -> None:
        """Section 1: the three answers (where, why, what next)."""
        text = story(self.review, lang=self.lang, currency=self.currency)
        display(story_block(text, lang=self.lang))

    # ------------------------------------------------------------------ section bodies
    def show_kpis(self, kpis) -> None:
        display(kpi_table(kpis, lang=self.lang, currency=self.currency))
        if self.review.yoy_buyers_from is not None:
            self.note("yoy_buyers", first=f"{self.review.yoy_buyers_from:%Y-%m-%d}")

    @property
    def colours(self) -> tuple[str, str]:
        """The rise and fall colours of the charts (setting ``daily_review.rise_colour``)."""
        return charts.rise_fall_colours(self.rise_colour, self.lang)

    def colour_note(self) -> None:
        """Which colour is a rise and which a fall, under a chart."""
        names = {charts.COLOR_RED: ("红色", "red"), charts.COLOR_GREEN: ("绿色", "green")}
        rise, fall = (pick(names[c], self.lang) for c in self.colours)
        self.note("colours", rise=rise, fall=fall)

    def show_split(self, split) -> None:
        if "split" in self.review.skipped:
            self.note("split_no_traffic")
        if split["contribution"].isna().any():
            display(md("> " + escape(split.attrs.get("note", ""))))
            return
        charts.gmv_waterfall(
            split,
            gmv_before=split.attrs["gmv_before"],
            gmv_after=split.attrs["gmv_after"],
            lang=self.labels,
            currency=self.currency,
            colours=self.colours,
        )
        plt.show()
        self.colour_note()
        display(split_table(split, lang=self.lang, currency=self.currency))
        self.note("lmdi_buyers" if "split" in self.review.skipped else "lmdi")

    def show_trends(self, trends) -> None:
        if "trends" in self.review.skipped:
            self.note("trends_no_traffic")
        charts.trend_grid(
            trends, lang=self.labels, currency=self.currency, highlight=self.review.run_date
        )
        plt.show()

    def show_funnel(self, funnel) -> None:
        charts.funnel_rates(funnel[~funnel["is_total"]], lang=self.labels)
        plt.show()
        display(funnel_table(funnel, lang=self.lang, currency=self.currency))

    def show_drilldown(self, drill) -> None:
        if not self.review.has_channels:
            self.note("no_channels")
        else:
            charts.change_bars(
                drill.channels,
                label="channel",
                value="gmv_change",
                lang=self.labels,
                currency=self.currency,
                title=i18n.t("gmv_change", self.labels),
                translate_channels=True,
                colours=self.colours,
            )
            plt.show()
            self.colour_note()
        if not self.review.items.empty:
            scope = escape(i18n.channel_label(drill.items_channel or WHOLE_SHOP, self.lang))
            self.note("items_dragging", scope=scope)
            display(items_table(self.review.items, lang=self.lang, currency=self.currency))

    def show_ads(self, ads) -> None:
        charts.spend_and_roas(ads, lang=self.labels, currency=self.currency)
        plt.show()
        display(ads_table(ads, lang=self.lang, currency=self.currency))

    def show_refunds(self, reasons) -> None:
        title = pick(NOTES["refund_reasons"], self.labels).format(**self.windows())
        charts.ranked_bars(reasons, label="reason", value="cases", lang=self.labels, title=title)
        plt.show()

    def refund_rate_line(self) -> str | None:
        """The window's refund rate by orders and by amount, the money refunded, the shop's
        earlier rate and the limit (Markdown, escaped numbers), or None without after-sales."""
        if self.review.refund_rate is None:
            return None
        now, usual = self.review.refund_rate

        def money(v: float) -> str:
            return escape(format_value(v, "currency", currency=self.currency))

        days = int((now.end - now.start).days) + 1
        before = ""
        if usual is not None:
            before = pick(NOTES["refund_usual"], self.lang).format(
                days=int((usual.end - usual.start).days) + 1,
                count_rate=pct(usual.count_rate),
                amount_rate=pct(usual.amount_rate),
            )
        return pick(NOTES[f"refund_rate_{now.basis}"], self.lang).format(
            days=days,
            count_rate=pct(now.count_rate),
            amount_rate=pct(now.amount_rate),
            refunds=num(now.refunds),
            orders=num(now.orders),
            amount=money(now.refund_amount),
            gmv=money(now.gmv),
            usual=before,
            ceiling=pct(self.refund_ceiling),
        )

    def after_refunds(self) -> None:
        """The refund rate, complaints and the items with most refunds, shown even without
        refund reasons."""
        line = self.refund_rate_line()
        if line:
            display(md("> " + line))
        if self.review.complaints:
            self.note("complaints", n=f"{self.review.complaints:,}", **self.windows())
        items = self.review.refund_items
        if items is not None and not items.empty:
            display(refund_items_table(items, lang=self.lang, currency=self.currency))

    def show_shipping(self, overdue) -> None:
        display(md("**" + i18n.t("orders_overdue", self.lang) + "**"))
        display(overdue_table(overdue, lang=self.lang))

    def show_alerts(self, alerts) -> None:
        display(alerts_list(alerts, lang=self.lang))

    def after_alerts(self) -> None:
        """The rules not checked (and why), then each series against its seasonal baseline."""
        not_checked = self.review.alerts.not_checked(self.lang)
        if not_checked:
            self.note("not_checked")
            display(bullet_list(escape(line) for line in not_checked))
        if self.review.baselines:
            charts.baseline_grid(
                self.review.baselines,
                z_threshold=self.z_threshold,
                lang=self.labels,
                currency=self.currency,
            )
            plt.show()
            self.note("robust_z", z=f"{self.z_threshold:g}")

    # ------------------------------------------------------------------ morning views
    def morning(self) -> None:
        """The morning views (早间看板), each under its own heading, skipped or empty with
        a plain reason."""
        if self.review.morning is None:
            return
        for sec in MORNING_SECTIONS:
            display(md(f"### {sec.title(self.lang)}"))
            self.section(sec.id)

    def show_top_items(self, items) -> None:
        display(top_items_table(items, lang=self.lang, currency=self.currency))

    def show_buyer_mix(self, mix) -> None:
        display(buyer_mix_table(mix, lang=self.lang, currency=self.currency))

    def show_engagement(self, rates) -> None:
        display(engagement_table(rates, lang=self.lang))

    def show_profit(self, profits) -> None:
        display(profit_table(profits, lang=self.lang, currency=self.currency))
        day = next((p for p in profits if p.label == "day"), profits[0])
        display(md("> " + profit_verdict(day, lang=self.lang, currency=self.currency)))
        coverage = coverage_note(day, lang=self.lang)
        if coverage:
            display(md("> " + coverage))

    def show_month_to_date(self, month) -> None:
        display(md(month_text(month, lang=self.lang, currency=self.currency)))

    def show_festival(self, events) -> None:
        display(md(festival_text(events, lang=self.lang)))
        display(festival_table(events, lang=self.lang, currency=self.currency))

    def show_hourly(self, hours) -> None:
        charts.hourly_cumulative(hours, lang=self.labels, currency=self.currency)
        plt.show()
        display(md(hourly_text(hours, lang=self.lang, currency=self.currency)))

    # ------------------------------------------------------------------ closing parts
    def next_actions(self) -> None:
        """Section 10: the next actions in priority order."""
        display(numbered(self.action_lines()))

    def action_lines(self) -> list[str]:
        """Each next action, escaped, after the money it puts at stake a day when known."""
        out = []
        for r in self.review.actions.itertuples(index=False):
            money = getattr(r, "money_at_stake", float("nan"))
            text = escape(r.action)
            if money == money and money > 0:  # known (not NaN) and positive
                amount = escape(format_value(money, "currency", currency=self.currency))
                key = "at_stake_once" if getattr(r, "stake_kind", "") == "once" else "at_stake"
                text = pick(NOTES[key], self.lang).format(money=amount) + text
            out.append(text)
        return out

    def data_quality(self) -> None:
        """Quarantined rows by table and reason, then the sections skipped for lack of data."""
        if self.review.quarantine.empty:
            display(md(i18n.t("quarantine_none", self.lang)))
        else:
            display(quarantine_table(self.review.quarantine, lang=self.lang))
        if self.review.skipped:
            display(skipped_list(self.review.skipped, lang=self.lang))

    def summary(self, output_dir: str = "") -> dict[str, Any]:
        """The keyword arguments of :func:`helpers.report.publish` for this review; with an
        ``output_dir`` the lists behind the actions (overdue orders) are exported there."""
        return summary(
            self.review,
            lang=self.lang,
            currency=self.currency,
            exports=export_lists(self.review, output_dir),
        )


def page_for(ctx: Any, review: DailyReview) -> Page:
    """The :class:`Page` of a run (a :class:`helpers.context.RunContext`): sets up the charts
    and takes the language, currency, shop name and threshold from the run's settings."""
    settings = ctx.settings
    return Page(
        review=review,
        lang=ctx.lang,
        labels=charts.setup(ctx.lang),
        currency=settings.currency,
        shop_name=settings.shop_name,
        z_threshold=settings.thresholds.anomaly_z,
        data_notes=data_notes(getattr(ctx, "dataset", None), ctx.lang),
        refund_days=settings.thresholds.return_window_days,
        sla_hours=settings.thresholds.ship_sla_hours,
        refund_ceiling=settings.thresholds.refund_rate_max,
        rise_colour=settings.section("daily_review").rise_colour,
    )


def data_notes(dataset: Any, lang: str) -> tuple[str, ...]:
    """The dataset's notes (:attr:`helpers.intake.Dataset.notes`) as ``file: text`` lines
    in ``lang``; none for a dataset without notes."""
    notes = getattr(dataset, "notes", ()) or ()
    return tuple(f"{n.get('file', '')}: {n.get(lang) or n.get('en', '')}" for n in notes)


def explorer_frame(facts: Any, week: WeekPattern | None = None) -> pd.DataFrame:
    """``daily_channel`` up to the run date with each day's promotion phase: the rows the
    explorer filters; with ``week`` the shop's closed days are left out (not drawn as zero
    sales, as in the trend charts)."""
    if week is not None:
        facts = open_days_only(facts, week)
    frame = facts.daily_channel.loc[facts.daily_channel["date"] <= facts.run_date]
    if "phase" in facts.daily:
        frame = frame.assign(phase=frame["date"].map(facts.daily.set_index("date")["phase"]))
    return frame.reset_index(drop=True)


def explore(ctx: Any, page: Page, *, interactive: bool = True) -> Explorer | None:
    """The daily series of a metric for the chosen days and channel: the trend chart and
    the table of the last :data:`EXPLORE_TABLE_DAYS` days kept (newest first). The batch
    draws GMV of the whole shop over the last :data:`EXPLORE_DAYS` days."""
    lang, run_date = page.lang, ctx.facts.run_date

    def draw(frame: pd.DataFrame, filters: Filters, metric: str) -> None:
        if frame.empty:
            return print(pick(NOTES["explore_empty"], lang))
        series = metric_by_day(frame, metric=metric)
        charts.trend_lines(
            series, metric=metric, lang=page.labels, currency=page.currency, highlight=run_date
        )
        plt.show()
        unit = i18n.metric_unit(metric)
        rows = series.sort_values("date", ascending=False).head(EXPLORE_TABLE_DAYS)
        rows = rows.assign(date=rows["date"].dt.strftime("%Y-%m-%d"))
        page.table(rows, {"date": "text", "value": unit, "avg_7d": unit},
                   {"date": ("日期", "Date"), "value": (i18n.metric_label(metric, "zh"), i18n.metric_label(metric, "en")),
                    "avg_7d": ("7 日均值", "7-day average")})  # fmt: skip

    metric = Choice("metric", pick(("指标", "Metric"), lang),
                    tuple((i18n.metric_label(m, lang), m) for m in EXPLORE_METRICS), "gmv")  # fmt: skip
    first = (run_date - pd.Timedelta(days=EXPLORE_DAYS - 1)).date()
    return explorer.explore(
        explorer_frame(ctx.facts, page.review.week), draw, interactive=interactive, lang=lang, extra=[metric],
        initial=Filters(start=first, end=run_date.date()),
        value_labels={"channel": lambda c: i18n.channel_label(c, lang)},
    )  # fmt: skip
