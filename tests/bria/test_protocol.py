"""`Bria` against a local server speaking Bria's v1/v2 protocols over real sockets, with faults."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

import bria
from bria.testing import FakeBria, Fault, JobPlan

from .conftest import TOKEN

V2_RMBG = "/v2/image/edit/remove_background"
URL = "https://example.com/photo.png"


# ---- retries: which requests are sent again, and how often --------------------------------------


@pytest.mark.parametrize("headers", [{"Retry-After": "0.05"}, {}])
@pytest.mark.parametrize("status", [429, 503])
def test_429_and_503_are_retried_for_a_post(client, server, png, status, headers) -> None:
    server.inject("POST", V2_RMBG, Fault(status=status, headers=headers))
    result = client.image_editing.background_remove(image=png)
    assert result.image_url
    assert server.count("POST", V2_RMBG) == 2


@pytest.mark.parametrize("status", [500, 502, 504])
def test_5xx_after_a_post_is_never_retried(client, server, png, status) -> None:
    server.inject("POST", V2_RMBG, Fault(status=status, body=b'{"error":{"code":1,"message":"boom","details":""}}'))
    with pytest.raises(bria.InternalServerError) as raised:
        client.image_editing.background_remove(image=png)
    assert raised.value.status_code == status
    assert server.count("POST", V2_RMBG) == 1, "a POST that may have been billed was sent twice"


def test_reset_after_a_post_is_not_retried(client, server, png) -> None:
    server.inject("POST", V2_RMBG, Fault(reset=True))
    with pytest.raises(bria.APIConnectionError):
        client.image_editing.background_remove(image=png)
    assert server.count("POST", V2_RMBG) == 1


def test_read_timeout_on_a_post_is_not_retried(server, png) -> None:
    server.inject("POST", V2_RMBG, Fault(delay=1.0))
    with bria.Bria(TOKEN, base_url=server.base_url, timeout=0.3) as sdk, pytest.raises(bria.APITimeoutError):
        sdk.image_editing.background_remove(image=png)
    assert server.count("POST", V2_RMBG) == 1


def test_retries_stop_after_max_retries(server, png) -> None:
    server.inject("POST", V2_RMBG, *[Fault(status=429, headers={"Retry-After": "0"})] * 5)
    with bria.Bria(TOKEN, base_url=server.base_url, max_retries=2) as sdk, pytest.raises(bria.RateLimitError):
        sdk.image_editing.background_remove(image=png)
    assert server.count("POST", V2_RMBG) == 3


def test_retry_after_beyond_the_cap_is_not_waited_for(client, server, png) -> None:
    server.inject("POST", V2_RMBG, Fault(status=429, headers={"Retry-After": "3600"}))
    with pytest.raises(bria.RateLimitError):
        client.image_editing.background_remove(image=png)
    assert server.count("POST", V2_RMBG) == 1


def test_connection_refused_is_retried_then_reported(png) -> None:
    with FakeBria(token=TOKEN) as gone:
        base = gone.base_url
    with bria.Bria(TOKEN, base_url=base, max_retries=1) as sdk, pytest.raises(bria.APIConnectionError) as raised:
        sdk.image_editing_v1.remove_background(image=URL)
    assert "POST" in str(raised.value)


@pytest.mark.parametrize(
    "fault",
    [Fault(reset=True), Fault(truncate=True), Fault(status=502, html=True), Fault(status=500), Fault(status=429)],
    ids=["reset", "truncated", "html-502", "500", "429"],
)
def test_transient_failures_on_status_polls_do_not_lose_the_job(client, server, png, fault) -> None:
    server.inject("GET", "/v2/status/", fault, fault, fault, fault)
    result = client.image_editing.background_remove(image=png)
    assert result.image_url
    assert server.count("POST", V2_RMBG) == 1


# ---- answers that are not what the spec says ---------------------------------------------------


def test_truncated_json_on_a_post_is_a_connection_error_and_not_resent(client, server, png) -> None:
    server.inject("POST", V2_RMBG, Fault(truncate=True))
    with pytest.raises(bria.APIConnectionError):
        client.image_editing.background_remove(image=png)
    assert server.count("POST", V2_RMBG) == 1


def test_html_page_with_200_is_a_response_validation_error(client, server) -> None:
    server.inject(
        "POST",
        "/v1/background/blur",
        Fault(status=200, body=b"<html>maintenance</html>", headers={"content-type": "text/html"}),
    )
    with pytest.raises(bria.APIResponseValidationError) as raised:
        client.image_editing_v1.blur_background(image=URL)
    assert raised.value.status_code == 200 and b"maintenance" in raised.value.body


@pytest.mark.parametrize(
    ("path", "call", "status", "cls"),
    [
        ("/v1/background/remove", "v1_rmbg", 460, bria.ImageDownloadError),
        ("/v1/background/remove", "v1_rmbg", 506, bria.UnsupportedInputError),
        ("/v1/background/remove", "v1_rmbg", 206, bria.APIStatusError),
        ("/v1/background/remove", "v1_rmbg", 209, bria.APIResponseValidationError),
        ("/v1/background/remove", "v1_rmbg", 512, bria.InternalServerError),
        ("/v1/abc123def4567890/person/info", "person", 205, bria.APIStatusError),
        ("/v1/eraser", "erase", 422, bria.UnprocessableEntityError),
        ("/v1/eraser", "erase", 413, bria.PayloadTooLargeError),
    ],
)
def test_bria_status_codes_become_typed_errors(client, server, path, call, status, cls) -> None:
    body = b'"Insufficient data."' if status != 209 else b'{"result_url": "https://example.com/r.png"}'
    server.inject("*", path, Fault(status=status, body=body))
    calls = {
        "v1_rmbg": lambda: client.image_editing_v1.remove_background(image=URL),
        "person": lambda: client.image_editing_v1.get_person_info(visual_id="abc123def4567890"),
        "erase": lambda: client.image_editing_v1.erase(image=URL, mask=URL),
    }
    with pytest.raises(cls) as raised:
        calls[call]()
    assert getattr(raised.value, "status_code", None) == status
    assert server.count("*", path) == 1, "client errors and non-idempotent failures are never retried"


# ---- v2 jobs -----------------------------------------------------------------------------------


def test_wait_false_returns_a_job_and_wait_accepts_a_request_id(client, server, png) -> None:
    server.plan_jobs(JobPlan(duration=0.3))
    job = client.image_editing.background_remove(image=png, wait=False)
    assert isinstance(job, bria.Job) and job.status_url.endswith(job.request_id)
    result = client.wait(job.request_id)
    assert result.request_id == job.request_id and result.seed == 123


def test_sync_true_answer_is_a_result_without_polling(client, server, png) -> None:
    result = client.image_editing.background_remove(image=png, sync=True)
    assert result.image_url and server.count("GET", "/v2/status/") == 0


def test_failed_job_raises_with_code_message_details(client, server, png) -> None:
    server.plan_jobs(JobPlan(duration=0.1, outcome="ERROR"))
    with pytest.raises(bria.JobFailedError) as raised:
        client.image_editing.erase(image=png, mask=png)
    assert raised.value.code == 422 and raised.value.request_id.startswith("req_")
    assert raised.value.message


def test_job_that_never_finishes_times_out(client, server, png) -> None:
    server.plan_jobs(JobPlan(outcome="NEVER"))
    with pytest.raises(bria.JobTimeoutError) as raised:
        client.image_editing.enhance(image=png, max_wait=0.6)
    assert raised.value.last_status == "IN_PROGRESS"


def test_unknown_status_values_do_not_crash(client, server, png) -> None:
    server.plan_jobs(JobPlan(duration=0.0, outcome="QUEUED_FOR_GPU"))
    with pytest.raises(bria.JobTimeoutError) as raised:
        client.image_editing.enhance(image=png, max_wait=0.5)
    assert raised.value.last_status == "QUEUED_FOR_GPU"


def test_documented_unknown_status_is_a_failure(client, server, png) -> None:
    server.plan_jobs(JobPlan(outcome="UNKNOWN"))
    with pytest.raises(bria.JobFailedError):
        client.image_editing.enhance(image=png)


def test_retry_after_on_a_status_answer_is_honoured(client, server, png) -> None:
    server.plan_jobs(JobPlan(duration=0.5, retry_after=0.4))
    client.image_editing.enhance(image=png)
    polls = [r.time for r in server.requests if r.path.startswith("/v2/status/")]
    assert all(b - a >= 0.39 for a, b in itertools.pairwise(polls))


def test_status_url_on_another_host_is_refused_before_any_request(client, server, png) -> None:
    server.plan_jobs(JobPlan(status_url_host="evil.example"))
    with pytest.raises(bria.UnsafeURLError):
        client.image_editing.background_remove(image=png)
    assert server.count("GET", "/v2/status/") == 0


def test_download_streams_to_disk_without_the_token(client, server, png, tmp_path: Path) -> None:
    result = client.image_editing.background_remove(image=png)
    saved = result.download(tmp_path / "out" / "cutout.png")
    assert saved.read_bytes().startswith(b"\x89PNG")
    assert server.result_token_leaks == 0
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["cutout.png"]


# ---- inputs, checked before anything is sent ---------------------------------------------------


def test_v1_multipart_route_gets_the_file_part_unchanged(client, server, png, tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(png)
    client.image_editing_v1.remove_background(image=path)
    request = server.requests[-1]
    assert request.form_fields == ["file"] and png in request.body


def test_v1_json_route_gets_base64_and_v2_gets_base64_or_url(client, server, png) -> None:
    import base64

    client.image_editing_v1.erase(image=png, mask=URL)
    assert server.requests[-1].json() == {"file": base64.b64encode(png).decode(), "mask_url": URL}
    client.image_editing.background_remove(image=URL, wait=False)
    assert server.requests[-1].json() == {"image": URL}, "unset fields must not be sent"


@pytest.mark.parametrize(
    ("call", "parameter", "reason"),
    [
        (lambda c, p: c.image_editing.background_remove(image="/no/such/file.png"), "image", "not found"),
        (
            lambda c, p: c.image_editing.background_remove(image=b"GIF89a" + b"0" * 20),
            "image",
            "not a JPEG, PNG or WEBP",
        ),
        (
            lambda c, p: c.image_editing.background_remove(image=b"RIFF\0\0\0\0WEBPVP8 "),
            "image",
            "WEBP is not accepted",
        ),
        (
            lambda c, p: c.image_editing.background_remove(image=b"\x89PNG\r\n\x1a\n" + bytes(12 * 1024 * 1024)),
            "image",
            "12 MB",
        ),
        (lambda c, p: c.image_editing.background_remove(image=b""), "image", "empty"),
        (lambda c, p: c.image_editing.blur_bg(image=p, scale=0), "scale", "below the minimum"),
        (lambda c, p: c.image_editing.background_replace(image=p, mode="turbo"), "mode", "not one of"),
        (lambda c, p: c.image_editing.background_replace(image=p), "prompt", "give prompt or ref_images"),
        (
            lambda c, p: c.image_editing.image_expansion(image=p, canvas_size=[1, 2, 3], aspect_ratio="1:1"),
            "canvas_size",
            "at most 2",
        ),
        (lambda c, p: c.image_editing.image_expansion(image=p), "aspect_ratio", "original_image_size"),
        (
            lambda c, p: c.image_editing_v1.replace_background(image=p),
            "bg_prompt",
            "give bg_prompt+image or image+ref_image",
        ),
        (
            lambda c, p: c.image_editing_v1.increase_resolution(image=p, desired_increase=3),
            "desired_increase",
            "not one of",
        ),
    ],
)
def test_bad_input_is_refused_before_the_network(client, server, png, call, parameter, reason) -> None:
    with pytest.raises((bria.ImageInputError, bria.ParameterError)) as raised:
        call(client, png)
    assert parameter in str(raised.value) and reason in str(raised.value)
    assert server.requests == [], "nothing may be sent for invalid input"


def test_enum_values_may_be_plain_strings(client, server, png) -> None:
    client.image_editing.background_replace(image=png, mode="fast", prompt="a beach", wait=False)
    assert server.requests[-1].json()["mode"] == "fast"


def test_binary_file_object_input(client, server, png, tmp_path: Path) -> None:
    path = tmp_path / "in.png"
    path.write_bytes(png)
    with path.open("rb") as handle:
        client.image_editing.background_remove(image=handle, wait=False)
    assert json.loads(server.requests[-1].body)["image"]


def test_missing_token_is_a_clear_error_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRIA_API_TOKEN", raising=False)
    with pytest.raises(bria.BriaError, match="BRIA_API_TOKEN"):
        bria.Bria()


def test_token_from_environment(monkeypatch: pytest.MonkeyPatch, server) -> None:
    monkeypatch.setenv("BRIA_API_TOKEN", TOKEN)
    with bria.Bria(base_url=server.base_url) as sdk:
        assert sdk.image_editing_v1.blur_background(image=URL).image_url
    assert server.requests[-1].headers["api_token"] == TOKEN
