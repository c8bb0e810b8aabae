"""The verdict: SRM blocks it, too small a sample keeps it running, guardrails veto it."""

from __future__ import annotations

import pandas as pd
from ab_test.conftest import day_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.ab_test.verdict import read_all, read_experiment


def test_clear_winner_ships(winner):
    # CVR 0.10 -> 0.13 on 20,000 each. Plan for +10 % of 0.10 (target 0.11):
    # h = 2·asin√0.11 − 2·asin√0.10 = 0.0326294; n = 2·(2.801585 / 0.0326294)² = 2·7372.07
    #   = 14744.1 -> 14,745 per variant, reached by 20,000
    (r,) = read_experiment(winner)
    assert r.plan.n_control == 14745
    assert r.reached and not r.ratio.mismatch
    assert r.verdict == "ship" and r.reason == "significant_win"
    assert r.conversion.diff > 0 and r.conversion.p_value < 1e-10
    assert r.revenue.method == "welch_daily"
    assert not r.guardrails.available


def test_sample_ratio_mismatch_blocks_the_verdict(srm_winner):
    # 20,000 vs 24,000 planned 50/50: expected 22,000 each;
    # chi2 = 2·2000²/22000 = 363.6 -> p ≈ 0 < 0.001: blocked although the lift is significant
    (r,) = read_experiment(srm_winner)
    assert r.ratio.chi2 == 2 * 2000**2 / 22000
    assert r.conversion.p_value < 0.05
    assert r.verdict == "blocked" and r.reason == "srm"
    # planned 45/55 on purpose (treatment share 24,000 / 44,000 = 0.545): no mismatch
    (ok,) = read_experiment(srm_winner, planned_share=24000 / 44000)
    assert ok.verdict == "ship"
    # the planned_share column of the table overrides the option
    (col,) = read_experiment(srm_winner.assign(planned_share=24000 / 44000))
    assert col.verdict == "ship"


def test_too_small_a_sample_keeps_running(winner):
    # two days only: 4,000 per variant < 14,745 planned -> peeking, keep running
    (r,) = read_experiment(winner[winner["date"] < "2026-03-03"])
    assert r.conversion.n_control == 4000
    assert not r.reached
    assert r.verdict == "keep_running"


def test_no_difference_and_a_loss_do_not_ship(winner):
    flat = winner.assign(conversions=200)
    assert read_experiment(flat)[0].reason == "no_difference"
    loss = winner.assign(conversions=winner["variant"].map({"control": 260, "treatment": 200}))
    assert read_experiment(loss)[0].reason == "significant_loss"


def test_refund_guardrail_vetoes_a_winner():
    rows = pd.DataFrame(
        day_rows("e", "control", 10, 2000, 200, 20000.0, orders=200, refunded_orders=10)
        + day_rows("e", "treatment", 10, 2000, 260, 26500.0, orders=260, refunded_orders=26)
    )
    # refund rate control 100/2000 = 0.05, treatment 260/2600 = 0.10: +5 points > 2 points
    (r,) = read_experiment(rows)
    assert r.guardrails.available
    assert r.guardrails.refund_rate_treatment - r.guardrails.refund_rate_control == 0.05
    # AOV control 200,000 / 2,000 = 100; treatment 265,000 / 2,600 = 101.92
    assert r.guardrails.aov_control == 100.0
    assert r.verdict == "dont_ship" and r.reason == "refund_guardrail"
    assert read_experiment(rows, refund_tolerance=0.06)[0].verdict == "ship"


def test_read_all_covers_every_experiment(winner, srm_winner):
    both = pd.concat([winner, srm_winner.assign(experiment="checkout")])
    verdicts = {r.experiment: r.verdict for r in read_all(both)}
    assert verdicts == {"banner": "ship", "checkout": "blocked"}
    assert read_all(pd.DataFrame()) == []
    assert read_experiment(winner.assign(variant=winner["variant"].str.upper())) == []


@settings(max_examples=40, deadline=None)
@given(
    n_c=st.integers(1000, 50000),
    skew=st.floats(1.2, 2.0),
    cvr_c=st.floats(0.01, 0.3),
    cvr_t=st.floats(0.01, 0.3),
)
def test_a_broken_split_always_blocks(n_c, skew, cvr_c, cvr_t):
    # treatment gets 1.2x .. 2x the control's visitors against a planned 50/50 split:
    # chi2 >= 2·(0.1·n)²/(1.1·n)... far above the 0.001 cut-off for n >= 1000
    n_t = int(n_c * skew)
    rows = pd.DataFrame(
        day_rows("e", "control", 1, n_c, int(n_c * cvr_c), 0.0)
        + day_rows("e", "treatment", 1, n_t, int(n_t * cvr_t), 0.0)
    )
    (r,) = read_experiment(rows)
    assert r.ratio.mismatch and r.verdict == "blocked"
