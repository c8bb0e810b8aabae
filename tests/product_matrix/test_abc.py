"""ABC cut-offs by hand: ties, zero and negative revenue, and concentration."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.product_matrix.abc import abc_classes, abc_table, concentration


def test_abc_cut_offs_by_hand():
    v = pd.Series({"a": 50.0, "b": 30.0, "c": 10.0, "d": 6.0, "e": 4.0, "z": 0.0})
    t = abc_classes(v, a=0.8, b=0.95)
    # T = 100. revenue ranked above each item ("before"): a 0, b 50, c 80, d 90, e 96, z 100
    # A: before < 80 -> a, b ; B: 80 <= before < 95 -> c, d ; C: e (96), z (zero revenue)
    assert t["abc"].to_dict() == {"a": "A", "b": "A", "c": "B", "d": "B", "e": "C", "z": "C"}
    assert t.loc["b", "cum_share"] == pytest.approx(0.8)
    assert t["rank"].tolist() == [1, 2, 3, 4, 5, 6]


def test_ties_never_split_across_classes():
    # T = 100; before: x 0, y 40, w 70, v 70 (tied with w) -> w and v both A (70 < 80)
    v = pd.Series({"x": 40.0, "y": 30.0, "w": 15.0, "v": 15.0})
    t = abc_classes(v, a=0.8, b=0.95)
    assert t.loc["w", "abc"] == t.loc["v", "abc"] == "A"
    # ties at the B edge: T = 100, before of p, q = 80 -> both B, r (before 90) B, s C
    v = pd.Series({"o": 80.0, "p": 5.0, "q": 5.0, "r": 6.0, "s": 4.0})
    t = abc_classes(v, a=0.8, b=0.95)
    # ranking: o 80, r 6, p 5, q 5, s 4; before: o 0, r 80, p 86, q 86 (tie), s 96
    assert t["abc"].to_dict() == {"o": "A", "r": "B", "p": "B", "q": "B", "s": "C"}


def test_negative_and_all_zero_revenue_are_c():
    t = abc_classes(pd.Series({"a": 10.0, "b": -5.0}))
    assert t["abc"].to_dict() == {"a": "A", "b": "C"}
    assert (abc_classes(pd.Series({"a": 0.0, "b": 0.0}))["abc"] == "C").all()


def test_bad_cut_offs_are_refused():
    with pytest.raises(ValueError):
        abc_classes(pd.Series({"a": 1.0}), a=0.9, b=0.8)


def test_abc_table_per_category_and_concentration():
    items = pd.DataFrame(
        {
            "sku_id": ["a", "b", "c", "d"],
            "category": ["x", "x", "y", "y"],
            "revenue": [60.0, 20.0, 15.0, 5.0],
            "gross_profit": [6.0, 10.0, 3.0, 1.0],
        }
    )
    t = abc_table(items).set_index("sku_id")
    # overall before: a 0, b 60, c 80, d 95 -> A A B C
    assert t["abc_revenue"].tolist() == ["A", "A", "B", "C"]
    # by profit (T = 20, A below 16, B below 19): b 10 first (before 0), a 6 (before 10),
    # c 3 (before 16 -> B), d 1 (before 19 -> C)
    assert t["abc_profit"].to_dict() == {"a": "A", "b": "A", "c": "B", "d": "C"}
    # within x: a (0) A, b (before 60 of 80 = 75 %) A; within y: c A, d (15 of 20) A
    assert t["abc_in_category"].tolist() == ["A", "A", "A", "A"]
    c = concentration(t.reset_index())
    # top 20 % of 4 items = ceil(0.8) = 1 item: 60 / 100
    assert c.top20_share == pytest.approx(0.6)
    # Gini, ascending x = 5, 15, 20, 60, n = 4: sum (2i - 5) x_i = -3x5 -1x15 +1x20 +3x60 = 170
    # 170 / (4 x 100) = 0.425
    assert c.gini == pytest.approx(0.425)
    assert c.a_items == 2


@given(
    st.lists(st.floats(min_value=-10, max_value=1e6, allow_nan=False), min_size=1, max_size=40),
    st.floats(min_value=0.05, max_value=1.0),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_abc_properties(values, a, extra):
    b = a + (1 - a) * extra
    s = pd.Series(values, index=[f"s{i}" for i in range(len(values))])
    t = abc_classes(s, a=a, b=b)
    order = {"A": 0, "B": 1, "C": 2}
    ranks = t["abc"].map(order).to_numpy()
    assert (np.diff(ranks) >= 0).all()  # classes never go back up along the ranking
    if (s > 0).any():
        assert t["abc"].iloc[0] == "A"
    assert (t.loc[t["value"] <= 0, "abc"] == "C").all()
    # equal values share a class
    assert t.groupby("value")["abc"].nunique().max() == 1
