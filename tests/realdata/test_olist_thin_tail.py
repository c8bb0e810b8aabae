"""Olist's near-empty last day (issue 9, point 4): the default run date of the Olist folder
lands in the thinning tail of the data set (6 orders on 2018-08-27 against about 20 a day),
and the review must flag it as possibly incomplete data before judging the business."""

from __future__ import annotations

import pandas as pd
import pytest
from locations import REALDATA

from helpers.alerts.completeness import RULE_ID
from helpers.context import load_context
from helpers.daily_review import review_for
from helpers.daily_review.story import where_lines

OLIST = REALDATA / "olist"

if not (OLIST / "sample_bravida").is_dir():
    pytest.skip(
        "../shared/realdata/olist not found: the public data sets are not beside the repository",
        allow_module_level=True,
    )

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def olist(tmp_path_factory):
    cache = tmp_path_factory.mktemp("olist-tail-cache")
    ctx = load_context(OLIST, cache_dir=str(cache))
    return ctx, review_for(ctx)


def test_the_default_day_is_the_thin_tail_and_is_flagged_incomplete(olist):
    ctx, review = olist
    daily = ctx.facts.daily.set_index("date")
    assert review.run_date == pd.Timestamp("2018-08-27")
    # 6 orders on the run date; the 4 Mondays before (07-30 .. 08-20) had 14..24
    assert int(daily.loc[review.run_date, "orders"]) == 6
    assert review.data_incomplete
    flag = review.alerts.alerts.loc[review.alerts.alerts["rule"] == RULE_ID].iloc[0]
    assert flag["severity"] == "high"
    # said first in the conclusion, before the comparison
    assert where_lines(review, lang="zh")[0].startswith("⚠")
    assert "incomplete" in where_lines(review, lang="en")[0]


def test_olist_has_no_closed_weekday(olist):
    # a marketplace sells every day: one empty Sunday (08-19) is not a closed weekday
    _, review = olist
    assert review.week.closed == ()


def test_the_flag_and_its_step_speak_of_the_shop_total_without_channels(olist):
    # Olist's orders carry no channel: the shop total is judged, so no "every channel"
    _, review = olist
    flag = review.alerts.alerts.loc[review.alerts.alerts["rule"] == RULE_ID].iloc[0]
    assert "the shop total sits below 35% of its usual level" in flag["message_en"]
    assert "全店同时低于常态的 35%" in flag["message_zh"]
    (step,) = [a for a in review.actions["action"] if "远低于常态" in a]
    assert "所有渠道" not in step and "先确认数据是否完整" in step
