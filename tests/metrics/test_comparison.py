"""Choosing the comparison baseline (对比口径) and finding channels whose level shifted, on a
hand-made calendar: two channels, 双11 phases marked as facts.daily["phase"] does."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from helpers.metrics.comparison import Comparison, choose_comparison, level_shifts

T = pd.Timestamp


def _phases(dates: pd.DatetimeIndex) -> pd.Series:
    """双11 of both years: 预热 10-20..11-10, 爆发 11-11, 余热 11-12..11-13."""
    out = pd.Series(None, index=dates, dtype=object)
    for year in (2025, 2026):
        for phase, a, b in (("warmup", "10-20", "11-10"), ("burst", "11-11", "11-11"),
                            ("afterglow", "11-12", "11-13")):  # fmt: skip
            out[(dates >= T(f"{year}-{a}")) & (dates <= T(f"{year}-{b}"))] = phase
    return out


def shop(run_date: str, first: str = "2025-09-01") -> SimpleNamespace:
    """Channel 直播 sells 100 a day, 10 a day from 2026-11-14; 搜索 50 a day throughout."""
    dates = pd.date_range(first, run_date)
    phase = _phases(dates)
    daily = pd.DataFrame(
        {"date": dates, "phase": phase.to_numpy(), "promo": phase.notna().map({True: "双11"})}
    )
    daily.loc[daily["phase"].isna(), "promo"] = None
    live = [10.0 if d >= T("2026-11-14") else 100.0 for d in dates]
    dc = pd.concat(
        [
            pd.DataFrame({"date": dates, "channel": "直播", "gmv": live}),
            pd.DataFrame({"date": dates, "channel": "搜索", "gmv": 50.0}),
        ]
    )
    return SimpleNamespace(run_date=T(run_date), daily=daily, daily_channel=dc)


def test_a_clean_week_compares_with_the_same_weekday_last_week():
    c = choose_comparison(shop("2026-10-05"))
    assert c == Comparison("last_week", T("2026-09-28"), T("2026-09-28"))
    assert c.days == 1


def test_after_a_festival_the_comparison_avoids_it():
    c = choose_comparison(shop("2026-11-15"))
    # D-7..D-1 = 11-08..11-14 touch 预热 (11-08..11-10), 爆发 (11-11), 余热 (11-12, 11-13);
    # the festival began 10-20, so the 14 clean days are 10-06..10-19
    assert c.kind == "clean_weeks" and c.window == (T("2026-10-06"), T("2026-10-19"))
    assert c.days == 14 and c.festival == "双11"
    assert c.phases == ("warmup", "burst", "afterglow")


def test_a_festival_day_compares_with_last_years_same_day():
    c = choose_comparison(shop("2026-11-11"))
    # 2025-11-11 is 双11 爆发 too (the calendar date; D-364 = 2025-11-12 is 余热)
    assert c.kind == "last_year" and c.window == (T("2025-11-11"), T("2025-11-11"))


def test_a_festival_day_without_last_year_keeps_last_week_with_a_caveat():
    c = choose_comparison(shop("2026-11-11", first="2026-09-01"))
    assert c.kind == "last_week_festival" and c.start == T("2026-11-04")


def test_less_than_a_week_of_data_compares_with_the_previous_day():
    c = choose_comparison(shop("2026-09-05", first="2026-09-01"))
    assert c == Comparison("prev_day", T("2026-09-04"), T("2026-09-04"))


def test_a_channel_that_broke_two_days_running_is_a_level_shift():
    facts = shop("2026-11-15")
    shifts = level_shifts(facts, choose_comparison(facts), days=2, threshold=0.5)
    # 直播: baseline 100 a day (10-06..10-19), 11-14 and 11-15 10 each: 10/100 - 1 = -90 %
    assert list(shifts["channel"]) == ["直播"]
    row = shifts.iloc[0]
    assert (row["gmv_base"], row["gmv_recent"]) == (100, 10)
    assert row["change_pct"] == pytest.approx(-0.9) and row["direction"] == "down"
    assert shifts.attrs["days"] == 2


def test_one_bad_day_is_not_a_level_shift():
    facts = shop("2026-11-14")  # only 11-14 is low; 11-13 was 100 (and 余热)
    c = choose_comparison(facts)
    assert level_shifts(facts, c, days=2, threshold=0.5).empty
    assert list(level_shifts(facts, c, days=1, threshold=0.5)["channel"]) == ["直播"]


def test_a_one_day_baseline_judges_levels_on_the_14_days_before():
    facts = shop("2026-10-05")  # last week is clean: one day; 09-20..10-03 used instead
    assert level_shifts(facts, choose_comparison(facts)).empty
