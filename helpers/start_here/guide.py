"""The map of the playbook's notebooks for a new assistant: which question each answers and
when to open it, read from every discovered theme's declaration (nothing copied by hand)."""

from __future__ import annotations

import pandas as pd

from helpers.sections import pick
from helpers.themes import discover_themes

MAP_COLUMNS = ["notebook", "title", "question", "when", "sections"]


def notebook_map(lang: str = "zh", *, exclude: str = "start_here") -> pd.DataFrame:
    """One row per themed notebook in notebook order: ``notebook`` (file stem), ``title``,
    ``question``, ``when`` (to open it) and ``sections`` (their headings joined), in ``lang``.
    The theme ``exclude`` (this notebook) is left out."""
    rows = [
        {
            "notebook": t.notebook,
            "title": pick(t.title, lang),
            "question": pick(t.question, lang),
            "when": pick(t.when, lang),
            "sections": " · ".join(s.title(lang) for s in t.sections),
        }
        for t in discover_themes()
        if t.name != exclude
    ]
    return pd.DataFrame(rows, columns=MAP_COLUMNS)
