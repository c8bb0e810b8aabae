"""Honest dates (finding 6) and counting (finding 7): the default run date ignores isolated
far-future rows and keeps the last day of date-only data, a run date outside the data is an
error stating the range, every physical row is counted once, and ``playbook check`` lists
dropped columns and writes every quarantined row."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from intake.intake_checks import load
from locations import FIXTURES

from helpers import cli
from helpers.check import check_data, render
from helpers.context import prepare
from helpers.facts import checked_run_date, data_range, isolated_future, last_complete_day
from helpers.settings import Settings

T = pd.Timestamp
HEADER = "order_id,customer_id,created_at,paid_at,status,paid_amount"
ITEMS = "order_id,line_no,sku_id,quantity,unit_price\nA1,1,S1,1,10\n"


def orders_frame(stamps: list[str]) -> pd.DataFrame:
    s = pd.to_datetime(pd.Series(stamps))
    return pd.DataFrame(
        {"order_id": [f"A{i}" for i in range(len(s))], "created_at": s, "paid_at": s}
    )


def shop(tmp_path: Path, rows: list[str], items: str = ITEMS, extra: str = "") -> Path:
    d = tmp_path / "shop"
    d.mkdir()
    (d / "orders.csv").write_text(HEADER + extra + "\n" + "\n".join(rows) + "\n", "utf-8")
    (d / "order_items.csv").write_text(items, "utf-8")
    return d


# 20 days of trade, 2026-11-01 .. 2026-11-20, every day until 23:30, plus two typo rows.
TRADE = [f"2026-11-{d:02d} {h:02d}:30:00" for d in range(1, 21) for h in (10, 23)]
TYPOS = ["2030-01-01 10:00:00", "2099-06-01 10:00:00"]


def test_isolated_far_future_rows_do_not_take_over_the_run_date():
    orders = orders_frame(TRADE + TYPOS)
    far = isolated_future(orders["created_at"])
    # the two typo rows (positions 40 and 41) only: the gap to 2030 is > 30 days and holds
    # 2 rows <= max(5, 1% of 42)
    assert far.tolist() == [False] * 40 + [True, True]
    assert last_complete_day(orders) == T("2026-11-20")  # 23:30 on 11-20: complete


def test_a_gap_with_many_rows_after_it_is_not_isolated():
    # a shop that paused for two months and came back with 40 orders: real trade
    later = [f"2027-02-{d:02d} 12:00:00" for d in range(1, 21) for _ in (0, 1)]
    orders = orders_frame(TRADE + later)
    assert not isolated_future(orders["created_at"]).any()


def test_date_only_orders_keep_their_last_day():
    # no time of day at all: the last day is whole (the 23:00 rule would drop it)
    orders = orders_frame([f"2026-11-{d:02d}" for d in range(1, 21)])
    assert last_complete_day(orders) == T("2026-11-20")
    assert data_range(orders) == (T("2026-11-01"), T("2026-11-20"), False)


def test_an_export_cut_during_the_day_is_flagged():
    orders = orders_frame([*TRADE, "2026-11-21 09:15:00"])
    assert last_complete_day(orders) == T("2026-11-20")
    assert data_range(orders) == (T("2026-11-01"), T("2026-11-21"), True)


def test_a_run_date_outside_the_data_is_an_error_stating_the_range():
    orders = orders_frame(TRADE + TYPOS)
    assert checked_run_date(orders, "2026-11-05") == T("2026-11-05")
    assert checked_run_date(orders, None) == T("2026-11-20")
    for day in ("2026-10-31", "2026-11-21", "2030-01-01"):
        with pytest.raises(ValueError, match="the orders run from 2026-11-01 to 2026-11-20"):
            checked_run_date(orders, day)


def test_playbook_run_with_a_date_outside_the_data_exits_2_without_a_report(tmp_path, capsys):
    d = shop(tmp_path, [f"A1,C1,{TRADE[0]},{TRADE[0]},paid,10", f"A2,C1,{TRADE[-1]},,paid,5"])
    out = tmp_path / "out"
    code = cli.main(
        ["run", "--data", str(d), "--out", str(out), "--date", "2027-03-01", "--quiet"]
        + ["--cache", str(tmp_path / "cache")]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "outside the data" in err and "2026-11-01 to 2026-11-20" in err
    assert not list(out.rglob("*.html"))


def test_check_names_the_isolated_rows_and_uses_the_run_date_without_them(tmp_path):
    rows = [f"A{i},C1,{t},{t},paid,10" for i, t in enumerate(TRADE + TYPOS)]
    items = "order_id,line_no,sku_id,quantity,unit_price\n" + "".join(
        f"A{i},1,S1,1,10\n" for i in range(len(rows))
    )
    report = check_data(shop(tmp_path, rows, items), Settings(), cache_dir=False)
    assert report.run_date == T("2026-11-20")
    assert report.isolated["order_id"].tolist() == ["A41", "A40"]
    text = render(report, lang="en")
    assert "2 order(s) dated far after the rest" in text
    assert "A41 (2099-06-01), A40 (2030-01-01)" in text


def test_prepare_refuses_a_run_date_outside_the_data(tmp_path):
    d = shop(tmp_path, [f"A1,C1,{TRADE[0]},{TRADE[0]},paid,10"])
    with pytest.raises(ValueError, match="outside the data"):
        prepare(d, Settings(), cache_dir=tmp_path / "c", run_date="2026-12-01")


# ------------------------------------------------------------------------------ counting


def test_a_row_refused_by_two_tables_counts_once(tmp_path):
    # The Taobao fixture's quarantine (see test_intake.test_taobao_quarantine) holds 7
    # records: orders rows 9, 11, 12 and order_items rows 9, 10, 11, 12 - the same export rows
    # read by both tables. Distinct file rows: 9, 10, 11, 12 = 4.
    d = tmp_path / "tb"
    d.mkdir()
    (d / "taobao_orders_gbk.csv").write_bytes(
        (FIXTURES / "intake" / "taobao_orders_gbk.csv").read_bytes()
    )
    ds = load(d)
    rows = sorted(set(ds.quarantine["row"].astype(int)))
    assert len(ds.quarantine) > len(rows)
    assert ds.quarantined_rows == len(rows) == 4


def test_check_lists_dropped_columns_and_conventions(tmp_path):
    d = shop(
        tmp_path,
        ['A1,C1,03/11/2026,,paid,"1.234,50",x', "A2,C1,25/10/2026,,paid,1,y"],
        extra=",remark",
    )
    report = check_data(d, Settings(), cache_dir=False)
    files = report.files.set_index("file")
    assert files.loc["orders.csv", "dropped_columns"] == "remark"
    assert "paid_amount: decimal comma" in files.loc["orders.csv", "note"]
    assert "created_at: day-first" in files.loc["orders.csv", "note"]
    text = render(report, lang="en")
    assert "Files read (columns dropped, formats found)" in text and "remark" in text


def test_check_quarantine_file_lists_every_row_with_personal_values_masked(tmp_path, capsys):
    rows = [
        "A1,C1,2026-11-01 10:00:00,,paid,10",
        "A2,C1,2026-11-01 10:00:00,,paid,abc",
        "A3,C1,0001-01-01,,paid,10",
        "A4,C1,2026-11-01 10:00:00,,paid,tel 13812345678",
    ]
    d = shop(tmp_path, rows)
    target = tmp_path / "q" / "quarantine.csv"
    code = cli.main(["check", "--data", str(d), "--quarantine", str(target), "--lang", "en"])
    assert code == 0
    assert "3 quarantined row(s) written" in capsys.readouterr().out
    with open(target, encoding="utf-8-sig", newline="") as fh:
        got = list(csv.DictReader(fh))
    assert [(r["file"], r["row"], r["column"]) for r in got] == [
        ("orders.csv", "3", "paid_amount"),
        ("orders.csv", "4", "created_at"),
        ("orders.csv", "5", "paid_amount"),
    ]
    assert all(r["reason"] for r in got)
    assert "13812345678" not in target.read_text(encoding="utf-8-sig")


def test_the_cut_off_day_is_flagged_in_the_first_line_of_the_review():
    from helpers.daily_review.tables import run_header
    from helpers.facts import cut_off_at

    orders = orders_frame([*TRADE, "2026-11-21 09:15:00"])
    cut = cut_off_at(orders, "2026-11-21")
    assert cut == T("2026-11-21 09:15:00")
    assert cut_off_at(orders, "2026-11-20") is None  # a complete day
    assert cut_off_at(orders_frame(TRADE), "2026-11-20") is None  # ends at 23:30
    zh = run_header(shop_name="店", run_date=T("2026-11-21"), currency="CNY", cut_off=cut).data
    assert zh.endswith("· ⚠ 导出截至 09:15，当天数据不完整，数字偏低")
    en = run_header(
        shop_name="s", run_date=T("2026-11-21"), currency="CNY", lang="en", cut_off=cut
    ).data
    assert "the export ends at 09:15: this day is incomplete" in en
    plain = run_header(shop_name="店", run_date=T("2026-11-20"), currency="CNY").data
    assert "⚠" not in plain
