"""The morning views against hand arithmetic on the tiny shop (``tiny_shop.py``).

Run date 03-03: o7 (c5, 120, paid 08:30, 搜索, 2 x A at 60) and o8 (c3, 60, paid 21:00,
直播, 3 x B at 20); o9 is paid after midnight and never counts. Unit costs A 20, B 10, C 30.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tiny_shop import RUN, canonical_tables

from helpers.daily_review import morning
from helpers.daily_review.morning_text import month_text, profit_verdict
from helpers.daily_review.page import Page
from helpers.facts import build_facts
from helpers.numbers import format_pp
from helpers.settings import Settings


def test_top_items_rank_by_gmv_with_item_visitors_cvr_and_favourite_rate(facts):
    top = morning.top_items(facts).set_index("sku_id")
    assert list(top.index) == ["A", "B"]  # A 120 > B 60
    # A: 1 order (o7), 2 units; item visitors 300 (搜索) + 100 (直播) = 400
    assert top.loc["A", "gmv"] == 120 and top.loc["A", "units"] == 2
    assert top.loc["A", "visitors"] == 400
    assert top.loc["A", "cvr"] == pytest.approx(1 / 400)  # 0.25 %
    assert top.loc["A", "fav_rate"] == pytest.approx((5 + 2) / 400)  # 1.75 %
    # B has no item traffic on 03-03: visitors and CVR unknown, not 0
    assert math.isnan(top.loc["B", "visitors"]) and math.isnan(top.loc["B", "cvr"])
    by_visitors = morning.top_items(facts, rank_by="visitors")
    assert by_visitors["sku_id"].iloc[0] == "A"


def test_buyer_mix_splits_gmv_into_new_and_returning_buyers():
    facts = build_facts(canonical_tables(), "2026-03-02", Settings())
    mix = morning.buyer_mix(facts, canonical_tables()["orders"]).set_index("segment")
    # 03-02: c4 first pays (o5 70) -> new; c1 (o4 80) and c2 (o6 40) paid on 03-01 -> returning
    assert mix.loc["new", "buyers"] == 1 and mix.loc["new", "gmv"] == 70
    assert mix.loc["returning", "buyers"] == 2 and mix.loc["returning", "gmv"] == 120
    assert mix.loc["returning", "share"] == pytest.approx(120 / 190)
    assert mix.loc["returning", "arpu"] == pytest.approx(60)  # 120 / 2 buyers
    assert mix.loc["guest", "gmv"] == 0
    # no data a week before: last week's GMV 0, the change unknown (not -100 %)
    assert mix.loc["new", "gmv_lw"] == 0 and math.isnan(mix.loc["new", "vs_last_week"])


def test_buyer_mix_on_the_run_date_counts_a_first_paid_order_as_new(facts):
    mix = morning.buyer_mix(facts, canonical_tables()["orders"]).set_index("segment")
    # c5 (o7 120) and c3 (o8 60; c3's o3 was never paid) both pay for the first time
    assert mix.loc["new", "gmv"] == 180 and mix.loc["returning", "gmv"] == 0


def test_engagement_rates_and_their_changes_in_percentage_points(facts):
    rates = morning.engagement(facts).set_index("metric")
    # 收藏率 03-03 = channel rows' favourites / UV = (50 + 15) / (1500 + 600)
    assert rates.loc["fav_rate", "value"] == pytest.approx(65 / 2100)
    # 7 days before = 03-01..03-02: (30 + 10 + 40 + 20) / (1000 + 500 + 1200 + 800)
    assert rates.loc["fav_rate", "avg_7d"] == pytest.approx(100 / 3500)
    assert rates.loc["fav_rate", "pp_vs_avg_7d"] == pytest.approx(65 / 2100 - 100 / 3500)
    # 加购率: (150 + 30) / 2100 = 300 / 3500 = 8.571 %: no change
    assert rates.loc["cart_rate", "pp_vs_avg_7d"] == pytest.approx(0.0)
    assert math.isnan(rates.loc["fav_rate", "same_weekday_last_week"])  # no 02-24 in the data


def test_gross_profit_and_break_even_roas(facts):
    p = morning.gross_profit(facts, canonical_tables()["products"])
    # GMV 120 + 60 = 180; cost 2 x 20 + 3 x 10 = 70; gross profit 110
    assert (p.gmv, p.cost, p.gross_profit) == (180, 70, 110)
    assert p.margin == pytest.approx(110 / 180)  # 61.1 %
    assert p.break_even_roas == pytest.approx(180 / 110)  # 1 / margin = 1.64
    # ads 03-03: spend 30 + 10 = 40, attributed GMV 90 -> ROAS 2.25
    assert p.roas == pytest.approx(2.25)
    assert p.ad_profit == pytest.approx(90 * 110 / 180 - 40)  # 55 - 40 = +15
    assert p.covered == 1.0


def test_a_roas_below_break_even_is_called_a_loss(facts):
    products = canonical_tables()["products"].assign(unit_cost=[50.0, 10.0, 30.0])
    p = morning.gross_profit(facts, products)
    # cost 2 x 50 + 3 x 10 = 130, margin 50 / 180 = 27.8 %, break-even ROAS 3.6 > 2.25
    assert p.break_even_roas == pytest.approx(3.6)
    assert p.ad_profit == pytest.approx(90 * 50 / 180 - 40)  # 25 - 40 = -15
    assert "亏钱" in profit_verdict(p) and "lose money" in profit_verdict(p, lang="en")
    # the issue's case: ROAS 1.06 at a 40 % margin earns 0.42 of profit per 1 spent
    issue = replace(p, margin=0.4, roas=1.06, break_even_roas=2.5, ad_profit=1.06 * 0.4 - 1)
    assert "亏钱" in profit_verdict(issue) and "0.42" in profit_verdict(issue)


def test_gross_profit_counts_only_items_with_a_cost(facts):
    products = canonical_tables()["products"].assign(unit_cost=[20.0, None, 30.0])
    p = morning.gross_profit(facts, products)
    # only A has a cost: GMV 120, cost 40, margin 80 / 120; A is 120 of 180 item GMV
    assert p.margin == pytest.approx(80 / 120) and p.covered == pytest.approx(120 / 180)
    assert morning.gross_profit(facts, products.assign(unit_cost=None)) is None


def test_month_to_date_against_target_and_time_progress(facts):
    m = morning.month_to_date(facts, target=1000.0)
    # 03-01: 100 + 50; 03-02: 80 + 70 + 40; 03-03: 120 + 60 -> 520 in 3 of 31 days
    assert m.gmv == 520 and (m.days_elapsed, m.days_in_month) == (3, 31)
    assert m.time_progress == pytest.approx(3 / 31)  # 9.7 %
    assert m.completion == pytest.approx(0.52) and not m.behind  # 52 % done > 9.7 %
    assert m.projection.projected == pytest.approx(520 / 3 * 31)
    assert math.isnan(m.last_month_gmv)  # February is not in the data
    assert morning.month_to_date(facts, target=10000.0).behind  # 5.2 % < 9.7 %


def test_month_to_date_without_target_says_how_to_set_it(facts):
    m = morning.month_to_date(facts)
    assert m.target is None and math.isnan(m.completion)
    assert "monthly_gmv_target" in month_text(m) and "playbook.yaml" in month_text(m)
    assert "monthly_gmv_target" in month_text(m, lang="en")


def test_month_text_one_structure_in_two_phrasings():
    m = morning.MonthToDate(
        month=pd.Timestamp("2026-11-01"),
        days_elapsed=15,
        days_in_month=30,
        gmv=1200.0,
        last_month_gmv=1000.0,
        target=3000.0,
        time_progress=0.5,
        completion=0.4,
        projection=morning.Projection(2400.0),
    )
    # 1,200 / 1,000 - 1 = +20 %; 40 % done against 50 % of the month: 10 points behind;
    # the projection at this pace: 1,200 / 15 x 30 = 2,400
    assert month_text(m) == (
        "本月至今（11-01 – 11-15）GMV ¥1,200.00，上月同期 ¥1,000.00（+20.0%）；时间进度 50.0%"
        "（15/30 天），目标 ¥3,000.00，完成 40.0%，落后时间进度 10.0 个百分点；"
        "按目前节奏全月约 ¥2,400.00。"
    )
    assert month_text(m, lang="en") == (
        "Month to date (11-01 – 11-15): GMV ¥1,200.00; last month's same days ¥1,000.00 "
        "(+20.0%); time progress 50.0% (15/30 days); target ¥3,000.00, 40.0% done, 10.0 pp "
        "behind time progress; the month at this pace: about ¥2,400.00."
    )
    # last month's same days sold nothing: no change can be given, and no sign before it
    zero = replace(m, last_month_gmv=0.0)
    assert "上月同期 ¥0.00（n/a）" in month_text(zero)
    assert "last month's same days ¥0.00 (n/a)" in month_text(zero, lang="en")


def test_festival_countdown_names_the_next_burst(facts):
    events = morning.festival_countdown(facts)
    first = events.iloc[0]
    # 38节: warm-up from 03-01 (already running), burst 03-08 = 5 days after 03-03
    assert first["name"] == "38节" and first["days_to_warmup"] == 0
    assert first["days_to_start"] == 5
    # 618: warm-up 05-25 (28 + 30 + 25 = 83 days), burst 06-18 (28 + 30 + 31 + 18 = 107)
    nxt = events.iloc[1]
    assert (nxt["name"], nxt["days_to_warmup"], nxt["days_to_start"]) == ("618", 83, 107)
    assert math.isnan(first["last_gmv"])  # no data a year before
    assert morning.festival_countdown(facts, platform_calendar="none").empty


def test_hourly_cumulative_gmv(facts):
    orders = canonical_tables()["orders"]
    hours = morning.hourly(facts, orders).set_index("hour")
    # o7 120 at 08:30, o8 60 at 21:00; o9 (paid 03-04 00:10) is after the run date
    assert hours.loc[7, "cum"] == 0 and hours.loc[8, "cum"] == 120
    assert hours.loc[21, "cum"] == 180 and hours.loc[23, "cum"] == 180
    assert (hours["cum_lw"] == 0).all()  # no data on 02-24
    assert morning.has_pay_times(orders)
    assert not morning.has_pay_times(orders.assign(paid_at=orders["paid_at"].dt.normalize()))


@given(st.floats(min_value=-1, max_value=1, allow_nan=False))
def test_a_rate_change_in_points_is_the_difference_times_100(x):
    text = format_pp(x, "en")
    assert text.endswith(" pp") and text[0] in "+-"
    assert float(text.split()[0]) == pytest.approx(x * 100, abs=0.06)


def test_format_pp_examples():
    # 24 小时发货率 21.31 % -> 69.92 %: +48.6 points, not "+228%"
    assert format_pp(0.6992 - 0.2131) == "+48.6 个百分点"
    assert format_pp(-0.0007, "en") == "-0.07 pp"


def test_the_page_shows_every_morning_view_or_why_not(facts, monkeypatch):
    from helpers.daily_review import page as page_module
    from helpers.daily_review import review_for  # noqa: F401  (import check)
    from helpers.daily_review.review import build_review

    out: list[str] = []
    monkeypatch.setattr(page_module, "display", lambda o: out.append(getattr(o, "data", "")))
    monkeypatch.setattr(page_module.plt, "show", lambda: out.append("<figure>"))
    from helpers import view

    monkeypatch.setattr(view, "display", lambda o: out.append(getattr(o, "data", "")))
    tables = canonical_tables()
    review = build_review(facts, Settings(), products=tables["products"])
    review = replace(
        review,
        morning=morning.build_morning(facts, tables, platform_calendar="none"),
        skipped={**review.skipped, "profit": ("products.unit_cost",)},
    )
    Page(review).morning()
    text = "\n".join(str(o) for o in out)
    assert "### 商品 TOP 10" in text and "### 分时走势" in text
    assert "<figure>" in text  # the hourly chart
    assert "没有可倒计时的活动" in text  # no calendar, no promotions
    assert "成本价" in text and "字段" in text  # the skipped profit view names the column


def test_the_morning_views_read_nothing_after_the_run_date():
    tables = canonical_tables()
    facts = build_facts(tables, RUN, Settings())
    later = {k: v.copy() for k, v in tables.items()}
    # a huge order paid the next day changes nothing on 03-03
    extra = (
        later["orders"]
        .iloc[[6]]
        .assign(order_id="o99", paid_at=pd.Timestamp("2026-03-04 09:00"), paid_amount=9999.0)
    )
    later["orders"] = pd.concat([later["orders"], extra], ignore_index=True)
    a = morning.build_morning(facts, tables)
    b = morning.build_morning(facts, later)
    pd.testing.assert_frame_equal(a.hourly, b.hourly)
    pd.testing.assert_frame_equal(a.buyer_mix, b.buyer_mix)


def test_top_items_without_item_traffic_drop_the_empty_columns_and_speak_chinese():
    from helpers.daily_review.morning_text import top_items_table

    items = pd.DataFrame(
        {
            "sku_id": ["A1"],
            "title": ["山野户外版运动相机"],
            "gmv": [100.0],
            "units": [1],
            "visitors": [float("nan")],
            "cvr": [float("nan")],
            "fav_rate": [float("nan")],
        }
    )
    html = top_items_table(items, lang="zh").to_html()
    # no item traffic (Online Retail, Olist): three columns of dashes say nothing
    assert "商品访客数" not in html and "收藏率" not in html
    assert "商品编码" in html and "SKU" not in html
    assert "SKU" in top_items_table(items, lang="en").to_html()
