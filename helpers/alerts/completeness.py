"""Data-completeness check: is the run date's data all there before the day is judged?

A late export or the thinning tail of a data set makes a day look far below its usual
level on every channel at once; read as business it looks like a collapse. The rule
``data_incomplete`` (registered in :data:`helpers.alerts.base.REGISTRY`, first in the report)
flags such a day as "数据可能不完整 / data possibly incomplete", and the daily review's
conclusion says so before anything else and softens its collapse wording.

* :func:`usual_levels` - each channel's day against its usual level (pure, on tidy frames).
* :func:`looks_incomplete` - whether every judged channel is far below its usual level.
"""

from __future__ import annotations

import pandas as pd

from helpers.alerts.base import REGISTRY, ActionText, Alert, RuleContext, Skip

#: The rule's id.
RULE_ID = "data_incomplete"
#: Weeks of the same weekday and days of the recent window whose medians set the usual level.
SAME_WEEKDAYS = 4
RECENT_DAYS = 7
#: A channel is judged only when its usual level is at least this many orders a day.
MIN_USUAL_ORDERS = 3.0
#: At least this many judged channels, else the shop total is judged instead.
MIN_CHANNELS = 2


def _usual(
    frame: pd.DataFrame, day: pd.Timestamp, metric: str, skip: frozenset = frozenset()
) -> pd.Series:
    """Per channel: max(median of the same weekday over the last weeks, median of the days
    just before) of ``metric``, festival days (``skip``) left out of both so a festival week
    does not set it; the larger one so that a data set thinning out over its last days (each
    day a little emptier) does not lower its own yardstick."""
    before = frame.loc[(frame["date"] < day) & ~frame["date"].isin(skip)]
    weekday = before.loc[
        (before["date"] >= day - pd.Timedelta(weeks=SAME_WEEKDAYS))
        & (before["date"].dt.day_of_week == day.day_of_week)
    ]
    recent = before.loc[before["date"] >= day - pd.Timedelta(days=RECENT_DAYS)]
    a = weekday.groupby("channel")[metric].median()
    b = recent.groupby("channel")[metric].median()
    return pd.concat([a, b], axis=1).max(axis=1)


def usual_levels(
    frame: pd.DataFrame, day: pd.Timestamp, skip: frozenset = frozenset()
) -> pd.DataFrame:
    """Each channel's orders and GMV on ``day`` against its usual level.

    ``frame`` has ``date, channel, gmv, orders`` (one row per day x channel, missing = 0).
    Usual level of a metric = max(median of the same weekday over the last
    :data:`SAME_WEEKDAYS` weeks, median of the last :data:`RECENT_DAYS` days), both strictly
    before ``day`` and without the festival days ``skip``. ``share = value / usual`` (NaN
    when the usual level is 0). The larger of the two: on Olist's thinning tail the last 7
    days (median 10 orders) already fade while the 4 Mondays before held 19..22.

    Returns
    -------
    DataFrame ``channel, orders, usual_orders, orders_share, gmv, usual_gmv, gmv_share``
    (units: orders a day, money a day), only channels whose usual level is at least
    :data:`MIN_USUAL_ORDERS` orders a day.
    """
    f = frame.assign(gmv=frame["gmv"].fillna(0.0), orders=frame["orders"].fillna(0.0))
    today = f.loc[f["date"] == day].groupby("channel")[["orders", "gmv"]].sum()
    out = pd.DataFrame(
        {
            "usual_orders": _usual(f, day, "orders", skip),
            "usual_gmv": _usual(f, day, "gmv", skip),
        }
    )
    out = out.join(today, how="left").fillna({"orders": 0.0, "gmv": 0.0})
    out = out.loc[out["usual_orders"] >= MIN_USUAL_ORDERS]
    for m in ("orders", "gmv"):
        usual = out[f"usual_{m}"].where(out[f"usual_{m}"] > 0)
        out[f"{m}_share"] = out[m] / usual
    cols = ["orders", "usual_orders", "orders_share", "gmv", "usual_gmv", "gmv_share"]
    return out.rename_axis("channel").reset_index()[["channel", *cols]]


def looks_incomplete(levels: pd.DataFrame, share: float) -> bool:
    """True when every channel of ``levels`` has both its orders and its GMV below
    ``share`` x its usual level (an incomplete export thins the orders and the money alike;
    a real drop of one channel, or a day of fewer but larger orders, does not)."""
    if levels.empty:
        return False
    low = (levels["orders_share"] < share) & (levels["gmv_share"] < share)
    return bool(low.all())


def judged_levels(ctx: RuleContext) -> pd.DataFrame:
    """The channels' levels on the run date, or the shop total's (one row, channel ``""``)
    when fewer than :data:`MIN_CHANNELS` channels can be judged."""
    daily = ctx.require_daily()
    festive = daily.loc[daily["phase"].notna(), "date"] if "phase" in daily else daily["date"][:0]
    skip = frozenset(festive)
    chan = ctx.daily_channel
    if chan is not None and not chan.empty:
        levels = usual_levels(chan[["date", "channel", "gmv", "orders"]], ctx.run_date, skip)
        if len(levels) >= MIN_CHANNELS:
            return levels
    shop = daily[["date", "gmv", "orders"]].assign(channel="")
    return usual_levels(shop, ctx.run_date, skip)


def _message(levels: pd.DataFrame, ctx: RuleContext) -> tuple[str, str]:
    n = len(levels)
    o, uo = float(levels["orders"].sum()), float(levels["usual_orders"].sum())
    g, ug = float(levels["gmv"].sum()), float(levels["usual_gmv"].sum())
    share = f"{ctx.th.incomplete_share:.0%}"
    channels = levels["channel"].iloc[0] != ""
    scope_zh = f"全部 {n} 个渠道" if channels else "全店"
    scope_en = f"all {n} channels sit" if channels else "the shop total sits"
    zh = (
        f"数据可能不完整：{ctx.day} {scope_zh}同时低于常态的 {share}（订单 {o:,.0f} 笔，常态约 "
        f"{uo:,.0f} 笔；GMV {g:,.0f}，常态约 {ug:,.0f}），可能是导出延迟或数据集末尾，不宜当作生意断崖"
    )
    en = (
        f"Data possibly incomplete: on {ctx.day} {scope_en} below {share} of "
        f"{'their' if channels else 'its'} usual level at once ({o:,.0f} orders against "
        f"about {uo:,.0f}; GMV {g:,.0f} against about {ug:,.0f}): a late export or the tail "
        "of the data set, not yet a business collapse"
    )
    return zh, en


@REGISTRY.rule(
    id=RULE_ID,
    name=("数据可能不完整", "Data possibly incomplete"),
    catches="a run date far below its usual level on every channel at once: each channel "
    "(with at least 3 orders a day usually; the shop total when fewer than 2 such channels) "
    "has both orders and GMV below `incomplete_share` x its usual level, the larger of the "
    "median of the same weekday over the last 4 weeks and the median of the last 7 days, "
    "festival days left out of both "
    "(a late export or the thinning tail of a data set, checked before the day is judged)",
    rank=5,
    min_history=lambda th: RECENT_DAYS,
    thresholds=("incomplete_share",),
    action=ActionText(
        zh="{metric} {value} 远低于常态 {reference}：先确认数据是否完整"
        "（导出是否截止过早、当天订单是否全部导入、数据集是否到此为止），补齐后再复盘这一天",
        en="{metric} {value} is far below its usual {reference}: "
        "first confirm the data are complete (export cut off early, the day's orders not all "
        "imported, the data set ending here), then review the day again",
    ),
)
def data_incomplete(ctx: RuleContext) -> list[Alert]:
    """Alert (high) when :func:`looks_incomplete` holds for the run date's judged levels."""
    levels = judged_levels(ctx)
    if levels.empty:
        raise Skip(
            f"no channel with {MIN_USUAL_ORDERS:.0f} orders a day in the last {RECENT_DAYS} days",
            f"近 {RECENT_DAYS} 天没有日均 {MIN_USUAL_ORDERS:.0f} 笔以上订单的渠道，无法判断数据是否完整",
        )
    if not looks_incomplete(levels, float(ctx.th.incomplete_share)):
        return []
    value, usual = float(levels["orders"].sum()), float(levels["usual_orders"].sum())
    return [ctx.alert(RULE_ID, "high", "orders", ("shop", ""), value, usual, _message(levels, ctx))]


__all__ = ["RULE_ID", "data_incomplete", "judged_levels", "looks_incomplete", "usual_levels"]
