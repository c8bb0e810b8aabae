"""The start-here notebook on the shared batch runs: the sample shop's planted problems show up
in the checklist, its lists are exported with ids only, the map lists every other notebook,
and shops without the optional tables say which table would enable each line."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.contract import PERSONAL_FIELDS
from helpers.sample import planted_problems
from helpers.themes import discover_themes

pytestmark = pytest.mark.notebooks

NB = "00_start_here"


def _lines(run) -> dict[str, dict]:
    return {i["id"]: i for i in run.summary["extra"][NB]["checklist"]}


def _export(run, name: str) -> pd.DataFrame:
    return pd.read_csv(run.report_dir / f"{NB}__checklist-{name}.csv", encoding="utf-8-sig")


def test_the_planted_problems_show_up_in_the_checklist(sample_run):
    assert sample_run.failures().get(NB) is None
    planted = planted_problems(sample_run.result.run_date)
    lines = _lines(sample_run)
    assert sample_run.summary["extra"][NB]["checklist_status"] == "urgent"
    # P3 shipping backlog: orders paid more than 24 h before the cutoff are still waiting
    assert lines["shipping"]["status"] == "urgent" and lines["shipping"]["count"] >= 10
    late = _export(sample_run, "shipping")
    assert (late["hours_waiting"] > 24).all()
    assert (
        pd.to_datetime(late["paid_at"]).dt.normalize() <= planted["P3"]["unshipped_paid_on"]
    ).all()
    # P2 returns on one apparel item: waiting requests, and a refund spike on the item
    waiting = _export(sample_run, "after-sales")
    assert planted["P2"]["sku_id"] in set(waiting["sku_id"])
    abnormal = _export(sample_run, "abnormal")
    found = set(zip(abnormal["kind"], abnormal["subject"], strict=True))
    assert ("refund_spike", planted["P2"]["sku_id"]) in found
    # P1 直播 conversion collapse, P5 price rise on one beauty item
    assert ("channel_cvr_drop", planted["P1"]["channel"]) in found
    assert ("cvr_drop", planted["P5"]["sku_id"]) in found
    assert lines["abnormal"]["status"] == "urgent"
    # P4 ad spend spike: 2.5 x the normal spend on 付费推广
    assert lines["ads"]["status"] == "urgent"
    ads = _export(sample_run, "ads").set_index("channel")
    assert ads.loc[planted["P4"]["channel"], "ratio"] > 1.5
    # the sample has no tracking times: the line says which column would enable it
    assert lines["logistics"]["status"] == "unavailable"
    assert lines["logistics"]["needs"] == ["orders.logistics_updated_at"]


def test_exports_carry_ids_only_and_nothing_after_the_run_date(sample_run):
    names = {e["name"] for e in sample_run.summary["exports"][NB]}
    assert {"checklist-shipping", "checklist-after-sales", "checklist-abnormal"} <= names
    cutoff = pd.Timestamp(sample_run.result.run_date) + pd.Timedelta(days=1)
    for name in names:
        frame = _export(sample_run, name.removeprefix("checklist-"))
        assert not {c.lower() for c in frame.columns} & set(PERSONAL_FIELDS), name
        assert "customer_id" not in frame.columns
        for col in ("created_at", "paid_at", "requested_at", "shipped_at"):
            if col in frame.columns:
                assert (pd.to_datetime(frame[col]) < cutoff).all(), (name, col)


def test_page_shows_coloured_statuses_and_the_map(sample_run):
    html = sample_run.html(NB)
    assert "紧急" in html and "#c62828" in html  # urgent in red
    assert "无法检查" in html and "orders.logistics_updated_at" in html
    for theme in discover_themes():
        if theme.name == "start_here":
            continue
        assert f"{theme.notebook}.html" in html  # the batch page links the other reports
        assert theme.question[0].split("？")[0] in html
    assert "Loading widget" not in html


def test_english_page(sample_run_en):
    html = sample_run_en.html(NB)
    assert "Urgent" in html and "Cannot check" in html and "Map of the reports" in html
    assert "紧急" not in html


def test_orders_only_shop_says_what_each_line_needs(orders_only_run):
    assert orders_only_run.failures().get(NB) is None
    lines = _lines(orders_only_run)
    assert lines["after_sales"]["needs"] == ["after_sales"]
    assert lines["ads"]["needs"] == ["ad_spend"]
    assert lines["shipping"]["status"] == "urgent"  # orders alone still show the backlog
    assert "traffic" in lines["abnormal"]["detail"]
