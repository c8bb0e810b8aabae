"""The seasonal-baseline (anomaly) check on tiny hand-made facts.

Facts-like inputs come from :mod:`alert_facts` (shared with ``test_alerts.py``); every
expected trigger / non-trigger is worked out in the comments from literal numbers.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from alerts.alert_facts import RD, mk_facts, weekly_daily
from locations import ROOT

from helpers.alerts.anomaly import (
    PROMO_SKIP_NOTE,
    anomaly_alerts,
    floor_of,
    seasonal_baseline,
)
from helpers.alerts.rules import collect_alerts
from helpers.settings import Settings


def test_seasonal_baseline_one_step_ahead_and_masking():
    d = weekly_daily()
    s = d.set_index("date")["gmv"]
    base = seasonal_baseline(s, np.zeros(len(s), dtype=bool))
    assert list(base.columns) == ["date", "value", "expected", "resid", "z", "is_promo"]
    assert (base["date"] == d["date"]).all()
    # a forecast needs 3 weeks of history: days 0..20 have none, days 21..83 have one
    assert base["expected"].iloc[:21].isna().all() and base["expected"].iloc[21:].notna().all()
    assert np.allclose(base["value"].iloc[21:], (base["expected"] + base["resid"]).iloc[21:])
    # z needs 2 weeks of earlier one-step errors: scored from day 35, so the last 28+ days
    assert base["z"].iloc[:35].isna().all() and base["z"].iloc[35:].notna().all()
    # noise only: typical |z| under 1, the run date unremarkable
    assert base["z"].abs().median() < 1.0
    assert abs(base["z"].iloc[-1]) < 3.5
    # out of sample: the forecast of a day never reads that day (or later ones)
    s_cut = s.copy()
    s_cut.iloc[-1] *= 5
    assert seasonal_baseline(s_cut)["expected"].iloc[-1] == pytest.approx(base["expected"].iloc[-1])
    # score_days=1 scores the run date only, with the same z as the full run
    last = seasonal_baseline(s, score_days=1)
    assert last["z"].iloc[:-1].isna().all()
    assert last["z"].iloc[-1] == pytest.approx(base["z"].iloc[-1])
    # a festival triples days 60..65; masked, the forecasts stay near the weekly level there,
    # the festival days get no z, and what they sold never reaches any later forecast or
    # scale: the result equals the one with the same days masked but not tripled
    s2 = s.copy()
    s2.iloc[60:66] *= 3
    mask = np.zeros(len(s), dtype=bool)
    mask[60:66] = True
    b2 = seasonal_baseline(s2, mask)
    assert b2["is_promo"].sum() == 6
    assert (b2["expected"].iloc[60:66] < 1.2 * base["expected"].iloc[60:66]).all()
    assert b2["z"].iloc[60:66].isna().all()
    same = seasonal_baseline(s, mask)
    assert np.allclose(b2["expected"].iloc[21:], same["expected"].iloc[21:])
    assert np.allclose(b2["z"].iloc[66:], same["z"].iloc[66:])
    assert (b2["expected"].iloc[66:] < 1.2 * base["expected"].iloc[66:]).all()
    assert (b2["z"].iloc[66:].abs() < 3.5).all()


def sim_series(seed: int, noise: float | None = None) -> pd.Series:
    """Weekly pattern x (1 + Gaussian noise), 78..84 days (the run date's weekday varies)."""
    rng = np.random.default_rng(seed)
    n = 84 - int(rng.integers(0, 7))
    sd = rng.uniform(0.02, 0.10) if noise is None else noise
    pattern = np.tile([1.0, 1.1, 1.2, 1.0, 0.9, 1.4, 1.5], 13)[:n]
    values = 1000 * pattern * (1 + rng.normal(0, sd, n))
    return pd.Series(values, index=pd.date_range(end=RD, periods=n, freq="D"))


def test_seasonal_baseline_calibrated_on_pure_noise():
    # 300 seeded series of weekly pattern x Gaussian noise (2-10 %), no anomaly anywhere:
    # the run date's out-of-sample z should rarely pass the default threshold 3.5.
    # Measured with seeds 0..299: 0.0 % (0 / 300 beyond 3.5, largest |z| 3.14). A 4000-series
    # run (half of them with additive instead of multiplicative noise) gave 0.23 % (9 / 4000).
    # The old in-sample STL z gave 1-1.3 % on the same mix and 2.2-2.6 % when every run date
    # fell on the peak weekday.
    z = np.array(
        [seasonal_baseline(sim_series(seed), score_days=1)["z"].iloc[-1] for seed in range(300)]
    )
    assert np.isfinite(z).all()
    share = float(np.mean(np.abs(z) > 3.5))
    assert share < 0.01
    # the scale is about right: the spread of z is near 1 (not shrunk, not blown up)
    assert 0.8 < float(np.median(np.abs(z))) / 0.6745 < 1.25


def test_seasonal_baseline_flags_a_40_percent_drop():
    # 5 % noise, the run date 40 % below its own value: z near -0.4 / 0.05 = -8, far past 3.5
    for seed in range(10):
        s = sim_series(seed, noise=0.05)
        s.iloc[-1] *= 0.6
        z = seasonal_baseline(s, score_days=1)["z"].iloc[-1]
        assert z < -3.5, (seed, z)
    # through anomaly_alerts: UV (3 % noise) 40 % down on the run date
    d = weekly_daily()
    d.loc[d.index[-1], "uv"] *= 0.6
    (a,) = anomaly_alerts(mk_facts(d), Settings(), metrics=("uv",))
    assert a.value < a.reference and "低于" in a.message_zh and "below" in a.message_en


def test_burst_on_promo_day_not_flagged_and_does_not_leak():
    # a 双11-style burst: GMV x 4 on 3 festival days ending 2 days before the run date, then
    # ordinary days. The festival days are never flagged, and the forecasts of the ordinary
    # days after it (and the run date's scale) are the same as without the festival.
    d = weekly_daily()
    fest = d.copy()
    burst = fest.index[-5:-2]
    fest.loc[burst, "gmv"] *= 4
    fest.loc[burst, "phase"] = "burst"
    s = fest.set_index("date")["gmv"]
    mask = fest["phase"].notna().to_numpy()
    b = seasonal_baseline(s, mask)
    assert b["z"].iloc[-5:-2].isna().all()
    # same mask, no burst: identical forecasts and z for the two ordinary days after it
    quiet = seasonal_baseline(d.set_index("date")["gmv"], mask, score_days=2)
    post = seasonal_baseline(s, mask, score_days=2)
    assert np.allclose(post["expected"].iloc[-2:], quiet["expected"].iloc[-2:])
    assert np.allclose(post["z"].iloc[-2:], quiet["z"].iloc[-2:])
    assert (post["z"].iloc[-2:].abs() < 3.5).all()
    # as an alert check: the run date after the festival is ordinary -> nothing
    assert not anomaly_alerts(mk_facts(fest), Settings())
    # the run date on a burst day: not evaluated against the weekly baseline at all
    last_burst = fest["date"].iloc[-3]
    assert not anomaly_alerts(mk_facts(fest), Settings(), run_date=last_burst)
    sk = collect_alerts(mk_facts(fest), Settings(), run_date=last_burst).skipped
    assert PROMO_SKIP_NOTE in set(sk.loc[sk["rule"] == "anomaly", "reason"])


def test_anomaly_spike_flagged_but_not_on_promo_day():
    d = weekly_daily()
    assert not anomaly_alerts(mk_facts(d), Settings())  # the pattern alone raises nothing
    d.loc[d.index[-1], "gmv"] *= 1.8  # +80 % GMV on the run date
    (a,) = anomaly_alerts(mk_facts(d), Settings(), metrics=("gmv",))
    assert (a.rule, a.metric, a.scope) == ("anomaly", "gmv", "shop")
    assert a.value > a.reference and "高于" in a.message_zh
    # same spike on a promo (burst) day: compared with festivals, not the weekly baseline
    d.loc[d.index[-1], "phase"] = "burst"
    facts = mk_facts(d)
    assert not anomaly_alerts(facts, Settings())
    sk = collect_alerts(facts, Settings()).skipped
    assert PROMO_SKIP_NOTE in set(sk.loc[sk["rule"] == "anomaly", "reason"])


def test_anomaly_needs_five_weeks():
    # 35 days: 3 weeks to fit + 2 weeks of one-step errors leave no room for the run date
    facts = mk_facts(weekly_daily(35))
    assert not anomaly_alerts(facts, Settings())
    sk = collect_alerts(facts, Settings()).skipped
    assert sk.loc[sk["rule"] == "anomaly", "reason"].str.contains("at least 36 days").any()


# ------------------------------------------------------------------ module layout


@pytest.mark.parametrize("first", ["helpers.alerts.anomaly", "helpers.alerts.rules"])
def test_no_import_cycle(first):
    # either module imports first in a fresh interpreter, and the other one works after it
    code = (
        f"import {first}\n"
        "from helpers.alerts.rules import collect_alerts\n"
        "from helpers.alerts.anomaly import MIN_HISTORY_DAYS, anomaly_alerts\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_baseline_of_a_non_negative_series_never_goes_below_zero():
    # a shop falling 5 a day from 200 to 0 (weekly wiggle 0..15, floored at 0): the local
    # linear trend of the last weeks points below zero, so the raw forecast is negative
    n = 50
    wiggle = np.tile([0, 5, 10, 0, -5, 10, 15], 8)[:n]
    v = np.maximum(np.maximum(200 - 5 * np.arange(n), 0) + wiggle, 0).astype(float)
    s = pd.Series(v, index=pd.date_range("2026-01-01", periods=n))
    raw = seasonal_baseline(s, score_days=14)
    assert raw["expected"].min() < 0  # the band would dip below zero
    clipped = seasonal_baseline(s, score_days=14, lower=0.0)
    assert clipped["expected"].min() == 0.0
    # residuals follow the clipped forecast: value - max(expected, 0)
    assert np.allclose(
        clipped["resid"].dropna(), (v - np.maximum(raw["expected"], 0))[raw["expected"].notna()]
    )
    assert floor_of("gmv") == 0.0 and floor_of("cvr") == 0.0 and floor_of("profit") is None
