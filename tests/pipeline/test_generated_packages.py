"""The effective specs validate and every generated package imports and survives Bria's status codes."""

from __future__ import annotations

import importlib
import pkgutil
from http import HTTPStatus
from types import ModuleType

import httpx
import pytest

from bria_pipeline.documents import load_document
from bria_pipeline.layout import load_documents
from bria_pipeline.validation import validation_problems

from ._repo import REPO_ROOT

DOCUMENTS = load_documents(REPO_ROOT)


@pytest.mark.parametrize("document", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_effective_spec_validates_with_zero_errors(document) -> None:  # type: ignore[no-untyped-def]
    effective = load_document(REPO_ROOT / "generated" / document.effective)
    assert validation_problems(effective, document.name) == []


def _modules(package: str) -> list[ModuleType]:
    root = importlib.import_module(package)
    names = [m.name for m in pkgutil.walk_packages(root.__path__, prefix=f"{package}.")]
    return [root, *(importlib.import_module(name) for name in names)]


@pytest.mark.parametrize("document", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_every_generated_module_imports(document) -> None:  # type: ignore[no-untyped-def]
    modules = _modules(document.package)
    assert any(".api." in m.__name__ for m in modules)
    assert (REPO_ROOT / "generated" / document.package_dir / "py.typed").exists()


def _endpoint_modules() -> list[ModuleType]:
    return [m for d in DOCUMENTS for m in _modules(d.package) if hasattr(m, "_build_response")]


# 460 (Bria: image download failed), 209 and 512 (other Bria routes) are outside the IANA
# registry; 205/206/506 are registered but unusual. None may raise (openapi-python-client #1442).
@pytest.mark.parametrize("code", [460, 506, 205, 206, 209, 512])
def test_non_standard_status_codes_yield_a_response(code: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The post-processed `_build_response` keeps any code; body parsing is another layer's concern
    (documented bodies are parsed, undocumented codes give `parsed=None`, and the runtime's call flow
    turns error statuses into typed errors before the generated parser runs)."""
    modules = _endpoint_modules()
    assert modules
    for module in modules:
        client_module = importlib.import_module(module.__name__.split(".api.")[0] + ".client")
        client = client_module.Client(base_url="http://127.0.0.1:9", raise_on_unexpected_status=False)
        body = b'"Failed to download image."'
        monkeypatch.setattr(module, "parse_response", lambda *, client, response: None)
        built = module._build_response(client=client, response=httpx.Response(code, content=body))
        assert built.status_code == code, module.__name__
        assert built.content == body
        if code in {460, 209, 512}:
            assert not isinstance(built.status_code, HTTPStatus)


@pytest.mark.parametrize("flag", [True, False])
def test_multipart_booleans_are_sent_as_json_spells_them(flag: bool) -> None:
    """Row 17: the generator's `str(True)` would send `True`; postprocess step 4 makes it `true`."""
    from bria._generated.image_editing_v1.models import IncreaseResolutionBody, RemoveBackgroundBody

    for body in (RemoveBackgroundBody(content_moderation=flag), IncreaseResolutionBody(content_moderation=flag)):
        parts = dict(body.to_multipart())
        assert parts["content_moderation"] == (None, str(flag).lower().encode(), "text/plain")
    url_part = dict(RemoveBackgroundBody(image_url="https://example.com/a.png").to_multipart())["image_url"]
    assert url_part == (None, b"https://example.com/a.png", "text/plain")


def test_every_endpoint_module_exposes_the_runtimes_two_steps() -> None:
    """Postprocess step 6: the request builder and the parser are public, and the parser needs no client
    (an undocumented status gives None), so the runtime binds them without touching private names."""
    for module in _endpoint_modules():
        assert callable(module.request_kwargs) and not hasattr(module, "_get_kwargs"), module.__name__
        assert module.parse_response(response=httpx.Response(342, content=b"")) is None, module.__name__
