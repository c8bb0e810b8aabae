"""The code base passes its own linters (ruff is part of the test tools), notebooks included.

Only the project's own files are linted: the Python files and notebooks git knows about. A
batch run may write executed report notebooks into any folder; those are outputs, not code.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def project_files() -> list[str]:
    """Python files and notebooks tracked by git (``.`` outside a git checkout)."""
    git = shutil.which("git")
    if git is None:
        return ["."]
    result = subprocess.run(
        [git, "ls-files", "--", "*.py", "*.ipynb"], cwd=ROOT, capture_output=True, text=True
    )
    files = [f for f in result.stdout.splitlines() if (ROOT / f).is_file()]
    return files if result.returncode == 0 and files else ["."]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("ruff")
    cmd = [exe] if exe else [sys.executable, "-m", "ruff"]
    return subprocess.run([*cmd, *args], cwd=ROOT, capture_output=True, text=True)


def test_the_notebooks_are_among_the_linted_files():
    files = project_files()
    assert files == ["."] or "notebooks/05_daily_review.ipynb" in files


@pytest.mark.parametrize("args", [("check",), ("format", "--check")])
def test_ruff(args):
    result = _ruff(*args, *project_files())
    assert result.returncode == 0, result.stdout + result.stderr
