"""The faster paths of the retention theme give the same numbers as the plain definitions:
purchases at earlier dates cut from one history, the likelihoods evaluated per distinct
value, the days to the second order without a string sort."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from retention.retention_shop import RUN

from helpers.facts import as_of
from helpers.retention.clv import (
    BgNbdLikelihood,
    GammaGammaLikelihood,
    bgnbd_loglik,
    gamma_gamma_loglik,
)
from helpers.retention.cohorts import days_to_second
from helpers.retention.purchases import purchase_history, purchases

DAY0 = pd.Timestamp("2026-01-01")


def test_history_cuts_like_the_tables(tables):
    history = purchase_history(tables, RUN)
    for day in pd.date_range("2025-11-30", RUN, freq="D"):
        pd.testing.assert_frame_equal(history.at(day), purchases(tables, day), check_exact=True)


def test_history_refuses_a_later_date(tables):
    history = purchase_history(tables, "2026-02-01")
    try:
        history.at(RUN)
    except ValueError as exc:
        assert "after" in str(exc)
    else:  # pragma: no cover - the assertion below names the failure
        raise AssertionError("a date after the history must be refused")


def test_history_at_an_earlier_date_by_hand(tables):
    # as of 2026-02-12: a1, b1, d1, d2, a2, f1 paid; a2's refund (requested 02-15) unknown yet,
    # so a2 is kept at its full 50; c1 is not paid yet
    got = purchase_history(tables, RUN).at("2026-02-12").set_index("order_id")
    assert sorted(got.index) == ["a1", "a2", "b1", "d1", "d2", "f1"]
    assert got.loc["a2", "refund"] == 0.0 and got.loc["a2", "net_amount"] == 50.0


@st.composite
def shops(draw):
    """Orders (some created later than paid, some without creation time, some without a
    customer) and after-sales cases (some without an order, some complaints)."""
    n = draw(st.integers(1, 25))
    paid = draw(st.lists(st.integers(0, 40 * 24), min_size=n, max_size=n))
    lag = draw(st.lists(st.sampled_from([None, -30, 0, 5, 30]), min_size=n, max_size=n))
    who = draw(st.lists(st.sampled_from(["a", "b", "c", None]), min_size=n, max_size=n))
    amount = draw(st.lists(st.sampled_from([0.0, 10.0, 25.5]), min_size=n, max_size=n))
    paid_at = [DAY0 + pd.Timedelta(hours=h) for h in paid]
    orders = pd.DataFrame(
        {
            "order_id": [f"o{i:02d}" for i in range(n)],
            "customer_id": pd.Series(who, dtype="str"),
            "paid_at": pd.to_datetime(paid_at),
            "created_at": pd.to_datetime(
                [
                    p - pd.Timedelta(hours=h) if h is not None else pd.NaT
                    for p, h in zip(paid_at, lag, strict=True)
                ]
            ),
            "paid_amount": amount,
        }
    )
    k = draw(st.integers(0, 8))
    cases = pd.DataFrame(
        {
            "case_id": [f"r{i}" for i in range(k)],
            "order_id": pd.Series(
                draw(
                    st.lists(st.sampled_from([*orders["order_id"], None]), min_size=k, max_size=k)
                ),
                dtype="str",
            ),
            "requested_at": [
                DAY0 + pd.Timedelta(hours=h)
                for h in draw(st.lists(st.integers(0, 45 * 24), min_size=k, max_size=k))
            ],
            "refund_amount": draw(
                st.lists(st.sampled_from([5.0, 10.0, 30.0]), min_size=k, max_size=k)
            ),
            "type": draw(
                st.lists(st.sampled_from(["refund_only", "complaint"]), min_size=k, max_size=k)
            ),
        }
    )
    cases["requested_at"] = pd.to_datetime(cases["requested_at"])
    return {"orders": orders, "after_sales": cases}


@settings(max_examples=60, deadline=None)
@given(shops(), st.integers(0, 40))
def test_history_equals_purchases_property(tables, back):
    run = DAY0 + pd.Timedelta(days=40)
    day = run - pd.Timedelta(days=back)
    got = purchase_history(tables, run).at(day)
    pd.testing.assert_frame_equal(got, purchases(tables, day), check_exact=True)
    # and no order known only after the date slipped in
    cut = as_of(tables, day)["orders"]
    assert set(got["order_id"]) <= set(cut["order_id"])


@settings(max_examples=40, deadline=None)
@given(shops())
def test_days_to_second_definition(tables):
    bought = purchases(tables, DAY0 + pd.Timedelta(days=40))
    got = days_to_second(bought)
    # the definition: order each customer's purchases by time, second day - first day
    expected = {}
    for who, rows in bought.sort_values(["paid_at", "order_id"]).groupby("customer_id"):
        if len(rows) >= 2:
            expected[who] = (rows["date"].iloc[1] - rows["date"].iloc[0]).days
    assert got.to_dict() == expected
    assert list(got.index) == sorted(expected)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 60), st.integers(0, 60)), min_size=1),
    st.lists(st.floats(0.05, 20.0), min_size=4, max_size=4),
)
def test_likelihoods_identical(rows, params):
    x = np.array([r[0] for r in rows], dtype="float64")
    T = np.array([max(r[1], r[2]) for r in rows], dtype="float64") / 7
    tx = np.where(x > 0, np.array([min(r[1], r[2]) for r in rows]) / 7, 0.0)
    p = np.array(params)
    assert np.array_equal(BgNbdLikelihood(x, tx, T)(p), bgnbd_loglik(p, x, tx, T), equal_nan=True)
    repeat = x > 0
    if repeat.any():
        m = 1.0 + T[repeat] * 3.5
        g = GammaGammaLikelihood(x[repeat], m)(p[:3])
        assert np.array_equal(g, gamma_gamma_loglik(p[:3], x[repeat], m), equal_nan=True)


def test_refund_of_a_repeated_order_id(tables):
    # an order id exported twice (two rows for a2): each row is matched by id, as the
    # definition says, so both carry a2's 20 refund
    orders = tables["orders"]
    twice = pd.concat([orders, orders.loc[orders["order_id"] == "a2"]], ignore_index=True)
    got = purchases({**tables, "orders": twice}, RUN)
    a2 = got.loc[got["order_id"] == "a2"]
    assert len(a2) == 2 and a2["refund"].tolist() == [20.0, 20.0]
    earlier = purchase_history({**tables, "orders": twice}, RUN).at("2026-02-20")
    assert earlier.loc[earlier["order_id"] == "a2", "refund"].tolist() == [20.0, 20.0]
