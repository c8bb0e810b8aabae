"""One language per notebook in JupyterLab.

Every Markdown cell of a notebook exists twice, tagged ``lang-zh`` and ``lang-en``. The batch
run removes the other language's cells from the report by tag. In JupyterLab both would show;
:func:`set_language` (``playbook lang zh|en [PATHS]``) therefore collapses the other language's
cells (cell metadata ``jupyter.source_hidden``, which JupyterLab shows as a thin "..." bar
that a click opens) and sets the ``lang`` parameter, so text and outputs read in one language.
The committed notebooks are in Chinese (``playbook lang zh``); the batch run is unaffected, as
it selects cells by tag and the HTML export ignores the collapsed state.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

from helpers import notebook_file

LANG_TAGS = {"zh": "lang-zh", "en": "lang-en"}
_LANG_LINE = re.compile(r'^lang = "[^"\n]*"', re.MULTILINE)


def set_language(path: str | os.PathLike[str], lang: str, *, write: bool = True) -> bool:
    """Show ``lang``'s Markdown cells of the notebook at ``path`` and collapse the others;
    set the ``lang`` parameter to ``lang``. Returns True when the file changed (or would)."""
    if lang not in LANG_TAGS:
        raise ValueError(f"language {lang!r}: expected zh or en")
    return notebook_file.rewrite(path, functools.partial(_show_language, lang=lang), write=write)


def _show_language(nb: Any, lang: str) -> None:
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if "parameters" in tags:
            cell.source = _LANG_LINE.sub(f'lang = "{lang}"', cell.source, count=1)
        cell_lang = next((k for k, t in LANG_TAGS.items() if t in tags), None)
        if cell_lang is None:
            continue
        meta = cell.metadata.setdefault("jupyter", {})
        if cell_lang == lang:
            meta.pop("source_hidden", None)
            if not meta:
                del cell.metadata["jupyter"]
        else:
            meta["source_hidden"] = True


def language_of(path: str | os.PathLike[str]) -> str | None:
    """The language a notebook is set to (the one whose cells are all shown), or None."""
    import nbformat

    nb = nbformat.read(Path(path), as_version=4)
    shown = set()
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        for lang, tag in LANG_TAGS.items():
            if tag in tags and not cell.metadata.get("jupyter", {}).get("source_hidden"):
                shown.add(lang)
    return shown.pop() if len(shown) == 1 else None
