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
    table: pd.DataFrame,
    *,
    label: str,
    by: str,
    question: Text,
    hint: Text,
    smallest: bool = False,
) -> Exercise:
    """Which row of ``table`` has the largest (``smallest``: lowest) ``by``? The answer is the
    row's ``label``; rows tied with it count too, rows without a value are left out."""
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
