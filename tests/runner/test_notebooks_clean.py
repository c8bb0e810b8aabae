"""Notebooks are committed without outputs (``playbook strip`` cleans them)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from locations import ROOT

from helpers.runner import PARAMETER_NAMES, strip_outputs

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "tests" / "fixtures" / "notebooks").glob("*.ipynb")
)


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_notebook_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has outputs: run playbook strip"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"
    assert "papermill" not in nb.metadata
    assert strip_outputs(path, write=False) is False, f"{path.name}: run playbook strip"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if not p.name.startswith("_")], ids=_id)
def test_parameters_cell_declares_every_parameter(path):
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{path.name}: exactly one cell tagged 'parameters'"
    names = {line.split("=")[0].strip() for line in cells[0].source.splitlines() if "=" in line}
    assert set(PARAMETER_NAMES) <= names
