"""Cohorts, repeat rate, days to second purchase, new vs returning, movement, win-back and
tiers on the hand-made retention shop (conftest.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from retention.retention_shop import RUN

from helpers.retention.cohorts import (
    cohort_counts,
    cohort_matrix,
    days_to_second,
    new_vs_returning,
    repeat_rate,
)
from helpers.retention.movement import GONE, NEW, movement
from helpers.retention.rfm import rfm_table
from helpers.retention.snapshot import retention_from, segmented
from helpers.retention.tiers import tier_summary
from helpers.retention.winback import WINBACK_COLUMNS, last_items, winback_list


def test_cohorts_by_hand(now):
    c = cohort_counts(now, RUN).set_index(["cohort", "month_index"])
    jan = pd.Timestamp("2026-01-01")
    # cohort 2026-01 = a, b (c's first kept purchase is c2 in March: c1 was refunded)
    assert c.loc[(jan, 0), "customers"] == 2
    # a bought again in February (a2) and March (a3); b never did: 1 of 2
    assert c.loc[(jan, 1), "share"] == pytest.approx(0.5)
    assert c.loc[(jan, 2), "share"] == pytest.approx(0.5)
    # March 2026 is the run date's month: still running
    assert c.loc[(jan, 1), "complete"] and not c.loc[(jan, 2), "complete"]
    assert c.loc[(pd.Timestamp("2026-03-01"), 0), "customers"] == 1  # c
    assert c.loc[(pd.Timestamp("2025-12-01"), 0), "customers"] == 1  # f
    m = cohort_matrix(cohort_counts(now, RUN))
    assert m.loc[jan, 0] == 1.0
    assert len(cohort_counts(now, RUN, months=2)["cohort"].unique()) == 2


def test_repeat_rate_by_hand(now):
    r = repeat_rate(now, RUN, days=90)
    # window 2026-01-01 .. 03-31: buyers a (3), b (1), c (1 kept), d (2); f is outside
    assert r.start == pd.Timestamp("2026-01-01")
    assert (r.buyers, r.repeat_buyers) == (4, 2)
    assert r.rate == pytest.approx(0.5)


def test_days_to_second_by_hand(now):
    d = days_to_second(now)
    # a: 01-05 -> 02-10 = 26 + 10 = 36 days; d: both orders on 02-01 = 0
    assert d.to_dict() == {"a": 36, "d": 0}


def test_new_vs_returning_by_hand(now):
    n = new_vs_returning(now).set_index("month")
    feb, mar = pd.Timestamp("2026-02-01"), pd.Timestamp("2026-03-01")
    # February: d new (60 + 30), a returning (a2 paid 50; GMV is before refunds)
    assert n.loc[feb, ["new_buyers", "returning_buyers"]].tolist() == [1, 1]
    assert n.loc[feb, "returning_gmv_share"] == pytest.approx(50 / 140)
    # March: c new (c2 40), a returning (a3 150)
    assert n.loc[mar, "returning_gmv_share"] == pytest.approx(150 / 190)
    assert n.loc[pd.Timestamp("2026-01-01"), "returning_buyers"] == 0


def test_movement_on_two_dates(tables, settings):
    now = segmented(tables, RUN, settings)
    week = segmented(tables, RUN - pd.Timedelta(days=7), settings)
    m = movement(week, now, since=RUN - pd.Timedelta(days=7))
    # as of 03-24: a R 42 F 2 M 130; b 63 1 200; c 9 1 40; d 51 2 90; f 113 1 20;
    # means R 55.6, F 1.4, M 96 -> d was 一般价值 (R high) and is now 一般保持 (R 58 > 53)
    pairs = m.pairs.set_index(["from", "to"])["customers"]
    assert pairs[("一般价值", "一般保持")] == 1
    assert (m.moved, m.stayed, m.new) == (1, 4, 0)
    # as of 03-01 c1's refund is not yet known: c was a customer with M 80 and stays 一般发展
    month = segmented(tables, "2026-03-01", settings).set_index("customer_id")
    assert month.loc["c", "monetary"] == 80.0 and month.loc["c", "segment"] == "一般发展"


def test_movement_counts_new_and_refunded_customers():
    before = pd.DataFrame({"customer_id": ["a", "b", "c"], "segment": ["X", "Y", "Y"]})
    now = pd.DataFrame({"customer_id": ["a", "b", "n"], "segment": ["X", "X", "Y"]})
    m = movement(before, now, since=pd.Timestamp("2026-01-01"), order=("X", "Y"))
    assert (m.moved, m.stayed, m.new) == (1, 1, 1)
    assert m.matrix.loc[NEW, "Y"] == 1
    assert m.matrix.loc["Y", GONE] == 1  # c: every purchase refunded since
    assert m.matrix.to_numpy().sum() == 4


def test_winback_list_by_hand(now):
    from helpers.retention.rfm import add_segments

    rfm = add_segments(rfm_table(now, RUN), dormant_days=60, recency_rule="mean")
    items = last_items(now, _items(), customers=pd.Index(["b", "f"]))
    w = winback_list(rfm, items, lang="zh")
    assert list(w.columns) == WINBACK_COLUMNS
    # dormant b (spend 200) before f (20); b's last order is b1
    assert w["customer_id"].tolist() == ["b", "f"]
    assert w.loc[0, "last_items"] == "item b1"
    assert w.loc[0, "days_since"] == 70 and w.loc[0, "segment"] == "重要挽留"
    assert "召回" in w.loc[0, "action"]
    en = winback_list(rfm, items, lang="en")
    assert en.loc[0, "segment"].startswith("Big spenders") and "win-back" in en.loc[0, "action"]
    assert len(winback_list(rfm, items, rows=1)) == 1


def _items() -> pd.DataFrame:
    from retention.retention_shop import retention_tables

    return retention_tables()["order_items"]


def test_tiers_by_hand(now, tables):
    t = tier_summary(rfm_table(now, RUN), tables["customers"]).set_index("member_tier")
    # 金卡: a (280, 3 orders) + b (200, 1) -> 2 buyers, 480, one repeat buyer
    assert t.loc["金卡", ["members", "buyers"]].tolist() == [2, 2]
    assert t.loc["金卡", "spend_per_buyer"] == pytest.approx(240.0)
    assert t.loc["金卡", "repeat_rate"] == pytest.approx(0.5)
    # 普通: c, d and z (no purchase): 3 members, 2 buyers, 130 spend, d repeats
    assert t.loc["普通", ["members", "buyers"]].tolist() == [3, 2]
    assert t.loc["普通", "repeat_rate"] == pytest.approx(0.5)
    assert "f" not in t.index  # f has no tier


def test_nothing_after_the_run_date_reaches_the_results(tables, settings):
    r = retention_from(tables, RUN, settings)
    assert "e" not in set(r.rfm["customer_id"])
    assert r.purchases["paid_at"].max() < RUN + pd.Timedelta(days=1)
    assert r.cohorts["cohort"].max() <= RUN
    assert r.new_returning["month"].max() <= RUN
    # changing what happens after D changes nothing
    later = {k: v.copy() for k, v in tables.items()}
    later["orders"].loc[later["orders"]["order_id"] == "e1", "paid_amount"] = 9999.0
    r2 = retention_from(later, RUN, settings)
    pd.testing.assert_frame_equal(r.rfm, r2.rfm)


def test_dormant_share_by_hand(now):
    from helpers.retention.rfm import add_segments
    from helpers.retention.snapshot import dormant_share

    rfm = add_segments(rfm_table(now, RUN), dormant_days=60, recency_rule="mean")
    # all five bought within 365 days; b (70) and f (120) not in the last 60: 2 / 5
    assert dormant_share(rfm, dormant_days=60, base_days=365) == pytest.approx(0.4)
    # base of the last 100 days: a, b, c, d (f is 120 days old); dormant b: 1 / 4
    assert dormant_share(rfm, dormant_days=60, base_days=100) == pytest.approx(0.25)


def test_year_ago_figures_need_data_covering_that_window(tables, settings):
    # the shop starts in December 2025: a year before D nothing is known -> NaN, no alert
    from helpers.retention.payload import alerts

    r = retention_from(tables, RUN, settings)
    assert pd.isna(r.repeat_last_year.rate) and pd.isna(r.dormant_share_last_year)
    assert alerts(r).empty


def test_headline_payload_by_hand(tables, settings):
    from helpers.retention.payload import cohort_payload, headline

    r = retention_from(tables, RUN, settings)
    cohorts = {c["cohort"]: c for c in cohort_payload(r)}
    # 2026-01: a, b; a bought again in Feb (month 1); month 3 (April) is not reached yet
    assert cohorts["2026-01"] == {"cohort": "2026-01", "size": 2, "month_1": 0.5, "month_3": None}
    # 2025-12: f never came back; month 3 (March) is reached: 0
    assert cohorts["2025-12"]["month_3"] == 0.0
    h = headline(r)
    assert (h["customers"], h["window_buyers"], h["repeat_buyers"]) == (5, 4, 2)
    assert h["segment_movement"]["week"]["moved"] == 1
    assert h["segment_movement"]["week"]["flows"] == {"一般价值>一般保持": 1}
    # five customers, two repeat buyers: the likelihood runs away, the fit is refused and
    # no parameter of it reaches the summary (never numbers from a failed fit)
    assert h["model"]["status"] == "failed" and h["model"]["reason"]
    assert "bgnbd" not in h["model"] and h["predicted_value_90d"] is None
