"""The package type-checks: mypy with pandas-stubs over ``helpers/`` (settings in
pyproject.toml, ``[tool.mypy]``), with every check on for every package: values read from
frame rows go through typed readers (``helpers.cells``), not through lenient entries."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_settings_check_the_package_with_pandas_stubs():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["tool"]["mypy"]["files"] == ["helpers"]
    extras = " ".join(project["project"]["optional-dependencies"]["test"])
    assert "mypy" in extras and "pandas-stubs" in extras
    # no package is exempt from checking, altogether or for some kinds of finding
    for entry in project["tool"]["mypy"].get("overrides", []):
        assert not entry.get("ignore_errors"), entry["module"]
        assert not entry.get("disable_error_code"), entry["module"]


def test_helpers_type_check():
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
