"""Theme discovery finds every theme package and loads only its declaration."""

from __future__ import annotations

import subprocess
import sys

from locations import ROOT

from helpers.themes import discover_themes, settings_sections


def test_discovery_loads_declarations_not_computations():
    code = (
        "import sys; from helpers.themes import discover_themes; discover_themes(); "
        "heavy = sorted(m for m in sys.modules if m.startswith(('statsmodels', 'seaborn')) "
        "or (m.startswith('helpers.') and m.count('.') >= 2 and not m.endswith('.theme'))); "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_declaration_is_one_module_whichever_way_it_is_reached():
    from helpers.daily_review.theme import THEME

    assert THEME is next(t for t in discover_themes() if t.name == "daily_review")
    for name, cls in settings_sections().items():
        declared = next(t for t in discover_themes() if t.name == name)
        assert declared.settings is cls


def test_every_theme_has_its_notebook_and_names_match():
    themes = discover_themes()
    names = [t.name for t in themes]
    assert len(names) == len(set(names))
    assert {"daily_review", "retention", "product_matrix", "promotion_calendar"} <= set(names)
    for t in themes:
        assert (ROOT / "notebooks" / f"{t.notebook}.ipynb").is_file(), t.notebook
        assert t.notebook.split("_", 1)[1] == t.name  # 04_retention <-> retention
