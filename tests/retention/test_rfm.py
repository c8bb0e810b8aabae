"""RFM, scores, segments and purchases on the hand-made retention shop (conftest.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from retention.retention_shop import RUN

from helpers.retention.purchases import purchases
from helpers.retention.rfm import (
    SEGMENTS,
    add_scores,
    add_segments,
    cutoff_scores,
    quantile_scores,
    rfm_table,
    segment_summary,
)


def test_purchases_cut_guests_future_and_refunds(bought):
    ids = set(bought["order_id"])
    # g1 is a guest order, e1 was paid after the run date: neither is a customer purchase
    assert "g1" not in ids and "e1" not in ids
    by = bought.set_index("order_id")
    # a2: 50 paid, 20 refunded -> net 30, still kept
    assert by.loc["a2", "net_amount"] == pytest.approx(30.0)
    assert by.loc["a2", "kept"]
    # c1 and x1 refunded in full -> not kept; the complaint on b1 carries no money
    assert not by.loc["c1", "kept"] and not by.loc["x1", "kept"]
    assert by.loc["b1", "net_amount"] == pytest.approx(200.0)


def test_refund_requested_after_the_run_date_is_not_known(tables):
    # as of 03-01 (cutoff 03-02) c1's refund (requested 03-05) is in the future: c1 is kept
    early = purchases(tables, "2026-03-01").set_index("order_id")
    assert early.loc["c1", "kept"] and early.loc["c1", "net_amount"] == pytest.approx(80.0)
    assert "c2" not in early.index  # paid 03-15, after that date


def test_rfm_by_hand(now):
    rfm = rfm_table(now, RUN).set_index("customer_id")
    # e (only order after D) and x (only order refunded in full) are no customers
    assert list(rfm.index) == ["a", "b", "c", "d", "f"]
    # R = D - last day: a 03-31 - 03-30 = 1; b Jan 20 -> Mar 31 = 11 + 28 + 31 = 70;
    # c 03-15 -> 16; d Feb 1 -> Mar 31 = 27 + 31 = 58; f Dec 1 -> Mar 31 = 30 + 31 + 28 + 31
    assert rfm["recency_days"].to_dict() == {"a": 1, "b": 70, "c": 16, "d": 58, "f": 120}
    # F = kept orders: d's two same-day orders both count; c1 refunded in full does not
    assert rfm["frequency"].to_dict() == {"a": 3, "b": 1, "c": 1, "d": 2, "f": 1}
    # M = net spend: a 100 + (50 - 20) + 150 = 280; d 60 + 30 = 90
    assert rfm["monetary"].to_dict() == {"a": 280.0, "b": 200.0, "c": 40.0, "d": 90.0, "f": 20.0}
    assert rfm.loc["a", "aov"] == pytest.approx(280 / 3)


def test_quantile_scores_share_ties():
    # ranks (min) [1, 1, 3, 4] of 4, 2 bins: 1 + floor(2 * (rank - 1) / 4) -> 1, 1, 2, 2
    s = quantile_scores(pd.Series([10, 10, 20, 30]), 2)
    assert s.tolist() == [1, 1, 2, 2]
    # four one-order customers share the lowest rank; the fifth gets 1 + floor(5 * 4 / 5) = 5
    assert quantile_scores(pd.Series([1, 1, 1, 1, 9]), 5).tolist() == [1, 1, 1, 1, 5]
    # lower is better (recency): 3 days is the best of [3, 30, 30]
    assert quantile_scores(pd.Series([3, 30, 30]), 3, higher_is_better=False).tolist() == [3, 1, 1]


def test_cutoff_scores():
    days = pd.Series([0, 30, 31, 90, 91])
    # recency: 1 + #(cut-offs >= value) with cut-offs (30, 90)
    assert cutoff_scores(days, (30, 90), higher_is_better=False).tolist() == [3, 3, 2, 2, 1]
    # frequency: 1 + #(cut-offs <= value)
    assert cutoff_scores(pd.Series([1, 2, 5]), (2, 5)).tolist() == [1, 2, 3]


def test_scores_by_hand(now):
    rfm = add_scores(rfm_table(now, RUN), bins=5).set_index("customer_id")
    # N = 5 and 5 bins: score = rank (min) except among ties.
    # R best first: a 1 < c 16 < d 58 < b 70 < f 120 -> a5 c4 d3 b2 f1
    # F: [3, 1, 1, 2, 1] -> ones share rank 1, d rank 4, a rank 5
    # M: f20 < c40 < d90 < b200 < a280 -> f1 c2 d3 b4 a5
    assert rfm["rfm_score"].to_dict() == {
        "a": "555",
        "b": "214",
        "c": "412",
        "d": "343",
        "f": "111",
    }


def test_configured_cutoffs_replace_quantiles(now):
    rfm = add_scores(rfm_table(now, RUN), cutoffs={"frequency": (2, 3)}).set_index("customer_id")
    assert rfm["f_score"].to_dict() == {"a": 3, "b": 1, "c": 1, "d": 2, "f": 1}


def test_eight_way_and_simple_segments_by_hand(now):
    seg = add_segments(
        rfm_table(now, RUN), dormant_days=60, high_value_quantile=0.8, recency_rule="mean"
    )
    seg = seg.set_index("customer_id")
    # means R 53, F 1.6, M 126: a HHH, b LLH, c HLL, d LHL, f LLL
    assert seg["segment"].to_dict() == {
        "a": "重要价值",
        "b": "重要挽留",
        "c": "一般发展",
        "d": "一般保持",
        "f": "一般挽留",
    }
    # dormant: R > 60 (b 70, f 120); the 0.8 quantile of M [20, 40, 90, 200, 280] is
    # 200 + 0.2 * 80 = 216: only a is high-value
    assert seg["simple_segment"].to_dict() == {
        "a": "高价值",
        "b": "沉睡",
        "c": "潜力",
        "d": "潜力",
        "f": "沉睡",
    }


def test_median_rule(now):
    seg = add_segments(rfm_table(now, RUN), high_low="median", recency_rule="median").set_index(
        "customer_id"
    )
    # medians: R 58, F 1, M 90 -> a HHH; b L L H; c H L L; d L H L (58 is not < 58); f LLL
    assert seg.loc["d", "segment"] == "一般保持"
    assert seg.loc["c", "segment"] == "一般发展"


def test_dormant_recency_rule_by_hand(now):
    # default rule: R high = not dormant (R <= 60): a 1, c 16, d 58; b 70 and f 120 are low.
    # d (R high, F 2 > 1.6, M 90 < 126) becomes 一般价值; the dormant ones keep R low
    seg = add_segments(rfm_table(now, RUN), dormant_days=60).set_index("customer_id")
    assert seg["segment"].to_dict() == {
        "a": "重要价值",
        "b": "重要挽留",
        "c": "一般发展",
        "d": "一般价值",
        "f": "一般挽留",
    }
    # every dormant customer sits in a keep / win-back segment (R low)
    dormant = seg.loc[seg["simple_segment"] == "沉睡", "segment"]
    assert dormant.str.endswith(("保持", "挽留")).all()


def test_segment_summary_by_hand(now):
    seg = add_segments(rfm_table(now, RUN), dormant_days=60, recency_rule="mean")
    s = segment_summary(seg).set_index("segment")
    assert list(s.index) == list(SEGMENTS)  # every segment, even empty ones
    assert s["customers"].sum() == 5
    # 重要价值 = a: revenue 280 of 630, 3 orders -> aov 280 / 3
    assert s.loc["重要价值", "revenue_share"] == pytest.approx(280 / 630)
    assert s.loc["重要价值", "aov"] == pytest.approx(280 / 3)
    assert s.loc["重要发展", "customers"] == 0 and pd.isna(s.loc["重要发展", "aov"])
    simple = segment_summary(seg, by="simple_segment").set_index("segment")
    # dormant b + f: 2 of 5 customers, 220 of 630
    assert simple.loc["沉睡", "customer_share"] == pytest.approx(0.4)
    assert simple.loc["沉睡", "revenue"] == pytest.approx(220.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=40), st.integers(2, 6))
def test_quantile_scores_are_monotone_and_in_range(values, bins):
    s = pd.Series(values)
    scores = quantile_scores(s, bins)
    assert scores.between(1, bins).all()
    order = s.sort_values(kind="mergesort").index
    assert scores[order].is_monotonic_increasing
    # equal values, equal scores
    assert (scores.groupby(s).nunique() == 1).all()


def test_zero_value_order_is_a_purchase_and_full_refund_is_not():
    orders = pd.DataFrame(
        {
            "order_id": ["z1", "z2", "z3"],
            "customer_id": ["a", "a", "b"],
            "created_at": pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-03"]),
            "paid_at": pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-03"]),
            "paid_amount": [0.0, 10.0, 10.0],
        }
    )
    after_sales = pd.DataFrame(
        {
            "case_id": ["r"],
            "order_id": ["z3"],
            "requested_at": pd.to_datetime(["2026-03-04"]),
            "refund_amount": [15.0],  # more than paid: capped at the paid 10
            "type": ["return"],
        }
    )
    p = purchases({"orders": orders, "after_sales": after_sales}, "2026-03-05")
    p = p.set_index("order_id")
    # z1: a free order without refund is a purchase; z3: refunded in full is not
    assert p["kept"].to_dict() == {"z1": True, "z2": True, "z3": False}
    assert p.loc["z3", "refund"] == 10.0 and p.loc["z3", "net_amount"] == 0.0
