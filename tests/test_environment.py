"""environment.yml (conda users) and pyproject.toml (pip) must name the same dependencies."""

import re
import tomllib

import yaml

from kpilib.core.paths import REPOSITORY_ROOT

# conda-forge names that differ from the PyPI ones
CONDA_NAMES = {"python-duckdb": "duckdb"}


def _normalize(requirement: str) -> tuple[str, str]:
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", requirement)
    name = match[1].lower().replace("_", "-")
    return CONDA_NAMES.get(name, name), match[2].replace(" ", "")


def test_environment_yml_and_pyproject_agree():
    project = tomllib.loads((REPOSITORY_ROOT / "pyproject.toml").read_text())["project"]
    pip_side = {_normalize(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    environment = yaml.safe_load((REPOSITORY_ROOT / "environment.yml").read_text())
    conda_side = {
        _normalize(entry)
        for entry in environment["dependencies"]
        if isinstance(entry, str) and _normalize(entry)[0] not in {"python", "pip"}
    }
    assert conda_side == pip_side
    python = next(e for e in environment["dependencies"] if isinstance(e, str) and e.startswith("python"))
    assert _normalize(python)[1] == project["requires-python"]
