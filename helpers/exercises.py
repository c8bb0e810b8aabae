"""Exercises for the new ops assistant: a question about today's data, an answer typed into a
notebook cell, and a check against the data with a hint when the answer is wrong.

An exercise cell (tagged ``exercise``; JupyterLab only, never in a report) looks like::

    answer = ""  # type your answer between the quotes, then run the cell
    exercises.top_pick(review.drill.channels, label="channel", by="gmv_change", ...).show(
        answer, lang=ctx.lang
    )

:func:`top_pick` asks which row of a table is the largest (or smallest) by a column: which
channel dragged yesterday's GMV, which category is in decline ...; :func:`count_question`
asks for a number. The expected answer is computed from the same table the notebook shows,
so the exercise follows the data of every day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
from IPython.display import Markdown, display

from helpers.report import escape_text
from helpers.sections import Text, pick

_NUMBER = re.compile(r"[-+]?\d[\d,]*\.?\d*")


@dataclass(frozen=True)
class Feedback:
    """The check of one answer: right or not, and what to say (``(zh, en)``)."""

    correct: bool
    text: Text


@dataclass(frozen=True)
class Exercise:
    """One question about the data.

    Attributes
    ----------
    question : Text
        The question, ``(zh, en)``.
    answers : tuple of str
        Every accepted answer (ties all count); empty when the data cannot answer it.
    hint : Text
        Where to look when the answer is wrong.
    options : tuple of str
        The choices shown with the question (empty for a number).
    tolerance : float
        For a number: the accepted relative error (0.01 = 1 %).
    """

    question: Text
    answers: tuple[str, ...]
    hint: Text
    options: tuple[str, ...] = ()
    tolerance: float = 0.0

    def check(self, given: Any) -> Feedback:
        """Compare ``given`` with the accepted answers (case, spaces and thousands separators
        ignored; a number within :attr:`tolerance`)."""
        if not self.answers:
            return Feedback(
                False, ("今天的数据回答不了这个问题。", "Today's data cannot answer this.")
            )
        text = normalise(given)
        if not text:
            return Feedback(
                False, ("先在引号里填上你的答案。", "Type your answer between the quotes first.")
            )
        if any(_matches(text, a, self.tolerance) for a in self.answers):
            shown = escape_text(" / ".join(self.answers))
            return Feedback(True, (f"答对了：{shown}。", f"Right: {shown}."))
        zh, en = self.hint
        return Feedback(False, (f"还不对。提示：{zh}", f"Not yet. Hint: {en}"))

    def show(self, given: Any = "", *, lang: str = "zh") -> Feedback:
        """Display the question (with its options) and, once an answer is typed, the check."""
        lines = [f"**{'练习' if lang == 'zh' else 'Exercise'}：** {pick(self.question, lang)}"]
        if self.options:
            label = "可选：" if lang == "zh" else "Options: "
            lines.append(label + "、".join(escape_text(o) for o in self.options))
        feedback = self.check(given)
        if normalise(given) or not self.answers:
            mark = "✅" if feedback.correct else "❌"
            lines.append(f"{mark} {pick(feedback.text, lang)}")
        display(Markdown("\n\n".join(lines)))
        return feedback


def normalise(value: Any) -> str:
    """An answer as comparable text: stripped, case-folded, inner spaces removed."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return re.sub(r"\s+", "", str(value)).casefold()


def _as_number(text: str) -> float | None:
    found = _NUMBER.search(text)
    return float(found.group().replace(",", "")) if found else None


def _matches(text: str, answer: str, tolerance: float) -> bool:
    """Same text, or (for a numeric answer) a number within the relative tolerance."""
    want_text = normalise(answer)
    if text == want_text:
        return True
    want = _as_number(want_text) if _NUMBER.fullmatch(want_text) else None
    got = _as_number(text)
    if want is None or got is None:
        return False
    return abs(got - want) <= tolerance * abs(want) or got == want


def top_pick(
    table: pd.DataFrame | None,
    *,
    label: str,
    by: str,
    question: Text,
    hint: Text,
    smallest: bool = False,
) -> Exercise:
    """Which row of ``table`` has the largest (``smallest``: lowest) ``by``? The answer is the
    row's ``label``; rows tied with it count too, rows without a value are left out. A
    missing table (None) gives a question the data cannot answer."""
    if table is None:
        table = pd.DataFrame()
    rows = table.dropna(subset=[by]) if by in table.columns else table.iloc[0:0]
    options = tuple(dict.fromkeys(str(v) for v in table.get(label, pd.Series(dtype=str))))
    if rows.empty:
        return Exercise(question, (), hint, options)
    best = rows[by].min() if smallest else rows[by].max()
    answers = tuple(dict.fromkeys(str(v) for v in rows.loc[rows[by] == best, label]))
    return Exercise(question, answers, hint, options)


def count_question(value: Any, *, question: Text, hint: Text, tolerance: float = 0.0) -> Exercise:
    """How many / how much? ``value`` None means the data cannot answer."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return Exercise(question, (), hint, tolerance=tolerance)
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return Exercise(question, (shown,), hint, tolerance=tolerance)


def choice(options: Any, answers: Any, *, question: Text, hint: Text) -> Exercise:
    """Pick the right one(s) among ``options``; every name in ``answers`` is accepted."""
    opts = tuple(dict.fromkeys(str(o) for o in options))
    return Exercise(question, tuple(dict.fromkeys(str(a) for a in answers)), hint, opts)


# ----------------------------------------------------------------- one exercise per notebook
# Each takes the object its notebook already holds (read by attribute, so this module imports
# no theme) and asks one question about today's data.


def _frame(obj: Any, path: str) -> pd.DataFrame:
    """The frame at attribute ``path`` (dotted) of ``obj``; empty when any step is missing."""
    value = obj
    for name in path.split("."):
        value = getattr(value, name, None)
    return value if isinstance(value, pd.DataFrame) else pd.DataFrame()


@dataclass(frozen=True)
class TablePick:
    """A :func:`top_pick` exercise on the table at attribute ``table`` (dotted) of the result
    a notebook holds: ``TablePick(...)(review)`` gives the :class:`Exercise`."""

    table: str
    label: str
    by: str
    question: Text
    hint: Text
    smallest: bool = False

    def __call__(self, result: Any) -> Exercise:
        return top_pick(
            _frame(result, self.table),
            label=self.label,
            by=self.by,
            question=self.question,
            hint=self.hint,
            smallest=self.smallest,
        )


def shipping_backlog(checklist: Any) -> Exercise:
    """00 start here: how many orders are past the shipping SLA?"""
    line = checklist.item("shipping")
    return count_question(
        None if line.status == "unavailable" else line.count,
        question=(
            "有多少笔订单超过发货时限还没发出？",
            "How many orders are past the shipping SLA?",
        ),
        hint=("看今日清单里“超时未发货”一行的数量。", "Read the count on the 'past the SLA' line."),
    )


#: 01 market research: which category's market grew fastest?
fastest_category = TablePick(
    table="lifecycle",
    label="category",
    by="growth",
    question=("哪个类目的市场规模同比增长最快？", "Which category's market grew fastest?"),
    hint=("看第 2 节生命周期图横轴最右边的点。", "Section 2: the right-most point."),
)
#: 02 product matrix: which item has the highest net sales?
top_seller = TablePick(
    table="items",
    label="sku_id",
    by="revenue",
    question=(
        "哪个商品（商家编码）的净销售额最高？",
        "Which item (SKU id) has the highest net sales?",
    ),
    hint=("看第 1 节 ABC 分层，A 类排第一的商品。", "Section 1: the first A-class item."),
)
#: 03 promotion calendar: which past event added the most GMV over its baseline?
best_event = TablePick(
    table="economics",
    label="promo_id",
    by="incremental_gmv",
    question=("过去哪个活动（活动ID）比基线多卖得最多？", "Which past event added the most GMV?"),
    hint=("看第 4 节增量 GMV 最大的一行。", "Section 4: the largest incremental GMV."),
)
#: 04 retention: which RFM segment brings in the most money?
richest_segment = TablePick(
    table="segments",
    label="segment",
    by="revenue",
    question=("哪个 RFM 分层贡献的金额最多？", "Which RFM segment brings in the most money?"),
    hint=("看第 2 节深色柱（金额占比）最长的分层。", "Section 2: the longest dark bar."),
)
#: 05 daily review: which channel dragged the run date's GMV down the most?
drag_channel = TablePick(
    table="drill.channels",
    label="channel",
    by="gmv_change",
    smallest=True,
    question=("哪个渠道拖累复盘日的 GMV 最多？", "Which channel dragged the GMV down most?"),
    hint=("看第 6 节下钻图：GMV 变化最负的渠道。", "Section 6: the most negative change."),
)


def ship_experiment(report: Any) -> Exercise:
    """06 A/B tests: which experiment can ship?"""
    readings = list(getattr(report, "readings", []) or [])
    return choice(
        [r.experiment for r in readings],
        [r.experiment for r in readings if r.verdict == "ship"],
        question=("哪个实验可以上线？", "Which experiment can ship?"),
        hint=(
            "看第 3 节：分流正常、样本够、转化率显著提升、护栏没变差的那个。",
            "Section 3: sound split, enough sample, a significant lift, no guardrail harm.",
        ),
    )
