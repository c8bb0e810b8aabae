"""The explorer under a headless executor (nbclient, as papermill runs it).

``widgets.interact`` draws through ``with output:``; nbclient then mimics the Output widget
(an output hook on the cell's message id) and answers it with comm messages sent on the
kernel's shell socket while it waits on that socket for the cell's reply, which could then
go unread until the cell's time limit: the hang seen in the batch. The explorer sets the
Output's ``outputs`` itself, so no hook is registered and nothing is sent on the shell
socket, and its drawing still reaches the saved widget state.
"""

from __future__ import annotations

import nbformat
import pytest
from locations import ROOT
from nbclient import NotebookClient

pytestmark = pytest.mark.notebooks

EXPLORER_CELL = """
import pandas as pd
from IPython.display import display
from helpers.explorer import Explorer
frame = pd.DataFrame({"date": pd.to_datetime(["2026-03-01", "2026-03-02"]),
                      "channel": ["搜索", "直播"], "gmv": [1.0, 2.0]})
ex = Explorer(frame, lambda rows, filters: print("rows", len(rows), rows["gmv"].sum()))
display(ex)
ex.controls["channel"].value = "直播"
"""
INTERACT_CELL = """
import ipywidgets as widgets
widgets.interact(lambda x: print("x", x), x=widgets.IntSlider(3))
"""


def _execute(source: str, monkeypatch) -> tuple[nbformat.NotebookNode, list[str]]:
    hooks: list[str] = []
    register = NotebookClient.register_output_hook

    def record(self, msg_id, hook):
        hooks.append(msg_id)
        return register(self, msg_id, hook)

    monkeypatch.setattr(NotebookClient, "register_output_hook", record)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    client.execute()
    return nb, hooks


def test_the_explorer_registers_no_output_hook_and_its_drawing_is_kept(monkeypatch):
    nb, hooks = _execute(EXPLORER_CELL, monkeypatch)
    assert hooks == []  # nothing for nbclient to answer on the shell socket
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    outputs = [m["state"]["outputs"] for m in state.values() if m["model_name"] == "OutputModel"]
    # the last draw: 直播 only, one row of 2.0
    assert outputs == [[{"output_type": "stream", "name": "stdout", "text": "rows 1 2.0\n"}]]


def test_interact_registers_the_hook_the_explorer_avoids(monkeypatch):
    _, hooks = _execute(INTERACT_CELL, monkeypatch)
    assert hooks  # the mechanism behind the hang is present with interact
