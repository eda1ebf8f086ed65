"""Guards on the raw upstream documents.

These pin the upstream faults our overlays exist for. When one starts failing, upstream fixed
something: the matching overlay action can probably go (and `make generate` will say which action
then changes nothing).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bria_pipeline.documents import load_document
from bria_pipeline.validation import validation_problems

from ._repo import REPO_ROOT

RAW_V1 = REPO_ROOT / "spec/v1/image-editing.json"


def test_raw_v1_fails_validation_with_the_known_type_array_error() -> None:
    problems = validation_problems(load_document(RAW_V1), "v1")
    assert [(p.where, p.detail) for p in problems] == [
        (
            "v1#/paths/~1gen_fill/post/responses/200/content/application~1json/schema/properties/seed/items/type",
            "['integer', 'null'] is not of type 'string'",
        )
    ]


def test_generator_warns_that_it_drops_the_person_info_response(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(RAW_V1),
         "--meta", "none", "--output-path", str(tmp_path / "raw_v1"), "--overwrite"],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert "type array must have items or prefixItems defined" in output
    assert "person" in output.lower()
