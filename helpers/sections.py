"""What a theme is made of: its report sections, declared once.

A *theme* is one notebook and its package under ``helpers/`` (``helpers/daily_review/`` for
``notebooks/05_daily_review.ipynb``). Its ``theme.py`` declares a :class:`Theme`: the notebook,
its title, the question it answers, its :class:`Section` list (id, heading in zh and en, the
tables each needs) and the dataclass of its own ``playbook.yaml`` section. ``playbook check``,
the skipped-section notes of the reports and the notebooks all read that one declaration.

This module is the shared base the theme packages import; it imports nothing of them
(discovery lives in :mod:`helpers.themes`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

#: A text in both report languages: ``(zh, en)``.
Text = tuple[str, str]

#: What a section can show: nothing (a table it needs is missing), a note that there is
#: nothing to show for this date, or its data.
State = Literal["skipped", "empty", "data"]

#: Tables every data set has: a section never lists them in ``needs``.
ALWAYS = ("orders", "order_items")


def pick(text: Text, lang: str) -> str:
    """The ``lang`` half of a ``(zh, en)`` text (``zh`` for anything but ``en``)."""
    return text[1] if lang == "en" else text[0]


def _present(need: str, available: Collection[str]) -> bool:
    """Whether a need (``table`` or ``table.column``) is met by the available names.

    ``available`` holds table names, and ``table.column`` names for optional columns that
    carry values (e.g. ``orders.shipped_at``).
    """
    return need in available or need.split(".")[0] in ALWAYS and "." not in need


@dataclass(frozen=True)
class Section:
    """One report section of a theme.

    Attributes
    ----------
    id : str
        Stable key used in ``summary.json`` (``skipped``), ``playbook check`` and tests.
    heading : Text
        Heading as the notebook shows it, ``(zh, en)``.
    needs : tuple of str
        Tables (or ``table.column`` for an optional column that must carry values) the
        section cannot run without, beyond orders and order lines.
    enriched_by : tuple of str
        Tables that add to the section when present; without them it runs in part.
    """

    id: str
    heading: Text
    needs: tuple[str, ...] = ()
    enriched_by: tuple[str, ...] = ()

    def title(self, lang: str) -> str:
        return pick(self.heading, lang)

    def missing(self, available: Collection[str]) -> tuple[str, ...]:
        """The needs among :attr:`needs` that ``available`` does not meet."""
        return tuple(n for n in self.needs if not _present(n, available))

    def lacking(self, available: Collection[str]) -> tuple[str, ...]:
        """The enriching tables that are absent (the section then runs in part)."""
        return tuple(n for n in self.enriched_by if not _present(n, available))


@dataclass(frozen=True)
class Shown:
    """What one section shows for one run: skipped, empty or its data.

    Build it with :meth:`Theme.show`; :func:`helpers.view.present` turns it into the right
    note or calls the section's display function, so a notebook cell stays two lines.

    Attributes
    ----------
    section : Section
    missing : tuple of str
        Needs that were not met (the section is skipped when non-empty).
    data : Any
        The section's result (a DataFrame, a dict of them, a result object) or None.
    empty_note : Text or None
        What to say when ``data`` is empty (no rows for this date).
    """

    section: Section
    missing: tuple[str, ...] = ()
    data: Any = None
    empty_note: Text | None = None

    @property
    def state(self) -> State:
        if self.missing:
            return "skipped"
        if self.data is None or _is_empty(self.data):
            return "empty"
        return "data"


def _is_empty(data: Any) -> bool:
    empty = getattr(data, "empty", None)
    if isinstance(empty, bool):
        return empty
    if isinstance(data, dict | list | tuple):
        return len(data) == 0
    return False


@dataclass(frozen=True)
class Theme:
    """One themed notebook and its package.

    Attributes
    ----------
    name : str
        The package name under ``helpers/`` and the notebook stem without its number
        (``retention`` for ``04_retention``).
    notebook : str
        The notebook stem (``04_retention``), file ``notebooks/<notebook>.ipynb``.
    title : Text
        The notebook's title.
    question : Text
        The question it answers, for the index page and the onboarding map.
    sections : tuple of Section
        In notebook order.
    settings : type or None
        The frozen dataclass of the theme's ``playbook.yaml`` section (key :attr:`name`);
        every field has a documented default.
    when : Text
        When to open the notebook (every morning, before a festival ...), for the onboarding
        map; empty when not said.
    """

    name: str
    notebook: str
    title: Text
    question: Text
    sections: tuple[Section, ...] = ()
    settings: type | None = None
    when: Text = ("", "")

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        known = ", ".join(s.id for s in self.sections)
        raise KeyError(f"theme {self.name!r} has no section {section_id!r}; known: {known}")

    def show(
        self,
        section_id: str,
        available: Collection[str],
        data: Any = None,
        *,
        empty_note: Text | None = None,
    ) -> Shown:
        """The :class:`Shown` of one section: skipped when a need is missing, else ``data``."""
        section = self.section(section_id)
        missing = section.missing(available)
        return Shown(section, missing, None if missing else data, empty_note)

    def skipped(self, available: Collection[str]) -> dict[str, tuple[str, ...]]:
        """Section id -> the needs it lacks, for the sections that cannot run."""
        out = {}
        for s in self.sections:
            missing = s.missing(available)
            if missing:
                out[s.id] = missing
        return out
