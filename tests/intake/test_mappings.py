"""Built-in mappings for real public data sets (UCI Online Retail, Olist) and the mapping
features they need: row routing (``where``), aggregation (``group_by`` / ``agg``), rejects,
multi-file mappings with joins, settings hints. Runs on small SYNTHETIC fixtures in the
shapes of the real files (tests/fixtures/mappings/); expected values are computed by hand."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pandas as pd
import pytest
from intake.intake_checks import S, check_balance, load
from locations import FIXTURES as FIXTURE_ROOT

from helpers import intake
from helpers.intake import (
    Dataset,
    IntakeError,
    SourceMapping,
    aggregate,
    expressions,
    load_dataset,
    mapping,
)

FIXTURES = FIXTURE_ROOT / "mappings"
RETAIL = FIXTURES / "online_retail"
OLIST = FIXTURES / "olist"


def copy_folder(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("README*"))
    return dst


# --------------------------------------------------------------------------------------------
# UCI Online Retail
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def retail() -> Dataset:
    return load(RETAIL)


def test_retail_is_detected_and_hints_currency(retail):
    assert set(retail.sources["mapping"]) == {"uci_online_retail"}
    assert retail.settings_hints == {
        "currency": "GBP",
        "timezone": "Europe/London",
        "shop_name": "UCI Online Retail (UK gift retailer)",
        "platform_calendar": "none",  # a UK shop: no Chinese platform festivals
    }
    check_balance(retail)


def test_retail_invoices_become_orders(retail):
    o = retail["orders"].set_index("order_id")
    assert list(o.index) == ["900001", "900002", "900003", "900010", "900011", "900012", "900013"]
    assert o["paid_amount"].round(2).to_dict() == {
        "900001": 28.00,  # 2*1.50 + 4.00 + 18.00 (POST) + 2*1.50 (exact duplicate line)
        "900002": 11.25,  # 3*2.00 + 5.25
        "900003": 35.00,  # 10*3.50 + 5*0 (free line, customer known: kept)
        "900010": 18.01,  # 8.51 voucher + 2.00 + 6*1.25
        "900011": 0.85,
        "900012": 151.40,  # 24*3.25 + 12*1.95 + 50 (carriage)
        "900013": 9.90,
    }
    assert (o["status"] == "completed").all()
    assert (o["created_at"] == o["paid_at"]).all()
    # 900002's lines span 10:00 and 10:01: the first time is kept
    assert o.loc["900002", "created_at"] == pd.Timestamp("2011-03-01 10:00:00")
    assert o.loc["900012", "province"] == "Netherlands"


def test_retail_customer_ids_whole_and_guests_empty(retail):
    o = retail["orders"].set_index("order_id")
    assert o.loc["900001", "customer_id"] == "20001"
    assert o.loc["900003", "customer_id"] == "20002"  # written 20002.0 in the file
    for guest in ("900002", "900011", "900013"):
        assert pd.isna(o.loc[guest, "customer_id"])
    assert o["customer_id"].dropna().nunique() == 3


def test_retail_order_lines(retail):
    it = retail["order_items"]
    first = it[it["order_id"] == "900001"]
    assert first["line_no"].tolist() == [1, 2, 3, 4]
    assert first["sku_id"].tolist() == ["A1001", "A1002", "POST", "A1001"]  # duplicate kept
    assert first["title"].tolist()[0] == "RED MUG"  # trailing space stripped
    assert len(it) == 16
    # line amounts add up to the orders
    amount = (it["quantity"] * it["unit_price"]).sum()
    assert round(amount, 2) == round(retail["orders"]["paid_amount"].sum(), 2) == 254.41


def test_retail_credit_notes_become_cancellations(retail):
    a = retail["after_sales"].set_index("case_id")
    assert list(a.index) == ["C900004", "C900005", "C900006", "C900014"]
    assert a["order_id"].isna().all()
    assert (a["type"] == "cancellation").all()
    assert a["refund_amount"].round(2).to_dict() == {
        "C900004": 3.00,
        "C900005": 7.50,  # 1*3.50 + 2*2.00
        "C900006": 5.00,
        "C900014": 9.90,  # two identical lines
    }
    assert a["quantity"].tolist() == [2, 3, 1, 2]
    assert a.loc["C900004", "sku_id"] == "A1001"
    assert pd.isna(a.loc["C900005", "sku_id"])  # two different codes
    assert a.loc["C900014", "sku_id"] == "A1004"  # two lines, one code
    assert a.loc["C900006", "reason"] == "Discount"  # non-product code: its description
    # a plain credit note states no reason: left empty, not a made-up "cancellation" reason
    # that would look like every return has the same cause
    assert pd.isna(a.loc["C900004", "reason"])
    assert a.loc["C900006", "requested_at"] == pd.Timestamp("2011-03-01 14:00:00")


def test_retail_adjustments_are_quarantined_with_reasons(retail):
    q = retail.quarantine
    items = q[q["table"] == "order_items"].set_index("row")
    assert items["reason"].to_dict() == {
        14: "stock write-off (negative quantity outside a credit note), not a sale",
        15: "stock adjustment (no price, no customer), not a sale",
        16: "bad-debt adjustment (A invoice), not a sale",
    }
    orders = q[q["table"] == "orders"].set_index("row")["reason"]
    assert list(orders.index) == [14, 15, 16]  # first row of invoices 900007, 900008, A900009
    assert orders[16] == "bad-debt adjustment (A invoice), not a sale"
    assert orders[14].startswith("stock adjustment or write-off")
    s = retail.sources.set_index("table")
    assert s.loc["orders", ["rows_read", "rows_accepted", "rows_quarantined"]].tolist() == [
        10,
        7,
        3,
    ]
    assert s.loc["order_items", ["rows_read", "rows_accepted", "rows_quarantined"]].tolist() == [
        19,
        16,
        3,
    ]
    # every invoice is accounted for: orders read + credit notes
    assert s.loc["orders", "rows_read"] + s.loc["after_sales", "rows_read"] == 14


def test_retail_reasons_are_declared_in_chinese_beside_the_english(retail):
    q = retail.quarantine.set_index(["table", "row"])["reason_zh"]
    assert q[("order_items", 14)] == "库存报损（退货单以外的负数量），不是销售"
    assert q[("order_items", 15)] == "库存调整（没有价格和买家），不是销售"
    assert q[("orders", 16)] == q[("order_items", 16)] == "坏账调整（A 开头的发票），不是销售"
    assert q[("orders", 14)] == "库存调整或报损（没有买家、没有收款），不是销售"


def test_every_builtin_reject_reason_has_its_chinese():
    rules = [(m.name, r) for m in intake.builtin_mappings() for b in m.blocks for r in b.reject]
    assert len(rules) == 7  # 5 in uci_online_retail, 2 in ab_test_udacity
    for name, r in rules:
        assert r.reason_zh != r.reason, (name, r.reason)
        assert any("\u4e00" <= c <= "\u9fff" for c in r.reason_zh), (name, r.reason)


def test_retail_products_flag_non_product_codes(retail):
    p = retail["products"].set_index("sku_id")
    assert len(p) == 12
    assert sorted(p.index[p["category"] == "non-product"]) == sorted(
        ["POST", "DOT", "D", "B", "gift_0001_10", "DCGS0001", "M", "C2"]
    )
    assert p["category"].isna().sum() == 4
    assert p.loc["A1001", "title"] == "RED MUG"  # 3x RED MUG, 1x RED MUG SMALL
    assert p.loc["A1003", "title"] == "GREEN JUG"  # not "damaged"
    assert p.loc["A1004", "title"] == "YELLOW VASE"  # not "found"


def test_retail_selectable_by_name_and_read_only_folder(tmp_path):
    d = copy_folder(RETAIL, tmp_path / "ro")
    for p in [d, *d.iterdir()]:
        p.chmod(stat.S_IRUSR | stat.S_IXUSR if p.is_dir() else stat.S_IRUSR)
    try:
        cache = tmp_path / "cache"
        ds = load_dataset(d, S, mapping="uci_online_retail", cache_dir=cache)
        assert len(ds["orders"]) == 7
        assert sorted(os.listdir(d)) == ["online_retail.csv"]  # nothing written beside the data
        again = load_dataset(d, S, mapping="uci_online_retail", cache_dir=cache)
        assert again.from_cache and again.settings_hints["currency"] == "GBP"
    finally:
        for p in [d, *d.iterdir()]:
            p.chmod(0o755 if p.is_dir() else 0o644)


# --------------------------------------------------------------------------------------------
# Olist (multi-file)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def olist() -> Dataset:
    return load(OLIST)


def test_olist_detected_with_hints(olist):
    assert olist.settings_hints["currency"] == "BRL"
    assert olist.settings_hints["timezone"] == "America/Sao_Paulo"
    assert set(olist.sources["mapping"]) == {"olist"}
    assert olist.available == ["orders", "order_items", "products", "after_sales", "customers"]
    check_balance(olist)


def test_olist_orders(olist):
    o = olist["orders"].set_index("order_id")
    assert o["status"].to_dict() == {
        "o01": "completed",
        "o02": "shipped",
        "o03": "refunded",  # canceled after approval
        "o04": "cancelled",  # canceled, never approved
        "o05": "refunded",  # unavailable after approval: the buyer had paid
        "o06": "paid",
        "o07": "paid",
        "o08": "pending",
        "o09": "paid",
        "o10": "completed",
    }
    assert o["paid_amount"].round(2).to_dict() == {
        "o01": 120.00,  # credit card 100 + voucher 20
        "o02": 43.00,
        "o03": 135.00,
        "o04": 0.0,  # not approved: unpaid
        "o05": 43.00,
        "o06": 24.00,
        "o07": 60.00,
        "o08": 0.0,
        "o09": 35.50,
        "o10": 67.00,  # no payment rows: items 19.99 + 35.90 + freight 4.01 + 7.10
    }
    assert o.loc["o01", "customer_id"] == o.loc["o06", "customer_id"] == "u1"
    assert o.loc["o02", "customer_id"] == "u2"
    assert o.loc["o03", "province"] == "MG"
    assert o.loc["o01", "paid_at"] == pd.Timestamp("2018-01-05 10:15:00")
    assert o.loc["o01", "shipped_at"] == pd.Timestamp("2018-01-06 12:00:00")
    assert pd.isna(o.loc["o04", "paid_at"])
    assert o.loc["o01", "shipping_fee"] == 20.0


def test_olist_items_products_customers(olist):
    it = olist["order_items"]
    assert len(it) == 10 and (it["quantity"] == 1).all()
    o1 = it[it["order_id"] == "o01"]
    assert o1["line_no"].tolist() == [1, 2] and o1["unit_price"].tolist() == [50.0, 50.0]
    p = olist["products"].set_index("sku_id")["category"]
    assert p["p1"] == "bed_bath_table"
    assert p["p2"] == "pc_gamer"  # no translation: Portuguese name kept
    assert pd.isna(p["p4"])
    c = olist["customers"].set_index("customer_id")
    assert len(c) == 9 and c.loc["u1", "region"] == "SP"


def test_olist_after_sales_signals(olist):
    a = olist["after_sales"].set_index("case_id")
    complaints = a[a["type"] == "complaint"]
    assert sorted(complaints.index) == ["r2-o02", "r3-o03", "r4-o05", "r4-o09"]
    assert (complaints["refund_amount"] == 0).all()
    assert complaints.loc["r3-o03", "reason"] == "low review score (2 stars)"
    assert complaints.loc["r2-o02", "requested_at"] == pd.Timestamp("2018-01-23")
    refunds = a[a["type"] == "refund_only"]
    assert list(refunds.index) == ["cancel-o03", "cancel-o05"]  # canceled, unavailable
    assert refunds.loc["cancel-o03", "refund_amount"] == 135.0
    assert refunds.loc["cancel-o05", "refund_amount"] == 43.0  # its payments
    assert refunds.loc["cancel-o03", "reason"] == "order cancelled after payment"


def test_olist_sources_list_lookups_ignored_and_unused(olist):
    s = olist.sources.set_index("file")
    notes = s[s["table"] == ""]["note"]
    assert "not mapped" in notes["olist_sellers_dataset.csv"]
    assert "not mapped" in notes["olist_geolocation_dataset.csv"]
    assert "lookup" in notes["olist_order_payments_dataset.csv"]
    assert "0 match no row" in notes["olist_order_payments_dataset.csv"]
    assert notes["olist_order_reviews_dataset.csv"].startswith("3 row(s) not mapped")
    reviews = s[(s["table"] == "after_sales")].loc["olist_order_reviews_dataset.csv"]
    assert reviews["rows_read"] == 4  # the 1-2 star reviews
    assert "review_comment_message" in reviews["dropped_columns"]


def test_olist_by_name_and_missing_file(tmp_path):
    d = copy_folder(OLIST, tmp_path / "o")
    assert len(load(d, mapping="olist")["orders"]) == 10
    (d / "olist_customers_dataset.csv").unlink()
    with pytest.raises(IntakeError, match="customers"):
        load(d, mapping="olist")
    with pytest.raises(IntakeError, match="no orders"):  # auto-detect: nothing recognised
        load(d)


def test_olist_bad_rows_are_quarantined(tmp_path):
    d = copy_folder(OLIST, tmp_path / "o")
    p = d / "olist_order_payments_dataset.csv"
    p.write_text(p.read_text().replace("o07,1,credit_card,4,60.0", "o07,1,credit_card,4,sixty"))
    ds = load(d)
    q = ds.quarantine.set_index("table")
    assert "sixty" in q.loc["orders", "value"]
    assert "o07" not in set(ds["orders"]["order_id"])
    assert "o07" not in set(ds["order_items"]["order_id"])  # its line follows
    check_balance(ds)


# --------------------------------------------------------------------------------------------
# Mapping features on tiny inline exports
# --------------------------------------------------------------------------------------------

LINES = """name: lines
detect: {headers: [doc, item, qty, price]}
tables:
  orders:
    where: {column: doc, not_startswith: X}
    group_by: order_id
    columns:
      order_id: doc
      customer_id: {const: null}
      created_at: {const: "2026-01-01"}
      paid_at: {const: "2026-01-01"}
      status: {const: paid}
      paid_amount: {expr: qty * price, agg: sum}
  order_items:
    where: {column: doc, not_startswith: X}
    columns:
      order_id: doc
      line_no: {number_within: doc}
      sku_id: item
      quantity: qty
      unit_price: price
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_no_table_reads_are_quarantined(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    write(d / "export.csv", "doc,item,qty,price\nA,i1,2,1.5\nA,i2,1,x\nX9,i1,1,1\nB,i1,3,2\n")
    ds = load(d, mapping=SourceMapping.from_text(LINES))
    check_balance(ds)
    q = ds.quarantine
    assert q.loc[q["row"] == 4, "reason"].str.contains("not read by any table").all()
    # the unparseable price quarantines line 2 and, through aggregation, order A
    oq = q[q["table"] == "orders"]
    assert oq["reason"].str.contains(r"unparseable number in price .*\(row 3\)").any()
    assert ds["orders"]["order_id"].tolist() == ["B"]
    assert ds["orders"]["paid_amount"].tolist() == [6.0]


REJECTS = LINES.replace(
    """    where: {column: doc, not_startswith: X}
    columns:
      order_id: doc
      line_no""",
    """    where: {column: doc, not_startswith: X}
    reject:
      - where: {column: qty, less_than: 0}
        reason:
          en: "stock write-off: not a sale"
          zh: 库存报损，不是销售
      - where: {column: price, equals: 0}
        reason: free sample
    columns:
      order_id: doc
      line_no""",
)


def test_reject_reasons_in_both_languages_through_quarantine_cache_and_check(tmp_path):
    from helpers.check import write_quarantine
    from helpers.daily_review.review import quarantine_summary
    from helpers.daily_review.tables import quarantine_table

    d = tmp_path / "d"
    d.mkdir()
    write(d / "export.csv", "doc,item,qty,price\nA,i1,2,1.5\nA,i2,-1,1\nB,i1,1,0\nB,i2,1,x\n")
    m = SourceMapping.from_text(REJECTS)
    (write_off, sample) = next(b for b in m.blocks if b.table == "order_items").reject
    assert (write_off.reason, write_off.reason_zh) == (
        "stock write-off: not a sale",
        "库存报损，不是销售",
    )
    assert (sample.reason, sample.reason_zh) == ("free sample", "free sample")  # one text: both
    cache = tmp_path / "cache"
    ds = load(d, mapping=m, cache_dir=cache)
    check_balance(ds)  # rows read = accepted + quarantined, as before
    items = ds.quarantine[ds.quarantine["table"] == "order_items"].set_index("row")
    # row 3: qty -1 (write-off); row 4: price 0 (sample); row 5: price 'x' (intake's own reason,
    # no declared Chinese)
    assert items["reason"].str.split(":").str[0].to_dict() == {
        3: "stock write-off",
        4: "free sample",
        5: "unparseable number in unit_price",
    }
    assert items["reason_zh"].to_dict() == {3: "库存报损，不是销售", 4: "free sample", 5: ""}
    again = load(d, mapping=m, cache_dir=cache)
    assert again.from_cache
    pd.testing.assert_frame_equal(again.quarantine, ds.quarantine)
    out = write_quarantine(again.quarantine, tmp_path / "q.csv")
    csv = pd.read_csv(out, encoding="utf-8-sig")
    assert list(csv.columns) == ["table", "file", "row", "column", "value", "reason"]
    assert len(csv) == len(ds.quarantine)
    # the daily review's data-quality table: the declared Chinese on a zh page, the colon
    # kept (a declared reason is not cut at its first clause), intake's reason translated
    summary = quarantine_summary(again.quarantine)
    zh = set(quarantine_table(summary, lang="zh")["原因"])
    assert {"库存报损，不是销售", "free sample", "单价不是数字"} <= zh
    en = set(quarantine_table(summary, lang="en")["Reason"])
    assert {"stock write-off: not a sale", "free sample"} <= en


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("first", ["a", "c"]),
        ("last", ["b", "c"]),
        ("min", ["a", "c"]),
        ("max", ["b", "c"]),
        ("count", [3, 1]),
        ("count_distinct", [2, 1]),
        ("mode", ["b", "c"]),
        ("single", [None, "c"]),
    ],
)
def test_aggregations(how, expected):
    values = pd.Series(["a", "b", "b", "c"], dtype="object")
    gid = pd.factorize(pd.Series(["g", "g", "g", "h"]))[0]
    out, _ = aggregate._aggregate(values, gid, 2, how, dtype="str", fmt=None, timezone="UTC")
    got = [None if pd.isna(v) else v for v in out.tolist()]
    assert got == expected


def test_conditions():
    df = pd.DataFrame(
        {"a": ["C1", "2", None, "0.0"], "n": ["-1", "3", "", "0"]}, dtype="object"
    ).replace({"": None})
    idx = df.index

    def ev(raw):
        cond = expressions._parse_condition(raw, "t")
        return expressions._eval_condition(cond, lambda n: df[n], idx).tolist()

    assert ev({"column": "a", "startswith": "C"}) == [True, False, False, False]
    assert ev({"column": "a", "not_startswith": ["C", "2"]}) == [False, False, True, True]
    assert ev({"column": "a", "equals": 0}) == [False, False, False, True]
    assert ev({"column": "a", "empty": True}) == [False, False, True, False]
    assert ev({"column": "n", "less_than": 0}) == [True, False, False, False]
    assert ev([{"column": "n", "greater_than": -5}, {"column": "a", "in": ["2", "C1"]}]) == [
        True,
        True,
        False,
        False,
    ]
    assert ev({"any": [{"column": "a", "equals": "C1"}, {"column": "n", "equals": 3}]}) == [
        True,
        True,
        False,
        False,
    ]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            "name: x\ndetect: {headers: [a]}\ntables: {products: {sku_id: {from: a, agg: sum}}}\n",
            "group_by",
        ),
        (
            "name: x\ndetect: {headers: [a]}\ntables:\n  products:\n    reject:\n"
            "      - {where: {column: a, empty: true}, reason: {en: x, fr: y}}\n"
            "    columns: {sku_id: a}\n",
            "'reason' is a text or",
        ),
        (
            "name: x\ndetect: {headers: [a]}\ntables:\n  products:\n    reject:\n"
            "      - {where: {column: a, empty: true}, reason: {zh: ''}}\n"
            "    columns: {sku_id: a}\n",
            "must not be empty",
        ),
        (
            "name: x\ndetect: {headers: [a]}\ntables:\n  products:\n    group_by: nope\n"
            "    columns: {sku_id: a}\n",
            "nope",
        ),
        (
            "name: x\ndetect: {headers: [a]}\ntables:\n  products:\n    where: {column: a, like: b}\n"
            "    columns: {sku_id: a}\n",
            "like",
        ),
        (
            "name: x\nfiles: {m: {headers: [a]}, n: {headers: [b]}}\ntables: {products: {sku_id: a}}\n",
            "which input file",
        ),
        (
            "name: x\nfiles: {m: {headers: [a]}}\ntables:\n  products:\n    file: m\n"
            "    join: [{file: zz, on: a}]\n    columns: {sku_id: a}\n",
            "zz",
        ),
        (
            "name: x\ndetect: {headers: [a]}\ntables:\n  p1: {table: products, columns: {sku_id: a}}\n"
            "  p2: {table: products, columns: {sku_id: a}}\n",
            "same file",
        ),
    ],
)
def test_bad_new_mapping_keys_are_rejected(text, fragment):
    with pytest.raises(IntakeError, match=fragment):
        SourceMapping.from_text(text)


def test_builtin_mappings_documented():
    names = {m.name for m in intake.builtin_mappings()}
    assert {"olist", "uci_online_retail", "taobao_orders"} <= names
    doc = SourceMapping.__doc__ or ""
    for key in [*mapping._BLOCK_KEYS, *mapping._ROLE_KEYS, *intake.AGGREGATIONS, "files"]:
        assert key in doc, key
    for name in ("uci_online_retail", "olist"):
        text = (intake.BUILTIN_MAPPINGS_DIR / f"{name}.yaml").read_text(encoding="utf-8")
        header = text.split("\nname:")[0]
        for key in ["where", "group_by", "reject", "agg", "join", "files", "currency"]:
            assert key in header, (name, key)


HEADERLESS = """
name: blanks
files:
  sales:
    pattern: "sales_*.txt"
    header: [cust, day, amount]
    delimiter: whitespace
date_format: "%Y%m%d"
tables:
  orders:
    file: sales
    columns:
      order_id: {template: "{cust}-{day}"}
      customer_id: cust
      created_at: day
      paid_at: day
      status: {const: completed}
      paid_amount: amount
  order_items:
    file: sales
    columns:
      order_id: {template: "{cust}-{day}"}
      line_no: {const: 1}
      sku_id: {const: X}
      quantity: {const: 1}
      unit_price: amount
"""


def test_headerless_whitespace_text_file_read_through_a_mapping(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    # leading blanks, runs of blanks, ids with leading zeros, no header row
    write(d / "sales_1997.txt", " 00004 19970101   29.33\n 00021  19970102 63.34\n")
    write(d / "notes.txt", "not data\n")
    ds = load(d, mapping=SourceMapping.from_text(HEADERLESS))
    check_balance(ds)
    o = ds["orders"]
    # two rows, both data (the first line is not taken as a header); zeros kept
    assert o["customer_id"].tolist() == ["00004", "00021"]
    assert o["paid_amount"].tolist() == [29.33, 63.34]
    assert o["paid_at"].dt.strftime("%Y-%m-%d").tolist() == ["1997-01-01", "1997-01-02"]
    notes = ds.sources.loc[ds.sources["file"] == "notes.txt", "note"]
    assert notes.str.contains("not a data file type").all()  # a .txt no mapping names


@pytest.mark.parametrize(
    ("role", "fragment"),
    [
        ("{header: [a, b], delimiter: whitespace}", "pattern"),
        ("{pattern: x.txt, header: [a, a]}", "twice"),
        ("{pattern: x.txt, header: [a, b], headers: [c]}", "not in 'header'"),
        ("{pattern: x.txt, delimiter: colon}", "delimiter"),
        ("{pattern: x.txt, header: a}", "column names"),
    ],
)
def test_bad_file_layouts_are_rejected(role, fragment):
    text = f"name: x\nfiles: {{m: {role}}}\ntables: {{products: {{sku_id: a}}}}\n"
    with pytest.raises(IntakeError, match=fragment):
        SourceMapping.from_text(text)


def test_delimiter_without_header_keeps_the_header_row(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    write(d / "sales_x.txt", "cust;day;amount\nc1;19970101;5\n")
    text = HEADERLESS.replace("header: [cust, day, amount]\n    ", "").replace(
        "whitespace", "semicolon"
    )
    ds = load(d, mapping=SourceMapping.from_text(text))
    assert ds["orders"]["customer_id"].tolist() == ["c1"]
