"""The overlay applier's rules: strict targets, Overlay 1.0 merge semantics, required descriptions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bria_pipeline.overlay import Action, apply_actions, load_overlay
from bria_pipeline.problems import PipelineError


def action(target: str, *, update: Any = None, remove: bool = False, index: int = 1) -> Action:
    return Action("overlays/test.yaml", index, target, "test action", update, remove)


DOC: dict[str, Any] = {
    "paths": {
        "/a": {"post": {"tags": ["Endpoints"], "parameters": [{"name": "api_token"}, {"name": "sid"}]}},
        "/b": {"get": {"tags": ["Endpoints"], "parameters": [{"name": "api_token"}]}},
    }
}


def test_zero_match_fails_naming_overlay_action_and_target() -> None:
    with pytest.raises(PipelineError) as raised:
        apply_actions(DOC, [action("$.paths['/gone'].post", update={"x": 1}, index=7)])
    message = str(raised.value)
    assert "overlays/test.yaml action #7" in message
    assert "$.paths['/gone'].post" in message
    assert "selects no node" in message


def test_every_zero_match_is_reported_not_only_the_first() -> None:
    with pytest.raises(PipelineError) as raised:
        apply_actions(DOC, [action("$.nope", update={}, index=1), action("$.nada", update={}, index=2)])
    assert len(raised.value.problems) == 2


def test_remove_filter_deletes_every_match_across_lists() -> None:
    result, outcomes = apply_actions(DOC, [action("$.paths[*][*].parameters[?@.name=='api_token']", remove=True)])
    assert result["paths"]["/a"]["post"]["parameters"] == [{"name": "sid"}]
    assert result["paths"]["/b"]["get"]["parameters"] == []
    assert outcomes[0].matches == 2 and outcomes[0].changed
    assert DOC["paths"]["/b"]["get"]["parameters"] == [{"name": "api_token"}], "input must not be mutated"


def test_update_appends_to_arrays_so_replacing_needs_remove_first() -> None:
    appended, _ = apply_actions(DOC, [action("$.paths['/a'].post", update={"tags": ["Background"]})])
    assert appended["paths"]["/a"]["post"]["tags"] == ["Endpoints", "Background"]
    replaced, _ = apply_actions(
        DOC,
        [
            action("$.paths['/a'].post.tags", remove=True),
            action("$.paths['/a'].post", update={"tags": ["Background"]}, index=2),
        ],
    )
    assert replaced["paths"]["/a"]["post"]["tags"] == ["Background"]


def test_appending_never_duplicates_an_item_the_array_already_holds() -> None:
    # The status overlay once appended `required: [error, request_id]` to a schema whose upstream list
    # already had both names, giving ['error', 'request_id', 'error', 'request_id'].
    doc = {"s": {"required": ["error"], "tags": ["a"]}}
    merged, _ = apply_actions(doc, [action("$.s", update={"required": ["error", "request_id"]})])
    assert merged["s"]["required"] == ["error", "request_id"]
    appended, _ = apply_actions(doc, [action("$.s.tags", update=["a", "b", "b"])])
    assert appended["s"]["tags"] == ["a", "b"]
    _, unchanged = apply_actions(doc, [action("$.s", update={"required": ["error"]})])
    assert not unchanged[0].changed, "an append of what is already there changes nothing, and says so"


def test_update_deep_merges_objects_and_copies_values() -> None:
    shared = {"security": [{"BriaApiToken": []}]}
    result, _ = apply_actions(DOC, [action("$.paths[*][*]", update=shared)])
    a, b = result["paths"]["/a"]["post"]["security"], result["paths"]["/b"]["get"]["security"]
    assert a == b == [{"BriaApiToken": []}]
    assert a is not b, "each target needs its own copy, or YAML output would contain aliases"


def test_update_on_scalar_is_an_error() -> None:
    with pytest.raises(PipelineError, match="scalar"):
        apply_actions({"info": {"version": ""}}, [action("$.info.version", update={"x": 1})])


def test_action_that_changes_nothing_is_reported() -> None:
    _, outcomes = apply_actions(DOC, [action("$.paths['/a'].post", update={"tags": []})])
    assert not outcomes[0].changed


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    update: {a: 1}\n",
            "`description` must say",
        ),
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    description: d\n",
            "exactly one of `update` or `remove: true`",
        ),
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    description: d\n"
            "    remove: true\n    update: {}\n",
            "exactly one of",
        ),
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths[?@.x ==]\n"
            "    description: d\n    remove: true\n",
            "invalid RFC 9535 JSONPath",
        ),
        ("openapi: 3.0.0\n", "not an Overlay"),
    ],
)
def test_malformed_overlays_are_rejected(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(body)
    with pytest.raises(PipelineError, match=expected.replace("`", ".").replace("(", r"\(")):
        load_overlay(path, "bad.yaml")
