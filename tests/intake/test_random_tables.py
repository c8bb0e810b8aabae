"""Random tables full of bad cells thrown at intake and then at the facts and metrics:
whatever the cells hold, every physical row is accepted or quarantined (never lost, never
counted twice), GMV stays a finite non-negative number and nothing dated after the run date
reaches the facts."""

from __future__ import annotations

import csv
import io
import math
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from intake.intake_checks import check_balance, load

from helpers.facts import build_facts, last_complete_day
from helpers.metrics.kpis import headline_kpis
from helpers.settings import Settings

IDS = ["A1", "A2", "A3", "A1\u200b", "Ａ２", " A3 ", "A4\x00", "", "订单5"]
STAMPS = [
    "2026-11-01 10:00:00",
    "2026-11-02 23:30:00",
    "03/11/2026",
    "25/10/2026 08:00",
    "46327",
    "2026-11-01T02:00:00Z",
    "0001-01-01",
    "1677-09-21",
    "2262-04-12",
    "9999-12-31 23:59:59",
    "1900-01-01",
    "2099-06-01",
    "26/10/26",
    "",
    "not a date",
]
AMOUNTS = ["10", "0", "1.234,50", "1,234.50", "1 234,5", "1e308", "inf", "-5", "abc", "", "１２"]
QUANTITIES = ["1", "2", "0", "-1", "1.5", "9300000000000000000", "10000000", "", "x"]
STATUSES = ["paid", "completed", "closed", "", "已付款"]

cell = st.sampled_from


@st.composite
def orders_rows(draw) -> list[list[str]]:
    n = draw(st.integers(min_value=1, max_value=12))
    return [
        [
            draw(cell(IDS)),
            "C1",
            draw(cell(STAMPS)),
            draw(cell(STAMPS)),
            draw(cell(STATUSES)),
            draw(cell(AMOUNTS)),
        ]
        for _ in range(n)
    ]


@st.composite
def item_rows(draw) -> list[list[str]]:
    n = draw(st.integers(min_value=1, max_value=12))
    return [
        [draw(cell(IDS)), draw(cell(["1", "2", "x"])), "S1", draw(cell(QUANTITIES)), "10"]
        for _ in range(n)
    ]


def csv_text(header: list[str], rows: list[list[str]], junk: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue() + "".join(line + "\n" for line in junk)


JUNK = ["", ",,,,,", 'A9,C1,"2026-11-01,,paid,1', "A9,C1,2026-11-01,,paid,1,2,3"]


@given(orders=orders_rows(), items=item_rows(), junk=st.lists(cell(JUNK), max_size=3))
@hsettings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_random_tables_keep_the_invariants(orders, items, junk):
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        header = ["order_id", "customer_id", "created_at", "paid_at", "status", "paid_amount"]
        (d / "orders.csv").write_text(csv_text(header, orders, junk), encoding="utf-8")
        items_header = ["order_id", "line_no", "sku_id", "quantity", "unit_price"]
        (d / "order_items.csv").write_text(csv_text(items_header, items, []), encoding="utf-8")
        ds = load(d)
    check_balance(ds)
    # every non-blank physical data line of orders.csv is read once: accepted or quarantined
    blank = sum(1 for line in junk if not line.strip(","))
    src = ds.sources.set_index(["table", "file"])
    assert src.loc[("orders", "orders.csv"), "rows_read"] == len(orders) + len(junk) - blank
    o = ds["orders"]
    assert o["paid_amount"].map(math.isfinite).all()
    assert (o["paid_amount"] >= 0).all()
    stamps = o["created_at"].dropna()
    assert stamps.between(pd.Timestamp("1990-01-01"), pd.Timestamp("2101-01-01")).all()
    if o.empty or o[["created_at", "paid_at"]].isna().all().all():
        return
    day = last_complete_day(o)
    facts = build_facts(ds.tables, day, Settings())
    assert (facts.daily["date"] <= day).all()
    gmv = facts.daily["gmv"]
    assert gmv.map(math.isfinite).all() and (gmv >= 0).all()
    kpis = headline_kpis(facts)
    assert len(kpis)
