"""`make update-specs` and a document without an upstream URL (reconstructed by hand, e.g. `segmind`):
skipped with a message that names it, never fetched, never a failure, nothing on disk changed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from bria_pipeline.update import EXIT_CODE_FILE, REPORT_FILE
from tests.conftest import REPO_ROOT
from tests.pipeline._repo import run_pipeline, tree_bytes
from tests.pipeline._spec_server import Reply, SpecServer


def _repository(root: Path, names: tuple[str, ...]) -> Path:
    """A root whose sources.toml holds only the tables of `names`, copied byte for byte."""
    header, *tables = re.split(r"(?m)^(?=\[documents\.)", (REPO_ROOT / "spec/sources.toml").read_text("utf-8"))
    kept = [t for t in tables if t.split("]", 1)[0].removeprefix("[documents.") in names]
    assert len(kept) == len(names)
    (root / "spec").mkdir(parents=True)
    (root / "spec/sources.toml").write_text(header + "".join(kept), encoding="utf-8")
    for name in ("spec/segmind.yaml", "spec/status.yaml"):
        shutil.copy2(REPO_ROOT / name, root / name)
    return root


def test_a_document_without_url_is_skipped_and_named(tmp_path: Path) -> None:
    root = _repository(tmp_path, ("segmind",))
    before = tree_bytes(root / "spec")
    result = run_pipeline(root, "update-specs")
    assert result.returncode == 0, result.stderr
    assert (root / EXIT_CODE_FILE).read_text().strip() == "0"
    message = "skipped (no upstream URL in spec/sources.toml: reconstructed by hand, nothing to download): segmind"
    assert message in result.stdout
    assert message in (root / REPORT_FILE).read_text(encoding="utf-8")
    assert tree_bytes(root / "spec") == before


def test_the_other_documents_are_still_fetched_and_compared(tmp_path: Path) -> None:
    root = _repository(tmp_path, ("status", "segmind"))
    with SpecServer().running() as server:
        server.replies["/status.yaml"] = Reply((root / "spec/status.yaml").read_bytes())
        result = run_pipeline(root, "update-specs", env={"SPEC_STATUS_URL": server.url("/status.yaml")})
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout and "reconstructed by hand, nothing to download): segmind" in result.stdout
    # Only the document with a URL was asked for.
    assert server.requests == ["/status.yaml"]


def test_an_unreachable_document_still_fails_with_the_skipped_one_named(tmp_path: Path) -> None:
    root = _repository(tmp_path, ("status", "segmind"))
    result = run_pipeline(root, "update-specs", env={"SPEC_STATUS_URL": "http://127.0.0.1:9/status.yaml"})
    assert result.returncode == 40
    assert "segmind" in (root / REPORT_FILE).read_text(encoding="utf-8")
