"""Closed weekdays (issue 9, presentation: non-trading days): a shop that never sells on
Saturdays must not have its Saturdays counted as zero sales in baselines, averages, trend
charts or alerts.

The fixture: a shop open Sunday to Friday from 2026-01-04 (a Sunday) to 2026-03-15 (a
Sunday), closed every Saturday, one order of ¥100 on each open day, except Thursdays and
Fridays with two orders (¥200). Run dates: Sunday 2026-03-15 (the day after a closed
Saturday) and Saturday 2026-03-14 (a closed day).
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.daily_review import build_review
from helpers.daily_review.page import explorer_frame
from helpers.daily_review.story import where_lines
from helpers.facts import build_facts
from helpers.metrics.trading_days import open_days_only, week_pattern
from helpers.settings import Settings

FIRST, LAST = pd.Timestamp("2026-01-04"), pd.Timestamp("2026-03-15")


def _orders() -> pd.DataFrame:
    rows = []
    for day in pd.date_range(FIRST, LAST):
        if day.day_of_week == 5:  # Saturday: closed
            continue
        n = 2 if day.day_of_week in (3, 4) else 1
        for k in range(n):
            paid = day + pd.Timedelta(hours=10 + k)
            rows.append(
                (f"o{day:%m%d}{k}", f"c{day:%m%d}{k}", paid, paid, "completed", 100.0, "搜索", paid)
            )
    cols = [
        "order_id",
        "customer_id",
        "created_at",
        "paid_at",
        "status",
        "paid_amount",
        "channel",
        "shipped_at",
    ]
    return pd.DataFrame(rows, columns=cols)


def _tables() -> dict[str, pd.DataFrame]:
    orders = _orders()
    items = pd.DataFrame(
        {
            "order_id": orders["order_id"],
            "line_no": 1,
            "sku_id": "A1",
            "quantity": 1,
            "unit_price": 100.0,
        }
    )
    return {"orders": orders, "order_items": items}


@pytest.fixture(scope="module")
def sunday():
    facts = build_facts(_tables(), LAST, Settings())
    return facts, build_review(facts, Settings())


@pytest.fixture(scope="module")
def saturday():
    facts = build_facts(_tables(), LAST - pd.Timedelta(days=1), Settings())
    return facts, build_review(facts, Settings())


def test_saturday_is_learnt_as_closed(sunday):
    facts, review = sunday
    # the 8 Saturdays before 03-15 (01-24 .. 03-14) had no order: 8/8 = 100 % >= 80 %;
    # every other weekday had orders on 8/8 of its days: 0 % empty
    assert week_pattern(facts.daily, facts.run_date).closed == (5,)
    assert review.week.closed == (5,)
    assert not review.closed_today


def test_a_weekday_with_sales_on_most_days_is_open():
    # 2 empty Saturdays of 8 = 25 % < 80 %: open (a quiet day, not a closed one)
    days = pd.date_range("2026-01-01", "2026-03-01")
    orders = [0 if (d.day_of_week == 5 and d.day in (10, 17)) else 3 for d in days]
    daily = pd.DataFrame({"date": days, "orders": orders})
    assert week_pattern(daily, pd.Timestamp("2026-03-02")).closed == ()


def test_a_sparse_shop_has_no_closed_days():
    # orders on only every tenth day: every weekday is empty >= 80 % of the time, which is
    # a sparse shop, not a shop closed on 7 days
    days = pd.date_range("2026-01-01", "2026-03-01")
    daily = pd.DataFrame({"date": days, "orders": [1 if i % 10 == 0 else 0 for i in range(60)]})
    assert week_pattern(daily, pd.Timestamp("2026-03-02")).closed == ()


def test_seven_day_average_counts_open_days_only(sunday):
    _, review = sunday
    gmv = review.kpis.set_index("metric").loc["gmv"]
    # D-7..D-1 = 03-08 Sun .. 03-14 Sat: Sun 100, Mon 100, Tue 100, Wed 100, Thu 200,
    # Fri 200, Sat closed -> 800 / 6 open days = 133.33 (not 800 / 7 = 114.29)
    assert gmv["avg_7d"] == pytest.approx(800 / 6)
    # the previous day of a Sunday is the Friday (¥200), not the closed Saturday (¥0 -> NaN)
    assert gmv["prev_day"] == pytest.approx(200.0)
    assert gmv["vs_prev_day"] == pytest.approx(100 / 200 - 1)


def test_trend_charts_skip_closed_days(sunday):
    _, review = sunday
    trend = review.trends["gmv"]
    # 28 days 02-16 .. 03-15 hold 4 Saturdays: 24 points, none at zero
    assert len(trend) == 24
    assert (trend["value"] > 0).all()
    assert not (trend["date"].dt.day_of_week == 5).any()
    # the 7-day line on Sunday 03-15: the last 7 open days 03-08 .. 03-15 without 03-14:
    # Mon..Wed 100 x 3 + Thu, Fri 200 x 2 + Sun 03-08 100 + Sun 03-15 100 = 900 / 7
    assert trend["avg_7d"].iloc[-1] == pytest.approx(900 / 7)


def test_no_channel_shift_after_a_closed_day(sunday):
    _, review = sunday
    # with the Saturday as ¥0 the channel would be -50 % on both of the last two days
    assert review.shifts.empty


def test_closed_day_raises_no_alert_and_says_why(saturday):
    facts, review = saturday
    assert review.closed_today
    assert review.alerts.alerts.empty
    reasons = review.alerts.skipped
    assert "本店通常周六不营业" in reasons["reason_zh"].iloc[0]
    assert "closed on Saturday" in reasons["reason"].iloc[0]
    zh = where_lines(review, lang="zh")
    assert zh[0].startswith("今天是周六，本店通常周六不营业")
    en = where_lines(review, lang="en")
    assert "usually closed on Saturday" in en[0]


def test_the_conclusion_names_the_closed_days_once(sunday):
    _, review = sunday
    zh = where_lines(review, lang="zh")
    assert sum("不营业" in line for line in zh) == 1
    assert "周六" in zh[0] and "不计入" in zh[0]


def test_open_days_only_keeps_the_run_date_and_trading_saturdays(sunday):
    facts, _ = sunday
    pattern = week_pattern(facts.daily, facts.run_date)
    daily = facts.daily.copy()
    daily.loc[daily["date"] == pd.Timestamp("2026-03-07"), "orders"] = 1  # an opening
    kept = open_days_only(facts.__class__(**{**facts.__dict__, "daily": daily}), pattern)
    assert pd.Timestamp("2026-03-07") in set(kept.daily["date"])
    assert pd.Timestamp("2026-02-28") not in set(kept.daily["date"])
    assert facts.run_date in set(kept.daily["date"])


def test_the_explorer_leaves_closed_days_out(sunday):
    facts, review = sunday
    frame = explorer_frame(facts, review.week)
    # 01-04 .. 03-15 = 71 days, 10 of them Saturdays (01-10 .. 03-14): 61 open days
    assert frame["date"].nunique() == 61
    assert not (frame["date"].dt.day_of_week == 5).any()
    # without the pattern every calendar day is a row (the Saturdays at zero)
    assert explorer_frame(facts)["date"].nunique() == 71


def test_the_statistical_check_chart_leaves_closed_days_out(sunday):
    facts, review = sunday
    gmv = review.baselines["gmv"]
    # the chart's 28 days 02-16 .. 03-15 hold 4 Saturdays (02-21, 02-28, 03-07, 03-14) without
    # orders: 28 - 4 = 24 days drawn, none of them a Saturday, none at zero sales
    assert len(gmv) == 24
    assert not (gmv["date"].dt.day_of_week == 5).any()
    assert (gmv["value"] > 0).all()
    assert gmv["date"].iloc[-1] == facts.run_date
