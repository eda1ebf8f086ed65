"""The generated clients against Prism: they send what the spec accepts and parse everything the spec documents.

For every operation of every effective spec (contract flavour, mocked by Prism):

- the spec's example request, made as a typed call through the generated client, is accepted (no
  `sl-violations`) and the answer is parsed into the documented model;
- generated valid requests (schemathesis, positive mode) are accepted too;
- every documented status (`Prefer: code=N`), as Prism's static example and as dynamic answers from Prism
  started with fixed seeds (`Prefer: dynamic=true`), comes back as a typed outcome carrying status and body:
  a `Response` (or the generator's `UnexpectedStatus`), never ValueError, KeyError or JSONDecodeError;
- an async job round trip: submit (202 with `request_id` and `status_url`), then poll the status URL through the
  generated status client.

Every raw answer is also checked by schemathesis' `validate_response` against the spec.
"""

from __future__ import annotations

import datetime
import importlib
import re
import types
from typing import Any
from urllib.parse import urlsplit

import httpx
import hypothesis
import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.generation import GenerationMode

from . import settings
from .cases import api_operation, example_case, with_body
from .client_calls import RecordingTransport, Supervise, client_for, endpoint_module, typed_arguments
from .prism import PrismServer
from .prism_limits import withheld_reason
from .specs import Operation, all_operations, contract_specs, spec_named

OPERATIONS = list(all_operations())
_FALLBACK_STATUSES = (599, 520, 418)


def concrete_status(operation: Operation, key: str) -> int:
    """A status code Prism can be asked for that the response key `key` covers (`5XX` -> 500)."""
    declared = {k for k in operation.documented_statuses() if k.isdigit()}
    if key.isdigit():
        return int(key)
    if key.upper().endswith("XX"):
        base = int(key[0]) * 100
        return next(code for code in range(base, base + 100) if str(code) not in declared)
    return next(code for code in _FALLBACK_STATUSES if str(code) not in declared)


STATUS_CASES = [(operation, key) for operation in OPERATIONS for key in operation.documented_statuses()]


def _test_id(value: Any) -> str | None:
    return value.test_id if isinstance(value, Operation) else None


# --- calling the generated client --------------------------------------------------------------------------------
def call_client(
    operation: Operation, server: PrismServer, supervise: Supervise, case: Case[Any], prefer: str | None = None
) -> tuple[Any, httpx.Response]:
    """Typed call through the generated client; returns (Response or the exception it raised, raw response)."""
    spec = spec_named(operation.spec)
    module = endpoint_module(spec, operation)
    transport = RecordingTransport()
    client = client_for(spec, server.base_url, transport, {"Prefer": prefer} if prefer else {})
    arguments = typed_arguments(module, case)
    with client, supervise(server, f"{operation.spec} {operation.label}", transport.last_request):
        try:
            outcome: Any = module.sync_detailed(client=client, **arguments)
        except httpx.TransportError:
            raise
        except Exception as exc:  # the outcome under test: anything but a typed answer is a finding
            outcome = exc
    raw = transport.last
    _assert_sent_to(operation, raw.request, module)
    return outcome, raw


def _assert_sent_to(operation: Operation, request: httpx.Request, module: types.ModuleType) -> None:
    """The module found for the operation really sends its method and path."""
    assert request.method == operation.method, f"{module.__name__} sent {request.method}, spec says {operation.label}"
    pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(operation.path))
    assert re.fullmatch(pattern, request.url.path), f"{module.__name__} sent {request.url.path} for {operation.label}"


def _documented_key(operation: Operation, code: int) -> str | None:
    statuses = operation.documented_statuses()
    for key in (str(code), f"{str(code)[0]}XX", f"{str(code)[0]}xx", "default"):
        if key in statuses:
            return key
    return None


def assert_typed_outcome(operation: Operation, outcome: Any, raw: httpx.Response) -> None:
    """A typed answer carrying the status and the body; parsed into a model when the spec documents JSON."""
    where = f"{operation.spec} {operation.label} -> {raw.status_code}"
    errors = importlib.import_module(f"{spec_named(operation.spec).package}.errors")
    if isinstance(outcome, errors.UnexpectedStatus):
        assert outcome.status_code == raw.status_code and outcome.content == raw.content, where
        return
    assert not isinstance(outcome, BaseException), (
        f"{where}: the generated client raised {type(outcome).__name__}: {outcome!r} on a documented answer "
        f"(body {raw.content[:300]!r})"
    )
    assert int(outcome.status_code) == raw.status_code, where
    assert outcome.content == raw.content, where
    key = _documented_key(operation, raw.status_code)
    schema = operation.json_schema_for(key) if key else None
    if schema is not None and raw.content:
        assert outcome.parsed is not None, f"{where}: JSON body documented but not parsed: {raw.content[:300]!r}"
        if hasattr(outcome.parsed, "to_dict"):
            # The typed model keeps everything the server sent (additional properties included).
            parsed, sent = _instants(outcome.parsed.to_dict()), _instants(raw.json())
            assert parsed == sent, f"{where}: model {type(outcome.parsed).__name__} lost data"


_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _instants(value: Any) -> Any:
    """`value` with every RFC 3339 date-time string parsed: the model writes `2024-05-26T12:00:00Z` back as
    `...+00:00`, the same instant, and that is no lost data."""
    if isinstance(value, dict):
        return {k: _instants(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_instants(v) for v in value]
    if isinstance(value, str) and _DATE_TIME.match(value):
        return datetime.datetime.fromisoformat(value)  # Python 3.11 reads RFC 3339, `Z` included
    return value


def assert_accepted(operation: Operation, raw: httpx.Response) -> None:
    violations = raw.headers.get("sl-violations")
    assert not violations, (
        f"{operation.spec} {operation.label}: Prism rejected the generated client's request "
        f"({raw.status_code}): {violations}\nrequest: {raw.request.method} {raw.request.url} "
        f"{raw.request.content[:400]!r}"
    )
    assert 200 <= raw.status_code < 300, f"{operation.spec} {operation.label}: {raw.status_code} {raw.text[:300]}"


def assert_conforms(operation: Operation, raw: httpx.Response) -> None:
    """schemathesis' own response validation (status documented, content type, schema, headers)."""
    api_operation(operation).validate_response(raw)


# --- tests -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("operation", OPERATIONS, ids=_test_id)
def test_example_request_is_accepted_and_answer_parsed(
    operation: Operation, prism_mocks: dict[str, PrismServer], supervised: Supervise
) -> None:
    outcome, raw = call_client(operation, prism_mocks[operation.spec], supervised, example_case(operation))
    assert_accepted(operation, raw)
    assert_typed_outcome(operation, outcome, raw)
    assert_conforms(operation, raw)


@pytest.mark.parametrize(("operation", "status"), STATUS_CASES, ids=_test_id)
def test_every_documented_status_gives_a_typed_outcome(
    operation: Operation,
    status: str,
    prism_mocks: dict[str, PrismServer],
    prism_dynamic: dict[tuple[str, int], PrismServer],
    supervised: Supervise,
) -> None:
    code = concrete_status(operation, status)
    # Static answers: every named example the spec gives for this status (Prism's `example=` preference), else
    # the one Prism picks; dynamic answers: one per seeded Prism.
    named = _response_example_names(operation, status)
    answers = [(prism_mocks[operation.spec], f"code={code}, example={name}") for name in named]
    answers += [] if named else [(prism_mocks[operation.spec], f"code={code}")]
    answers += [
        (prism_dynamic[(operation.spec, seed)], f"code={code}, dynamic=true") for seed in settings.dynamic_seeds()
    ]
    for server, prefer in answers:
        outcome, raw = call_client(operation, server, supervised, example_case(operation), prefer)
        assert raw.status_code == code, f"{server.name}: asked Prism for {code} ({prefer}), got {raw.status_code}"
        assert "sl-violations" not in raw.headers, raw.headers["sl-violations"]
        assert_typed_outcome(operation, outcome, raw)
        assert_conforms(operation, raw)


def _response_example_names(operation: Operation, status: str) -> list[str]:
    content = operation.response(status).get("content") or {}
    return [name for media in content.values() if isinstance(media, dict) for name in media.get("examples") or {}]


_GENERATED = hypothesis.settings(
    max_examples=settings.client_examples(),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.parametrize("operation", OPERATIONS, ids=_test_id)
@_GENERATED
@hypothesis.given(data=st.data())
def test_generated_requests_are_accepted(
    operation: Operation,
    data: st.DataObject,
    prism_mocks: dict[str, PrismServer],
    supervised: Supervise,
) -> None:
    case = data.draw(api_operation(operation).as_strategy(generation_mode=GenerationMode.POSITIVE))
    hypothesis.assume(withheld_reason(case) is None)
    outcome, raw = call_client(operation, prism_mocks[operation.spec], supervised, case)
    assert_accepted(operation, raw)
    assert_typed_outcome(operation, outcome, raw)
    assert_conforms(operation, raw)


def _multipart_booleans(operation: Operation) -> list[str]:
    media = operation.definition.get("requestBody", {}).get("content", {}).get("multipart/form-data", {})
    properties = media.get("schema", {}).get("properties", {})
    return [name for name, prop in properties.items() if prop.get("type") == "boolean"]


MULTIPART_BOOLEANS = [(operation, name) for operation in OPERATIONS for name in _multipart_booleans(operation)]


@pytest.mark.parametrize(("operation", "name"), MULTIPART_BOOLEANS, ids=lambda v: getattr(v, "test_id", v))
def test_multipart_booleans_are_sent_as_the_spec_reads_them(
    operation: Operation, name: str, prism_mocks: dict[str, PrismServer], supervised: Supervise
) -> None:
    case = example_case(operation)
    example: dict[str, Any] = case.body if isinstance(case.body, dict) else {}
    body = {**example, name: True}
    _outcome, raw = call_client(operation, prism_mocks[operation.spec], supervised, with_body(case, body))
    assert_accepted(operation, raw)


# --- async job round trip ----------------------------------------------------------------------------------------
def _async_submissions() -> list[Operation]:
    found = []
    for operation in OPERATIONS:
        schema = operation.json_schema_for("202")
        if schema is not None and "status_url" in _property_names(operation, schema):
            found.append(operation)
    return found


def _property_names(operation: Operation, schema: dict[str, Any]) -> set[str]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        node: Any = spec_named(operation.spec).document
        for part in ref[2:].split("/"):
            node = node[part]
        return _property_names(operation, node)
    return set(schema.get("properties", {}))


ASYNC_SUBMISSIONS = _async_submissions()


def test_some_operation_documents_an_async_job() -> None:
    assert ASYNC_SUBMISSIONS, "no operation documents a 202 answer with `status_url`: the v2 async contract is missing"


def _status_operation(status_url: str) -> tuple[Operation, dict[str, str]]:
    """The operation (in any spec) whose server path + path template matches the status URL."""
    path = urlsplit(status_url).path
    for spec in contract_specs():
        for server in spec.document.get("servers", [{"url": ""}]):
            base = urlsplit(server.get("url", "")).path.rstrip("/")
            for operation in spec.operations():
                if operation.method != "GET":
                    continue
                names = re.findall(r"\{([^}]+)\}", operation.path)
                pattern = re.escape(base + operation.path)
                for name in names:
                    pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<{name}>[^/]+)")
                match = re.fullmatch(pattern, path)
                if match:
                    return operation, match.groupdict()
    raise LookupError(f"no GET operation of {[s.name for s in contract_specs()]} serves {status_url}")


@pytest.mark.parametrize("operation", ASYNC_SUBMISSIONS, ids=_test_id)
def test_async_job_round_trip(operation: Operation, prism_mocks: dict[str, PrismServer], supervised: Supervise) -> None:
    outcome, raw = call_client(
        operation, prism_mocks[operation.spec], supervised, example_case(operation), prefer="code=202"
    )
    assert raw.status_code == 202
    assert_typed_outcome(operation, outcome, raw)
    job = outcome.parsed
    assert job.request_id and job.status_url, f"{operation.spec} {operation.label}: 202 without a job: {raw.text}"
    status_operation, path_parameters = _status_operation(str(job.status_url))
    status_case = example_case(status_operation)
    poll_case = status_case.operation.Case(path_parameters=path_parameters, query=dict(status_case.query or {}))
    polled, raw_poll = call_client(
        status_operation, prism_mocks[status_operation.spec], supervised, poll_case, prefer="code=200"
    )
    assert raw_poll.status_code == 200, raw_poll.text
    assert_typed_outcome(status_operation, polled, raw_poll)
    assert polled.parsed is not None and getattr(polled.parsed, "status", None), raw_poll.text
    assert_conforms(status_operation, raw_poll)
