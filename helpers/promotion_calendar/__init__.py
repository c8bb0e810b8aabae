"""The promotion calendar (促销日历), notebook ``03_promotion_calendar``.

Its sections are declared in :mod:`.theme`. The calendar itself is
:func:`helpers.festivals.calendar` (the one calendar the daily review uses too);
:mod:`.counterfactual` fits the "no event" baseline, :mod:`.evaluation` measures past events
against it, :mod:`.upcoming` prepares the next ones, :mod:`.live` compares a festival with
last year's hour by hour, :mod:`.mechanics` compares promotion mechanics and the discount
what-if, :mod:`.overview` gathers everything one run shows.
"""

__all__ = [
    "PromotionCalendarSettings",
    "THEME",
]

from helpers.promotion_calendar.theme import THEME, PromotionCalendarSettings
