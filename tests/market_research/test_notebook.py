"""The market research notebook in the shared batch runs (sample zh/en, orders only, real
shops): it runs, finds the planted market facts, says what it skipped and why."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.sample.market_research import planted_market_facts

pytestmark = pytest.mark.notebooks

NB = "01_market_research"
PLANTED = planted_market_facts()


def _extra(run) -> dict:
    return run.summary["extra"][NB]


def test_sample_run_succeeds_with_every_section(sample_run):
    assert NB not in sample_run.failures()
    assert sample_run.summary["skipped"].get(NB, {}) == {}


def test_summary_carries_the_shortlist_stage_changes_and_share_moves(sample_run):
    extra = _extra(sample_run)
    assert extra["market_month"] == "2026-10"  # the last complete month before 2026-11-15
    assert sorted(extra["shortlist"]) == PLANTED["shortlist"]
    assert extra["shortlist_size"] == 2
    assert extra["stages"][PLANTED["declining_category"]] == "decline"
    assert extra["share_moves"][PLANTED["share_loss_category"]] <= -0.10
    assert isinstance(extra["stage_changes"], list)
    assert extra["growing_bands_missed"] == ["美妆 240+"]
    assert PLANTED["rising_missed_term"] in extra["missed_terms"]
    assert extra["undercut_top_items"] == [PLANTED["undercut"]["sku_id"]]
    kpis = sample_run.summary["kpis"][NB]
    assert kpis["shortlist_size"]["value"] == 2 and kpis["shortlist_size"]["label"] == "蓝海候选数"


def test_alerts_for_share_loss_and_an_undercut_top_item(sample_run):
    alerts = [a for a in sample_run.summary["alerts"] if a.get("notebook") == NB]
    rules = {(a["rule"], a["subject"]) for a in alerts}
    assert ("share_loss_growing", PLANTED["share_loss_category"]) in rules
    assert ("competitor_undercut", PLANTED["undercut"]["sku_id"]) in rules
    assert all(a["message"] == a["message_zh"] for a in alerts)


def test_the_screen_is_exported_as_csv_and_xlsx(sample_run):
    screen = pd.read_csv(sample_run.report_dir / f"{NB}__screen.csv")
    assert sorted(screen.loc[screen["shortlisted"], "category"]) == PLANTED["shortlist"]
    assert {"search_ok", "margin_ok", "competition_ok", "returns_ok"} <= set(screen.columns)
    assert (sample_run.report_dir / f"{NB}__screen.xlsx").is_file()


def test_the_zh_report_is_lean_and_hides_the_code(sample_run):
    html = sample_run.html(NB)
    for text in ("三高一低", "指数（非真实值）", "本店缺位", "蓝海候选", "偏好指数"):
        assert text in html, text
    # teaching text (怎么看) only with --explain; lang-en cells never; the explorer cell
    # shows its default static view under its zh heading (no widget in the batch)
    assert "怎么看" not in html and "How to read" not in html
    assert "交互探索" in html and ">Explore<" not in html
    assert "Traceback" not in html


def test_english_report(sample_run_en):
    assert NB not in sample_run_en.failures()
    html = sample_run_en.html(NB)
    assert "index (not a value)" in html and "怎么看" not in html
    alerts = [a for a in sample_run_en.summary["alerts"] if a.get("notebook") == NB]
    assert alerts and all(a["message"] == a["message_en"] for a in alerts)


def test_orders_only_says_which_table_would_enable_each_section(orders_only_run):
    assert NB not in orders_only_run.failures()
    skipped = orders_only_run.summary["skipped"][NB]
    assert skipped["lifecycle"] == ["market"] and skipped["screen"] == ["market"]
    assert skipped["search_terms"] == ["search_terms"]
    assert skipped["competitors"] == ["competitors"]
    assert skipped["customers"] == ["customers"] and skipped["price_bands"] == ["products"]
    assert "outlook" not in skipped  # runs on the shop's own sales
    html = orders_only_run.html(NB)
    assert "`market`" in html or "market" in html
    assert _extra(orders_only_run)["outlook_source"] == "shop_gmv"


@pytest.mark.realdata
def test_online_retail_runs_and_skips_the_market_sections(retail_run):
    assert NB not in retail_run.failures()
    skipped = retail_run.summary["skipped"][NB]
    assert {"sources", "lifecycle", "screen", "search_terms", "competitors"} <= set(skipped)
    # one year of invoices: too short for a seasonal outlook, and the report says so
    assert all(v != "ok" for v in _extra(retail_run)["outlooks"].values())


@pytest.mark.realdata
def test_olist_runs_with_its_customer_picture(olist_run):
    assert NB not in olist_run.failures()
    skipped = olist_run.summary["skipped"][NB]
    assert "lifecycle" in skipped and "customers" not in skipped
