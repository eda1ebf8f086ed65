"""Each effective spec against itself: schemathesis generates requests from the contract spec, sends them to a
Prism mock of the same spec, and checks the answers (`case.call_and_validate`).

Prism validates every request against the spec and answers from the spec, so a failure here means the spec
contradicts itself: a request it allows is rejected, one it forbids is accepted, or an answer built from its
own examples and schemas does not conform to it. One test item per operation
(`test_contract[image_editing_v1][POST /eraser]`).
Policy (seed, headers, disabled checks with reasons) is in schemathesis.toml; the budget in CONTRACT_MAX_EXAMPLES.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import hypothesis
import schemathesis
from schemathesis import Case

from . import policy
from .prism import PrismServer
from .prism_limits import withheld_reason
from .report import ContractReport
from .specs import contract_specs

_CONFIG = policy.load_config()
_SCHEMAS = {spec.name: schemathesis.openapi.from_path(spec.path, config=_CONFIG) for spec in contract_specs()}


@schemathesis.pytest.parametrize(**_SCHEMAS)
def test_contract(
    case: Case[Any],
    prism_mocks: dict[str, PrismServer],
    supervised: Callable[[PrismServer, str, str], contextlib.AbstractContextManager[None]],
    contract_report: ContractReport,
) -> None:
    spec = _spec_of(case)
    server = prism_mocks[spec]
    row = contract_report.row_for(spec, case.operation.label)
    if withheld_reason(case) is not None:
        row.withheld += 1
        hypothesis.reject()
    row.cases += 1
    with supervised(server, f"{spec} {case.operation.label}", case.as_curl_command(base_url=server.base_url)):
        case.call_and_validate(base_url=server.base_url)


def _spec_of(case: Case[Any]) -> str:
    location = case.operation.schema.location
    for name, schema in _SCHEMAS.items():
        if schema.location == location:
            return name
    raise LookupError(f"no contract spec loaded from {location}")
