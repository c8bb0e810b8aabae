"""Support, confidence and lift on a tiny basket set, by hand."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.product_matrix.baskets import basket_lines, item_pairs

BASKETS = {
    "o1": ["A", "B"],
    "o2": ["A", "B", "C"],
    "o3": ["A", "C"],
    "o4": ["B"],
    "o5": ["A", "B"],
    "o6": ["D"],
}


def _lines(baskets=BASKETS) -> pd.DataFrame:
    return pd.DataFrame(
        [(o, s) for o, items in baskets.items() for s in items], columns=["order_id", "sku_id"]
    )


def test_lift_by_hand():
    p = item_pairs(_lines(), min_orders=1).set_index(["sku_a", "sku_b"])
    # N = 6 orders; n_A = 4, n_B = 4, n_C = 2; n_AB = 3 (o1, o2, o5), n_AC = 2, n_BC = 1
    ab = p.loc[("A", "B")]
    assert ab["orders_ab"] == 3
    assert ab["support"] == pytest.approx(3 / 6)
    assert ab["confidence_a_b"] == pytest.approx(3 / 4)
    assert ab["lift"] == pytest.approx(3 * 6 / (4 * 4))  # 1.125
    ac = p.loc[("A", "C")]
    assert ac["lift"] == pytest.approx(2 * 6 / (4 * 2))  # 1.5
    assert ac["confidence_b_a"] == pytest.approx(1.0)  # every C order holds A
    bc = p.loc[("B", "C")]
    assert bc["lift"] == pytest.approx(1 * 6 / (4 * 2))  # 0.75
    assert len(p) == 3  # D is never bought with anything
    assert list(p.index)[0] == ("A", "C")  # highest lift first


def test_min_orders_drops_rare_pairs_and_items():
    p = item_pairs(_lines(), min_orders=3)
    assert p[["sku_a", "sku_b"]].values.tolist() == [["A", "B"]]


def test_basket_lines_cut_at_the_run_date():
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3"],
            "paid_at": pd.to_datetime(["2026-03-30 10:00", "2026-03-31 23:59", "2026-04-01 00:01"]),
        }
    )
    items = pd.DataFrame(
        {"order_id": ["o1", "o1", "o1", "o2", "o3"], "sku_id": ["A", "A", "POST", "B", "C"]}
    )
    lines = basket_lines(
        orders, items, end=pd.Timestamp("2026-03-31"), days=30, exclude=pd.Series(["POST"])
    )
    # o3 was paid after the run date; POST is not goods; A twice in o1 counts once
    assert lines.values.tolist() == [["o1", "A"], ["o2", "B"]]


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.text("abcdefgh", min_size=1, max_size=3),
        st.sets(st.sampled_from("PQRSTU"), min_size=1, max_size=4),
        min_size=1,
        max_size=25,
    )
)
def test_pair_counts_match_brute_force(baskets):
    lines = _lines({k: sorted(v) for k, v in baskets.items()})
    p = item_pairs(lines, min_orders=1)
    brute = {}
    for items in baskets.values():
        for a, b in itertools.combinations(sorted(items), 2):
            brute[(a, b)] = brute.get((a, b), 0) + 1
    got = {(r.sku_a, r.sku_b): r.orders_ab for r in p.itertuples()}
    assert got == brute
    assert (p["confidence_a_b"] <= 1).all() and (p["support"] <= 1).all()
