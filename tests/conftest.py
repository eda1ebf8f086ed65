from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(autouse=True)
def _poll_history_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A client keeps learned job durations in the user's cache folder by default; tests keep theirs apart.
    monkeypatch.setenv("BRIA_POLL_HISTORY", str(tmp_path / "poll-history.json"))
