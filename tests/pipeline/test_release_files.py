"""The files `make update-specs` edits by text: the version, CHANGELOG.md and the hashes in sources.toml."""

from __future__ import annotations

import tomllib

import pytest

from bria_pipeline.layout import with_sha256, with_url
from bria_pipeline.versioning import bump, read_version, with_entry, with_version

from ._repo import REPO_ROOT


@pytest.mark.parametrize(
    ("version", "breaking", "additions", "expected"),
    [
        ("0.1.0", True, True, "0.2.0"),
        ("0.1.3", False, True, "0.1.4"),
        ("0.1.3", False, False, "0.1.4"),
        ("1.4.2", True, False, "2.0.0"),
        ("1.4.2", False, True, "1.5.0"),
        ("1.4.2", False, False, "1.4.3"),
    ],
)
def test_bump_follows_semver_with_the_0x_convention(
    version: str, breaking: bool, additions: bool, expected: str
) -> None:
    assert bump(version, breaking=breaking, additions=additions) == expected


def test_version_file_round_trip() -> None:
    text = (REPO_ROOT / "src/bria/_version.py").read_text()
    version = read_version(text)
    assert with_version(text, "9.8.7") == text.replace(f'"{version}"', '"9.8.7"')
    with pytest.raises(ValueError, match="__version__"):
        read_version("VERSION = 1\n")


def test_changelog_entry_goes_first_under_the_title() -> None:
    old = "# Changelog\n\n## 0.1.0 — first\n\nText.\n"
    assert with_entry(old, "## 0.1.1 — next\n\nMore.\n") == (
        "# Changelog\n\n## 0.1.1 — next\n\nMore.\n\n## 0.1.0 — first\n\nText.\n"
    )
    assert with_entry("", "## 0.1.1 — next\n") == "# Changelog\n\n## 0.1.1 — next\n"


def test_with_sha256_replaces_one_documents_hash_and_keeps_the_rest() -> None:
    text = (REPO_ROOT / "spec/sources.toml").read_text()
    updated = with_sha256(text, "image_editing", "ab" * 32)
    before, after = tomllib.loads(text)["documents"], tomllib.loads(updated)["documents"]
    assert after["image_editing"]["sha256"] == "ab" * 32
    assert {k: v for k, v in after.items() if k != "image_editing"} == {
        k: v for k, v in before.items() if k != "image_editing"
    }
    assert [line for line in updated.splitlines() if line.startswith("#")] == [
        line for line in text.splitlines() if line.startswith("#")
    ]
    with pytest.raises(ValueError, match=r"\[documents.v9\]"):
        with_sha256(text, "v9", "00" * 32)


def test_with_url_replaces_one_documents_url_and_keeps_the_rest() -> None:
    text = (REPO_ROOT / "spec/sources.toml").read_text()
    updated = with_url(text, "status", "https://docs.bria.ai/_spec/status-v2.yaml")
    before, after = tomllib.loads(text)["documents"], tomllib.loads(updated)["documents"]
    assert after["status"]["url"] == "https://docs.bria.ai/_spec/status-v2.yaml"
    assert {k: v for k, v in after.items() if k != "status"} == {k: v for k, v in before.items() if k != "status"}
    assert len(updated.splitlines()) == len(text.splitlines())
