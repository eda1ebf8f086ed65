"""Problems found by a pipeline stage, collected as data and raised together."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located well enough to fix it."""

    stage: str
    where: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.stage}] {self.where}: {self.detail}"


class PipelineError(Exception):
    """A stage found problems; the build stops and lists all of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
