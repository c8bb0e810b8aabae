"""What each section cell of the retention notebook shows.

A :class:`Page` holds one run's :class:`~helpers.retention.snapshot.Retention`;
``page.section("cohorts")`` is the whole body of a section cell (skip note, empty note, or
its charts and tables through :func:`helpers.view.present`). The fixed bilingual notes live
in :data:`NOTES`, not in the notebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from helpers import charts, explorer, i18n, numbers
from helpers.explorer import Choice, Explorer, Filters
from helpers.exports import Export, export_table
from helpers.pages import ThemePage, alert_lines
from helpers.retention import charts as rcharts
from helpers.retention.cohorts import cohort_matrix
from helpers.retention.payload import alerts, headline, kpi_payload, not_checked
from helpers.retention.rfm import segment_label, segment_summary
from helpers.retention.snapshot import Retention
from helpers.retention.theme import THEME
from helpers.retention.winback import PLAYBOOK, SIMPLE_MEANING
from helpers.sections import Shown, Text, pick
from helpers.view import bullet_list, escape, format_frame, md

NOTES: dict[str, Text] = {
    "headline": (
        "客户 {customers} 位；近 {window} 天复购率 {repeat}（去年同期 {repeat_ly}）；"
        "沉睡客户占比 {dormant}（一年前 {dormant_ly}）。",
        "{customers} customers; repeat rate over {window} days {repeat} (a year earlier "
        "{repeat_ly}); dormant share {dormant} (a year earlier {dormant_ly}).",
    ),
    "no_alerts": ("没有留存告警。", "No retention alerts."),
    "not_checked": ("**未检查的留存告警**", "**Retention alerts not checked**"),
    "movement": (
        "自 {since} 以来：{moved} 位客户换了分层，{stayed} 位留在原分层，{new} 位是新客；"
        "{fell} 位转入沉睡，{back} 位从沉睡中回来。",
        "Since {since}: {moved} customers changed segment, {stayed} stayed, {new} are new; "
        "{fell} fell dormant and {back} came back from dormancy.",
    ),
    "movement_title": ("近{days}天的分层迁移", "Segment movement, last {days} days"),
    "cohort_young": (
        "所有客户都是在最近一个月内首次购买的，还没有可以跟踪的后续月份。",
        "Every customer first bought in the latest month: there is no later month to follow yet.",
    ),
    "cohort_running": (
        "最后一列（复盘日所在月份）还没有过完，数值会继续上升。",
        "The run date's own month is still running; its figures will still rise.",
    ),
    "repeat": (
        "近 {window} 天有购买的客户 {buyers} 位，其中 {repeat} 位买了两次及以上：复购率 {rate}。"
        "首购到第二次购买的天数中位数 {median} 天。",
        "{buyers} customers bought in the last {window} days, {repeat} of them twice or more: "
        "repeat rate {rate}. Median days from the first to the second purchase: {median}.",
    ),
    "no_second": ("还没有客户买过第二次。", "No customer has bought a second time yet."),
    "winback": (
        "沉睡客户（超过 {days} 天没有购买）{n} 位，名单按累计实付金额从高到低排列，"
        "下面是前 {shown} 位。",
        "{n} dormant customers (no purchase for more than {days} days), highest spend "
        "first; the first {shown} are shown below.",
    ),
    "winback_files": (
        "完整名单（仅客户ID，无个人信息）：[{csv}]({csv}) · [{xlsx}]({xlsx})",
        "Full list (customer ids only, no personal data): [{csv}]({csv}) · [{xlsx}]({xlsx})",
    ),
    "no_tiers": (
        "会员表中没有会员等级（member_tier）。",
        "The customers table carries no member tier (member_tier).",
    ),
    "model": (
        "BG/NBD：r = {r:.3f}，alpha = {alpha:.3f}（单位：周），a = {a:.3f}，b = {b:.3f}；"
        "Gamma-Gamma：p = {p:.3f}，q = {q:.3f}，gamma = {gamma:.3f}。拟合 {customers:,} 位客户，"
        "用时 {seconds:.1f} 秒。",
        "BG/NBD: r = {r:.3f}, alpha = {alpha:.3f} (unit: weeks), a = {a:.3f}, b = {b:.3f}; "
        "Gamma-Gamma: p = {p:.3f}, q = {q:.3f}, gamma = {gamma:.3f}. Fitted on {customers:,} "
        "customers in {seconds:.1f} s.",
    ),
    "holdout": (
        "留出期检验：用截至 {end} 的数据重新拟合，预测之后 {days} 天共 {predicted:,.0f} 次购买，"
        "实际 {actual:,.0f} 次。",
        "Hold-out check: refitted on the data up to {end}, the model predicts {predicted:,.0f} "
        "purchases in the next {days} days; {actual:,.0f} happened.",
    ),
    "historic": (
        "历史客户价值（累计实付）合计 {total}，人均 {mean}；花费最高的 10% 客户贡献 {top:.0%}。",
        "Historic customer value (net spend so far) totals {total}, {mean} per customer; the "
        "top 10% of customers by spend account for {top:.0%}.",
    ),
    "top_value": ("**预测价值最高的客户**", "**Customers with the highest predicted value**"),
    "segment_actions": ("**各分层的含义与运营动作**", "**What each segment means and what to do**"),
    "explore_empty": (
        "没有符合筛选条件的客户，请放宽筛选。",
        "No customer matches the filters: widen them.",
    ),
}

#: Rows of the win-back list shown in the report (the export has them all).
WINBACK_SHOWN = 20


@dataclass(frozen=True)
class Page(ThemePage):
    """The retention results of one run, ready to show section by section.

    Attributes
    ----------
    r : the computed results.
    lang : report language (``zh`` or ``en``); labels : chart label language.
    currency : currency code; shop_name : shown in the header.
    output_dir : the run's report folder ("" in JupyterLab: nothing is written).
    """

    NOTES = NOTES

    r: Retention
    available: frozenset[str]
    shop_name: str = ""
    output_dir: str = ""

    def money(self, value: float) -> str:
        return numbers.format_value(value, "currency", currency=self.currency)

    def shown(self, section_id: str) -> Shown:
        data, empty = self._data(section_id)
        return THEME.show(section_id, self.available, data, empty_note=empty)

    def _data(self, section_id: str) -> tuple[Any, Text | None]:
        r = self.r
        nobody = ("截至复盘日还没有客户购买。", "No customer has bought by the run date.")
        return {
            "rfm": (r.rfm, nobody),
            "movement": (r.moves if len(r.rfm) else None, nobody),
            "cohorts": (r.cohorts, nobody),
            "repeat": (r.new_returning, nobody),
            "winback": (r.winback, ("没有沉睡客户。", "No dormant customers.")),
            "tiers": (r.tiers, NOTES["no_tiers"]),
            "clv": (r.rfm, nobody),
        }[section_id]

    # ------------------------------------------------------------------ header
    def header(self) -> None:
        """The shop, the run date and the headline numbers, then the retention alerts."""
        r = self.r
        day = f"{r.run_date:%Y-%m-%d}"
        head = "复盘日期" if self.lang == "zh" else "run date"
        display(md(f"**{escape(self.shop_name)}** · {head} {day} · {escape(self.currency)}"))
        pct = lambda v: numbers.format_value(v, "ratio")  # noqa: E731
        self.note(
            "headline",
            customers=f"{len(r.rfm):,}",
            window=r.settings.repeat_window_days,
            repeat=pct(r.repeat.rate),
            repeat_ly=pct(r.repeat_last_year.rate),
            dormant=pct(r.dormant_share),
            dormant_ly=pct(r.dormant_share_last_year),
        )
        found = alerts(r, lang=self.lang)
        if found.empty:
            self.note("no_alerts")
        else:
            display(alert_lines(found.itertuples(), self.lang))
        missed = not_checked(r, lang=self.lang)
        if missed:
            self.note("not_checked")
            display(bullet_list(escape(line) for line in missed))

    # ------------------------------------------------------------------ sections
    def show_rfm(self, rfm: pd.DataFrame) -> None:
        rcharts.segment_shares(self.r.segments, lang=self.labels)
        plt.show()
        display(self._segment_table(self.r.segments))
        display(self._segment_table(self.r.simple))
        self.note("segment_actions")
        display(self._actions_table())

    def _segment_table(self, summary: pd.DataFrame) -> pd.DataFrame:
        frame = summary.assign(segment=[segment_label(s, self.lang) for s in summary["segment"]])
        labels = {
            "segment": pick(("分层", "segment"), self.lang),
            "customers": i18n.metric_label("customers", self.lang),
            "customer_share": pick(("客户占比", "share of customers"), self.lang),
            "revenue": pick(("累计实付", "net spend"), self.lang),
            "revenue_share": pick(("金额占比", "share of spend"), self.lang),
            "recency_days": pick(("平均距今天数", "mean recency (days)"), self.lang),
        }
        units = {
            "segment": "text",
            "customers": "count",
            "customer_share": "ratio",
            "revenue": "currency",
            "revenue_share": "ratio",
            "aov": "currency",
            "recency_days": "count",
        }
        return format_frame(
            frame, units=units, labels=labels, lang=self.lang, currency=self.currency
        )

    def _actions_table(self):
        """What each segment means and what to do, one bullet per segment (full text)."""
        lines = [
            f"**{escape(segment_label(s, self.lang))}**: {escape(pick(m, self.lang))}"
            + pick(("。动作：", ". What to do: "), self.lang)
            + escape(pick(a, self.lang))
            for s, (m, a) in PLAYBOOK.items()
        ]
        lines += [
            f"**{escape(segment_label(s, self.lang))}**: {escape(pick(m, self.lang))}"
            for s, m in SIMPLE_MEANING.items()
        ]
        return bullet_list(lines)

    def show_movement(self, moves: dict[str, Any]) -> None:
        for name, m in moves.items():
            days = (self.r.run_date - m.since).days
            title = pick(NOTES["movement_title"], self.labels).format(days=days)
            rcharts.transition_heatmap(m.matrix, lang=self.labels, title=title)
            plt.show()
            s = self.r.simple_moves[name].pairs
            fell = s.loc[~s["from"].isin(["沉睡", "新客"]) & (s["to"] == "沉睡"), "customers"].sum()
            back = s.loc[(s["from"] == "沉睡") & (s["to"] != "沉睡"), "customers"].sum()
            self.note(
                "movement",
                since=f"{m.since:%Y-%m-%d}",
                moved=f"{m.moved:,}",
                stayed=f"{m.stayed:,}",
                new=f"{m.new:,}",
                fell=f"{int(fell):,}",
                back=f"{int(back):,}",
            )

    def show_cohorts(self, cohorts: pd.DataFrame) -> None:
        matrix = cohort_matrix(cohorts)
        if len(matrix.columns) < 2:  # only each cohort's first month: nothing to follow yet
            self.note("cohort_young")
            return
        rcharts.cohort_heatmap(matrix, lang=self.labels)
        plt.show()
        self.note("cohort_running")

    def show_repeat(self, new_returning: pd.DataFrame) -> None:
        r = self.r
        second = r.to_second
        self.note(
            "repeat",
            window=r.settings.repeat_window_days,
            buyers=f"{r.repeat.buyers:,}",
            repeat=f"{r.repeat.repeat_buyers:,}",
            rate=numbers.format_value(r.repeat.rate, "ratio"),
            median=f"{second.median():.0f}" if len(second) else "–",
        )
        if len(second):
            rcharts.days_to_second(second, lang=self.labels)
            plt.show()
        else:
            self.note("no_second")
        rcharts.new_returning(new_returning, lang=self.labels)
        plt.show()

    def show_winback(self, winback: pd.DataFrame) -> None:
        self.note(
            "winback",
            days=self.r.settings.dormant_days,
            n=f"{(self.r.rfm['simple_segment'] == '沉睡').sum():,}",
            shown=min(WINBACK_SHOWN, len(winback)),
        )
        export = self.export_winback()
        if export is not None:
            self.note("winback_files", csv=export.files[0], xlsx=export.files[1])
        units = {c: "text" for c in ("customer_id", "segment", "last_items", "action")}
        units |= {
            "last_purchase": "text",
            "days_since": "count",
            "orders": "count",
            "spend": "currency",
        }
        shown = format_frame(
            winback.head(WINBACK_SHOWN),
            units=_ordered(units),
            labels=self._winback_labels(),
            lang=self.lang,
            currency=self.currency,
        )
        with pd.option_context("display.max_colwidth", None):
            display(shown)

    def _winback_labels(self) -> dict[str, str]:
        names = {
            "customer_id": ("客户ID", "customer id"),
            "segment": ("分层", "segment"),
            "last_purchase": ("最近购买日", "last purchase"),
            "days_since": ("距今天数", "days since"),
            "orders": ("订单数", "orders"),
            "spend": ("累计实付", "net spend"),
            "last_items": ("最近一单买了什么", "last order held"),
            "action": ("建议动作", "suggested action"),
        }
        return {k: pick(v, self.lang) for k, v in names.items()}

    def export_winback(self) -> Export | None:
        """Write the whole win-back list beside the report (CSV + .xlsx, ids only)."""
        frame = self.r.winback.rename(columns=self._winback_labels())
        return export_table(
            frame,
            output_dir=self.output_dir,
            notebook=THEME.notebook,
            name="winback",
            title=("沉睡客户召回名单", "Win-back list (dormant customers)"),
        )

    def show_tiers(self, tiers: pd.DataFrame) -> None:
        labels = {
            "member_tier": pick(("会员等级", "member tier"), self.lang),
            "members": pick(("会员数", "members"), self.lang),
            "buyers": pick(("有购买的会员", "members who bought"), self.lang),
            "spend": pick(("累计实付", "net spend"), self.lang),
            "spend_per_buyer": pick(("人均实付", "spend per buyer"), self.lang),
            "repeat_rate": pick(("复购率", "repeat rate"), self.lang),
        }
        units = {
            "member_tier": "text",
            "members": "count",
            "buyers": "count",
            "spend": "currency",
            "spend_per_buyer": "currency",
            "repeat_rate": "ratio",
        }
        display(
            format_frame(tiers, units=units, labels=labels, lang=self.lang, currency=self.currency)
        )

    def show_clv(self, rfm: pd.DataFrame) -> None:
        self._historic(rfm)
        v = self.r.value
        models = v.models()
        if models is None:
            display(md("> " + escape(pick(v.reason, self.lang) if v.reason else "")))
            return
        bgnbd, gamma_gamma = models
        self.note(
            "model",
            **bgnbd.params(),
            **gamma_gamma.params(),
            customers=bgnbd.customers,
            seconds=v.seconds,
        )
        self._holdout()
        rcharts.p_alive(v.customers, lang=self.labels)
        plt.show()
        self.note("top_value")
        display(self._top_value())

    def _historic(self, rfm: pd.DataFrame) -> None:
        m = rfm["monetary"].sort_values(ascending=False)
        top = m.head(max(1, len(m) // 10)).sum() / m.sum() if m.sum() else float("nan")
        self.note("historic", total=self.money(m.sum()), mean=self.money(m.mean()), top=top)

    def _holdout(self) -> None:
        v, s = self.r.value, self.r.settings
        if v.holdout is None:
            note = pick(v.holdout_note, self.lang) if v.holdout_note else ""
            display(md("> " + escape(note)))
            return
        h = v.holdout
        end = self.r.run_date - pd.Timedelta(days=s.holdout_days)
        self.note(
            "holdout",
            end=f"{end:%Y-%m-%d}",
            days=s.holdout_days,
            predicted=float((h["predicted"] * h["customers"]).sum()),
            actual=float((h["actual"] * h["customers"]).sum()),
        )
        rcharts.holdout(h, lang=self.labels)
        plt.show()

    def _top_value(self) -> pd.DataFrame:
        v, s = self.r.value, self.r.settings
        frame = v.customers.merge(self.r.rfm[["customer_id", "monetary"]], on="customer_id")
        h = s.horizons_days[0]
        frame = frame.sort_values(f"value_{h}d", ascending=False).head(15)
        units = {
            "customer_id": "text",
            "monetary": "currency",
            "frequency": "count",
            "p_alive": "ratio",
        }
        labels = {
            "customer_id": pick(("客户ID", "customer id"), self.lang),
            "monetary": i18n.metric_label("historic_value", self.lang),
        }
        for d in s.horizons_days:
            units[f"value_{d}d"] = "currency"
            labels[f"value_{d}d"] = i18n.metric_label("predicted_value", self.lang) + (
                f"（{d} 天）" if self.lang == "zh" else f" ({d} days)"
            )
        return format_frame(
            frame, units=units, labels=labels, lang=self.lang, currency=self.currency
        )

    # ------------------------------------------------------------------ closing parts
    def data_quality(self) -> None:
        skipped = THEME.skipped(self.available)
        if skipped:
            display(
                bullet_list(
                    escape(THEME.section(sid).title(self.lang))
                    + ": "
                    + ", ".join(escape(i18n.table_label(t, self.lang)) for t in tables)
                    for sid, tables in skipped.items()
                )
            )
        else:
            display(
                md(
                    "> "
                    + pick(("本报告所有章节都有数据。", "Every section had its data."), self.lang)
                )
            )

    def summary(self) -> dict[str, Any]:
        """The keyword arguments of :func:`helpers.report.publish` for this run."""
        export = self.export_winback() if not self.r.winback.empty else None
        return {
            "alerts": alerts(self.r, lang=self.lang),
            "kpis": kpi_payload(self.r, lang=self.lang, currency=self.currency),
            "skipped": {k: list(v) for k, v in THEME.skipped(self.available).items()},
            "extra": headline(self.r),
            "exports": [export] if export is not None else [],
        }


def _ordered(units: dict[str, str]) -> dict[str, str]:
    from helpers.retention.winback import WINBACK_COLUMNS

    return {c: units[c] for c in WINBACK_COLUMNS}


def page_for(ctx: Any, r: Retention, *, output_dir: str = "") -> Page:
    """The :class:`Page` of a run: sets up the charts, takes language, currency and shop
    name from the run's settings."""
    settings = ctx.settings
    return Page(
        r=r,
        available=ctx.available,
        lang=ctx.lang,
        labels=charts.setup(ctx.lang),
        currency=settings.currency,
        shop_name=settings.shop_name,
        output_dir=output_dir or "",
    )


#: Customers the explorer lists (highest spend first).
EXPLORE_ROWS = 50
#: The explorer's date range reads the last purchase; the search, the customer id.
EXPLORE_COLUMNS = explorer.Columns(date="last_date", search=("customer_id",))


def explore(page: Page, *, interactive: bool = True) -> Explorer | None:
    """Customers by last purchase date, segment and id: the segment chart and table of the
    customers kept, their list (highest spend first), and one cohort month's row. The batch
    draws every customer."""
    r, lang = page.r, page.lang
    months = sorted(r.cohorts["cohort"].unique()) if not r.cohorts.empty else []
    cohort = Choice("cohort", pick(("首购月份", "Cohort"), lang),
                    tuple((f"{m:%Y-%m}", m) for m in months), months[-1] if months else None)  # fmt: skip

    def draw(rfm: pd.DataFrame, filters: Filters, cohort: Any = None) -> None:
        if rfm.empty:
            return print(pick(NOTES["explore_empty"], lang))
        summary = segment_summary(rfm, by="segment")
        summary = summary.loc[summary["customers"] > 0]
        rcharts.segment_shares(summary, lang=page.labels)
        plt.show()
        display(page._segment_table(summary))
        top = rfm.sort_values("monetary", ascending=False).head(EXPLORE_ROWS)
        page.table(top.assign(segment=[segment_label(s, lang) for s in top["segment"]]),
                   {"customer_id": "text", "segment": "text", "last_date": "text",
                    "recency_days": "count", "frequency": "count", "monetary": "currency"},
                   {"customer_id": ("客户", "Customer"), "segment": ("分层", "Segment"),
                    "last_date": ("最近购买", "Last purchase"), "recency_days": ("距今天数", "Days since"),
                    "frequency": ("购买次数", "Purchases"), "monetary": ("累计实付", "Net spend")})  # fmt: skip
        if cohort is not None:
            page.show_cohorts(r.cohorts.loc[r.cohorts["cohort"] == cohort])

    return explorer.explore(
        r.rfm.assign(last_date=r.rfm["last_date"].dt.strftime("%Y-%m-%d")), draw,
        interactive=interactive, lang=lang, columns=EXPLORE_COLUMNS, extra=[cohort] if months else [],
        value_labels={"segment": lambda s: segment_label(s, lang)},
    )  # fmt: skip
