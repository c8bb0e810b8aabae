"""A Taobao order report + item-detail report runs end to end with no code: the daily
review reads real SKUs and shows refunds taken from the order report (one run of the daily
review notebook, shared by the module's tests)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import runner

ORDER_HEADER = (
    "订单编号,买家会员名,买家应付货款,买家应付邮费,总金额,买家实际支付金额,订单状态,"
    "收货地址,订单创建时间,订单付款时间,宝贝标题,宝贝总数量,订单关闭原因,退款金额"
)
DETAIL_HEADER = "订单编号,标题,价格,购买数量,订单状态,商家编码"
RUN_DATE = "2026-11-20"


def _shop(folder: Path) -> Path:
    """21 days, three orders a day: a two-item order (A001 x2 at 50 + B002 x1 at 30 = 130),
    one C003 at 88, and on every third day that C003 order is closed after payment and
    refunded in full."""
    orders, lines = [ORDER_HEADER], [DETAIL_HEADER]
    for day in range(1, 22):
        d = f"2026-11-{day:02d}"
        refunded = day % 3 == 0
        for k, (title, qty, paid, items) in enumerate(
            [
                (
                    "夏季连衣裙 等",
                    3,
                    130,
                    [("夏季连衣裙", 50, 2, "A001"), ("纯棉T恤", 30, 1, "B002")],
                ),
                ("真丝围巾", 1, 88, [("真丝围巾", 88, 1, "C003")]),
                ("纯棉T恤", 2, 60, [("纯棉T恤", 30, 2, "B002")]),
            ]
        ):
            oid = f"T{day:02d}{k}"
            closed = refunded and k == 1
            status = "交易关闭" if closed else "交易成功"
            orders.append(
                f'="{oid}",买家{day}{k},{paid}.00,0.00,{paid}.00,{paid}.00,{status},'
                f"浙江省 杭州市 某路{k}号,{d} 1{k}:00:00,{d} 1{k}:05:00,{title},{qty},"
                f"{'买家申请退款' if closed else ''},{paid if closed else 0}.00"
            )
            for t, price, n, sku in items:
                lines.append(f'="{oid}",{t},{price}.00,{n},{status},{sku}')
    (folder / "ExportOrderList202611.csv").write_bytes(("\n".join(orders) + "\n").encode("gbk"))
    (folder / "ExportOrderDetailList202611.csv").write_bytes(
        ("\n".join(lines) + "\n").encode("gbk")
    )
    return folder


@pytest.fixture(scope="module")
def taobao_run(tmp_path_factory):
    data = _shop(tmp_path_factory.mktemp("taobao"))
    out = tmp_path_factory.mktemp("taobao-out")
    result = runner.run(
        data_dir=data,
        out_dir=out,
        run_date=RUN_DATE,
        only=["daily_review"],
        progress=False,
        cache_dir=tmp_path_factory.mktemp("taobao-cache"),
        notify="off",
    )
    return result, out / RUN_DATE


def test_the_pair_runs_with_real_skus_and_no_pseudo_items(taobao_run):
    result, day = taobao_run
    assert result.exit_code == 0, [nb.error for nb in result.notebooks]
    html = next(day.rglob("*daily_review*.html")).read_text(encoding="utf-8")
    assert "伪商品" not in html  # the item-detail report gave the order lines
    assert not re.search(r"\bt_[0-9a-f]{12}\b", html)  # no title hashes as SKUs


def test_refunds_from_the_order_report_reach_the_review(taobao_run):
    _, day = taobao_run
    summary = json.loads((day / "summary.json").read_text(encoding="utf-8"))
    refund = summary["kpis"]["05_daily_review"]["refund_rate"]
    assert refund["value"] is not None
    skipped = json.dumps(summary["skipped"], ensure_ascii=False)
    assert "after_sales" not in skipped  # the refund sections ran
