"""Finding the themes: every package under ``helpers/`` with a ``theme.py`` is one.

Adding a theme is adding its folder (``helpers/<name>/theme.py`` declaring ``THEME``) and its
notebook; nothing here lists them by hand (like kedro's ``find_pipelines``).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from functools import cache
from pathlib import Path

from helpers.sections import Theme

_PACKAGE = "helpers"


@cache
def discover_themes() -> tuple[Theme, ...]:
    """Every theme declared under ``helpers/``, in notebook order.

    A package is a theme when it has a ``theme`` module defining ``THEME``, a
    :class:`helpers.sections.Theme`. Only that light module is imported, not the theme's
    computations.
    """
    root = Path(__file__).resolve().parent
    found: list[Theme] = []
    for info in pkgutil.iter_modules([str(root)]):
        if not info.ispkg:
            continue
        name = f"{_PACKAGE}.{info.name}.theme"
        if importlib.util.find_spec(name) is None:
            continue
        theme = getattr(importlib.import_module(name), "THEME", None)
        if not isinstance(theme, Theme):
            raise TypeError(f"{name}.THEME must be a helpers.sections.Theme")
        if theme.name != info.name:
            raise ValueError(f"{name}: THEME.name {theme.name!r} must be the package name")
        found.append(theme)
    return tuple(sorted(found, key=lambda t: t.notebook))


def theme(name: str) -> Theme:
    """The theme called ``name`` (package name, or notebook stem with its number)."""
    for t in discover_themes():
        if name in (t.name, t.notebook):
            return t
    known = ", ".join(t.name for t in discover_themes())
    raise KeyError(f"no theme {name!r}; known: {known}")


def settings_sections() -> dict[str, type]:
    """Theme name -> the dataclass of its ``playbook.yaml`` section (themes that have one)."""
    return {t.name: t.settings for t in discover_themes() if t.settings is not None}
