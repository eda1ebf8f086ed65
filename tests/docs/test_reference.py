"""The API reference is written from the SDK itself (`bria_pipeline.reference`): every operation of every
document has a page in the built site (`make docs` builds it before `make test` runs these), each page
carries what the operation's `Operation` record and facade method say, and a broken link fails the build."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import bria
from bria._operation import Operation
from bria_pipeline import reference
from tests.conftest import REPO_ROOT

PAGES = REPO_ROOT / "build" / "docs-src" / "pages"
SITE = REPO_ROOT / "build" / "docs"


def records() -> list[Operation]:
    found = []
    for name in reference.document_names():
        found += reference.operations_of(importlib.import_module(f"bria.resources.{name}"))
    return found


def built_page(path: str) -> str:
    page = PAGES / path
    if not page.is_file():
        pytest.fail(f"{page} is missing: run `make docs` first (make test does)")
    return page.read_text(encoding="utf-8")


def test_the_reference_has_every_operation_of_every_document() -> None:
    operations = records()
    # The count the README and the package page give: 104 operations in ten documents, 13 in v1, 12 in the
    # legacy platform document (the `Bria` client's documents; Segmind's two are bria.Segmind's).
    assert len(operations) == 129
    assert len({o.document for o in operations}) == 12
    site_pages = {p.parent.relative_to(SITE / "reference").as_posix() for p in SITE.glob("reference/*/*/index.html")}
    assert site_pages == {f"{o.document}/{o.name}" for o in operations}
    for document in reference.document_names():
        listed = re.findall(r"\[`(\w+)`\]\((\w+)\.md\)", built_page(f"reference/{document}/index.md"))
        expected = sorted(o.name for o in operations if o.document == document)
        assert [name for name, _ in listed] == expected
        assert all(name == target for name, target in listed)
    navigation = (REPO_ROOT / "build" / "docs-src" / "mkdocs.yml").read_text(encoding="utf-8")
    missing = [o.qualified_name for o in operations if f"reference/{o.document}/{o.name}.md" not in navigation]
    assert not missing


@pytest.mark.parametrize("operation", records(), ids=lambda o: o.qualified_name)
def test_each_operation_page_lists_its_arguments_rules_and_errors(operation: Operation) -> None:
    page = built_page(f"reference/{operation.document}/{operation.name}.md")
    assert page.count(f"# {operation.qualified_name}\n") == 1
    assert f"**{operation.method}** `{operation.path_prefix}{operation.path}`" in page
    facade = getattr(importlib.import_module(f"bria.resources.{operation.document}"), _class_of(operation.document))
    for name in inspect.signature(getattr(facade, operation.name)).parameters:
        if name != "self":
            assert re.search(rf"^\| `{name}`", page, flags=re.MULTILINE), f"argument {name} is not in the table"
    for name in operation.required:
        assert f"| `{name}`<br>**required** |" in page
    for rule in operation.rules:
        if rule.enum is not None:
            assert all(f"`{json.dumps(value)}`" in page for value in rule.enum), rule
        for bound in (rule.minimum, rule.maximum, rule.min_length, rule.max_length, rule.min_items, rule.max_items):
            if bound is not None:
                assert re.search(rf"\b{int(bound) if float(bound).is_integer() else bound}\b", page), rule
    for group in operation.one_of_required + operation.mutually_exclusive:
        assert all(f"`{name}`" in page.split("### Rules")[1] for name in group)
    assert "[`ParameterError`](../errors.md#parametererror)" in page
    assert ("[`ImageInputError`]" in page) == bool(operation.images)
    assert ("[`JobFailedError`]" in page) == operation.is_job
    assert ("[`JobTimeoutError`]" in page) == operation.is_job
    assert ('!!! warning "Deprecated"' in page) == bool(operation.deprecated)


def _class_of(document: str) -> str:
    module = importlib.import_module(f"bria.resources.{document}")
    return str(module.__all__[0])


def test_the_errors_of_an_operation_come_from_the_runtime_status_mapping() -> None:
    by_name = {o.qualified_name: o for o in records()}
    remove = by_name["image_editing.background_remove"]
    raised = {r.exception: r.when for r in reference.raises_of(remove)}
    # background_remove documents 400, 401, 403, 404, 415, 422, 429, 460 and 5XX.
    assert reference.documented_statuses(remove) == [200, 202, 400, 401, 403, 404, 415, 422, 429, 460, 500]
    assert "460" in raised["ImageDownloadError"]
    assert "5xx" in raised["InternalServerError"]
    assert "ContentModerationError" in raised and "UnprocessableEntityError" in raised
    assert {"JobFailedError", "JobTimeoutError", "UnsafeURLError", "DownloadError"} <= set(raised)
    # A documented 2xx failure (Bria's 205/206) is an APIStatusError, as the runtime raises it.
    failing = next(o for o in records() if o.failure_statuses)
    code = min(failing.failure_statuses)
    assert reference.status_class(code, failing) is bria.APIStatusError
    assert reference.status_class(200, failing) is None


def test_the_errors_page_documents_every_exported_exception() -> None:
    page = built_page("reference/errors.md")
    for name in bria.__all__:
        value = getattr(bria, name)
        if isinstance(value, type) and issubclass(value, bria.BriaError):
            assert f"## {name} {{#{name.lower()}}}" in page
    assert "[`ImageDownloadError`](#imagedownloaderror) (HTTP 460)" in page
    assert "[`RateLimitError`](#ratelimiterror) (HTTP 429)" in page


def test_docstrings_split_into_summary_prose_arguments_and_closing_note() -> None:
    summary, description, arguments, trailer = reference.split_docstring(
        "Get it.\n\nDeprecated: use other.\n\nLong prose.\n\nArgs:\n    a: first\n        continued\n    b\n\nCloses."
    )
    assert (summary, description, trailer) == ("Get it.", "Long prose.", "Closes.")
    assert arguments == {"a": "first continued", "b": ""}


def test_annotations_read_as_users_pass_them() -> None:
    assert reference.clean_annotation("bool | Unset | None") == "bool | None"
    assert reference.clean_annotation("Literal['a', 'b'] | Mode | Unset | None") == "str | Mode | None"
    assert reference.clean_annotation("Literal[2, 4] | Unset") == "int"
    assert (
        reference.clean_annotation("ImageInput | Sequence[ImageInput] | None")
        == "ImageInput | Sequence[ImageInput] | None"
    )


def test_guide_links_point_at_site_pages_or_the_repository() -> None:
    text = (
        "See [PACKAGE.md](PACKAGE.md), [overlays](overlays/README.md#x), [code](src/bria/_flow.py), [b](https://b.ai)."
    )
    fixed = reference.render_guide("README.md", text)
    assert "[PACKAGE.md](users.md)" in fixed
    assert "[overlays](overlays.md#x)" in fixed
    assert f"[code]({reference.SOURCE_URL}src/bria/_flow.py)" in fixed
    assert "[b](https://b.ai)" in fixed


def test_the_cli_page_says_when_the_cli_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reference.importlib.util, "find_spec", lambda name: None)
    page = reference.render_cli(["image_editing"])
    assert "not installed" in page and "```text" not in page


def test_the_cli_page_shows_the_help_of_the_cli_and_of_each_document(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reference.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(reference, "cli_help", lambda arguments: f"usage: bria {' '.join(arguments)}\n")
    page = reference.render_cli(["image_editing", "status"])
    assert "## bria image_editing\n\n```text\nusage: bria image_editing --help\n```" in page
    assert "## bria\n\n```text\nusage: bria --help\n```" in page
    assert "not installed" not in page


def test_the_cli_page_takes_a_dashed_document_command(monkeypatch: pytest.MonkeyPatch) -> None:
    def dashed_only(arguments: list[str]) -> str:
        if "_" in arguments[0]:
            raise RuntimeError(f"bria {arguments[0]}: no such command")
        return f"usage: bria {arguments[0]}\n"

    monkeypatch.setattr(reference.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(reference, "cli_help", dashed_only)
    assert "## bria image-editing\n\n```text\nusage: bria image-editing\n```" in reference.render_cli(["image_editing"])
    monkeypatch.setattr(reference, "cli_help", lambda arguments: (_ for _ in ()).throw(RuntimeError("exited 2")))
    with pytest.raises(RuntimeError, match="exited 2"):
        reference.render_cli(["image_editing"])


def test_the_built_cli_page_matches_whether_the_cli_is_importable() -> None:
    installed = importlib.util.find_spec("bria.cli") is not None
    assert ("not installed" not in built_page("cli.md")) == installed


def test_a_broken_link_fails_the_strict_build(tmp_path: Path) -> None:
    out, site = tmp_path / "src", tmp_path / "site"
    reference.write_site(out, site)
    (out / "pages" / "index.md").write_text("# Home\n\nSee [the missing page](nowhere.md).\n", encoding="utf-8")
    # As `make docs` runs it; never with --quiet, which drops the warnings before --strict counts them.
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(out / "mkdocs.yml")]
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=240, env=environment)
    assert result.returncode != 0
    assert "nowhere.md" in result.stderr + result.stdout


def test_a_returned_model_is_named_with_where_to_import_it() -> None:
    page = built_page("reference/tailored_generation/get_models.md")
    assert "## Returns\n\n`list[GetModelsResponse200Item]`" in page
    assert "From `bria.types`: `GetModelsResponse200Item`." in page
    job = built_page("reference/image_editing/background_remove.md")
    assert "- `wait=True` (the default): `ImageResult`\n- `wait=False`: `Job`" in job
