"""An operation added to a spec reaches `client.v2` after `make generate` alone, typed, with no hand-written code."""

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
    description: Test only - simulates upstream publishing POST /colorize (D:COL).
    update:
      /colorize:
        post:
          operationId: colorize
          summary: Colorize
          tags: [Transform]
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
                  schema: {$ref: '#/components/schemas/AsyncJob'}
"""

PROBE = """
import inspect, json
import bria_resources.v2 as v2
signature = inspect.signature(v2.V2.colorize)
record = v2._COLORIZE
print(json.dumps({
    "parameters": {name: str(p.annotation) for name, p in signature.parameters.items()},
    "path": record.path_prefix + record.path, "is_job": record.is_job,
    "async": inspect.iscoroutinefunction(v2.AsyncV2.colorize),
    "rules": [r.parameter for r in record.rules],
}))
"""


def test_new_operation_appears_typed_after_generate(tmp_path: Path) -> None:
    root = copy_inputs(tmp_path)
    (root / "overlays/v2/99-test-colorize.yaml").write_text(NEW_OPERATION)

    result = run_pipeline(root, "generate")
    assert result.returncode == 0, result.stderr

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root / "generated/python"), str(REPO_ROOT / "src")]))
    probe = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=False)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    assert found["path"] == "/v2/image/edit/colorize" and found["is_job"] and found["async"]
    assert found["parameters"]["image"] == "ImageInput"
    assert "Literal['color_contemporary', 'color_vivid', 'decolorize']" in found["parameters"]["color"]
    assert found["parameters"]["wait"] == "bool" and "seed" in found["parameters"]
    assert set(found["rules"]) == {"color", "seed"}
