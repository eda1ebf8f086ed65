"""The contract suite can fail, and says why.

Each test here breaks something on purpose and checks the failure names what broke:

- a mutated copy of a contract spec (a response schema requiring a field Prism's answer lacks; a request schema
  forbidding the spec's own example) makes a real run of the suite (pytest in a subprocess, own Prism, own
  output folder) fail, naming the operation and the check;
- a run that executes no case fails;
- Prism's death is reported as such: killed from outside, or crashed by a multipart file part without a
  Content-Type (stoplightio/prism#2672), the next supervised request fails with `PrismDied` naming the request in
  flight and the log; in a full schemathesis run the session stops at the first failure instead of cascading.

Operations are chosen from the specs by shape, never by name, so the tests keep working as the specs change.
"""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from bria_pipeline.documents import HTTP_METHODS

from . import settings
from .cases import documented_request_examples
from .prism import PrismDied, PrismServer, start
from .specs import Operation, all_operations, contract_specs, spec_named

_SUBPROCESS_TIMEOUT = 240


# --- helpers -----------------------------------------------------------------------------------------------------
def _only(spec_name: str, *operations: Operation) -> dict[str, Any]:
    """A copy of the spec's document that keeps just these operations, in this order."""
    document = copy.deepcopy(spec_named(spec_name).document)
    paths: dict[str, Any] = {}
    for operation in operations:
        item = document["paths"][operation.path]
        kept = paths.setdefault(operation.path, {k: v for k, v in item.items() if k.lower() not in HTTP_METHODS})
        kept[operation.method.lower()] = item[operation.method.lower()]
    document["paths"] = paths
    return document


def _operation_node(document: dict[str, Any], operation: Operation) -> dict[str, Any]:
    node: dict[str, Any] = document["paths"][operation.path][operation.method.lower()]
    return node


def _run_suite(tmp_path: Path, spec_name: str, document: dict[str, Any], *pytest_args: str) -> tuple[int, str, Path]:
    """Run the contract suite in a subprocess on `document` as the spec `spec_name`; returns code, output, out dir."""
    spec_dir = tmp_path / "specs"
    spec_dir.mkdir(exist_ok=True)
    (spec_dir / f"{spec_name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    env = {
        **os.environ,
        "CONTRACT_SPEC_DIR": str(spec_dir),
        "CONTRACT_SPECS": spec_name,
        "CONTRACT_OUTPUT_DIR": str(out),
        "CONTRACT_MAX_EXAMPLES": "5",
        "CONTRACT_CLIENT_EXAMPLES": "2",
        "CONTRACT_DYNAMIC_SEEDS": "1",
    }
    command = [
        sys.executable, "-m", "pytest", *pytest_args,
        "-p", "no:cacheprovider", "-q", "--junitxml", str(out / "junit.xml"),
    ]  # fmt: skip
    run = subprocess.run(
        command,
        cwd=settings.REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=_SUBPROCESS_TIMEOUT,
        check=False,
    )
    return run.returncode, run.stdout + run.stderr, out


def _failed_testcases(out: Path) -> list[str]:
    tree = ET.parse(out / "junit.xml")
    return [case.get("name", "") for case in tree.iter("testcase") if case.find("failure") is not None]


def _first(predicate: Any, what: str) -> Operation:
    for operation in all_operations():
        if predicate(operation):
            return operation
    pytest.fail(f"no operation in {[s.name for s in contract_specs()]} {what}")


def _success_json_schema(operation: Operation) -> tuple[str, dict[str, Any]] | None:
    for status in operation.documented_statuses():
        if status.startswith("2") and operation.json_schema_for(status) is not None:
            return status, operation.json_schema_for(status) or {}
    return None


# --- mutated specs make the run fail -----------------------------------------------------------------------------
def test_response_schema_requiring_a_missing_field_fails_the_run(tmp_path: Path) -> None:
    operation = _first(lambda op: _success_json_schema(op) is not None, "documents a JSON success answer")
    status, _schema = _success_json_schema(operation) or ("", {})
    document = _only(operation.spec, operation)
    content = _operation_node(document, operation)["responses"][status]["content"]
    media_type = next(mt for mt in content if "json" in mt)
    original = content[media_type]["schema"]
    # Prism answers with the spec's example, which cannot contain a field invented here.
    content[media_type]["schema"] = {
        "allOf": [original, {"type": "object", "required": ["contract_harness_field"]}],
    }
    code, output, out = _run_suite(
        tmp_path, operation.spec, document, "contract_tests/test_schemathesis.py", "contract_tests/test_client.py",
        "-k", "test_contract or example_request",
    )  # fmt: skip
    assert code == 1, output
    item = f"test_contract[{operation.spec}][{operation.label}]"
    assert item in _failed_testcases(out), output
    # The operation and the check are named, in the failure and in the per-operation summary.
    assert "Response violates schema" in output and "contract_harness_field" in output, output
    summary_line = next(
        line for line in output.splitlines() if line.startswith(f"| {operation.spec} | {operation.label} |")
    )
    assert "response_schema_conformance" in summary_line, summary_line
    # The generated client's answer is validated against the same spec, so that layer fails too.
    assert f"test_example_request_is_accepted_and_answer_parsed[{operation.test_id}]" in _failed_testcases(out)


def _example_with_long_string(operation: Operation) -> tuple[str, str] | None:
    """(media type, property) of a body example holding a string the schema declares, at least 2 chars long."""
    for label, case in documented_request_examples(operation):
        media_type = label.split(" ", 1)[0]
        if not isinstance(case.body, dict) or "/" not in media_type:
            continue
        schema = operation.definition["requestBody"]["content"][media_type].get("schema", {})
        for name, value in case.body.items():
            if isinstance(value, str) and len(value) > 1 and name in schema.get("properties", {}):
                return media_type, name
    return None


def test_request_schema_forbidding_its_own_example_fails_the_run(tmp_path: Path) -> None:
    operation = _first(lambda op: _example_with_long_string(op) is not None, "has a body example with a string")
    media_type, name = _example_with_long_string(operation) or ("", "")
    document = _only(operation.spec, operation)
    schema = _operation_node(document, operation)["requestBody"]["content"][media_type]["schema"]
    schema["properties"][name]["maxLength"] = 1
    code, output, out = _run_suite(
        tmp_path, operation.spec, document, "contract_tests/test_schemathesis.py", "contract_tests/test_rules.py",
        "-k", "test_contract or documented_request_examples",
    )  # fmt: skip
    assert code == 1, output
    assert f"test_documented_request_examples_are_accepted[{operation.test_id}]" in _failed_testcases(out), output
    assert f"{operation.spec} {operation.label}" in output and "maxLength" in output, output


def test_a_run_that_executes_no_case_fails(tmp_path: Path) -> None:
    spec = contract_specs()[-1]
    code, output, _out = _run_suite(
        tmp_path, spec.name, spec.document, "contract_tests/test_schemathesis.py", "-k", "no_operation_is_called_this"
    )
    assert code == 1, output
    assert "executed no case" in output, output


# --- Prism's death -----------------------------------------------------------------------------------------------
def _multipart_file_operation() -> tuple[Operation, str]:
    for operation in all_operations():
        media = operation.definition.get("requestBody", {}).get("content", {}).get("multipart/form-data", {})
        for name, prop in (media.get("schema") or {}).get("properties", {}).items():
            if prop.get("format") == "binary":
                return operation, name
    pytest.fail("no operation has a multipart file part")


def _without_part_content_types(operation: Operation, *others: Operation) -> dict[str, Any]:
    document = _only(operation.spec, operation, *others)
    _operation_node(document, operation)["requestBody"]["content"]["multipart/form-data"].pop("encoding", None)
    return document


def test_killed_prism_is_reported_with_the_request_in_flight(tmp_path: Path) -> None:
    spec = contract_specs()[-1]
    server = start(f"{spec.name}-harness", ["mock", str(spec.path)], tmp_path / "prism-killed.log")
    try:
        url = server.base_url + "/harness-probe"
        with server.supervise("GET /harness-probe", f"curl {url}"):
            httpx.get(url, timeout=5)
        os.kill(server.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
        with pytest.raises(PrismDied) as died, server.supervise("GET /after-death", f"curl {url}?again"):
            httpx.get(url, timeout=5)
    finally:
        server.stop()
    message = str(died.value)
    assert f"Prism ({spec.name}-harness, pid {server.pid}) died" in message
    assert "killed by signal 9" in message
    assert "GET /harness-probe" in message and f"curl {url}" in message, message
    assert str(tmp_path / "prism-killed.log") in message


def test_multipart_file_part_without_content_type_kills_prism_and_is_reported(tmp_path: Path) -> None:
    operation, part = _multipart_file_operation()
    spec_file = tmp_path / f"{operation.spec}.yaml"
    spec_file.write_text(yaml.safe_dump(_without_part_content_types(operation), sort_keys=False), encoding="utf-8")
    server: PrismServer = start(f"{operation.spec}-crash", ["mock", str(spec_file)], tmp_path / "prism-crash.log")
    boundary = "harnessboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{part}"; filename="image.png"\r\n\r\n'
        f"\x89PNG\r\n--{boundary}--\r\n"
    ).encode("latin-1")
    sent = f"POST {operation.path} multipart part `{part}` with a filename and no Content-Type"
    try:
        with pytest.raises(PrismDied) as died, server.supervise(operation.label, sent):
            httpx.post(
                server.base_url + operation.path,
                content=body,
                headers={"content-type": f"multipart/form-data; boundary={boundary}", "api_token": "t"},
                timeout=10,
            )
    finally:
        server.stop()
    message = str(died.value)
    assert "died: the process exited with status" in message, message
    assert operation.label in message and sent in message, message
    assert "Cannot read properties of undefined (reading 'trim')" in message, message
    assert str(tmp_path / "prism-crash.log") in message


def test_prism_crash_stops_the_schemathesis_run_at_once(tmp_path: Path) -> None:
    operation, _part = _multipart_file_operation()
    later = next(op for op in spec_named(operation.spec).operations() if op != operation)
    document = _without_part_content_types(operation, later)
    started = time.monotonic()
    code, output, out = _run_suite(tmp_path, operation.spec, document, "contract_tests/test_schemathesis.py")
    assert code in (1, 2), output
    assert "died: the process exited with status" in output, output
    assert f"Operation in flight: {operation.spec} {operation.label}" in output, output
    assert str(out / f"prism-{operation.spec}.log") in output, output
    # The first failure says it all; the next operation is not run against a dead server.
    failed = _failed_testcases(out)
    assert failed == [f"test_contract[{operation.spec}][{operation.label}]"], (failed, output)
    run_names = [case.get("name") for case in ET.parse(out / "junit.xml").iter("testcase")]
    assert f"test_contract[{operation.spec}][{later.label}]" not in run_names, output
    assert "ConnectionRefusedError" not in output and "Connection refused" not in output, output
    assert time.monotonic() - started < _SUBPROCESS_TIMEOUT
