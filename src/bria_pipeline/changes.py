"""One difference between two versions of what we ship, as the change report lists it.

Two levels feed the report: the effective OpenAPI document (`spec_diff`) and the generated Python
API that downstream users import (`api_diff`). Each change says whether it can break a client.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["spec", "python"]


@dataclass(frozen=True, order=True)
class Change:
    level: Level
    # The document name (spec level) or the top-level package (python level).
    scope: str
    # Where, readable on its own: "POST /background/remove: request body property `sync`",
    # "bria._generated.image_editing_v1.models.RemoveBackgroundBody.sync".
    where: str
    # What happened, as a short phrase: "removed", "became required", "type changed: string -> integer".
    what: str
    breaking: bool


def is_breaking(changes: list[Change]) -> bool:
    return any(change.breaking for change in changes)
