"""contract_tests/schemathesis.toml as the suite uses it: the schemathesis config plus the reason for every check
it switches off.

Schemathesis validates its config strictly (no extra keys), so a reason can only be a TOML comment. This module
reads the comment block right above each `X.enabled = false` line (or above its `[[operations]]` block) and
requires it to start with "reason:".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemathesis.config import OperationConfig, OperationsConfig, SchemathesisConfig
from schemathesis.schemas import APIOperation

from . import settings

# Every built-in check whose switch the summary reports (stateful-only checks never run under pytest).
REPORTED_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "ignored_auth",
)

_DISABLED_LINE = re.compile(
    r"^\s*(?:phases\.(?P<phase>[a-z]+)\.)?(?:checks\.)?(?P<check>[a-z_]+)\.enabled\s*=\s*false\b"
)
_TABLE_LINE = re.compile(r"^\s*\[(?P<array>\[)?\s*(?P<name>[^\]]+?)\s*\]")


@dataclass(frozen=True)
class DisabledCheck:
    check: str
    reason: str
    # None: disabled for every operation; else the index of the [[operations]] block.
    block: int | None
    # None: in every phase; else only in this schemathesis phase (examples, coverage, fuzzing).
    phase: str | None = None

    @property
    def label(self) -> str:
        return f"{self.check} ({self.phase} phase)" if self.phase else self.check


def load_config(path: Path = settings.SCHEMATHESIS_CONFIG) -> SchemathesisConfig:
    """The schemathesis config of the suite, with the example budget from CONTRACT_MAX_EXAMPLES."""
    config = SchemathesisConfig.from_path(path)
    config.projects.override.generation.update(max_examples=settings.max_examples())
    return config


def disabled_checks(path: Path = settings.SCHEMATHESIS_CONFIG) -> list[DisabledCheck]:
    """Every `enabled = false` of the file with its reason; raises ValueError if a reason is missing."""
    found: list[DisabledCheck] = []
    comment: list[str] = []
    block_reason = ""
    table = ""
    block: int | None = None
    blocks_seen = -1
    problems: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            comment.append(stripped.lstrip("#").strip())
            continue
        table_match = _TABLE_LINE.match(line)
        if table_match:
            table = table_match["name"]
            if table_match["array"] and table == "operations":
                blocks_seen += 1
                block = blocks_seen
                block_reason = _reason(comment)
            elif not table.startswith("operations."):
                block, block_reason = None, ""
        disabled = _DISABLED_LINE.match(line)
        if disabled and (table == "checks" or block is not None):
            reason = _reason(comment) or (block_reason if block is not None else "")
            if not reason:
                problems.append(f"{path.name}:{number}: `{stripped}` has no `# reason:` comment above it")
            found.append(DisabledCheck(disabled["check"], reason, block, disabled["phase"]))
        # Only a comment block directly above a line (no blank line between) belongs to it.
        comment = []
    if problems:
        raise ValueError("\n".join(problems))
    return found


def _reason(comment: list[str]) -> str:
    if not comment or not comment[0].lower().startswith("reason:"):
        return ""
    text = " ".join(comment)
    return text[len("reason:") :].strip()


def operation_blocks(path: Path = settings.SCHEMATHESIS_CONFIG) -> list[OperationConfig]:
    """The [[operations]] blocks of the file, in order, as schemathesis parses them."""
    with path.open("rb") as handle:
        raw: dict[str, Any] = tomllib.load(handle)
    return [OperationConfig.from_dict(block) for block in raw.get("operations", [])]


def disabled_for(
    operation: APIOperation[Any, Any, Any, Any], path: Path = settings.SCHEMATHESIS_CONFIG
) -> dict[str, str]:
    """Check label -> reason, for every check switched off for this operation (globally or by a block).

    A label is the check name, plus "(<phase> phase)" when the switch applies to one phase only.
    """
    blocks = operation_blocks(path)
    result: dict[str, str] = {}
    for entry in disabled_checks(path):
        if entry.block is None:
            result[entry.label] = entry.reason
            continue
        # A one-block OperationsConfig answers "does this block select the operation" through public API.
        selected = OperationsConfig(operations=[blocks[entry.block]]).get_for_operation(operation)
        checks = selected.phases.get_by_name(name=entry.phase).checks if entry.phase else selected.checks
        if not checks.get_by_name(name=entry.check).enabled:
            result[entry.label] = entry.reason
    return result
