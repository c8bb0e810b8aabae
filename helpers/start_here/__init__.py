"""Start here (从这里开始), notebook ``00_start_here``: the ops assistant's morning checklist
(催付, shipping SLA, logistics, after-sales, abnormal items, ads against plan, today's
promotion phase), each line with a coloured status and the list behind it, and the map of the
other notebooks.

Modules: :mod:`.status` (a line and its status), :mod:`.fulfilment`, :mod:`.service`,
:mod:`.abnormal`, :mod:`.marketing` (the lines), :mod:`.checklist` (all of them),
:mod:`.guide` (the map), :mod:`.page` (displays), :mod:`.theme`.
"""

from helpers.start_here.checklist import Checklist, build_checklist, checklist_for
from helpers.start_here.guide import notebook_map
from helpers.start_here.status import STATUSES, Item
from helpers.start_here.theme import THEME

__all__ = [
    "STATUSES",
    "THEME",
    "Checklist",
    "Item",
    "build_checklist",
    "checklist_for",
    "notebook_map",
]
