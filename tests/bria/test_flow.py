"""The call flow's decisions, fed `httpx.Response` objects and a fake clock: no sockets, no sleeping.

Both clients run this same flow (`_drivers.run` and `_drivers.arun` only perform its steps), so these
tests cover `Bria` and `AsyncBria` at once; test_protocol.py and test_async.py keep a few socket-level
checks per driver.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from bria.resources.image_editing import _BACKGROUND_REMOVE
from bria.resources.image_editing_v1 import _REMOVE_BACKGROUND
from bria.resources.status import JOB_STATUS
from bria.resources.tailored_generation import _DELETE_PROJECT, _GET_PROJECT_BY_ID

import bria
from bria import _flow
from bria._jobs import Job, PollPlanner, ResultData

BASE = httpx.URL("https://engine.test")
STATUS_URL = "https://engine.test/v2/status/r1"
URL = "https://example.com/photo.png"
BLOCKED = "422_image_blocked_due_to_content_moderation"
Reply = httpx.Response | Exception


class Script:
    """Runs a flow as a driver would: each `Send` gets the next scripted reply (a response, or an error
    thrown into the flow), each `Sleep` advances the fake clock."""

    def __init__(self, *replies: Reply, max_retries: int = 2, planner: PollPlanner | None = None) -> None:
        self.replies = list(replies)
        self.now = 1000.0
        self.sent: list[httpx.Request] = []
        self.sleeps: list[float] = []
        self.session = _flow.Session(
            BASE,
            max_retries,
            planner or PollPlanner(),
            build_request=httpx.Client().build_request,
            clock=lambda: self.now,
            jitter=lambda: 0.0,
        )

    def run(self, flow: _flow.Flow[Any]) -> Any:
        try:
            step = next(flow)
            while True:
                if isinstance(step, _flow.Sleep):
                    assert step.seconds >= 0
                    self.sleeps.append(step.seconds)
                    self.now += step.seconds
                    step = flow.send(None)
                    continue
                self.sent.append(step.request)
                if not self.replies:
                    raise AssertionError(f"unscripted request {step.request.method} {step.request.url}")
                reply = self.replies.pop(0)
                self.now += 0.01
                step = flow.throw(reply) if isinstance(reply, Exception) else flow.send(_answer(step.request, reply))
        except StopIteration as stop:
            return stop.value

    def call(
        self, operation: bria._contract.Operation, wait: bool = True, max_wait: float | None = None, **kw: Any
    ) -> Any:
        return self.run(_flow.call(operation, kw, self.session, wait=wait, max_wait=max_wait))

    def wait(self, job: Job | str, max_wait: float | None = None) -> ResultData:
        result: ResultData = self.run(_flow.wait(job, self.session, lambda: JOB_STATUS, max_wait))
        return result


def _answer(request: httpx.Request, response: httpx.Response) -> httpx.Response:
    response.request = request
    return response


def accepted(status_url: str = STATUS_URL) -> httpx.Response:
    return httpx.Response(202, json={"request_id": "r1", "status_url": status_url})


def status(state: str, **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"request_id": "r1", "status": state, **extra})


def completed() -> httpx.Response:
    return status("COMPLETED", result={"image_url": "https://cdn.test/out.png", "seed": 7})


def error_body(status_code: int, message: str = "boom", **headers: str) -> httpx.Response:
    body = {"error": {"code": status_code, "message": message, "details": ""}, "request_id": "r1"}
    return httpx.Response(status_code, json=body, headers=headers)


def job(**fields: Any) -> Job:
    # Submitted on the fake clock's time: a Job's own default is the real monotonic clock.
    return Job(**{"request_id": "r1", "status_url": STATUS_URL, "submitted_at": 1000.0, **fields})


def methods(script: Script) -> list[str]:
    return [f"{r.method} {r.url.path}" for r in script.sent]


# ---- a whole call: submit, poll, result ---------------------------------------------------------


def test_a_job_is_submitted_polled_and_returned() -> None:
    script = Script(accepted(), status("IN_PROGRESS"), completed())
    data = script.call(_BACKGROUND_REMOVE, image=URL)
    assert isinstance(data, ResultData) and data.image_url == "https://cdn.test/out.png" and data.seed == 7
    assert methods(script) == ["POST /v2/image/edit/remove_background", "GET /v2/status/r1", "GET /v2/status/r1"]
    assert json.loads(script.sent[0].content) == {"image": URL}
    assert len(script.sleeps) == 2 and all(0 <= s <= 2.0 for s in script.sleeps)


def test_wait_false_returns_the_job_without_polling() -> None:
    script = Script(accepted())
    job = script.call(_BACKGROUND_REMOVE, wait=False, image=URL)
    assert job == Job(request_id="r1", status_url=STATUS_URL, operation_name="image_editing.background_remove")
    assert job.submitted_at == pytest.approx(script.now)


def test_a_v1_answer_with_a_result_url_is_result_data_keeping_the_typed_model() -> None:
    script = Script(httpx.Response(200, json={"result_url": "https://cdn.test/x.png"}))
    data = script.call(_REMOVE_BACKGROUND, image=URL)
    assert isinstance(data, ResultData) and data.image_url == "https://cdn.test/x.png"
    assert data.answer.result_url == "https://cdn.test/x.png" and data.raw == {"result_url": "https://cdn.test/x.png"}


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        (
            "gen_fill",
            {"urls": ["422_image_blocked_due_to_content_moderation", "https://cdn.test/1.png"], "seed": [None, 5]},
        ),
        ("replace_background", {"result": [["https://cdn.test/1.png", 5, "sid"], ["https://cdn.test/2.png", 6, "s"]]}),
    ],
)
def test_a_v1_list_of_results_gives_its_first_url(operation: str, body: dict[str, Any]) -> None:
    from bria.resources import image_editing_v1

    record = getattr(image_editing_v1, f"_{operation.upper()}")
    arguments = {"mask": URL, "prompt": "x"} if operation == "gen_fill" else {"bg_prompt": "x"}
    data = Script(httpx.Response(200, json=body)).call(record, image=URL, **arguments)
    assert data.image_url == "https://cdn.test/1.png" and data.raw == body


@pytest.mark.parametrize("body", [{}, {"result_url": ""}, {"result_url": None}])
def test_a_v1_answer_without_its_result_url_is_a_bad_answer(body: dict[str, Any]) -> None:
    with pytest.raises(bria.APIResponseValidationError, match="no result URL") as caught:
        Script(httpx.Response(200, json=body)).call(_REMOVE_BACKGROUND, image=URL)
    assert caught.value.status_code == 200


def test_a_finished_v2_job_without_the_image_url_its_spec_requires_is_a_bad_answer() -> None:
    script = Script(accepted(), status("COMPLETED", result={"seed": 7}))
    with pytest.raises(bria.APIResponseValidationError, match="background_remove: the finished answer has no result"):
        script.call(_BACKGROUND_REMOVE, image=URL)


def test_a_finished_job_whose_spec_has_no_image_url_is_a_result_without_one() -> None:
    from bria.resources.image_generation import _STRUCTURED_PROMPT_GENERATE

    script = Script(accepted(), status("COMPLETED", result={"structured_prompt": "{}", "seed": 1}))
    data = script.call(_STRUCTURED_PROMPT_GENERATE, prompt="a cat")
    assert data.image_url is None and data.raw["result"]["structured_prompt"] == "{}"


def test_an_empty_status_returns_none() -> None:
    assert Script(httpx.Response(204)).call(_DELETE_PROJECT, project_id=1) is None


# ---- retries ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [429, 503])
def test_not_processed_answers_are_retried_for_a_post_after_retry_after(code: int) -> None:
    script = Script(error_body(code, **{"Retry-After": "1.5"}), accepted(), completed())
    script.call(_BACKGROUND_REMOVE, image=URL)
    assert methods(script).count("POST /v2/image/edit/remove_background") == 2
    assert script.sleeps[0] == 1.5


@pytest.mark.parametrize("code", [500, 502, 504])
def test_a_post_that_may_have_been_processed_is_never_sent_twice(code: int) -> None:
    script = Script(error_body(code))
    with pytest.raises(bria.InternalServerError) as raised:
        script.call(_BACKGROUND_REMOVE, image=URL)
    assert raised.value.status_code == code and len(script.sent) == 1 and script.sleeps == []


@pytest.mark.parametrize("code", [500, 502, 504, 429])
def test_an_idempotent_get_is_retried_with_backoff(code: int) -> None:
    script = Script(error_body(code), error_body(code), httpx.Response(200, json={"id": 3}))
    assert script.call(_GET_PROJECT_BY_ID, project_id=3) is not None
    assert len(script.sent) == 3
    assert script.sleeps == [0.5, 1.0], "exponential backoff from 0.5 s, jitter 0"


def test_retries_stop_at_max_retries() -> None:
    script = Script(*[error_body(429, **{"Retry-After": "0"})] * 3, max_retries=2)
    with pytest.raises(bria.RateLimitError):
        script.call(_BACKGROUND_REMOVE, image=URL)
    assert len(script.sent) == 3


def test_a_retry_after_beyond_the_cap_is_not_waited_for() -> None:
    script = Script(error_body(429, **{"Retry-After": "3600"}))
    with pytest.raises(bria.RateLimitError):
        script.call(_BACKGROUND_REMOVE, image=URL)
    assert script.sleeps == []


def test_a_request_never_sent_is_retried_even_for_a_post() -> None:
    script = Script(httpx.ConnectError("refused"), accepted(), completed())
    script.call(_BACKGROUND_REMOVE, image=URL)
    assert methods(script).count("POST /v2/image/edit/remove_background") == 2


@pytest.mark.parametrize(
    ("error", "raised"),
    [(httpx.ReadTimeout("slow"), bria.APITimeoutError), (httpx.RemoteProtocolError("cut"), bria.APIConnectionError)],
)
def test_a_post_failing_after_it_was_sent_is_not_retried(error: Exception, raised: type[Exception]) -> None:
    script = Script(error)
    with pytest.raises(raised) as caught:
        script.call(_BACKGROUND_REMOVE, image=URL)
    assert len(script.sent) == 1
    assert "POST https://engine.test/v2/image/edit/remove_background" in str(caught.value)


def test_connection_errors_quote_the_url_without_its_query() -> None:
    script = Script(*[httpx.ConnectError("refused")] * 3)
    request = httpx.Client().build_request("GET", STATUS_URL + "?sig=secret")
    with pytest.raises(bria.APIConnectionError) as caught:
        script.run(_flow.exchange(request, script.session))
    assert "secret" not in str(caught.value) and STATUS_URL in str(caught.value)
    assert len(script.sent) == 3, "never sent, so retried max_retries times"


# ---- redirects: one send per hop ----------------------------------------------------------------


def test_a_307_repeats_the_method_and_body_at_the_new_url() -> None:
    moved = httpx.Response(307, headers={"Location": "/v2/image/edit/remove_background_v2"})
    script = Script(moved, accepted(), completed())
    script.call(_BACKGROUND_REMOVE, image=URL)
    first, second = script.sent[:2]
    second.read()
    assert (second.method, second.url.path, second.content) == (
        "POST",
        "/v2/image/edit/remove_background_v2",
        first.content,
    )


def test_a_303_becomes_a_get_without_body() -> None:
    script = Script(
        httpx.Response(303, headers={"Location": "https://engine.test/v2/elsewhere"}), accepted(), completed()
    )
    with pytest.raises(bria.APIResponseValidationError):  # a GET answering 202 is fine; the shape decides
        script.call(_REMOVE_BACKGROUND, image=URL)
    assert (script.sent[1].method, script.sent[1].content, "content-type" in script.sent[1].headers) == (
        "GET",
        b"",
        False,
    )


def test_a_redirect_never_copies_the_token() -> None:
    script = Script(httpx.Response(308, headers={"Location": "https://other.test/x"}), httpx.Response(204))
    first = httpx.Client().build_request("DELETE", "https://engine.test/v2/x", headers={"api_token": "t0ken"})
    script.run(_flow.exchange(first, script.session))
    assert "api_token" not in script.sent[1].headers and script.sent[1].url.host == "other.test"


def test_redirects_are_followed_at_most_five_times() -> None:
    script = Script(*[httpx.Response(302, headers={"Location": "/loop"})] * 6)
    with pytest.raises(bria.APIConnectionError, match="5 redirects"):
        script.call(_GET_PROJECT_BY_ID, project_id=1)
    assert len(script.sent) == 6


def test_a_redirect_to_a_url_that_does_not_parse_is_a_bad_answer() -> None:
    script = Script(httpx.Response(302, headers={"Location": "http://[::1"}))
    with pytest.raises(bria.APIResponseValidationError, match="redirect"):
        script.call(_GET_PROJECT_BY_ID, project_id=1)


# ---- answers: one place maps statuses to errors, bodies are checked by their documented shape ----


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (400, bria.BadRequestError),
        (401, bria.AuthenticationError),
        (404, bria.NotFoundError),
        (409, bria.ConflictError),
        (412, bria.PreconditionFailedError),
        (422, bria.UnprocessableEntityError),
        (460, bria.ImageDownloadError),
        (506, bria.UnsupportedInputError),
        (599, bria.InternalServerError),
        (418, bria.APIStatusError),
    ],
)
def test_error_statuses_become_typed_errors(code: int, error: type[Exception]) -> None:
    with pytest.raises(error) as raised:
        Script(error_body(code), max_retries=0).call(_BACKGROUND_REMOVE, image=URL)
    assert type(raised.value) is error


def test_a_documented_failure_2xx_is_an_error() -> None:
    with pytest.raises(bria.APIStatusError) as raised:
        Script(httpx.Response(206, json="Bad input")).call(_REMOVE_BACKGROUND, image=URL)
    assert raised.value.status_code == 206


@pytest.mark.parametrize("operation", [_REMOVE_BACKGROUND, _BACKGROUND_REMOVE], ids=["v1", "v2-sync"])
def test_an_array_where_an_object_is_documented_is_a_bad_answer(operation: bria._contract.Operation) -> None:
    script = Script(httpx.Response(200, json=[["request_id", "x"], ["result_url", "https://cdn.test/a"]]))
    with pytest.raises(bria.APIResponseValidationError, match="not the JSON object"):
        script.call(operation, image=URL)


@pytest.mark.parametrize("body", [b"<html><body>Bad gateway</body></html>", b'{"result_url": "https://cdn'])
def test_a_200_that_is_not_the_documented_model_is_a_bad_answer(body: bytes) -> None:
    with pytest.raises(bria.APIResponseValidationError) as raised:
        Script(httpx.Response(200, content=body)).call(_REMOVE_BACKGROUND, image=URL)
    assert raised.value.status_code == 200


def test_an_undocumented_success_status_is_a_bad_answer() -> None:
    with pytest.raises(bria.APIResponseValidationError, match="undocumented"):
        Script(httpx.Response(201, json={})).call(_REMOVE_BACKGROUND, image=URL)


def test_a_202_whose_status_url_does_not_parse_is_a_bad_answer() -> None:
    with pytest.raises(bria.APIResponseValidationError, match="status_url"):
        Script(accepted("http://[::1")).call(_BACKGROUND_REMOVE, image=URL)


def test_arguments_are_checked_before_any_request() -> None:
    script = Script()
    with pytest.raises(bria.ParameterError, match="project_id"):
        script.call(_DELETE_PROJECT, project_id="  ")
    assert script.sent == []


# ---- waiting ------------------------------------------------------------------------------------


def test_a_status_url_on_another_host_is_refused_before_any_poll() -> None:
    script = Script(accepted("https://evil.test/v2/status/r1"))
    with pytest.raises(bria.UnsafeURLError):
        script.call(_BACKGROUND_REMOVE, image=URL)
    assert len(script.sent) == 1


def test_waiting_on_a_request_id_uses_the_status_operations_builder() -> None:
    script = Script(completed())
    script.wait("a b/../c?d")
    assert script.sent[0].url.raw_path == b"/v2/status/a%20b%2F..%2Fc%3Fd"


def test_waiting_on_a_blank_request_id_is_refused() -> None:
    with pytest.raises(bria.ParameterError, match="request_id"):
        Script().wait(" ")


@pytest.mark.parametrize(
    "failure",
    [error_body(500), error_body(429), httpx.Response(502, text="<html>Bad gateway</html>"), httpx.ReadError("reset")],
    ids=["500", "429", "html-502", "reset"],
)
def test_transient_poll_failures_do_not_lose_the_job(failure: Reply) -> None:
    script = Script(*[failure] * 3, completed(), max_retries=2)
    assert script.wait(job()).image_url
    assert len(script.sent) == 4


def test_a_garbled_poll_answer_polls_again() -> None:
    script = Script(httpx.Response(200, content=b"{not json"), httpx.Response(200, json=[1]), completed())
    assert script.wait(job()).seed == 7


def test_a_client_error_on_a_poll_ends_the_wait() -> None:
    with pytest.raises(bria.NotFoundError):
        Script(error_body(404)).wait(job())


@pytest.mark.parametrize("state", ["ERROR", "UNKNOWN", "error"])
def test_a_failed_job_raises_with_its_error(state: str) -> None:
    answer = status(state, error={"code": 9, "message": "moderated", "details": "nsfw"})
    with pytest.raises(bria.JobFailedError) as raised:
        Script(answer).wait(job())
    assert (raised.value.code, raised.value.message, raised.value.status) == (9, "moderated", state.upper())


def test_an_unrecognised_status_keeps_polling() -> None:
    script = Script(status("QUEUED"), status("FAILED"), completed())
    assert script.wait(job()).image_url


def test_max_wait_ends_the_wait_with_the_last_status() -> None:
    script = Script(*[status("IN_PROGRESS")] * 100)
    with pytest.raises(bria.JobTimeoutError) as raised:
        script.wait(Job(request_id="r1", status_url=STATUS_URL, submitted_at=1000.0), max_wait=3.0)
    assert raised.value.last_status == "IN_PROGRESS" and raised.value.waited <= 3.0
    assert script.now - 1000.0 <= 3.0 + 0.5


def test_retry_after_on_a_status_answer_spaces_the_next_poll() -> None:
    slow_down = httpx.Response(200, json={"status": "IN_PROGRESS"}, headers={"Retry-After": "1.7"})
    script = Script(slow_down, completed())
    script.wait(Job(request_id="r1", status_url=STATUS_URL, submitted_at=1000.0))
    assert script.sleeps[1] >= 1.7 - 0.02


def test_the_schedule_learns_from_finished_jobs() -> None:
    planner = PollPlanner()
    for _ in range(3):
        script = Script(*[status("IN_PROGRESS")] * 20, completed(), planner=planner)
        script.wait(Job(request_id="r1", status_url=STATUS_URL, operation_name="x.slow", submitted_at=script.now))
    assert next(planner.schedule("x.other")) == 0.1, "nothing learned: back off from the minimum"
    assert next(planner.schedule("x.slow")) > 1.0, "a sparse first poll once jobs are known to be slow"


def test_a_wait_whose_polls_all_fail_ends_naming_the_last_failure() -> None:
    script = Script(*[error_body(500)] * 200, max_retries=0)
    with pytest.raises(bria.JobTimeoutError) as raised:
        script.wait(job(), max_wait=5.0)
    assert isinstance(raised.value.last_error, bria.InternalServerError)
    assert raised.value.last_error.status_code == 500 and "IN_PROGRESS" not in str(raised.value)


def test_a_stored_job_from_another_process_is_polled_from_now() -> None:
    """`submitted_at` is a monotonic reading; another process's may be far ahead of this one's."""
    script = Script(completed())
    assert script.wait(job(submitted_at=script.now + 86_400.0), max_wait=5.0).image_url
    assert len(script.sent) == 1 and sum(script.sleeps) < 1.0


def test_an_enum_query_parameter_takes_its_plain_value() -> None:
    from bria.resources.image_editing_v1 import _INCREASE_RESOLUTION

    script = Script(httpx.Response(200, json={"result_url": "https://cdn.test/big.png"}))
    script.call(_INCREASE_RESOLUTION, image=URL, desired_increase=2)
    assert script.sent[0].url.params["desired_increase"] == "2"


def test_sync_true_with_wait_false_is_refused_before_anything_is_sent() -> None:
    """`wait=False` is typed to return a Job; `sync=True` would make the answer the result itself."""
    script = Script()
    with pytest.raises(bria.ParameterError, match="sync") as raised:
        script.call(_BACKGROUND_REMOVE, wait=False, image=URL, sync=True)
    assert raised.value.parameter == "sync" and script.sent == []


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        ({"scale": "3"}, "scale: must be an integer, got str"),
        ({"force_rmbg": 1}, "force_rmbg: must be a boolean, got int"),
    ],
)
def test_scalar_types_are_checked_against_the_spec_before_sending(arguments: dict[str, Any], complaint: str) -> None:
    from bria.resources.image_editing_v1 import _BLUR_BACKGROUND

    script = Script()
    with pytest.raises(bria.ParameterError, match=complaint):
        script.call(_BLUR_BACKGROUND, image=URL, **arguments)
    assert script.sent == []


def test_mutually_exclusive_inputs_are_refused_before_sending() -> None:
    from bria.resources.image_editing import _BACKGROUND_REPLACE

    script = Script()
    with pytest.raises(bria.ParameterError, match="pass prompt or ref_images, not both"):
        script.call(_BACKGROUND_REPLACE, image=URL, prompt="a beach", ref_images=[URL])
    assert script.sent == []


# ---- pacing -------------------------------------------------------------------------------------


def test_pacing_spaces_the_requests_of_one_endpoint_and_counts_status_polls() -> None:
    from bria._pacing import Pacer

    script = Script(accepted(), status("IN_PROGRESS"), status("IN_PROGRESS"), completed())
    script.session = _flow.Session(
        BASE, 2, PollPlanner(), httpx.Client().build_request, lambda: script.now, lambda: 0.0, pacer=Pacer(60)
    )
    script.call(_BACKGROUND_REMOVE, image=URL)
    polls = [r for r in script.sent if r.url.path.startswith("/v2/status/")]
    assert len(polls) == 3
    # One request per second per endpoint: the POST has its own slot, the three polls are a second apart.
    assert sum(script.sleeps) >= 2.0


def test_pacing_is_shared_by_concurrent_calls_and_endpoints_are_separate() -> None:
    import threading

    from bria._pacing import Pacer, pacer_for

    pacer = Pacer(600)  # one request per 0.1 s
    delays: list[float] = []
    threads = [threading.Thread(target=lambda: delays.append(pacer.reserve("/v2/a", 50.0))) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(delays) == pytest.approx([i / 10 for i in range(10)])
    assert pacer.reserve("/v2/b", 50.0) == 0.0, "another endpoint has its own slots"
    assert pacer_for("free").interval == 6.0 and pacer_for(None) is None  # type: ignore[union-attr]
    for bad in ("platinum", 0, -5, True):
        with pytest.raises(bria.ParameterError, match="requests_per_minute"):
            pacer_for(bad)  # type: ignore[arg-type]


def test_none_means_not_given_and_a_tuple_is_sent_as_an_array() -> None:
    from bria.resources.image_editing import _IMAGE_EXPANSION

    script = Script(accepted(), completed())
    script.call(
        _IMAGE_EXPANSION, image=URL, prompt=None, canvas_size=(1024, 768), original_image_size=(512, 512),
        original_image_location=(0, 0),
    )  # fmt: skip
    body = json.loads(script.sent[0].content)
    assert "prompt" not in body and body["canvas_size"] == [1024, 768] and body["original_image_location"] == [0, 0]


@pytest.mark.parametrize("missing", ["image", "mask", "prompt"])
def test_a_required_argument_given_none_names_itself_before_sending(missing: str) -> None:
    from bria.resources.image_editing import _GEN_FILL

    script = Script()
    arguments: dict[str, Any] = {"image": URL, "mask": URL, "prompt": "a cat", missing: None}
    with pytest.raises(bria.ParameterError, match="is required") as raised:
        script.call(_GEN_FILL, **arguments)
    assert raised.value.parameter == missing and script.sent == []


# ---- lists of images ----------------------------------------------------------------------------

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_list_of_images_takes_any_image_input_per_item() -> None:
    from bria.resources.image_editing import _BACKGROUND_REPLACE

    script = Script(accepted(), completed())
    script.call(_BACKGROUND_REPLACE, image=URL, ref_images=(URL, PNG_BYTES))
    sent = json.loads(script.sent[0].content)["ref_images"]
    assert sent[0] == URL and base64.b64decode(sent[1]) == PNG_BYTES


def test_one_image_where_a_list_is_taken_is_sent_as_a_list_of_one() -> None:
    from bria.resources.image_generation import _IMAGE_GENERATE

    script = Script(accepted(), completed())
    script.call(_IMAGE_GENERATE, prompt="a cat", images=URL)
    assert json.loads(script.sent[0].content)["images"] == [URL]


@pytest.mark.parametrize(
    ("ref_images", "complaint"),
    [
        ([], "ref_images: is an empty list"),
        ([URL, b"GIF89a"], r"ref_images\[1\]: the image is empty|ref_images\[1\]: not a"),
    ],
)
def test_a_bad_item_of_a_list_of_images_is_named_by_its_index(ref_images: list[Any], complaint: str) -> None:
    from bria.resources.image_editing import _BACKGROUND_REPLACE

    script = Script()
    with pytest.raises(bria.ImageInputError, match=complaint):
        script.call(_BACKGROUND_REPLACE, image=URL, ref_images=ref_images)
    assert script.sent == []


def test_a_list_of_images_split_over_two_fields_is_one_kind_at_a_time() -> None:
    from bria.resources.product_shot_editing import _PRODUCT_LIFESTYLE_SHOT_BY_IMAGE as lifestyle

    script = Script(error_body(400), max_retries=0)  # only the request matters here
    with pytest.raises(bria.BadRequestError):
        script.call(lifestyle, image=URL, ref_images=[URL])
    assert json.loads(script.sent[0].content)["ref_image_urls"] == [URL]
    with pytest.raises(bria.ImageInputError, match="mixes"):
        Script().call(lifestyle, image=URL, ref_images=[URL, PNG_BYTES])
