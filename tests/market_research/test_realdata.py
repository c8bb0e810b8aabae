"""Market research figures on the Olist shop against independent pandas on the raw files.

The playbook side goes through intake (the built-in Olist mapping), the facts and the
theme's computations. The raw side reads the public CSVs with plain pandas: a buyer is a
``customer_unique_id`` with an order approved (paid) by the end of the run date, the region
is ``customer_state``, the money is the sum of the order's ``payment_value``.
"""

from __future__ import annotations

import pandas as pd
import pytest
from batch_runs import OLIST_DIR, OLIST_RUN_DATE
from locations import REALDATA

from helpers.context import load_context
from helpers.market_research import build_research
from helpers.market_research.theme import MarketResearchSettings

if not REALDATA.is_dir():
    pytest.skip(
        "../shared/realdata not found: the public data sets are not beside the repository",
        allow_module_level=True,
    )

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def research(tmp_path_factory):
    ctx = load_context(
        OLIST_DIR, run_date=OLIST_RUN_DATE, cache_dir=str(tmp_path_factory.mktemp("olist"))
    )
    return build_research(ctx.dataset.tables, ctx.facts, MarketResearchSettings())


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """Paid orders up to the run date with the buyer, the state and the money paid."""
    orders = pd.read_csv(OLIST_DIR / "olist_orders_dataset.csv")
    customers = pd.read_csv(OLIST_DIR / "olist_customers_dataset.csv")
    payments = pd.read_csv(OLIST_DIR / "olist_order_payments_dataset.csv")
    approved = pd.to_datetime(orders["order_approved_at"])
    cutoff = pd.Timestamp(OLIST_RUN_DATE) + pd.Timedelta(days=1)
    paid = orders.loc[approved.notna() & (approved < cutoff)]
    money = payments.groupby("order_id", as_index=False)["payment_value"].sum()
    out = paid.merge(customers, on="customer_id").merge(money, on="order_id", how="left")
    return out.fillna({"payment_value": 0.0})


def test_buyers_by_state_match_raw_pandas(research, raw):
    mine = research.groups["region"].set_index("group")
    expected = raw.groupby("customer_state")["customer_unique_id"].nunique()
    assert mine["buyers"].sum() == raw["customer_unique_id"].nunique()
    for state in expected.sort_values(ascending=False).index[:5]:
        assert mine.loc[state, "buyers"] == expected[state], state


def test_gmv_share_by_state_matches_raw_pandas(research, raw):
    mine = research.groups["region"].set_index("group")
    money = raw.groupby("customer_state")["payment_value"].sum()
    share = money / money.sum()
    for state in share.sort_values(ascending=False).index[:5]:
        assert mine.loc[state, "gmv_share"] == pytest.approx(share[state], abs=1e-6), state


def test_no_market_table_means_no_market_sections(research):
    assert research.lifecycle is None and research.screen is None and research.terms is None
    assert research.outlook_source == "shop_gmv"
