"""The promotion calendar's explorer on two hand-made events: first-day range, mechanic and
id / name search redraw the events table, the latest event's chart and its phases."""

from __future__ import annotations

import datetime as dt
import types

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from promotion_calendar.promo_shop import events_frame, make_event, synthetic_daily  # noqa: E402

from helpers.promotion_calendar.evaluation import evaluate_events  # noqa: E402
from helpers.promotion_calendar.page import Page, explore  # noqa: E402
from helpers.promotion_calendar.theme import PromotionCalendarSettings  # noqa: E402

RUN = pd.Timestamp("2025-08-31")
MAY = make_event()  # 满减, warm-up 05-20..05-26, burst 05-27, after-glow 05-28..05-29
JULY = make_event(
    "e2", "Summer sale", "2025-07-10", "2025-07-15", glow="2025-07-17", mechanic="直降"
)


@pytest.fixture
def page():
    daily = synthetic_daily({"burst": 3.0}, event=MAY)
    gmv = evaluate_events(daily, events_frame(MAY, JULY), RUN, PromotionCalendarSettings())
    cal = types.SimpleNamespace(gmv=gmv, elasticity=None)
    with pd.option_context("display.width", 400, "display.max_columns", None):
        yield Page(cal=cal, lang="en", labels="en", currency="CNY")
    plt.close("all")


def _text(ex) -> str:
    return "".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in ex.output.outputs
    )


def test_filters_pick_the_events_and_the_charted_one(page):
    ex = explore(types.SimpleNamespace(), page)
    assert set(ex.controls) == {"start", "end", "search"}
    assert set(ex.extra) == {"mechanic", "depth"}
    assert sorted(ex.drawn["promo_id"]) == ["e1", "e2"]
    assert "Summer sale" in _text(ex) and ex.controls["search"].description == "Event id / name"
    ex.controls["end"].value = dt.date(2025, 6, 30)  # only the May event starts by 06-30
    assert list(ex.drawn["promo_id"]) == ["e1"]
    assert "Summer" not in _text(ex) and "活动" in _text(ex)
    ex.controls["end"].value = dt.date(2025, 8, 31)
    ex.extra["mechanic"].value = "直降"
    assert "Summer" in _text(ex)
    ex.controls["search"].value = "e1"  # 直降 and e1: nothing
    assert "widen them" in _text(ex)


def test_batch_view_shows_every_event(page, capsys):
    assert explore(types.SimpleNamespace(), page, interactive=False) is None
    out = capsys.readouterr().out
    assert "Summer" in out and "Dropdown" not in out and plt.get_fignums() == []
