"""The SDK version and CHANGELOG.md, as `make update-specs` moves them on an upstream change.

Semantic versioning with the 0.x convention: before 1.0 a breaking change bumps the minor number
and anything else the patch number; from 1.0 on, breaking bumps major, additions bump minor, and a
change that adds nothing to the API (an upstream edit the overlays absorb) bumps patch.
"""

from __future__ import annotations

import re
from pathlib import Path

VERSION_FILE = Path("src/bria/_version.py")
CHANGELOG_FILE = Path("CHANGELOG.md")
CHANGELOG_HEADER = "# Changelog\n"

_VERSION_LINE = re.compile(r'^__version__ = "(\d+)\.(\d+)\.(\d+)"$', re.MULTILINE)


def read_version(text: str) -> str:
    match = _VERSION_LINE.search(text)
    if match is None:
        raise ValueError(f'{VERSION_FILE}: no line `__version__ = "X.Y.Z"`')
    return ".".join(match.groups())


def with_version(text: str, version: str) -> str:
    return _VERSION_LINE.sub(f'__version__ = "{version}"', text, count=1)


def bump(version: str, *, breaking: bool, additions: bool) -> str:
    major, minor, patch = (int(part) for part in version.split("."))
    if major == 0:
        return f"0.{minor + 1}.0" if breaking else f"0.{minor}.{patch + 1}"
    if breaking:
        return f"{major + 1}.0.0"
    return f"{major}.{minor + 1}.0" if additions else f"{major}.{minor}.{patch + 1}"


def with_entry(changelog: str, entry: str) -> str:
    """`changelog` with `entry` (a `## ...` section) placed first, right under the title."""
    body = changelog.removeprefix(CHANGELOG_HEADER).lstrip("\n")
    return f"{CHANGELOG_HEADER}\n{entry.rstrip()}\n\n{body}".rstrip() + "\n"
