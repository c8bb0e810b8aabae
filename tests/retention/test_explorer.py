"""The retention explorer on the hand-made shop (see ``retention_shop.py``): last-purchase
dates, segment and customer id redraw the segment chart, its table and the customer list."""

from __future__ import annotations

import datetime as dt

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from retention.retention_shop import RUN

from helpers.retention.page import Page, explore
from helpers.retention.snapshot import retention_from


@pytest.fixture
def page(tables, settings):
    r = retention_from(tables, RUN, settings, lang="en")
    yield Page(r=r, available=frozenset(tables), lang="en", labels="en", currency="CNY")
    plt.close("all")


def _text(ex) -> str:
    return "".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in ex.output.outputs
    )


def test_dates_segment_and_id_redraw_the_customer_list(page):
    ex = explore(page)
    assert set(ex.controls) == {"start", "end", "segment", "search"}
    # last purchases: f 12-01, b 01-20, d 02-01, c 03-15, a 03-30
    assert (ex.controls["start"].value, ex.controls["end"].value) == (
        dt.date(2025, 12, 1),
        dt.date(2026, 3, 30),
    )
    assert sorted(ex.drawn["customer_id"]) == ["a", "b", "c", "d", "f"]
    ex.controls["start"].value = dt.date(2026, 2, 1)  # d (02-01), c, a
    assert sorted(ex.drawn["customer_id"]) == ["a", "c", "d"]
    ex.controls["end"].value = dt.date(2026, 3, 15)  # d, c
    assert sorted(ex.drawn["customer_id"]) == ["c", "d"]
    # c: 40 net spend; d: 90 (60 + 30)
    text = _text(ex)
    assert "¥40.00" in text and "¥90.00" in text and "¥280.00" not in text
    ex.controls["start"].value = dt.date(2025, 12, 1)
    ex.controls["end"].value = dt.date(2026, 3, 30)
    segment = ex.drawn.loc[ex.drawn["customer_id"] == "b", "segment"].iloc[0]
    ex.controls["segment"].value = segment  # 重要挽留: b alone
    assert list(ex.drawn["customer_id"]) == ["b"] and "¥200.00" in _text(ex)
    ex.controls["segment"].value = ""
    ex.controls["search"].value = "A"  # the id, case-insensitive
    assert list(ex.drawn["customer_id"]) == ["a"]
    ex.controls["search"].value = "nobody"
    assert "widen them" in _text(ex)


def test_batch_view_lists_every_customer(page, capsys):
    assert explore(page, interactive=False) is None
    out = capsys.readouterr().out
    assert "¥280.00" in out and "¥20.00" in out and "Dropdown" not in out
    assert plt.get_fignums() == []


def test_without_cohorts_the_explorer_still_draws(page):
    from dataclasses import replace

    young = replace(page, r=replace(page.r, cohorts=page.r.cohorts.iloc[0:0]))
    ex = explore(young)
    assert ex.extra == {} and "¥280.00" in _text(ex)
