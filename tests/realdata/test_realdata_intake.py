"""The built-in mappings on the real public data sets in ../shared/realdata (beside the
repository; see its README for sources and licences). Expected figures are the published
ones or are computed here from the raw files with plain pandas, independently of intake."""

from __future__ import annotations

import pandas as pd
import pytest
from locations import REALDATA

from helpers.intake import Dataset, load_dataset
from helpers.settings import Settings

RETAIL_DIR = REALDATA / "online_retail"
OLIST_DIR = REALDATA / "olist" / "sample_bravida"

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module", autouse=True)
def _need_realdata():
    if not REALDATA.is_dir():
        pytest.skip(
            "../shared/realdata not found: the public data sets are not beside the repository"
        )


def check_balance(ds: Dataset) -> None:
    s = ds.sources
    assert (s["rows_read"] == s["rows_accepted"] + s["rows_quarantined"]).all()
    q = ds.quarantine.groupby(["table", "file"]).size()
    for rec in s.itertuples():
        assert int(q.get((rec.table, rec.file), 0)) == rec.rows_quarantined


# --------------------------------------------------------------------------------------------
# UCI Online Retail
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def retail_raw() -> pd.DataFrame:
    r = pd.read_csv(
        RETAIL_DIR / "online_retail.csv.gz",
        dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": "Int64"},
        parse_dates=["InvoiceDate"],
    )
    r["amount"] = r["Quantity"] * r["UnitPrice"]
    return r


@pytest.fixture(scope="module")
def retail() -> Dataset:
    # timings belong to benchmarks/ (python benchmarks/run.py), never to tests
    return load_dataset(RETAIL_DIR, Settings(), cache_dir=False)  # mapping detected by headers


def test_retail_published_figures(retail_raw):
    assert len(retail_raw) == 541_909
    assert retail_raw["InvoiceNo"].nunique() == 25_900
    assert retail_raw["CustomerID"].nunique() == 4_372
    assert round(retail_raw["amount"].sum(), 2) == 9_747_747.93


def test_retail_every_invoice_accounted_for(retail, retail_raw):
    ds = retail
    check_balance(ds)
    assert ds.settings_hints["currency"] == "GBP"
    s = ds.sources.set_index("table")
    assert set(s["mapping"]) == {"uci_online_retail"}
    inv = retail_raw.groupby("InvoiceNo").agg(
        price0=("UnitPrice", lambda p: (p == 0).all()),
        guest=("CustomerID", lambda c: c.isna().all()),
    )
    credit = inv.index.str.startswith("C")
    bad_debt = inv.index.str.startswith("A")
    adjust = ~credit & ~bad_debt & inv["price0"] & inv["guest"]
    orders = ~credit & ~bad_debt & ~adjust
    # orders + credit notes + quarantined adjustments = the 25,900 invoices
    assert len(ds["orders"]) == orders.sum()
    assert len(ds["after_sales"]) == credit.sum()
    oq = ds.quarantine[ds.quarantine["table"] == "orders"]
    assert len(oq) == adjust.sum() + bad_debt.sum() == 2_101
    assert len(ds["orders"]) + len(ds["after_sales"]) + len(oq) == 25_900
    assert s.loc["order_items", "rows_read"] == (~retail_raw["InvoiceNo"].str.startswith("C")).sum()


def test_retail_amounts_add_up(retail, retail_raw):
    ds = retail
    r = retail_raw
    credit = r["InvoiceNo"].str.startswith("C")
    bad_debt = r["InvoiceNo"].str.startswith("A")
    sale = ~credit & ~bad_debt
    it = ds["order_items"]
    items_amount = (it["quantity"] * it["unit_price"]).sum()
    assert items_amount == pytest.approx(r.loc[sale, "amount"].sum(), abs=0.01)
    assert ds["orders"]["paid_amount"].sum() == pytest.approx(items_amount, abs=0.01)
    refunds = ds["after_sales"]["refund_amount"].sum()
    assert refunds == pytest.approx(-r.loc[credit, "amount"].sum(), abs=0.01)
    # sales - credit notes + the bad-debt adjustments = the published line total
    total = items_amount - refunds + r.loc[bad_debt, "amount"].sum()
    assert round(total, 2) == 9_747_747.93
    assert ds["after_sales"]["quantity"].sum() == -r.loc[credit, "Quantity"].sum()


def test_retail_customers_and_guests(retail, retail_raw):
    ds = retail
    r = retail_raw
    sale = ~r["InvoiceNo"].str.startswith(("C", "A"))
    expected = r.loc[sale & r["CustomerID"].notna(), "CustomerID"].astype(str).unique()
    o = ds["orders"]
    assert set(o["customer_id"].dropna()) == set(expected)
    assert not o["customer_id"].dropna().str.contains(r"\.").any()  # no decimals
    all_customers = set(o["customer_id"].dropna())
    credit_customers = set(r.loc[~sale, "CustomerID"].dropna().astype(str))
    assert len(all_customers | credit_customers) == 4_372
    guest_invoices = r.loc[sale].groupby("InvoiceNo")["CustomerID"].apply(lambda c: c.isna().all())
    guest_with_value = r.loc[sale & (r["UnitPrice"] > 0), "InvoiceNo"].unique()
    assert o["customer_id"].isna().sum() == guest_invoices[guest_with_value].sum()


def test_retail_lines_and_products(retail, retail_raw):
    ds = retail
    r = retail_raw
    it = ds["order_items"]
    write_off = ~r["InvoiceNo"].str.startswith("C") & (r["Quantity"] < 0)
    assert write_off.sum() == 1_336
    q = ds.quarantine[ds.quarantine["table"] == "order_items"]
    assert (q["reason"].str.startswith("stock write-off")).sum() == 1_336
    assert len(it) + len(q) == (~r["InvoiceNo"].str.startswith("C")).sum()
    # exact duplicate lines are kept as distinct lines
    assert it.duplicated(["order_id", "sku_id", "quantity", "unit_price", "title"]).sum() > 0
    # line_no = running number within the invoice in file order
    lines = r.loc[~r["InvoiceNo"].str.startswith("C"), ["InvoiceNo", "StockCode"]].copy()
    lines["line_no"] = lines.groupby("InvoiceNo").cumcount() + 1
    got = it[["order_id", "line_no", "sku_id"]].astype({"line_no": "int64"})
    merged = got.merge(
        lines, left_on=["order_id", "line_no"], right_on=["InvoiceNo", "line_no"], how="left"
    )
    assert (merged["sku_id"] == merged["StockCode"]).all()
    p = ds["products"].set_index("sku_id")
    assert len(p) == r["StockCode"].nunique() == 4_070
    for code in ("POST", "DOT", "M", "BANK CHARGES", "AMAZONFEE", "DCGSSGIRL", "gift_0001_20"):
        assert p.loc[code, "category"] == "non-product"
    assert pd.isna(p.loc["85123A", "category"])


# --------------------------------------------------------------------------------------------
# Olist (consistent non-random subset)
# --------------------------------------------------------------------------------------------


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(OLIST_DIR / name, dtype=str, keep_default_na=False).replace("", None)


@pytest.fixture(scope="module")
def olist() -> Dataset:
    return load_dataset(OLIST_DIR, Settings(), cache_dir=False)


def test_olist_orders_read_and_status(olist):
    check_balance(olist)
    raw = _csv("olist_orders_dataset.csv")
    assert len(raw) == 8_135
    s = olist.sources
    orders_src = s[(s["table"] == "orders")].iloc[0]
    assert orders_src["rows_read"] == 8_135 == orders_src["rows_accepted"]
    o = olist["orders"].set_index("order_id")
    approved = raw["order_approved_at"].notna()
    expected = {
        "completed": (raw["order_status"] == "delivered").sum(),
        "shipped": (raw["order_status"] == "shipped").sum(),
        # canceled / unavailable after approval: the buyer had paid, so refunded
        "refunded": (raw["order_status"].isin(["canceled", "unavailable"]) & approved).sum(),
        "cancelled": (raw["order_status"].isin(["canceled", "unavailable"]) & ~approved).sum(),
        "paid": raw["order_status"].isin(["invoiced", "processing", "approved"]).sum(),
        "pending": (raw["order_status"] == "created").sum(),
    }
    assert o["status"].value_counts().to_dict() == {k: v for k, v in expected.items() if v}
    assert olist.settings_hints["currency"] == "BRL"


def test_olist_payments_coverage_and_amounts(olist):
    raw = _csv("olist_orders_dataset.csv")
    pay = _csv("olist_order_payments_dataset.csv")
    pay["payment_value"] = pay["payment_value"].astype(float)
    per_order = pay.groupby("order_id")["payment_value"].sum()
    assert set(per_order.index) == set(raw["order_id"])  # every sample order has payments
    o = olist["orders"].set_index("order_id")
    approved = raw.set_index("order_id")["order_approved_at"].notna()
    expected = per_order.where(approved.reindex(per_order.index), 0.0)
    pd.testing.assert_series_equal(
        o["paid_amount"].sort_index(), expected.sort_index(), check_names=False, atol=0.005
    )
    note = olist.sources.set_index("file").loc["olist_order_payments_dataset.csv", "note"]
    assert "8924 row(s), 0 match no row" in note


def test_olist_customers_items_products(olist):
    cust = _csv("olist_customers_dataset.csv")
    o = olist["orders"]
    assert o["customer_id"].nunique() == cust["customer_unique_id"].nunique() == 8_016
    assert len(olist["customers"]) == 8_016
    items = _csv("olist_order_items_dataset.csv")
    assert len(olist["order_items"]) == len(items) == 8_365
    assert olist["order_items"]["unit_price"].sum() == pytest.approx(
        items["price"].astype(float).sum(), abs=0.01
    )
    prods = _csv("olist_products_dataset.csv")
    tr = pd.read_csv(OLIST_DIR / "product_category_name_translation.csv", encoding="utf-8-sig")
    p = olist["products"].set_index("sku_id")
    assert len(p) == len(prods)
    english = set(tr["product_category_name_english"])
    cats = p["category"].dropna()
    untranslated = set(cats[~cats.isin(english)])
    assert untranslated <= {"pc_gamer", "portateis_cozinha_e_preparadores_de_alimentos"}


def test_olist_after_sales_signals(olist):
    rv = _csv("olist_order_reviews_dataset.csv")
    raw = _csv("olist_orders_dataset.csv")
    a = olist["after_sales"]
    low = rv["review_score"].isin(["1", "2"])
    assert (a["type"] == "complaint").sum() == low.sum()
    assert rv["review_id"].duplicated().any()  # why case_id includes the order id
    cancel_paid = (
        raw["order_status"].isin(["canceled", "unavailable"]) & raw["order_approved_at"].notna()
    )
    refunds = a[a["type"] == "refund_only"]
    assert len(refunds) == cancel_paid.sum()
    o = olist["orders"].set_index("order_id")
    assert refunds["refund_amount"].sum() == pytest.approx(
        o.loc[refunds["order_id"], "paid_amount"].sum(), abs=0.01
    )
    note = olist.sources.set_index(["file", "table"]).loc[
        ("olist_order_reviews_dataset.csv", ""), "note"
    ]
    assert note.startswith(f"{(~low).sum()} row(s) not mapped")
    ignored = olist.sources[olist.sources["note"].str.startswith("not mapped")]["file"]
    assert set(ignored) == {"olist_sellers_dataset.csv", "olist_geolocation_dataset.csv"}
