import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from market_research.conftest import END

from helpers.market_research.screen import CRITERIA, screen
from helpers.market_research.theme import MarketResearchSettings

S = MarketResearchSettings()


def candidates() -> pd.DataFrame:
    """Each candidate sits exactly on, or just across, one boundary."""
    rows = [
        # category, search, margin, items, returns
        ("on_every_boundary", 5000.0, 0.30, 99_999, 0.0499),  # passes all four
        ("search_low", 4999.0, 0.30, 50_000, 0.01),
        ("margin_low", 9000.0, 0.2999, 50_000, 0.01),
        ("items_at_limit", 9000.0, 0.50, 100_000, 0.01),  # < 100,000 required
        ("returns_at_limit", 9000.0, 0.50, 50_000, 0.05),  # < 5 % required
        ("search_missing", None, 0.50, 50_000, 0.01),  # unknown is not a pass
    ]
    frame = pd.DataFrame(
        rows,
        columns=["category", "search_index", "avg_margin", "competing_items", "avg_return_rate"],
    )
    other_month = frame.assign(month=END - pd.DateOffset(months=1), search_index=1.0)
    return pd.concat([frame.assign(month=END), other_month], ignore_index=True)


def test_each_criterion_at_its_boundary():
    out = screen(candidates(), END, S).set_index("category")
    assert out.loc["on_every_boundary"].filter(like="_ok").all()
    assert bool(out.loc["on_every_boundary", "shortlisted"])
    assert not out.loc["search_low", "search_ok"]
    assert not out.loc["margin_low", "margin_ok"]
    assert not out.loc["items_at_limit", "competition_ok"]
    assert not out.loc["returns_at_limit", "returns_ok"]
    assert not out.loc["search_missing", "search_ok"]
    # every other candidate fails exactly one criterion
    assert (out.drop(index="on_every_boundary")["passed"] == 3).all()
    assert out["shortlisted"].sum() == 1
    assert out.index[0] == "on_every_boundary"  # the shortlist comes first


def test_thresholds_come_from_the_settings():
    loose = MarketResearchSettings(search_min=4000, competing_items_max=100_001)
    out = screen(candidates(), END, loose).set_index("category")
    assert out.loc["search_low", "shortlisted"] and out.loc["items_at_limit", "shortlisted"]


def test_the_screen_reads_only_the_given_month():
    out = screen(candidates(), END - pd.DateOffset(months=1), S)
    assert not out["search_ok"].any()  # that month's search index is 1


@given(
    st.lists(
        st.tuples(
            st.floats(0, 20_000),
            st.floats(-0.5, 1),
            st.integers(0, 300_000),
            st.floats(0, 0.3),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_shortlist_is_exactly_the_candidates_passing_all_four(rows):
    frame = pd.DataFrame(
        rows, columns=["search_index", "avg_margin", "competing_items", "avg_return_rate"]
    )
    frame["category"] = [f"c{i}" for i in range(len(frame))]
    frame["month"] = END
    out = screen(frame, END, S)
    oks = out[[f"{n}_ok" for n in CRITERIA]]
    assert (out["shortlisted"] == oks.all(axis=1)).all()
    assert (out["passed"] == oks.sum(axis=1)).all()
    expected = (
        (frame["search_index"] >= 5000)
        & (frame["avg_margin"] >= 0.30)
        & (frame["competing_items"] < 100_000)
        & (frame["avg_return_rate"] < 0.05)
    )
    assert out["shortlisted"].sum() == expected.sum()
