"""Notices: things a user should know that do not stop the run (a weak pseudonym key, a
damaged cache entry that was rebuilt). They are Python warnings of class
:class:`PlaybookNotice`; the ``playbook`` command prints each one on stderr as
``playbook: notice: ...``."""

from __future__ import annotations

import warnings


class PlaybookNotice(UserWarning):
    """A notice for the user (see module doc)."""


def notice(text: str) -> None:
    """Issue a :class:`PlaybookNotice` with ``text``."""
    warnings.warn(text, PlaybookNotice, stacklevel=2)
