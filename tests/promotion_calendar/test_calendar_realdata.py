"""The calendar against a real shop: the UK bank holidays the calendar generates for Online
Retail (``platform_calendar: none``, Europe/London) are days the raw file has no invoice on,
while ordinary weekdays around them trade. Read with plain pandas, not through intake."""

from __future__ import annotations

import pandas as pd
import pytest
from locations import REALDATA

from helpers import festivals

RAW = REALDATA / "online_retail" / "online_retail.csv.gz"

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def invoice_days() -> set[pd.Timestamp]:
    if not RAW.is_file():
        pytest.skip(
            "../shared/realdata not found: the public data sets are not beside the repository"
        )
    raw = pd.read_csv(RAW, usecols=["InvoiceDate"], parse_dates=["InvoiceDate"])
    return set(raw["InvoiceDate"].dt.normalize().unique())


def test_uk_bank_holidays_are_closed_days(invoice_days):
    country = festivals.country_for("Europe/London", "none")
    table = festivals.public_holidays("2010-12-01", "2011-12-08", country)
    weekdays = table[table["date"].dt.day_of_week < 5]["date"]
    # Good Friday, Easter Monday, the royal wedding, May Day, Spring and Summer bank
    # holidays, Christmas and Boxing Day (substituted), New Year (substituted)
    assert len(weekdays) >= 9
    assert not set(weekdays) & invoice_days
    # the working day before each of them traded (the shop is open on ordinary weekdays)
    before = {d - pd.offsets.BDay(1) for d in weekdays}
    before -= set(weekdays)
    open_days = before & invoice_days
    assert len(open_days) >= len(before) - 2  # the Christmas closure covers the rest


def test_christmas_block_matches_the_closure(invoice_days):
    blocks = festivals.holiday_periods("2010-12-01", "2011-01-31", "GB")
    xmas = blocks[blocks["name"] == "Christmas Day"].iloc[0]
    days = pd.date_range(xmas["start"], xmas["end"])
    assert not set(days) & invoice_days  # 2010-12-25 .. 12-28: no invoice
