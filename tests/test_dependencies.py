"""The package depends on exactly what it imports: every third-party module that `src/bria` or the
generated code imports is a declared dependency, and every declared dependency is imported. An extra
(`pip install "bria-openapi[cli]"`) belongs to the subpackage of its name (`bria.cli`): only that
subpackage may import it, so the library itself never needs an extra. The pytest plugin
(`bria/testing/pytest_plugin.py`) may import pytest, which is never a dependency: only pytest loads it."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

from tests.conftest import REPO_ROOT

# Distribution name -> the module it installs, where the two differ.
MODULE_OF = {"attrs": "attrs"}
# Declared for another package's sake, with the reason in pyproject.toml: httpcore imports sniffio per request.
ON_BEHALF = {"sniffio"}
ROOTS = (REPO_ROOT / "src/bria", REPO_ROOT / "generated/python/bria")
PLUGIN = REPO_ROOT / "src/bria/testing/pytest_plugin.py"


def _project() -> dict[str, object]:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]  # type: ignore[no-any-return]


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower() for requirement in requirements}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"bria", "__future__"}


def _third_party(paths: list[Path]) -> set[str]:
    return {module for path in paths for module in _imports(path) - ({"pytest"} if path == PLUGIN else set())}


def _extras() -> dict[str, set[str]]:
    extras = _project().get("optional-dependencies") or {}
    assert isinstance(extras, dict)
    return {name: _names(requirements) for name, requirements in extras.items()}


def _in(subpackage: str) -> list[Path]:
    return sorted((REPO_ROOT / "src/bria" / subpackage).rglob("*.py"))


def test_the_runtime_depends_on_exactly_what_it_imports() -> None:
    declared = _project()["dependencies"]
    assert isinstance(declared, list)
    core = _names(declared)
    extra_files = {path for name in _extras() for path in _in(name)}
    library = [path for root in ROOTS for path in root.rglob("*.py") if path not in extra_files]
    assert _third_party(library) == {MODULE_OF.get(name, name) for name in core - ON_BEHALF}
    assert core >= ON_BEHALF


def test_each_extra_is_imported_only_by_its_own_subpackage() -> None:
    core = _names(_project()["dependencies"])  # type: ignore[arg-type]
    for name, requirements in _extras().items():
        assert _in(name), f"the {name!r} extra has no subpackage src/bria/{name}"
        imported = _third_party(_in(name))
        assert imported - {MODULE_OF.get(n, n) for n in core} == {MODULE_OF.get(n, n) for n in requirements}, name


def test_pytest_is_imported_only_by_the_plugin() -> None:
    assert [p for p in (REPO_ROOT / "src/bria").rglob("*.py") if "pytest" in _imports(p)] == [PLUGIN]


def test_httpcore_finds_sniffio_instead_of_failing_an_import_per_async_request() -> None:
    import importlib.util

    assert importlib.util.find_spec("sniffio") is not None
