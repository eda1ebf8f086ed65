"""The Python API diff: copies of the generated packages, edited by hand, and a tiny package for edge cases."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from bria_pipeline.api_diff import diff_python_api, package_names
from bria_pipeline.changes import Change
from bria_pipeline.layout import load_documents

from ._repo import REPO_ROOT

GENERATED = REPO_ROOT / "generated" / "python"
V2 = "bria._generated.image_editing"
RESOURCES = "bria.resources"
BODY = "bria._generated.image_editing.models.background_remove_body.BackgroundRemoveBody"
BODY_FILE = "bria/_generated/image_editing/models/background_remove_body.py"
ENDPOINTS = "bria._generated.image_editing.api.v2_endpoints"
ENDPOINTS_DIR = "bria/_generated/image_editing/api/v2_endpoints"
REMOVE_BG_FILE = f"{ENDPOINTS_DIR}/background_remove.py"
FACADE_FILE = "bria/resources/image_editing.py"
FACADE = "bria.resources.image_editing.ImageEditing"
MASK_TYPE_FILE = "bria/_generated/image_editing/models/erase_body_mask_type.py"
OPTIONAL = ": bool | Unset = UNSET\n"


@pytest.fixture
def roots(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    for root in (old, new):
        for package in (V2, RESOURCES):
            directory = Path(*package.split("."))
            shutil.copytree(GENERATED / directory, root / directory, ignore=shutil.ignore_patterns("__pycache__"))
    return old, new


def edit(path: Path, old: str, new: str, *, start: str = "", count: int = 1) -> None:
    """Replace `count` occurrences of `old` after `start`; fails if the generated code no longer has them."""
    text = path.read_text()
    offset = text.index(start) if start else 0
    head, tail = text[:offset], text[offset:]
    assert tail.count(old) >= count, f"{old!r} not found {count} time(s) in {path}"
    path.write_text(head + tail.replace(old, new, count))


def change(where: str, what: str, *, breaking: bool = True, scope: str = V2) -> Change:
    return Change("python", scope, where, what, breaking)


def diff(roots: tuple[Path, Path]) -> list[Change]:
    return diff_python_api(*roots, packages=(V2, RESOURCES))


def test_identical_trees_have_no_changes() -> None:
    # How long this takes is not asserted here (timed tests fail on a loaded machine): `make update-specs`
    # prints its own time.
    assert diff_python_api(GENERATED, GENERATED, package_names(load_documents(REPO_ROOT))) == []


def test_removed_model_attribute(roots: tuple[Path, Path]) -> None:
    edit(roots[1] / BODY_FILE, "    webhook_url: str | Unset = UNSET\n", "")
    assert diff(roots) == [change(f"{BODY}.webhook_url", "removed")]


def test_optional_model_attribute_became_required(roots: tuple[Path, Path]) -> None:
    edit(roots[1] / BODY_FILE, f"    preserve_alpha{OPTIONAL}", "    preserve_alpha: bool | Unset\n")
    assert diff(roots) == [change(f"{BODY}(preserve_alpha)", "parameter `preserve_alpha` became required")]


def test_new_model_attributes_required_or_not(roots: tuple[Path, Path]) -> None:
    edit(roots[1] / BODY_FILE, "    image: str\n", "    image: str\n    mask: str\n    seed: int | Unset = UNSET\n")
    assert diff(roots) == [
        change(f"{BODY}(mask)", "new required constructor parameter `mask`"),
        change(f"{BODY}.seed", "added", breaking=False),
    ]


def test_changed_model_annotation(roots: tuple[Path, Path]) -> None:
    edit(roots[1] / BODY_FILE, "    image: str\n", "    image: int\n")
    assert diff(roots) == [change(f"{BODY}.image", "type changed: `str` -> `int`")]


def test_changed_parameter_and_return_annotations(roots: tuple[Path, Path]) -> None:
    path = roots[1] / REMOVE_BG_FILE
    edit(path, "    client: AuthenticatedClient,\n", "    client: AuthenticatedClient | Client,\n", start="def sync(")
    returns = "AsyncInitialResponse | ErrorResponse | SyncSuccessResponse | None"
    edit(path, f") -> {returns}:", ") -> SyncSuccessResponse | None:", start="def sync(")
    where = f"{ENDPOINTS}.background_remove.sync"
    assert diff(roots) == [
        change(where, f"return type changed: `{returns}` -> `SyncSuccessResponse | None`"),
        change(f"{where}(client)", "type changed: `AuthenticatedClient` -> `AuthenticatedClient | Client`"),
    ]


def test_removed_facade_parameter_is_one_change_across_overloads(roots: tuple[Path, Path]) -> None:
    # ImageEditing.enhance has three overloads and the implementation; AsyncImageEditing.enhance keeps `seed`.
    # The first `def enhance(` in the module is ImageEditing's first overload.
    edit(roots[1] / FACADE_FILE, "        seed: int | Unset | None = UNSET,\n", "", start="    def enhance(", count=4)
    assert diff(roots) == [
        change(f"{FACADE}.enhance(seed)", "parameter `seed` removed", scope=RESOURCES),
    ]


def test_changed_overload_return_type(roots: tuple[Path, Path]) -> None:
    # The first `def blur_bg(` is ImageEditing's first overload; its second one returns a Job.
    edit(roots[1] / FACADE_FILE, "    ) -> Job: ...\n", "    ) -> Result: ...\n", start="    def blur_bg(")
    what = "return type changed: `Job` -> `Result`"
    assert diff(roots) == [change(f"{FACADE}.blur_bg", what, scope=RESOURCES)]


def test_name_missing_from_dunder_all_still_counts(roots: tuple[Path, Path]) -> None:
    # src/bria imports JOB_STATUS although status.py's `__all__` does not list it.
    edit(roots[1] / "bria/resources/status.py", "JOB_STATUS = _GET_STATUS\n", "")
    assert diff(roots) == [change("bria.resources.status.JOB_STATUS", "removed", scope=RESOURCES)]


def test_new_api_module_is_one_addition(roots: tuple[Path, Path]) -> None:
    endpoints = roots[1] / ENDPOINTS_DIR
    shutil.copy(endpoints / "background_remove.py", endpoints / "background_remove_v3.py")
    assert diff(roots) == [change(f"{ENDPOINTS}.background_remove_v3", "added", breaking=False)]


def test_removed_module_is_reported_once(roots: tuple[Path, Path]) -> None:
    # The package of all 24 endpoint modules (the document has one tag), gone as a whole.
    shutil.rmtree(roots[1] / ENDPOINTS_DIR)
    assert diff(roots) == [change(ENDPOINTS, "removed")]


def test_renamed_function(roots: tuple[Path, Path]) -> None:
    edit(roots[1] / REMOVE_BG_FILE, "async def asyncio_detailed(", "async def asyncio_with_response(")
    where = f"{ENDPOINTS}.background_remove.asyncio_detailed"
    assert diff(roots) == [change(where, "renamed to `asyncio_with_response`")]


def test_enum_members_removed_added_and_revalued(roots: tuple[Path, Path]) -> None:
    edit(roots[1] / MASK_TYPE_FILE, '    MANUAL = "manual"\n', '    HYBRID = "hybrid"\n')
    edit(roots[1] / MASK_TYPE_FILE, '"automatic"', '"auto"')
    enum = "bria._generated.image_editing.models.erase_body_mask_type.EraseBodyMaskType"
    assert diff(roots) == [
        change(f"{enum}.AUTOMATIC", "value changed: `'automatic'` -> `'auto'`"),
        change(f"{enum}.HYBRID", "added", breaking=False),
        change(f"{enum}.MANUAL", "removed"),
    ]


def test_missing_package(roots: tuple[Path, Path]) -> None:
    shutil.rmtree(roots[1] / Path(*V2.split(".")))
    assert diff(roots) == [change(V2, "removed")]
    assert diff((roots[1], roots[0])) == [change(V2, "added", breaking=False)]


TINY_OLD = """
    from attrs import define, field

    @define
    class Model:
        kept: int = 1
        hidden: dict[str, int] = field(init=False, factory=dict)
        _private: int = 0

    def run(x: int, *, y: str = "a") -> int: ...
    def _helper() -> None: ...
    def untyped(x): ...
"""
TINY_NEW = """
    from attrs import define, field

    @define
    class Model:
        kept: int = 2
        hidden: dict[str, int] = field(init=False)
        _private: str = "changed"
        _token: str
        extra: int = field(default=0)

    def run(x: int, *, y: str = "a", z: bool = False) -> int: ...
    def _helper(required: int) -> str: ...
    def untyped(x) -> int: ...
    def execute(x: int, *, y: str = "a") -> int: ...
"""


def test_tiny_package_edge_cases(tmp_path: Path) -> None:
    for side, source in (("old", TINY_OLD), ("new", TINY_NEW)):
        (tmp_path / side / "tiny").mkdir(parents=True)
        (tmp_path / side / "tiny" / "__init__.py").write_text(textwrap.dedent(source))
    # `hidden` is not an `__init__` parameter, attrs turns `_private` into the parameter `private`,
    # `_helper` is skipped, a return annotation that appears breaks nothing, and a new function with
    # the signature of one that stays is an addition, not a rename.
    assert diff_python_api(tmp_path / "old", tmp_path / "new", packages=("tiny",)) == [
        Change("python", "tiny", "tiny.Model(kept)", "parameter `kept` default changed: `1` -> `2`", True),
        Change(
            "python", "tiny", "tiny.Model(private)", "parameter `private` default changed: `0` -> `'changed'`", True
        ),
        Change("python", "tiny", "tiny.Model(token)", "new required constructor parameter `token`", True),
        Change("python", "tiny", "tiny.Model.extra", "added", False),
        Change("python", "tiny", "tiny.execute", "added", False),
        Change("python", "tiny", "tiny.run(z)", "parameter `z` added", False),
    ]
