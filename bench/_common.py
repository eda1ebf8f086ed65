"""What every benchmark shares: repetitions, a server in its own process, result rows and the table.

Each benchmark module measures one thing, prints its rows and saves them to build/bench/<name>.json;
`python -m bench` runs them all (each in a fresh interpreter) and prints one table. Speed and memory
are ratios against baselines measured in the same run, never absolute thresholds, because the
machines are shared and noisy: every figure is a median over repetitions.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# The clients keep learned job durations across processes (bria/_history.py). Each benchmark decides what
# history it starts from; by default none, so a "cold" figure is cold whatever earlier runs learned.
os.environ.setdefault("BRIA_POLL_HISTORY", "off")


def _compile_project() -> None:
    # Measure as users run: pip writes bytecode when it installs a wheel, as it did for httpx and bria-client
    # here. The project is an editable install, and with PYTHONDONTWRITEBYTECODE set (as on these machines)
    # each fresh process would compile ours from source: megabytes of peak RSS and milliseconds of import
    # that no installed copy pays. compileall writes the missing __pycache__ files (ignored by git).
    import compileall

    for root in (REPO / "src" / "bria", REPO / "generated" / "python" / "bria"):
        compileall.compile_dir(root, quiet=1)


_compile_project()
OUT = Path(os.environ.get("BENCH_OUT") or REPO / "build" / "bench")
TOKEN = "bench-token"
# A v1 URL input: the local server never fetches it, so the call returns at once.
IMAGE_URL = "https://example.com/a.png"
BRIA_CLIENT = "bria-client"
BRIA_CLIENT_PIN = "0.3.1"


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def quantile(values: Sequence[float], q: float) -> float:
    """Nearest-rank quantile (q in [0, 1]); fine for the small samples used here."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def version_of(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def bria_client_status() -> tuple[bool, str]:
    """(usable, text): whether bria-client==0.3.1 is importable here, and what to say if not."""
    version = version_of(BRIA_CLIENT)
    if version is None:
        return False, f"{BRIA_CLIENT} not installed in this interpreter (use `make bench`: build/bench-venv)"
    if version != BRIA_CLIENT_PIN:
        return False, f"{BRIA_CLIENT} {version} installed, the comparison is pinned to {BRIA_CLIENT_PIN}"
    return True, f"{BRIA_CLIENT} {version}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server_process(*, job_duration: float = 0.0) -> Iterator[str]:
    """`python -m bria.testing` in a child process (its CPU and memory are not ours); yields the base URL."""
    port = free_port()
    command = [sys.executable, "-m", "bria.testing", "--port", str(port), "--token", TOKEN]
    # No request validation: the benchmarks measure the clients, and the server shares the machine's two cores
    # with them (jsonschema per request would be its largest cost). The contract suite and tests validate.
    command += ["--job-duration", str(job_duration), "--no-validate"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # printed once the socket listens
        if "Bria test server on" not in line:
            process.kill()
            _, err = process.communicate(timeout=10)
            raise RuntimeError(f"test server did not start: {line!r} {err[-2000:]!r}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Row:
    """One line of the results table; the cells are already formatted."""

    metric: str
    ours: str
    baselines: str
    ratio: str
    target: str
    result: str  # PASS, FAIL, info, n/a
    note: str = ""


@dataclass
class Report:
    name: str
    command: str
    rows: list[Row] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def ratio_text(value: float | None, against: str) -> str:
    return "n/a" if value is None else f"{value:.2f}x {against}"


def environment() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "cpus": os.cpu_count(),
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "httpx": version_of("httpx"),
        "bria-client": version_of(BRIA_CLIENT),
    }


def save(report: Report) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{report.name}.json"
    payload = asdict(report) | {"environment": environment()}
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    return path


def load(name: str) -> Report | None:
    path = OUT / f"{name}.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    rows = [Row(**row) for row in data["rows"]]
    return Report(data["name"], data["command"], rows, data["details"], data["seconds"])


HEADER = ("metric", "bria (ours)", "baseline(s)", "ratio", "target", "result")


def table(rows: Sequence[Row]) -> str:
    """A Markdown table; readable as plain text too."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    for row in rows:
        cells = (row.metric, row.ours, row.baselines, row.ratio, row.target, row.result)
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
    return "\n".join(lines)


def notes(rows: Sequence[Row]) -> str:
    return "\n".join(f"- {row.metric}: {row.note}" for row in rows if row.note)


def finish(report: Report, started: float) -> None:
    """Print a module's rows and save them (also when it runs on its own)."""
    report.seconds = round(time.monotonic() - started, 1)
    save(report)
    print(table(report.rows))
    text = notes(report.rows)
    if text:
        print(text)
    print(f"({report.name}: {report.seconds:.1f} s; saved to {OUT / report.name}.json)", flush=True)
