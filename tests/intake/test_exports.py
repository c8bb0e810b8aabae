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
    day = facts.daily.set_index("date").loc[pd.Timestamp("2026-11-01")]
    assert day["refund_cases"] == 1 and day["refund_amount"] == pytest.approx(88.0)


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
