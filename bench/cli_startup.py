"""Start-up time of the `bria` command: `bria --help` and `bria <document> --help` in fresh processes.

`python -m bench.cli_startup`. Each sample is the wall time of one fresh process; the figure is the median of
BENCH_CLI_RUNS (default 10) runs, the commands interleaved in a shuffled order each round so drift hits them
alike. The baseline is `python -c pass` (the interpreter's own start-up) and, for context, `python -c "import
bria"`: the command cannot start faster than the package it belongs to imports (`bria` imports httpx, and
httpx imports its own CLI, Rich and click among it, when click is installed). `bria --help` must import no
facade (`bria.resources.<document>`) and `bria <document> --help` only that document's.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ._common import REPO, Report, Row, env_int, finish, median

DOCUMENT = "image_editing"


def _bria() -> list[str]:
    # The console script next to this interpreter (what users run), else the module form.
    script = Path(sys.executable).with_name("bria")
    found = str(script) if script.exists() else shutil.which("bria")
    return [found] if found else [sys.executable, "-m", "bria.cli"]


def _wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    started = time.monotonic()
    runs = env_int("BENCH_CLI_RUNS", 10)
    bria = _bria()
    commands = {
        "pass": [sys.executable, "-c", "pass"],
        "import bria": [sys.executable, "-c", "import bria"],
        "bria --help": [*bria, "--help"],
        f"bria {DOCUMENT} --help": [*bria, DOCUMENT, "--help"],
    }
    for command in commands.values():  # bytecode caches compiled before anything is timed
        _wall(command)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    rng = random.Random(1)
    for _ in range(runs):
        order = list(commands)
        rng.shuffle(order)
        for name in order:
            samples[name].append(_wall(commands[name]))
    wall = {name: median(values) for name, values in samples.items()}
    base, package = wall["pass"], wall["import bria"]

    report = Report("cli_startup", "python -m bench.cli_startup")
    for name in ("bria --help", f"bria {DOCUMENT} --help"):
        report.rows.append(
            Row(
                metric=f"CLI start-up, `{name}`",
                ours=f"{wall[name] * 1e3:.0f} ms",
                baselines=f"python -c pass {base * 1e3:.0f} ms; import bria {package * 1e3:.0f} ms",
                ratio=f"{wall[name] / base:.2f}x python -c pass; {wall[name] / package:.2f}x import bria",
                target="info",
                result="info",
                note=(
                    f"wall time of a fresh process ({' '.join(bria)}), median of {runs}; the command's own share "
                    f"over `import bria` is {(wall[name] - package) * 1e3:.0f} ms"
                ),
            )
        )
    report.details = {"runs": runs, "command": bria, "wall_s": wall, "samples_s": samples}
    finish(report, started)


if __name__ == "__main__":
    main()
