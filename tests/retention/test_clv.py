"""The buy-till-you-die models: inputs, likelihoods and predictions by hand, the failure
paths, and the published CDNOW results (Fader, Hardie & Lee 2005) within 1 %."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from locations import REALDATA
from retention.retention_shop import RUN

from helpers.retention.clv import (
    BgNbd,
    GammaGamma,
    ModelFitError,
    bgnbd_loglik,
    btyd_summary,
    expected_purchases,
    expected_spend,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma_loglik,
    probability_alive,
)
from helpers.retention.value import forecast_value, holdout_check

CDNOW = REALDATA / "cdnow" / "CDNOW_sample.txt"
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def test_summary_by_hand(now):
    s = btyd_summary(now, RUN).set_index("customer_id")
    # a: purchase days 01-05, 02-10, 03-30 -> x = 2; t_x = 84 days = 12 weeks;
    # T = 03-31 - 01-05 = 85 days; mean repeat value (30 + 150) / 2 = 90 (net of refunds)
    assert s.loc["a", "frequency"] == 2
    assert s.loc["a", "recency"] == pytest.approx(12.0)
    assert s.loc["a", "T"] == pytest.approx(85 / 7)
    assert s.loc["a", "monetary"] == pytest.approx(90.0)
    # d: two orders on one day are one purchase occasion -> x = 0, monetary 0
    assert s.loc["d", ["frequency", "recency", "monetary"]].tolist() == [0, 0.0, 0.0]
    assert s.loc["d", "T"] == pytest.approx(58 / 7)


def test_bgnbd_likelihood_by_hand():
    # x = 0: LL = r log(alpha / (alpha + T)); r = 1, alpha = 2, T = 2 -> log(1/2)
    ll0 = bgnbd_loglik(
        np.array([1.0, 2.0, 1.0, 1.0]), np.array([0.0]), np.array([0.0]), np.array([2.0])
    )
    assert ll0[0] == pytest.approx(math.log(0.5))
    # x = 1, t_x = 1, T = 2, r = alpha = a = b = 1:
    # B(1, 2)/B(1, 1) = 1/2; G(2)/G(1) = 1; [(1+2)^-2 + 1/1 * (1+1)^-2] = 1/9 + 1/4 = 13/36
    ll1 = bgnbd_loglik(np.ones(4), np.array([1.0]), np.array([1.0]), np.array([2.0]))
    assert ll1[0] == pytest.approx(math.log(13 / 72))


def test_alive_and_expected_by_hand():
    m = BgNbd(r=1.0, alpha=1.0, a=1.0, b=1.0, loglik=0.0, customers=1)
    # 1 / (1 + a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)) = 1 / (1 + (3/2)^2) = 4/13
    assert probability_alive(m, 1, 1.0, 2.0)[()] == pytest.approx(4 / 13)
    assert probability_alive(m, 0, 0.0, 5.0)[()] == pytest.approx(1.0)
    m2 = BgNbd(r=2.0, alpha=3.0, a=2.0, b=4.0, loglik=0.0, customers=1)
    # a new customer (x = 0, T = 0) expects the unconditional E[X(t)]:
    # (a+b-1)/(a-1) * [1 - (alpha/(alpha+t))^r * 2F1(r, b; a+b-1; t/(alpha+t))]
    from scipy.special import hyp2f1

    t = 3.0
    unconditional = 5.0 * (1 - (3 / 6) ** 2 * hyp2f1(2, 4, 5, 0.5))
    assert expected_purchases(m2, t, 0, 0.0, 0.0)[()] == pytest.approx(unconditional)
    assert expected_purchases(m2, 0.0, 3, 2.0, 5.0)[()] == pytest.approx(0.0)


def test_gamma_gamma_by_hand():
    g = GammaGamma(p=1.0, q=2.0, gamma=10.0, loglik=0.0, customers=1)
    # p (gamma + x m) / (p x + q - 1) = (10 + 2 * 5) / (2 + 2 - 1) = 20/3
    assert expected_spend(g, 2, 5.0)[()] == pytest.approx(20 / 3)
    # x = 1, m = 1, p = q = gamma = 1: lgG(2) - lgG(1) - lgG(1) + 0 + 0 + 0 - 2 log 2
    ll = gamma_gamma_loglik(np.ones(3), np.array([1.0]), np.array([1.0]))
    assert ll[0] == pytest.approx(-2 * math.log(2))


def test_no_repeat_buyers_is_a_fit_error():
    s = pd.DataFrame(
        {"customer_id": ["a"], "frequency": [0], "recency": [0.0], "T": [3.0], "monetary": [0.0]}
    )
    with pytest.raises(ModelFitError):
        fit_bgnbd(s)
    with pytest.raises(ModelFitError):
        fit_gamma_gamma(s)


def test_thin_data_falls_back_to_historic_value(now):
    f = forecast_value(now, now, RUN, min_repeat_buyers=30)
    assert f.status == "thin" and not f.fitted
    assert f.purchases is None and f.customers.empty
    assert "30" in f.reason[0] and "historic" in f.reason[1]


def test_holdout_groups_by_hand():
    cal = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "frequency": [0, 0, 9],
            "recency": [0.0, 0.0, 5.0],
            "T": [10.0, 10.0, 10.0],
            "monetary": [0.0, 0.0, 1.0],
        }
    )
    m = BgNbd(r=1.0, alpha=1.0, a=2.0, b=2.0, loglik=0.0, customers=3)
    h = holdout_check(cal, m, pd.Series({"a": 2, "c": 1}), 14).set_index("group")
    assert h.loc["0", "customers"] == 2 and h.loc["0", "actual"] == pytest.approx(1.0)
    assert h.loc["7+", "actual"] == pytest.approx(1.0)


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    if not CDNOW.is_file():
        pytest.skip(
            "../shared/realdata/cdnow not found: the CDNOW sample is not beside the repository"
        )
    df = pd.read_csv(
        CDNOW,
        sep=r"\s+",
        header=None,
        names=["customer_id", "sample_id", "date", "cds", "dollars"],
        dtype={"customer_id": str, "date": str},
    )
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df


@pytest.mark.realdata
def test_cdnow_published_parameters_within_one_percent(cdnow):
    s = btyd_summary(cdnow, "1997-09-30", amount="dollars")
    # the paper's sample: 2,357 customers, 946 of them repeat buyers in the 39 weeks
    assert len(s) == 2357 and int((s["frequency"] > 0).sum()) == 946
    bg = fit_bgnbd(s)
    for name, value in PUBLISHED_BGNBD.items():
        assert bg.params()[name] == pytest.approx(value, rel=0.01), name
    assert bg.unit == "week"
    gg = fit_gamma_gamma(s)
    for name, value in PUBLISHED_GG.items():
        assert gg.params()[name] == pytest.approx(value, rel=0.01), name
