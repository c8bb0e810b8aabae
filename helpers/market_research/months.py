"""Monthly market figures: complete months only, and growth over a window of months.

Market exports (生意参谋 市场大盘, 搜索分析, 竞品分析) come by month. A month counts only when it
ended on or before the run date: a month still running holds days after the run date (a
future leak) and is left out.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

#: a day as the reports are given one: ISO text, a date (or Timestamp), a numpy datetime
DateLike = str | date | np.datetime64

#: decimals growth rates are rounded to before they meet a threshold, so that 130 / 100 - 1
#: is exactly 0.30 at the boundary
ROUND = 9


def month_start(value: DateLike) -> pd.Timestamp:
    """The first day of the month holding ``value``."""
    return pd.Timestamp(value).to_period("M").to_timestamp()


def last_complete_month(run_date: DateLike) -> pd.Timestamp:
    """The first day of the last month that ended on or before ``run_date``.

    2026-11-15 -> 2026-10-01; 2026-11-30 -> 2026-11-01.
    """
    day = pd.Timestamp(run_date).normalize()
    month = month_start(day)
    if (day + pd.Timedelta(days=1)).month != day.month:
        return month
    return month - pd.DateOffset(months=1)


def complete_months(frame: pd.DataFrame | None, run_date: DateLike) -> pd.DataFrame | None:
    """Rows of a monthly table whose month ended on or before ``run_date``.

    ``month`` is normalised to the first day of its month (an export may date a month by
    any of its days). None stays None.
    """
    if frame is None:
        return None
    out = frame.copy()
    out["month"] = pd.to_datetime(out["month"]).dt.to_period("M").dt.to_timestamp()
    return out.loc[out["month"] <= last_complete_month(run_date)].reset_index(drop=True)


def window(end: pd.Timestamp, months: int, *, back: int = 0) -> pd.DatetimeIndex:
    """The ``months`` month starts ending ``back`` months before ``end`` (inclusive)."""
    last = end - pd.DateOffset(months=back)
    return pd.date_range(last - pd.DateOffset(months=months - 1), last, freq="MS")


def window_sums(
    frame: pd.DataFrame, value: str, by: list[str], end: pd.Timestamp, months: int
) -> pd.DataFrame:
    """Sums of ``value`` per ``by`` group now and one year earlier, and their growth.

    ``now`` = sum over the ``months`` months ending at ``end``; ``year_ago`` = the same months
    one year earlier; ``growth = now / year_ago - 1`` (NaN when a window has a missing month
    or the year-ago sum is 0). A window counts only when every one of its months has a
    value, so a gap never passes for a fall.

    Returns
    -------
    DataFrame with the ``by`` columns and ``now``, ``year_ago``, ``growth``.
    """
    data = frame.dropna(subset=[value])
    parts = {}
    for name, back in (("now", 0), ("year_ago", 12)):
        months_in = window(end, months, back=back)
        rows = data.loc[data["month"].isin(months_in)]
        grouped = rows.groupby(by, dropna=False)
        full = grouped["month"].nunique() == len(months_in)
        parts[name] = grouped[value].sum().where(full)
    out = pd.DataFrame(parts)
    ratio = out["now"] / out["year_ago"].where(out["year_ago"] > 0)
    out["growth"] = (ratio - 1.0).round(ROUND)
    return out.reset_index()


def convert_index(index: pd.Series, *, scale: float, exponent: float = 1.0) -> pd.Series:
    """An index turned into a value by the configured assumption.

    ``value = scale * index ** exponent`` (e.g. a 交易指数 -> GMV curve fitted on a few
    months where both were known). The result is only as good as that assumption; reports
    label it as converted.
    """
    return index.astype(float).pow(exponent) * scale
