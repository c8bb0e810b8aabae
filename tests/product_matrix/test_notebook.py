"""The product-matrix notebook in the shared batch runs (sample zh/en, orders only, Online
Retail, Olist): it runs, finds the planted facts, exports its lists and says what it skipped."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.contract import PERSONAL_FIELDS
from helpers.sample.product_matrix import planted_matrix_facts

pytestmark = pytest.mark.notebooks

NB = "02_product_matrix"
RUN_DATE = "2026-11-15"


def _alerts(run, rule: str) -> dict[str, dict]:
    return {
        a["subject"]: a
        for a in run.summary["alerts"]
        if a.get("notebook") == NB and a["rule"] == rule
    }


def test_sample_runs_and_publishes_its_headline(sample_run):
    assert NB not in sample_run.failures(), sample_run.failures()
    extra = sample_run.summary["extra"][NB]
    assert extra["items"] >= 250 and 0 < extra["a_items"] < extra["items"]
    assert 0.5 < extra["top20_share"] < 1
    assert extra["next_festival"] == "双12"  # from the one festival calendar
    assert extra["restock_now"] >= 1 and extra["clearance"] >= 2
    for key in ("role_changes", "tier_changes", "entering_decline", "stockout_risk"):
        assert isinstance(extra[key], int)
    # the forecast beats copying last week on the sample's weekly rhythm
    assert extra["forecast_wape"] < extra["forecast_naive_wape"]
    assert sample_run.summary["skipped"].get(NB, {}) == {}


def test_planted_stockout_risk_is_found(sample_run):
    planted = planted_matrix_facts(RUN_DATE)["stockout"]
    alert = _alerts(sample_run, "stockout_risk")[planted["sku_id"]]
    # 22 units, ~11 a day, lead time 10 days: runs out before a delivery can arrive
    assert alert["severity"] == "high"
    assert alert["value"] < planted["lead_time_days"]
    restock = pd.read_csv(sample_run.report_dir / f"{NB}__restock.csv", dtype={"sku_id": str})
    row = restock.set_index("sku_id").loc[planted["sku_id"]]
    assert row["on_hand"] == planted["on_hand"] and row["order_qty"] > 0
    assert bool(row["restock_now"])


def test_planted_slow_movers_are_on_the_clearance_list(sample_run):
    planted = planted_matrix_facts(RUN_DATE)
    clear = pd.read_csv(sample_run.report_dir / f"{NB}__clearance.csv", dtype={"sku_id": str})
    clear = clear.set_index("sku_id")
    never = clear.loc[planted["never_sold"]["sku_id"]]
    assert never["slow_reason"] == "no_sale" and never["on_hand"] == 240
    assert "福袋" in never["tactic"]  # zh report: the tactic is in Chinese
    over = clear.loc[planted["overstock"]["sku_id"]]
    assert over["slow_reason"] == "overstock" and over["days_of_cover"] > 120


def test_exports_are_linked_and_carry_ids_only(sample_run):
    exports = {e["name"]: e for e in sample_run.summary["exports"][NB]}
    assert set(exports) == {"restock", "clearance"}
    for e in exports.values():
        for f in e["files"]:
            assert (sample_run.report_dir / f).is_file()
        frame = pd.read_csv(sample_run.report_dir / e["files"][0])
        assert not {c.lower() for c in frame.columns} & set(PERSONAL_FIELDS)
    index = (sample_run.report_dir / "index.html").read_text(encoding="utf-8")
    assert f"{NB}__restock.csv" in index and f"{NB}__clearance.xlsx" in index


def test_sample_report_in_chinese_finds_the_price_rise(sample_run):
    html = sample_run.html(NB)
    assert "商品角色矩阵" in html and "Item roles" not in html
    for word in ("引流款", "利润款", "形象款", "补货清单", "滞销清仓清单", "提升度"):
        assert word in html, word
    # P5 of the sample: BT0005 raised to 159 against the same item at 139 elsewhere
    assert "BT0005" in html and "高于竞品 139" in html
    assert "Traceback" not in html


def test_english_report(sample_run_en):
    assert NB not in sample_run_en.failures()
    html = sample_run_en.html(NB)
    assert "Item roles" in html and "traffic driver" in html
    assert "商品角色矩阵" not in html
    assert (
        "lucky bag"
        in pd.read_csv(sample_run_en.report_dir / f"{NB}__clearance.csv")["tactic"].str.cat()
    )


def test_orders_only_says_what_it_skipped(orders_only_run):
    assert NB not in orders_only_run.failures(), orders_only_run.failures()
    skipped = orders_only_run.summary["skipped"][NB]
    assert skipped == {"cart_gap": ["traffic"], "inventory": ["inventory"]}
    html = orders_only_run.html(NB)
    assert "当前数据中没有，已跳过" in html
    extra = orders_only_run.summary["extra"][NB]
    assert extra["restock_now"] is None and extra["clearance"] is None
    assert extra["items"] > 0 and extra["bundle_pairs"] >= 0
    assert (
        NB not in orders_only_run.summary["exports"] or not orders_only_run.summary["exports"][NB]
    )


@pytest.mark.realdata
def test_online_retail_runs_without_a_festival_calendar(retail_run):
    assert NB not in retail_run.failures(), retail_run.failures()
    skipped = retail_run.summary["skipped"][NB]
    assert set(skipped) == {"cart_gap", "inventory"}
    extra = retail_run.summary["extra"][NB]
    assert extra["next_festival"] is None  # GBP shop: no Chinese platform calendar
    assert extra["items"] > 1000 and extra["bundle_pairs"] > 0


@pytest.mark.realdata
def test_olist_runs(olist_run):
    assert NB not in olist_run.failures(), olist_run.failures()
    extra = olist_run.summary["extra"][NB]
    assert extra["items"] > 100
    assert set(olist_run.summary["skipped"][NB]) == {"cart_gap", "inventory"}
