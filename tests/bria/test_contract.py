"""The contract between generated and hand-written code, checked on the source: generated facades import
the runtime only through `bria._contract`, and the runtime reaches generated code only through
`bria.resources` (its lazy accessors) and the `Operation` records, never a private generated name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bria_pipeline.layout import load_documents
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
    # A client whose methods *are* one document's facade (`bria.Segmind`) subclasses that facade, so its module
    # imports the facade itself: still a resource module, never the generated package behind it.
    own_facades = {d.facade_module for d in load_documents(REPO_ROOT) if d.client != "bria"}
    allowed = {"bria.resources"} | (own_facades if path.name == "_segmind.py" else set())
    assert {m for m in imported if m.startswith("bria.resources")} <= allowed
    names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert not names & PRIVATE_GENERATED


def test_a_first_call_loads_only_the_called_operations_generated_modules() -> None:
    # A document's models are several MiB (bench/peak_rss.py): the facade binds them on an operation's first call.
    import subprocess
    import sys

    script = """
import sys, httpx, bria
answer = httpx.MockTransport(lambda r: httpx.Response(200, json={"result_url": "https://cdn.test/a.png"}))
client = bria.Bria("t0ken", base_url="https://engine.test", http_client=httpx.Client(transport=answer))
client.image_editing_v1
before = {m for m in sys.modules if m.startswith("bria._generated.image_editing_v1.")}
client.image_editing_v1.blur_background(image="https://example.com/a.png")
after = {m for m in sys.modules if m.startswith("bria._generated.image_editing_v1.")}
print(sorted(m.rsplit(".", 1)[1] for m in before if ".models." in m or ".api." in m))
print(sorted(m.rsplit(".", 1)[1] for m in after - before if ".models." in m))
"""
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", script], capture_output=True, text=True, check=True)
    before, loaded = done.stdout.splitlines()
    assert before == "[]", "the facade alone loads no model and no endpoint module"
    assert loaded == "['blur_background_body', 'result_url']", loaded
