"""What users of scripts, services and process pools rely on: the base URL from the environment, errors
that cross a process boundary, and a User-Agent that names the SDK."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor

import httpx
import pytest

import bria
from bria._exceptions import make_status_error


def test_the_base_url_comes_from_the_argument_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIA_BASE_URL", "http://127.0.0.1:8765")
    assert "127.0.0.1:8765" in repr(bria.Bria("t"))
    assert "engine.test" in repr(bria.Bria("t", base_url="https://engine.test"))
    monkeypatch.delenv("BRIA_BASE_URL")
    assert "engine.prod.bria-api.com" in repr(bria.Bria("t"))


def _errors() -> list[bria.BriaError]:
    response = httpx.Response(
        429,
        json={"error": {"code": 429, "message": "slow down", "details": ""}, "request_id": "r9"},
        headers={"Retry-After": "7"},
        request=httpx.Request("POST", "https://engine.test/v2/x"),
    )
    return [
        bria.ImageInputError("image", "the image is empty"),
        bria.ParameterError("steps_num", "34 is below the minimum 35"),
        bria.UnsafeURLError("refusing to poll"),
        bria.APITimeoutError("request timed out", method="POST", url="https://engine.test/v2/x"),
        bria.APIResponseValidationError("bad", status_code=200, body=b"<html>"),
        make_status_error(response),
        bria.JobFailedError(request_id="r1", code=9, message="moderated", details="nsfw", status="ERROR"),
        bria.JobTimeoutError(
            request_id="r1", waited=3.0, last_status="IN_PROGRESS", last_error=make_status_error(response)
        ),
    ]


@pytest.mark.parametrize("error", _errors(), ids=lambda e: type(e).__name__)
def test_every_error_survives_pickling_with_its_attributes(error: bria.BriaError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and str(copy) == str(error)
    public = {k: v for k, v in vars(error).items() if k != "response" and k != "last_error"}
    assert {k: vars(copy)[k] for k in public} == public


def _refuse(value: bytes) -> None:
    raise bria.ImageInputError("image", f"not an image ({value[:4]!r})")


def test_a_bad_input_in_a_process_pool_fails_only_its_own_future() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        failed = pool.submit(_refuse, b"GIF8")
        fine = pool.submit(len, b"abc")
        with pytest.raises(bria.ImageInputError) as raised:
            failed.result(timeout=60)
        assert raised.value.parameter == "image" and fine.result(timeout=60) == 3


def test_a_rate_limit_carries_the_servers_retry_after() -> None:
    error = _errors()[5]
    assert isinstance(error, bria.RateLimitError) and error.retry_after == 7.0 and error.request_id == "r9"


def test_a_failed_job_says_why_and_a_timeout_names_the_last_poll_failure() -> None:
    failed, timed_out = _errors()[6], _errors()[7]
    assert "moderated: nsfw" in str(failed)
    assert isinstance(timed_out, bria.JobTimeoutError) and isinstance(timed_out.last_error, bria.RateLimitError)
    assert "still" not in str(timed_out) and "HTTP 429" in str(timed_out)


@pytest.mark.parametrize(
    ("theirs", "expected_start"), [(None, "bria-openapi/"), ("my-app/2.0", "my-app/2.0 bria-openapi/")]
)
def test_every_request_names_the_sdk(theirs: str | None, expected_start: str) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    headers = {"User-Agent": theirs} if theirs else {}
    own = httpx.Client(transport=httpx.MockTransport(answer), headers=headers)
    with bria.Bria("t", base_url="https://engine.test", http_client=own) as client:
        client.tailored_generation.delete_project(project_id=1)
    assert seen[0].headers["user-agent"].startswith(expected_start)
    assert f"bria-openapi/{bria.__version__}" in seen[0].headers["user-agent"]


def test_the_sdks_own_clients_name_it_by_default() -> None:
    assert bria.Bria("t")._http.headers["user-agent"].startswith(f"bria-openapi/{bria.__version__} ")
    assert bria.AsyncBria("t")._http.headers["user-agent"].startswith(f"bria-openapi/{bria.__version__} ")
