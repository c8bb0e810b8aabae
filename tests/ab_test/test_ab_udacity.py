"""The public Udacity landing-page test read through the built-in mapping and the analysis,
against the published analysis of that data set ("Analyze A/B Test Results") and plain pandas
on the raw file.

Published figures: 3,893 rows where group and page disagree removed, 1 duplicated user
removed -> 290,584 unique users; conversion control 0.1204, treatment 0.1188; z = 1.31 and
one-sided p = 0.905 (H1: the new page converts better; statsmodels ``proportions_ztest`` with
control minus treatment), i.e. two-sided p = 0.19.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from locations import REALDATA

from helpers.ab_test import read_all
from helpers.intake import load_dataset
from helpers.settings import load_settings

RAW = REALDATA / "ab_test_udacity" / "ab_data.csv.gz"
if not RAW.is_file():
    pytest.skip(
        "../shared/realdata/ab_test_udacity not found: the public data sets are not beside "
        "the repository",
        allow_module_level=True,
    )

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def udacity(tmp_path_factory):
    """The data set through intake (a one-order shop beside it: orders are mandatory)."""
    folder = tmp_path_factory.mktemp("udacity")
    (folder / "ab_data.csv.gz").symlink_to(RAW)
    (folder / "orders.csv").write_text(
        "order_id,customer_id,created_at,paid_at,status,paid_amount\n"
        "O1,C1,2017-01-05 10:00:00,2017-01-05 10:00:00,completed,10\n"
    )
    (folder / "order_items.csv").write_text(
        "order_id,line_no,sku_id,quantity,unit_price\nO1,1,S1,1,10\n"
    )
    return load_dataset(folder, load_settings(None), mapping="ab_test_udacity", cache_dir=False)


@pytest.fixture(scope="module")
def reading(udacity):
    (r,) = read_all(udacity.tables["experiments"])
    return r


def test_mismatched_rows_are_quarantined_with_the_reason(udacity):
    q = udacity.quarantine
    q = q[q["table"] == "experiments"]
    by_reason = q.groupby("reason").size()
    # control shown new_page 1,928 + treatment shown old_page 1,965 = 3,893 rows
    assert by_reason["control visitor shown the new page (group and page disagree)"] == 1928
    assert by_reason["treatment visitor shown the old page (group and page disagree)"] == 1965
    # 294,478 rows read - 3,893 quarantined = 290,585 rows kept (one user twice)
    assert len(udacity.tables["experiments"]) == 294478 - 3893


def test_cleaned_counts_and_rates_match_the_published_analysis(reading):
    c = reading.conversion
    # 290,585 rows - 1 duplicated user = 290,584 users: control 145,274, treatment 145,310
    assert c.n_control + c.n_treatment == 290584
    assert (c.n_control, c.n_treatment) == (145274, 145310)
    # control 17,489 / 145,274 = 0.120386; treatment 17,264 / 145,310 = 0.118808
    assert round(c.cvr_control, 4) == 0.1204
    assert round(c.cvr_treatment, 4) == 0.1188
    assert c.cvr_control == 17489 / 145274 and c.cvr_treatment == 17264 / 145310


def test_z_and_p_match_the_published_analysis(reading):
    c = reading.conversion
    # pooled p = 34,753 / 290,584 = 0.119597; se = √(0.119597·0.880403·(1/145274 + 1/145310))
    #          = 0.00120393; z = (0.118808 − 0.120386) / 0.00120393 = −1.3109
    pooled = (17489 + 17264) / 290584
    se = math.sqrt(pooled * (1 - pooled) * (1 / 145274 + 1 / 145310))
    assert c.z == pytest.approx((17264 / 145310 - 17489 / 145274) / se)
    assert round(-c.z, 2) == 1.31  # published: control minus treatment
    # two-sided p = 2·Φ(−1.3109) = 0.18988; one-sided (new better) p = Φ(1.3109) = 0.90506
    assert c.p_value == pytest.approx(0.18988, abs=1e-5)
    one_sided = 1 - c.p_value / 2  # the observed difference is negative
    assert round(one_sided, 3) == 0.905
    assert c.ci_low < 0 < c.ci_high


def test_verdict_is_do_not_ship_without_a_mismatch(reading):
    # 145,274 vs 145,310 planned 50/50: chi2 = 2·18²/145292 = 0.00446, p = 0.947
    assert reading.ratio.chi2 == pytest.approx(2 * 18**2 / 145292)
    assert not reading.ratio.mismatch
    assert reading.reached  # plan for +10 % of 0.1204 needs about 12,000 per variant
    assert (reading.verdict, reading.reason) == ("dont_ship", "no_difference")
    assert reading.revenue is None and not reading.guardrails.available


def test_same_figures_from_plain_pandas_on_the_raw_file():
    raw = pd.read_csv(RAW)
    agree = (raw["group"] == "treatment") == (raw["landing_page"] == "new_page")
    clean = raw[agree].drop_duplicates("user_id")
    rates = clean.groupby("group")["converted"].agg(["sum", "count"])
    assert len(clean) == 290584
    assert rates.loc["control"].tolist() == [17489, 145274]
    assert rates.loc["treatment"].tolist() == [17264, 145310]
