"""The one calendar: platform festivals, public holidays with make-up workdays, the Spring
Festival logistics pause, merged with a shop's promotions. Expected dates are written by hand
from the State Council holiday notices and the platforms' usual schedules."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import festivals

D = pd.Timestamp


@pytest.mark.parametrize(
    ("year", "spring_festival", "nianhuo_burst"),
    [
        # 年货节 burst = SF - 21 .. SF - 15
        (2024, "2024-02-10", ("2024-01-20", "2024-01-26")),
        (2025, "2025-01-29", ("2025-01-08", "2025-01-14")),
        (2026, "2026-02-17", ("2026-01-27", "2026-02-02")),
        (2027, "2027-02-06", ("2027-01-16", "2027-01-22")),
    ],
)
def test_spring_festival_moves_the_new_year_fair(year, spring_festival, nianhuo_burst):
    assert festivals.spring_festival(year) == D(spring_festival).date()
    fest = festivals.platform_festivals(f"{year}-01-01", f"{year}-12-31").set_index("promo_id")
    nh = fest.loc[f"nianhuo-{year}"]
    assert (nh["start_date"], nh["end_date"]) == (D(nianhuo_burst[0]), D(nianhuo_burst[1]))


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2030])
def test_fixed_festivals_and_their_phases(year):
    fest = festivals.platform_festivals(f"{year}-01-01", f"{year}-12-31").set_index("promo_id")
    f618 = fest.loc[f"618-{year}"]
    # 618: 24 warm-up days (05-25 .. 06-17), burst 06-18, after-glow 06-19 .. 06-20
    assert f618["warmup_start"] == D(f"{year}-05-25")
    assert f618["start_date"] == f618["end_date"] == D(f"{year}-06-18")
    assert f618["afterglow_end"] == D(f"{year}-06-20")
    f11 = fest.loc[f"1111-{year}"]
    # 双11: warm-up from 10-20 (22 days), after-glow to 11-13
    assert (f11["warmup_start"], f11["afterglow_end"]) == (D(f"{year}-10-20"), D(f"{year}-11-13"))
    assert fest.loc[f"1212-{year}", "warmup_start"] == D(f"{year}-12-08")
    assert fest.loc[f"38-{year}", "start_date"] == D(f"{year}-03-08")
    assert fest.loc[f"99-{year}", "warmup_start"] == D(f"{year}-09-04")


def test_festival_windows_are_configurable():
    fest = festivals.platform_festivals(
        "2025-01-01", "2025-12-31", {"618": {"warmup_days": 10, "afterglow_days": 5}}
    ).set_index("promo_id")
    assert fest.loc["618-2025", "warmup_start"] == D("2025-06-08")  # 06-18 - 10 days
    assert fest.loc["618-2025", "afterglow_end"] == D("2025-06-23")  # 06-18 + 5 days
    assert fest.loc["1111-2025", "warmup_start"] == D("2025-10-20")  # untouched default


def test_default_windows_unchanged_for_the_review():
    # the daily review's promo days must not move when no window is configured
    a = festivals.platform_festivals("2025-01-01", "2025-12-31")
    b = festivals.platform_festivals("2025-01-01", "2025-12-31", {})
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    ("year", "name", "first", "last"),
    [
        # State Council notices: 春节, 劳动节, 国庆节 days-off blocks
        (2024, "Chinese New Year (Spring Festival)", "2024-02-10", "2024-02-17"),
        (2024, "Labor Day", "2024-05-01", "2024-05-05"),
        (2024, "National Day", "2024-10-01", "2024-10-07"),
        (2025, "Chinese New Year (Spring Festival)", "2025-01-28", "2025-02-04"),
        (2025, "Labor Day", "2025-05-01", "2025-05-05"),
        (2025, "National Day", "2025-10-01", "2025-10-08"),  # with Mid-Autumn inside
        (2026, "Chinese New Year (Spring Festival)", "2026-02-15", "2026-02-23"),
        (2026, "National Day", "2026-10-01", "2026-10-07"),
    ],
)
def test_chinese_holiday_blocks(year, name, first, last):
    blocks = festivals.holiday_periods(f"{year}-01-01", f"{year}-12-31", "CN")
    row = blocks[blocks["name"] == name]
    assert len(row) == 1
    assert (row.iloc[0]["start"], row.iloc[0]["end"]) == (D(first), D(last))
    assert row.iloc[0]["days"] == (D(last) - D(first)).days + 1


@pytest.mark.parametrize(
    ("year", "workdays"),
    [
        (
            2024,
            [
                "2024-02-04",
                "2024-02-18",
                "2024-04-07",
                "2024-04-28",
                "2024-05-11",
                "2024-09-14",
                "2024-09-29",
                "2024-10-12",
            ],
        ),
        (2025, ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]),
        (
            2026,
            ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
        ),
    ],
)
def test_make_up_workdays(year, workdays):
    table = festivals.public_holidays(f"{year}-01-01", f"{year}-12-31", "CN")
    got = table.loc[table["kind"] == "workday", "date"].dt.strftime("%Y-%m-%d").tolist()
    assert got == workdays
    # every make-up workday is a weekend day
    assert all(D(d).day_of_week >= 5 for d in got)


def test_logistics_pause_around_the_spring_festival():
    # default: from 4 days before the new year to its 5th day (parcels move again on day 6)
    assert festivals.logistics_pause(2026) == (D("2026-02-13"), D("2026-02-22"))
    assert festivals.logistics_pause(2025, (-7, 7)) == (D("2025-01-22"), D("2025-02-05"))


def test_calendar_merges_shop_promotions_platform_and_holidays():
    own = pd.DataFrame(
        [
            # the shop's own 618 with a shorter warm-up replaces the generated one
            dict(
                promo_id="618-2025",
                name="618",
                kind="platform",
                warmup_start="2025-06-10",
                start_date="2025-06-18",
                end_date="2025-06-18",
                afterglow_end="2025-06-19",
                mechanic="满减",
                discount_rate=0.2,
            ),
            dict(
                promo_id="anniv",
                name="店庆",
                kind="shop",
                warmup_start=None,
                start_date="2025-08-18",
                end_date="2025-08-18",
                afterglow_end=None,
                mechanic="秒杀",
                discount_rate=0.3,
            ),
        ]
    )
    cal = festivals.calendar("2025-01-01", "2025-12-31", promotions=own, country="CN")
    ids = cal["promo_id"].tolist()
    assert ids.count("618-2025") == 1
    row = cal.set_index("promo_id").loc["618-2025"]
    assert row["warmup_start"] == D("2025-06-10") and row["source"] == "shop"
    assert "anniv" in ids and "1111-2025" in ids and "nianhuo-2025" in ids
    assert set(cal["source"]) == {"shop", "platform", "holiday", "workday", "logistics"}
    assert (cal.loc[cal["source"] == "logistics", "start_date"] == D("2025-01-25")).all()


def test_calendar_of_a_uk_shop_has_no_chinese_festivals():
    cal = festivals.calendar("2010-12-01", "2011-12-31", platform_calendar="none", country="GB")
    assert set(cal["source"]) == {"holiday"}
    xmas = cal[cal["name"] == "Christmas Day"]
    # Christmas 2010: Sat 25 .. Tue 28 (Christmas and Boxing Day substituted to Mon/Tue)
    assert (xmas.iloc[0]["start_date"], xmas.iloc[0]["end_date"]) == (
        D("2010-12-25"),
        D("2010-12-28"),
    )
    assert not cal["name"].str.contains("双11|618|Chinese", regex=True).any()


def test_no_country_no_holidays():
    cal = festivals.calendar("2025-01-01", "2025-12-31", platform_calendar="none", country=None)
    assert cal.empty


def test_country_for():
    assert festivals.country_for("Asia/Shanghai", "cn") == "CN"
    assert festivals.country_for("Europe/London", "none") == "GB"
    assert festivals.country_for("America/Sao_Paulo", "none") == "BR"
    assert festivals.country_for("Mars/Base", "none") is None


def test_names_in_both_languages():
    assert festivals.festival_name("双11", "en") == "Singles' Day (11.11)"
    assert festivals.festival_name("双11", "zh") == "双11"
    assert festivals.festival_name("店庆", "en") == "店庆"
    assert festivals.holiday_name("Chinese New Year (Spring Festival)", "zh") == "春节"
    assert festivals.holiday_name("Something new", "zh") == "公共假日"
