"""Run every example in its own interpreter; exit non-zero if any fails.

    python examples/run_all.py            # all of them
    python examples/run_all.py quickstart # some of them

Each example starts its own local test server unless BRIA_BASE_URL is set (see _local.py).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLES = ("quickstart", "jobs_and_wait", "error_handling", "async_batch", "webhook_verification")
TIMEOUT = 120


def main(argv: list[str]) -> int:
    names = argv or list(EXAMPLES)
    unknown = sorted(set(names) - set(EXAMPLES))
    if unknown:
        print(f"unknown example(s): {', '.join(unknown)}; known: {', '.join(EXAMPLES)}", file=sys.stderr)
        return 2
    failed = []
    for name in names:
        started = time.monotonic()
        try:
            done = subprocess.run(
                [sys.executable, str(HERE / f"{name}.py")], capture_output=True, text=True, timeout=TIMEOUT
            )
            ok, output = done.returncode == 0, done.stdout + done.stderr
        except subprocess.TimeoutExpired as error:
            ok, output = False, f"timed out after {TIMEOUT} s\n{error.stdout or ''}{error.stderr or ''}"
        print(f"{'ok  ' if ok else 'FAIL'} {name} ({time.monotonic() - started:.1f} s)")
        if not ok:
            failed.append(name)
            print("    " + "\n    ".join(str(output).rstrip().splitlines()[-25:]))
    print(f"{len(names) - len(failed)} of {len(names)} examples passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
