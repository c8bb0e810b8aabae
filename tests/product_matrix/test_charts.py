"""The product-matrix charts draw tiny frames and return their Axes (no metric computed)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.axes import Axes

from helpers.charts import setup
from helpers.product_matrix import charts


@pytest.fixture
def items() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sku_id": ["a", "b", "c"],
            "category": ["x", "x", None],
            "revenue": [60.0, 30.0, 10.0],
            "cum_share": [0.6, 0.9, 1.0],
            "abc_revenue": ["A", "B", "C"],
            "traffic_share": [0.05, 0.01, 0.001],
            "margin": [0.1, 0.5, 0.3],
            "role": ["driver", "profit", "unassigned"],
            "stage": ["mature", "growth", "decline"],
        }
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_returns_its_axes(items, lang):
    lang = setup(lang)  # the bundled CJK font, as in the notebook
    out = [
        charts.pareto_curve(items, lang=lang),
        charts.role_quadrant(
            items, share_cut=0.02, thin_margin=0.25, profit_margin=0.45, lang=lang
        ),
        charts.stage_heatmap(items, lang=lang),
        charts.forecast_lines(
            pd.DataFrame(
                {
                    "date": pd.date_range("2026-03-01", periods=4),
                    "actual": [1.0, 2.0, None, None],
                    "forecast": [None, None, 2.0, 2.5],
                }
            ),
            title="a",
            lang=lang,
        ),
        charts.cover_bars(
            pd.DataFrame({"sku_id": ["a"], "days_of_cover": [3.0], "lead_time_days": [9.0]}),
            lang=lang,
        ),
    ]
    assert all(isinstance(ax, Axes) for ax in out)
    plt.close("all")


def test_charts_draw_on_a_given_axes(items):
    _, ax = plt.subplots()
    assert charts.pareto_curve(items, ax=ax) is ax
    plt.close("all")
