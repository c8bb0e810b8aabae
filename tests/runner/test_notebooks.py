"""The real notebooks, executed through the real runner (papermill + nbconvert).

These runs take a few seconds each; ``pytest -m "not notebooks"`` skips them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from batch_runs import orders_only
from golden_files import assert_summary_matches
from locations import ROOT

from helpers import runner
from helpers.sample import planted_problems

pytestmark = pytest.mark.notebooks


SAMPLE = ROOT / "data" / "sample"
TAOBAO = ROOT / "tests" / "fixtures" / "intake" / "taobao_orders_gbk.csv"
RUN_DATE = "2026-11-15"


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One validation cache for the module's runs (never the user's own cache)."""
    return tmp_path_factory.mktemp("cache")


def run(**kwargs):
    kwargs.setdefault("progress", False)
    return runner.run(**kwargs)


def _summary(out: Path, date: str = RUN_DATE) -> dict:
    return json.loads((out / date / "summary.json").read_text(encoding="utf-8"))


def _without_seconds(summary: dict) -> dict:
    clean = json.loads(json.dumps(summary))
    for nb in clean["notebooks"]:
        nb.pop("seconds")
    return clean


def test_sample_run_succeeds_and_defaults_to_the_last_complete_day(sample_run):
    out, result = sample_run.out, sample_run.result
    assert result.exit_code == 0
    assert result.run_date == RUN_DATE
    summary = _summary(out)
    assert [nb["status"] for nb in summary["notebooks"]] == ["ok"] * len(summary["notebooks"])
    assert (out / RUN_DATE / "index.html").is_file()
    assert (out / "index.html").is_file()


def test_the_review_finds_every_planted_problem(sample_run):
    out = sample_run.out
    found = {(a["rule"], a["subject"]) for a in _summary(out)["alerts"]}
    planted = planted_problems(RUN_DATE)
    expected = {
        ("channel_cvr_drop", planted["P1"]["channel"]),  # P1 直播 CVR collapse
        ("item_return_rate", planted["P2"]["sku_id"]),  # P2 size-chart returns
        ("return_concentration", planted["P2"]["reason"]),  # ... concentrated on 尺码不符
        ("unshipped_sla", ""),  # P3 shipping backlog
        ("ad_swing", planted["P4"]["channel"]),  # P4 付费推广 spend spike
        ("cart_high_pay_low", planted["P5"]["sku_id"]),  # P5 加购高、支付低
    }
    assert expected <= found, expected - found


def test_the_conclusion_avoids_the_festival_and_names_the_broken_channel(sample_run):
    html = sample_run.html("05_daily_review")
    # 11-15: last week (11-08) and the 7-day window (11-08..11-14) lie in 双11 预热/爆发/余热,
    # so the comparison is the 14 clean days before it (10-06..10-19), said in words
    assert "对比口径：双11之前最近 14 天的日均（2026-10-06 至 2026-10-19）" in html
    assert "所以这里避开双11" in html
    # 直播 (planted P1) is named first as the broken channel and as the largest drag
    where = html[html.index("对比口径") :]
    assert "<strong>直播</strong> 连续 2 天远低于基线" in where
    assert "较对比基线拖累最大的渠道：<strong>直播</strong>" in where
    assert where.index("直播") < where.index("搜索")
    # AP0001 (planted P2): its returns are mostly 尺码不符, and the next step says so
    (step,) = [a for a in sample_run.summary["alerts"] if a["rule"] == "item_return_rate"]
    assert step["subject"] == "AP0001" and step["hint_zh"].startswith("退货主要因为「尺码不符」")
    assert "商品 AP0001退货率 38.4%：退货主要因为「尺码不符」" in html


def test_the_report_hides_code_and_shows_chinese(sample_run):
    out = sample_run.out
    html = (out / RUN_DATE / "05_daily_review.html").read_text(encoding="utf-8")
    assert "每日复盘" in html
    assert "## 2. Headline KPIs" not in html and "Headline KPIs" not in html  # en cells removed
    assert "load_context(" not in html  # no code
    assert "publish(" not in html
    assert "Explore" not in html and "交互探索" in html  # the explorer's static view, in zh
    assert "publish(" not in html and "Jupyter widget" not in html  # remove-cell, no widget
    assert "data:image/png;base64" in html  # charts embedded, page self-contained
    assert "Traceback" not in html


def test_summary_carries_headline_kpis_and_quarantine_count(sample_run):
    out = sample_run.out
    summary = _summary(out)
    kpis = summary["kpis"]["05_daily_review"]
    assert {"gmv", "orders", "cvr", "arpu", "roas", "ship_24h_rate"} <= set(kpis)
    # GMV of the run date, computed directly from the raw sample file
    orders = pd.read_csv(SAMPLE / "orders.csv.gz", parse_dates=["paid_at"])
    day = orders[orders["paid_at"].dt.strftime("%Y-%m-%d") == RUN_DATE]
    assert kpis["gmv"]["value"] == pytest.approx(day["paid_amount"].sum(), abs=0.01)
    assert kpis["orders"]["value"] == len(day)
    assert summary["quarantined_rows"] == 0


def test_same_date_same_data_same_summary(sample_run, tmp_path, cache):
    out = sample_run.out
    run(data_dir=SAMPLE, out_dir=tmp_path, run_date=RUN_DATE, cache_dir=cache)
    assert _without_seconds(_summary(tmp_path)) == _without_seconds(_summary(out))


def test_english_report(sample_run_en):
    assert sample_run_en.result.exit_code == 0
    html = sample_run_en.html("05_daily_review")
    assert "Daily review" in html and "Headline KPIs" in html
    assert "核心指标" not in html
    assert 'lang="en"' in html


def test_orders_only_data_runs_and_says_what_it_skipped(orders_only_run):
    assert orders_only_run.result.exit_code == 0, orders_only_run.failures()
    summary = orders_only_run.summary
    skipped = summary["skipped"]["05_daily_review"]
    assert skipped["split"] == ["traffic"]
    assert skipped["funnel"] == ["traffic"]
    assert skipped["ads"] == ["ad_spend"]
    assert skipped["refunds"] == ["after_sales"]
    html = orders_only_run.html("05_daily_review")
    assert "当前数据中没有，已跳过" in html
    # the overdue-shipping alert still works from the orders alone
    assert "unshipped_sla" in {a["rule"] for a in summary["alerts"]}


def test_data_after_the_run_date_changes_nothing(tmp_path, cache):
    base = orders_only(tmp_path / "base")
    future = orders_only(tmp_path / "future")
    orders = pd.read_csv(base / "orders.csv.gz", dtype=str, keep_default_na=False)
    cut = "2026-11-10"
    later = orders["created_at"] >= "2026-11-11"
    # tamper with everything after the run date: amounts x10 and statuses changed
    orders.loc[later, "paid_amount"] = (orders.loc[later, "paid_amount"].astype(float) * 10).map(
        "{:.2f}".format
    )
    orders.loc[later, "status"] = "refunded"
    orders.to_csv(future / "orders.csv.gz", index=False)
    # every notebook: no theme may let data after the run date reach a figure
    run(data_dir=base, out_dir=tmp_path / "a", run_date=cut, cache_dir=cache)
    run(data_dir=future, out_dir=tmp_path / "b", run_date=cut, cache_dir=cache)
    assert _without_seconds(_summary(tmp_path / "a", cut)) == _without_seconds(
        _summary(tmp_path / "b", cut)
    )


def test_platform_export_runs_and_no_personal_data_reaches_any_output(tmp_path, cache):
    data = tmp_path / "export"
    data.mkdir()
    shutil.copy(TAOBAO, data / TAOBAO.name)
    out = tmp_path / "out"
    result = run(data_dir=data, out_dir=out, cache_dir=cache)
    assert result.exit_code == 0, [nb.error for nb in result.notebooks]
    raw = pd.read_csv(TAOBAO, encoding="gb18030", dtype=str, keep_default_na=False)
    personal = ["买家会员名", "买家支付宝账号", "收货人姓名", "收货地址", "联系电话", "联系手机"]
    secrets = {v for col in personal for v in raw[col] if v}
    assert "张伟" in secrets and "13812345678" in secrets  # the fixture is meaningful
    blob = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in out.rglob("*")
        if p.is_file() and p.suffix in {".html", ".json", ".ipynb"}
    )
    assert sorted(s for s in secrets if s in blob) == []
    summary = _summary(out, result.run_date)
    assert summary["quarantined_rows"] > 0  # the fixture's bad rows are counted in the report
    # a lone order report: the review says its order lines are pseudo-items
    review = next(p for p in out.rglob("*daily_review*.html"))
    assert "伪商品" in review.read_text(encoding="utf-8")


def test_every_notebook_runs_top_to_bottom_with_its_own_defaults(tmp_path):
    """As when opened in JupyterLab: no injected parameters, the notebooks folder as cwd,
    every cell included (the explorers build their widgets, publish is a no-op without
    ``output_dir``). Each notebook runs in its own process with a bound on the whole notebook.

    The explorers draw into their Output widget by setting its ``outputs``, never through
    ``with output:`` (as ``widgets.interact`` does): that capture makes nbclient mimic the
    Output widget and send comm messages on the shell socket while it waits there for the
    cell's reply, and the reply could then sit unread until the cell's time limit.
    """
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}  # not the user's cache
    for src in sorted((ROOT / "notebooks").glob("[!_]*.ipynb")):
        out = tmp_path / src.name
        cmd = [sys.executable, "-m", "papermill", str(src), str(out), "-k", "python3"]
        cmd += ["--cwd", str(src.parent), "--no-progress-bar", "--execution-timeout", "300"]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"{src.name}: {done.stderr[-2000:]}"
        assert out.is_file()


def test_review_summary_matches_golden(sample_run):
    out = sample_run.out
    assert_summary_matches(out / RUN_DATE / "summary.json", "sample")
