"""The morning views (早间看板) an operator opens first: the shape of 生意参谋 首页 or the
Shopify overview, computed for the run date.

* :func:`top_items`: the items of the day ranked by 支付金额, with 访客 and 转化率;
* :func:`buyer_mix`: GMV of new, returning and guest buyers, against last week's same day;
* :func:`engagement`: 收藏率 and 加购率 against their baselines, changes in percentage points;
* :func:`gross_profit`: gross profit from unit costs and the break-even ROAS (保本 ROAS);
* :func:`month_to_date`: the month's GMV so far against the target and time progress;
* :func:`festival_countdown`: the next platform festivals and shop events;
* :func:`hourly`: cumulative GMV by hour, run date against the same weekday last week.

Pure functions of the run's facts (cut at the run date) and, for the hourly and buyer views,
the orders table: nothing after the run date is read.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.contract import NON_PRODUCT
from helpers.facts import Facts
from helpers.facts.frames import timestamps
from helpers.facts.orders import paid_orders, prepare_orders
from helpers.festivals import platform_festivals
from helpers.metrics.kpis import safe_ratio, window_sums

DAY = pd.Timedelta(days=1)
WEEK = 7 * DAY

#: Buyer segments of :func:`buyer_mix`, in display order.
SEGMENTS = ("new", "returning", "guest")


def top_items(facts: Facts, *, top: int = 10, rank_by: str = "gmv") -> pd.DataFrame:
    """The run date's items ranked by ``rank_by`` (``gmv``, ``visitors`` or ``cvr``).

    Columns ``sku_id, gmv, units, orders, visitors, cvr, fav_rate``:

    * ``gmv`` 支付金额, ``units``, ``orders`` summed over channels (``Facts.daily_item``);
    * ``visitors`` 商品访客数 from item-level traffic (NaN without it);
    * ``cvr`` 商品转化率 = orders / visitors (an item's paying orders per visitor);
    * ``fav_rate`` 商品收藏率 = favourite users / visitors.

    Items with visitors but no sale are kept (GMV 0) so a visitor ranking is complete.
    """
    day = facts.run_date
    sales = facts.daily_item.loc[facts.daily_item["date"] == day]
    sales = sales.groupby("sku_id", as_index=False)[["gmv", "units", "orders"]].sum()
    traffic = facts.item_traffic.loc[facts.item_traffic["date"] == day]
    traffic = traffic.groupby("sku_id", as_index=False)[["visitors", "fav_users"]].sum(min_count=1)
    # an empty side (no sale or no item traffic that day) loses the text dtype of its ids
    sales, traffic = (f.astype({"sku_id": str}) for f in (sales, traffic))
    out = sales.merge(traffic, on="sku_id", how="outer")
    out[["gmv", "units", "orders"]] = out[["gmv", "units", "orders"]].fillna(0)
    out["cvr"] = safe_ratio(out["orders"], out["visitors"])
    out["fav_rate"] = safe_ratio(out["fav_users"], out["visitors"])
    out = out.sort_values([rank_by, "gmv", "sku_id"], ascending=[False, False, True])
    out = out.loc[(out["gmv"] > 0) | (out["visitors"].fillna(0) > 0)]
    cols = ["sku_id", "gmv", "units", "orders", "visitors", "cvr", "fav_rate"]
    return out[cols].head(top).reset_index(drop=True)


def paid_on(orders: pd.DataFrame, days: tuple[pd.Timestamp, ...]) -> pd.DataFrame:
    """The rows of ``orders`` paid on one of ``days`` (the one-day views read only these;
    preparing the other orders would cost time in proportion to the whole history)."""
    paid = timestamps(orders["paid_at"]).dt.normalize()
    return orders.loc[paid.isin(pd.DatetimeIndex(days)).to_numpy()]


def _segment_gmv(paid: pd.DataFrame, first_day: pd.Series) -> pd.DataFrame:
    """Buyers and GMV by segment of the given paid orders (one day's)."""
    first = paid["customer_id"].map(first_day)
    segment = np.where(
        paid["is_guest"], "guest", np.where(first.eq(paid["date"]), "new", "returning")
    )
    out = (
        paid.assign(segment=segment)
        .groupby("segment")
        .agg(buyers=("buyer_key", "nunique"), gmv=("paid_amount", "sum"))
    )
    return out.reindex(list(SEGMENTS)).fillna(0)


def buyer_mix(facts: Facts, orders: pd.DataFrame) -> pd.DataFrame:
    """GMV of new, returning and guest buyers on the run date and last week's same day.

    A buyer is *new* on a day when their first paid order in the data is on that day
    (``Facts.customers.first_paid_at``), *returning* otherwise; a guest order (no customer
    id) is its own segment. Columns ``segment, buyers, gmv, share, arpu, buyers_lw, gmv_lw,
    share_lw, vs_last_week``: ``share = gmv / day GMV``, ``arpu = gmv / buyers`` (客单价),
    ``vs_last_week = gmv / gmv_lw - 1``; ``_lw`` = the same weekday a week before.
    """
    day = facts.run_date
    paid = paid_orders(prepare_orders(paid_on(orders, (day, day - WEEK))))
    first = facts.customers.set_index("customer_id")["first_paid_at"].dt.normalize()
    parts = {}
    for key, d in (("", day), ("_lw", day - WEEK)):
        seg = _segment_gmv(paid.loc[paid["date"] == d], first)
        seg["share"] = safe_ratio(seg["gmv"], seg["gmv"].sum())
        parts[key] = seg
    out = parts[""].join(parts["_lw"].add_suffix("_lw"))
    out["arpu"] = safe_ratio(out["gmv"], out["buyers"])
    out["vs_last_week"] = safe_ratio(out["gmv"], out["gmv_lw"]) - 1.0
    out.index.name = "segment"
    cols = ["buyers", "gmv", "share", "arpu", "buyers_lw", "gmv_lw", "share_lw", "vs_last_week"]
    return out[cols].reset_index()


def engagement(facts: Facts) -> pd.DataFrame:
    """收藏率 and 加购率 on the run date against last week's same day and the 7-day window.

    Columns ``metric, value, same_weekday_last_week, avg_7d, pp_vs_last_week, pp_vs_avg_7d``:
    ``fav_rate = fav_users / uv``, ``cart_rate = cart_users / uv``; the 7-day value is the
    ratio of the D-7..D-1 sums; changes are differences in percentage points (0.012 = +1.2
    个百分点), the right way to compare two rates. Metrics whose users column is empty are left
    out.
    """
    day = facts.run_date
    windows = {
        "value": window_sums(facts, day, day).iloc[0],
        "same_weekday_last_week": window_sums(facts, day - WEEK, day - WEEK).iloc[0],
        "avg_7d": window_sums(facts, day - WEEK, day - DAY).iloc[0],
    }
    rows = []
    for metric, users in (("fav_rate", "fav_users"), ("cart_rate", "cart_users")):
        if not facts.daily[users].notna().any():
            continue
        v = {k: float(w[metric]) for k, w in windows.items()}
        v["pp_vs_last_week"] = v["value"] - v["same_weekday_last_week"]
        v["pp_vs_avg_7d"] = v["value"] - v["avg_7d"]
        rows.append({"metric": metric, **v})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Profit:
    """Gross profit of a window and what it means for ad spend.

    Attributes
    ----------
    label : ``day`` (the run date) or ``7d`` (the 7 days ending on it).
    gmv : GMV of the items with a unit cost (currency).
    cost : units x unit cost of those items (currency).
    gross_profit : ``gmv - cost``.
    margin : ``gross_profit / gmv`` (毛利率).
    covered : share of item GMV that has a unit cost (1.0 = every item).
    ad_spend, ad_gmv, roas : ad spend, ad-attributed GMV and ``ad_gmv / ad_spend``.
    break_even_roas : ``1 / margin`` (保本 ROAS): below it an ad yuan earns less gross
        profit than it costs.
    ad_profit : ``ad_gmv x margin - ad_spend``, gross profit left from ad sales after paying
        for the ads (negative = the ads lose money).
    """

    label: str
    gmv: float
    cost: float
    gross_profit: float
    margin: float
    covered: float
    ad_spend: float
    ad_gmv: float
    roas: float
    break_even_roas: float
    ad_profit: float


def gross_profit(
    facts: Facts, products: pd.DataFrame, *, days: int = 1, label: str = "day"
) -> Profit | None:
    """Gross profit and break-even ROAS over the ``days`` days ending on the run date.

    ``gross profit = sum(item GMV) - sum(units x unit_cost)`` over items whose unit cost is
    known; ``margin = gross profit / their GMV``; ``break-even ROAS = 1 / margin``;
    ``ad profit = ad GMV x margin - ad spend``. None when no item sold in the window has a
    cost (or the margin is not positive).
    """
    day = facts.run_date
    start = day - (days - 1) * DAY
    lines = facts.daily_item.loc[facts.daily_item["date"].between(start, day)]
    sold = lines.groupby("sku_id", as_index=False)[["gmv", "units"]].sum()
    costs = products[["sku_id", "unit_cost"]].dropna().drop_duplicates("sku_id")
    sold = sold.merge(costs, on="sku_id", how="left")
    has = sold["unit_cost"].notna()
    gmv, cost = (
        float(sold.loc[has, "gmv"].sum()),
        float((sold["units"] * sold["unit_cost"])[has].sum()),
    )
    if gmv <= 0 or gmv <= cost:
        return None
    margin = (gmv - cost) / gmv
    w = window_sums(facts, start, day).iloc[0]
    spend = float(np.nan_to_num(w["ad_spend"]))
    ad_gmv = float(np.nan_to_num(w["ad_gmv"]))
    return Profit(
        label=label,
        gmv=gmv,
        cost=cost,
        gross_profit=gmv - cost,
        margin=margin,
        covered=gmv / float(sold["gmv"].sum()),
        ad_spend=spend,
        ad_gmv=ad_gmv,
        roas=float(safe_ratio(ad_gmv, spend)),
        break_even_roas=1.0 / margin,
        ad_profit=ad_gmv * margin - spend,
    )


@dataclass(frozen=True)
class Projection:
    """The full month's GMV expected (:func:`month_projection`) and its basis.

    Attributes
    ----------
    projected : the month's GMV expected: at the month's pace so far (``basis = "pace"``),
        or, when a festival phase falls in the month, the GMV so far plus the remaining days
        at the non-festival daily rate (``"clean"``).
    basis : ``pace`` or ``clean`` (see ``projected``).
    clean_rate : the non-festival daily GMV the ``clean`` projection uses (NaN for ``pace``).
    festival : the festival inside the month (None for ``pace``).
    uplift : the multiplier applied to the remaining festival days (last year's festival
        days / last year's non-festival rate); NaN when none remain or last year's data do
        not cover them (those days are then projected at ``clean_rate``: a floor).
    ahead : festival days still ahead in the month.
    """

    projected: float
    basis: str = "pace"
    clean_rate: float = float("nan")
    festival: str | None = None
    uplift: float = float("nan")
    ahead: int = 0


@dataclass(frozen=True)
class MonthToDate:
    """The month's GMV so far against its target.

    Attributes
    ----------
    month : first day of the run date's month.
    days_elapsed, days_in_month : days 1..run date, and the month's length.
    gmv : GMV from the 1st to the run date (currency).
    last_month_gmv : GMV of the same days of last month (1st .. same day, capped at its
        length), NaN when the data do not cover them.
    target : the month's GMV target (``daily_review.monthly_gmv_target``), None when unset.
    time_progress : ``days_elapsed / days_in_month`` (时间进度).
    completion : ``gmv / target`` (目标完成率), NaN without a target.
    projection : the full month's GMV expected and its basis (:class:`Projection`).
    """

    month: pd.Timestamp
    days_elapsed: int
    days_in_month: int
    gmv: float
    last_month_gmv: float
    target: float | None
    time_progress: float
    completion: float
    projection: Projection

    @property
    def behind(self) -> bool:
        """Whether completion trails time progress (the month is behind its target)."""
        return bool(self.target) and self.completion < self.time_progress


def month_to_date(facts: Facts, target: float | None = None) -> MonthToDate:
    """The run date's month so far: GMV, last month's same days, target and time progress."""
    day = facts.run_date
    month = day.replace(day=1)
    n_days = calendar.monthrange(day.year, day.month)[1]
    gmv = float(np.nan_to_num(window_sums(facts, month, day).iloc[0]["gmv"]))
    prev = month - pd.offsets.MonthBegin(1)
    prev_len = calendar.monthrange(prev.year, prev.month)[1]
    prev_end = prev + (min(day.day, prev_len) - 1) * DAY
    covered = facts.daily["date"].min() <= prev
    last = window_sums(facts, prev, prev_end).iloc[0]["gmv"] if covered else np.nan
    target = target or None
    return MonthToDate(
        month=month,
        days_elapsed=day.day,
        days_in_month=n_days,
        gmv=gmv,
        last_month_gmv=float(last),
        target=target,
        time_progress=day.day / n_days,
        completion=gmv / target if target else np.nan,
        projection=month_projection(facts, gmv, n_days),
    )


#: Non-festival days the clean daily rate needs inside the month before the days before it
#: are used instead; and how many clean days at most are averaged.
CLEAN_MIN_DAYS, CLEAN_DAYS = 7, 28


def _clean_rate(daily: pd.DataFrame, festive: set[pd.Timestamp], end: pd.Timestamp) -> float:
    """Mean daily GMV of the last :data:`CLEAN_DAYS` non-festival days up to ``end``."""
    days = daily.loc[(daily["date"] <= end) & ~daily["date"].isin(festive)]
    return float(days.tail(CLEAN_DAYS)["gmv"].mean()) if not days.empty else np.nan


def _uplift(daily: pd.DataFrame, festive: set[pd.Timestamp], ahead: pd.DatetimeIndex) -> float:
    """Last year's festival days over last year's clean rate: ``sum(GMV on the same calendar
    dates a year before) / (days x clean rate of the clean days before them)``; NaN when the
    data do not cover them."""
    if ahead.empty:
        return np.nan
    before = pd.DatetimeIndex([d - pd.DateOffset(years=1) for d in ahead])
    got = daily.loc[daily["date"].isin(before)]
    if len(got) < len(before) or before.min() - CLEAN_DAYS * DAY < daily["date"].min():
        return np.nan
    base = _clean_rate(daily, festive, before.min() - DAY)
    return float(got["gmv"].sum() / (len(before) * base)) if base > 0 else np.nan


def month_projection(facts: Facts, gmv: float, n_days: int) -> Projection:
    """The full month's GMV expected from the GMV so far (``gmv``), and on which basis.

    Without a festival day in the month (``facts.promo_days``): ``gmv / days_elapsed x
    days_in_month`` (basis ``pace``). With one, the month's pace is a festival's pace, so:
    ``gmv + rate x (remaining ordinary days) + rate x uplift x (remaining festival days)``
    (basis ``clean``), where ``rate`` is the mean GMV of the month's non-festival days so far
    (at least :data:`CLEAN_MIN_DAYS`, else of the last :data:`CLEAN_DAYS` non-festival days)
    and ``uplift`` last year's festival multiplier (:func:`_uplift`, 1 when unknown); with no
    non-festival day in the data at all, the pace.
    Returns a :class:`Projection`.
    """
    day, daily = facts.run_date, facts.daily
    month_days = pd.date_range(day.replace(day=1), periods=n_days)
    promo = facts.promo_days.dropna(subset=["phase"])
    festive = set(pd.to_datetime(promo["date"]))
    in_month = promo.loc[pd.to_datetime(promo["date"]).isin(month_days)]
    if in_month.empty:
        return Projection(gmv / day.day * n_days)
    so_far = daily.loc[daily["date"].isin(month_days) & ~daily["date"].isin(festive)]
    rate = (
        float(so_far["gmv"].mean())
        if len(so_far) >= CLEAN_MIN_DAYS
        else _clean_rate(daily, festive, day)
    )
    if not np.isfinite(rate):  # no ordinary day in the data yet: the pace is all there is
        return Projection(gmv / day.day * n_days)
    rest = month_days[month_days > day]
    ahead = rest[rest.isin(festive)]
    uplift = _uplift(daily, festive, ahead)
    factor = uplift if np.isfinite(uplift) else 1.0
    projected = gmv + rate * (len(rest) - len(ahead)) + rate * factor * len(ahead)
    festival = str(in_month["name"].iloc[0])
    return Projection(projected, "clean", rate, festival, uplift, len(ahead))


def festival_countdown(
    facts: Facts,
    promotions: pd.DataFrame | None = None,
    *,
    platform_calendar: str = "cn",
    horizon_days: int = 180,
    top: int = 3,
) -> pd.DataFrame:
    """The next festivals and shop events whose burst starts after the run date.

    Columns ``name, kind, warmup_start, start_date, days_to_warmup, days_to_start,
    last_gmv``: days counted from the run date (0 = today); ``last_gmv`` is the GMV of the
    same event's burst days one year earlier when the data cover them (NaN otherwise).
    Platform festivals come from :func:`helpers.festivals.platform_festivals` when
    ``platform_calendar`` is ``cn``; shop events from the ``promotions`` table.
    """
    day = facts.run_date
    events = [promotions] if promotions is not None and not promotions.empty else []
    if platform_calendar == "cn":
        events.append(platform_festivals(day - 400 * DAY, day + horizon_days * DAY))
    if not events:
        return pd.DataFrame()
    ev = pd.concat(events, ignore_index=True)
    for col in ("warmup_start", "start_date", "end_date"):
        ev[col] = pd.to_datetime(ev[col])
    ev["warmup_start"] = ev["warmup_start"].fillna(ev["start_date"])
    ahead = ev.loc[(ev["start_date"] > day) & (ev["start_date"] <= day + horizon_days * DAY)]
    ahead = ahead.drop_duplicates(["name", "start_date"]).sort_values("start_date").head(top)
    out = ahead[["name", "kind", "warmup_start", "start_date"]].copy()
    out["days_to_warmup"] = (out["warmup_start"] - day).dt.days.clip(lower=0)
    out["days_to_start"] = (out["start_date"] - day).dt.days
    out["last_gmv"] = [_last_year_gmv(facts, ev, r) for r in ahead.itertuples(index=False)]
    return out.reset_index(drop=True)


def _last_year_gmv(facts: Facts, events: pd.DataFrame, event) -> float:
    """GMV of the same-named event's burst days 300..430 days before ``event``."""
    lag = (event.start_date - events["start_date"]).dt.days
    prior = events.loc[(events["name"] == event.name) & lag.between(300, 430)]
    if prior.empty:
        return np.nan
    p = prior.iloc[0]
    if p["start_date"] < facts.daily["date"].min():
        return np.nan
    end = p["end_date"] if pd.notna(p["end_date"]) else p["start_date"]
    return float(window_sums(facts, p["start_date"], end).iloc[0]["gmv"])


def has_pay_times(orders: pd.DataFrame) -> bool:
    """Whether ``orders.paid_at`` carries times of day (not only dates at midnight)."""
    paid = pd.to_datetime(orders["paid_at"], errors="coerce").dropna()
    return bool(len(paid)) and bool((paid != paid.dt.normalize()).any())


def hourly(facts: Facts, orders: pd.DataFrame) -> pd.DataFrame:
    """GMV by hour of payment on the run date and on the same weekday last week.

    Columns ``hour`` (0..23), ``gmv``, ``gmv_lw``, ``cum``, ``cum_lw`` (cumulative GMV up to
    the end of that hour) and ``cum_share_lw`` (last week's cumulative GMV as a share of its
    whole day: how far into the day's sales that hour usually is).
    """
    day = facts.run_date
    paid = paid_orders(prepare_orders(paid_on(orders, (day, day - WEEK))))
    hours = pd.Index(range(24), name="hour")
    cols = {}
    for key, d in (("gmv", day), ("gmv_lw", day - WEEK)):
        part = paid.loc[paid["date"] == d]
        cols[key] = part.groupby(part["paid_at"].dt.hour)["paid_amount"].sum().reindex(hours)
    out = pd.DataFrame(cols, index=hours).fillna(0.0)
    out["cum"] = out["gmv"].cumsum()
    out["cum_lw"] = out["gmv_lw"].cumsum()
    out["cum_share_lw"] = safe_ratio(out["cum_lw"], out["gmv_lw"].sum())
    return out.reset_index()


def with_titles(items: pd.DataFrame, products: pd.DataFrame | None) -> pd.DataFrame:
    """Add ``title`` and ``category`` from the products table (when there is one); an item
    without a title is named by its category; non-product lines (postage, fees) are left
    out."""
    if products is None or items.empty:
        return items.copy()
    cols = [c for c in ("sku_id", "title", "category") if c in products]
    out = items.merge(products[cols].drop_duplicates("sku_id"), on="sku_id", how="left")
    if "category" in out:
        # postage, fees and manual lines are money, not merchandise: not in item lists
        out = out.loc[out["category"].ne(NON_PRODUCT)].reset_index(drop=True)
        out["title"] = out["title"].fillna(out["category"]) if "title" in out else out["category"]
    return out


#: ``table.column`` needs of the morning views, checked for values in the tables.
COLUMN_NEEDS = ("traffic.favorite_users", "products.unit_cost")


def filled(tables: Mapping[str, pd.DataFrame | None]) -> set[str]:
    """The :data:`COLUMN_NEEDS` whose column carries at least one value."""
    out = set()
    for need in COLUMN_NEEDS:
        table, col = need.split(".")
        frame = tables.get(table)
        if frame is not None and col in frame and bool(frame[col].notna().any()):
            out.add(need)
    return out


@dataclass(frozen=True, eq=False)
class Morning:
    """The morning views of one run date (see the module docstring).

    ``profit`` holds the run date's and the 7 days' :class:`Profit` (empty without unit
    costs); ``hourly`` is None when the payment times carry no time of day.
    """

    top_items: pd.DataFrame
    buyer_mix: pd.DataFrame
    engagement: pd.DataFrame
    profit: tuple[Profit, ...]
    month_to_date: MonthToDate
    festival: pd.DataFrame
    hourly: pd.DataFrame | None


def build_morning(
    facts: Facts,
    tables: Mapping[str, pd.DataFrame],
    *,
    target: float | None = None,
    top: int = 10,
    platform_calendar: str = "cn",
) -> Morning:
    """Every morning view for ``facts.run_date`` from the facts and the intake tables."""
    orders, products = tables["orders"], tables.get("products")
    profit: tuple[Profit, ...] = ()
    if products is not None and "products.unit_cost" in filled(tables):
        both = (gross_profit(facts, products), gross_profit(facts, products, days=7, label="7d"))
        profit = tuple(p for p in both if p is not None)
    ranked = with_titles(top_items(facts, top=top + 20), products).head(top)
    return Morning(
        top_items=ranked,
        buyer_mix=buyer_mix(facts, orders),
        engagement=engagement(facts),
        profit=profit,
        month_to_date=month_to_date(facts, target),
        festival=festival_countdown(
            facts, tables.get("promotions"), platform_calendar=platform_calendar
        ),
        hourly=hourly(facts, orders) if has_pay_times(orders) else None,
    )
