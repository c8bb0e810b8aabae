"""A checklist item and its status: ok (green), attention (amber), urgent (red), or
unavailable (grey: the data lack what the check reads, and the item says what would enable it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from helpers.sections import Text, pick

#: Statuses from calm to urgent, then "cannot tell".
STATUSES = ("ok", "attention", "urgent", "unavailable")
STATUS_TEXT: dict[str, Text] = {
    "ok": ("正常", "OK"),
    "attention": ("注意", "Attention"),
    "urgent": ("紧急", "Urgent"),
    "unavailable": ("无法检查", "Cannot check"),
}
#: Colour of each status on the page (traffic-light colours, grey for "cannot check").
STATUS_COLOUR = {
    "ok": "#2e7d32",
    "attention": "#ef6c00",
    "urgent": "#c62828",
    "unavailable": "#757575",
}
#: Worst first, for sorting and for the page's headline.
STATUS_RANK = {"urgent": 0, "attention": 1, "ok": 2, "unavailable": 3}


@dataclass(frozen=True, eq=False)
class Item:
    """One line of the morning checklist.

    Attributes
    ----------
    id : str
        Stable key (``unpaid``, ``shipping`` ...), used in exports and ``summary.json``.
    title : Text
        What the line is about, ``(zh, en)``.
    status : str
        One of :data:`STATUSES`.
    count : int
        How many orders, requests or items are behind the status (0 when ok).
    detail : Text
        One sentence with the figures, ``(zh, en)``; data-derived words already escaped.
    rows : DataFrame
        The list behind the item (ids and figures only), exported beside the report.
    needs : tuple of str
        When unavailable: the table or ``table.column`` that would enable the check.
    """

    id: str
    title: Text
    status: str
    count: int
    detail: Text
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    needs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"checklist item {self.id}: unknown status {self.status!r}")

    def text(self, lang: str) -> str:
        return pick(self.detail, lang)

    def to_record(self) -> dict:
        """The item for ``summary.json``: id, status, count and the English sentence."""
        return {
            "id": self.id,
            "status": self.status,
            "count": int(self.count),
            "detail": self.detail[1],
            "needs": list(self.needs),
        }


def count_status(count: int, urgent_at: int) -> str:
    """``ok`` for 0, ``urgent`` from ``urgent_at`` on, ``attention`` in between."""
    if count <= 0:
        return "ok"
    return "urgent" if count >= urgent_at else "attention"


def unavailable(item_id: str, title: Text, needs: tuple[str, ...], why: Text) -> Item:
    """An item the data cannot answer, saying which table or column would enable it."""
    return Item(item_id, title, "unavailable", 0, why, needs=needs)


def worst(statuses: list[str]) -> str:
    """The most urgent of ``statuses`` that can be judged (``ok`` when none can)."""
    judged = [s for s in statuses if s != "unavailable"]
    return min(judged, key=STATUS_RANK.__getitem__) if judged else "ok"
