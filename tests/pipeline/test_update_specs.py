"""`make update-specs` end to end, one upstream scenario per test, served from 127.0.0.1.

Each test runs the real command (`python -m bria_pipeline update-specs`, what the make target runs) on a
scratch copy of the repository whose upstream URLs point at a local server, then checks the exit code,
the report, and what changed on disk. Every failure scenario must leave spec/, generated/, the version
and CHANGELOG.md byte-identical.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bria_pipeline.layout import load_documents, with_url
from bria_pipeline.update import EXIT_CODE_FILE, REPORT_FILE, UPSTREAM_COPIES

from ._repo import REPO_ROOT, copy_inputs, run_pipeline, tree_bytes
from ._spec_server import Reply, SpecServer

# The scenarios need three of the documents in spec/sources.toml: the current image-editing document,
# status (every v2 document points to it) and the deprecated v1 image editing with its validity overlays.
EDITING = "spec/image-editing.yaml"
STATUS = "spec/status.yaml"
V1 = "spec/v1/image-editing.json"
DOCUMENTS = {"image_editing": EDITING, "status": STATUS, "image_editing_v1": V1}
SERVED_AT = {name: f"/{name}/{Path(path).name}" for name, path in DOCUMENTS.items()}
URL_VARIABLES = {name: f"SPEC_{name.upper()}_URL" for name in DOCUMENTS}
RELEASE_FILES = ("CHANGELOG.md", "src/bria/_version.py")


def three_documents(sources: str) -> str:
    """sources.toml cut to the tables of DOCUMENTS: the header comments and those tables kept byte-for-byte."""
    header, *tables = re.split(r"(?m)^(?=\[documents\.)", sources)
    kept = [table for table in tables if table.split("]", 1)[0].removeprefix("[documents.") in DOCUMENTS]
    assert len(kept) == len(DOCUMENTS), "spec/sources.toml no longer has every document the scenarios use"
    trimmed = header + "".join(kept)
    return trimmed if trimmed.endswith("\n") else trimmed + "\n"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository root with three documents: pipeline inputs, generated/ made from exactly those (as if
    committed), the version and CHANGELOG. Eleven documents would make every regenerating scenario slow."""
    root = copy_inputs(tmp_path_factory.mktemp("template"))
    sources = root / "spec/sources.toml"
    sources.write_text(three_documents(sources.read_text(encoding="utf-8")), encoding="utf-8")
    assert [d.name for d in load_documents(root)] == list(DOCUMENTS)
    for name in RELEASE_FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, root / name)
    generate = run_pipeline(root, "generate", "--force")
    assert generate.returncode == 0, generate.stderr
    shutil.rmtree(root / "build", ignore_errors=True)
    packages = sorted(p.name for p in (root / "generated/python/bria/_generated").iterdir() if p.is_dir())
    assert packages == sorted(DOCUMENTS)
    return root


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(template, root)
    return root


@pytest.fixture
def server() -> Iterator[SpecServer]:
    with SpecServer().running() as running:
        yield running


def state(root: Path) -> dict[str, bytes]:
    """Everything update-specs may write, as bytes."""
    files = {f"spec/{k}": v for k, v in tree_bytes(root / "spec").items()}
    files |= {f"generated/{k}": v for k, v in tree_bytes(root / "generated").items()}
    return files | {name: (root / name).read_bytes() for name in RELEASE_FILES}


def serve(server: SpecServer, root: Path, **replies: Reply) -> dict[str, str]:
    """Serve every vendored document unchanged unless `replies` says otherwise (keys: document names)."""
    assert set(replies) <= set(DOCUMENTS), replies.keys()
    for name, path in DOCUMENTS.items():
        server.replies[SERVED_AT[name]] = replies.get(name) or Reply((root / path).read_bytes())
    return {URL_VARIABLES[name]: server.url(SERVED_AT[name]) for name in DOCUMENTS}


def update_specs(root: Path, urls: dict[str, str], timeout: float = 20) -> tuple[int, str, str]:
    result = run_pipeline(root, "update-specs", env={**urls, "SPEC_FETCH_TIMEOUT": str(timeout)})
    assert (root / EXIT_CODE_FILE).read_text().strip() == str(result.returncode)
    assert (root / REPORT_FILE).exists()
    return result.returncode, result.stdout, result.stderr


def edited_json(root: Path, path: str, edit: Callable[[Any], None]) -> Reply:
    document = json.loads((root / path).read_text())
    edit(document)
    return Reply(json.dumps(document, indent=2).encode(), content_type="application/json")


def edited_yaml(root: Path, path: str, edit: Callable[[Any], None]) -> Reply:
    document = yaml.safe_load((root / path).read_text())
    edit(document)
    return Reply(yaml.safe_dump(document, sort_keys=False).encode())


def report_rows(report: str) -> list[str]:
    return [line for line in report.splitlines() if line.startswith("| ")]


def test_unchanged_upstream_is_up_to_date(repo: Path, server: SpecServer) -> None:
    before = state(repo)
    code, out, _ = update_specs(repo, serve(server, repo))
    assert code == 0
    assert "up to date" in out
    assert state(repo) == before
    assert sorted(server.requests) == sorted(SERVED_AT.values())


def test_compatible_change_is_regenerated_with_a_patch_release(repo: Path, server: SpecServer) -> None:
    def add_option_and_operation(document: Any) -> None:
        erase = document["paths"]["/erase_foreground"]["post"]
        erase["requestBody"]["content"]["application/json"]["schema"]["properties"]["seed"] = {"type": "integer"}
        new = copy.deepcopy(erase)
        new["operationId"] = "erase-foreground-fast"
        new["summary"] = "Erase Foreground (fast)"
        document["paths"]["/erase_foreground_fast"] = {"post": new}

    reply = edited_yaml(repo, EDITING, add_option_and_operation)
    code, _, err = update_specs(repo, serve(server, repo, image_editing=reply))

    assert code == 10, err
    report = (repo / REPORT_FILE).read_text()
    rows = report_rows(report)
    assert "| compatible | POST /erase_foreground_fast | operation added |" in rows
    assert any("POST /erase_foreground" in r and "`seed`" in r and r.startswith("| compatible") for r in rows)
    assert "| compatible | bria.resources.image_editing.ImageEditing.erase_foreground_fast | added |" in rows
    facade_seed = "bria.resources.image_editing.ImageEditing.erase_foreground(seed) | parameter `seed` added"
    assert f"| compatible | {facade_seed} |" in rows
    assert any(
        r.startswith("| compatible | bria._generated.image_editing.api.") and r.endswith("| added |") for r in rows
    )
    assert not any(r.startswith("| **breaking**") for r in rows)
    # The upstream bytes and their hash are vendored, the version and CHANGELOG move with them.
    assert (repo / EDITING).read_bytes() == reply.body
    assert hashlib.sha256(reply.body).hexdigest() in (repo / "spec/sources.toml").read_text()
    assert '__version__ = "0.1.1"' in (repo / "src/bria/_version.py").read_text()
    changelog = (repo / "CHANGELOG.md").read_text()
    assert changelog.startswith("# Changelog\n\n## 0.1.1 — ")
    assert report in changelog
    assert any((repo / "generated/python/bria/_generated/image_editing/api").rglob("erase_foreground_fast.py"))
    # The regenerated tree is exactly what `make generate` makes from the new inputs.
    check = run_pipeline(repo, "check-generated")
    assert check.returncode == 0, check.stderr


def test_breaking_change_is_regenerated_with_a_minor_release(repo: Path, server: SpecServer) -> None:
    def break_v1(document: Any) -> None:
        expansion = document["paths"]["/image_expansion"]["post"]["responses"]["200"]
        del expansion["content"]["application/json"]["schema"]["properties"]["prompt"]
        psd = document["paths"]["/{visual_id}/image_to_psd"]["post"]
        next(p for p in psd["parameters"] if p["name"] == "sid")["required"] = True

    def break_image_editing(document: Any) -> None:
        replace = document["paths"]["/replace_background"]["post"]["requestBody"]["content"]["application/json"]
        replace["schema"]["properties"]["mode"]["enum"].remove("fast")

    replies = {
        "image_editing_v1": edited_json(repo, V1, break_v1),
        "image_editing": edited_yaml(repo, EDITING, break_image_editing),
    }
    code, _, err = update_specs(repo, serve(server, repo, **replies))

    assert code == 20, err
    report = (repo / REPORT_FILE).read_text()
    rows = report_rows(report)
    breaking = [r for r in rows if r.startswith("| **breaking**")]
    assert any("POST /image_expansion" in r and "`prompt`" in r and "removed" in r for r in breaking)
    assert any("POST /{visual_id}/image_to_psd" in r and "`sid`" in r and "required" in r for r in breaking)
    assert any("POST /replace_background" in r and "`fast`" in r and "removed" in r for r in breaking)
    # The same three, as Python users see them.
    v1_client, v2_models = "bria._generated.image_editing_v1", "bria._generated.image_editing.models"
    for row in (
        f"| **breaking** | {v1_client}.models.expand_image_response_200.ExpandImageResponse200.prompt | removed |",
        f"| **breaking** | {v1_client}.api.layers.image_to_psd.sync(sid) | parameter `sid` became required |",
        "| **breaking** | bria.resources.image_editing_v1.ImageEditingV1.image_to_psd(sid) | parameter `sid` became"
        " required |",
        f"| **breaking** | {v2_models}.background_replace_body_mode.BackgroundReplaceBodyMode.FAST | removed |",
    ):
        assert row in rows
    # The facades take the enum's values as a Literal too: `fast` is gone from it, on both clients.
    for facade in ("ImageEditing", "AsyncImageEditing"):
        where = f"| **breaking** | bria.resources.image_editing.{facade}.background_replace(mode) | type changed: "
        assert any(
            r.startswith(where) and "'fast'" in r.split("->")[0] and "'fast'" not in r.split("->")[1] for r in rows
        )
    assert not any(r.startswith("| compatible") for r in rows)
    # "became required" is said once per place, not again as the `| Unset` it drops from the annotation.
    assert "`str \\| Unset` -> `str`" not in report
    assert report.startswith("## 0.2.0 — ") and "breaking upstream change" in report
    assert '__version__ = "0.2.0"' in (repo / "src/bria/_version.py").read_text()
    assert (repo / V1).read_bytes() == replies["image_editing_v1"].body
    assert (repo / EDITING).read_bytes() == replies["image_editing"].body


def test_upstream_fix_turns_an_overlay_action_into_a_candidate_for_deletion(repo: Path, server: SpecServer) -> None:
    def fix_row_2(document: Any) -> None:
        person = document["paths"]["/{visual_id}/person/info"]["get"]["responses"]["200"]
        person["content"]["application/json"]["schema"]["items"]["properties"]["labels"]["items"] = {"type": "string"}

    code, _, err = update_specs(repo, serve(server, repo, image_editing_v1=edited_json(repo, V1, fix_row_2)))

    assert code == 10, err
    report = (repo / REPORT_FILE).read_text()
    noop = report.split("### Overlay actions that now change nothing")[1].split("###")[0]
    assert "`overlays/image_editing_v1/10-validity.yaml` action #3" in noop
    assert noop.count("- `overlays/") == 1
    # The fix changes nothing a client sees: the overlay already gave the effective spec that shape.
    assert "the overlays absorbed the upstream edit" in report
    assert "No public function, model, attribute or parameter changed." in report


def test_upstream_fix_of_a_validator_error_is_reported(repo: Path, server: SpecServer) -> None:
    """Row 1 fixed upstream the way overlays/image_editing_v1/10-validity.yaml fixes it: both actions still apply,
    so the fix shows as a validator error gone from the raw document, pointing at the guard test."""

    def fix_row_1(document: Any) -> None:
        gen_fill = document["paths"]["/gen_fill"]["post"]["responses"]["200"]["content"]["application/json"]
        gen_fill["schema"]["properties"]["seed"]["items"] = {"type": "integer", "nullable": True}

    code, _, err = update_specs(repo, serve(server, repo, image_editing_v1=edited_json(repo, V1, fix_row_1)))

    assert code == 10, err
    report = (repo / REPORT_FILE).read_text()
    faults = report.split("### Validity of the raw upstream documents")[1].split("###")[0]
    fixed = "- image_editing_v1: validator error fixed upstream: `image_editing_v1#/paths/~1gen_fill/post/responses/200"
    assert fixed in faults
    assert "['integer', 'null'] is not of type 'string'" in faults
    assert "tests/pipeline/test_upstream_guards.py" in faults
    assert "the overlays absorbed the upstream edit" in report


def test_moved_path_is_overlay_drift_and_changes_nothing(repo: Path, server: SpecServer) -> None:
    def move_gen_fill(document: Any) -> None:
        document["paths"]["/gen_fill_v2"] = document["paths"].pop("/gen_fill")

    before = state(repo)
    reply = edited_json(repo, V1, move_gen_fill)
    code, _, err = update_specs(repo, serve(server, repo, image_editing_v1=reply))

    assert code == 30, err
    assert state(repo) == before
    report = (repo / REPORT_FILE).read_text()
    assert "overlay drift" in report
    assert "`overlays/image_editing_v1/10-validity.yaml action #1 (target $.paths['/gen_fill']" in report
    assert "selects no node" in report
    assert (repo / UPSTREAM_COPIES / V1).read_bytes() == reply.body


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(b"<html><body>Not Found</body></html>", 404, "text/html"), "HTTP 404 Not Found"),
        (Reply(b"<!DOCTYPE html><html><body>Docs</body></html>", 200, "text/html; charset=utf-8"), "HTML page"),
        (Reply(b"<!DOCTYPE html><html></html>", 200, "application/yaml"), "HTML page"),
        (Reply(b"openapi: 3.0.0\ninfo:\n  title: x\n  version: ''\npaths:\n  /erase:\n    post: {"), "not valid YAML"),
        (Reply(b"- just\n- a list\n"), "not an OpenAPI document"),
    ],
    ids=["404", "html-content-type", "html-body", "truncated-yaml", "not-openapi"],
)
def test_unusable_upstream_changes_nothing(repo: Path, server: SpecServer, reply: Reply, message: str) -> None:
    before = state(repo)
    code, _, err = update_specs(repo, serve(server, repo, image_editing=reply))
    assert code == 40
    assert message in err
    assert f"image_editing <{server.url(SERVED_AT['image_editing'])}>" in err
    assert state(repo) == before


def test_truncated_documents_change_nothing(repo: Path, server: SpecServer) -> None:
    """Cut in half with a matching length (v1, JSON), and cut short of its Content-Length (status)."""
    before = state(repo)
    v1 = (repo / V1).read_bytes()
    cut = Reply(v1[: len(v1) // 2], content_type="application/json")
    short = Reply((repo / STATUS).read_bytes(), behaviour="cut-short")
    code, _, err = update_specs(repo, serve(server, repo, image_editing_v1=cut, status=short))
    assert code == 40
    assert "not valid JSON (truncated or corrupt?)" in err
    assert "transfer cut short" in err
    assert state(repo) == before


def test_server_that_never_answers_times_out(repo: Path, server: SpecServer) -> None:
    before = state(repo)
    started = time.monotonic()
    code, _, err = update_specs(repo, serve(server, repo, status=Reply(behaviour="never-answer")), timeout=1)
    assert code == 40
    assert "no complete answer within 1 s" in err
    assert time.monotonic() - started < 30
    assert state(repo) == before


def test_unreachable_upstream_changes_nothing(repo: Path, server: SpecServer) -> None:
    before = state(repo)
    urls = serve(server, repo) | {"SPEC_IMAGE_EDITING_V1_URL": "http://127.0.0.1:9/image-editing.json"}
    code, _, err = update_specs(repo, urls)
    assert code == 40
    assert "`image_editing_v1 <http://127.0.0.1:9/image-editing.json>`: unreachable: ConnectError" in err
    assert state(repo) == before


def test_moved_document_url_answers_404_and_changes_nothing(repo: Path, server: SpecServer) -> None:
    """Bria moved status.yaml: the URL in sources.toml now answers 404 while the document is served elsewhere."""
    before = state(repo)
    urls = serve(server, repo)
    server.replies["/status/moved/status.yaml"] = server.replies.pop(SERVED_AT["status"])
    code, _, err = update_specs(repo, urls)
    assert code == 40
    old_url = urls["SPEC_STATUS_URL"]
    problem = f"`status <{old_url}>`: HTTP 404 Not Found"
    assert problem in err
    # The report names that document and its URL, and only it: the other two were fetched fine.
    problems = [line for line in (repo / REPORT_FILE).read_text().splitlines() if line.startswith("- ")]
    assert problems == [f"- {problem}"]
    assert "(1 problem)" in err
    assert sorted(server.requests) == sorted(SERVED_AT.values())
    assert "/status/moved/status.yaml" not in server.requests
    assert state(repo) == before


def test_permanent_redirect_records_the_new_url_and_nothing_else(repo: Path, server: SpecServer) -> None:
    """Bria moved status.yaml and answers the recorded URL with 301: the same bytes, a new address. The new URL
    is written to sources.toml; nothing is regenerated and there is no release."""
    urls = serve(server, repo)
    old_url, new_url = server.url("/old/status.yaml"), urls.pop(URL_VARIABLES["status"])
    server.replies["/old/status.yaml"] = Reply(b"", 301, "text/plain", location=new_url)
    sources = repo / "spec/sources.toml"
    sources.write_text(with_url(sources.read_text(encoding="utf-8"), "status", old_url), encoding="utf-8")
    before = state(repo)

    code, out, err = update_specs(repo, urls)

    assert code == 0, err
    assert "moved: status (new URL recorded)" in out
    report = (repo / REPORT_FILE).read_text()
    assert f"`status` moved: <{old_url}> answers with a permanent redirect to <{new_url}>" in report
    after = state(repo)
    assert {name for name in after if after[name] != before.get(name)} == {"spec/sources.toml"}
    assert next(d for d in load_documents(repo) if d.name == "status").url == new_url
    expected = tomllib.loads(before["spec/sources.toml"].decode())
    expected["documents"]["status"]["url"] = new_url
    assert tomllib.loads(sources.read_text()) == expected, "only the URL changed"
