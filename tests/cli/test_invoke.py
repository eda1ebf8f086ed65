"""Single calls: output forms (human, --json, -o, --no-wait) and the exit code of each kind of failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bria.cli import main

from .conftest import TOKEN, FakeBria, Fault, JobPlan, png_bytes

REMOVE = ["image_editing", "background_remove"]


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    path.write_bytes(png_bytes("photo"))
    return path


def _posts(server: FakeBria) -> int:
    return server.count("POST", "/v2/image/edit/remove_background")


def test_default_output_is_the_result_url(env: FakeBria, photo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*REMOVE, "--image", str(photo)]) == 0
    out = capsys.readouterr().out.strip()
    (job,) = env.jobs
    assert out == f"{env.base_url}/results/{job.request_id}.png"
    # The image was sent (as base64 of the file), once.
    assert _posts(env) == 1 and job.body["image"]


def test_json_prints_the_raw_result(env: FakeBria, photo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*REMOVE, "--image", str(photo), "--json", "--preserve-alpha"]) == 0
    body = json.loads(capsys.readouterr().out)
    (job,) = env.jobs
    assert body["status"] == "COMPLETED" and body["request_id"] == job.request_id
    assert body["result"]["image_url"].endswith(f"{job.request_id}.png")
    assert job.body["preserve_alpha"] is True


def test_output_downloads_the_result(
    env: FakeBria, photo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "cutout.png"
    assert main([*REMOVE, "--image", str(photo), "-o", str(target)]) == 0
    assert capsys.readouterr().out.strip() == f"saved {target}"
    (job,) = env.jobs
    assert target.read_bytes() == png_bytes(f"{job.request_id}.png")


def test_no_wait_returns_the_job(env: FakeBria, photo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env.plan_jobs(JobPlan(duration=30))
    assert main([*REMOVE, "--image", str(photo), "--no-wait", "--json"]) == 0
    job = json.loads(capsys.readouterr().out)
    assert job["request_id"] == env.jobs[0].request_id
    assert job["status_url"] == f"{env.base_url}/v2/status/{job['request_id']}"
    # Not waited for: no status poll was made.
    assert env.count("GET", "/v2/status/") == 0


def test_non_result_answer_is_json_on_stdout_and_in_the_output_file(
    env: FakeBria, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    job = _submit_and_forget(env, tmp_path)
    capsys.readouterr()
    target = tmp_path / "status.json"
    assert main(["status", "get_status", "--request-id", job, "-o", str(target)]) == 0
    saved = json.loads(target.read_text())
    assert saved["request_id"] == job and saved["status"] == "IN_PROGRESS"
    assert capsys.readouterr().out.strip() == f"saved {target}"


def _submit_and_forget(server: FakeBria, tmp_path: Path) -> str:
    server.plan_jobs(JobPlan(duration=30))
    image = tmp_path / "p.png"
    image.write_bytes(png_bytes("p"))
    assert main([*REMOVE, "--image", str(image), "--no-wait", "--json"]) == 0
    return server.jobs[-1].request_id


def test_parameter_error_is_usage_exit_2_before_any_request(env: FakeBria, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(REMOVE) == 2
    assert "image" in capsys.readouterr().err
    assert main([*REMOVE, "--image", "missing.png"]) == 2
    assert "ImageInputError" in capsys.readouterr().err
    assert env.requests == []


def test_api_error_exits_3(env: FakeBria, photo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env.inject("POST", "/v2/image/edit/", Fault(status=400, body=b'{"error": {"code": 400, "message": "bad input"}}'))
    assert main([*REMOVE, "--image", str(photo)]) == 3
    err = capsys.readouterr().err
    assert "BadRequestError" in err and "bad input" in err


def test_job_error_exits_4(env: FakeBria, photo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env.plan_jobs(JobPlan(outcome="ERROR"))
    assert main([*REMOVE, "--image", str(photo)]) == 4
    assert "JobFailedError" in capsys.readouterr().err


def test_job_timeout_exits_4(env: FakeBria, photo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env.plan_jobs(JobPlan(outcome="NEVER"))
    assert main([*REMOVE, "--image", str(photo), "--max-wait", "0.3"]) == 4
    assert "JobTimeoutError" in capsys.readouterr().err


def test_missing_token_is_a_usage_error(
    server: FakeBria, photo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("BRIA_API_TOKEN", raising=False)
    monkeypatch.setenv("BRIA_BASE_URL", server.base_url)
    assert main([*REMOVE, "--image", str(photo)]) == 2
    assert "BRIA_API_TOKEN" in capsys.readouterr().err
    assert server.requests == []


def test_the_token_is_never_printed(env: FakeBria, photo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env.inject("POST", "/v2/image/edit/", Fault(status=401, body=b'{"error": {"code": 401, "message": "no"}}'))
    assert main([*REMOVE, "--image", str(photo), "--json"]) == 3
    assert main([*REMOVE, "--image", str(photo), "--json"]) == 0
    captured = capsys.readouterr()
    assert TOKEN not in captured.out + captured.err
    assert all(request.has_token for request in env.requests if request.path.startswith("/v2/"))
