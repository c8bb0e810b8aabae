"""Month-end projection through a festival (issue 9, point 3 of the second pass): the
month's pace includes a 双11 burst, so the remaining days are projected at the non-festival
daily average, and festival days still ahead at last year's festival multiple.

Hand-made shop: GMV ¥100 on every ordinary day; 双11 2026: warm-up 11-08..11-10 ¥150 a day,
burst 11-11 ¥1,000, after-glow 11-12 ¥200 (the same pattern on the same dates in 2025).
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from helpers.daily_review.morning import month_projection, month_to_date
from helpers.daily_review.morning_text import month_text

PHASES = {"11-08": "warmup", "11-09": "warmup", "11-10": "warmup", "11-11": "burst"}
PHASES["11-12"] = "afterglow"
GMV = {"warmup": 150.0, "burst": 1000.0, "afterglow": 200.0}


def _facts(first: str, run: str):
    days = pd.date_range(first, run)
    phase = [PHASES.get(f"{d:%m-%d}") for d in days]
    daily = pd.DataFrame({"date": days, "gmv": [GMV.get(p, 100.0) if p else 100.0 for p in phase]})
    promo = [
        (pd.Timestamp(f"{y}-{md}"), "双11", p) for y in (2025, 2026) for md, p in PHASES.items()
    ]
    promo_days = pd.DataFrame(promo, columns=["date", "name", "phase"])
    daily["orders"] = 1
    return SimpleNamespace(run_date=pd.Timestamp(run), daily=daily, promo_days=promo_days)


def _window_gmv(f, start, end):
    return float(f.daily.loc[f.daily["date"].between(start, end), "gmv"].sum())


def test_after_the_festival_the_rest_of_the_month_runs_at_the_ordinary_rate():
    f = _facts("2026-09-01", "2026-11-15")
    # so far: 11-01..07 7 x 100 + warm-up 3 x 150 + burst 1,000 + after-glow 200
    #         + 11-13..15 3 x 100 = 700 + 450 + 1,000 + 200 + 300 = 2,650
    gmv = _window_gmv(f, "2026-11-01", "2026-11-15")
    assert gmv == 2650.0
    out = month_projection(f, gmv, 30)
    # 10 ordinary days this month (>= 7): rate 100; 15 days left, none festive:
    # 2,650 + 15 x 100 = 4,150 (the month's pace would say 2,650 / 15 x 30 = 5,300)
    assert out.basis == "clean" and out.festival == "双11"
    assert out.clean_rate == 100.0 and out.ahead == 0
    assert out.projected == pytest.approx(4150.0)


def test_festival_days_ahead_at_last_years_multiple():
    f = _facts("2025-09-01", "2026-11-05")
    gmv = _window_gmv(f, "2026-11-01", "2026-11-05")  # 5 x 100 = 500
    out = month_projection(f, gmv, 30)
    # 5 ordinary days this month (< 7): rate of the last 28 ordinary days = 100.
    # 25 days left, 5 of them festive (11-08..11-12); last year on the same dates:
    # 150 x 3 + 1,000 + 200 = 1,650 over 5 days x 100 = multiple 3.3.
    # 500 + 20 x 100 + 5 x 100 x 3.3 = 500 + 2,000 + 1,650 = 4,150
    assert out.uplift == pytest.approx(3.3)
    assert out.ahead == 5
    assert out.projected == pytest.approx(4150.0)


def test_without_last_year_the_festival_days_ahead_are_a_floor_and_said_so():
    f = _facts("2026-09-01", "2026-11-05")
    out = month_projection(f, 500.0, 30)
    # no 2025 data: the festival days count at the ordinary rate: 500 + 25 x 100 = 3,000
    assert out.projected == pytest.approx(3000.0)
    m = month_to_date(f)
    assert m.projection.basis == "clean"
    zh, en = month_text(m), month_text(m, lang="en")
    assert "非大促日均 ¥100.00" in zh and "未计大促增量" in zh and "全月约 ¥3,000.00" in zh
    assert "non-festival daily average ¥100.00" in en and "no last-year data" in en


def test_a_month_without_festival_keeps_the_pace():
    f = _facts("2026-08-01", "2026-09-15")
    f.promo_days = f.promo_days.iloc[0:0]
    m = month_to_date(f)
    # 15 x 100 = 1,500 so far; 1,500 / 15 x 30 = 3,000
    assert m.projection.basis == "pace" and m.projection.projected == pytest.approx(3000.0)
    assert "按目前节奏全月约 ¥3,000.00" in month_text(m)
