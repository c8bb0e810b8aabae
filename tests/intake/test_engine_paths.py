"""The shortcuts cold intake takes on large tables give exactly what the general path gives:
the hash check of duplicate keys never hides a duplicate, the blank-stripping skip never
skips a cell that stripping would change, and the cache written table by table in the
background holds the same data set (or nothing, when intake fails)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from intake.intake_checks import load

from helpers import columnar
from helpers.intake import IntakeError, load_dataset
from helpers.intake.cache import CacheWriter
from helpers.intake.parsing import _clean_text
from helpers.intake.validate import _duplicate_keys
from helpers.settings import Settings

#: Few values per column, so that random frames repeat keys often; missing values included.
IDS = st.sampled_from(["A1", "A2", "a1", "A1 ", "Ａ1", "", None])
NUMBERS = st.sampled_from([1, 2, 3, -1, 0, None])
STAMPS = st.sampled_from(["2026-11-01", "2026-11-01 00:00:01", "2026-11-02", None])


def _frame(rows: list[tuple]) -> pd.DataFrame:
    ids, nums, stamps = zip(*rows, strict=True) if rows else ((), (), ())
    return pd.DataFrame(
        {
            "order_id": pd.Series(list(ids), dtype="object").astype("str"),
            "line_no": pd.array(list(nums), dtype="Int64"),
            "created_at": pd.to_datetime(
                pd.Series(list(stamps), dtype="object"), format="ISO8601"
            ).astype("datetime64[ns]"),
        }
    )


@hsettings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(IDS, NUMBERS, STAMPS), max_size=12),
    st.sampled_from([["order_id"], ["order_id", "line_no"], ["created_at", "line_no"]]),
)
def test_hash_check_never_hides_a_duplicate(rows, key):
    frame = _frame(rows)
    dup = frame.duplicated(subset=key, keep="first")
    if columnar.surely_distinct(frame, key):
        assert not dup.any()
    got = _duplicate_keys(frame, key)
    if dup.any():
        assert got is not None
        pd.testing.assert_series_equal(got, dup)
    else:
        assert got is None


def test_hash_check_declines_float_and_missing_keys():
    # -0.0 and 0.0 are one key in pandas but not bit for bit: floats are never hashed
    floats = pd.DataFrame({"k": [0.0, -0.0]})
    assert not columnar.surely_distinct(floats, ["k"])
    assert floats.duplicated(subset=["k"]).tolist() == [False, True]
    # two missing ids hash alike: the check declines, pandas decides
    missing = pd.DataFrame({"k": pd.Series(["x", None, None], dtype="str")})
    assert not columnar.surely_distinct(missing, ["k"])
    assert columnar.surely_distinct(pd.DataFrame({"k": pd.Series(["x", "y"], dtype="str")}), ["k"])
    assert not columnar.surely_distinct(floats, ["absent"])


def test_duplicate_keys_still_quarantined(tmp_path: Path):
    # order O1 twice (the second one is quarantined), line (O2, 1) twice
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,created_at,paid_at,status,paid_amount\n"
        "O1,C1,2026-11-01 10:00:00,2026-11-01 10:01:00,paid,10\n"
        "O2,C1,2026-11-01 11:00:00,2026-11-01 11:01:00,paid,20\n"
        "O1,C2,2026-11-01 12:00:00,2026-11-01 12:01:00,paid,30\n",
        encoding="utf-8",
    )
    (tmp_path / "order_items.csv").write_text(
        "order_id,line_no,sku_id,quantity,unit_price\nO1,1,S1,1,10\nO2,1,S1,1,20\nO2,1,S2,1,5\n",
        encoding="utf-8",
    )
    ds = load(tmp_path)
    assert ds["orders"]["order_id"].tolist() == ["O1", "O2"]
    assert ds["order_items"]["sku_id"].tolist() == ["S1", "S1"]
    reasons = ds.quarantine.set_index(["table", "row"])["reason"]
    assert reasons[("orders", 4)] == "duplicate key order_id='O1' (first seen in orders.csv row 2)"
    assert reasons[("order_items", 4)].startswith("duplicate key order_id='O2', line_no='1'")


#: Cells with blanks of every kind at either end, inside, or none at all.
CELL = st.text(
    alphabet=st.sampled_from(list("ab1-_ 订单\t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2003\u3000\u200b")),
    max_size=6,
)


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(CELL, st.none()), max_size=10))
def test_strip_skip_changes_nothing(cells):
    s = pd.Series(cells, dtype="object")
    want = s.astype("str").str.strip()  # the unconditional strip of the general path
    want = want.mask(want.eq("") | want.isna())
    pd.testing.assert_series_equal(_clean_text(s), want)


def test_strip_skip_on_a_clean_column_keeps_it():
    s = pd.Series(["A1", "b-2", "x y"], dtype="str")
    pd.testing.assert_series_equal(_clean_text(s), s)


def _shop(folder: Path) -> Path:
    folder.mkdir()
    (folder / "orders.csv").write_text(
        "order_id,customer_id,created_at,paid_at,status,paid_amount\n"
        "O1,C1,2026-11-01 10:00:00,2026-11-01 10:01:00,paid,10\n"
        "O2,C1,2026-11-02 11:00:00,,created,20\n",
        encoding="utf-8",
    )
    (folder / "order_items.csv").write_text(
        "order_id,line_no,sku_id,quantity,unit_price,title\n"
        "O1,1,S1,1,10,call 13812345678\nO2,1,S2,2,10,t\n",
        encoding="utf-8",
    )
    return folder


def test_cache_written_in_background_reads_back_the_same(tmp_path: Path):
    data = _shop(tmp_path / "shop")
    cold = load_dataset(data, Settings(), cache_dir=tmp_path / "cache")
    warm = load_dataset(data, Settings(), cache_dir=tmp_path / "cache")
    assert warm.from_cache and not cold.from_cache
    assert sorted(warm.tables) == sorted(cold.tables)
    for name in cold.tables:
        pd.testing.assert_frame_equal(warm[name], cold[name])
    pd.testing.assert_frame_equal(warm.quarantine, cold.quarantine)
    assert "13812345678" not in warm["order_items"]["title"].iloc[0]  # masked before caching
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(".")]


def test_cache_writer_leaves_nothing_when_intake_fails(tmp_path: Path):
    cache = tmp_path / "cache"
    with pytest.raises(IntakeError), CacheWriter(cache, "f" * 64) as writer:
        writer.add("orders", pd.DataFrame({"order_id": np.array(["O1"], dtype=object)}))
        raise IntakeError("a later step failed")
    assert list(cache.iterdir()) == []  # no entry, no temporary folder


def test_cache_writer_skips_an_existing_entry(tmp_path: Path):
    data = _shop(tmp_path / "shop")
    cold = load_dataset(data, Settings(), cache_dir=tmp_path / "cache")
    entry = tmp_path / "cache" / cold.fingerprint
    before = {p.name: p.stat().st_mtime_ns for p in entry.rglob("*")}
    with CacheWriter(tmp_path / "cache", cold.fingerprint) as writer:
        writer.add("orders", cold["orders"])
        writer.close(cold)
    assert {p.name: p.stat().st_mtime_ns for p in entry.rglob("*")} == before


# --------------------------------------------------------------------------------------------
# Dates and numbers read by the engine: the same values as the general (pandas) path
# --------------------------------------------------------------------------------------------


def _two(n: int, lo: int = 0, hi: int = 99) -> st.SearchStrategy[str]:
    return st.integers(lo, hi).map(lambda v: str(v).zfill(n))


#: ISO-looking cells, real dates or not (month 13, day 32, hour 24, year 0 ...).
ISO_DATE = st.builds(
    lambda y, m, d: f"{y}-{m}-{d}",
    st.one_of(_two(4, 1, 2999), st.sampled_from(["0000", "1677", "1678", "2262", "2263"])),
    _two(2, 0, 13),
    _two(2, 0, 32),
)
ISO_STAMP = st.builds(
    lambda date, sep, h, mi, se: f"{date}{sep}{h}:{mi}:{se}",
    ISO_DATE,
    st.sampled_from([" ", "T"]),
    _two(2, 0, 24),
    _two(2, 0, 60),
    _two(2, 0, 60),
)
OTHER_DATE = st.sampled_from(
    ["2026-11-01 10:00", "2026/11/01", "01/11/2026", "2026-11-01 10:00:00+08:00", "x", "46327"]
)


def _read_dates(cells: list, *, engine: bool):
    from helpers.intake.parsing import read_datetimes

    with pytest.MonkeyPatch.context() as m:
        if not engine:
            m.setattr(columnar, "iso_datetimes", lambda values: None)
        return read_datetimes(
            pd.Series(cells, dtype="object"), fmt=None, timezone="Asia/Shanghai", column="c"
        )


@hsettings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.lists(st.one_of(ISO_DATE, st.none()), min_size=1, max_size=8),
        st.lists(st.one_of(ISO_STAMP, st.none()), min_size=1, max_size=8),
        st.lists(st.one_of(ISO_DATE, ISO_STAMP, OTHER_DATE, st.none()), min_size=1, max_size=8),
    )
)
def test_engine_dates_equal_pandas_dates(cells):
    fast = _read_dates(cells, engine=True)
    slow = _read_dates(cells, engine=False)
    pd.testing.assert_series_equal(fast.values, slow.values)
    pd.testing.assert_series_equal(fast.unparseable, slow.unparseable)
    pd.testing.assert_series_equal(fast.problems, slow.problems)
    pd.testing.assert_series_equal(fast.refused, slow.refused)
    assert fast.note == slow.note
    # and the engine itself: a value for every cell, or it declines the column
    got = columnar.iso_datetimes(pd.Series(cells, dtype="object").astype("str"))
    if got is not None:
        want = pd.to_datetime(pd.Series(cells, dtype="object"), format="ISO8601", errors="coerce")
        np.testing.assert_array_equal(got, want.astype("datetime64[us]").to_numpy())


def test_engine_reads_a_whole_iso_column_and_declines_others():
    stamps = pd.Series(["2026-11-01 10:00:00", None, "2024-02-29 23:59:59"], dtype="str")
    assert columnar.iso_datetimes(stamps) is not None
    for cells in (
        ["2026-11-01", "2026-11-01 10:00:00"],  # two layouts
        ["2026-02-29 10:00:00"],  # no such day
        ["0000-01-01"],  # year 0
        ["2026-11-01 10:00:60"],  # a leap second
        ["2026-11-01 10:00:00+08:00"],  # a zone
        [None, None],
    ):
        assert columnar.iso_datetimes(pd.Series(cells, dtype="object").astype("str")) is None


#: Plain decimals of every length (long ones beyond what a double holds exactly), signs,
#: leading zeros, and cells the engine must leave to pandas.
PLAIN = st.builds(
    lambda sign, whole, point, frac: f"{sign}{whole}{point}{frac}",
    st.sampled_from(["", "-", "+"]),
    st.one_of(st.text(alphabet="0123456789", max_size=18), st.sampled_from(["0", "00"])),
    st.sampled_from(["", "."]),
    st.text(alphabet="0123456789", max_size=18),
).filter(lambda t: any(ch.isdigit() for ch in t))
OTHER_NUMBER = st.sampled_from(["1,5", "1e3", "inf", "nan", " 12", "¥12", "1_000", "-", "."])


def _read_numbers(cells: list, *, engine: bool):
    from helpers.intake.parsing import read_number_column

    with pytest.MonkeyPatch.context() as m:
        if not engine:
            m.setattr(columnar, "plain_numbers", lambda values: None)
        return read_number_column(pd.Series(cells, dtype="object"), column="c")


@hsettings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.lists(st.one_of(PLAIN, st.none()), min_size=1, max_size=8),
        st.lists(st.one_of(PLAIN, OTHER_NUMBER, st.none()), min_size=1, max_size=8),
    )
)
def test_engine_numbers_equal_pandas_numbers(cells):
    fast = _read_numbers(cells, engine=True)
    slow = _read_numbers(cells, engine=False)
    # bit for bit (-0.0 is not 0.0 here)
    np.testing.assert_array_equal(
        fast[0].to_numpy().view(np.int64), slow[0].to_numpy().view(np.int64)
    )
    for a, b in zip(fast[1:3], slow[1:3], strict=True):
        pd.testing.assert_series_equal(a, b)
    assert fast[3] == slow[3]
    got = columnar.plain_numbers(pd.Series(cells, dtype="object").astype("str"))
    if got is not None:
        want = pd.to_numeric(pd.Series(cells, dtype="object"), errors="coerce").astype("float64")
        np.testing.assert_array_equal(got.view(np.int64), want.to_numpy().view(np.int64))


def test_engine_declines_numbers_it_might_read_differently():
    assert columnar.plain_numbers(pd.Series(["12.50", None, "-3"], dtype="str")) is not None
    for cells in (["1234567890123456"], ["1,5"], ["1e3"], [" 12"], ["nan"], [None], ["-0"]):
        assert columnar.plain_numbers(pd.Series(cells, dtype="object").astype("str")) is None
