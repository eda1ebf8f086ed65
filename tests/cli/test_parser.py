"""The parsers come from the generated records for every operation, and their help says what the spec says."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bria.cli import _catalog, main
from bria.cli._output import call_arguments
from bria.cli._parser import build_parser, normalize_flags, operation_parser

ALL_OPERATIONS = [(doc.name, info.name) for doc in _catalog.documents() for info in _catalog.operations(doc.name)]


def test_every_document_is_listed_and_every_operation_counted() -> None:
    names = [doc.name for doc in _catalog.documents()]
    assert names[0] == "image_editing"
    assert {"image_editing_v1", "status", "video_editing", "attribution_service"} <= set(names)
    # README: 104 operations in the ten documents, 13 in the deprecated v1 document, 12 in the deprecated legacy
    # platform document (Segmind's are bria.Segmind's, not the bria command's).
    assert len(ALL_OPERATIONS) == 129


@pytest.mark.parametrize(("document", "operation"), ALL_OPERATIONS)
def test_parser_builds_for_every_operation(document: str, operation: str) -> None:
    info = _catalog.operation(document, operation)
    assert info is not None
    parser = build_parser(document, operation)
    text = operation_parser(document, operation).format_help()
    assert info.summary in text
    for param in info.params:
        assert param.flag in text, param.name
        if param.required:
            # Required arguments are listed with a marker in their own group.
            assert "required arguments:" in text
    # Nothing given: argparse accepts it (the SDK checks required arguments and names the missing one).
    namespace = parser.parse_args([document, operation])
    assert all(value is None for value in call_arguments(info, namespace).values())


def test_help_shows_choices_required_server_defaults_and_rules() -> None:
    text = operation_parser("image_editing", "erase").format_help()
    assert "--mask-type {manual,automatic}" in text
    assert "[required] an image" in text
    assert "[server default: manual]" in text
    assert "--preserve-alpha, --no-preserve-alpha" in text
    assert "--no-wait" in text and "--input-dir" in text

    replace = operation_parser("image_editing", "background_replace").format_help()
    assert "either/or: give --prompt or --ref-images" in replace
    assert "not together: --prompt, --ref-images" in replace
    assert "[repeat --ref-images for each item]" in replace

    # An integer enum keeps its values as integers.
    increase = operation_parser("image_editing", "increase_resolution").format_help()
    assert "--desired-increase {2,4}" in increase


def test_deprecated_operation_says_so() -> None:
    info = _catalog.operations("image_editing_v1")[0]
    text = operation_parser("image_editing_v1", info.name).format_help()
    assert "DEPRECATED:" in text


def test_conversion_of_flags_to_facade_arguments() -> None:
    info = _catalog.operation("image_editing", "erase")
    assert info is not None
    argv = normalize_flags(
        ["image_editing", "erase", "--image", "a.png", "--mask_type", "manual", "--no-preserve-alpha", "--sync"]
    )
    namespace = build_parser("image_editing", "erase").parse_args(argv)
    assert call_arguments(info, namespace) == {
        "image": "a.png",
        # Required by the method and not given: passed as None, so the SDK names it in its ParameterError.
        "mask": None,
        "mask_type": "manual",
        "preserve_alpha": False,
        "sync": True,
    }


def test_arrays_are_repeated_flags_and_numbers_are_numbers() -> None:
    info = _catalog.operation("image_editing", "image_expansion")
    assert info is not None
    argv = ["image_editing", "image_expansion", "--canvas-size", "100", "--canvas-size", "200", "--aspect-ratio", "1.5"]
    args = call_arguments(info, build_parser("image_editing", "image_expansion").parse_args(argv))
    assert args["canvas_size"] == [100, 200]
    # `float | AspectRatio`: a number is a number, an enum value stays text.
    assert args["aspect_ratio"] == 1.5
    argv[-1] = "16:9"
    assert (
        call_arguments(info, build_parser("image_editing", "image_expansion").parse_args(argv))["aspect_ratio"]
        == "16:9"
    )


def test_json_objects_become_the_generated_models() -> None:
    info = _catalog.operation("product_shot_editing", "vehicle_refine_tires")
    assert info is not None
    param = info.by_name["masks"]
    assert param.kind == "object" and param.model is not None
    argv = ["product_shot_editing", "vehicle_refine_tires", "--masks", '{"tire": "https://example.com/m.png"}']
    value = call_arguments(info, build_parser(*argv[:2]).parse_args(argv))["masks"]
    assert isinstance(value, param.model)
    assert value.to_dict()["tire"] == "https://example.com/m.png"


@pytest.mark.parametrize(
    "argv",
    [
        ["image_editing", "erase", "--mask-type", "sideways"],
        ["image_editing", "image_expansion", "--canvas-size", "wide"],
        ["product_shot_editing", "vehicle_refine_tires", "--masks", "[1, 2]"],
        ["image_editing", "erase", "--no-such-flag"],
        ["no_such_document"],
        ["image_editing", "no_such_operation"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "error:" in capsys.readouterr().err


def test_top_help_lists_documents_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for doc in _catalog.documents():
        assert doc.name in out
    for code in ("0 ", "2 ", "3 ", "4 ", "5 ", "130"):
        assert f"\n  {code}" in out
    assert main(["image_editing", "--help"]) == 0
    out = capsys.readouterr().out
    assert "background_remove" in out and "Remove Background" in out


def _fresh(code: str) -> str:
    env = {**os.environ, "COLUMNS": "300"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return done.stdout


_IMPORTED_BY_HELP = (
    "import sys, contextlib, io\n"
    "import bria\n"
    "before = set(sys.modules)\n"
    "from bria.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()): main({argv!r})\n"
    "print(sorted(m for m in set(sys.modules) - before if m.startswith(('bria.', 'rich'))))"
)


def test_top_help_imports_no_facade_and_no_rich() -> None:
    # Measured against `import bria` (httpx imports its own CLI, and with it Rich, when click is installed).
    imported = _fresh(_IMPORTED_BY_HELP.format(argv=["--help"]))
    assert "bria.resources." not in imported and "bria._generated" not in imported and "'rich" not in imported
    imported = _fresh(_IMPORTED_BY_HELP.format(argv=["status", "--help"]))
    assert "'bria.resources.status'" in imported
    assert "bria.resources.image_editing" not in imported and "'rich" not in imported


def test_help_is_deterministic_and_plain_off_a_terminal() -> None:
    # What the docs build runs: same bytes whatever the terminal's width, no escape codes.
    runs = {
        _fresh("import sys; from bria.cli import main; main(['image_editing', 'erase', '--help'])") for _ in range(2)
    }
    assert len(runs) == 1
    text = runs.pop()
    assert "\x1b[" not in text
    # After the usage block (argparse cannot break inside one [--flag | --no-flag] alternative).
    body = text.split("\n\n", 1)[1]
    assert max(len(line) for line in body.splitlines()) <= 100
