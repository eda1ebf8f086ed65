"""Run every benchmark and print one table: `python -m bench` (what `make bench` runs).

Each benchmark runs in its own interpreter (`python -m bench.<name>`), one after another, so none
inherits another's imports, threads or memory. The combined table goes to stdout and to
build/bench/results.md (BENCH_OUT=<dir> writes elsewhere). `BENCH_ONLY=import_time,peak_rss` runs a
subset. Exit status 1 if a benchmark crashed; a missed target is reported, not an error
(`BENCH_STRICT=1` makes it one).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from ._common import OUT, REPO, Report, bria_client_status, environment, load, notes, table

BENCHMARKS = (
    "import_time",
    "call_overhead",
    "wait_overshoot",
    "cold_wait",
    "batch_throughput",
    "peak_rss",
    "cli_startup",
    "cli_batch",
)


def main() -> int:
    started = time.monotonic()
    only = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
    names = [name for name in BENCHMARKS if not only or name in only]
    usable, client_text = bria_client_status()
    print(f"benchmarks: {', '.join(names)}; {client_text}; python {sys.executable}", flush=True)
    crashed: list[str] = []
    reports: list[Report] = []
    for name in names:
        (OUT / f"{name}.json").unlink(missing_ok=True)
        print(f"\n== python -m bench.{name}", flush=True)
        done = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=REPO)
        report = load(name)
        if done.returncode != 0 or report is None:
            crashed.append(name)
        else:
            reports.append(report)
    total = time.monotonic() - started

    rows = [row for report in reports for row in report.rows]
    env = environment()
    lines = [
        "# Benchmark results",
        "",
        f"`make bench` / `python -m bench`, {time.strftime('%Y-%m-%d %H:%M:%S')}: python {env['python']}, "
        f"httpx {env['httpx']}, {client_text}, {env['cpus']} CPUs, load average {env['loadavg_1m']} at the end. "
        "Ratios are ours / baseline, measured in the same run; medians over repetitions.",
        "",
        table(rows),
        "",
        "## Notes",
        "",
        notes(rows),
        "",
        "## Commands and runtimes",
        "",
        *[f"- `{report.command}`: {report.seconds:.1f} s" for report in reports],
        f"- total: {total:.1f} s",
    ]
    if crashed:
        lines += ["", f"**Crashed:** {', '.join(crashed)} (see the output above)."]
    if not usable:
        lines += ["", f"bria-client comparisons skipped: {client_text}."]
    text = "\n".join(lines) + "\n"
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.md").write_text(text)
    print("\n" + text)
    print(f"(written to {OUT / 'results.md'})")
    if crashed:
        return 1
    if os.environ.get("BENCH_STRICT") and any(row.result == "FAIL" for row in rows):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
