"""Where each stage reads and writes, derived from `spec/sources.toml` and fixed conventions.

For a document named N (a table `[documents.N]` in sources.toml):
  upstream spec       spec/...                              (path given in sources.toml)
  overlays            overlays/N/*.yaml                     (applied in file-name order)
  contract overlay    overlays/contract/N.yaml              (optional; Prism and schemathesis only)
  generator config    codegen/openapi-python-client.yaml    (one for every document)
  effective spec      generated/openapi/N.yaml              (+ generated/openapi/contract/N.yaml)
  shipped spec        generated/python/bria/_specs/N.json   (package data for bria.testing)
  generated package   generated/python/bria/_generated/N/   (imported as `bria._generated.N`)
  typed facade        generated/python/bria/resources/N.py  (`client.N`)

Everything generated lives inside the `bria` namespace: `generated/python/bria/` has no `__init__.py` of
its own and is merged into the hand-written `src/bria` package (its `__path__`, and the wheel).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

SOURCES_FILE = Path("spec/sources.toml")
CODEGEN_CONFIG = Path("codegen/openapi-python-client.yaml")
# Where generated code goes, relative to generated/: the `bria` namespace portion and its parts.
NAMESPACE_DIR = Path("python/bria")
GENERATED_PACKAGE = "bria._generated"
RESOURCES_PACKAGE = "bria.resources"
TYPES_MODULE = "bria.types"
RESOURCES_DIR = NAMESPACE_DIR / "resources"
TYPES_FILE = NAMESPACE_DIR / "types.py"
SPECS_DIR = NAMESPACE_DIR / "_specs"


@dataclass(frozen=True)
class SpecDocument:
    name: str
    upstream: Path
    # Where the document is published; None for a document reconstructed by hand (nothing to download:
    # `make update-specs` skips it).
    url: str | None
    sha256: str
    # Why the SDK marks every operation of this document deprecated, or None.
    deprecated: str | None = None
    # The client whose methods the operations are: "bria" (`bria.Bria`, as `client.<document>`), or
    # "segmind" (`bria.Segmind`, whose host, key and answers are Segmind's; its methods are the facade's).
    client: str = "bria"

    @property
    def overlay_dir(self) -> Path:
        return Path("overlays") / self.name

    @property
    def contract_overlay(self) -> Path:
        return Path("overlays/contract") / f"{self.name}.yaml"

    @property
    def codegen_config(self) -> Path:
        return CODEGEN_CONFIG

    @property
    def package(self) -> str:
        return f"{GENERATED_PACKAGE}.{self.name}"

    @property
    def effective(self) -> Path:
        return Path("openapi") / f"{self.name}.yaml"

    @property
    def contract_effective(self) -> Path:
        return Path("openapi/contract") / f"{self.name}.yaml"

    @property
    def shipped_spec(self) -> Path:
        return SPECS_DIR / f"{self.name}.json"

    @property
    def package_dir(self) -> Path:
        return Path("python", *self.package.split("."))

    @property
    def facade_module(self) -> str:
        return f"{RESOURCES_PACKAGE}.{self.name}"


def load_documents(root: Path) -> list[SpecDocument]:
    """The documents named in sources.toml, in file order (which is also generation order)."""
    with (root / SOURCES_FILE).open("rb") as handle:
        sources = tomllib.load(handle)
    return [
        SpecDocument(
            name=name,
            upstream=Path(entry["path"]),
            url=entry.get("url"),
            sha256=entry["sha256"],
            deprecated=entry.get("deprecated"),
            client=entry.get("client", "bria"),
        )
        for name, entry in sources["documents"].items()
    ]


def with_sha256(sources_text: str, name: str, sha256: str) -> str:
    """sources.toml text with document `name`'s hash replaced, everything else (comments too) kept."""
    return _with_value(sources_text, name, "sha256", sha256)


def with_url(sources_text: str, name: str, url: str) -> str:
    """sources.toml text with document `name`'s URL replaced (the document moved), everything else kept."""
    return _with_value(sources_text, name, "url", url)


def _with_value(sources_text: str, name: str, key: str, value: str) -> str:
    lines = sources_text.splitlines(keepends=True)
    header = f"[documents.{name}]"
    start = next((i for i, line in enumerate(lines) if line.strip() == header), None)
    if start is None:
        raise ValueError(f"{SOURCES_FILE}: no table {header}")
    for i in range(start + 1, len(lines)):
        stripped = lines[i].strip()
        if stripped.startswith("["):
            break
        if stripped.startswith(f"{key} ="):
            lines[i] = f"{key} = {json.dumps(value)}\n"
            return "".join(lines)
    raise ValueError(f"{SOURCES_FILE}: {header} has no `{key} =` line")
