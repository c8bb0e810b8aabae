"""The A/B notebook on the shared batch runs: the sample shop's planted experiments reach
their verdicts, the summary carries each experiment's status, shops without experiments say
which sections were skipped."""

from __future__ import annotations

import pytest

from helpers.sample.ab_test import planted_experiments

pytestmark = pytest.mark.notebooks

NB = "06_ab_test"


def test_sample_verdicts_match_the_planted_experiments(sample_run):
    assert sample_run.failures().get(NB) is None
    extra = sample_run.summary["extra"][NB]
    verdicts = {e["experiment"]: e["verdict"] for e in extra["experiments"]}
    assert verdicts == planted_experiments()
    status = {e["experiment"]: e["status"] for e in extra["experiments"]}
    assert status["满减门槛"] == "running" and status["主图换新"] == "finished"
    srm = {e["experiment"]: e["srm_p_value"] for e in extra["experiments"]}
    assert srm["首页改版"] < 0.001 < srm["主图换新"]
    # the design uses the shop's own traffic: a sample and a number of days
    assert extra["design_per_variant"] > 1000 and extra["design_days"] >= 1
    assert sample_run.summary["skipped"].get(NB, {}) == {}
    assert {e["name"] for e in sample_run.summary["exports"][NB]} == {"experiments"}


def test_sample_page_explains_each_verdict(sample_run):
    html = sample_run.html(NB)
    assert "上线" in html and "继续跑" in html and "分流异常" in html
    assert "偷看" in html  # the peeking warning of the running test
    assert "护栏：退款率" in html  # the finished test carries orders and refunds
    assert "Loading widget" not in html and "ipywidgets" not in html


def test_english_page(sample_run_en):
    html = sample_run_en.html(NB)
    assert "keep running" in html and "peeking" in html and "blocked" in html


@pytest.mark.parametrize("fixture", ["orders_only_run", "retail_run", "olist_run"])
def test_shops_without_experiments_skip_with_the_reason(fixture, request):
    run = request.getfixturevalue(fixture)
    assert run.failures().get(NB) is None
    skipped = run.summary["skipped"].get(NB, {})
    assert set(skipped) == {"results", "verdict"}
    assert run.summary["extra"][NB]["experiments"] == []
