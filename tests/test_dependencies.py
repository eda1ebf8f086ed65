"""The package depends on exactly what it imports: every third-party module that `src/bria` or the
generated code imports is a declared dependency, and every declared dependency is imported."""

from __future__ import annotations

import ast
import re
import sys
import tomllib

from tests.conftest import REPO_ROOT

# Distribution name -> the module it installs, where the two differ.
MODULE_OF = {"attrs": "attrs"}
# Declared for another package's sake, with the reason in pyproject.toml: httpcore imports sniffio per request.
ON_BEHALF = {"sniffio"}


def _imported_top_level_modules() -> set[str]:
    found: set[str] = set()
    for root in (REPO_ROOT / "src/bria", REPO_ROOT / "generated/python/bria"):
        for path in root.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found.add(node.module.split(".")[0])
    return found


def test_the_runtime_depends_on_exactly_what_it_imports() -> None:
    declared = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower() for requirement in declared}
    third_party = _imported_top_level_modules() - set(sys.stdlib_module_names) - {"bria", "__future__"}
    assert third_party == {MODULE_OF.get(name, name) for name in names - ON_BEHALF}
    assert ON_BEHALF <= names


def test_httpcore_finds_sniffio_instead_of_failing_an_import_per_async_request() -> None:
    import importlib.util

    assert importlib.util.find_spec("sniffio") is not None
