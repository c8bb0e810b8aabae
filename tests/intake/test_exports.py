"""Multi-file platform exports and real file variants: the Taobao order report joined with
its item-detail report, refunds taken from the order report, header aliases, delimiters,
encodings, title rows above the header and data one folder down. Every fixture is written
by the test (small, hand-made) and every expected value is worked out by hand below."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from intake.intake_checks import S, check_balance, load

from helpers.facts import build_facts
from helpers.intake import IntakeError

# --------------------------------------------------------------------------------------------
# Taobao: order report + item-detail report (GBK, ="..." quoted ids)
# --------------------------------------------------------------------------------------------

ORDER_HEADER = (
    "订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,总金额,买家实际支付金额,"
    "订单状态,收货地址,订单创建时间,订单付款时间,宝贝标题,宝贝总数量,订单关闭原因,退款金额"
)
# T1001: two items (A001 x2 at 50 + B002 x1 at 30 = 130), paid 130, completed
# T1002: one item C003 x1 at 88, paid 88, then closed: refund of 88 (退款金额 88)
# T1003: A001 x3 at 50 = 150, paid 150, completed, no refund (退款金额 0)
# T1004: closed before payment (no 付款时间): not a refund
ORDER_ROWS = [
    '="T1001",小王,a@b.cn,130.00,0.00,130.00,130.00,交易成功,浙江省 杭州市 西湖区 某路1号,'
    "2026-11-01 10:00:00,2026-11-01 10:05:00,夏季连衣裙 等,3,,0.00",
    '="T1002",小李,c@d.cn,88.00,0.00,88.00,88.00,交易关闭,广东省 广州市 某路2号,'
    "2026-11-01 11:00:00,2026-11-01 11:01:00,真丝围巾,1,买家申请退款,88.00",
    '="T1003",小张,e@f.cn,150.00,0.00,150.00,150.00,交易成功,江苏省 南京市 某路3号,'
    "2026-11-02 09:00:00,2026-11-02 09:02:00,夏季连衣裙,3,,0.00",
    '="T1004",小赵,g@h.cn,30.00,0.00,30.00,0.00,交易关闭,江苏省 南京市 某路4号,'
    "2026-11-02 12:00:00,,棉袜,1,买家未付款,0.00",
]
DETAIL_HEADER = "订单编号,标题,价格,购买数量,外部系统编号,商品属性,套餐信息,备注,订单状态,商家编码"
DETAIL_ROWS = [
    '="T1001",夏季连衣裙,50.00,2,,颜色分类：白色,,,交易成功,A001',
    '="T1001",纯棉T恤,30.00,1,,尺码：L,,,交易成功,B002',
    '="T1002",真丝围巾,88.00,1,,,,,交易关闭,C003',
    '="T1003",夏季连衣裙,50.00,3,,颜色分类：黑色,,,交易成功,A001',
    '="T1004",棉袜,30.00,1,,,,,交易关闭,D004',
]


def write_gbk(path: Path, header: str, rows: list[str]) -> Path:
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("gbk"))
    return path


@pytest.fixture
def taobao_pair(tmp_path: Path) -> Path:
    write_gbk(tmp_path / "ExportOrderList202611.csv", ORDER_HEADER, ORDER_ROWS)
    write_gbk(tmp_path / "ExportOrderDetailList202611.csv", DETAIL_HEADER, DETAIL_ROWS)
    return tmp_path


def test_taobao_pair_gives_real_skus_quantities_and_prices(taobao_pair):
    ds = load(taobao_pair)
    check_balance(ds)
    items = ds["order_items"]
    # one line per detail row (5), not one pseudo-item per order
    assert len(items) == 5
    assert sorted(items["sku_id"].unique()) == ["A001", "B002", "C003", "D004"]
    assert items.groupby("sku_id")["quantity"].sum().to_dict() == {
        "A001": 5,  # 2 (T1001) + 3 (T1003)
        "B002": 1,
        "C003": 1,
        "D004": 1,
    }
    t1001 = items.loc[items["order_id"] == "T1001"].sort_values("line_no")
    assert list(t1001["line_no"]) == [1, 2]
    assert list(t1001["title"]) == ["夏季连衣裙", "纯棉T恤"]
    # goods value of T1001 = 2 x 50 + 1 x 30 = 130 = its paid amount
    assert (t1001["quantity"] * t1001["unit_price"]).sum() == pytest.approx(130.0)
    assert not items["sku_id"].str.startswith("t_").any()  # no title hashes
    # no pseudo-item note: the detail report gave the lines
    notes = " ".join(ds.sources["note"])
    assert "pseudo-items" not in notes
    assert set(ds.sources.loc[ds.sources["table"] != "", "mapping"]) == {"taobao_orders"}


def test_taobao_pair_gmv_and_refunds(taobao_pair):
    ds = load(taobao_pair)
    orders = ds["orders"].set_index("order_id")
    assert orders.loc["T1002", "status"] == "refunded"  # closed after payment
    assert orders.loc["T1004", "status"] == "cancelled"  # closed before payment
    # paid amounts 130 + 88 + 150 (+ 0 for the unpaid T1004) = 368
    assert orders["paid_amount"].sum() == pytest.approx(368.0)
    cases = ds["after_sales"]
    # one case: T1002 closed after payment with 退款金额 88; T1004 never paid
    assert list(cases["order_id"]) == ["T1002"]
    assert cases["refund_amount"].sum() == pytest.approx(88.0)
    assert list(cases["type"]) == ["refund_only"]
    assert list(cases["reason"]) == ["买家申请退款"]
    assert cases["requested_at"].iloc[0] == pd.Timestamp("2026-11-01 11:01:00")
    note = ds.sources.loc[ds.sources["table"] == "after_sales", "note"].iloc[0]
    assert "退款金额" in note  # check says where the cases came from
    facts = build_facts(ds.tables, "2026-11-02", S)
    daily = facts.daily.set_index("date")
    day = daily.loc[pd.Timestamp("2026-11-01")]
    assert day["refund_cases"] == 1 and day["refund_amount"] == pytest.approx(88.0)
    # GMV by payment day: 11-01 T1001 130 + T1002 88 = 218 (T1002 was paid, then refunded);
    # 11-02 T1003 150 (T1004 was never paid). Units from the real lines: 2 + 1 + 1 = 4, then 3
    assert daily.loc[pd.Timestamp("2026-11-01"), "gmv"] == pytest.approx(218.0)
    assert daily.loc[pd.Timestamp("2026-11-02"), "gmv"] == pytest.approx(150.0)
    assert daily.loc[pd.Timestamp("2026-11-01"), "units"] == 4
    assert daily.loc[pd.Timestamp("2026-11-02"), "units"] == 3
    # the item facts the drill-down reads name real SKUs: A001 = 2 x 50 on 11-01 and
    # 3 x 50 on 11-02, B002 = 1 x 30, C003 = 1 x 88
    items = facts.daily_item.groupby(["date", "sku_id"])["gmv"].sum()
    assert items.to_dict() == {
        (pd.Timestamp("2026-11-01"), "A001"): 100.0,
        (pd.Timestamp("2026-11-01"), "B002"): 30.0,
        (pd.Timestamp("2026-11-01"), "C003"): 88.0,
        (pd.Timestamp("2026-11-02"), "A001"): 150.0,
    }


def test_taobao_named_mapping_accepts_both_files(taobao_pair):
    ds = load(taobao_pair, mapping="taobao_orders")
    check_balance(ds)
    assert set(ds.sources.loc[ds.sources["table"] != "", "file"]) == {
        "ExportOrderList202611.csv",
        "ExportOrderDetailList202611.csv",
    }
    assert (ds.sources["mapping"] != "ignored").all()


def test_taobao_order_report_alone_gives_pseudo_items_and_says_so(tmp_path):
    write_gbk(tmp_path / "ExportOrderList202611.csv", ORDER_HEADER, ORDER_ROWS)
    ds = load(tmp_path)
    check_balance(ds)
    items = ds["order_items"]
    assert len(items) == 4  # one line per order
    # T1001's title "夏季连衣裙 等" (two items) becomes one pseudo-item (a title hash)
    assert items.set_index("order_id").loc["T1001", "sku_id"].startswith("t_")
    note = ds.sources.loc[ds.sources["table"] == "order_items", "note"].iloc[0]
    assert "pseudo-items" in note and "ExportOrderDetailList" in note


def test_taobao_refunds_yield_to_an_after_sales_file(taobao_pair):
    (taobao_pair / "after_sales.csv").write_text(
        "case_id,order_id,requested_at,refund_amount,type\n"
        "R1,T1002,2026-11-01 12:00:00,80.00,refund_only\n",
        encoding="utf-8",
    )
    ds = load(taobao_pair)
    check_balance(ds)
    assert list(ds["after_sales"]["case_id"]) == ["R1"]  # the file wins
    assert ds["after_sales"]["refund_amount"].sum() == pytest.approx(80.0)
    notes = ds.sources.loc[ds.sources["file"] == "ExportOrderList202611.csv", "note"]
    assert notes.str.contains("after_sales.csv give").any()


def test_taobao_detail_without_order_report_is_named(tmp_path):
    write_gbk(tmp_path / "ExportOrderDetailList202611.csv", DETAIL_HEADER, DETAIL_ROWS)
    with pytest.raises(IntakeError, match="订单编号, 买家会员名"):
        load(tmp_path, mapping="taobao_orders")


# --------------------------------------------------------------------------------------------
# Variants: header aliases, delimiters, encodings, title rows, .txt / .tsv, sub-folders
# --------------------------------------------------------------------------------------------

# Online Retail II names three columns differently: Invoice, Price, Customer ID
RETAIL_II = (
    "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n"
    "489434,85048,LED BOX,12,2009-12-01 07:45:00,6.95,13085.0,United Kingdom\n"
    "489434,79323P,PINK LIGHTS,12,2009-12-01 07:45:00,6.75,13085.0,United Kingdom\n"
    "489435,22350,CAT BOWL,12,2009-12-01 07:46:00,2.55,,United Kingdom\n"
    "C489449,22087,PAPER BUNTING,-12,2009-12-01 10:33:00,2.95,16321.0,Australia\n"
)


@pytest.mark.parametrize("mapping", [None, "uci_online_retail"])
def test_online_retail_ii_headers_read_through_the_uci_mapping(tmp_path, mapping):
    (tmp_path / "online_retail_II.csv").write_text(RETAIL_II, encoding="utf-8")
    ds = load(tmp_path, mapping=mapping)
    check_balance(ds)
    o = ds["orders"].set_index("order_id")
    assert list(o.index) == ["489434", "489435"]
    # 489434: 12 x 6.95 + 12 x 6.75 = 83.40 + 81.00 = 164.40; 489435: 12 x 2.55 = 30.60
    assert o["paid_amount"].round(2).to_dict() == {"489434": 164.40, "489435": 30.60}
    assert o.loc["489434", "customer_id"] == "13085"  # "Customer ID" 13085.0, whole number
    assert pd.isna(o.loc["489435", "customer_id"])  # a guest invoice
    # the credit note C489449: refund 12 x 2.95 = 35.40
    assert ds["after_sales"]["refund_amount"].round(2).tolist() == [35.40]
    assert set(ds.sources.loc[ds.sources["table"] != "", "mapping"]) == {"uci_online_retail"}


ORDERS = (
    "order_id,customer_id,created_at,paid_at,status,paid_amount\n"
    "A1,c1,2026-11-01 10:00:00,2026-11-01 10:01:00,paid,100.00\n"
    "A2,c2,2026-11-02 10:00:00,2026-11-02 10:01:00,paid,not a number\n"
)
ITEMS = "order_id,line_no,sku_id,quantity,unit_price\nA1,1,S1,2,50.00\n"


def test_utf16_tab_separated_files_are_read(tmp_path):
    # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated
    (tmp_path / "orders.csv").write_text(ORDERS.replace(",", "\t"), encoding="utf-16")
    (tmp_path / "order_items.csv").write_text(ITEMS.replace(",", "\t"), encoding="utf-16")
    ds = load(tmp_path)
    check_balance(ds)
    assert list(ds["orders"]["order_id"]) == ["A1"]
    assert ds["orders"]["paid_amount"].sum() == pytest.approx(100.0)
    assert list(ds.quarantine["row"]) == [3]  # A2: the second data row, line 3


def test_title_row_above_the_header_is_skipped_and_rows_keep_their_line(tmp_path):
    (tmp_path / "orders.csv").write_text("订单报表 2026-11\n" + ORDERS, encoding="utf-8")
    (tmp_path / "order_items.csv").write_text(ITEMS, encoding="utf-8")
    ds = load(tmp_path)
    check_balance(ds)
    assert list(ds["orders"]["order_id"]) == ["A1"]
    # title on line 1, header on line 2, A1 on line 3, A2 (bad amount) on line 4
    assert ds.quarantine[["file", "row", "column"]].values.tolist() == [
        ["orders.csv", 4, "paid_amount"]
    ]


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    pd.DataFrame(rows).to_excel(path, header=False, index=False)
    return path


def test_xlsx_with_the_header_on_row_2_is_read(tmp_path):
    lines = [r.split(",") for r in ORDERS.strip().splitlines()]
    _xlsx(tmp_path / "orders.xlsx", [["订单报表（导出于 2026-11-30）", *[""] * 5], *lines])
    (tmp_path / "order_items.csv").write_text(ITEMS, encoding="utf-8")
    ds = load(tmp_path)
    check_balance(ds)
    assert list(ds["orders"]["order_id"]) == ["A1"]
    assert list(ds.quarantine["row"]) == [4]  # sheet row 4: title, header, A1, A2


SEMI_ORDERS = "单号;客户;下单时间;付款时间;状态;实付\nB1;k1;2026-11-01 09:00:00;2026-11-01 09:05:00;已付款;88\n"
SEMI_MAPPING = """
name: my_erp
detect:
  headers: [单号, 客户, 下单时间, 付款时间, 实付]
  delimiter: semicolon
tables:
  orders:
    order_id: 单号
    customer_id: {hash: 客户}
    created_at: 下单时间
    paid_at: 付款时间
    status: {from: 状态, values: {已付款: paid}}
    paid_amount: 实付
  order_items:
    order_id: 单号
    line_no: {const: 1}
    sku_id: {const: ALL}
    quantity: {const: 1}
    unit_price: 实付
"""


def test_semicolon_file_reads_with_the_delimiter_option(tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    (data / "erp.csv").write_text(SEMI_ORDERS, encoding="utf-8")
    m = tmp_path / "my_erp.yaml"
    m.write_text(SEMI_MAPPING, encoding="utf-8")
    ds = load(data, mapping=m)
    check_balance(ds)
    assert ds["orders"]["paid_amount"].tolist() == [88.0]


def test_semicolon_file_without_the_option_gets_a_hint(tmp_path):
    (tmp_path / "orders.csv").write_text(ORDERS.replace(",", ";"), encoding="utf-8")
    (tmp_path / "order_items.csv").write_text(ITEMS, encoding="utf-8")
    with pytest.raises(IntakeError, match="semicolon-separated"):
        load(tmp_path)
    data = tmp_path / "erp"
    data.mkdir()
    (data / "erp.csv").write_text(SEMI_ORDERS, encoding="utf-8")
    m = tmp_path / "my_erp.yaml"
    m.write_text(SEMI_MAPPING.replace("  delimiter: semicolon\n", ""), encoding="utf-8")
    with pytest.raises(IntakeError) as err:
        load(data, mapping=m)
    text = str(err.value)
    assert "'my_erp' needs header(s) 单号, 客户" in text  # the given mapping's headers
    assert "read as UTF-8, comma-separated" in text  # how the file was read
    assert "delimiter: semicolon" in text  # what to change


def test_named_mapping_names_its_missing_headers(tmp_path):
    (tmp_path / "export.csv").write_text("order,when,amount\nX1,2026-11-01,5\n", encoding="utf-8")
    with pytest.raises(IntakeError) as err:
        load(tmp_path, mapping="taobao_orders")
    text = str(err.value)
    assert "'taobao_orders' (file orders) needs header(s) 订单编号, 买家会员名" in text
    assert "headers found: order, when, amount" in text


def test_unrecognised_export_names_the_closest_mapping(tmp_path):
    # Online Retail with two headers renamed beyond any alias
    (tmp_path / "retail.csv").write_text(
        "InvoiceNo,StockCode,Description,Qty,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "1,A,B,1,2011-01-01 10:00:00,1.0,5,UK\n",
        encoding="utf-8",
    )
    with pytest.raises(IntakeError) as err:
        load(tmp_path)
    text = str(err.value)
    assert "closest: uci_online_retail, missing Quantity" in text
    assert "read as UTF-8, comma-separated, header on line 1" in text


WS_MAPPING = """
name: pos_log
files:
  sales:
    pattern: "pos_*.{ext}"
    headers: [ticket, day, item, qty, amount]
    delimiter: {delimiter}
tables:
  orders:
    file: sales
    group_by: order_id
    columns:
      order_id: ticket
      customer_id: {{const: null}}
      created_at: {{from: day, agg: min}}
      paid_at: {{from: day, agg: min}}
      status: {{const: completed}}
      paid_amount: {{from: amount, agg: sum}}
  order_items:
    file: sales
    columns:
      order_id: ticket
      line_no: {{number_within: ticket}}
      sku_id: item
      quantity: qty
      unit_price: {{expr: amount / qty}}
"""


@pytest.mark.parametrize(
    ("ext", "delimiter", "sep"), [("txt", "whitespace", "   "), ("tsv", "tab", "\t")]
)
def test_txt_and_tsv_files_read_when_a_mapping_names_them(tmp_path, ext, delimiter, sep):
    data = tmp_path / "d"
    data.mkdir()
    lines = [
        ["ticket", "day", "item", "qty", "amount"],
        ["T1", "20261101", "X", "2", "10.00"],
        ["T1", "20261101", "Y", "1", "5.50"],
        ["T2", "20261102", "X", "4", "20.00"],
    ]
    body = "\n".join(("  " if ext == "txt" else "") + sep.join(r) for r in lines) + "\n"
    (data / f"pos_2026.{ext}").write_text(body, encoding="utf-8")
    m = tmp_path / "pos.yaml"
    m.write_text(WS_MAPPING.format(ext=ext, delimiter=delimiter), encoding="utf-8")
    ds = load(data, mapping=m)
    check_balance(ds)
    # T1 = 10.00 + 5.50 = 15.50, T2 = 20.00
    assert ds["orders"].set_index("order_id")["paid_amount"].to_dict() == {
        "T1": 15.5,
        "T2": 20.0,
    }
    assert ds["order_items"]["quantity"].sum() == 7  # 2 + 1 + 4


def test_data_one_folder_down_is_found_and_noted(tmp_path):
    parent = tmp_path / "download"
    (parent / "docs").mkdir(parents=True)
    (parent / "docs" / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    shop = parent / "shop_export"
    shop.mkdir()
    (shop / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (shop / "order_items.csv").write_text(ITEMS, encoding="utf-8")
    ds = load(parent)
    check_balance(ds)
    assert list(ds["orders"]["order_id"]) == ["A1"]
    note = " ".join(ds.sources["note"])
    assert "sub-folder 'shop_export'" in note
    # a second complete sub-folder: the message names both
    other = parent / "shop_copy"
    other.mkdir()
    for f in ("orders.csv", "order_items.csv"):
        (other / f).write_text((shop / f).read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(IntakeError, match="shop_copy, shop_export"):
        load(parent)


def test_check_says_where_items_and_refunds_came_from(tmp_path):
    from helpers.check import check_data, render

    write_gbk(tmp_path / "ExportOrderList202611.csv", ORDER_HEADER, ORDER_ROWS)
    report = check_data(tmp_path, S, cache_dir=False)
    zh, en = render(report, lang="zh"), render(report, lang="en")
    assert "伪商品" in zh and "ExportOrderDetailList" in zh
    assert "售后数据取自订单报表" in zh
    assert "pseudo-items" in en and "refund cases from the order report" in en
    assert "pseudo-items" not in zh  # the zh page speaks Chinese
    # with the item-detail report: no pseudo-item note, the refund note stays
    write_gbk(tmp_path / "ExportOrderDetailList202611.csv", DETAIL_HEADER, DETAIL_ROWS)
    notes = check_data(tmp_path, S, cache_dir=False).notes
    assert [n["file"] for n in notes] == ["ExportOrderList202611.csv"]
    assert "退款金额" in notes[0]["en"]


def test_notes_survive_the_cache(taobao_pair, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    first = load(taobao_pair, cache_dir=cache)
    again = load(taobao_pair, cache_dir=cache)
    assert again.from_cache and again.notes == first.notes and first.notes


def test_daily_review_page_carries_the_notes_in_its_language(tmp_path):
    from helpers.daily_review.page import data_notes

    write_gbk(tmp_path / "ExportOrderList202611.csv", ORDER_HEADER, ORDER_ROWS)
    ds = load(tmp_path)
    zh, en = data_notes(ds, "zh"), data_notes(ds, "en")
    assert len(zh) == len(en) == 2
    assert zh[0].startswith("ExportOrderList202611.csv: 伪商品")
    assert en[0].startswith("ExportOrderList202611.csv: pseudo-items")
    assert data_notes(None, "zh") == ()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["订单报表 2026-11"], ["a", "b", "c"], ["1", "2", "3"]], 1),  # a title line
        ([["导出时间", "2026-11-30"], [], ["a", "b", "c", "d"]], 2),  # title, blank line
        ([["a", "b", "c"], ["1", "2", "3"]], 0),  # the usual file
        ([["id"], ["1"], ["2"]], 0),  # a one-column file
        # a header naming 3 of 10 columns is still the header (never skip a wide row)
        ([["a", "b", "c", *[""] * 7], [str(i) for i in range(10)]], 0),
    ],
)
def test_header_row_is_found_below_title_lines_only(rows, expected):
    from helpers.intake.readers import header_index

    assert header_index(rows) == expected
