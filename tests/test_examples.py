"""The README's promise that `examples/` run against the local test server."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_example_runs() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "run_all.py")],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    passed = re.search(r"(\d+) of (\d+) examples passed", run.stdout)
    assert passed and passed.group(1) == passed.group(2) and int(passed.group(1)) >= 5, run.stdout
