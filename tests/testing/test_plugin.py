"""The pytest plugin as a downstream project meets it: autoloaded from the installed entry point, with
fixtures that work in a test run of their own, and cheap to load where nobody uses it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

from tests.conftest import REPO_ROOT


def _pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # A folder outside the repository, with no conftest.py: the fixtures can only come from the plugin.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "BRIA_"))}
    env.update(HOME=str(folder / "home"), XDG_CACHE_HOME=str(folder / "cache"))  # where poll history would go
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(folder), *args]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=240)


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    (plugin,) = [e for e in entry_points(group="pytest11") if e.name == "bria"]
    assert plugin.value == "bria.testing.pytest_plugin"


def test_the_downstream_example_passes_with_only_the_plugins_fixtures(tmp_path: Path) -> None:
    shutil.copy(REPO_ROOT / "examples" / "test_downstream.py", tmp_path / "test_downstream.py")
    run = _pytest(tmp_path, "test_downstream.py")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed" in run.stdout, run.stdout
    assert list(tmp_path.rglob("poll-history.json")) == []  # the fixtures' clients keep no poll history


def test_fixtures_are_per_test_and_the_token_can_be_overridden(tmp_path: Path) -> None:
    (tmp_path / "test_it.py").write_text(
        textwrap.dedent(
            """
            import pytest
            import bria

            SEEN = []

            @pytest.fixture
            def bria_api_token():
                return "my-own-token"

            @pytest.mark.parametrize("n", [1, 2])
            def test_each_test_gets_a_fresh_fake(fake_bria, bria_client, n):
                assert fake_bria.token == "my-own-token" and fake_bria.requests == []
                SEEN.append(fake_bria.base_url)
                bria_client.image_editing.background_remove(image="https://example.com/a.png")
                assert fake_bria.count("POST", "/v2/image/edit/remove_background") == 1

            def test_servers_differ():
                assert len(set(SEEN)) == 2

            def test_a_wrong_token_is_refused(fake_bria):
                with bria.Bria("wrong", base_url=fake_bria.base_url, max_retries=0) as other:
                    with pytest.raises(bria.AuthenticationError):
                        other.image_editing.background_remove(image="https://example.com/a.png")
            """
        ),
        encoding="utf-8",
    )
    run = _pytest(tmp_path, "test_it.py")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 passed" in run.stdout, run.stdout


def test_loading_the_plugin_imports_neither_the_server_nor_jsonschema() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["jsonschema"] = None  # as if the testing extra were not installed
        import bria.testing.pytest_plugin
        assert "bria.testing._server" not in sys.modules
        from bria.testing import FakeBria
        try:
            FakeBria().start()
        except ModuleNotFoundError as exc:
            assert "bria-openapi[testing]" in str(exc), exc
        else:
            raise AssertionError("validation without jsonschema must say how to get it")
        with FakeBria(validate=False) as fake:  # everything but validation works without it
            assert fake.base_url.startswith("http://127.0.0.1:")
        print("ok")
        """
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "ok", run.stderr


def test_the_package_pages_example_is_the_one_ci_runs() -> None:
    page = (REPO_ROOT / "PACKAGE.md").read_text(encoding="utf-8")
    section = page.split("## Testing your integration", 1)[1].split("\n## ", 1)[0]
    block = section.split("```python\n", 1)[1].split("```", 1)[0]
    example = (REPO_ROOT / "examples" / "test_downstream.py").read_text(encoding="utf-8")
    definitions = [chunk for chunk in block.split("\n\n\n") if chunk.lstrip().startswith("def ")]
    assert len(definitions) == 2 and all(chunk in example for chunk in definitions)
    imports = [line for line in block.splitlines() if line.startswith(("import ", "from "))]
    assert all(line in example.splitlines() for line in imports)
