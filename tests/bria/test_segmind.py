"""`bria.Segmind` / `bria.AsyncSegmind`: Bria's models on Segmind's host, through the real clients over an
`httpx.MockTransport` (no network): the key as `x-api-key` on the API origin only, the image answered as bytes
(`BinaryResult`: read, saved, its content type and Segmind's credits header), Segmind's error codes as typed
errors (406: `InsufficientCreditsError`), bad answers typed, and the input checks of the Operation records."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from bria.resources import segmind

import bria
from bria._auth import TokenAuth
from bria._exceptions import make_status_error
from bria.testing import png_bytes
from tests.conftest import REPO_ROOT

KEY = "segmind-sentinel-key-7f3a"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x11" * 64
IMAGE_URL = "https://cdn.example.test/photo.jpg"
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    def __init__(self, answer: Handler) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer(request)


def jpeg_answer(request: httpx.Request, *, credits: str | None = "1234") -> httpx.Response:
    headers = {"content-type": "image/jpeg"}
    if credits is not None:
        headers["x-remaining-credits"] = credits
    return httpx.Response(200, content=JPEG, headers=headers)


def client_for(answer: Handler, **options: object) -> tuple[bria.Segmind, Recorder]:
    recorder = Recorder(answer)
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    return bria.Segmind(KEY, http_client=http, **options), recorder  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("SEGMIND_API_KEY", "SEGMIND_BASE_URL", "BRIA_API_TOKEN", "BRIA_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    yield


# --- the request -------------------------------------------------------------------------------------------------
def test_the_call_goes_to_segmind_with_the_key_as_x_api_key() -> None:
    client, seen = client_for(jpeg_answer)
    client.blur_background(image=IMAGE_URL, scale=4, preserve_alpha=False)
    (request,) = seen.requests
    assert str(request.url) == "https://api.segmind.com/v1/bria-blur-background"
    assert request.method == "POST"
    assert request.headers["x-api-key"] == KEY
    assert "api_token" not in request.headers
    # Only what the caller set is sent: no default of the page (scale 3, moderation "1") is materialized.
    assert json.loads(request.content) == {"image": IMAGE_URL, "scale": 4, "preserve_alpha": False}
    assert request.headers["content-type"] == "application/json"


def test_key_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEGMIND_API_KEY", KEY)
    monkeypatch.setenv("SEGMIND_BASE_URL", "https://segmind.proxy.test/")
    seen = Recorder(jpeg_answer)
    with bria.Segmind(http_client=httpx.Client(transport=httpx.MockTransport(seen))) as client:
        client.replace_background(image=IMAGE_URL, prompt="a beach")
    assert str(seen.requests[0].url) == "https://segmind.proxy.test/v1/bria-replace-background"
    assert seen.requests[0].headers["x-api-key"] == KEY


def test_the_argument_wins_over_the_environment_and_bria_variables_are_not_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SEGMIND_BASE_URL", "https://from-env.test")
    monkeypatch.setenv("BRIA_API_TOKEN", "bria-token")
    monkeypatch.setenv("BRIA_BASE_URL", "https://engine.test")
    client, seen = client_for(jpeg_answer, base_url="https://chosen.test")
    client.blur_background(image=IMAGE_URL)
    assert seen.requests[0].url.host == "chosen.test"
    monkeypatch.delenv("SEGMIND_BASE_URL")
    with pytest.raises(bria.BriaError, match=r"pass api_key=\.\.\. or set the SEGMIND_API_KEY"):
        bria.Segmind()


def test_a_local_image_goes_as_base64_where_the_spec_allows_it() -> None:
    client, seen = client_for(jpeg_answer)
    png = png_bytes("segmind")
    client.replace_background(image=png, ref_images="https://cdn.example.test/style.jpg")
    body = json.loads(seen.requests[0].content)
    assert base64.b64decode(body["image"]) == png
    assert body["ref_images"] == "https://cdn.example.test/style.jpg"


@pytest.mark.parametrize(
    ("call", "error", "argument"),
    [
        (lambda c: c.blur_background(image=IMAGE_URL, scale=6), bria.ParameterError, "scale"),
        (lambda c: c.blur_background(image=IMAGE_URL, scale="3"), bria.ParameterError, "scale"),
        (lambda c: c.blur_background(image=None), bria.ParameterError, "image"),
        # The blur page takes "an image URL" only (x-bria-image-input wire: url).
        (lambda c: c.blur_background(image=png_bytes("x")), bria.ImageInputError, "image"),
        (
            lambda c: c.replace_background(image=IMAGE_URL, ref_images=png_bytes("x")),
            bria.ImageInputError,
            "ref_images",
        ),
        (lambda c: c.replace_background(image=IMAGE_URL, seed=1.5), bria.ParameterError, "seed"),
    ],
)
def test_arguments_are_checked_before_anything_is_sent(
    call: Callable[[bria.Segmind], object], error: type[bria.BriaError], argument: str
) -> None:
    client, seen = client_for(jpeg_answer)
    with pytest.raises(error) as raised:
        call(client)
    assert getattr(raised.value, "parameter", None) == argument
    assert seen.requests == []


# --- the answer --------------------------------------------------------------------------------------------------
def test_the_image_is_returned_as_bytes_with_type_and_credits(tmp_path: Path) -> None:
    client, _ = client_for(jpeg_answer)
    result = client.blur_background(image=IMAGE_URL)
    assert isinstance(result, bria.BinaryResult)
    assert result.content == JPEG and result.read() == JPEG
    assert result.content_type == "image/jpeg"
    assert result.remaining_credits == 1234
    assert result.status_code == 200
    saved = result.save(tmp_path / "out" / "blurred.jpg")
    assert saved == tmp_path / "out" / "blurred.jpg" and saved.read_bytes() == JPEG
    assert result.download(tmp_path / "again.jpg").read_bytes() == JPEG
    assert [p.name for p in tmp_path.iterdir()] and not list(tmp_path.glob(".*"))  # no temporary file left
    assert "size=" in repr(result) and "\\x" not in repr(result)  # a repr never dumps the bytes
    assert pickle.loads(pickle.dumps(result)) == result


def test_saving_onto_a_folder_is_refused(tmp_path: Path) -> None:
    client, _ = client_for(jpeg_answer)
    with pytest.raises(bria.ParameterError, match="is a folder"):
        client.blur_background(image=IMAGE_URL).save(tmp_path)


@pytest.mark.parametrize(("header", "expected"), [(None, None), ("  17 ", 17), ("many", None), ("", None)])
def test_the_credits_header_is_an_int_or_none(header: str | None, expected: int | None) -> None:
    client, _ = client_for(lambda r: jpeg_answer(r, credits=header))
    assert client.blur_background(image=IMAGE_URL).remaining_credits == expected


@pytest.mark.parametrize(
    ("content_type", "body", "reason"),
    [
        ("application/json", b'{"image": "https://cdn.example.test/x.jpg"}', "application/json, not the documented"),
        ("text/html; charset=utf-8", b"<html><body>gateway</body></html>", "text/html, not the documented"),
        (None, JPEG, "untyped, not the documented image/jpeg"),
        ("image/jpeg", b"", "answer is empty"),
        ("image/png", png_bytes("p"), "image/png, not the documented image/jpeg"),
    ],
)
def test_a_200_that_is_not_the_documented_image_is_a_validation_error(
    content_type: str | None, body: bytes, reason: str
) -> None:
    headers = {"content-type": content_type} if content_type else {}

    def answer(request: httpx.Request) -> httpx.Response:
        response = httpx.Response(200, content=body, headers=headers)
        if content_type is None:
            response.headers.pop("content-type", None)
        return response

    client, _ = client_for(answer)
    with pytest.raises(bria.APIResponseValidationError, match=reason) as raised:
        client.blur_background(image=IMAGE_URL)
    assert raised.value.status_code == 200


# --- errors ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, bria.BadRequestError),
        (401, bria.AuthenticationError),
        (403, bria.PermissionDeniedError),
        (404, bria.NotFoundError),
        (405, bria.MethodNotAllowedError),
        (406, bria.InsufficientCreditsError),
        (429, bria.RateLimitError),
        (500, bria.InternalServerError),
        (502, bria.InternalServerError),
        (504, bria.InternalServerError),
    ],
)
@pytest.mark.parametrize("operation", ["blur_background", "replace_background"])
def test_segmind_error_codes_are_typed(status: int, error: type[bria.APIStatusError], operation: str) -> None:
    client, seen = client_for(lambda r: httpx.Response(status, json={"error": f"segmind says {status}"}), max_retries=0)
    with pytest.raises(error) as raised:
        getattr(client, operation)(image=IMAGE_URL)
    assert type(raised.value) is error
    assert raised.value.status_code == status
    assert f"segmind says {status}" in str(raised.value)
    assert len(seen.requests) == 1


def test_not_enough_credits_is_a_406_error_with_a_clear_message() -> None:
    client, _ = client_for(lambda r: httpx.Response(406))
    with pytest.raises(bria.InsufficientCreditsError, match="not enough credits") as raised:
        client.blur_background(image=IMAGE_URL)
    assert isinstance(raised.value, bria.NotAcceptableError)
    copy = pickle.loads(pickle.dumps(raised.value))
    assert type(copy) is bria.InsufficientCreditsError and copy.status_code == 406 and str(copy) == str(raised.value)
    # Bria's own 406 ("result too large") is not about credits: only the spec's marker makes it so.
    assert type(make_status_error(httpx.Response(406))) is bria.NotAcceptableError


def test_a_post_is_retried_on_429_but_never_after_a_500() -> None:
    answers = iter([httpx.Response(429, headers={"retry-after-ms": "1"}), jpeg_answer(httpx.Request("GET", "/"))])
    client, seen = client_for(lambda r: next(answers))
    assert client.blur_background(image=IMAGE_URL).content == JPEG
    assert len(seen.requests) == 2 and all(r.headers["x-api-key"] == KEY for r in seen.requests)
    client, seen = client_for(lambda r: httpx.Response(500))
    with pytest.raises(bria.InternalServerError):
        client.blur_background(image=IMAGE_URL)
    assert len(seen.requests) == 1  # the image may have been made and billed


# --- the key -----------------------------------------------------------------------------------------------------
def test_the_key_never_leaves_the_api_origin_on_a_redirect() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.segmind.com":
            return httpx.Response(307, headers={"location": "https://elsewhere.test/v1/bria-blur-background"})
        return jpeg_answer(request)

    client, seen = client_for(answer)
    client.blur_background(image=IMAGE_URL)
    assert [r.url.host for r in seen.requests] == ["api.segmind.com", "elsewhere.test"]
    assert seen.requests[0].headers["x-api-key"] == KEY
    assert "x-api-key" not in seen.requests[1].headers


def test_token_auth_is_parametrized_by_header() -> None:
    auth = TokenAuth(KEY, httpx.URL("https://api.segmind.com"), "x-api-key")
    on, off = httpx.Request("POST", "https://api.segmind.com/v1/x"), httpx.Request("GET", "https://other.test/")
    off.headers["x-api-key"] = "copied"
    assert next(auth.auth_flow(on)).headers["x-api-key"] == KEY and "api_token" not in on.headers
    assert "x-api-key" not in next(auth.auth_flow(off)).headers
    assert KEY not in repr(auth) and "x-api-key" in repr(auth)


def test_the_key_is_in_no_repr_error_or_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    answers = iter([httpx.Response(429, headers={"retry-after-ms": "1"}), httpx.Response(401, text="bad key")])
    client, _ = client_for(lambda r: next(answers))
    with pytest.raises(bria.AuthenticationError) as raised:
        client.blur_background(image=IMAGE_URL)
    texts = [repr(client), repr(client._auth), str(raised.value), repr(raised.value), caplog.text]
    assert caplog.records, "the retry is logged"
    assert not [t for t in texts if KEY in t]
    assert KEY.encode() not in pickle.dumps(make_status_error(httpx.Response(401, text="bad key")))


# --- async -------------------------------------------------------------------------------------------------------
def test_async_segmind_has_the_same_behaviour(tmp_path: Path) -> None:
    seen = Recorder(lambda r: jpeg_answer(r) if r.url.path.endswith("blur-background") else httpx.Response(406))

    async def main() -> None:
        http = httpx.AsyncClient(transport=httpx.MockTransport(seen))
        async with bria.AsyncSegmind(KEY, http_client=http) as client:
            results = await asyncio.gather(*(client.blur_background(image=IMAGE_URL, scale=s) for s in (1, 2)))
            assert [r.remaining_credits for r in results] == [1234, 1234]
            assert results[0].save(tmp_path / "a.jpg").read_bytes() == JPEG
            with pytest.raises(bria.InsufficientCreditsError):
                await client.replace_background(image=IMAGE_URL)
            assert repr(client) == "AsyncSegmind(base_url='https://api.segmind.com')"
        await http.aclose()

    asyncio.run(main())
    assert [json.loads(r.content)["scale"] for r in seen.requests[:2]] == [1, 2]
    assert all(r.headers["x-api-key"] == KEY for r in seen.requests)


def test_importing_bria_loads_no_segmind_code() -> None:
    import subprocess
    import sys

    code = (
        "import sys, bria; assert not [m for m in sys.modules if 'segmind' in m], 'eager';"
        "bria.Segmind; print(sorted(m for m in sys.modules if m.startswith('bria._generated.segmind.api.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    # The facade binds an operation's generated module on its first call only.
    assert done.stdout.strip() == "[]"


def test_the_per_operation_facts_come_from_the_spec() -> None:
    """No table in the runtime: the media type, the credits header and the credits code are read from the
    effective spec (the 200's content, `x-bria-remaining-credits`, `x-bria-insufficient-credits`)."""
    effective = yaml.safe_load((REPO_ROOT / "generated/openapi/segmind.yaml").read_text(encoding="utf-8"))
    for record, path in (
        (segmind._BLUR_BACKGROUND, "/bria-blur-background"),
        (segmind._REPLACE_BACKGROUND, "/bria-replace-background"),
    ):
        responses = effective["paths"][path]["post"]["responses"]
        assert record.binary_media_types == tuple(responses["200"]["content"]) == ("image/jpeg",)
        assert record.credits_header == "x-remaining-credits" and responses["200"]["headers"]["x-remaining-credits"]
        assert record.credit_statuses == frozenset({406}) and responses["406"]["x-bria-insufficient-credits"]
        assert record.path_prefix == "/v1"


def test_own_pools_are_closed_and_an_async_client_gets_a_fresh_pool_per_event_loop() -> None:
    with bria.Segmind(KEY) as client:
        http = client._http
    assert http.is_closed
    async_client = bria.AsyncSegmind(KEY)
    first = async_client._http
    asyncio.run(async_client.close())
    assert first.is_closed
    # A client used again under a new event loop (a notebook cell, a CLI run) replaces the closed pool.
    asyncio.run(async_client.close())
    assert async_client._http is not first and async_client._http.is_closed
