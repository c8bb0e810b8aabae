"""Number formats: one module, both styles (in sentences, in tables)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from helpers import numbers


def test_in_sentences():
    assert numbers.pct(0.0123) == "1.2%"
    assert numbers.pct(0.0045) == "0.45%"  # under 1 %: two decimals
    assert numbers.pct(None) == "n/a" and numbers.pct(math.nan) == "n/a"
    assert numbers.num(12345.6) == "12,346"
    assert numbers.num(3.456) == "3.46"
    assert numbers.num(24.0) == "24"
    assert numbers.in_text(0.5, "ratio") == "50.0%"
    assert numbers.in_text(0.5, "currency") == "0.50"


def test_in_tables_and_cards():
    assert numbers.format_value(1234.5, "currency", currency="BRL") == "R$1,234.50"
    assert numbers.format_value(1234.5, "currency", currency="XYZ") == "1,234.50 XYZ"
    assert numbers.format_value(12.25, "hours") == "12.2 h"
    assert numbers.format_value(1234.56, "decimal") == "1,234.6"
    assert numbers.format_value(1234.5, "currency") == "¥1,234.50"
    assert numbers.format_value(1234.5, "currency", currency="GBP") == "£1,234.50"
    assert numbers.format_value(-2060.3, "currency") == "-¥2,060.30"
    assert numbers.format_value(0.0345, "ratio") == "3.45%"
    assert numbers.format_value(3.456, "ratio_x") == "3.46"
    assert numbers.format_value(12000, "count") == "12,000"
    assert numbers.format_value(math.nan, "count") == "–"
    assert numbers.format_change(-0.25) == "-25.0%"
    assert numbers.format_change(None) == "–"
    assert numbers.format_change(0.123) == "+12.3%"
    assert numbers.format_number(1234567.0) == "1,234,567"
    assert numbers.format_number(0.0312, "%") == "3.1%"
    assert numbers.format_number(0.01234) == "0.01234"
    assert numbers.format_number(None) == "–"


def test_money_ticks():
    assert numbers.money_tick(950, "CNY") == "¥950"
    assert numbers.money_tick(12_000, "CNY") == "¥12k"
    assert numbers.money_tick(-1_234_567, "GBP") == "-£1.2M"
    assert numbers.money_tick(500, "XYZ") == "500"


def test_money_ticks_in_chinese_units():
    # zh pages write money in 万 (10^4) and 亿 (10^8): 12,000 / 10^4 = 1.2 -> ¥1.2万;
    # 1,200,000 / 10^4 = 120 -> ¥120万 (no decimal from 100 up); 50,000 / 10^4 = 5.0 ->
    # ¥5万 (".0" dropped); 350,000,000 / 10^8 = 3.5 -> ¥3.5亿; under 10^4 in full.
    assert numbers.money_tick(12_000, "CNY", "zh") == "¥1.2万"
    assert numbers.money_tick(1_200_000, "CNY", "zh") == "¥120万"
    assert numbers.money_tick(50_000, "CNY", "zh") == "¥5万"
    assert numbers.money_tick(-350_000_000, "CNY", "zh") == "-¥3.5亿"
    assert numbers.money_tick(9_500, "GBP", "zh") == "£9,500"
    assert numbers.money_tick(12_000, "CNY", "en") == "¥12k"


def test_chart_money_axis_follows_the_label_language():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.charts.base import format_axis

    fig, ax = plt.subplots()
    format_axis(ax.yaxis, "currency", "CNY", lang="zh")
    formatter = ax.yaxis.get_major_formatter()
    assert formatter(20_000, 0) == "¥2万"
    # an axis ticked 0, 5,000, 10,000, 15,000 speaks in 万 throughout:
    # 5,000 / 10^4 = 0.5 -> ¥0.5万, 15,000 / 10^4 = 1.5 -> ¥1.5万, 0 -> ¥0
    formatter.set_locs([0, 5_000, 10_000, 15_000])
    assert [formatter(v, i) for i, v in enumerate([0, 5_000, 10_000, 15_000])] == [
        "¥0",
        "¥0.5万",
        "¥1万",
        "¥1.5万",
    ]
    format_axis(ax.yaxis, "currency", "CNY", lang="en")
    assert ax.yaxis.get_major_formatter()(20_000, 0) == "¥20k"
    plt.close(fig)


def test_as_float():
    assert numbers.as_float("2.5") == 2.5
    assert numbers.as_float(math.inf) is None
    assert numbers.as_float("x") is None and numbers.as_float(None) is None


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_money_sign_follows_the_value(x):
    text = numbers.format_value(x, "currency")
    assert text.startswith("-") == (x < 0)
    assert text.removeprefix("-").startswith("¥")
    assert float(text.removeprefix("-")[1:].replace(",", "")) == round(abs(x), 2)


def test_missing_values_can_be_worded_by_the_caller():
    # the drill-down summary line writes missing values as "nan"
    assert numbers.format_change(math.nan, missing="nan") == "nan"
    assert numbers.format_amount(math.nan, missing="nan") == "nan"
    assert numbers.format_amount(12345.6) == "12,345.60"


def test_a_count_is_written_without_a_unit_word():
    # KPI cards of counts ("84 items") read as the number alone, not "84 count"
    assert numbers.format_number(84, "count") == "84"
    assert numbers.format_number(1234.0, "count") == "1,234"
    assert numbers.format_number(5, "CNY") == "5 CNY"
