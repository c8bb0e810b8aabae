"""The exercise checker: right answers, wrong answers with a hint, ties, numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import exercises

Q = ("哪个渠道？", "Which channel?")
HINT = ("看下钻图。", "Look at the drill-down.")
CHANNELS = pd.DataFrame(
    {"channel": ["搜索", "直播", "推荐", "私域"], "gmv_change": [120.0, -800.0, -50.0, None]}
)


def test_top_pick_accepts_the_right_channel_and_hints_otherwise():
    ex = exercises.top_pick(
        CHANNELS, label="channel", by="gmv_change", smallest=True, question=Q, hint=HINT
    )
    # the most negative change: 直播 (-800); 私域 has no value and is never the answer
    assert ex.answers == ("直播",)
    assert ex.options == ("搜索", "直播", "推荐", "私域")
    assert ex.check(" 直播 ").correct
    wrong = ex.check("搜索")
    assert not wrong.correct and "看下钻图" in wrong.text[0] and "drill-down" in wrong.text[1]
    assert not ex.check("").correct and "引号" in ex.check("").text[0]
    largest = exercises.top_pick(CHANNELS, label="channel", by="gmv_change", question=Q, hint=HINT)
    assert largest.answers == ("搜索",)


def test_ties_all_count_and_case_is_ignored():
    t = pd.DataFrame({"sku_id": ["AP01", "bt02", "CC03"], "revenue": [5.0, 5.0, 1.0]})
    ex = exercises.top_pick(t, label="sku_id", by="revenue", question=Q, hint=HINT)
    assert ex.answers == ("AP01", "bt02")
    assert ex.check("ap01").correct and ex.check("BT02").correct
    assert not ex.check("CC03").correct


def test_numbers_with_units_and_tolerance():
    ex = exercises.count_question(40, question=Q, hint=HINT)
    assert ex.check("40").correct and ex.check("40 笔").correct and ex.check("40.0").correct
    assert not ex.check("41").correct
    money = exercises.count_question(12345.0, question=Q, hint=HINT, tolerance=0.01)
    # 12,300 is 0.36 % off: accepted; 12,000 is 2.8 % off: not
    assert money.check("12,300").correct
    assert not money.check("12000").correct


def test_questions_the_data_cannot_answer_say_so():
    ex = exercises.count_question(None, question=Q, hint=HINT)
    assert ex.answers == () and "回答不了" in ex.check("3").text[0]
    empty = exercises.top_pick(
        CHANNELS.iloc[0:0], label="channel", by="gmv_change", question=Q, hint=HINT
    )
    assert not empty.check("直播").correct


def test_choice_and_display(capsys):
    ex = exercises.choice(["a", "b", "c"], ["b"], question=Q, hint=HINT)
    assert ex.check("b").correct and not ex.check("a").correct
    feedback = ex.show("a", lang="en")
    assert not feedback.correct
    assert ex.show("", lang="zh").text[0].startswith("先在引号")


@pytest.mark.parametrize("value", [None, float("nan"), "  "])
def test_blank_answers(value):
    assert exercises.normalise(value) == ""


def test_notebook_exercises_follow_the_data_and_survive_missing_tables():
    from types import SimpleNamespace

    review = SimpleNamespace(drill=SimpleNamespace(channels=CHANNELS))
    assert exercises.drag_channel(review).answers == ("直播",)
    # a shop without market data has no life-cycle table: the question says it cannot be asked
    assert exercises.fastest_category(SimpleNamespace(lifecycle=None)).answers == ()
    reading = SimpleNamespace
    report = SimpleNamespace(
        readings=[reading(experiment="a", verdict="ship"), reading(experiment="b", verdict="keep")]
    )
    assert exercises.ship_experiment(report).answers == ("a",)
