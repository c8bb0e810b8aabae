"""The two ways to install the playbook must agree on what it needs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name_and_spec(requirement: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert m, requirement
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    from_pyproject = dict(_name_and_spec(r) for r in project["dependencies"])

    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    from_env: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for pip_dep in dep.get("pip", []):
                if not pip_dep.startswith("-e"):
                    name, spec = _name_and_spec(pip_dep)
                    from_env[name] = spec
        else:
            name, spec = _name_and_spec(dep)
            if name not in ("python", "pip"):
                from_env[name] = spec

    assert from_env == from_pyproject


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = 'pip install -e ".[test]" && pytest'
    assert command in readme
    assert command in ci
