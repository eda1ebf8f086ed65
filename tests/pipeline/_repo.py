"""Helpers for tests that run the pipeline on a scratch copy of the repository's inputs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PIPELINE_INPUTS = ("spec", "overlays", "codegen", "src/bria_pipeline", "uv.lock")


def copy_inputs(destination: Path) -> Path:
    """Copy what `make generate` reads into `destination`, as a stand-alone repository root."""
    for name in PIPELINE_INPUTS:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / name)
    return destination


def run_pipeline(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "src"))
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
