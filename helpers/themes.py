"""Finding the themes: every package under ``helpers/`` with a ``theme.py`` is one.

Adding a theme is adding its folder (``helpers/<name>/theme.py`` declaring ``THEME``) and its
notebook; nothing here lists them by hand (like kedro's ``find_pipelines``).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

from helpers.sections import Theme

_PACKAGE = "helpers"


@cache
def discover_themes() -> tuple[Theme, ...]:
    """Every theme declared under ``helpers/``, in notebook order.

    A package is a theme when it has a ``theme`` module defining ``THEME``, a
    :class:`helpers.sections.Theme`. Only that light module is imported, not the theme's
    package with its computations (loading settings or listing sections stays fast).
    """
    root = Path(__file__).resolve().parent
    found: list[Theme] = []
    for info in pkgutil.iter_modules([str(root)]):
        path = root / info.name / "theme.py"
        if not info.ispkg or not path.is_file():
            continue
        name = f"{_PACKAGE}.{info.name}.theme"
        theme = getattr(_declaration(name, path), "THEME", None)
        if not isinstance(theme, Theme):
            raise TypeError(f"{name}.THEME must be a helpers.sections.Theme")
        if theme.name != info.name:
            raise ValueError(f"{name}: THEME.name {theme.name!r} must be the package name")
        found.append(theme)
    return tuple(sorted(found, key=lambda t: t.notebook))


def _declaration(name: str, path: Path) -> ModuleType:
    """The module ``helpers.<theme>.theme``, loaded from its file without running the theme
    package's ``__init__`` when that package is not imported yet.

    ``from helpers.<theme>.theme import THEME`` later finds this same module, so the theme's
    settings class is one class everywhere.
    """
    if name in sys.modules:
        return sys.modules[name]
    if name.rsplit(".", 1)[0] in sys.modules:  # the package is loaded: import as usual
        return importlib.import_module(name)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - a .py file always has one
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


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


#: A theme's module declaring its alert rules (``helpers/<theme>/alert_rules.py``).
ALERT_RULES_MODULE = "alert_rules"


@cache
def load_alert_rules() -> tuple[str, ...]:
    """Register every theme's own alert rules in :data:`helpers.alerts.REGISTRY` by loading
    its ``alert_rules`` module (like :func:`discover_themes`, without the theme's package
    when that is not imported yet); the names of the themes that have one."""
    root = Path(__file__).resolve().parent
    loaded = []
    for t in discover_themes():
        path = root / t.name / f"{ALERT_RULES_MODULE}.py"
        if path.is_file():
            _declaration(f"{_PACKAGE}.{t.name}.{ALERT_RULES_MODULE}", path)
            loaded.append(t.name)
    return tuple(loaded)
