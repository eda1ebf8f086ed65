"""Session plumbing of the contract suite: Prism servers, the per-operation report, JUnit default, zero-case rule.

- `prism_mocks`: one `prism mock` per contract effective spec on a free 127.0.0.1 port, started once per session
  and always stopped; `prism_dynamic`: the same with `--seed N`, for reproducible `Prefer: dynamic=true` answers.
- `supervised`: wraps each request; if Prism has died, the test fails with `PrismDied` (operation, last request,
  log tail, log path) and the session stops at once instead of failing every later test with "connection refused".
- Report: every test item knows its (spec, operation); cases, failures and client outcomes end up in one table,
  printed in the terminal summary and written to <output dir>/summary.md.
- A run that selected the schemathesis test and executed no case fails, and so does an operation item that
  passed without executing a case.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.core.failures import Failure
from schemathesis.core.result import Ok

from . import policy, settings
from .prism import PrismDied, PrismServer, start_many
from .report import ContractReport, Outcomes
from .specs import Operation, contract_specs

REPORT = pytest.StashKey[ContractReport]()
# (spec name, operation label) of a test item, for the report.
OPERATION = pytest.StashKey[tuple[str, str]]()
# Which column of the report an item feeds: "schemathesis", or the test module ("client", "rules", "live").
KIND = pytest.StashKey[str]()

SCHEMATHESIS_TEST = "test_contract"
_SCHEMATHESIS_NAME = re.compile(rf"^{SCHEMATHESIS_TEST}\[(?P<spec>[^\]]+)\]\[(?P<label>.+)\]$")


# --- configuration and collection --------------------------------------------------------------------------------
@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.stash[REPORT] = ContractReport()
    # `make test` runs `pytest tests contract_tests` without --junitxml; the contract report still belongs in
    # the output folder. This runs before the junitxml plugin reads the option (tryfirst, and conftests
    # register after built-in plugins).
    if not getattr(config.option, "xmlpath", None):
        config.option.xmlpath = str(settings.output_dir() / "junit.xml")


def pytest_itemcollected(item: pytest.Item) -> None:
    report = item.config.stash[REPORT]
    match = _SCHEMATHESIS_NAME.match(item.name)
    if match:
        _give_unique_nodeid(item, f"{match['spec']}][{match['label']}")
        item.stash[OPERATION] = (match["spec"], match["label"])
        item.stash[KIND] = "schemathesis"
        report.schemathesis_items += 1
        return
    callspec = getattr(item, "callspec", None)
    operation = callspec.params.get("operation") if callspec is not None else None
    if isinstance(operation, Operation):
        item.stash[OPERATION] = operation.key
        # test_client.py -> "client", test_rules.py -> "rules": one report column each.
        module = getattr(item, "module", None)
        item.stash[KIND] = module.__name__.rsplit(".", 1)[-1].removeprefix("test_") if module else ""


def _give_unique_nodeid(item: pytest.Item, params: str) -> None:
    """Put the operation back into the node id of a schemathesis item.

    schemathesis 4.32.5 builds its items with `originalname`, from which pytest 9 derives the node id without the
    parametrization, so every operation item of `test_contract` has the same id and JUnit, --lf and --deselect
    cannot tell them apart. pytest 9 keeps the structured id in `_id` (`NodeId.with_params`); nothing to do on
    pytest versions that do not.
    """
    node_id = getattr(item, "_id", None)
    if node_id is not None and getattr(node_id, "params", "") is None:
        item._id = node_id.with_params(params)


def pytest_sessionstart(session: pytest.Session) -> None:
    report = session.config.stash[REPORT]
    for spec in contract_specs():
        for operation in spec.operations():
            report.row(operation)


# --- fixtures ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def contract_report(pytestconfig: pytest.Config) -> ContractReport:
    return pytestconfig.stash[REPORT]


@pytest.fixture(scope="session")
def prism_mocks() -> Iterator[dict[str, PrismServer]]:
    """One Prism mock per contract effective spec, keyed by document name (v1, v2, status)."""
    out = settings.output_dir()
    servers = start_many(
        [(spec.name, ["mock", str(spec.path)], out / f"prism-{spec.name}.log") for spec in contract_specs()]
    )
    try:
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture(scope="session")
def prism_dynamic() -> Iterator[dict[tuple[str, int], PrismServer]]:
    """Prism mocks started with `--seed N`: a `Prefer: dynamic=true` answer is then reproducible."""
    out = settings.output_dir()
    wanted = [
        (
            f"{spec.name}-seed{seed}",
            ["mock", "--seed", str(seed), str(spec.path)],
            out / f"prism-{spec.name}-seed{seed}.log",
        )
        for spec in contract_specs()
        for seed in settings.dynamic_seeds()
    ]
    started = start_many(wanted)
    servers = {
        (spec.name, seed): started[f"{spec.name}-seed{seed}"]
        for spec in contract_specs()
        for seed in settings.dynamic_seeds()
    }
    try:
        yield servers
    finally:
        for server in started.values():
            server.stop()


@pytest.fixture(scope="session")
def supervised(
    request: pytest.FixtureRequest,
) -> Callable[[PrismServer, str, str | Callable[[], str]], contextlib.AbstractContextManager[None]]:
    """`with supervised(server, operation, request_text): send()`; Prism's death stops the whole session.

    Session-scoped on purpose: Hypothesis runs many cases in one test call and rejects function-scoped fixtures.
    """
    session = request.session

    @contextlib.contextmanager
    def supervise(server: PrismServer, operation: str, sent: str | Callable[[], str]) -> Iterator[None]:
        try:
            with server.supervise(operation, sent):
                yield
        except PrismDied:
            # Stop after this test: every later request would fail the same way and bury the cause.
            session.shouldfail = f"Prism ({server.name}) died; see the first failure and {server.log_path}"
            raise

    return supervise


# --- reporting ---------------------------------------------------------------------------------------------------
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    key = item.stash.get(OPERATION, None)
    if key is None:
        return report
    contract = item.config.stash[REPORT]
    row = contract.row_for(*key)
    kind = item.stash.get(KIND, "")
    if kind == "schemathesis":
        row.selected = True
        if call.when == "call":
            # Generation, request and checks together: what a case really costs.
            row.seconds += report.duration
        if call.when == "call" and report.passed and row.cases == 0:
            # A green item that sent nothing proves nothing.
            report.outcome = "failed"
            report.longrepr = f"{item.name}: no case was executed for this operation (all generated cases withheld?)"
        if call.when == "call" and report.failed:
            row.failed_checks += _failed_checks(call.excinfo.value if call.excinfo else None) or ["no case executed"]
    elif call.when == "call" or report.failed:
        outcomes = row.direct.setdefault(kind, Outcomes())
        if hasattr(report, "wasxfail"):
            outcomes.known += 1
        elif report.passed:
            outcomes.passed += 1
        elif report.failed:
            outcomes.failed += 1
    return report


def _failed_checks(exc: BaseException | None) -> list[str]:
    """The check names behind a schemathesis failure (its Failure classes say which checks report them)."""
    if exc is None:
        return []
    if isinstance(exc, BaseExceptionGroup):
        return sorted({name for inner in exc.exceptions for name in _failed_checks(inner)})
    if isinstance(exc, Failure):
        return list(type(exc).checks) or [exc.title]
    if isinstance(exc, PrismDied):
        return ["Prism died"]
    return [type(exc).__name__]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    report = session.config.stash[REPORT]
    if report.schemathesis_items and report.total_cases == 0:
        report.zero_case_failure = True
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    report = config.stash[REPORT]
    if not report.schemathesis_items and not any(row.selected or row.direct for row in report.rows.values()):
        return
    _attach_disabled_checks(report)
    text = report.render()
    terminalreporter.write_sep("=", "contract summary (per operation)")
    terminalreporter.write_line(text)
    if report.zero_case_failure:
        terminalreporter.write_line(
            "FAILED: the contract run selected the schemathesis test but executed no case.", red=True, bold=True
        )
    summary = settings.output_dir() / "summary.md"
    summary.write_text("# Contract summary\n\n" + text, encoding="utf-8")
    terminalreporter.write_line(f"written to {summary}")


def _attach_disabled_checks(report: ContractReport) -> None:
    config = policy.load_config()
    for spec in contract_specs():
        schema = schemathesis.openapi.from_path(spec.path, config=config)
        for result in schema.get_all_operations():
            # An operation schemathesis cannot load already fails its own test item; it has no switches here.
            if isinstance(result, Ok):
                operation = result.ok()
                report.row_for(spec.name, operation.label).disabled = policy.disabled_for(operation)
