"""Trading days (营业日): the weekdays a shop usually does not sell on, learnt from its history.

Some shops do not sell on some weekdays: the UK gift wholesaler of Online Retail has no
Saturday invoices, B2B shops close on Sundays. Counted as days with zero sales, such a day
pulls every 7-day average down by a seventh, draws a trough in each trend chart and turns
"the previous day" of a Sunday into a zero. The pattern is learnt, never configured:

* a weekday is **closed** when the shop had no paid order on at least ``share`` (default
  80 %) of its last ``weeks`` (default 8) occurrences before the run date, and at least half
  of them are in the data;
* a shop with more than :data:`MAX_CLOSED` such weekdays is a sparse shop, not a closed one:
  then no weekday is closed (a day without orders is a real zero there);
* only the days of a closed weekday without any order are left out of baselines; a closed
  weekday on which the shop did sell (an exceptional opening) still counts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from helpers.facts import Facts

#: Most weekdays a shop may be closed on; with more, days without orders are sparse sales.
MAX_CLOSED = 3

#: Weekday names (Monday = 0) ``(zh, en)``.
WEEKDAY_NAMES: tuple[tuple[str, str], ...] = (
    ("周一", "Monday"),
    ("周二", "Tuesday"),
    ("周三", "Wednesday"),
    ("周四", "Thursday"),
    ("周五", "Friday"),
    ("周六", "Saturday"),
    ("周日", "Sunday"),
)


@dataclass(frozen=True)
class WeekPattern:
    """The weekdays a shop is usually closed on, as learnt on one run date.

    Attributes
    ----------
    closed : closed weekdays, Monday = 0 ... Sunday = 6, ascending.
    weeks : how many past occurrences of each weekday were looked at.
    share : the share of those without orders that makes a weekday closed.
    """

    closed: tuple[int, ...] = ()
    weeks: int = 8
    share: float = 0.8

    def is_closed(self, day: pd.Timestamp) -> bool:
        """Whether ``day`` falls on a closed weekday."""
        return pd.Timestamp(day).day_of_week in self.closed

    def names(self, lang: str = "zh") -> str:
        """The closed weekdays in words, e.g. ``周六`` or ``Saturday and Sunday``."""
        words = [WEEKDAY_NAMES[d][0 if lang == "zh" else 1] for d in self.closed]
        if lang == "zh":
            return "、".join(words)
        return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


def week_pattern(
    daily: pd.DataFrame, run_date: pd.Timestamp, *, weeks: int = 8, share: float = 0.8
) -> WeekPattern:
    """Learn the closed weekdays from the ``weeks`` weeks before ``run_date``.

    For each weekday ``w``: ``empty_share(w) = days of w without orders / days of w in the
    data`` over ``run_date - 7 x weeks .. run_date - 1``; ``w`` is closed when at least
    ``weeks / 2`` of its days are in the data and ``empty_share(w) >= share``. More than
    :data:`MAX_CLOSED` closed weekdays means a sparse shop: none is closed.

    Parameters
    ----------
    daily : ``Facts.daily`` (``date, orders``; one row per calendar day).
    run_date : the day under review (not part of its own pattern).
    weeks : occurrences of each weekday looked at (default 8).
    share : share of them without orders that makes the weekday closed (default 0.8).
    """
    day = pd.Timestamp(run_date)
    start = day - pd.Timedelta(days=7 * weeks)
    past = daily.loc[(daily["date"] >= start) & (daily["date"] < day), ["date", "orders"]]
    weekday = past["date"].dt.day_of_week
    empty = past["orders"].fillna(0) <= 0
    stats = empty.groupby(weekday).agg(["mean", "size"])
    keep = (stats["size"] >= weeks / 2) & (stats["mean"] >= share)
    closed = tuple(sorted(int(w) for w in stats.index[keep]))
    if len(closed) > MAX_CLOSED:
        closed = ()
    return WeekPattern(closed=closed, weeks=weeks, share=share)


def closed_dates(daily: pd.DataFrame, pattern: WeekPattern, run_date: pd.Timestamp) -> pd.Index:
    """Days left out of baselines: days of a closed weekday without any order (the run date
    itself is never left out)."""
    if not pattern.closed:
        return pd.DatetimeIndex([])
    on_closed = daily["date"].dt.day_of_week.isin(pattern.closed)
    empty = daily["orders"].fillna(0) <= 0
    dates = daily.loc[on_closed & empty & (daily["date"] != run_date), "date"]
    return pd.DatetimeIndex(dates)


def open_days_only(facts: Facts, pattern: WeekPattern) -> Facts:
    """``facts`` without the closed days (:func:`closed_dates`) in ``daily`` and
    ``daily_channel``: window sums then count open days only (a 7-day average is the mean of
    the open days in it), the previous day of a Sunday after a closed Saturday is the Friday,
    and trend lines skip the closed days instead of dropping to zero."""
    gone = closed_dates(facts.daily, pattern, facts.run_date)
    if gone.empty:
        return facts
    return replace(
        facts,
        daily=facts.daily.loc[~facts.daily["date"].isin(gone)].reset_index(drop=True),
        daily_channel=facts.daily_channel.loc[~facts.daily_channel["date"].isin(gone)].reset_index(
            drop=True
        ),
    )
