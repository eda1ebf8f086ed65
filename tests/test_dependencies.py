"""The package depends on exactly what it imports: every third-party module that `src/bria` or the
generated code imports is a declared dependency, and every declared dependency is imported.

Extras count too: `bria.testing` (the fake server) may also import what the `testing` extra declares, and
nothing outside it may. The pytest plugin (`bria/testing/pytest_plugin.py`) may import pytest, which is
never a dependency: only pytest itself loads that module.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

from tests.conftest import REPO_ROOT

# Distribution name -> the module it installs, where the two differ.
MODULE_OF = {"attrs": "attrs"}
TESTING = REPO_ROOT / "src/bria/testing"
PLUGIN = TESTING / "pytest_plugin.py"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"bria", "__future__"}


def _third_party(*, testing: bool) -> set[str]:
    """Third-party modules imported by the runtime (testing=False) or by bria.testing (testing=True)."""
    found: set[str] = set()
    for root in (REPO_ROOT / "src/bria", REPO_ROOT / "generated/python/bria"):
        for path in root.rglob("*.py"):
            if path.is_relative_to(TESTING) == testing:
                found |= _imports(path) - ({"pytest"} if path == PLUGIN else set())
    return found


def _modules(requirements: list[str]) -> set[str]:
    names = {re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower() for requirement in requirements}
    return {MODULE_OF.get(name, name) for name in names}


def _project() -> dict[str, object]:
    project: dict[str, object] = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project


def test_the_runtime_depends_on_exactly_what_it_imports() -> None:
    declared = _project()["dependencies"]
    assert isinstance(declared, list)
    assert _third_party(testing=False) == _modules(declared)


def test_the_testing_extra_is_exactly_what_bria_testing_adds() -> None:
    extras = _project()["optional-dependencies"]
    assert isinstance(extras, dict) and set(extras) == {"testing"}
    core = _modules(_project()["dependencies"])  # type: ignore[arg-type]
    assert _third_party(testing=True) - core == _modules(extras["testing"])


def test_pytest_is_imported_only_by_the_plugin() -> None:
    users = [p for p in (REPO_ROOT / "src/bria").rglob("*.py") if "pytest" in _imports(p)]
    assert users == [PLUGIN]
