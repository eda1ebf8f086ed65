"""Strict application of OpenAPI Overlay 1.0 documents.

Why our own applier instead of oas-patch: oas-patch (jsonpath-ng) silently skips an action whose
target matches nothing, and a silent skip is exactly how an upstream change would slip past us.
The JSONPath engine is python-jsonpath in its RFC 9535 mode (`strict=True`), the dialect the
Overlay specification refers to, so a target means the same thing here as in any other tool.

Rules on top of Overlay 1.0, all enforced:
- every action needs a `description` (what it fixes and the evidence);
- an action has either `update` or `remove: true`, never both;
- a target that selects no node is an error naming the overlay, the action and the target;
- `update` on an array appends (as the spec says), so replacing an array is `remove` then `update`;
  an item equal to one the array already holds is not appended again, so an action that adds a name to
  a `required` list (or a tag, an enum value) stays right when upstream adds the same item itself.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath

from .documents import load_document
from .problems import PipelineError, Problem

_JSONPATH = jsonpath.JSONPathEnvironment(strict=True)


@dataclass(frozen=True)
class Action:
    overlay: str
    index: int
    target: str
    description: str
    update: Any
    remove: bool

    @property
    def where(self) -> str:
        return f"{self.overlay} action #{self.index} (target {self.target})"


@dataclass(frozen=True)
class ActionResult:
    action: Action
    matches: int
    changed: bool


def load_overlay(path: Path, label: str) -> list[Action]:
    """Read one overlay document and check its shape; `label` is how problems name the file."""
    document = load_document(path)
    problems: list[Problem] = []
    if not isinstance(document, dict) or not str(document.get("overlay", "")).startswith("1."):
        raise PipelineError([Problem("overlay", label, "not an Overlay 1.x document (missing `overlay: 1.0.0`)")])
    info = document.get("info")
    if not isinstance(info, dict) or not info.get("title") or not info.get("version"):
        problems.append(Problem("overlay", label, "`info.title` and `info.version` are required"))
    raw_actions = document.get("actions")
    if not isinstance(raw_actions, list) or not raw_actions:
        raise PipelineError([*problems, Problem("overlay", label, "`actions` must be a non-empty list")])
    actions: list[Action] = []
    for index, raw in enumerate(raw_actions, start=1):
        where = f"{label} action #{index}"
        if not isinstance(raw, dict):
            problems.append(Problem("overlay", where, "an action must be a mapping"))
            continue
        target = raw.get("target")
        description = raw.get("description")
        remove = raw.get("remove", False)
        has_update = "update" in raw
        if not isinstance(target, str) or not target.startswith("$"):
            problems.append(Problem("overlay", where, "`target` must be a JSONPath starting with `$`"))
            continue
        if not isinstance(description, str) or not description.strip():
            problems.append(Problem("overlay", where, "`description` must say what the action fixes and why"))
        if remove is not True and remove is not False:
            problems.append(Problem("overlay", where, "`remove` must be true or false"))
        if has_update == bool(remove):
            problems.append(Problem("overlay", where, "give exactly one of `update` or `remove: true`"))
        try:
            _JSONPATH.compile(target)
        except jsonpath.JSONPathError as exc:
            problems.append(Problem("overlay", where, f"invalid RFC 9535 JSONPath {target!r}: {exc}"))
            continue
        actions.append(Action(label, index, target, str(description or ""), raw.get("update"), bool(remove)))
    if problems:
        raise PipelineError(problems)
    return actions


def apply_actions(document: Any, actions: Sequence[Action]) -> tuple[Any, list[ActionResult]]:
    """Apply actions in order to a copy of `document`; fail listing every action that matched nothing."""
    result = copy.deepcopy(document)
    problems: list[Problem] = []
    outcomes: list[ActionResult] = []
    for action in actions:
        before = _fingerprint(result)
        matches = list(_JSONPATH.finditer(action.target, result))
        if not matches:
            problems.append(
                Problem("overlay", action.where, "target selects no node: upstream changed or the overlay is wrong")
            )
            continue
        if action.remove:
            problems.extend(_remove(matches, action))
        else:
            problems.extend(_update(matches, action))
        outcomes.append(ActionResult(action, len(matches), _fingerprint(result) != before))
    if problems:
        raise PipelineError(problems)
    return result, outcomes


def _remove(matches: Iterable[jsonpath.JSONPathMatch], action: Action) -> list[Problem]:
    # Delete list items from the highest index down so earlier deletions do not shift later ones.
    removals: list[tuple[Any, Any]] = []
    for match in matches:
        if match.parent is None or not match.parts:
            return [Problem("overlay", action.where, "cannot remove the document root")]
        removals.append((match.parent.obj, match.parts[-1]))
    for container, key in sorted(removals, key=lambda r: r[1] if isinstance(r[1], int) else -1, reverse=True):
        del container[key]
    return []


def _update(matches: Iterable[jsonpath.JSONPathMatch], action: Action) -> list[Problem]:
    for match in matches:
        node = match.obj
        if isinstance(node, dict):
            if not isinstance(action.update, dict):
                kind = type(action.update).__name__
                return [Problem("overlay", action.where, f"cannot merge a {kind} into an object")]
            _merge(node, action.update)
        elif isinstance(node, list):
            _append_new(node, action.update if isinstance(action.update, list) else [action.update])
        else:
            return [
                Problem(
                    "overlay",
                    action.where,
                    f"target {match.path} is a scalar; Overlay 1.0 updates objects and arrays only "
                    "(remove the scalar, then update its parent)",
                )
            ]
    return []


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            _merge(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            _append_new(current, value)
        else:
            target[key] = copy.deepcopy(value)


def _append_new(target: list[Any], items: list[Any]) -> None:
    for item in items:
        if item not in target:
            target.append(copy.deepcopy(item))


def _fingerprint(document: Any) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=False)
