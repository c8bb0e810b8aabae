"""Charts draw results, return their Axes, and render Chinese without empty boxes."""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers import charts


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _render(fig) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


def test_setup_finds_the_bundled_cjk_font_and_chinese_renders_without_missing_glyphs():
    assert charts.find_cjk_font() is not None
    assert charts.setup("zh") == "zh"
    fig, ax = plt.subplots()
    ax.set_title("支付金额 GMV 与 转化率 CVR：直播 渠道")
    ax.set_xticks([0, 1], ["搜索", "私域"])
    assert _render(fig) == []


def test_setup_degrades_to_english_when_no_cjk_font(monkeypatch):
    monkeypatch.setattr(charts.base, "find_cjk_font", lambda: None)
    assert charts.setup("zh") == "en"


def _trend_frame():
    dates = pd.date_range("2026-11-01", periods=14, freq="D")
    values = [100.0 + i for i in range(14)]
    phases = [None] * 10 + ["warmup", "burst", "afterglow", None]
    return pd.DataFrame(
        {
            "date": dates,
            "value": values,
            "avg_7d": pd.Series(values).rolling(7).mean(),
            "phase": phases,
        }
    )


def test_every_chart_takes_an_ax_and_returns_it():
    charts.setup("zh")
    fig, axes = plt.subplots(3, 3)
    a = axes.flat
    frame = _trend_frame()
    assert (
        charts.trend_lines(frame, metric="gmv", ax=a[0], highlight=frame["date"].iloc[-1]) is a[0]
    )
    split = pd.DataFrame({"factor": ["uv", "cvr", "arpu"], "contribution": [100.0, -300.0, 50.0]})
    assert charts.gmv_waterfall(split, gmv_before=1000.0, gmv_after=850.0, ax=a[1]) is a[1]
    ch = pd.DataFrame({"channel": ["搜索", "直播"], "change": [120.0, -480.0]})
    assert (
        charts.change_bars(ch, label="channel", value="change", ax=a[2], translate_channels=True)
        is a[2]
    )
    fun = pd.DataFrame(
        {
            "channel": ["搜索", "直播"],
            "ctr": [0.05, 0.04],
            "cart_rate": [0.1, 0.12],
            "cvr": [0.03, 0.01],
        }
    )
    assert charts.funnel_rates(fun, ax=a[3]) is a[3]
    ads = pd.DataFrame(
        {"channel": ["付费推广", "直播"], "ad_spend": [900.0, 300.0], "roas": [1.2, 3.4]}
    )
    assert charts.spend_and_roas(ads, ax=a[4]) is a[4]
    reasons = pd.DataFrame({"reason": ["尺码不符", "质量问题"], "cases": [12, 3]})
    assert charts.ranked_bars(reasons, label="reason", value="cases", ax=a[5]) is a[5]
    base = frame.assign(expected=frame["value"], z=[0.0] * 13 + [5.0], is_promo=[False] * 14)
    assert charts.baseline_lines(base, metric="cvr", z_threshold=3.5, ax=a[6]) is a[6]
    assert _render(fig) == []


def test_waterfall_bars_end_at_the_after_level():
    # before 1000, contributions +100 -300 +50 -> after 850
    split = pd.DataFrame({"factor": ["uv", "cvr", "arpu"], "contribution": [100.0, -300.0, 50.0]})
    ax = charts.gmv_waterfall(split, gmv_before=1000.0, gmv_after=850.0)
    bars = ax.patches
    tops = [b.get_y() + b.get_height() for b in bars]
    # uv bar spans 1000..1100, cvr bar 800..1100, arpu bar 800..850, final bar 0..850
    assert tops == pytest.approx([1000.0, 1100.0, 1100.0, 850.0, 850.0])
    assert bars[2].get_y() == pytest.approx(800.0)


def test_the_grids_draw_one_chart_per_metric_and_hide_spare_cells():
    charts.setup("zh")
    frame = _trend_frame()
    fig = charts.trend_grid(
        {"gmv": frame, "cvr": frame, "uv": frame}, highlight=frame["date"].iloc[-1]
    )
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(fig.axes) == 4 and len(visible) == 3  # 2 x 2 grid, the fourth cell hidden
    assert [ax.get_title() for ax in visible] == ["支付金额 GMV", "转化率 CVR", "访客数 UV"]
    base = frame.assign(expected=frame["value"], z=[0.0] * 13 + [5.0], is_promo=[False] * 14)
    fig = charts.baseline_grid({"gmv": base, "cvr": base}, z_threshold=3.5, lang="en")
    assert [ax.get_title() for ax in fig.axes] == ["GMV (paid amount)", "Conversion rate (CVR)"]
    # one point beyond |z| > 3.5 is marked on each chart
    assert [len(ax.collections[-1].get_offsets()) for ax in fig.axes] == [1, 1]
    assert _render(fig) == []


def test_the_trend_grid_has_one_legend_with_each_phase_kind_once():
    charts.setup("zh")
    frame = _trend_frame()
    phases = [None] * 6 + ["warmup"] * 4 + ["burst"] + ["afterglow"] * 2 + [None]
    frame = frame.assign(phase=phases)
    fig = charts.trend_grid({"gmv": frame, "cvr": frame, "uv": frame, "orders": frame})
    assert all(ax.get_legend() is None for ax in fig.axes)  # nothing drawn over the data
    (legend,) = fig.legends
    labels = [t.get_text() for t in legend.get_texts()]
    # 4 panels x (3 phase kinds + daily line + 7-day line) = 20 entries before, 5 now
    assert labels == ["大促预热", "大促爆发", "大促余热", "每日值", "7日均线"]
    # the phase entries show their colour (the stand-in patches on the axes are invisible)
    assert all(h.get_visible() for h in legend.legend_handles)
    assert _render(fig) == []


def test_kwargs_reach_the_main_artist():
    ax = charts.trend_lines(_trend_frame(), metric="gmv", color="#123456", lw=3)
    assert ax.lines[0].get_color() == "#123456" and ax.lines[0].get_linewidth() == 3


def test_spend_and_roas_legend_speaks_the_report_language():
    ads = pd.DataFrame(
        {"channel": ["付费推广"], "ad_spend": [900.0], "roas": [1.2], "roas_7d": [4.2]}
    )
    for lang, week in (("zh", "ROAS（近7日）"), ("en", "ROAS (7 days)")):
        ax = charts.spend_and_roas(ads, lang=lang)
        legend = ax.figure.axes[-1].get_legend()
        assert [t.get_text() for t in legend.get_texts()] == ["ROAS", week]
        plt.close(ax.figure)
