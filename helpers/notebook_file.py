"""A committed notebook file changed in place: read, edited, written back only when the text
differs (the ``playbook strip`` and ``playbook lang`` commands, and their ``--check``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any


def rewrite(
    path: str | os.PathLike[str], edit: Callable[[Any], None], *, write: bool = True
) -> bool:
    """Apply ``edit`` to the notebook at ``path`` (an ``nbformat`` node, changed in place)
    and write it back in nbformat's layout with a final newline.

    Returns True when the text changed (or would, with ``write=False``); the file is left
    untouched otherwise.
    """
    import nbformat

    p = Path(path)
    before = p.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=nbformat.NO_CONVERT)
    edit(nb)
    after = nbformat.writes(nb)
    if not after.endswith("\n"):
        after += "\n"
    if after == before:
        return False
    if write:
        p.write_text(after, encoding="utf-8")
    return True
