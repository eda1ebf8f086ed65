"""Running openapi-python-client on an effective spec, then our post-processing and formatting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .postprocess import postprocess_package
from .problems import Problem

# Formatting runs here rather than as generator post_hooks so that it also covers our
# post-processing edits; --isolated keeps the repo's ruff settings (which exclude generated/) out.
_COMMON = ["--isolated", "--line-length", "120", "--target-version", "py311", "-q"]
_RUFF_FIX = ["check", "--fix-only", "--select", "I,F401", *_COMMON]
_RUFF_FORMAT = ["format", *_COMMON]


def generate_package(spec: Path, config: Path, package_dir: Path, source_label: str) -> list[Problem]:
    """Generate one package from `spec` into `package_dir`; any generator warning is a problem."""
    where = f"openapi-python-client {source_label}"
    command = [
        sys.executable, "-m", "openapi_python_client", "generate",
        "--path", str(spec), "--config", str(config), "--meta", "none",
        "--output-path", str(package_dir), "--overwrite", "--fail-on-warning",
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, env=_tool_env(), check=False)
    output = (run.stdout + run.stderr).strip()
    if run.returncode != 0:
        return [Problem("codegen", where, f"failed (exit {run.returncode}):\n{output}")]
    if "warning" in output.lower():
        return [Problem("codegen", where, f"warnings:\n{output}")]
    problems = postprocess_package(package_dir, source_label)
    if problems:
        return problems
    return format_python(package_dir)


def format_python(directory: Path) -> list[Problem]:
    """Sort imports, drop unused ones and format, with the locked ruff."""
    for ruff_args in (_RUFF_FIX, _RUFF_FORMAT):
        ruff = subprocess.run(
            [sys.executable, "-m", "ruff", *ruff_args, str(directory)],
            capture_output=True, text=True, env=_tool_env(), check=False,
        )  # fmt: skip
        if ruff.returncode != 0:
            return [Problem("codegen", f"ruff {ruff_args[0]} {directory}", ruff.stdout + ruff.stderr)]
    return []


def _tool_env() -> dict[str, str]:
    # The generator shells out to ruff by name; make sure it finds the locked one.
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env
