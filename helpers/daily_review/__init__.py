"""The daily review (每日复盘), notebook ``05_daily_review``.

- :mod:`.theme`: its declaration (title, question, sections and the tables each needs);
- :mod:`.review`: :func:`build_review` computes every result the notebook shows;
- :mod:`.story`: the three answers (where, why, what next) written from the review;
- :mod:`.tables`: the review's tables formatted for display;
- :mod:`.summary`: what the review hands to ``summary.json`` and the index page;
- :mod:`.page`: what each section cell shows (``page.section("funnel")``).
"""

from helpers.daily_review.page import NOTES, Page, explore, page_for
from helpers.daily_review.review import (
    SECTION_NEEDS,
    TREND_METRICS,
    DailyReview,
    build_review,
    channel_trend,
    quarantine_summary,
    review_for,
    with_titles,
)
from helpers.daily_review.story import story, story_block
from helpers.daily_review.summary import BETTER, alerts_payload, kpi_payload, summary
from helpers.daily_review.theme import THEME

__all__ = [
    "BETTER",
    "NOTES",
    "SECTION_NEEDS",
    "THEME",
    "TREND_METRICS",
    "DailyReview",
    "Page",
    "alerts_payload",
    "build_review",
    "channel_trend",
    "explore",
    "kpi_payload",
    "page_for",
    "quarantine_summary",
    "review_for",
    "story",
    "story_block",
    "summary",
    "with_titles",
]
