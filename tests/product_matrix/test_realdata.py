"""Cross-checks of the product matrix on Online Retail against independent pandas on the raw
file (../shared/realdata, never copied into the repository)."""

from __future__ import annotations

import pandas as pd
import pytest
from locations import REALDATA

from helpers.context import prepare
from helpers.product_matrix.sales import item_sales
from helpers.settings import load_settings

RETAIL = REALDATA / "online_retail"

if not RETAIL.is_dir():
    pytest.skip(
        "../shared/realdata not found: the public data sets are not beside the repository",
        allow_module_level=True,
    )

pytestmark = pytest.mark.realdata

END = pd.Timestamp("2011-12-08")
DAYS = 400  # the whole log: 2010-12-01 .. 2011-12-08
CODES = ["23166", "85123A", "22423", "84077"]


@pytest.fixture(scope="module")
def sales(tmp_path_factory) -> pd.DataFrame:
    dataset, facts, _ = prepare(
        RETAIL,
        load_settings(RETAIL),
        cache_dir=tmp_path_factory.mktemp("cache"),
        run_date=END,
    )
    return item_sales(
        facts.daily_item, facts.refunds, end=END, days=DAYS, products=dataset["products"]
    ).set_index("sku_id")


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    df = pd.read_csv(RETAIL / "online_retail.csv.gz", dtype={"InvoiceNo": str, "StockCode": str})
    df["InvoiceDate"] = pd.to_datetime(df["InvoiceDate"])
    return df.loc[df["InvoiceDate"] < END + pd.Timedelta(days=1)]


def _independent_net(raw: pd.DataFrame, code: str) -> tuple[float, float]:
    """Sales and credited amount of one stock code, straight from the invoice lines.

    Sales: lines of ordinary invoices (not C, not A) with a positive quantity, and not a
    stock adjustment (price 0 without a customer). Credits: lines of credit notes (C...)
    whose note holds this one stock code only (a note over several codes cannot be split
    per item in the export's after-sales table).
    """
    inv = raw["InvoiceNo"]
    is_c = inv.str.startswith("C")
    sale = (
        ~is_c
        & ~inv.str.startswith("A")
        & (raw["Quantity"] > 0)
        & ~((raw["UnitPrice"] == 0) & raw["CustomerID"].isna())
        & (raw["StockCode"] == code)
    )
    sold = float((raw.loc[sale, "Quantity"] * raw.loc[sale, "UnitPrice"]).sum())
    notes = raw.loc[is_c]
    single = notes.groupby("InvoiceNo")["StockCode"].nunique()
    own = notes["InvoiceNo"].isin(single.index[single == 1]) & (notes["StockCode"] == code)
    credited = float(-(notes.loc[own, "Quantity"] * notes.loc[own, "UnitPrice"]).sum())
    return sold, credited


@pytest.mark.parametrize("code", CODES)
def test_item_revenue_is_net_of_credit_notes(sales, raw, code):
    sold, credited = _independent_net(raw, code)
    assert sales.loc[code, "gmv"] == pytest.approx(sold, abs=0.01)
    assert sales.loc[code, "refunds"] == pytest.approx(credited, abs=0.01)
    assert sales.loc[code, "revenue"] == pytest.approx(sold - credited, abs=0.01)


def test_a_sale_reversed_minutes_later_is_not_a_top_seller(sales, raw):
    # 2011-01-18: invoice 541431 sold 74,215 x 23166 for 77,183.60; credit note C541433
    # reversed it 13 minutes later. Gross, it would be the shop's biggest item.
    big = raw.loc[raw["InvoiceNo"].isin(["541431", "C541433"])]
    assert (big["Quantity"] * big["UnitPrice"]).sum() == pytest.approx(0.0, abs=0.01)
    gross_rank = sales["gmv"].rank(ascending=False)
    assert gross_rank["23166"] <= 5
    top = sales.sort_values("revenue", ascending=False).head(50)
    assert "23166" not in top.index
