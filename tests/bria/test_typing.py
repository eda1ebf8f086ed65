"""The typed surface is visible to mypy: precise return types, and misuse rejected statically."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import bria

HERE = Path(__file__).parent / "typing"


def _mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
        capture_output=True, text=True, check=False, cwd=Path(__file__).parents[2],
    )  # fmt: skip


def test_facade_return_types_are_precise() -> None:
    result = _mypy(HERE / "usage.py")
    assert result.returncode == 0, result.stdout


def test_misuse_is_rejected_line_by_line() -> None:
    result = _mypy(HERE / "misuse.py")
    flagged = {line.split(":")[1] for line in result.stdout.splitlines() if "misuse.py:" in line and "error" in line}
    assert flagged == {"9", "10", "11", "12", "13"}, result.stdout


def test_no_dynamic_dispatch() -> None:
    import bria.resources.image_editing as v2

    assert "__getattr__" not in vars(v2.ImageEditing) and "__getattr__" not in vars(bria.Bria)
