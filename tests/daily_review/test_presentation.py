"""Presentation of the daily review: rate changes in percentage points, legible alert values."""

from __future__ import annotations

import numpy as np

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
