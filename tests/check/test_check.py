"""Tests for the data check (helpers.check and ``playbook check``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from locations import ROOT

from helpers import check, cli
from helpers.alerts import REGISTRY
from helpers.check import REQUIREMENTS, check_data, reason_key, render
from helpers.contract import TABLES
from helpers.daily_review.review import SECTION_NEEDS
from helpers.intake import IntakeError, load_dataset
from helpers.settings import Settings, load_settings

RULES = [r.id for r in REGISTRY.in_report_order()]

SAMPLE = ROOT / "data" / "sample"
TAOBAO = ROOT / "tests" / "fixtures" / "intake"

# Spreadsheet rows: header = row 1, o1 = row 2 ... o7 = row 8.
ORDERS = """order_id,customer_id,created_at,paid_at,status,paid_amount,channel,shipped_at
o1,c1,2026-11-01 10:00:00,2026-11-01 10:05:00,completed,100,搜索,2026-11-01 18:00:00
o2,c2,2026-11-02 11:00:00,2026-11-02 11:01:00,completed,50,推荐,2026-11-03 09:00:00
o3,c3,2026-11-03 21:00:00,2026-11-03 21:30:00,paid,80,搜索,
o4,c1,2026-11-04 09:00:00,,pending,0,搜索,
o5,c4,2026-11-04 09:30:00,2026-11-04 09:31:00,paid,-5,搜索,
o6,c5,2026-11-04 10:00:00,2026-11-04 10:01:00,paid,-1,搜索,
o7,c6,2026-11-04 11:00:00,2026-11-04 11:02:00,paid,abc,搜索,
"""
# o5's line (row 6) points at a quarantined order; row 7 has quantity 0 and an unknown order.
ITEMS = """order_id,line_no,sku_id,quantity,unit_price
o1,1,s1,1,100
o2,1,s2,2,25
o3,1,s1,1,80
o4,1,s2,1,30
o5,1,s1,1,10
o9,1,s1,0,10
"""


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    d = tmp_path / "myshop"
    d.mkdir()
    (d / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (d / "order_items.csv").write_text(ITEMS, encoding="utf-8")
    return d


@pytest.fixture
def report(shop: Path, tmp_path: Path) -> check.CheckReport:
    return check_data(shop, Settings(), cache_dir=tmp_path / "cache")


def _sections(report: check.CheckReport, kind: str) -> pd.DataFrame:
    """The daily review's rows of one kind (other notebooks list their own sections)."""
    s = report.sections
    return s.loc[(s["kind"] == kind) & (s["notebook"] == "daily_review")].set_index("item")


def test_table_counts_by_hand(report):
    t = report.tables.set_index("table")
    assert list(report.tables["table"]) == list(TABLES)  # all 11, contract order
    # orders: 7 data rows; o5 (-5) and o6 (-1) below 0, o7 'abc' unparseable -> 3 out
    assert t.loc["orders", ["rows_read", "rows_accepted", "rows_quarantined"]].tolist() == [7, 4, 3]
    # items: 6 rows; o5's line (order quarantined) and the o9 line (quantity 0) -> 2 out
    items = t.loc["order_items", ["rows_read", "rows_accepted", "rows_quarantined"]].tolist()
    assert items == [6, 4, 2]
    assert t.loc["orders", "status"] == "found" and t.loc["orders", "mandatory"]
    assert t.loc["orders", "files"] == ("orders.csv",)
    assert t.loc["orders", "mappings"] == ("contract",)
    missing = [n for n in TABLES if n not in ("orders", "order_items")]
    assert (t.loc[missing, "status"] == "missing").all()
    assert (t.loc[missing, "rows_read"] == 0).all()
    assert report.usable and report.exit_code == 0 and report.problem == ""


def test_top_reasons_by_hand(report):
    r = report.reasons
    orders = r.loc[r["table"] == "orders"].reset_index(drop=True)
    # two rows below the minimum (rows 6, 7), one unparseable number (row 8)
    assert orders.loc[0, ["reason", "rows", "file", "row"]].tolist() == [
        "paid_amount below minimum 0",
        2,
        "orders.csv",
        6,
    ]
    assert orders.loc[1, ["reason", "rows", "row"]].tolist() == [
        "unparseable number in paid_amount",
        1,
        8,
    ]
    items = r.loc[r["table"] == "order_items"]
    assert set(items["reason"]) == {
        "order_id not found in accepted orders",  # row 6 (o5)
        "quantity below minimum 1",  # row 7
    }
    assert items.set_index("reason").loc["quantity below minimum 1", "row"] == 7
    # no value ever reaches the reasons ('abc', '-5' ...)
    assert not r["reason"].str.contains("abc|-5|'", regex=True).any()


def test_date_ranges_and_run_date(report):
    d = report.dates.set_index(["table", "column"])
    # paid_at of accepted orders: o1 11-01 .. o3 11-03 (o4 unpaid)
    assert d.loc[("orders", "paid_at"), "first"] == pd.Timestamp("2026-11-01 10:05:00")
    assert d.loc[("orders", "paid_at"), "last"] == pd.Timestamp("2026-11-03 21:30:00")
    assert d.loc[("orders", "created_at"), "last"] == pd.Timestamp("2026-11-04 09:00:00")
    # latest stamp 2026-11-04 09:00 is before 23:00, so 11-04 is incomplete -> 11-03
    assert report.run_date == pd.Timestamp("2026-11-03")


def test_sections_without_traffic_ads_after_sales(report):
    s = _sections(report, "section")
    assert set(s.index) == set(SECTION_NEEDS)
    # every notebook of the repository is listed, the review's sections among them
    assert "daily_review" in set(report.sections["notebook"])
    assert s.loc["funnel", "status"] == "skipped"
    # without traffic the split falls back to GMV = buyers x 客单价
    assert s.loc["split", "status"] == "partly"
    for section in ("split", "funnel"):
        assert s.loc[section, "missing"] == ("traffic",)
    assert s.loc["ads", "status"] == "skipped" and s.loc["ads", "missing"] == ("ad_spend",)
    assert s.loc["refunds", "status"] == "skipped"
    assert s.loc["refunds", "missing"] == ("after_sales",)
    assert s.loc["trends", "status"] == "partly"  # GMV, orders, 客单价 still drawn
    assert s.loc["kpis", "status"] == "partly"
    assert s.loc["kpis", "missing"] == ("traffic", "ad_spend", "after_sales")
    assert s.loc["drilldown", "status"] == "runs"
    assert s.loc["shipping", "status"] == "runs"  # o1, o2 have shipped_at
    assert s.loc["alerts", "status"] == "partly"

    a = _sections(report, "alert")
    assert list(a.index) == list(RULES)
    assert a.loc["unshipped_sla", "status"] == "runs"
    assert a.loc["refund_rate", "status"] == "skipped"
    assert a.loc["channel_cvr_drop", "missing"] == ("traffic",)
    # 3 days of orders (11-01 .. 11-03); 3 declining days need 4
    assert a.loc["consecutive_decline", "status"] == "skipped"
    assert a.loc["consecutive_decline", "why"] == (("history", 4, 3),)
    assert a.loc["anomaly", "why"] == (("history", 36, 3),)


def test_render_english(report, shop):
    text = render(report, lang="en")
    assert text.startswith("Data check: myshop\n")
    assert "Default run date: 2026-11-03" in text
    assert "paid_amount below minimum 0" in text and "orders.csv row 6" in text
    assert "paid_at 2026-11-01 – 2026-11-03" in text
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("3. GMV change split"))
    assert "partly" in line and "no traffic table" in line
    assert "playbook run can start" in text
    # no machine path, only the folder name
    assert str(shop.parent) not in text and "cache" not in text


def test_render_chinese_is_aligned(report):
    text = render(report, lang="zh")
    assert "默认复盘日期：2026-11-03" in text
    assert "跳过" in text and "缺少 流量 traffic 表" in text
    head = next(ln for ln in text.splitlines() if ln.strip().startswith("表 "))
    row = next(ln for ln in text.splitlines() if ln.strip().startswith("订单 orders"))
    # the status column starts at the same display column in the header and the row
    from helpers.check.render import display_width as w

    assert w(head[: head.index("状态")]) == w(row[: row.index("找到")])


def test_check_fills_the_cache_a_run_reuses(shop, tmp_path):
    from helpers.context import prepare

    cache = tmp_path / "cache"
    first = check_data(shop, Settings(), cache_dir=cache)
    assert not first.from_cache
    again = load_dataset(shop, Settings(), cache_dir=cache)
    assert again.from_cache and again.fingerprint == first.fingerprint
    dataset, _facts, day = prepare(shop, Settings(), cache_dir=cache)
    assert dataset.from_cache and day == first.run_date


def test_empty_folder_is_an_intake_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(IntakeError, match="no orders"):
        check_data(empty, Settings(), cache_dir=False)
    assert cli.main(["check", "--data", str(empty)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err
    assert "orders.csv" in lines[0] and "add files" in lines[0]
    assert cli.main(["check", "--data", str(tmp_path / "nope")]) == 2
    assert "data folder not found" in capsys.readouterr().err


def test_no_accepted_orders_exits_2_after_printing(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    d = tmp_path / "bad"
    d.mkdir()
    (d / "orders.csv").write_text(
        "order_id,customer_id,created_at,paid_at,status,paid_amount\no1,c1,x,,paid,1\n",
        encoding="utf-8",
    )
    (d / "order_items.csv").write_text(
        "order_id,line_no,sku_id,quantity,unit_price\no1,1,s1,1,1\n", encoding="utf-8"
    )
    assert cli.main(["check", "--data", str(d), "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert "unparseable datetime in created_at" in captured.out
    assert "no row passed validation" in captured.err.strip()


def test_main_prints_and_returns_0(shop, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cli.main(["check", "--data", str(shop), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Data check: myshop" in out and "Tables (* = required)" in out
    assert str(tmp_path) not in out
    assert (tmp_path / "xdg" / "ecom-playbook").is_dir()  # the intake default cache
    assert cli.main(["check", "--data", str(shop)]) == 0  # zh by default
    assert "数据检查：myshop" in capsys.readouterr().out


def test_settings_sources(shop, tmp_path):
    (shop / "playbook.yaml").write_text("shop_name: 小店\ncurrency: CNY\n", encoding="utf-8")
    settings = load_settings(shop, language="en")
    rep = check_data(shop, settings, cache_dir=tmp_path / "cache")
    src = rep.settings.set_index("setting")
    assert src.loc["shop_name"].tolist() == ["小店", "playbook.yaml"]
    assert src.loc["currency", "source"] == "playbook.yaml"
    assert src.loc["timezone"].tolist() == ["Asia/Shanghai", "defaults"]
    assert src.loc["language"].tolist() == ["en", "command line"]
    # a hint from the data fills what neither the file nor the command line set
    frame = check.settings_frame(settings, shop, None, {"timezone": "Europe/London"})
    assert frame.set_index("setting").loc["timezone"].tolist() == ["Europe/London", "data"]
    frame = check.settings_frame(settings, shop, None, {"shop_name": "other"})
    assert frame.set_index("setting").loc["shop_name", "source"] == "playbook.yaml"


def test_reason_key():
    assert reason_key("unparseable number in paid_amount: '五十九'") == (
        "unparseable number in paid_amount"
    )
    dup = "duplicate key order_id='1', line_no='1' (first seen in a.csv row 2)"
    assert reason_key(dup) == "duplicate key order_id, line_no"
    assert reason_key("duplicate key created_at='2026-11-01 10:00:00'") == (
        "duplicate key created_at"
    )
    assert reason_key("order_id 'x' not found in accepted orders") == (
        "order_id not found in accepted orders"
    )
    assert reason_key("missing order_id") == "missing order_id"
    assert len(reason_key("x" * 200)) == 60


def test_registries_cover_the_review_and_the_rules():
    from helpers.daily_review import THEME

    # every section of the review is labelled by its declared heading
    assert {s: check.item_label("daily_review", "section", s, "en") for s in SECTION_NEEDS} == {
        s.id: s.heading[1] for s in THEME.sections
    }
    for rule in REGISTRY:
        assert set(rule.needs) | set(rule.enriched_by) <= set(TABLES), rule.id
        assert set(rule.requires) <= set(REQUIREMENTS), rule.id


def test_taobao_export_with_bad_rows(tmp_path):
    rep = check_data(TAOBAO, Settings(), cache_dir=tmp_path / "cache")
    t = rep.tables.set_index("table")
    assert t.loc["orders", "mappings"] == ("taobao_orders",)
    assert t.loc["orders", ["rows_read", "rows_accepted", "rows_quarantined"]].tolist() == [
        12,
        9,
        3,
    ]
    assert rep.usable
    text = render(rep, lang="zh")
    assert "taobao_orders_gbk.csv (taobao_orders)" in text
    # personal data of the export never shows (buyer nickname, phone, address)
    for secret in ("小鱼儿2019", "13812345678", "文三路"):
        assert secret not in text


def test_sample_every_table_found_every_section_runs(tmp_path):
    settings = load_settings(SAMPLE)
    rep = check_data(SAMPLE, settings, cache_dir=tmp_path)
    assert (rep.tables["status"] == "found").all()
    assert (rep.tables["rows_quarantined"] == 0).all()
    assert rep.reasons.empty
    bad = rep.sections.loc[rep.sections["status"] != "runs", ["item", "why"]]
    assert bad.empty, bad
    assert rep.run_date == pd.Timestamp("2026-11-15")
    assert rep.settings.set_index("setting").loc["shop_name", "source"] == "playbook.yaml"
    text = render(rep, lang="en")
    assert "Data check: sample" in text and "skipped" not in text


def test_item_return_rate_needs_cases_that_name_their_order():
    shape = check.DataShape(
        have=frozenset({"orders", "order_items", "after_sales"}),
        usable=True,
        history_days=60,
        has_shipping_times=True,
        industry_cvr=False,
        item_cart_traffic=False,
        after_sales_sku=True,
        settings=Settings(),
        after_sales_order=False,  # credit notes that name no order
    )
    row = check.alert_rule_status("item_return_rate", shape)
    assert row["status"] == check.SKIPPED and row["why"] == (("no_after_sales_order",),)
    named = check.alert_rule_status("item_return_rate", replace(shape, after_sales_order=True))
    assert named["status"] == check.RUNS


def _shape(**changes) -> check.DataShape:
    base = check.DataShape(
        have=frozenset({"orders", "order_items", "customers"}),
        usable=True,
        history_days=60,
        has_shipping_times=False,
        industry_cvr=False,
        item_cart_traffic=False,
        after_sales_sku=False,
        settings=Settings(),
        columns=frozenset({"orders.paid_at"}),
    )
    return replace(base, **changes)


def test_a_theme_s_sections_are_read_off_its_declaration():
    from helpers.check.sections import section_row
    from helpers.sections import Section

    shape = _shape()
    # needs a missing table: skipped, naming it; a column without values: skipped, naming it
    ads = section_row(Section("ads", ("广告", "Ads"), needs=("ad_spend",)), shape)
    assert (ads["status"], ads["missing"], ads["why"]) == (
        "skipped",
        ("ad_spend",),
        (("table", "ad_spend"),),
    )
    col = section_row(Section("c", ("c", "c"), needs=("orders.coupon",)), shape)
    assert col["status"] == "skipped" and col["why"] == (("no_column", "orders.coupon"),)
    ship = section_row(Section("s", ("s", "s"), needs=("orders.shipped_at",)), shape)
    assert ship["why"] == (("no_shipped_at",),)  # worded like the shipping rule
    # enriched by a missing table: runs in part; everything there: runs
    part = section_row(Section("p", ("p", "p"), enriched_by=("traffic",)), shape)
    assert (part["status"], part["missing"]) == ("partly", ("traffic",))
    ok = section_row(Section("ok", ("ok", "ok"), needs=("customers", "orders.paid_at")), shape)
    assert ok["status"] == "runs" and ok["why"] == ()


def test_check_lists_the_sections_of_every_discovered_theme():
    from helpers.themes import discover_themes

    themes = discover_themes()
    frame = check.sections_frame(_shape(), notebooks=[t.name for t in themes])
    for theme in themes:
        mine = frame.loc[(frame["notebook"] == theme.name) & (frame["kind"] == "section")]
        assert list(mine["item"]) == [s.id for s in theme.sections], theme.name
        labels = {check.item_label(theme.name, "section", s.id, "zh") for s in theme.sections}
        assert labels == {s.heading[0] for s in theme.sections}
    # the daily review adds its special cases: the rules after its sections
    review = frame.loc[frame["notebook"] == "daily_review"]
    assert set(review.loc[review["kind"] == "alert", "item"]) == {
        r.id for r in REGISTRY if r.theme == "daily_review"
    }
    # the retention notebook lists its own rules
    retention = frame.loc[(frame["notebook"] == "retention") & (frame["kind"] == "alert")]
    assert list(retention["item"]) == ["dormant_share_up", "repeat_rate_down"]
    # a notebook without a theme is one row; unusable data stops every notebook
    other = check.sections_frame(_shape(), notebooks=["99_scratch"])
    assert other[["kind", "status"]].values.tolist() == [["notebook", "runs"]]
    stopped = check.sections_frame(_shape(usable=False), notebooks=["daily_review"])
    assert stopped["why"].tolist() == [(("unusable",),)]


def test_a_column_without_values_is_worded_in_both_languages():
    from helpers.check.render import why_text

    assert why_text((("no_column", "orders.coupon"),), "en") == "orders.coupon has no values"
    assert why_text((("no_column", "orders.coupon"),), "zh") == "orders.coupon 列没有值"
