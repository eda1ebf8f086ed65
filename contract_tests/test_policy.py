"""schemathesis.toml keeps its promises: every switched-off check has a reason, the summary reports exactly what
schemathesis switches off, and the checks the contract relies on run on every operation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from schemathesis.core.result import Ok

from . import policy
from .cases import schema_for
from .specs import contract_specs

# The checks the contract is made of; none may be off for an operation in every phase.
REQUIRED_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
)
PHASES = ("examples", "coverage", "fuzzing")


def _operations() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for spec in contract_specs():
        for result in schema_for(spec.name).get_all_operations():
            if isinstance(result, Ok):
                found.append((spec.name, result.ok()))
    return found


def test_every_switched_off_check_has_a_reason() -> None:
    entries = policy.disabled_checks()
    assert entries, "schemathesis.toml switches nothing off: then this test and policy.py can go"
    assert all(len(entry.reason) > 40 for entry in entries), [e.label for e in entries if len(e.reason) <= 40]


def test_a_switch_without_reason_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text("[checks]\n# just because\nignored_auth.enabled = false\n", encoding="utf-8")
    with pytest.raises(ValueError, match="has no `# reason:` comment"):
        policy.disabled_checks(config)


@pytest.mark.parametrize(("spec_name", "operation"), _operations(), ids=lambda v: getattr(v, "label", v))
def test_summary_reports_what_schemathesis_switches_off(spec_name: str, operation: Any) -> None:
    project = schema_for(spec_name).config
    reported = policy.disabled_for(operation)
    for phase in PHASES:
        checks = project.checks_config_for(operation=operation, phase=phase)
        off = {name for name in policy.REPORTED_CHECKS if not checks.get_by_name(name=name).enabled}
        expected = {label.split(" (")[0] for label in reported if "(" not in label or f"({phase} phase)" in label}
        assert off == expected, f"{spec_name} {operation.label}, {phase} phase: schemathesis {off}, summary {expected}"


@pytest.mark.parametrize(("spec_name", "operation"), _operations(), ids=lambda v: getattr(v, "label", v))
def test_contract_checks_run_on_every_operation(spec_name: str, operation: Any) -> None:
    project = schema_for(spec_name).config
    for name in REQUIRED_CHECKS:
        phases_on = [
            p for p in PHASES if project.checks_config_for(operation=operation, phase=p).get_by_name(name=name).enabled
        ]
        assert phases_on, f"{spec_name} {operation.label}: {name} is off in every phase"
