"""Presentation of the daily review: rate changes in percentage points, legible alert values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.alerts.rules import decline_path
from helpers.daily_review.tables import funnel_table, kpi_table


def test_kpi_table_writes_rate_changes_in_points_and_money_changes_in_percent(review):
    table = kpi_table(review.kpis)
    k = review.kpis.set_index("metric")
    # CVR 03-03 = 2 buyers / 2,100 UV = 0.0952 %; 03-02 = 3 (c1, c4, c2) / 2,000 = 0.15 %:
    # (0.0952 - 0.15) = -0.0548 points, two decimals under a tenth of a point
    assert k.loc["cvr", "value"] == np.float64(2 / 2100)
    assert k.loc["cvr", "prev_day"] == np.float64(3 / 2000)
    assert table.loc["转化率 CVR", "较前一日"] == "-0.05 个百分点"  # not "-36.5%"
    assert table.loc["支付金额 GMV", "较前一日"].endswith("%")  # money stays relative
    en = kpi_table(review.kpis, lang="en")
    assert en.loc["Conversion rate (CVR)", "vs previous day"].endswith(" pp")


def test_funnel_table_cvr_change_in_points(review):
    table = funnel_table(review.funnel)
    change = table["较前一日 (CVR)"]
    # 搜索 1 / 1,500 = 0.067 % against 1 / 1,200 = 0.083 % the day before: -0.02 points
    assert change["搜索"] == "-0.02 个百分点"
    assert change["未知"] == "–"  # no visitors: no rate, no change


def test_a_falling_rate_shows_enough_decimals_for_every_step_to_fall():
    # the sample's "3.1% → 3.1%" alert: 3.13 % then 3.07 %
    path = decline_path("cvr", np.array([0.0372, 0.0361, 0.0313, 0.0307]))
    assert path == "3.72% → 3.61% → 3.13% → 3.07%"
    assert decline_path("cvr", np.array([0.05, 0.04])) == "5.0% → 4.0%"
    assert decline_path("gmv", np.array([1200.0, 1100.0])) == "1,200 → 1,100"


def test_last_years_new_and_returning_buyers_are_left_out_on_a_partial_history(review):
    from helpers.daily_review.review import partial_year_buyers

    kpis = review.kpis.copy()
    kpis.loc[kpis["metric"] == "new_buyers", ["last_year", "vs_last_year"]] = [50.0, -0.94]
    run = pd.Timestamp("2011-12-08")
    # Online Retail: data from 2010-12-01, last year's day 2010-12-09 has 8 days before it
    out, first = partial_year_buyers(kpis, pd.Timestamp("2010-12-01"), run)
    assert first == pd.Timestamp("2010-12-01")
    row = out.set_index("metric").loc["new_buyers"]
    assert np.isnan(row["last_year"]) and np.isnan(row["vs_last_year"])
    # a full year before last year's day (2010-12-09 - 365 days = 2009-12-09): kept
    kept, none = partial_year_buyers(kpis, pd.Timestamp("2009-12-09"), run)
    assert none is None and kept.set_index("metric").loc["new_buyers", "vs_last_year"] == -0.94


def test_the_colour_convention_is_chosen_and_configurable():
    from helpers.charts import COLOR_GREEN, COLOR_RED, rise_fall_colours

    assert rise_fall_colours("auto", "zh") == (COLOR_RED, COLOR_GREEN)  # 红涨绿跌
    assert rise_fall_colours("auto", "en") == (COLOR_GREEN, COLOR_RED)
    assert rise_fall_colours("green", "zh") == (COLOR_GREEN, COLOR_RED)
    assert rise_fall_colours("red", "en") == (COLOR_RED, COLOR_GREEN)


def test_waterfall_starts_at_zero_and_dates_carry_their_weekday():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.charts import day_label, gmv_waterfall

    split = pd.DataFrame({"factor": ["uv", "cvr", "arpu"], "contribution": [100.0, -600.0, 0.0]})
    ax = gmv_waterfall(split, gmv_before=10_000.0, gmv_after=9_500.0)
    assert ax.get_ylim()[0] == 0.0  # a -5 % day keeps its true proportion
    plt.close("all")
    assert day_label(pd.Timestamp("2026-11-15")) == "11-15 周日"
    assert day_label(pd.Timestamp("2026-11-15"), "en") == "11-15 Sun"
