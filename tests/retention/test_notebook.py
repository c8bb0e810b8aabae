"""The retention notebook in the shared batch runs (sample zh/en, orders only, Online Retail,
Olist): it runs, says which sections it skipped, publishes its headline numbers and the
win-back list (ids only, Excel-readable, Chinese intact), and its cohort and repeat figures
on the real shops match independent pandas on the raw files."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from batch_runs import OLIST_DIR, OLIST_RUN_DATE, RETAIL_DIR, RETAIL_RUN_DATE

from helpers.contract import PERSONAL_FIELDS

pytestmark = pytest.mark.notebooks

NB = "04_retention"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _extra(run) -> dict:
    return run.summary["extra"][NB]


def test_sample_runs_and_publishes_headline_numbers(sample_run):
    assert NB not in sample_run.failures()
    e = _extra(sample_run)
    assert e["customers"] > 10_000
    assert 0 < e["repeat_rate"] < 1 and e["repeat_window_days"] == 365
    assert 0 < e["dormant_share"] < 1
    for window in ("week", "month"):
        m = e["segment_movement"][window]
        assert m["moved"] > 0 and m["new"] > 0 and m["since"] < sample_run.result.run_date
    model = e["model"]
    assert model["status"] == "fitted" and model["time_unit"] == "week"
    assert set(model["bgnbd"]) >= {"r", "alpha", "a", "b"}
    assert set(model["gamma_gamma"]) >= {"p", "q", "gamma"}
    assert "seconds" not in model  # same data and date, same summary
    assert e["predicted_value_90d"] > 0 and e["predicted_value_180d"] > e["predicted_value_90d"]
    kpis = sample_run.summary["kpis"][NB]
    assert {"customers", "repeat_rate", "dormant_share", "predicted_value_90d"} <= set(kpis)
    assert sample_run.summary["skipped"].get(NB, {}) == {}


def test_sample_report_text_and_links(sample_run):
    html = sample_run.html(NB)
    for heading in (
        "RFM 分层",
        "分层迁移",
        "同期群留存",
        "复购与新老客",
        "召回名单",
        "会员等级",
        "客户终身价值",
    ):
        assert heading in html, heading
    assert "04_retention__winback.xlsx" in html and "Traceback" not in html
    assert "explore(page)" not in html  # the JupyterLab-only cell is not in the report


def test_winback_export_ids_only_and_excel_readable(sample_run):
    folder = sample_run.report_dir
    csv = pd.read_csv(folder / f"{NB}__winback.csv", encoding="utf-8-sig", dtype=str)
    xlsx = pd.read_excel(folder / f"{NB}__winback.xlsx", dtype=str)
    assert len(csv) == len(xlsx) == _extra(sample_run)["winback_customers"] > 0
    for frame in (csv, xlsx):
        headers = " ".join(frame.columns).lower()
        assert not any(p in headers for p in PERSONAL_FIELDS)
        assert frame.iloc[:, 0].str.fullmatch(r"C\d{7}").all()  # pseudonymous ids only
    # Chinese text survives both files (segment names and actions)
    assert csv.iloc[:, 1].str.contains(CJK).all() and xlsx.iloc[:, 7].str.contains(CJK).all()
    assert list(csv.columns) == list(xlsx.columns)
    exports = sample_run.summary["exports"][NB]
    assert exports[0]["files"] == [f"{NB}__winback.csv", f"{NB}__winback.xlsx"]


def test_english_report_has_no_chinese_segment_names(sample_run_en):
    assert NB not in sample_run_en.failures()
    html = sample_run_en.html(NB)
    assert "Cohort retention" in html and "Customer lifetime value" in html
    assert "重要价值" not in html and "沉睡" not in html
    csv = pd.read_csv(sample_run_en.report_dir / f"{NB}__winback.csv", encoding="utf-8-sig")
    assert not csv.iloc[:, 1].str.contains(CJK).any()


def test_orders_only_skips_member_tiers(orders_only_run):
    assert NB not in orders_only_run.failures()
    assert orders_only_run.summary["skipped"][NB] == {"tiers": ["customers"]}
    assert _extra(orders_only_run)["model"]["status"] == "fitted"


# --------------------------------------------------------------------------- real shops


@pytest.mark.realdata
def test_online_retail_against_raw_pandas(retail_run):
    assert NB not in retail_run.failures()
    e = _extra(retail_run)
    lines = pd.read_csv(
        RETAIL_DIR / "online_retail.csv.gz",
        dtype={"InvoiceNo": str, "CustomerID": "Int64"},
        parse_dates=["InvoiceDate"],
    )
    # sales: invoices starting with neither C (credit notes) nor A (bad debt); customer set;
    # paid by the end of the run date. Credit notes name no invoice: no invoice is refunded
    sale = lines.loc[~lines["InvoiceNo"].str.startswith(("C", "A")) & lines["CustomerID"].notna()]
    inv = sale.groupby("InvoiceNo").agg(
        customer=("CustomerID", "first"), day=("InvoiceDate", "min")
    )
    inv["day"] = inv["day"].dt.normalize()
    inv = inv.loc[inv["day"] <= pd.Timestamp(RETAIL_RUN_DATE)]
    _check_against_raw(e, inv, pd.Timestamp(RETAIL_RUN_DATE))
    # the data start in December 2010: no full year-ago window, so no year-ago figure/alert
    assert e["repeat_rate_last_year"] is None and e["dormant_share_last_year"] is None
    assert retail_run.summary["skipped"][NB] == {"tiers": ["customers"]}


@pytest.mark.realdata
def test_olist_against_raw_pandas(olist_run):
    assert NB not in olist_run.failures()
    e = _extra(olist_run)
    orders = pd.read_csv(OLIST_DIR / "olist_orders_dataset.csv", parse_dates=["order_approved_at"])
    people = pd.read_csv(OLIST_DIR / "olist_customers_dataset.csv")
    pay = pd.read_csv(OLIST_DIR / "olist_order_payments_dataset.csv")
    pay = pay.groupby("order_id")["payment_value"].sum()
    o = orders.merge(people[["customer_id", "customer_unique_id"]], on="customer_id")
    # paid = approved by the end of the run date; the person is customer_unique_id
    o = o.loc[o["order_approved_at"].notna()]
    o = o.loc[o["order_approved_at"] < pd.Timestamp(OLIST_RUN_DATE) + pd.Timedelta(days=1)]
    # cancelled or unavailable after payment: the payment is refunded in full (not a purchase)
    refunded = o["order_status"].isin(["canceled", "unavailable"]) & (
        o["order_id"].map(pay).fillna(0) > 0
    )
    o = o.loc[~refunded]
    inv = pd.DataFrame(
        {"customer": o["customer_unique_id"], "day": o["order_approved_at"].dt.normalize()}
    )
    _check_against_raw(e, inv, pd.Timestamp(OLIST_RUN_DATE))


def _check_against_raw(e: dict, inv: pd.DataFrame, run: pd.Timestamp) -> None:
    """Customers, the 365-day repeat rate and the cohorts' month-1 and month-3 shares from
    ``inv`` (one row per kept order: customer, day) against the published figures."""
    assert e["customers"] == inv["customer"].nunique()
    window = inv.loc[inv["day"] > run - pd.Timedelta(days=365), "customer"].value_counts()
    assert (e["window_buyers"], e["repeat_buyers"]) == (len(window), int((window >= 2).sum()))
    assert e["repeat_rate"] == pytest.approx((window >= 2).mean(), abs=1e-6)
    month = inv["day"].dt.to_period("M")
    first = month.groupby(inv["customer"]).transform("min")
    age = (month - first).apply(lambda d: d.n)
    for c in e["cohorts"]:
        members = inv.loc[first.astype(str) == c["cohort"], "customer"]
        assert c["size"] == members.nunique(), c["cohort"]
        for k in (1, 3):
            if c[f"month_{k}"] is None:
                continue
            back = inv.loc[(first.astype(str) == c["cohort"]) & (age == k), "customer"].nunique()
            assert c[f"month_{k}"] == pytest.approx(back / c["size"], abs=1e-6), (c["cohort"], k)


def test_sample_planted_retention_facts_are_found(sample_run):
    from statistics import median

    from helpers.sample.retention import planted_retention_facts

    facts = planted_retention_facts(pd.Timestamp(sample_run.result.run_date))
    e = _extra(sample_run)
    cohorts = {c["cohort"]: c for c in e["cohorts"]}
    churned = cohorts[facts["churned_cohort"]]
    others = [
        c["month_1"] for k, c in cohorts.items() if k != facts["churned_cohort"] and c["month_1"]
    ]
    # the churned cohort hardly comes back: well below the other cohorts in month 1 and 3
    assert churned["month_1"] < 0.3 * median(others)
    assert churned["month_3"] < 0.3 * median(c["month_3"] for c in cohorts.values() if c["month_3"])
    # the win-back campaign of the last week: dormant big spenders become champions
    flow = ">".join(facts["winback_flow"])
    week, month = (e["segment_movement"][w]["flows"].get(flow, 0) for w in ("week", "month"))
    # the month holds this week and three earlier ones: this week is well above their mean
    assert week >= 25 and week >= 1.5 * (month - week) / 3
