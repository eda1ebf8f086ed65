"""OpenAPI validation of effective specs with openapi-spec-validator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from .problems import Problem


def validation_problems(document: Any, where: str) -> list[Problem]:
    """Every validator error of `document`, each pointing at the node a person has to change."""
    version = str(document.get("openapi", "")) if isinstance(document, dict) else ""
    if version.startswith("3.0"):
        validator: Any = OpenAPIV30SpecValidator(document)
    elif version.startswith("3.1"):
        validator = OpenAPIV31SpecValidator(document)
    else:
        return [Problem("validate", where, f"unsupported `openapi` version {version!r}")]
    errors = list(validator.iter_errors())
    if not errors:
        return []
    # openapi-spec-validator reports a failed `oneOf` at the response or schema node, with the
    # whole node as its message. Re-running the OAS JSON Schema with jsonschema keeps the error
    # context, whose deepest leaf is the actual fault (e.g. `['integer', 'null'] is not of type ...`).
    leaves = _leaf_errors(errors[0].schema, document)
    problems = []
    for error in errors:
        prefix = [str(part) for part in error.path]
        candidates = [leaf for leaf in leaves if [str(part) for part in leaf.absolute_path][: len(prefix)] == prefix]
        best = max(candidates, key=lambda e: (len(e.absolute_path), -len(e.message)), default=None)
        path = list(best.absolute_path) if best is not None else prefix
        message = best.message if best is not None else str(error.message)
        problems.append(Problem("validate", f"{where}#/{_pointer(path)}", message[:300]))
    return problems


def _leaf_errors(schema: Any, document: Any) -> list[Any]:
    if not isinstance(schema, dict):
        return []
    return [leaf for error in jsonschema.Draft4Validator(schema).iter_errors(document) for leaf in _walk(error)]


def _walk(error: Any) -> Iterator[Any]:
    yield error
    for child in error.context or ():
        yield from _walk(child)


def _pointer(parts: list[Any]) -> str:
    return "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)
