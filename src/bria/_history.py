"""How long recent jobs of each operation took, kept across processes, so that a fresh process (a script,
a CLI call, a worker) polls on a learned schedule from its first job instead of backing off from 0.1 s.

A small JSON file, `{"image_editing.background_remove": [3.4, 3.6, ...], ...}`, at most 20 durations per
operation. Where it lives: `poll_history=` on the client (a path, or False for none), else the
`BRIA_POLL_HISTORY` environment variable (a path, or `off`), else `bria-openapi/poll-history.json` in the
user's cache folder (`$XDG_CACHE_HOME`, `~/Library/Caches`, `%LOCALAPPDATA%`, else `~/.cache`). It holds
durations and operation names only: no ids, URLs or tokens. Any trouble reading or writing it (a read-only
home, a garbled file, two processes at once) costs the learned schedule, never a call.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from pathlib import Path

from ._exceptions import ParameterError

log = logging.getLogger("bria")
HISTORY_ENV_VAR = "BRIA_POLL_HISTORY"
_OFF = frozenset({"", "0", "off", "false", "no", "none"})


class HistoryFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"HistoryFile({str(self.path)!r})"

    def load(self) -> dict[str, list[float]]:
        try:
            found = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(found, dict):
            return {}
        return {
            str(name): [
                float(d) for d in durations if isinstance(d, int | float) and not isinstance(d, bool) and d >= 0
            ]
            for name, durations in found.items()
            if isinstance(durations, list)
        }

    def save(self, updates: dict[str, list[float]]) -> None:
        """Replace the durations of the operations in `updates`, keeping the file's others (another
        process's operations)."""
        merged = self.load()
        merged.update({name: [round(d, 3) for d in durations] for name, durations in updates.items()})
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", dir=self.path.parent, prefix=".poll-history.", delete=False, encoding="utf-8"
            ) as partial:
                json.dump(merged, partial, sort_keys=True)
            Path(partial.name).replace(self.path)
        except OSError as error:
            log.debug("poll history not saved to %s: %s", self.path, error.strerror)


def history_for(setting: bool | str | os.PathLike[str]) -> HistoryFile | None:
    """The history file a client's `poll_history=` argument names (True: the environment, else the default)."""
    if setting is False:
        return None
    if setting is True:
        from_env = os.environ.get(HISTORY_ENV_VAR)
        if from_env is not None:
            return None if from_env.strip().lower() in _OFF else HistoryFile(Path(from_env).expanduser())
        return HistoryFile(_cache_folder() / "bria-openapi" / "poll-history.json")
    if isinstance(setting, str | os.PathLike):
        return HistoryFile(Path(setting).expanduser())
    raise ParameterError("poll_history", f"must be True, False or a path, got {type(setting).__name__}")


def _cache_folder() -> Path:
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"])
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"])
    return Path.home() / ".cache"
