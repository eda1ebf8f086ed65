"""Helpers for tests that run the pipeline on a scratch copy of the repository's inputs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from bria_pipeline.build import copy_pipeline_inputs

REPO_ROOT = Path(__file__).resolve().parents[2]


def copy_inputs(destination: Path) -> Path:
    """Copy what `make generate` reads into `destination`, as a stand-alone repository root."""
    return copy_pipeline_inputs(REPO_ROOT, destination)


def run_pipeline(root: Path, *args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **(env or {}), "PYTHONPATH": str(REPO_ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "bria_pipeline", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )


def tree_bytes(base: Path) -> dict[str, bytes]:
    return {
        p.relative_to(base).as_posix(): p.read_bytes()
        for p in sorted(base.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
