"""Which baseline a day is compared with (对比口径), chosen the way a senior operator would.

The default comparison is the same weekday last week (D-7): it removes the weekly rhythm and
is recent. It stops being comparable when D-7 or the 7-day window D-7..D-1 lies inside a
platform festival phase (预热 / 爆发 / 余热, ``facts.daily["phase"]``): a day after 双11
compared with 双11 week reads as a collapse. Then:

* when the run date itself is a festival day, the same day last year (D-364, same weekday)
  if it is in the same phase;
* otherwise the per-day average of the last ``clean_days`` days before the festival (the
  last clean weeks); a whole number of weeks, so every weekday counts equally;
* with less than a week of data, the previous day;
* failing all, the same weekday last year (D-364) when it is clean, else D-7 with the
  festival named as the caveat.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.facts import Facts
from helpers.metrics.kpis import is_ratio, window_sums

DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Comparison:
    """The chosen baseline of a run date.

    Attributes
    ----------
    kind : ``prev_day`` (D-1, when the data hold less than a week), ``last_week`` (D-7),
        ``clean_weeks`` (per-day average of clean days before a
        festival), ``last_year`` (D-364) or ``last_week_festival`` (D-7 although it touches
        a festival: no clean alternative in the data).
    start, end : first and last day of the baseline window (per-day average when longer
        than one day).
    festival : zh name of the festival the usual baselines touch (None when they are clean).
    phases : the festival phases (warmup / burst / afterglow) inside D-7..D-1, in order.
    """

    kind: str
    start: pd.Timestamp
    end: pd.Timestamp
    festival: str | None = None
    phases: tuple[str, ...] = ()

    @property
    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        return self.start, self.end

    @property
    def days(self) -> int:
        return int((self.end - self.start) / DAY) + 1


#: Short names of each comparison kind ``(zh, en)``; ``{start}``/``{end}`` are dates.
KIND_LABELS: dict[str, tuple[str, str]] = {
    "prev_day": ("前一日（{start}）", "previous day ({start})"),
    "last_week": ("上周同日（{start}）", "same weekday last week ({start})"),
    "clean_weeks": (
        "大促前日均（{start} 至 {end}）",
        "pre-festival daily average ({start} to {end})",
    ),
    "last_year": ("去年同期（{start}）", "same day last year ({start})"),
    "last_week_festival": (
        "上周同日（{start}，处于大促期间）",
        "same weekday last week ({start}, inside a festival)",
    ),
}


def comparison_label(comparison: Comparison, lang: str = "zh") -> str:
    """The baseline named in a few words, e.g. ``上周同日（2026-11-08）``."""
    zh, en = KIND_LABELS[comparison.kind]
    return (zh if lang == "zh" else en).format(
        start=f"{comparison.start:%Y-%m-%d}", end=f"{comparison.end:%Y-%m-%d}"
    )


def compare_metrics(facts: Facts, comparison: Comparison, metrics: list[str]) -> pd.DataFrame:
    """The run date's ``metrics`` against the chosen baseline, in absolute values.

    ``value`` is the run date's value; ``baseline`` the per-day value over the comparison
    window (additive metrics: window sum / days with data; ratios: ratio of the window sums).
    ``change`` is ``(value / baseline - 1) x 100`` in percent (``change_unit = "pct"``) for
    amounts and counts, ``(value - baseline) x 100`` in percentage points (``"pp"``) for
    rates (CVR, add-to-cart rate, refund rate ...). NaN when a side is missing or the
    baseline is 0 for a percent change.

    Returns
    -------
    DataFrame ``metric, value, baseline, change, change_unit``, one row per metric in order.
    """
    day = facts.run_date
    now = window_sums(facts, day, day).iloc[0]
    base = window_sums(facts, comparison.start, comparison.end).iloc[0]
    rows = []
    for m in metrics:
        ratio = is_ratio(m) and m not in MONEY_RATIOS
        value = float(now.get(m, float("nan")))
        b = float(base.get(m, float("nan")))
        if not is_ratio(m) and base["days"]:
            b /= float(base["days"])
        change = _change(value, b, points=ratio)
        rows.append((m, value, b, change, "pp" if ratio else "pct"))
    return pd.DataFrame(rows, columns=["metric", "value", "baseline", "change", "change_unit"])


def _change(value: float, base: float, *, points: bool) -> float:
    """``(value - base) x 100`` (percentage points) or ``(value / base - 1) x 100`` (%)."""
    if points:
        return (value - base) * 100.0
    return (value / base - 1.0) * 100.0 if base else float("nan")


#: Ratios that are amounts of money per head, compared in percent like GMV (not in points).
MONEY_RATIOS = frozenset({"arpu", "aov", "uv_value", "roas"})


def _phase_table(facts: Facts) -> pd.DataFrame:
    daily = facts.daily.set_index("date")
    cols = [c for c in ("phase", "promo") if c in daily]
    out = daily[cols].copy() if cols else pd.DataFrame(index=daily.index)
    for c in ("phase", "promo"):
        if c not in out:
            out[c] = None
    return out


def _clean_window(
    table: pd.DataFrame, before: pd.Timestamp, days: int
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The last ``days`` consecutive clean days ending before ``before`` (None if the data
    hold no such run within a year)."""
    clean = table["phase"].isna()
    end = before - DAY
    limit = before - 366 * DAY
    while end >= limit:
        start = end - (days - 1) * DAY
        span = clean.reindex(pd.date_range(start, end))
        if span.notna().all() and span.all():
            return start, end
        dirty = span.index[~span.fillna(False).astype(bool)]
        end = dirty.max() - DAY
    return None


def choose_comparison(facts: Facts, *, clean_days: int = 14) -> Comparison:
    """Pick the most comparable baseline for ``facts.run_date`` (see the module text).

    Parameters
    ----------
    facts : the run's facts (``daily["phase"]`` marks festival days).
    clean_days : length of the clean window used when last week is inside a festival
        (a multiple of 7 keeps the weekday mix even).
    """
    day = facts.run_date
    table = _phase_table(facts)
    week = table.reindex(pd.date_range(day - 7 * DAY, day - DAY))
    touched = week["phase"].dropna()
    if day - 7 * DAY not in table.index:  # less than a week of data: only yesterday is there
        return Comparison("prev_day", day - DAY, day - DAY)
    if touched.empty:
        return Comparison("last_week", day - 7 * DAY, day - 7 * DAY)
    festival = (
        str(week.loc[touched.index, "promo"].dropna().iloc[-1])
        if week["promo"].notna().any()
        else None
    )
    phases = tuple(dict.fromkeys(touched.tolist()))
    phase_today = table["phase"].get(day)
    # festivals keep their calendar date, weekdays shift: same date first, then D-364
    for ly in (day - pd.DateOffset(years=1), day - 364 * DAY):
        if pd.notna(phase_today) and table["phase"].get(ly) == phase_today:
            return Comparison("last_year", ly, ly, festival, phases)
    ly = day - 364 * DAY
    have_ly = ly in table.index
    phase_ly = table["phase"].get(ly) if have_ly else None
    if pd.isna(phase_today):
        window = _clean_window(table, touched.index.min(), clean_days)
        if window is not None:
            return Comparison("clean_weeks", window[0], window[1], festival, phases)
    if have_ly and pd.isna(phase_ly):
        return Comparison("last_year", ly, ly, festival, phases)
    return Comparison("last_week_festival", day - 7 * DAY, day - 7 * DAY, festival, phases)


def level_shifts(
    facts: Facts, comparison: Comparison, *, days: int = 2, threshold: float = 0.5
) -> pd.DataFrame:
    """Channels whose GMV sits far from the baseline on each of the last ``days`` days.

    A channel has shifted level (断崖 / 跃升) when on every day of D-(days-1)..D its GMV
    differs from its per-day baseline GMV (the comparison window when it spans a week or
    more, else the 14 clean days before D-(days-1); none when those touch a festival) by at least ``threshold`` in the same direction:
    ``|gmv_d / gmv_base - 1| >= threshold``. One bad day is noise; several in a row is a
    channel that broke (or took off) and is named before any day-on-day mover.

    Returns
    -------
    DataFrame ``channel, gmv_base`` (per day, ¥), ``gmv_recent`` (mean of the last ``days``
    days, ¥), ``change_pct`` (recent / base - 1), ``direction`` (down / up), largest absolute
    money change first.
    """
    cols = ["channel", "gmv_base", "gmv_recent", "change_pct", "direction"]
    dc = facts.daily_channel
    day = facts.run_date
    start, end = comparison.window
    if comparison.days < 7:  # one day is too noisy a level: the 14 days before, if clean
        start, end = day - (days + 13) * DAY, day - days * DAY
        phases = _phase_table(facts)["phase"].reindex(pd.date_range(start, end))
        if phases.notna().any() or start < facts.daily["date"].min():
            return pd.DataFrame(columns=cols).pipe(_with_days, days)
    in_base = dc.loc[dc["date"].between(start, end)]
    base_days = int(facts.daily["date"].between(start, end).sum())
    base = in_base.groupby("channel")["gmv"].sum() / max(base_days, 1)
    # the last ``days`` days in the data (closed days left out of the facts are skipped)
    recent_days = pd.DatetimeIndex(
        sorted(facts.daily.loc[facts.daily["date"] <= day, "date"])[-days:]
    )
    recent = (
        dc.loc[dc["date"].isin(recent_days)]
        .pivot_table(index="channel", columns="date", values="gmv", aggfunc="sum")
        .reindex(columns=recent_days)
        .fillna(0.0)
    )
    rows = []
    for channel, gmv_base in base.items():
        if gmv_base <= 0 or channel not in recent.index:
            continue
        levels = recent.loc[[channel]].iloc[0]
        ratio = levels / gmv_base - 1.0
        if (ratio <= -threshold).all() or (ratio >= threshold).all():
            mean = float(levels.mean())
            rows.append((channel, float(gmv_base), mean, mean / gmv_base - 1.0))
    out = pd.DataFrame(rows, columns=cols[:4])
    out["direction"] = ["down" if c < 0 else "up" for c in out["change_pct"]]
    gap = (out["gmv_recent"] - out["gmv_base"]).abs()
    out = out.assign(_gap=gap).sort_values("_gap", ascending=False).drop(columns="_gap")
    out = out[cols].reset_index(drop=True)
    out.attrs["days"] = days
    return out


def _with_days(frame: pd.DataFrame, days: int) -> pd.DataFrame:
    frame.attrs["days"] = days
    return frame
