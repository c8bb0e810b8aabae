"""The daily review (每日复盘): every result the review notebook shows, in one object.

:func:`build_review` assembles the pieces computed by the metric modules (headline KPIs, the
GMV split, trends, funnel, drill-down, ads, after-sales, alerts, next actions) and records,
per section, which tables were missing so the notebook can say what it skipped.
:mod:`.story` writes the three answers from it, :mod:`.tables` formats its tables for display
and :mod:`.page` shows each section of the notebook.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from helpers.alerts.actions import next_actions
from helpers.alerts.anomaly import MIN_HISTORY_DAYS, baseline_for_chart
from helpers.alerts.completeness import RULE_ID as INCOMPLETE_RULE
from helpers.alerts.rules import STALE_ORDER_HOURS, AlertReport, alerts_frame, collect_alerts
from helpers.daily_review.evidence import PRICE_DAYS, with_evidence
from helpers.daily_review.morning import Morning, build_morning, filled, with_titles
from helpers.daily_review.stakes import money_at_stake, stake_kinds
from helpers.daily_review.theme import THEME
from helpers.facts import UNKNOWN_CHANNEL, Facts, cut_off_at
from helpers.facts.frames import isin_fast
from helpers.intake import quarantined_input_rows
from helpers.metrics.comparison import (
    Comparison,
    choose_comparison,
    compare_metrics,
    level_shifts,
)
from helpers.metrics.decomposition import FACTORS, FACTORS_NO_TRAFFIC, gmv_change_split
from helpers.metrics.drilldown import DrillDown, drill_down
from helpers.metrics.funnel import channel_funnel
from helpers.metrics.kpis import RATIOS as RATIO_METRICS
from helpers.metrics.kpis import add_ratios, daily_trend, headline_kpis, window_sums
from helpers.metrics.refunds import RefundRate, refund_baseline, refund_basis, refund_rate
from helpers.metrics.trading_days import WeekPattern, closed_dates, open_days_only, week_pattern
from helpers.settings import Settings

#: metric shown on the 28-day trend grid -> table it needs besides orders
TREND_METRICS: dict[str, str | None] = {
    "gmv": None,
    "uv": "traffic",
    "cvr": "traffic",
    "arpu": None,
    "orders": None,
    "cart_rate": "traffic",
}

#: the headline of the batch summary: GMV, then the factors of its split and the orders
HEADLINE_METRICS: tuple[str, ...] = ("gmv", "uv", "cvr", "arpu", "orders")
#: the same without a traffic table (no UV, no CVR)
HEADLINE_NO_TRAFFIC: tuple[str, ...] = ("gmv", "buyers", "arpu", "orders")

#: label of after-sales cases whose item the source does not state (not listed)
NOT_STATED = "—"
#: label of after-sales cases whose reason the source does not state, by language
NO_REASON: dict[str, str] = {"zh": "未填写原因", "en": "no reason given"}

#: review section -> tables it needs besides orders / order_items (declared in theme.py)
SECTION_NEEDS: dict[str, tuple[str, ...]] = {s.id: s.needs for s in THEME.sections}


@dataclass(frozen=True, eq=False)
class DailyReview:
    """Everything the daily review shows for one run date.

    Attributes
    ----------
    run_date : the day under review.
    kpis : headline KPIs (:func:`helpers.metrics.kpis.headline_kpis`).
    split : LMDI split of the GMV change vs the chosen baseline (``comparison``): UV x CVR x
        客单价, or buyers x 客单价 without traffic (``skipped["split"]`` then names the
        missing table).
    drill : trend -> channel -> item drill-down vs the chosen baseline; items whose move rests
        on fewer than ``min_orders`` orders are not listed.
    trends : metric -> 28-day trend frame (only metrics whose data exist).
    funnel : channel funnel of the run date, or None without traffic.
    ads : spend, attributed GMV and ROAS per ad channel on the run date with the trailing
        7-day ROAS, or None without ad data.
    refund_reasons : refund requests of the last 14 days by reason, or None.
    refund_items : refund requests of the last 14 days by item, or None.
    overdue : orders paid more than the SLA ago and not shipped, by channel, or None when
        the orders carry no shipping times.
    baselines : metric -> seasonal baseline frame of the last 28 days (statistical check).
    alerts : rule and statistical alerts (:class:`helpers.alerts.AlertReport`).
    actions : next actions (:func:`helpers.alerts.actions.next_actions`) in the report language.
    items : the drill-down's items with their title and category (when products exist).
    complaints : complaint cases (e.g. 1-2 star reviews) in the refund window, or None without
        after-sales data.
    refund_rate : the refund rate of the last ``refund_window_days`` days of paid orders and
        the shop's own earlier rate (None without after-sales data).
    comparison : the baseline the conclusion uses (:func:`helpers.metrics.comparison.
        choose_comparison`): last week's same weekday unless a festival phase makes it
        incomparable.
    shifts : channels whose GMV sits far from the baseline several days running
        (:func:`helpers.metrics.comparison.level_shifts`).
    action_alerts : the alerts the next actions come from, with ``money_at_stake`` (¥ lost
        or at risk, :mod:`helpers.daily_review.stakes`) and ``stake_kind`` (``per_day`` or
        ``once``) per alert.
    overdue_orders : the overdue orders one line per item: ``order_id, paid_date, channel,
        sku_id, quantity, days_waiting, stale`` (ids only, the list exported for the
        shipping action), or None without shipping times.
    headline : GMV and a few KPIs against the chosen baseline in absolute values
        (:func:`helpers.metrics.comparison.compare_metrics`).
    skipped : section -> tables it lacked (sections that could not run, or ran in part).
    quarantine : quarantined input rows by table and reason.
    yoy_buyers_from : the first day of the data when last year's new / returning buyers were
        left out of the comparison (:func:`partial_year_buyers`), else None.
    morning : the morning views (:mod:`.morning`), None when built without the tables.
    week : the weekdays the shop is usually closed on
        (:func:`helpers.metrics.trading_days.week_pattern`): their days without orders are
        left out of every baseline, average and trend; on such a day no alert is raised.
    """

    run_date: pd.Timestamp
    kpis: pd.DataFrame
    split: pd.DataFrame
    drill: DrillDown
    trends: dict[str, pd.DataFrame]
    funnel: pd.DataFrame | None
    ads: pd.DataFrame | None
    refund_reasons: pd.DataFrame | None
    refund_items: pd.DataFrame | None
    overdue: pd.DataFrame | None
    baselines: dict[str, pd.DataFrame]
    alerts: AlertReport
    actions: pd.DataFrame
    items: pd.DataFrame = field(default_factory=pd.DataFrame)
    complaints: int | None = None
    refund_rate: tuple[RefundRate, RefundRate | None] | None = None
    comparison: Comparison | None = None
    shifts: pd.DataFrame = field(default_factory=pd.DataFrame)
    headline: pd.DataFrame = field(default_factory=pd.DataFrame)
    action_alerts: pd.DataFrame = field(default_factory=pd.DataFrame)
    overdue_orders: pd.DataFrame | None = None
    skipped: dict[str, tuple[str, ...]] = field(default_factory=dict)
    quarantine: pd.DataFrame = field(default_factory=pd.DataFrame)
    yoy_buyers_from: pd.Timestamp | None = None
    morning: Morning | None = None
    quarantined_input_rows: int | None = None
    cut_off: pd.Timestamp | None = None
    week: WeekPattern = field(default_factory=WeekPattern)

    @property
    def closed_today(self) -> bool:
        """Whether the run date falls on a weekday the shop is usually closed on."""
        return self.week.is_closed(self.run_date)

    @property
    def has_channels(self) -> bool:
        """Whether the orders carry a channel at all (not everything under 未知)."""
        names = (
            set(self.drill.channels["channel"].dropna()) if not self.drill.channels.empty else set()
        )
        return bool(names - {UNKNOWN_CHANNEL})

    @property
    def data_incomplete(self) -> bool:
        """Whether the run date looks incomplete (every channel far below its usual level at
        once, rule ``data_incomplete`` of :mod:`helpers.alerts.completeness`)."""
        a = self.alerts.alerts
        return bool(not a.empty and (a["rule"] == INCOMPLETE_RULE).any())

    @property
    def quarantined_rows(self) -> int:
        """Input rows quarantined, each file row once (several tables may read one row)."""
        if self.quarantined_input_rows is not None:
            return self.quarantined_input_rows
        return int(self.quarantine["rows"].sum()) if not self.quarantine.empty else 0


def _ads(facts: Facts, day: pd.Timestamp) -> pd.DataFrame:
    """Ad channels on the run date with the trailing 7-day (D-7..D-1) ROAS beside it."""
    today = window_sums(facts, day, day, by="channel")
    week = window_sums(facts, day - pd.Timedelta(days=7), day - pd.Timedelta(days=1), by="channel")
    today = today.loc[today["ad_spend"].fillna(0) > 0, ["channel", "ad_spend", "ad_gmv", "roas"]]
    week = week.loc[week["ad_spend"].fillna(0) > 0, ["channel", "ad_spend", "roas"]].rename(
        columns={"ad_spend": "ad_spend_7d", "roas": "roas_7d"}
    )
    week["ad_spend_7d"] = week["ad_spend_7d"] / 7.0
    out = today.merge(week, on="channel", how="outer")
    return out.sort_values("ad_spend", ascending=False, na_position="last").reset_index(drop=True)


def _refunds_by(
    refunds: pd.DataFrame, day: pd.Timestamp, days: int, by: str, missing: str = NOT_STATED
) -> pd.DataFrame:
    """Refund requests of the ``days`` days ending on ``day``, counted by ``by`` (a case that
    states none is counted under ``missing``)."""
    window = refunds.loc[
        (refunds["date"] > day - pd.Timedelta(days=days)) & (refunds["date"] <= day)
    ]
    if window.empty or (by == "sku_id" and window[by].isna().all()):
        return pd.DataFrame(columns=[by, "cases", "refund_amount", "share"])
    out = (
        window.assign(**{by: window[by].replace("", None).fillna(missing)})
        .groupby(by, as_index=False)
        .agg(cases=("case_id", "count"), refund_amount=("refund_amount", "sum"))
        .sort_values(["cases", by], ascending=[False, True])
    )
    out["share"] = out["cases"] / out["cases"].sum()
    if by == "sku_id":  # cases that name no item are counted in the shares, not listed
        out = out.loc[out[by] != NOT_STATED]
    return out.reset_index(drop=True)


def _overdue(facts: Facts, sla_hours: float) -> pd.DataFrame:
    late = facts.open_orders.loc[facts.open_orders["hours_waiting"] > sla_hours]
    return (
        late.groupby("channel", as_index=False)
        .agg(orders=("order_id", "count"), max_hours=("hours_waiting", "max"))
        .sort_values(["orders", "channel"], ascending=[False, True])
        .reset_index(drop=True)
    )


def overdue_orders(
    open_orders: pd.DataFrame,
    order_items: pd.DataFrame | None,
    *,
    sla_hours: float,
    stale_hours: float,
) -> pd.DataFrame:
    """Orders paid more than ``sla_hours`` ago and not shipped, one row per order line.

    Columns ``order_id, paid_date, channel, sku_id, quantity, days_waiting`` (hours waiting
    / 24, one decimal) and ``stale`` (waiting more than ``stale_hours``: most likely a record
    never closed in the export rather than a parcel to pack), oldest first. Ids and figures
    only: no buyer, no address.
    """
    late = open_orders.loc[open_orders["hours_waiting"] > sla_hours]
    out = late.assign(
        paid_date=late["paid_at"].dt.strftime("%Y-%m-%d"),
        days_waiting=(late["hours_waiting"] / 24.0).round(1),
        stale=late["hours_waiting"] > stale_hours,
    )
    if order_items is not None and {"order_id", "sku_id"} <= set(order_items.columns):
        # only the late orders' lines are read (the items table holds every order's lines)
        mine = order_items.loc[isin_fast(order_items["order_id"], out["order_id"])]
        items = mine[["order_id", "sku_id"]].assign(quantity=mine.get("quantity", 1))
        lines = items.groupby(["order_id", "sku_id"], as_index=False)["quantity"].sum()
        out = out.merge(lines, on="order_id", how="left")
    else:
        out = out.assign(sku_id=None, quantity=None)
    cols = ["order_id", "paid_date", "channel", "sku_id", "quantity", "days_waiting", "stale"]
    return out.sort_values(["paid_date", "order_id", "sku_id"])[cols].reset_index(drop=True)


def quarantine_summary(quarantine: pd.DataFrame | None) -> pd.DataFrame:
    """Quarantined rows by table and reason, largest first: ``table, reason, reason_zh,
    rows``. Intake's own reasons count by their first clause (without the values);
    ``reason_zh`` is the Chinese a mapping declared for its reason, empty for intake's."""
    if quarantine is None or quarantine.empty:
        return pd.DataFrame(columns=["table", "reason", "reason_zh", "rows"])
    zh = (
        quarantine["reason_zh"].fillna("").astype(str)
        if "reason_zh" in quarantine
        else pd.Series("", index=quarantine.index)
    )
    full = quarantine["reason"].astype(str)
    clause = full.str.split(";").str[0].str.split(":").str[0]
    return (
        quarantine.assign(reason=full.where(zh != "", clause), reason_zh=zh)
        .groupby(["table", "reason", "reason_zh"], as_index=False)
        .size()
        .rename(columns={"size": "rows"})
        .sort_values(["rows", "table", "reason"], ascending=[False, True, True])
        .reset_index(drop=True)
    )


def _skipped(
    facts: Facts, has_shipping_times: bool, columns: frozenset[str] = frozenset()
) -> dict[str, tuple[str, ...]]:
    """Section -> the needs it lacks, from the theme's declaration; without any shipping time
    (``orders.shipped_at``) the shipping section is skipped (every order would look unshipped).
    ``columns``: ``table.column`` names that carry values (e.g. ``products.unit_cost``)."""
    shipped = {"orders.shipped_at"} if has_shipping_times else set()
    return THEME.skipped(set(facts.available) | shipped | set(columns))


def _trends(facts: Facts) -> dict[str, pd.DataFrame]:
    """Metric -> 28-day trend frame, for the trend metrics whose table is present."""
    have = set(facts.available)
    return {
        m: daily_trend(facts, metric=m, days=28)
        for m, need in TREND_METRICS.items()
        if need is None or need in have
    }


#: Why no alert is raised on a closed weekday ``(en, zh)``; ``{day}`` is the weekday.
CLOSED_DAY_SKIP = (
    "the shop is usually closed on {en}: no alert on a closed day",
    "本店通常{zh}不营业：休息日不告警",
)


def _alerts(
    facts: Facts,
    settings: Settings,
    market: pd.DataFrame | None,
    has_shipping_times: bool,
    week: WeekPattern | None = None,
) -> AlertReport:
    """Rule and statistical alerts; without shipping times the unshipped rule says nothing;
    on a weekday the shop is usually closed on (``week``) none at all (every "-100 %" would
    be the shop's day off)."""
    if week is not None and week.is_closed(facts.run_date):
        en, zh = CLOSED_DAY_SKIP
        skipped = pd.DataFrame(
            [("all", en.format(en=week.names("en")), zh.format(zh=week.names("zh")))],
            columns=["rule", "reason", "reason_zh"],
        )
        return AlertReport(alerts=alerts_frame([]), skipped=skipped)
    report = collect_alerts(facts, settings, market=market)
    if has_shipping_times or report.alerts.empty:
        return report
    kept = report.alerts.loc[report.alerts["rule"] != "unshipped_sla"].reset_index(drop=True)
    return AlertReport(alerts=kept, skipped=report.skipped)


def _baselines(
    facts: Facts, settings: Settings, report: AlertReport, week: WeekPattern | None = None
) -> dict[str, pd.DataFrame]:
    """The statistical check's view: GMV and CVR always, plus every metric it flagged.

    The check scores every calendar day (its weekly pattern expects a closed weekday to be
    empty); the days the shop was closed (``week``, :func:`closed_dates`) are then left out
    of the view, as in the trend charts, instead of being drawn as zero sales."""
    flagged = report.alerts.loc[report.alerts["rule"] == "anomaly", "metric"].tolist()
    gone = closed_dates(facts.daily, week, facts.run_date) if week is not None else None
    baselines = {}
    for m in dict.fromkeys(["gmv", "cvr", *flagged]):
        frame = baseline_for_chart(facts, settings, m, days=28)
        if frame is None or frame["value"].isna().all():
            continue
        if gone is not None and len(gone):
            frame = frame.loc[~frame["date"].isin(gone)].reset_index(drop=True)
        baselines[m] = frame
    return baselines


def refund_rates(facts: Facts, settings: Settings) -> tuple[RefundRate, RefundRate | None]:
    """The refund rate of the orders paid in the last ``refund_window_days`` days and the
    shop's own rate over the windows before (:mod:`helpers.metrics.refunds`)."""
    days = int(settings.thresholds.refund_window_days)
    basis = refund_basis(facts.refunds)
    return (
        refund_rate(facts.daily, facts.refunds, facts.run_date, days, basis),
        refund_baseline(facts.daily, facts.refunds, facts.run_date, days, basis),
    )


def _after_sales(
    facts: Facts,
    settings: Settings,
    skipped: dict[str, tuple[str, ...]],
    products: pd.DataFrame | None,
) -> dict[str, Any]:
    """Refund reasons, refund items, complaints and overdue orders (None when skipped)."""
    day, th = facts.run_date, settings.thresholds
    out: dict[str, Any] = dict.fromkeys(
        ("refund_reasons", "refund_items", "complaints", "overdue", "refund_rate")
    )
    if "refunds" not in skipped:
        window = th.return_window_days
        missing = NO_REASON.get(settings.language, NO_REASON["en"])
        out["refund_reasons"] = _refunds_by(facts.refunds, day, window, "reason", missing)
        out["refund_rate"] = refund_rates(facts, settings)
        out["refund_items"] = with_titles(
            _refunds_by(facts.refunds, day, window, "sku_id"), products
        )
        recent = facts.daily["date"] > day - pd.Timedelta(days=window)
        out["complaints"] = int(facts.daily.loc[recent, "complaint_cases"].sum())
    if "shipping" not in skipped:
        out["overdue"] = _overdue(facts, th.ship_sla_hours)
    return out


#: metrics whose value a year ago depends on the year of history before it
HISTORY_METRICS = ("new_buyers", "returning_buyers")


def partial_year_buyers(
    kpis: pd.DataFrame, first_day: pd.Timestamp, run_date: pd.Timestamp
) -> tuple[pd.DataFrame, pd.Timestamp | None]:
    """Leave last year's new / returning buyers out when the data before them are partial.

    A buyer counts as new on the day of their first paid order *in the data*. On the same
    day last year (D-364) that needs a year of history before it: with data starting at
    ``first_day > D-364-365`` most returning buyers of then look new (Online Retail on
    2011-12-08: -94 % new and +339 % returning buyers). Then ``last_year`` and
    ``vs_last_year`` of :data:`HISTORY_METRICS` become NaN and ``first_day`` is returned (for
    the caveat); otherwise the frame is unchanged and None returned.
    """
    last_year = kpis.loc[kpis["metric"].isin(HISTORY_METRICS), "last_year"]
    if last_year.isna().all() or pd.isna(first_day):
        return kpis, None
    if first_day <= run_date - pd.Timedelta(days=364 + 365):
        return kpis, None
    out = kpis.copy()
    out.loc[out["metric"].isin(HISTORY_METRICS), ["last_year", "vs_last_year"]] = np.nan
    return out, pd.Timestamp(first_day)


def build_review(
    facts: Facts,
    settings: Settings,
    *,
    market: pd.DataFrame | None = None,
    quarantine: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    order_items: pd.DataFrame | None = None,
    orders: pd.DataFrame | None = None,
    tables: Mapping[str, pd.DataFrame | None] | None = None,
    has_shipping_times: bool = True,
    clean_days: int = 14,
    top: int = 10,
    min_orders: int = 3,
    shift_days: int = 2,
    shift_threshold: float = 0.5,
    columns: frozenset[str] = frozenset(),
    closed_weeks: int = 8,
    closed_share: float = 0.8,
) -> DailyReview:
    """Compute every result of the daily review for ``facts.run_date``.

    Parameters
    ----------
    facts : the run's facts (already cut at the run date).
    settings : thresholds and language.
    market : the ``market`` table when present (industry CVR benchmark).
    quarantine : the intake quarantine (shown as a count and by reason).
    products : the ``products`` table when present (item titles and categories).
    order_items : the ``order_items`` table (the items of the overdue orders' list).
    orders : the ``orders`` table (the paid amount of overdue orders, for the money at stake).
    tables : the contract tables, for the evidence behind the actions (price history of an
        item, competitors' prices; :mod:`helpers.daily_review.evidence`).
    has_shipping_times : whether the orders carry ``shipped_at`` at all; without it the
        shipping section is skipped rather than reporting every order as unshipped.
    clean_days : length of the clean window compared with when last week touches a festival.
    top : items listed by the drill-down.
    min_orders : materiality floor of the drill-down's items (orders behind a move).
    shift_days, shift_threshold : a channel's level shift is a GMV at least
        ``shift_threshold`` (a fraction) away from its baseline on each of the last
        ``shift_days`` days.
    columns : ``table.column`` names carrying values (``traffic.favorite_users``,
        ``products.unit_cost``), for the sections that need a column.
    closed_weeks, closed_share : a weekday is closed when the shop had no order on at least
        ``closed_share`` of its last ``closed_weeks`` occurrences
        (:func:`helpers.metrics.trading_days.week_pattern`); such days are left out of the
        baselines, averages and trends, and a closed run date raises no alert.
    """
    skipped = _skipped(facts, has_shipping_times, columns)
    if "traffic" not in facts.available:
        skipped["trends"] = ("traffic",)
    week = week_pattern(facts.daily, facts.run_date, weeks=closed_weeks, share=closed_share)
    report = _alerts(facts, settings, market, has_shipping_times, week)
    full, facts = facts, open_days_only(facts, week)
    baselines = _baselines(full, settings, report, week)
    if not baselines:
        skipped["baselines"] = (f"{MIN_HISTORY_DAYS} days of history",)
    comparison = choose_comparison(full, clean_days=clean_days)
    drill = drill_down(facts, baseline=comparison.window, top=top, min_orders=min_orders)
    shifts = level_shifts(facts, comparison, days=shift_days, threshold=shift_threshold)
    kpis, yoy_from = partial_year_buyers(
        headline_kpis(facts), facts.daily["date"].min(), facts.run_date
    )
    if not has_shipping_times:  # no shipping times at all: a 0 % rate would be a false alarm
        kpis.loc[kpis["metric"] == "ship_24h_rate", "available"] = False
    factors = FACTORS_NO_TRAFFIC if "split" in skipped else FACTORS
    found = with_evidence(report.alerts, tables or {}, facts.run_date, settings.currency)
    staked = found.assign(
        money_at_stake=money_at_stake(found, facts, settings, orders), stake_kind=stake_kinds(found)
    )
    return DailyReview(
        run_date=facts.run_date,
        week=week,
        kpis=kpis,
        yoy_buyers_from=yoy_from,
        split=gmv_change_split(facts, baseline=comparison.window, factor_names=factors),
        comparison=comparison,
        shifts=shifts,
        headline=compare_metrics(
            facts,
            comparison,
            list(HEADLINE_NO_TRAFFIC if "traffic" not in facts.available else HEADLINE_METRICS),
        ),
        drill=drill,
        trends=_trends(facts),
        funnel=None if "funnel" in skipped else channel_funnel(facts),
        ads=None if "ads" in skipped else _ads(facts, facts.run_date),
        baselines=baselines,
        alerts=report,
        actions=next_actions(staked, lang=settings.language),
        action_alerts=staked,
        overdue_orders=None
        if "shipping" in skipped
        else overdue_orders(
            facts.open_orders,
            order_items,
            sla_hours=settings.thresholds.ship_sla_hours,
            stale_hours=STALE_ORDER_HOURS,
        ),
        skipped=skipped,
        items=with_titles(drill.items, products).head(5),
        quarantine=quarantine_summary(quarantine),
        quarantined_input_rows=quarantined_input_rows(quarantine),
        **_after_sales(facts, settings, skipped, products),
    )


#: The columns of ``orders`` the review reads (the one-day views, the money at stake of
#: overdue orders, the price history, the export's last timestamp).
ORDER_COLUMNS = (
    "order_id",
    "customer_id",
    "created_at",
    "paid_at",
    "shipped_at",
    "status",
    "paid_amount",
    "shipping_fee",
    "channel",
)


def _order_tables(ctx: Any) -> Mapping[str, pd.DataFrame]:
    """The tables of the run, the order tables narrowed to what the review reads
    (:meth:`helpers.intake.Dataset.read`): the orders' :data:`ORDER_COLUMNS`; the lines of
    the open orders (their items in the overdue list) and of the orders paid in the price
    history's days (the cart alerts' evidence), never the whole lines table."""
    ds, day = ctx.dataset, ctx.facts.run_date
    narrow = {"orders": ds.read("orders", ORDER_COLUMNS)}
    if ds.has("order_items"):
        window = (day - pd.Timedelta(days=PRICE_DAYS), day)
        open_ids = ctx.facts.open_orders["order_id"]
        cols = ["order_id", "sku_id", "quantity", "unit_price"]
        narrow["order_items"] = ds.read("order_items", cols, days=window)
        narrow["open_order_items"] = ds.read("order_items", cols, isin={"order_id": open_ids})
    return ChainMap(narrow, ds.tables)


def review_for(ctx: Any) -> DailyReview:
    """:func:`build_review` for a :class:`helpers.context.RunContext`."""
    tables = _order_tables(ctx)
    orders = tables["orders"]
    has_ship = "shipped_at" in orders and bool(orders["shipped_at"].notna().any())
    options = ctx.settings.section("daily_review")
    review = build_review(
        ctx.facts,
        ctx.settings,
        market=tables.get("market"),
        quarantine=ctx.dataset.quarantine,
        products=tables.get("products"),
        order_items=tables.get("open_order_items"),
        orders=orders,
        tables=tables,  # a mapping: the tables the evidence does not read are not loaded
        has_shipping_times=has_ship,
        columns=frozenset(filled(tables)),
        closed_weeks=options.closed_day_weeks,
        closed_share=options.closed_day_share,
    )
    morning = build_morning(
        ctx.facts,
        tables,
        target=options.monthly_gmv_target,
        top=options.top_items,
        platform_calendar=ctx.settings.platform_calendar,
    )
    # when the run date is the export's last, partial day the page's first line says so
    cut_off = cut_off_at(orders, ctx.facts.run_date)
    return replace(review, morning=morning, cut_off=cut_off)


def channel_trend(
    facts: Facts, *, metric: str, channel: str | None = None, days: int = 56
) -> pd.DataFrame:
    """Daily ``metric`` for the shop (``channel=None``) or one channel, last ``days`` days.

    Returns ``date, value, avg_7d, phase`` like :func:`helpers.metrics.kpis.daily_trend`; for a channel
    the 7-day line is the ratio of rolling sums for ratios and the rolling mean otherwise.
    """
    if channel is None:
        return daily_trend(facts, metric=metric, days=days)
    day = facts.run_date
    frame = facts.daily_channel.loc[
        (facts.daily_channel["channel"] == channel) & (facts.daily_channel["date"] <= day)
    ].sort_values("date")
    sums = frame.drop(columns=["channel"]).set_index("date")
    rolled = sums.rolling(7, min_periods=7).sum().reset_index()
    daily = add_ratios(sums.reset_index())
    out = pd.DataFrame({"date": daily["date"], "value": daily[metric].to_numpy()})
    weekly = add_ratios(rolled)[metric].to_numpy()
    out["avg_7d"] = weekly if metric in RATIO_METRICS else weekly / 7.0
    phases = facts.daily.set_index("date")["phase"] if "phase" in facts.daily else None
    out["phase"] = out["date"].map(phases) if phases is not None else None
    return out.loc[out["date"] > day - pd.Timedelta(days=days)].reset_index(drop=True)


def metric_by_day(frame: pd.DataFrame, *, metric: str) -> pd.DataFrame:
    """Daily ``metric`` of the rows of ``frame`` (``daily_channel`` rows kept by a filter).

    The rows of each day are summed first, so a ratio is the ratio of the day's sums
    (CVR = buyers / UV over the channels kept). Returns ``date, value, avg_7d, phase``
    like :func:`channel_trend`: ``avg_7d`` over the 7 rows ending at the day (ratio of
    rolling sums for ratios, mean otherwise), NaN for the first 6 days of the frame.
    """
    extra = [c for c in ("channel", "phase") if c in frame.columns]
    sums = frame.drop(columns=extra).groupby("date").sum(numeric_only=True).sort_index()
    daily = add_ratios(sums.reset_index())
    out = pd.DataFrame({"date": daily["date"], "value": daily[metric].to_numpy(dtype=float)})
    weekly = add_ratios(sums.rolling(7, min_periods=7).sum().reset_index())[metric].to_numpy()
    out["avg_7d"] = weekly if metric in RATIO_METRICS else weekly / 7.0
    phases = frame.groupby("date")["phase"].first() if "phase" in frame.columns else None
    out["phase"] = out["date"].map(phases) if phases is not None else None
    return out
