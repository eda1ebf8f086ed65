"""Every error body form Bria uses becomes a typed error with a readable message."""

from __future__ import annotations

import httpx
import pytest

import bria
from bria._exceptions import make_status_error

V2_ERROR = (
    b'{"error":{"code":422,"message":"Input image failed content moderation","details":"visual_input"},'
    b'"request_id":"r1"}'
)


@pytest.mark.parametrize(
    ("status", "body", "headers", "cls", "message"),
    [
        (400, V2_ERROR.replace(b"422", b"400"), {}, bria.BadRequestError, "Input image failed content moderation"),
        (422, V2_ERROR, {}, bria.ContentModerationError, "content moderation: visual_input"),
        (
            422,
            b'"The request could not be completed because the image_url does not lead to an accessible image"',
            {},
            bria.UnprocessableEntityError,
            "does not lead to an accessible image",
        ),
        (
            460,
            b"Failed to download image.",
            {"content-type": "text/plain"},
            bria.ImageDownloadError,
            "Failed to download",
        ),
        (
            502,
            b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
            {"content-type": "text/html"},
            bria.InternalServerError,
            "HTML error page",
        ),
        (503, b"", {}, bria.InternalServerError, "Service Unavailable"),
        (
            506,
            b'"Insufficient data. The given input is not supported by the Bria API."',
            {},
            bria.UnsupportedInputError,
            "not supported",
        ),
        (401, b'{"message":"Unauthorized"}', {}, bria.AuthenticationError, "Unauthorized"),
        (403, b"[1, 2]", {}, bria.PermissionDeniedError, "Forbidden"),
        (404, b'{"status":"NOT_FOUND"}', {}, bria.NotFoundError, "NOT_FOUND"),
        (406, b"too big", {}, bria.NotAcceptableError, "too big"),
        (413, b"", {}, bria.PayloadTooLargeError, "Request Entity Too Large"),
        (415, b"", {}, bria.UnsupportedMediaTypeError, "Unsupported Media Type"),
        (429, b"", {}, bria.RateLimitError, "Too Many Requests"),
        (418, b"{not json", {}, bria.APIStatusError, "{not json"),
        (512, b"", {}, bria.InternalServerError, "HTTP 512"),
    ],
)
def test_error_forms(status: int, body: bytes, headers: dict[str, str], cls: type, message: str) -> None:
    error = make_status_error(httpx.Response(status, content=body, headers=headers))
    assert type(error) is cls
    assert error.status_code == status
    assert message in str(error)


def test_v2_error_carries_request_id_and_decoded_body() -> None:
    error = make_status_error(httpx.Response(422, content=V2_ERROR))
    assert error.request_id == "r1"
    assert error.body["error"]["details"] == "visual_input"
    assert "request_id r1" in str(error)
