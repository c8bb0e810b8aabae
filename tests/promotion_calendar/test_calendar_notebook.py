"""The promotion calendar notebook in the shared batch runs (sample zh/en, orders only,
Online Retail, Olist): it runs, says what it skipped, and the sample's planted festival
shape shows (documented in data/sample/README.md, "Promotions")."""

from __future__ import annotations

import pandas as pd
import pytest

pytestmark = pytest.mark.notebooks

NB = "03_promotion_calendar"


def _extra(run) -> dict:
    return run.summary["extra"][NB]


def _phases(run) -> pd.DataFrame:
    return pd.read_csv(run.report_dir / f"{NB}__events_evaluated.csv")


def _row(phases: pd.DataFrame, promo_id: str, phase: str) -> pd.Series:
    return phases[(phases["promo_id"] == promo_id) & (phases["phase"] == phase)].iloc[0]


def test_sample_runs_and_publishes_its_headline(sample_run):
    assert NB not in sample_run.failures()
    extra = _extra(sample_run)
    assert extra["country"] == "CN"
    assert set(extra["calendar_sources"]) == {"shop", "platform", "holiday", "workday", "logistics"}
    # run date 2026-11-15: the next promotion is 双12 on 2026-12-12
    assert extra["next_event"] == {
        "days_to_go": 27,
        "name": "双12",
        "promo_id": "1212-2026",
        "start_date": "2026-12-12",
    }
    assert extra["last_event"]["promo_id"] == "1111-2026"
    assert sum(extra["readiness"].values()) == 20  # the 20 key SKUs
    assert extra["events_evaluated"] >= 14  # every promotion with a year of history or so
    kpis = sample_run.summary["kpis"][NB]
    assert kpis["days_to_next_event"]["value"] == 27
    assert {e["name"] for e in sample_run.summary["exports"][NB]} == {
        "readiness",
        "events_evaluated",
    }
    assert sample_run.summary["skipped"].get(NB, {}) == {}


def test_sample_festivals_show_their_planted_shape(sample_run):
    ph = _phases(sample_run)
    for year in (2025, 2026):
        d11, s618 = f"1111-{year}", f"618-{year}"
        # bursts planted at x5 (双11) and x3.5 (618) orders
        assert _row(ph, d11, "burst")["uplift"] > 2.5
        assert 1.5 < _row(ph, s618, "burst")["uplift"] < _row(ph, d11, "burst")["uplift"]
        assert _row(ph, d11, "burst")["incremental_lower"] > 0
        # warm-ups planted at 0.9x orders (buyers wait): below the baseline
        assert _row(ph, d11, "warmup")["uplift"] < 0
        assert _row(ph, s618, "warmup")["uplift"] < 0
        # after-glows planted at 1.3x
        assert _row(ph, d11, "afterglow")["uplift"] > 0.1
        # nothing planted before the warm-up: the interval holds zero
        pre = _row(ph, s618, "pre")
        assert pre["incremental_lower"] < 0 < pre["incremental_upper"]
    # the warm-up dip eats much of the burst: the whole event adds far less than the burst day
    assert _row(ph, "1111-2025", "total")["uplift"] < 0.25


def test_sample_alerts(sample_run):
    alerts = [a for a in sample_run.summary["alerts"] if a.get("notebook") == NB]
    rules = {a["rule"] for a in alerts}
    assert "stock_short_for_event" in rules
    short = _extra(sample_run)["readiness"]["short"]
    assert sum(a["rule"] == "stock_short_for_event" for a in alerts) == short
    for a in alerts:
        assert a["message"] == a["message_zh"] and a["severity"] in ("high", "medium")


def test_sample_report_text(sample_run, sample_run_en):
    html = sample_run.html(NB)
    for text in ("促销日历", "即将到来的活动与备货", "今年与去年", "快递停运"):
        assert text in html
    assert "Traceback" not in html
    en = sample_run_en.html(NB)
    assert NB not in sample_run_en.failures()
    assert "Promotion calendar" in en and "Double 12" in en and "促销日历" not in en
    assert 'lang="en"' in en


def test_no_future_in_the_sample_report(sample_run):
    ph = _phases(sample_run)
    assert pd.to_datetime(ph["last"]).max() <= pd.Timestamp("2026-11-15")


def test_orders_only(orders_only_run):
    assert NB not in orders_only_run.failures()
    skipped = orders_only_run.summary["skipped"][NB]
    assert skipped == {
        "economics": ["products"],
        "mechanics": ["promotions"],
        "whatif": ["products"],
    }
    extra = _extra(orders_only_run)
    # without a promotions table the platform calendar stands in: 双11 is still evaluated
    assert extra["last_event"]["promo_id"] == "1111-2026"
    assert extra["last_event"]["roi"] is None
    assert extra["readiness"] == {}
    html = orders_only_run.html(NB)
    assert "当前数据中没有，已跳过" in html


@pytest.mark.realdata
def test_online_retail_uk_calendar(retail_run):
    assert NB not in retail_run.failures()
    extra = _extra(retail_run)
    assert extra["country"] == "GB"
    # no promotions table and no Chinese platform calendar: nothing to evaluate
    assert extra["events_evaluated"] == 0 and extra["next_event"] is None
    html = retail_run.html(NB)
    assert "圣诞节" in html  # the UK's Christmas block is on the calendar
    # UK bank holidays only: no platform festival, no make-up workday, no logistics pause
    assert set(extra["calendar_sources"]) == {"holiday"}


@pytest.mark.realdata
def test_olist_runs(olist_run):
    assert NB not in olist_run.failures()
    assert _extra(olist_run)["country"] == "BR"


def test_sample_burst_day_gmv_against_the_raw_file(sample_run):
    from locations import SAMPLE

    live = _extra(sample_run)["live"]
    assert (live["this"], live["last"]) == ("1111-2026", "1111-2025")
    orders = pd.read_csv(SAMPLE / "orders.csv.gz", parse_dates=["paid_at"])
    day = orders["paid_at"].dt.strftime("%Y-%m-%d")
    for key, date in (("burst_gmv_this", "2026-11-11"), ("burst_gmv_last", "2025-11-11")):
        assert live[key] == pytest.approx(orders.loc[day == date, "paid_amount"].sum(), abs=0.01)


@pytest.mark.realdata
def test_online_retail_own_season(retail_run):
    season = _extra(retail_run)["season"]
    # the UK shop peaks before Christmas and closes over it
    assert season["peak_month"] == "2011-11" and season["peak_index"] > 1.3
    assert season["gap_holiday"] == "Christmas Day"
    assert season["gap_start"] <= "2010-12-25" <= season["gap_end"]
