"""An operation added to a spec reaches `client.image_editing` after `make generate` alone, typed, with no
hand-written code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ._repo import REPO_ROOT, copy_inputs, run_pipeline

NEW_OPERATION = """\
overlay: 1.0.0
info: {title: test-only new operation, version: 1.0.0}
actions:
  - target: $.paths
    description: Test only - simulates upstream publishing POST /sharpen.
    update:
      /sharpen:
        post:
          operationId: sharpen
          summary: Sharpen
          tags: [Transform]
          servers: [{url: 'https://engine.prod.bria-api.com/v2/image/edit'}]
          security: [{BriaApiToken: []}]
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [image, color]
                  properties:
                    image:
                      type: string
                      x-bria-image-input: {parameter: image, wire: url-or-base64, accept: [jpeg, png]}
                    color:
                      type: string
                      enum: [color_contemporary, color_vivid, decolorize]
                    seed: {type: integer, minimum: 0}
          responses:
            '202':
              description: Accepted
              content:
                application/json:
                  schema:
                    type: object
                    required: [request_id, status_url]
                    properties:
                      request_id: {type: string}
                      status_url: {type: string}
"""

PROBE = """
import inspect, json
import bria.resources.image_editing as facade
signature = inspect.signature(facade.ImageEditing.sharpen)
record = facade._SHARPEN
print(json.dumps({
    "parameters": {name: str(p.annotation) for name, p in signature.parameters.items()},
    "path": record.path_prefix + record.path, "is_job": record.is_job,
    "async": inspect.iscoroutinefunction(facade.AsyncImageEditing.sharpen),
    "rules": [r.parameter for r in record.rules],
}))
"""


def test_new_operation_appears_typed_after_generate(tmp_path: Path) -> None:
    root = copy_inputs(tmp_path)
    (root / "overlays/image_editing/99-test-sharpen.yaml").write_text(NEW_OPERATION)

    result = run_pipeline(root, "generate")
    assert result.returncode == 0, result.stderr

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root / "generated/python"), str(REPO_ROOT / "src")]))
    probe = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=False)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    assert found["path"] == "/v2/image/edit/sharpen" and found["is_job"] and found["async"]
    assert found["parameters"]["image"] == "ImageInput"
    assert "Literal['color_contemporary', 'color_vivid', 'decolorize']" in found["parameters"]["color"]
    assert found["parameters"]["wait"] == "bool" and "seed" in found["parameters"]
    assert set(found["rules"]) == {"color", "seed"}


def test_an_operation_is_described_as_data_before_it_is_rendered() -> None:
    """describe.py reads the effective spec into plain records; facade.py only renders them."""
    import yaml

    from bria_pipeline.describe import describe_document
    from bria_pipeline.layout import load_documents

    document = next(d for d in load_documents(REPO_ROOT) if d.name == "image_editing")
    generated = REPO_ROOT / "generated"
    effective = yaml.safe_load((generated / document.effective).read_text(encoding="utf-8"))
    described, problems = describe_document(REPO_ROOT, generated, document, effective)
    assert problems == []
    remove = next(op for op in described if op.name == "background_remove")
    assert (remove.method, remove.path_prefix + remove.path) == ("POST", "/v2/image/edit/remove_background")
    assert remove.module == "bria._generated.image_editing.api.v2_endpoints.background_remove"
    assert remove.is_job and remove.object_statuses == (200, 202) and remove.failure_statuses == ()
    assert [image.parameter for image in remove.images] == ["image"]
    assert remove.images[0].accept == ("jpeg", "png") and not remove.takes_binary_images
    assert "image" in remove.required and remove.returns != "Any"


def test_docstrings_keep_whole_descriptions_and_the_rules() -> None:
    """Issue 11: docstrings were cut at the first sentence or 160 characters."""
    import inspect

    from bria.resources.image_editing import ImageEditing
    from bria.resources.image_editing_v1 import ImageEditingV1

    v1_doc = inspect.getdoc(ImageEditingV1.gen_fill) or ""
    assert "automatic` when an algorithm such as SAM generated it" in v1_doc, "a description past 160 characters"
    assert "filters out unsafe generated images" in v1_doc, "the operation's own description"
    replace_doc = inspect.getdoc(ImageEditing.background_replace) or ""
    assert "Not together: prompt and ref_images." in replace_doc
    assert "max_wait" in replace_doc and "wait=False" in replace_doc
