"""The effective specs under test and their operations, discovered, never listed by hand.

The documents are the ones `spec/sources.toml` names (the pipeline's own list, `bria_pipeline.layout`). For each
one the suite uses the contract effective spec `generated/openapi/contract/<name>.yaml` (effective spec plus
`overlays/contract/<name>.yaml`); a document without a contract overlay is tested on its effective spec.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bria_pipeline.documents import HTTP_METHODS
from bria_pipeline.layout import load_documents

from . import settings


@dataclass(frozen=True)
class ContractSpec:
    name: str
    path: Path
    package: str

    @functools.cached_property
    def document(self) -> dict[str, Any]:
        loaded = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        if not isinstance(loaded, dict):
            raise TypeError(f"{self.path} is not an OpenAPI document")
        return loaded

    @property
    def auth_header(self) -> str:
        """The header of the spec's apiKey scheme: Bria's `api_token`, Segmind's `x-api-key`."""
        schemes = (self.document.get("components") or {}).get("securitySchemes") or {}
        names = [s["name"] for s in schemes.values() if s.get("type") == "apiKey" and s.get("in") == "header"]
        if len(names) != 1:
            raise LookupError(f"{self.name}: expected one apiKey header scheme, found {names}")
        return str(names[0])

    def operations(self) -> list[Operation]:
        found: list[Operation] = []
        for path, item in self.document.get("paths", {}).items():
            for method in HTTP_METHODS:
                definition = item.get(method)
                if isinstance(definition, dict):
                    found.append(Operation(self.name, method.upper(), path, definition.get("operationId"), definition))
        return found


@dataclass(frozen=True)
class Operation:
    spec: str
    method: str
    path: str
    operation_id: str | None
    # Not part of equality or hash: an operation is identified by its spec, method and path.
    definition: dict[str, Any] = field(compare=False, repr=False)

    @property
    def label(self) -> str:
        """The operation as schemathesis names it (`POST /eraser`)."""
        return f"{self.method} {self.path}"

    @property
    def key(self) -> tuple[str, str]:
        return (self.spec, self.label)

    @property
    def test_id(self) -> str:
        return f"{self.spec}-{self.operation_id or self.label}"

    def documented_statuses(self) -> list[str]:
        return [str(code) for code in self.definition.get("responses", {})]

    def response(self, status: str) -> dict[str, Any]:
        response = self.definition.get("responses", {}).get(status)
        return response if isinstance(response, dict) else {}

    def json_schema_for(self, status: str) -> dict[str, Any] | None:
        content = self.response(status).get("content") or {}
        for media_type, media in content.items():
            if "json" in media_type and isinstance(media, dict) and isinstance(media.get("schema"), dict):
                schema: dict[str, Any] = media["schema"]
                return schema
        return None


def _contract_path(name: str) -> Path:
    override = settings.spec_dir()
    if override is not None:
        return override / f"{name}.yaml"
    contract = settings.REPO_ROOT / "generated" / "openapi" / "contract" / f"{name}.yaml"
    if contract.exists():
        return contract
    return settings.REPO_ROOT / "generated" / "openapi" / f"{name}.yaml"


@functools.cache
def contract_specs() -> tuple[ContractSpec, ...]:
    """Every document of spec/sources.toml (or those in CONTRACT_SPECS), in generation order."""
    wanted = settings.selected_spec_names()
    specs = tuple(
        ContractSpec(document.name, _contract_path(document.name), document.package)
        for document in load_documents(settings.REPO_ROOT)
        if wanted is None or document.name in wanted
    )
    missing = [str(spec.path) for spec in specs if not spec.path.exists()]
    if missing:
        raise FileNotFoundError(f"effective specs missing (run `make generate`): {', '.join(missing)}")
    return specs


def spec_named(name: str) -> ContractSpec:
    for spec in contract_specs():
        if spec.name == name:
            return spec
    raise KeyError(name)


def all_operations() -> Iterator[Operation]:
    for spec in contract_specs():
        yield from spec.operations()


def auth_headers() -> frozenset[str]:
    """Every key header of the specs under test: a request the suite sends carries each (a header a spec does
    not declare is ignored by Prism), so a test that leaves out its spec's key leaves out exactly that one."""
    return frozenset(spec.auth_header for spec in contract_specs())
