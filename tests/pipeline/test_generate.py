"""`make generate` end to end: strictness, determinism, staleness detection, the no-op path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bria_pipeline.build import build

from ._repo import REPO_ROOT, copy_inputs, run_pipeline, tree_bytes


@pytest.fixture(scope="module")
def generated_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch repository root with the inputs copied and `generate` run once."""
    root = copy_inputs(tmp_path_factory.mktemp("repo"))
    result = run_pipeline(root, "generate")
    assert result.returncode == 0, result.stderr
    return root


def test_two_builds_give_identical_bytes(tmp_path: Path) -> None:
    build(REPO_ROOT, tmp_path / "one")
    build(REPO_ROOT, tmp_path / "two")
    one, two = tree_bytes(tmp_path / "one"), tree_bytes(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []


def test_second_generate_is_a_no_op(generated_copy: Path) -> None:
    before = tree_bytes(generated_copy / "generated")
    result = run_pipeline(generated_copy, "generate")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert tree_bytes(generated_copy / "generated") == before


def test_check_generated_passes_on_a_fresh_tree(generated_copy: Path) -> None:
    result = run_pipeline(generated_copy, "check-generated")
    assert result.returncode == 0, result.stderr


def test_check_generated_fails_when_a_generated_file_is_touched(tmp_path: Path, generated_copy: Path) -> None:
    root = copy_inputs(tmp_path)
    (root / "generated").mkdir()
    for name, data in tree_bytes(generated_copy / "generated").items():
        (root / "generated" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "generated" / name).write_bytes(data)
    edited = root / "generated/python/bria/_generated/image_editing_v1/client.py"
    edited.write_text(edited.read_text() + "# a hand edit\n")
    (root / "generated/openapi/image_editing_v1.yaml").unlink()

    result = run_pipeline(root, "check-generated")

    assert result.returncode == 2
    assert "changed:    generated/python/bria/_generated/image_editing_v1/client.py" in result.stderr
    assert "missing:    generated/openapi/image_editing_v1.yaml" in result.stderr


def test_vanished_overlay_target_fails_generate_naming_the_action(tmp_path: Path) -> None:
    """Simulates upstream dropping a node an overlay fixes: the build must stop and say which action."""
    root = copy_inputs(tmp_path)
    spec = root / "spec/v1/image-editing.json"
    document = json.loads(spec.read_text())
    # The person_info `labels` property is what overlays/image_editing_v1/10-validity.yaml action #3 targets.
    items = document["paths"]["/{visual_id}/person/info"]["get"]["responses"]["200"]["content"]["application/json"]
    del items["schema"]["items"]["properties"]["labels"]
    spec.write_text(json.dumps(document, indent=1))

    result = run_pipeline(root, "generate")

    assert result.returncode == 1
    assert "overlays/image_editing_v1/10-validity.yaml action #3" in result.stderr
    assert "person/info" in result.stderr and "selects no node" in result.stderr
    assert not (root / "generated").exists(), "a failed build must not write generated/"


def test_failed_generate_leaves_existing_generated_tree_untouched(tmp_path: Path, generated_copy: Path) -> None:
    root = copy_inputs(tmp_path)
    (root / "generated").mkdir()
    before = tree_bytes(generated_copy / "generated")
    for name, data in before.items():
        (root / "generated" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "generated" / name).write_bytes(data)
    overlay = root / "overlays/image_editing_v1/10-validity.yaml"
    overlay.write_text(overlay.read_text().replace("['/gen_fill']", "['/gen_fill_moved']", 1))

    result = run_pipeline(root, "generate")

    assert result.returncode == 1
    assert tree_bytes(root / "generated") == before
