"""Tests for helpers.intake: readers, validation/quarantine, the Taobao mapping, privacy, cache."""

from __future__ import annotations

import csv
import gzip
import hashlib
import hmac
import io
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from intake.intake_checks import S, check_balance, load
from locations import FIXTURES as FIXTURE_ROOT

from helpers import intake
from helpers.intake import (
    Dataset,
    IntakeError,
    SourceMapping,
    expressions,
    load_dataset,
    mapping,
    parsing,
)
from helpers.privacy import installation_key

FIXTURES = FIXTURE_ROOT / "intake"
TAOBAO_GBK = FIXTURES / "taobao_orders_gbk.csv"

T1 = "山茶花 纯棉四件套 1.8m床 简约北欧风"
T2 = "山茶花 乳胶枕头 成人护颈 一对装"
T3 = "山茶花 夏凉被 空调被 水洗棉"


def oid(n: int) -> str:
    return f"30010000000000000{n:02d}"


def taobao_rows() -> tuple[list[str], list[list[str]]]:
    with open(TAOBAO_GBK, encoding="gb18030", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8"):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def folder_with(tmp_path: Path, *files: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir(exist_ok=True)
    for f in files:
        shutil.copy(f, d / f.name)
    return d


# --------------------------------------------------------------------------------------------
# Taobao mapping on the GB18030 fixture
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def taobao(tmp_path_factory) -> Dataset:
    d = folder_with(tmp_path_factory.mktemp("tb"), TAOBAO_GBK)
    return load(d)


def test_taobao_orders_statuses_and_amounts(taobao):
    o = taobao["orders"].set_index("order_id")
    assert list(o.index) == [oid(n) for n in (1, 2, 3, 4, 5, 6, 7, 9, 12)]
    assert o["status"].to_dict() == {
        oid(1): "completed",  # 交易成功
        oid(2): "pending",  # 等待买家付款
        oid(3): "paid",  # 买家已付款，等待卖家发货 (full-width comma)
        oid(4): "paid",  # 买家已付款,等待卖家发货 (ASCII comma)
        oid(5): "shipped",  # 卖家已发货，等待买家确认
        oid(6): "cancelled",  # 交易关闭, 订单付款时间 = "null"
        oid(7): "refunded",  # 交易关闭 after payment
        oid(9): "completed",
        oid(12): "completed",
    }
    assert o.loc[oid(1), "paid_amount"] == 279.0
    assert o.loc[oid(4), "shipping_fee"] == 10.0
    assert o.loc[oid(1), "paid_at"] == pd.Timestamp("2026-11-01 09:13:05")
    assert pd.isna(o.loc[oid(2), "paid_at"])  # empty cell
    assert pd.isna(o.loc[oid(6), "paid_at"])  # "null"
    assert o.loc[oid(1), "shipped_at"] == pd.Timestamp("2026-11-01 15:40:00")
    assert o.loc[oid(1), "channel"] == "搜索"
    assert o.loc[oid(1), "province"] == "浙江"
    assert o.loc[oid(4), "province"] == "内蒙古"
    assert o.loc[oid(7), "province"] == "北京"


def test_taobao_customer_ids_are_keyed_pseudonyms(taobao):
    o = taobao["orders"].set_index("order_id")
    key = installation_key()  # the test session's fixed key (tests/conftest.py)
    expected = "u_" + hmac.new(key, "小鱼儿2019".encode(), hashlib.sha256).hexdigest()[:16]
    assert o.loc[oid(1), "customer_id"] == expected
    # the old unkeyed id, which anyone could recompute from the nickname, is gone
    assert expected != "u_" + hashlib.sha256("playbook小鱼儿2019".encode()).hexdigest()[:16]
    assert o.loc[oid(5), "customer_id"] == expected  # same buyer, same id
    assert o["customer_id"].nunique() == 8  # 9 orders, buyer 小鱼儿2019 twice


def test_taobao_hash_depends_on_salt(tmp_path):
    d = folder_with(tmp_path, TAOBAO_GBK)
    ds = load(d, settings=S.replace(pii_salt="other"))
    o = ds["orders"].set_index("order_id")
    assert o.loc[oid(1), "customer_id"] == (
        "u_" + hmac.new(b"other", "小鱼儿2019".encode(), hashlib.sha256).hexdigest()[:16]
    )


def test_taobao_order_items(taobao):
    it = taobao["order_items"].set_index("order_id")
    assert list(it.index) == [oid(n) for n in (1, 2, 3, 4, 5, 6, 7, 12)]
    assert (it["line_no"] == 1).all()
    t2 = "t_" + hashlib.sha256(T2.encode()).hexdigest()[:12]
    t3 = "t_" + hashlib.sha256(T3.encode()).hexdigest()[:12]
    assert it["sku_id"].to_dict() == {
        oid(1): "SKU-QB-180",
        oid(2): t2,  # 商家编码 empty -> hash of the title
        oid(3): "SKU-ZT-PAIR",
        oid(4): "SKU-LB-200",
        oid(5): t3,
        oid(6): "SKU-QB-180",
        oid(7): "SKU-ZT-PAIR",
        oid(12): t3,
    }
    assert it["quantity"].to_dict() == {
        oid(1): 1,
        oid(2): 1,
        oid(3): 2,
        oid(4): 1,
        oid(5): 1,
        oid(6): 1,
        oid(7): 3,
        oid(12): 2,
    }
    # unit price = 买家应付货款 / 宝贝总数量 (goods value, postage excluded)
    assert it.loc[oid(1), "unit_price"] == pytest.approx(299.00 / 1)
    assert it.loc[oid(3), "unit_price"] == pytest.approx(119.80 / 2)
    assert it.loc[oid(4), "unit_price"] == pytest.approx(89.00 / 1)  # 总金额 99 has 10 postage
    assert it.loc[oid(7), "unit_price"] == pytest.approx(179.70 / 3)
    assert it.loc[oid(12), "unit_price"] == pytest.approx(178.00 / 2)
    assert it.loc[oid(1), "title"] == T1


def test_taobao_quarantine(taobao):
    q = taobao.quarantine
    got = [tuple(r) for r in q[["table", "row", "column", "value", "reason"]].to_numpy()]
    assert got == [
        (
            "orders",
            9,
            "paid_at",
            "2026-13-45 09:01:00",
            "unparseable datetime in paid_at: '2026-13-45 09:01:00'",
        ),
        (
            "orders",
            11,
            "order_id",
            oid(1),
            f"duplicate key order_id='{oid(1)}' (first seen in taobao_orders_gbk.csv row 2)",
        ),
        ("orders", 12, "paid_amount", "五十九", "unparseable number in paid_amount: '五十九'"),
        (
            "order_items",
            9,
            "order_id",
            oid(8),
            f"order_id '{oid(8)}' not found in accepted orders",
        ),
        (
            "order_items",
            10,
            "quantity; unit_price",
            "-2; -44.5",  # 89.00 / -2
            "quantity below minimum 1: '-2'; unit_price below minimum 0: '-44.5'",
        ),
        (
            "order_items",
            11,
            "order_id, line_no",
            f"{oid(1)}, 1",
            f"duplicate key order_id='{oid(1)}', line_no='1' "
            "(first seen in taobao_orders_gbk.csv row 2)",
        ),
        (
            "order_items",
            12,
            "order_id",
            oid(11),
            f"order_id '{oid(11)}' not found in accepted orders",
        ),
    ]
    assert set(q["file"]) == {"taobao_orders_gbk.csv"}


def test_taobao_sources(taobao):
    s = taobao.sources.set_index("table")
    assert s.loc["orders", "mapping"] == "taobao_orders"
    assert (s.loc["orders", "rows_read"], s.loc["orders", "rows_accepted"]) == (12, 9)
    assert s.loc["orders", "rows_quarantined"] == 3
    assert (s.loc["order_items", "rows_read"], s.loc["order_items", "rows_accepted"]) == (12, 8)
    assert "收货地址" in s.loc["orders", "dropped_columns"]
    check_balance(taobao)


def test_no_personal_data_anywhere(taobao):
    header, rows = taobao_rows()
    personal = ["买家会员名", "买家支付宝账号", "收货人姓名", "收货地址", "联系电话", "联系手机"]
    personal += ["买家留言", "订单备注"]
    secrets = {r[header.index(h)] for r in rows for h in personal} - {""}
    assert "张伟" in secrets and "13812345678" in secrets  # the fixture is meaningful
    cells: list[str] = []
    for df in [*taobao.tables.values(), taobao.quarantine, taobao.sources]:
        cells += [str(c) for c in df.columns]
        for col in df.columns:
            cells += [str(v) for v in df[col].tolist()]
    blob = "\n".join(cells)
    leaked = sorted(s for s in secrets if s in blob)
    assert leaked == []


def test_personal_values_masked_in_quarantine(tmp_path):
    # a mapping that (wrongly) copies a personal header into a contract column
    text = (
        "name: leaky\n"
        "detect: {headers: [单号, 手机]}\n"
        "personal: [手机]\n"
        "tables:\n"
        "  orders:\n"
        "    order_id: 单号\n"
        "    customer_id: 手机\n"
        "    created_at: 时间\n"
        "    paid_at: 时间\n"
        "    status: {const: paid}\n"
        "    paid_amount: {expr: '`金额`'}\n"
        "  order_items:\n"
        "    order_id: 单号\n"
        "    line_no: {const: 1}\n"
        "    sku_id: {const: A}\n"
        "    quantity: {const: 1}\n"
        "    unit_price: {expr: 金额}\n"
    )
    mp = tmp_path / "leaky.yaml"
    mp.write_text(text, encoding="utf-8")
    d = tmp_path / "d"
    d.mkdir()
    write_csv(
        d / "export.csv",
        ["单号", "手机", "时间", "金额"],
        [["1", "13811112222", "2026-11-01 10:00", "x1"], ["2", "13833334444", "bad", "5"]],
    )
    ds = load(d, mapping=mp)
    q = ds.quarantine
    assert "13833334444" not in "".join(q["value"])
    row = q[(q["table"] == "orders") & (q["row"] == 2)].iloc[0]
    assert row["reason"] == "unparseable number in 金额 (for paid_amount): 'x1'"
    assert row["value"] == "x1"


# --------------------------------------------------------------------------------------------
# Formats and encodings
# --------------------------------------------------------------------------------------------


def test_all_formats_read_to_the_same_orders(tmp_path, taobao):
    header, rows = taobao_rows()
    variants = {}
    bom = tmp_path / "bom"
    bom.mkdir()
    write_csv(bom / "export.csv", header, rows, encoding="utf-8-sig")
    variants["bom"] = bom
    gz = tmp_path / "gz"
    gz.mkdir()
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])
    (gz / "export.csv.gz").write_bytes(gzip.compress(buf.getvalue().encode("gb18030")))
    variants["gz"] = gz
    xl = tmp_path / "xl"
    xl.mkdir()
    # Excel shows ="123" as 123 (a formula would be written without a cached value here)
    plain = [[c[2:-1] if c.startswith('="') else c for c in r] for r in rows]
    pd.DataFrame(plain, columns=header).to_excel(xl / "export.xlsx", index=False)
    variants["xlsx"] = xl
    pq = tmp_path / "pq"
    pq.mkdir()
    pd.DataFrame(rows, columns=header).to_parquet(pq / "export.parquet", index=False)
    variants["parquet"] = pq
    for name, d in variants.items():
        ds = load(d)
        pd.testing.assert_frame_equal(ds["orders"], taobao["orders"], obj=name)
        pd.testing.assert_frame_equal(ds["order_items"], taobao["order_items"], obj=name)
        cols = ["table", "row", "column", "value"]  # reasons name the file
        pd.testing.assert_frame_equal(ds.quarantine[cols], taobao.quarantine[cols], obj=name)


def test_clean_text_strips_wrappers_and_tabs():
    s = pd.Series(['="123456789012345"', "\t987", "  x  ", "", "null", np.nan], dtype=object)
    out = parsing._clean_text(s, ("null",))
    assert out.tolist()[:3] == ["123456789012345", "987", "x"]
    assert out.iloc[3:].isna().all()


def test_numbers_with_currency_signs():
    s = pd.Series(["¥1,299.00", "12元", "3", "x", None], dtype="str")
    values, bad = parsing._parse_number(s)
    assert values.tolist()[:3] == [1299.0, 12.0, 3.0]
    assert bad.tolist() == [False, False, False, True, False]


def test_unreadable_files_name_the_file(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "orders.xlsx").write_bytes(b"this is not a spreadsheet")
    with pytest.raises(IntakeError, match=r"orders\.xlsx"):
        load(d)
    (d / "orders.xlsx").unlink()
    (d / "orders.csv.gz").write_bytes(b"not gzip at all")
    with pytest.raises(IntakeError, match=r"orders\.csv\.gz"):
        load(d)


# --------------------------------------------------------------------------------------------
# Canonical (contract-named) files
# --------------------------------------------------------------------------------------------

ORDER_HEADER = ["order_id", "customer_id", "created_at", "paid_at", "status", "paid_amount"]
ITEM_HEADER = ["order_id", "line_no", "sku_id", "quantity", "unit_price"]


def good_order(i: int) -> list[str]:
    return [f"o{i}", f"c{i}", "2026-11-01 10:00:00", "2026-11-01 10:05:00", "paid", "10.5"]


def test_each_bad_row_kind_is_quarantined(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    orders = [
        good_order(1),  # row 2
        ["o2", "c2", "2026-11-01 10:00:00", "2026-13-45", "paid", "5"],  # row 3
        ["o3", "c3", "2026-11-01 10:00:00", "", "pending", "-1"],  # row 4
        ["o4", "c4", "2026-11-01 10:00:00", "", "lost", "0"],  # row 5
        ["", "c5", "2026-11-01 10:00:00", "", "pending", "0"],  # row 6
        ["o1", "c9", "2026-11-02 10:00:00", "", "pending", "0"],  # row 7 duplicate
        ["o6", "c6", "yesterday", "", "pending", "abc"],  # row 8, two problems
        good_order(7),  # row 9
    ]
    write_csv(d / "orders.csv", ORDER_HEADER + ["phone"], [r + ["13800000000"] for r in orders])
    items = [
        ["o1", "1", "A", "2", "5.25"],  # row 2
        ["o2", "1", "A", "1", "5"],  # row 3: parent quarantined
        ["o99", "1", "A", "1", "5"],  # row 4: parent unknown
        ["o7", "1", "A", "1.5", "5"],  # row 5: not a whole number
        ["o7", "2", "B", "1", "5"],  # row 6
    ]
    write_csv(d / "order_items.csv", ITEM_HEADER, items)
    write_csv(
        d / "after_sales.csv",
        ["case_id", "order_id", "requested_at", "refund_amount"],
        [["r1", "o1", "2026-11-03", "3"], ["r2", "o3", "2026-11-03", "3"]],
    )
    ds = load(d)
    q = ds.quarantine
    assert (q["reason_zh"] == "").all()  # intake's own reasons: no declared Chinese
    got = {
        (t, r): (c, v, why) for t, r, c, v, why in q.drop(columns=["file", "reason_zh"]).to_numpy()
    }
    assert got == {
        ("orders", 3): ("paid_at", "2026-13-45", "unparseable datetime in paid_at: '2026-13-45'"),
        ("orders", 4): ("paid_amount", "-1", "paid_amount below minimum 0: '-1'"),
        ("orders", 5): (
            "status",
            "lost",
            "status not one of pending, paid, shipped, completed, cancelled, refunded: 'lost'",
        ),
        ("orders", 6): ("order_id", "", "missing order_id"),
        ("orders", 7): (
            "order_id",
            "o1",
            "duplicate key order_id='o1' (first seen in orders.csv row 2)",
        ),
        ("orders", 8): (
            "created_at; paid_amount",
            "yesterday; abc",
            "unparseable datetime in created_at: 'yesterday'; "
            "unparseable number in paid_amount: 'abc'",
        ),
        ("order_items", 3): ("order_id", "o2", "order_id 'o2' not found in accepted orders"),
        ("order_items", 4): ("order_id", "o99", "order_id 'o99' not found in accepted orders"),
        ("order_items", 5): ("quantity", "1.5", "not a whole number in quantity: '1.5'"),
        ("after_sales", 3): ("order_id", "o3", "order_id 'o3' not found in accepted orders"),
    }
    assert list(ds["orders"]["order_id"]) == ["o1", "o7"]
    assert list(ds["order_items"]["sku_id"]) == ["A", "B"]
    assert list(ds["after_sales"]["case_id"]) == ["r1"]
    s = ds.sources.set_index("table")
    assert s.loc["orders", "dropped_columns"] == "phone"
    assert s.loc["orders", "mapping"] == "contract"
    assert s.loc["orders", ["rows_read", "rows_accepted", "rows_quarantined"]].tolist() == [8, 2, 6]
    check_balance(ds)
    assert "13800000000" not in ds.quarantine.to_string()


def test_canonical_dtypes(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    write_csv(d / "orders.csv", ORDER_HEADER, [good_order(1)])
    write_csv(d / "order_items.csv", ITEM_HEADER, [["o1", "1", "A", "2", "5.25"]])
    write_csv(d / "products.csv", ["sku_id", "launch_date"], [["A", "2026-01-05"]])
    ds = load(d)
    o = ds["orders"]
    assert list(o.columns) == intake.TABLES["orders"].column_names
    assert o["created_at"].dtype == "datetime64[ns]"
    assert o["paid_amount"].dtype == "float64"
    assert pd.api.types.is_string_dtype(o["order_id"])
    assert o["channel"].isna().all()  # optional column absent -> missing
    assert ds["order_items"]["quantity"].dtype == "Int64"
    assert ds["products"]["launch_date"].dtype == "datetime64[ns]"
    assert ds.available == ["orders", "order_items", "products"]
    assert ds.has("products") and not ds.has("traffic")
    with pytest.raises(KeyError, match="traffic"):
        ds["traffic"]


def test_missing_required_column_names_file_table_and_column(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    write_csv(d / "orders.csv", ORDER_HEADER[:-1], [good_order(1)[:-1]])
    write_csv(d / "order_items.csv", ITEM_HEADER, [["o1", "1", "A", "2", "5.25"]])
    with pytest.raises(IntakeError) as err:
        load(d)
    msg = str(err.value)
    assert "orders.csv" in msg and "'orders'" in msg and "paid_amount" in msg


def test_mapping_missing_header_names_expected_header(tmp_path):
    header, rows = taobao_rows()
    keep = [i for i, h in enumerate(header) if h != "订单付款时间"]
    d = tmp_path / "d"
    d.mkdir()
    write_csv(d / "export.csv", [header[i] for i in keep], [[r[i] for i in keep] for r in rows])
    with pytest.raises(IntakeError) as err:
        load(d)
    msg = str(err.value)
    assert "export.csv" in msg and "paid_at" in msg and "订单付款时间" in msg


def test_missing_mandatory_table(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    write_csv(d / "orders.csv", ORDER_HEADER, [good_order(1)])
    with pytest.raises(IntakeError, match="order_items"):
        load(d)


def test_unrecognised_files_are_listed_not_fatal(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    write_csv(d / "orders.csv", ORDER_HEADER, [good_order(1)])
    write_csv(d / "order_items.csv", ITEM_HEADER, [["o1", "1", "A", "2", "5.25"]])
    write_csv(d / "whatever.csv", ["a", "b"], [["1", "2"]])
    (d / "notes.json").write_text("{}")
    (d / "broken.xlsx").write_bytes(b"not a workbook")
    (d / "playbook.yaml").write_text("shop_name: x\n")
    (d / "README.md").write_text("hello")
    ds = load(d)
    s = ds.sources.set_index("file")
    assert s.loc["whatever.csv", "mapping"] == "ignored"
    assert s.loc["notes.json", "mapping"] == "ignored"
    assert s.loc["broken.xlsx", "mapping"] == "ignored"
    assert "cannot be read" in s.loc["broken.xlsx", "note"]
    assert "playbook.yaml" not in s.index and "README.md" not in s.index
    check_balance(ds)


def test_monthly_files_combine_and_duplicates_across_files(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    write_csv(d / "orders_2026-10.csv", ORDER_HEADER, [good_order(1)])
    write_csv(d / "orders_2026-11.csv", ORDER_HEADER, [good_order(2), good_order(1)])
    write_csv(d / "order_items.csv", ITEM_HEADER, [["o1", "1", "A", "2", "5.25"]])
    ds = load(d)
    assert list(ds["orders"]["order_id"]) == ["o1", "o2"]
    q = ds.quarantine.iloc[0]
    assert (q["file"], q["row"]) == ("orders_2026-11.csv", 3)
    assert q["reason"] == "duplicate key order_id='o1' (first seen in orders_2026-10.csv row 2)"
    check_balance(ds)


def test_parquet_tz_aware_and_row_numbers(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    utc = pd.to_datetime(["2026-11-01 02:00:00", "2026-11-01 03:00:00"]).tz_localize("UTC")
    pd.DataFrame(
        {
            "order_id": ["o1", "o2"],
            "customer_id": ["c1", "c2"],
            "created_at": utc,
            "paid_at": utc,
            "status": ["paid", "paid"],
            "paid_amount": [10.0, -3.0],
        }
    ).to_parquet(d / "orders.parquet")
    write_csv(d / "order_items.csv", ITEM_HEADER, [["o1", "1", "A", "2", "5"]])
    ds = load(d)
    o = ds["orders"]
    assert o["created_at"].dtype == "datetime64[ns]"
    assert o.loc[0, "created_at"] == pd.Timestamp("2026-11-01 10:00:00")  # UTC+8
    q = ds.quarantine.iloc[0]
    assert (q["file"], q["row"], q["reason"]) == (
        "orders.parquet",
        3,  # second record -> spreadsheet row 3
        "paid_amount below minimum 0: '-3.0'",
    )


def test_tz_suffix_strings_are_converted(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    row = good_order(1)
    row[2] = "2026-11-01T02:00:00Z"
    write_csv(d / "orders.csv", ORDER_HEADER, [row])
    write_csv(d / "order_items.csv", ITEM_HEADER, [["o1", "1", "A", "2", "5"]])
    assert load(d)["orders"].loc[0, "created_at"] == pd.Timestamp("2026-11-01 10:00:00")


# --------------------------------------------------------------------------------------------
# Property: nothing is lost
# --------------------------------------------------------------------------------------------

BAD_ROWS = {
    "date": lambda i: [f"o{i}", "c", "2026-02-30 10:00", "", "pending", "0"],
    "number": lambda i: [f"o{i}", "c", "2026-11-01", "", "pending", "n/a"],
    "negative": lambda i: [f"o{i}", "c", "2026-11-01", "", "pending", "-5"],
    "status": lambda i: [f"o{i}", "c", "2026-11-01", "", "gone", "0"],
    "empty_id": lambda i: ["", "c", "2026-11-01", "", "pending", "0"],
    "dup": lambda i: ["o0", "c", "2026-11-01", "", "pending", "0"],
}


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["good", *BAD_ROWS]), min_size=1, max_size=20))
def test_rows_read_equals_accepted_plus_quarantined(kinds):
    rows = [good_order(0)]  # o0 always first, so "dup" rows are duplicates
    good = ["o0"]
    for i, kind in enumerate(kinds, start=1):
        if kind == "good":
            rows.append(good_order(i))
            good.append(f"o{i}")
        else:
            rows.append(BAD_ROWS[kind](i))
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        write_csv(d / "orders.csv", ORDER_HEADER, rows)
        write_csv(d / "order_items.csv", ITEM_HEADER, [["o0", "1", "A", "1", "1"]])
        ds = load(d)
    s = ds.sources.set_index("table").loc["orders"]
    assert s["rows_read"] == len(rows)
    assert s["rows_read"] == s["rows_accepted"] + s["rows_quarantined"]
    assert s["rows_quarantined"] == len(rows) - len(good)
    assert list(ds["orders"]["order_id"]) == good
    assert sorted(ds.quarantine["row"]) == [
        r + 2 for r, k in enumerate(["good", *kinds]) if k != "good"
    ]


# --------------------------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------------------------


def test_cache_hit_skips_parsing(tmp_path, monkeypatch):
    d = folder_with(tmp_path, TAOBAO_GBK)
    cache = tmp_path / "cache"
    first = load_dataset(d, S, cache_dir=cache)
    assert not first.from_cache
    assert (cache / first.fingerprint / "manifest.json").is_file()
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no temp dirs left

    def boom(*a, **k):
        raise AssertionError("parsed although cached")

    # _read_raw is looked up in the two modules that read data files
    monkeypatch.setattr("helpers.intake.load._read_raw", boom)
    monkeypatch.setattr("helpers.intake.apply._read_raw", boom)
    second = load_dataset(d, S, cache_dir=cache)
    assert second.from_cache and second.fingerprint == first.fingerprint
    for name in first.tables:
        pd.testing.assert_frame_equal(second[name], first[name])
    pd.testing.assert_frame_equal(second.quarantine, first.quarantine)
    pd.testing.assert_frame_equal(second.sources, first.sources)
    # a different salt is a different input
    with pytest.raises(AssertionError, match="parsed although cached"):
        load_dataset(d, S.replace(pii_salt="x"), cache_dir=cache)


def test_default_cache_dir_uses_xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert intake.default_cache_dir() == tmp_path / "ecom-playbook"


def test_fingerprint_changes_with_bytes(tmp_path):
    a = tmp_path / "orders.csv"
    a.write_text("x")
    f1 = intake.fingerprint_inputs([a], ["m"], S)
    a.write_text("y")
    assert intake.fingerprint_inputs([a], ["m"], S) != f1
    assert intake.fingerprint_inputs([a], ["m2"], S) != intake.fingerprint_inputs([a], ["m"], S)


# --------------------------------------------------------------------------------------------
# Mapping format
# --------------------------------------------------------------------------------------------


def test_builtin_mappings_load():
    names = [m.name for m in intake.builtin_mappings()]
    assert "taobao_orders" in names


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("name: x\ndetect: {headers: [a]}\ntables: {nope: {}}\n", "unknown contract table"),
        ("name: x\ndetect: {headers: [a]}\ntables: {products: {sku_id: a, foo: b}}\n", "foo"),
        ("name: x\ndetect: {headers: [a]}\ntables: {products: {title: a}}\n", "sku_id"),
        ("name: x\ntables: {products: {sku_id: a}}\n", "detect"),
        ("name: x\ndetect: {headers: [a]}\ntables: {products: {sku_id: {frm: a}}}\n", "frm"),
    ],
)
def test_bad_mappings_are_rejected(text, fragment):
    with pytest.raises(IntakeError, match=fragment):
        SourceMapping.from_text(text)


def test_expr_coalesce_and_backticks():
    df = pd.DataFrame({"a b": ["4", None, "x"], "c": ["2", "2", "2"]})
    idx = df.index

    def resolve(name):
        v, bad = parsing._parse_number(df[name])
        return v, bad

    values, bad = expressions._eval_expr("coalesce(`a b`, 10) / c", resolve, idx)
    assert values.tolist()[:2] == [4 / 2, 10 / 2]
    assert bad.tolist() == [False, False, True]  # 'x' is unparseable: the row is rejected
    zero, _ = expressions._eval_expr("c / 0", resolve, idx)
    assert zero.isna().all()  # division by zero -> empty


def test_every_mapping_key_is_documented():
    doc = SourceMapping.__doc__ or ""
    header = (intake.BUILTIN_MAPPINGS_DIR / "taobao_orders.yaml").read_text(encoding="utf-8")
    keys = sorted(mapping._SPEC_KEYS) + ["detect", "null_values", "date_format", "personal"]
    for key in keys:
        assert f"{key}" in doc, key
        assert f"{key}" in header, key
