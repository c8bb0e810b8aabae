"""The daily review (每日复盘), notebook ``05_daily_review``.

Its sections are declared in :mod:`helpers.daily_review.theme`; :mod:`.review` computes every
result the notebook shows.
"""
