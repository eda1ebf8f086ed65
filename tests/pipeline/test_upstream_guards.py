"""Guards on the raw upstream documents.

These pin the upstream faults our overlays exist for. When one starts failing, upstream fixed
something: the matching overlay action can probably go (and `make generate` will say which action
then changes nothing). `make update-specs` points at this file when a validator error appears or
goes away.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bria_pipeline.documents import load_document
from bria_pipeline.layout import load_documents
from bria_pipeline.validation import validation_problems

from ._repo import REPO_ROOT

UPSTREAM = {document.name: REPO_ROOT / document.upstream for document in load_documents(REPO_ROOT)}

# Where openapi-spec-validator 0.9.0 fails each raw document (JSON pointers into the document).
KNOWN_VALIDATOR_ERRORS = {
    "image_editing": [
        "#/paths/~1expand/post/requestBody/content/application~1json/schema/properties/aspect_ratio/type",
        "#/components/schemas/parameters",
    ],
    "product_shot_editing": [
        "#/paths/~1image~1edit~1product~1integrate/post",
        "#/paths/~1product~1vehicle~1shot_by_image/post",
        "#/components/schemas/parameters",
    ],
    "tailored_generation": ["#/"],
    "image_editing_v1": [
        "#/paths/~1gen_fill/post/responses/200/content/application~1json/schema/properties/seed/items/type"
    ],
}


@pytest.mark.parametrize("name", sorted(UPSTREAM))
def test_raw_document_has_exactly_the_known_validator_errors(name: str) -> None:
    problems = validation_problems(load_document(UPSTREAM[name]), name)
    assert sorted(p.where.removeprefix(name) for p in problems) == sorted(KNOWN_VALIDATOR_ERRORS.get(name, []))


def _bare_generate(name: str, out: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(UPSTREAM[name]),
         "--meta", "none", "--output-path", str(out / name), "--overwrite"],
        capture_output=True, text=True, check=False, cwd=out,
    )  # fmt: skip
    return result.stdout + result.stderr


def test_bare_generator_drops_three_image_editing_answers(tmp_path: Path) -> None:
    output = _bare_generate("image_editing", tmp_path)
    dropped = [line for line in output.splitlines() if line.startswith("WARNING parsing POST")]
    assert sorted(dropped) == [
        "WARNING parsing POST /enhance within v2_endpoints.",
        "WARNING parsing POST /expand within v2_endpoints.",
        "WARNING parsing POST /replace_background within v2_endpoints.",
    ]
    assert "Reference #/components/schemas/SyncSuccessResponse/properties/result not found" in output


def test_bare_generator_creates_no_product_shot_client(tmp_path: Path) -> None:
    output = _bare_generate("product_shot_editing", tmp_path)
    assert "client was not created" in output
    assert "paths./image/edit/product/integrate.post.responses" in output
    assert not (tmp_path / "product_shot_editing").exists()


def test_bare_generator_drops_the_v1_person_info_answer(tmp_path: Path) -> None:
    output = _bare_generate("image_editing_v1", tmp_path)
    assert "type array must have items or prefixItems defined" in output
    assert "person" in output.lower()
