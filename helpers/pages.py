"""The shared base of the themes' pages: what every ``page.section(...)`` cell relies on.

A theme's ``page.py`` declares a frozen dataclass ``Page(ThemePage)`` holding its computed
results, the report language (``lang``), the chart label language (``labels``) and the
currency, and sets :attr:`ThemePage.NOTES` to its fixed bilingual notes. The base gives it:

* :meth:`ThemePage.note` - one of the notes as a quoted line (bold headings as they are);
* :meth:`ThemePage.table` - a frame formatted by unit with bilingual column labels;
* :meth:`ThemePage.label` - the report-language text of a key of a ``(zh, en)`` table;
* :meth:`ThemePage.section` - the whole body of a section cell: :meth:`shown` handed to
  :func:`helpers.view.present` with the page's ``show_<section>`` method;
* :func:`alert_lines` - the alert list every theme ends with.

The base formats and translates; it never computes metrics.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd
from IPython.display import display

from helpers import i18n
from helpers.sections import Shown, Text, pick
from helpers.view import bullet_list, escape, format_frame, md, present

__all__ = ["ThemePage", "alert_lines"]


@dataclass(frozen=True)
class ThemePage:
    """Display helpers shared by the themes' ``Page`` dataclasses (see the module docstring).

    A subclass is a frozen dataclass holding the theme's results; it sets :attr:`NOTES` and
    defines :meth:`shown` and one ``show_<section id>`` per section. The three fields below
    are keyword-only.

    Attributes
    ----------
    lang : report language of the text (``zh`` or ``en``).
    labels : language of chart labels (``en`` when no CJK font could be found).
    currency : currency code of money values.
    """

    #: The theme's fixed notes ``key -> (zh, en)``; ``{fields}`` are filled by :meth:`note`.
    NOTES: ClassVar[Mapping[str, Text]] = {}

    lang: str = field(default="zh", kw_only=True)
    labels: str = field(default="zh", kw_only=True)
    currency: str = field(default="CNY", kw_only=True)

    def note(self, key: str, **fields: object) -> None:
        """Display :attr:`NOTES` ``[key]`` in the report language, fields filled (escape
        data-derived fields before passing them); bold headings are shown as they are, other
        notes as a quoted line."""
        text = pick(self.NOTES[key], self.lang).format(**fields)
        display(md(text if text.startswith("**") else "> " + text))

    def label(self, mapping: Mapping[Any, Text], key: Any) -> str:
        """The report-language text of ``mapping[key]`` (the key itself when unknown)."""
        return pick(mapping.get(key, (str(key), str(key))), self.lang)

    def table(
        self,
        data: pd.DataFrame,
        units: dict[str, str],
        labels: Mapping[str, Text] | None = None,
    ) -> None:
        """Display ``data``'s ``units`` columns formatted by unit, headed by ``labels``
        (``column -> (zh, en)``; other columns take the metric or column name)."""
        names = {k: pick(v, self.lang) for k, v in (labels or {}).items() if k in units}
        frame = format_frame(
            data,
            units=units,
            labels=names,
            lang=self.lang,
            currency=self.currency,
            translate_channels=False,
        )
        display(frame)

    def shown(self, section_id: str) -> Shown:
        """Whether section ``section_id`` is skipped, empty or has data, and its data."""
        raise NotImplementedError

    def section(self, section_id: str) -> None:
        """Display section ``section_id``: its skip note, empty note or charts and tables."""
        present(self.shown(section_id), getattr(self, f"show_{section_id}"), lang=self.lang)


def alert_lines(alerts: Iterable[Any], lang: str) -> Any:
    """Bullets ``**severity** message`` of alert rows (``severity``, ``message`` attributes,
    e.g. ``frame.itertuples()``); severity in the report language, message escaped."""
    return bullet_list(
        f"**{escape(i18n.label(i18n.SEVERITY, a.severity, lang))}** {escape(a.message)}"
        for a in alerts
    )
