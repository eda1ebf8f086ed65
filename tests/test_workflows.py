"""The GitHub Actions workflows cannot run here, so their syntax and wiring are checked instead.

- every file validates against the GitHub workflow schema that check-jsonschema vendors (offline);
- every `run:` script parses with `bash -n` (expressions `${{ }}` replaced by a word);
- every `make <target>` they call is a target of the Makefile;
- `ci` runs the README's test command and `make check-generated` on pushes and pull requests;
- `spec-update` runs on a schedule and on dispatch, `make update-specs` before `make test`, reads the
  exit code the pipeline writes, and opens the pull request with the report as body, labelled
  `breaking` on exit 20.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bria_pipeline.report import Outcome
from bria_pipeline.update import EXIT_CODE_FILE, REPORT_FILE

from .conftest import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))


def load(name: str) -> dict[str, Any]:
    document = yaml.safe_load((WORKFLOWS / f"{name}.yml").read_text())
    assert isinstance(document, dict)
    # YAML 1.1 reads the bare key `on` as the boolean true.
    document["on"] = document.pop(True, document.get("on"))
    return document


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def make_targets_called(workflow: dict[str, Any]) -> list[str]:
    """Targets of lines that run make (not comments or messages that mention it)."""
    pattern = re.compile(r"^\s*make ([a-z][\w-]*)", flags=re.MULTILINE)
    return [m for step in steps(workflow) for m in pattern.findall(step.get("run", ""))]


def makefile_targets() -> set[str]:
    text = (REPO_ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][\w-]*):", text, flags=re.MULTILINE))


def readme_test_command() -> str:
    match = re.search(r"^(make test)\b", (REPO_ROOT / "README.md").read_text()[:1500], flags=re.MULTILINE)
    assert match, "the README's first lines must give the test command"
    return match.group(1)


def schema_check(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    checker = Path(sys.executable).with_name("check-jsonschema")
    command = [str(checker), "--builtin-schema", "vendor.github-workflows", *map(str, paths)]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def test_the_workflows_exist() -> None:
    assert [f.name for f in FILES] == ["ci.yml", "release.yml", "spec-update.yml"]


def test_workflows_match_the_github_workflow_schema() -> None:
    result = schema_check(FILES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text((WORKFLOWS / "ci.yml").read_text().replace("runs-on:", "runs_on:"))
    result = schema_check([broken])
    assert result.returncode == 1
    assert "'runs-on' is a required property" in result.stdout


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_run_scripts_are_valid_bash(path: Path) -> None:
    for step in steps(load(path.stem)):
        script = re.sub(r"\$\{\{.*?\}\}", "EXPRESSION", step.get("run", ""))
        result = subprocess.run(["bash", "-n", "-c", script], capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{path.name} step {step.get('name')!r}: {result.stderr}"


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_every_make_target_called_exists(path: Path) -> None:
    called = make_targets_called(load(path.stem))
    assert called
    assert set(called) <= makefile_targets()


def test_ci_runs_the_readme_test_command_and_the_freshness_check() -> None:
    workflow = load("ci")
    assert {"push", "pull_request"} <= set(workflow["on"])
    runs = [step.get("run", "").strip() for step in steps(workflow)]
    assert runs.index(readme_test_command()) < runs.index("make check-generated")


def test_spec_update_runs_update_then_test_and_opens_the_pull_request() -> None:
    workflow = load("spec-update")
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    (cron,) = (entry["cron"] for entry in workflow["on"]["schedule"])
    assert len(cron.split()) == 5
    assert make_targets_called(workflow) == ["update-specs", "test"]
    update = next(s for s in steps(workflow) if "make update-specs" in s.get("run", ""))
    assert EXIT_CODE_FILE.as_posix() in update["run"]
    for outcome in (Outcome.UP_TO_DATE, Outcome.COMPATIBLE, Outcome.BREAKING):
        assert str(int(outcome)) in update["run"].split("case")[1]
    (pull_request,) = (s for s in steps(workflow) if s.get("uses", "").startswith("peter-evans/create-pull-request@"))
    assert pull_request["with"]["body-path"] == REPORT_FILE.as_posix()
    assert "code == '20' && 'spec-update,breaking'" in pull_request["with"]["labels"]
    assert "code == '10' || steps.update.outputs.code == '20'" in pull_request["if"]
    added = shlex.split(pull_request["with"]["add-paths"])
    assert {"spec/", "generated/", "CHANGELOG.md", "src/bria/_version.py"} == set(added)
