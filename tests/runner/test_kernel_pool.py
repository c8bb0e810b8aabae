"""Warm kernels: nothing a notebook does is visible to the next one, and the warm-up happened.

Two notebooks run one after the other (one worker) on warm kernels: A leaves every kind of
state a notebook can leave (a variable, an rcParams change, a monkeypatched attribute of a
pre-imported module, an open figure, an environment variable); B records what it sees. The
same B also runs on a fresh kernel (``kernels="fresh"``) as the reference.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from helpers import kernel_pool, runner
from helpers.runner import Prepared, RunError

DATE = "2026-11-15"
PARAMETERS = "\n".join(f'{name} = ""' for name in runner.PARAMETER_NAMES)

LEAVE_STATE = """
import os
import matplotlib.pyplot as plt
import helpers.report
leaked_variable = 42
plt.rcParams["lines.linewidth"] = 9.5
helpers.report.escape_text = lambda text: "patched"
open_figure = plt.figure()
os.environ["PLAYBOOK_LEAK"] = "1"
plt.ioff()
"""

RECORD_STATE = """
import json, os, sys
import matplotlib.pyplot as plt
import helpers.report
seen = {
    "variable": "leaked_variable" in globals(),
    "linewidth": plt.rcParams["lines.linewidth"],
    "escape_text": helpers.report.escape_text.__name__,
    "figures": plt.get_fignums(),
    "env": os.environ.get("PLAYBOOK_LEAK"),
    "warm_modules": [m for m in %r if m in sys.modules],
    "warm_names": [n for n in ("pandas", "seaborn", "_playbook_warm") if n in globals()],
}
print("SEEN=" + json.dumps(seen))
"""


def _notebook(path: Path, code: str) -> None:
    nb = new_notebook(cells=[new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]})])
    nb.cells.append(new_code_cell(code))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, path)


def _prepare(data_dir, settings, *, cache_dir, run_date):
    return Prepared(DATE)


def _seen(result) -> dict:
    nb = nbformat.read(result.out_dir / "02_b.ipynb", as_version=4)
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    return json.loads(text.split("SEEN=", 1)[1])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("isolation")
    notebooks = folder / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "01_a.ipynb", LEAVE_STATE)
    _notebook(notebooks / "02_b.ipynb", RECORD_STATE % (kernel_pool.WARM_MODULES,))
    common = dict(
        data_dir=folder,
        cache_dir=folder / "cache",
        notebooks_dir=notebooks,
        prepare=_prepare,
        progress=False,
        workers=1,
    )
    warm = runner.run(out_dir=folder / "warm", kernels="warm", **common)
    fresh = runner.run(out_dir=folder / "fresh", kernels="fresh", only=["b"], **common)
    return warm, fresh


@pytest.mark.notebooks
def test_nothing_leaks_from_one_notebook_to_the_next(runs):
    warm, _ = runs
    assert [nb.status for nb in warm.notebooks] == ["ok", "ok"]
    seen = _seen(warm)
    assert seen["variable"] is False
    assert seen["linewidth"] != 9.5
    assert seen["escape_text"] == "escape_text"
    assert seen["figures"] == []
    assert seen["env"] is None


@pytest.mark.notebooks
def test_warm_kernels_have_the_imports_done_and_bind_no_names(runs):
    warm, fresh = runs
    seen, reference = _seen(warm), _seen(fresh)
    assert seen["warm_modules"] == list(kernel_pool.WARM_MODULES)
    assert seen["warm_names"] == []
    # a fresh kernel has not imported pandas or seaborn by itself
    assert "seaborn" not in reference["warm_modules"]
    assert {k: v for k, v in seen.items() if k != "warm_modules"} == {
        k: v for k, v in reference.items() if k != "warm_modules"
    }


def test_warm_up_lines_import_and_leave_no_name():
    namespace: dict = {}
    for line in kernel_pool.warm_up_lines(["json", "colorsys"]):
        exec(line, namespace)  # noqa: S102 - the kernel runs exactly these lines
    assert set(namespace) == {"__builtins__"}


def test_unknown_kernel_mode_is_refused(tmp_path):
    with pytest.raises(RunError, match="warm or fresh"):
        runner.run(data_dir=tmp_path, out_dir=tmp_path / "out", kernels="hot", prepare=_prepare)
