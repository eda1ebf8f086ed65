"""The package page users see starts with the install command and the import name; the README keeps the two
maintainer commands in its first lines (tests/test_workflows.py checks those)."""

from __future__ import annotations

import tomllib

from tests.conftest import REPO_ROOT


def test_the_package_page_starts_with_pip_install_and_a_quickstart() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    page = (REPO_ROOT / project["readme"]).read_text(encoding="utf-8")
    head = page[:800]
    assert f"pip install {project['name']}" in head and "The import name is `bria`" in head
    assert page.index("## Quickstart") < page.index("## Maintainers")
    assert "make generate" not in page.split("## Maintainers")[0], "maintainer material comes after"
