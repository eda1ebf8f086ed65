"""The contract between generated and hand-written code, checked on the source: generated facades import
the runtime only through `bria._contract`, and the runtime reaches generated code only through
`bria.resources` (its lazy accessors) and the `Operation` records, never a private generated name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

RUNTIME = sorted((REPO_ROOT / "src/bria").glob("*.py"))
FACADES = sorted((REPO_ROOT / "generated/python/bria/resources").glob("*.py"))
PRIVATE_GENERATED = {"_get_kwargs", "_build_response", "_parse_response"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("path", FACADES, ids=[p.name for p in FACADES])
def test_a_facade_imports_the_runtime_only_through_the_contract_module(path: Path) -> None:
    runtime = {m for m in _imports(path) if m == "bria" or m.startswith("bria.")}
    outside = {m for m in runtime if not m.startswith(("bria._generated.", "bria.resources.")) and m != "bria"}
    assert outside <= {"bria._contract"}, outside


@pytest.mark.parametrize("path", RUNTIME, ids=[p.name for p in RUNTIME])
def test_the_runtime_reaches_generated_code_only_through_the_resource_accessors(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = _imports(path)
    assert "importlib" not in imported
    assert not {m for m in imported if m.startswith("bria._generated")}
    assert {m for m in imported if m.startswith("bria.resources")} <= {"bria.resources"}
    names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert not names & PRIVATE_GENERATED
