"""The shared filter bar: the pure filter on hand-made frames, and the widget callbacks
(a control's value set in Python, the output and the drawn rows checked)."""

from __future__ import annotations

import datetime as dt

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.explorer import (
    Choice,
    Columns,
    Explorer,
    Filters,
    apply_filters,
    choices_of,
    explore,
)

FACTS = pd.DataFrame(
    {
        "date": pd.to_datetime(
            ["2026-03-01", "2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]
        ),
        "channel": ["搜索", "直播", "搜索", "直播", "搜索"],
        "category": ["女装", "女装", "美妆", "美妆", "女装"],
        "sku_id": ["AP0001", "AP0002", "BT0005", "BT0006", "AP0003"],
        "title": ["羊毛大衣", "针织衫", "Lipstick red", "粉底液", "羽绒服"],
        "segment": ["new", "loyal", "new", "loyal", "new"],
        "gmv": [100.0, 50.0, 30.0, 80.0, 20.0],
    }
)


def test_no_filter_keeps_every_row():
    assert apply_filters(FACTS, Filters()).equals(FACTS)


def test_each_filter_on_a_hand_made_frame():
    # 03-02 .. 03-03 inclusive: rows 2 and 3
    kept = apply_filters(FACTS, Filters(start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 3)))
    assert list(kept.index) == [2, 3]
    assert list(apply_filters(FACTS, Filters(channel="直播")).index) == [1, 3]
    assert list(apply_filters(FACTS, Filters(category="美妆")).index) == [2, 3]
    assert list(apply_filters(FACTS, Filters(segment="loyal")).index) == [1, 3]
    # search: sku id or title, case-insensitive, plain text (no regex: "." is a dot)
    assert list(apply_filters(FACTS, Filters(search="ap000")).index) == [0, 1, 4]
    assert list(apply_filters(FACTS, Filters(search="LIPSTICK")).index) == [2]
    assert apply_filters(FACTS, Filters(search="AP.0")).empty
    # combined: 搜索 and 女装 from 03-02 on: only row 4 (03-04, 20.0)
    both = Filters(start=dt.date(2026, 3, 2), channel="搜索", category="女装")
    assert apply_filters(FACTS, both)["gmv"].sum() == 20.0


def test_a_filter_whose_column_is_absent_is_ignored():
    items = FACTS.drop(columns=["date", "channel"])
    kept = apply_filters(items, Filters(start=dt.date(2030, 1, 1), channel="直播", category="女装"))
    assert list(kept.index) == [0, 1, 4]
    other = Columns(date="day", search=("title",))
    renamed = FACTS.rename(columns={"date": "day"})
    assert list(apply_filters(renamed, Filters(end=dt.date(2026, 3, 1)), other).index) == [0, 1]
    assert apply_filters(renamed, Filters(search="AP0001"), other).empty  # sku not searched


@given(
    start=st.dates(dt.date(2026, 2, 27), dt.date(2026, 3, 6)),
    length=st.integers(0, 6),
    channel=st.sampled_from([None, "搜索", "直播", "淘宝客"]),
)
def test_filtered_rows_are_a_subset_inside_the_range(start, length, channel):
    end = start + dt.timedelta(days=length)
    kept = apply_filters(FACTS, Filters(start=start, end=end, channel=channel))
    assert set(kept.index) <= set(FACTS.index)
    days = kept["date"].dt.date
    assert ((days >= start) & (days <= end)).all()
    if channel is not None:
        assert (kept["channel"] == channel).all()
    # the rows left out are exactly those failing a filter
    dropped = FACTS.drop(kept.index)
    outside = (dropped["date"].dt.date < start) | (dropped["date"].dt.date > end)
    if channel is not None:
        outside |= dropped["channel"] != channel
    assert outside.all()


def test_choices_come_from_the_data():
    c = choices_of(FACTS)
    assert (c.first, c.last) == (dt.date(2026, 3, 1), dt.date(2026, 3, 4))
    assert c.channel == ("搜索", "直播") and c.category == ("女装", "美妆")
    assert c.segment == ("loyal", "new") and c.searchable
    bare = choices_of(pd.DataFrame({"gmv": [1.0]}))
    assert bare.first is None and bare.channel == () and not bare.searchable


class Recorder:
    """A theme's draw: prints the rows it got and draws a bar chart of them."""

    def __init__(self):
        self.calls = []

    def __call__(self, frame, filters, metric="gmv"):
        self.calls.append((frame, filters, metric))
        print(f"{metric} rows={len(frame)} total={frame[metric].sum():.1f}")
        _, ax = plt.subplots()
        ax.bar(frame["sku_id"], frame[metric])


def _texts(explorer):
    return [o.get("text", "") for o in explorer.output.outputs if o["output_type"] == "stream"]


def test_the_controls_come_from_the_data_and_redraw_on_change(shell):
    draw = Recorder()
    metric = Choice("metric", "指标", (("GMV", "gmv"),), "gmv")
    ex = Explorer(FACTS, draw, lang="zh", extra=[metric])
    assert set(ex.controls) == {"start", "end", "channel", "category", "segment", "search"}
    assert ex.controls["start"].value == dt.date(2026, 3, 1)
    assert ex.controls["channel"].options[0] == ("全部", "")  # shown as 全部, read as None
    assert ex.filters.channel is None
    assert ex.controls["channel"].description == "渠道"
    # first draw: every row, 280.0 in all (100 + 50 + 30 + 80 + 20), and one figure
    assert _texts(ex) == ["gmv rows=5 total=280.0\n"]
    assert sum(o["output_type"] == "display_data" for o in ex.output.outputs) == 1
    assert plt.get_fignums() == []  # the figure went into the output, none left open
    ex.controls["channel"].value = "直播"  # 50 + 80
    assert set(ex.drawn["channel"]) == {"直播"}
    assert _texts(ex) == ["gmv rows=2 total=130.0\n"]
    ex.controls["start"].value = dt.date(2026, 3, 2)  # 直播 from 03-02: 80 only
    assert (ex.drawn["date"] >= "2026-03-02").all() and len(ex.drawn) == 1
    assert ex.filters == Filters(start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 4), channel="直播")
    ex.controls["channel"].value = ""
    ex.controls["search"].value = "bt000"  # BT0005 (30) and BT0006 (80)
    assert list(ex.drawn["sku_id"]) == ["BT0005", "BT0006"]
    assert _texts(ex) == ["gmv rows=2 total=110.0\n"]
    assert len(draw.calls) == 5  # the first draw and one per change


def test_a_theme_control_reaches_draw(shell):
    draw = Recorder()
    frame = FACTS.assign(orders=[1, 2, 3, 4, 5])
    pick = Choice("metric", "Metric", (("GMV", "gmv"), ("Orders", "orders")), "gmv")
    ex = Explorer(frame, draw, lang="en", extra=[pick])
    ex.extra["metric"].value = "orders"
    assert draw.calls[-1][2] == "orders"
    assert _texts(ex) == ["orders rows=5 total=15.0\n"]
    assert ex.controls["category"].description == "Category"


def test_only_the_filters_the_frame_supports_are_offered():
    items = FACTS[["sku_id", "title", "category", "gmv"]]
    ex = Explorer(items, Recorder(), lang="en")
    assert set(ex.controls) == {"category", "search"}


def test_batch_view_draws_the_default_without_any_widget(capsys):
    draw = Recorder()
    initial = Filters(start=dt.date(2026, 3, 3))
    pick = Choice("metric", "指标", (("GMV", "gmv"),), "gmv")
    assert explore(FACTS, draw, interactive=False, initial=initial, extra=[pick]) is None
    frame, filters, metric = draw.calls[0]
    assert list(frame.index) == [3, 4] and filters == initial and metric == "gmv"
    assert "gmv rows=2 total=100.0" in capsys.readouterr().out
    assert plt.get_fignums() == []


def test_interactive_explore_returns_the_explorer_shown_as_its_box(shell):
    from IPython.utils.capture import capture_output

    ex = explore(FACTS, Recorder(), interactive=True, lang="en")
    assert isinstance(ex, Explorer) and ex.box.children[-1] is ex.output
    with capture_output() as cap:
        shell.displayhook(ex)  # what a cell ending in ``explore(...)`` shows
    (shown,) = cap.outputs
    assert shown.data["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.box.model_id


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def shell():
    """An IPython shell as in a kernel: displayed objects become display_data outputs."""
    from IPython.core.interactiveshell import InteractiveShell

    yield InteractiveShell.instance()
    InteractiveShell.clear_instance()
