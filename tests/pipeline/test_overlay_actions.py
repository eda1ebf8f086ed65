"""Each overlay action, one test: applied in its place in the sequence, it has the effect it claims.

For `update` every node the target selects afterwards contains the update; for `remove` the target
selects fewer nodes than before. A test per action makes a silently neutralised action visible.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonpath
import pytest

from bria_pipeline.build import effective_spec
from bria_pipeline.documents import load_document
from bria_pipeline.layout import load_documents
from bria_pipeline.overlay import Action, apply_actions, load_overlay

from ._repo import REPO_ROOT

_JSONPATH = jsonpath.JSONPathEnvironment(strict=True)


def _sequences() -> list[tuple[str, int, Action]]:
    cases = []
    for document in load_documents(REPO_ROOT):
        files = sorted((REPO_ROOT / document.overlay_dir).glob("*.yaml"))
        contract = REPO_ROOT / document.contract_overlay
        if contract.exists():
            files.append(contract)
        actions = [a for f in files for a in load_overlay(f, str(f.relative_to(REPO_ROOT)))]
        cases += [(document.name, i, a) for i, a in enumerate(actions)]
    return cases


CASES = _sequences()
_STATES: dict[str, list[Any]] = {}


def _states(name: str) -> list[Any]:
    """The document before each action of `name`'s sequence (index i = state before action i)."""
    if name not in _STATES:
        document = next(d for d in load_documents(REPO_ROOT) if d.name == name)
        state = load_document(REPO_ROOT / document.upstream)
        states = [state]
        for _, _, act in (c for c in CASES if c[0] == name):
            state, _ = apply_actions(state, [act])
            states.append(state)
        _STATES[name] = states
    return _STATES[name]


def _contains(node: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(node, dict) and all(k in node and _contains(node[k], v) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(node, list) and all(any(_contains(n, e) for n in node) for e in expected)
    return bool(node == expected)


@pytest.mark.parametrize(("name", "position", "act"), CASES, ids=[f"{a.overlay}#{a.index}" for _, _, a in CASES])
def test_action_has_its_effect(name: str, position: int, act: Action) -> None:
    states = _states(name)
    before, after = states[position], states[position + 1]
    assert before != after, f"{act.where} changed nothing: {act.description[:120]}"
    if act.remove:
        assert len(_JSONPATH.findall(act.target, after)) < len(_JSONPATH.findall(act.target, before))
    else:
        # The nodes the target selected before the action, found again by their normalized paths: a filter
        # target such as `[?!@.responses['400']]` no longer selects what it just fixed.
        paths = [match.path for match in _JSONPATH.finditer(act.target, before)]
        nodes = [node for path in paths for node in _JSONPATH.findall(path, after)]
        assert nodes and all(_contains(n, copy.deepcopy(act.update)) for n in nodes)


def test_effective_specs_on_disk_are_the_overlays_applied() -> None:
    for document in load_documents(REPO_ROOT):
        expected, _ = effective_spec(REPO_ROOT, document)
        assert load_document(REPO_ROOT / "generated" / document.effective) == expected
