"""Docs with a generated part: the text between two marker lines is rewritten from the code.

Used by :mod:`helpers.settings_doc` (docs/configuration.md) and
:mod:`helpers.alerts.catalog` (docs/alerts.md); their tests compare the committed doc with
the regenerated one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def splice(text: str, begin: str, end: str, body: str) -> str:
    """``text`` with what lies between the lines ``begin`` and ``end`` replaced by ``body``
    (after one blank line)."""
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n\n{body}{end}{tail}"


def refresh(path: Path, with_generated: Callable[[str], str]) -> None:
    """Rewrite the generated part of the doc at ``path`` in place."""
    path.write_text(with_generated(path.read_text(encoding="utf-8")), encoding="utf-8")
