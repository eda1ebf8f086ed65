"""What the contract run did, per operation: cases sent, distinct failures, client checks, disabled checks.

Filled by the schemathesis test (cases), by conftest's report hooks (failures, client test outcomes) and by
policy.py (disabled checks); rendered once at the end into the terminal and build/contract/summary.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .specs import Operation


@dataclass
class Outcomes:
    passed: int = 0
    failed: int = 0
    known: int = 0

    def render(self) -> str:
        total = self.passed + self.failed + self.known
        if not total:
            return "not run"
        text = f"{self.passed}/{total} passed"
        return text + (f", {self.known} xfail" if self.known else "")


@dataclass
class OperationRow:
    spec: str
    label: str
    operation_id: str | None
    selected: bool = False
    cases: int = 0
    # Cases not sent because Prism would not answer them from the spec (test_schemathesis.withheld_reason).
    withheld: int = 0
    failed_checks: list[str] = field(default_factory=list)
    # Direct tests per kind ("client": test_client.py, "rules": test_rules.py): passed, failed, and expected
    # failures (strict xfail: a known fault, reported as such).
    direct: dict[str, Outcomes] = field(default_factory=dict)
    disabled: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class ContractReport:
    rows: dict[tuple[str, str], OperationRow] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    schemathesis_items: int = 0
    zero_case_failure: bool = False

    def row(self, operation: Operation) -> OperationRow:
        key = operation.key
        if key not in self.rows:
            self.rows[key] = OperationRow(operation.spec, operation.label, operation.operation_id)
        return self.rows[key]

    def row_for(self, spec: str, label: str) -> OperationRow:
        return self.rows.setdefault((spec, label), OperationRow(spec, label, None))

    @property
    def total_cases(self) -> int:
        return sum(row.cases for row in self.rows.values())

    @property
    def schemathesis_seconds(self) -> float:
        return sum(row.seconds for row in self.rows.values())

    def render(self) -> str:
        """A Markdown table (readable as plain text too) plus the reasons for disabled checks."""
        reasons: dict[str, int] = {}
        lines = [
            "| spec | operation | operationId | cases | failures | client tests | rule tests | checks disabled |",
            "|---|---|---|---:|---|---|---|---|",
        ]
        for row in sorted(self.rows.values(), key=lambda r: (r.spec, r.label)):
            disabled = []
            for check, reason in sorted(row.disabled.items()):
                number = reasons.setdefault(reason, len(reasons) + 1)
                disabled.append(f"{check} [{number}]")
            cases = str(row.cases) if row.selected else "not run"
            if row.withheld:
                cases += f" (+{row.withheld} withheld)"
            failures = ", ".join(row.failed_checks) if row.failed_checks else "0"
            client = row.direct.get("client", Outcomes()).render()
            rules = row.direct.get("rules", Outcomes()).render()
            lines.append(
                f"| {row.spec} | {row.label} | {row.operation_id or '-'} | {cases} | {failures} | {client} "
                f"| {rules} | {', '.join(disabled) or '-'} |"
            )
        lines.append("")
        for reason, number in reasons.items():
            lines.append(f"[{number}] {reason}")
        seconds = self.schemathesis_seconds
        if self.total_cases and seconds > 0:
            lines += [
                "",
                f"schemathesis: {self.total_cases} cases in {seconds:.1f}s = {self.total_cases / seconds:.0f} cases/s "
                f"(generation, request to Prism and checks); contract session so far "
                f"{time.perf_counter() - self.started:.1f}s.",
            ]
        return "\n".join(lines) + "\n"
