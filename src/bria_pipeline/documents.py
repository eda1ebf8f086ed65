"""Reading and writing OpenAPI and Overlay documents.

Output is YAML with the source key order kept and no anchors, so that two runs over the same
input give identical bytes and diffs against the upstream stay readable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

# The keys of an OpenAPI path item that hold operations (the others are parameters, servers, ...).
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class _NoAliasDumper(yaml.SafeDumper):
    # Overlay updates are deep-copied, but a shared node must never turn into a YAML alias:
    # Prism and some generators resolve aliases differently.
    def ignore_aliases(self, data: Any) -> bool:
        return True


def load_document(path: Path) -> Any:
    """Load a JSON or YAML document; JSON is parsed with the JSON parser to keep its exact types."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.safe_load(text)


def dump_yaml(document: Any) -> str:
    return yaml.dump(
        document,
        Dumper=_NoAliasDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def write_json(path: Path, document: Any) -> None:
    """Compact JSON with sorted keys: the same document always gives the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def write_yaml(path: Path, document: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_yaml(document), encoding="utf-8")
