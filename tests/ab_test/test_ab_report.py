"""The notebook's table, words and summary payload; nothing after the run date is read."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.ab_test.report import ab_report, reason_text, summary_extra
from helpers.ab_test.theme import AbTestSettings


def test_rows_after_the_run_date_are_not_read(winner):
    # the winner runs 2026-03-01 .. 03-10; on 03-02 only two days (4,000 each) are seen
    early = ab_report(winner, None, AbTestSettings(), pd.Timestamp("2026-03-02"))
    (r,) = early.readings
    assert r.conversion.n_control == 4000
    assert r.verdict == "keep_running"
    assert early.table.loc[0, "status"] == "running"
    late = ab_report(winner, None, AbTestSettings(), pd.Timestamp("2026-03-31"))
    assert late.readings[0].verdict == "ship"
    assert "样本量还不够" in reason_text(r, "zh") and "peeking" in reason_text(r, "en")


def test_design_from_the_shop_traffic():
    daily = pd.DataFrame(
        {"date": pd.date_range("2026-01-01", periods=28), "uv": 5000, "buyers": 100}
    )
    # CVR 100 / 5000 = 0.02; +10 %: h = 2·asin√0.022 − 2·asin√0.02 = 0.0139525;
    # n = 2·(2.801585 / 0.0139525)² = 80,637.4 -> 80,638 per variant;
    # days = ceil(161,276 / 5,000) = ceil(32.26) = 33
    rep = ab_report(None, daily, AbTestSettings(), pd.Timestamp("2026-01-28"))
    assert rep.design.baseline_cvr == pytest.approx(0.02)
    assert rep.design.n_control == 80_638
    assert rep.design.days == 33
    assert rep.readings == [] and rep.table.empty
    payload = summary_extra(rep)
    assert payload["experiments"] == [] and payload["design_days"] == 33


def test_settings_refuse_a_split_outside_zero_one():
    with pytest.raises(ValueError):
        AbTestSettings(treatment_share=1.5)


@pytest.fixture
def shell():
    """An IPython shell as in a kernel: displayed objects become display_data outputs."""
    from IPython.core.interactiveshell import InteractiveShell

    yield InteractiveShell.instance()
    InteractiveShell.clear_instance()


def test_explorer_redraws_for_the_chosen_experiment(winner, srm_winner, shell, capsys):
    from helpers.ab_test.page import explore

    both = pd.concat([winner, srm_winner.assign(experiment="checkout")])
    rep = ab_report(both, None, AbTestSettings(), pd.Timestamp("2026-03-31"))
    ex = explore(rep, lang="en")
    pick = ex.extra["experiment"]
    assert list(pick.options) == [("All", ""), ("banner", "banner"), ("checkout", "checkout")]
    assert set(ex.controls) == {"segment", "search"}
    assert ex.controls["segment"].description == "Status"

    def text():
        return "".join(
            o.get("text", "")
            + "".join(o.get("data", {}).get(m, "") for m in ("text/markdown", "text/html"))
            for o in ex.output.outputs
        )

    assert "banner" in text() and "checkout" in text()
    pick.value = "checkout"
    assert "checkout" in text() and "banner" not in text() and "split" in text()  # SRM reason
    pick.value = ""
    ex.controls["search"].value = "BANNER"
    assert list(ex.drawn["experiment"].unique()) == ["banner"] and "checkout" not in text()
    ex.controls["search"].value = "nothing"
    assert "widen them" in text()
    assert explore(ab_report(None, None, AbTestSettings(), pd.Timestamp("2026-03-31"))) is None
    capsys.readouterr()
    assert explore(rep, lang="en", interactive=False) is None  # the batch: a static view
    out = capsys.readouterr().out
    assert "banner" in out and "checkout" in out and "Dropdown" not in out


def test_design_on_one_channel_and_cut_at_the_run_date():
    from helpers.ab_test.report import design_traffic

    days = pd.date_range("2026-01-01", periods=10)
    shop = pd.DataFrame({"date": days, "uv": 1000, "buyers": 30})
    by_channel = pd.DataFrame(
        {
            "date": list(days) * 2,
            "channel": ["搜索"] * 10 + ["直播"] * 10,
            "uv": [400] * 10 + [600] * 10,
            "buyers": [8] * 10 + [22] * 10,
        }
    )
    assert design_traffic(shop, by_channel, "") is shop
    search = design_traffic(shop, by_channel, "搜索")
    assert set(search["channel"]) == {"搜索"}
    assert design_traffic(shop, by_channel, "不存在") is None
    # 搜索: CVR 8 / 400 = 0.02, 400 visitors a day
    rep = ab_report(None, search, AbTestSettings(), pd.Timestamp("2026-01-10"))
    assert rep.design.baseline_cvr == pytest.approx(0.02)
    assert rep.design.daily_visitors == pytest.approx(400)
    # days after the run date are not read: a huge day on 01-10 is cut with run date 01-09
    spike = shop.assign(uv=shop["uv"].where(shop["date"] < "2026-01-10", 10**6))
    cut = ab_report(None, spike, AbTestSettings(), pd.Timestamp("2026-01-09"))
    assert cut.design.daily_visitors == pytest.approx(1000)
