"""Import time of `bria` against `httpx` (target <= 1.5x) and `bria_client`, in fresh interpreters.

`python -m bench.import_time`. Each sample is the wall time of `python -c "import X"` minus the
median of `python -c "pass"` (interpreter start-up), median of BENCH_IMPORT_RUNS (default 21) runs,
the commands interleaved in a shuffled order each round so drift hits them alike. A second figure,
from `python -X importtime`, is the module's cumulative import time as the interpreter reports it
(median of the same number of runs); it is the cross-check, and it names the biggest contributors.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import time

from ._common import REPO, Report, Row, bria_client_status, env_int, finish, median, ratio_text, verdict

TARGET = 1.5
_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)\s*$")


def _wall(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _importtime(module: str) -> tuple[float, dict[str, float]]:
    """Cumulative seconds of `module`, and the self time of its subtree summed per top-level package."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    total = 0.0
    subtree: dict[str, float] = {}
    for line in done.stderr.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        name, depth = match.group(4), len(match.group(3)) // 2
        if depth == 0 and name != module:
            subtree = {}  # a start-up import (site, encodings...): not part of `module`
            continue
        top = name.split(".")[0]
        subtree[top] = subtree.get(top, 0.0) + int(match.group(1)) / 1e6
        if depth == 0:
            total = int(match.group(2)) / 1e6
            break
    return total, subtree


def main() -> None:
    started = time.monotonic()
    runs = env_int("BENCH_IMPORT_RUNS", 21)
    usable, client_text = bria_client_status()
    modules = ["httpx", "bria"] + (["bria_client"] if usable else [])
    codes = {"pass": "pass", **{m: f"import {m}" for m in modules}}

    for code in codes.values():  # compile bytecode caches before timing anything
        _wall(code)
    samples: dict[str, list[float]] = {name: [] for name in codes}
    rng = random.Random(1)
    for _ in range(runs):
        order = list(codes)
        rng.shuffle(order)
        for name in order:
            samples[name].append(_wall(codes[name]))
    startup = median(samples["pass"])
    wall = {m: max(median(samples[m]) - startup, 1e-6) for m in modules}

    reported: dict[str, list[float]] = {m: [] for m in modules}
    parts: dict[str, list[dict[str, float]]] = {m: [] for m in modules}
    for _ in range(runs):
        for m in modules:
            total, subtree = _importtime(m)
            reported[m].append(total)
            parts[m].append(subtree)
    importtime = {m: median(reported[m]) for m in modules}
    by_package = {
        m: dict(
            sorted(
                ((p, median([run.get(p, 0.0) for run in parts[m]])) for p in {p for run in parts[m] for p in run}),
                key=lambda item: -item[1],
            )
        )
        for m in modules
    }

    ratio = wall["bria"] / wall["httpx"]
    ratio_it = importtime["bria"] / importtime["httpx"]
    baselines = f"httpx {wall['httpx'] * 1e3:.0f} ms"
    ratios = ratio_text(ratio, "httpx")
    if usable:
        baselines += f"; bria_client {wall['bria_client'] * 1e3:.0f} ms"
        ratios += f"; {ratio_text(wall['bria'] / wall['bria_client'], 'bria_client')}"
    top = ", ".join(f"{name} {seconds * 1e3:.0f}" for name, seconds in list(by_package["bria"].items())[:7])
    note = (
        f"wall time minus `python -c pass` ({startup * 1e3:.0f} ms), median of {runs}; -X importtime cumulative: "
        f"bria {importtime['bria'] * 1e3:.0f} ms vs httpx {importtime['httpx'] * 1e3:.0f} ms ({ratio_it:.2f}x)"
        + (f", bria_client {importtime['bria_client'] * 1e3:.0f} ms" if usable else "")
        + f". `import bria` self time by package (ms): {top}."
    )
    if not usable:
        note += f" {client_text}."
    report = Report("import_time", "python -m bench.import_time")
    report.rows.append(
        Row(
            metric="import time",
            ours=f"{wall['bria'] * 1e3:.0f} ms",
            baselines=baselines,
            ratio=ratios,
            target=f"<= {TARGET:.2f}x httpx",
            result=verdict(ratio <= TARGET),
            note=note,
        )
    )
    report.details = {
        "runs": runs,
        "startup_s": startup,
        "wall_s": wall,
        "importtime_s": importtime,
        "samples_s": samples,
        "importtime_samples_s": reported,
        "self_time_by_package_s": by_package,
        "bria_client": client_text,
    }
    finish(report, started)


if __name__ == "__main__":
    main()
