"""The typed surface is visible to mypy and pyright (strict): precise return types, and misuse rejected
statically."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import bria

HERE = Path(__file__).parent / "typing"
ROOT = Path(__file__).parents[2]
PYRIGHT = ROOT / "node_modules" / ".bin" / "pyright"


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


def _pyright(tmp_path: Path, name: str) -> subprocess.CompletedProcess[str]:
    """pyright --strict on one file, against the package laid out as the wheel ships it: one `bria`
    folder holding src/bria and generated/python/bria (pyright does not merge the two source roots)."""
    if not PYRIGHT.exists():
        pytest.fail(f"{PYRIGHT} is missing: run `npm ci` (package-lock.json pins pyright)")
    site = tmp_path / "site"
    shutil.copytree(ROOT / "src" / "bria", site / "bria")
    shutil.copytree(ROOT / "generated" / "python" / "bria", site / "bria", dirs_exist_ok=True)
    shutil.copy(HERE / name, tmp_path / name)
    config = {
        "include": [name],
        "extraPaths": ["site"],
        "pythonVersion": "3.11",
        "typeCheckingMode": "strict",
        "venvPath": str(ROOT),
        "venv": ".venv",
    }
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(config))
    return subprocess.run([str(PYRIGHT)], capture_output=True, text=True, check=False, cwd=tmp_path)


def test_pyright_strict_sees_the_precise_types(tmp_path: Path) -> None:
    result = _pyright(tmp_path, "usage.py")
    assert result.returncode == 0 and "0 errors" in result.stdout, result.stdout


def test_pyright_rejects_the_misuse_line_by_line(tmp_path: Path) -> None:
    result = _pyright(tmp_path, "misuse.py")
    flagged = {line.split(":")[1] for line in result.stdout.splitlines() if "misuse.py:" in line and "error" in line}
    assert flagged == {"9", "10", "11", "12", "13"}, result.stdout


def test_no_dynamic_dispatch() -> None:
    import bria.resources.image_editing as v2

    assert "__getattr__" not in vars(v2.ImageEditing) and "__getattr__" not in vars(bria.Bria)


def test_help_and_reprs_are_readable() -> None:
    import inspect
    import pydoc

    client = bria.Bria("t0ken", base_url="https://engine.test")
    text = pydoc.render_doc(type(client.image_editing).background_remove, renderer=pydoc.plaintext)
    assert "= UNSET" in text and "object at 0x" not in text
    assert repr(client.status) == "<Status: get_status>"
    assert "background_remove" in repr(client.image_editing)
    assert repr(bria.Result("r1", "https://cdn.test/a.png", 7, {"huge": "x" * 10_000})) == (
        "Result(request_id='r1', image_url='https://cdn.test/a.png', seed=7)"
    )
    assert not {"_name", "_obj", "annotations", "pkgutil"} & set(dir(bria))
    assert str(inspect.signature(bria.Bria.wait).parameters["max_wait"]) == "max_wait: 'float | None' = None"
