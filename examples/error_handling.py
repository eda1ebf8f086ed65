"""Errors: what is retried for you, and the typed exceptions for what is not.

Run: `python examples/error_handling.py`

Against the local test server this injects the failures: a 429 (rate limited) that the client
retries by itself, then a 460 (Bria could not download the image), which it raises.
"""

from __future__ import annotations

from _local import IMAGE_URL, api

import bria
from bria import Bria

IMAGE = IMAGE_URL


def main() -> None:
    with api() as where, Bria(where.token, base_url=where.base_url) as client:
        server = where.server
        if server is None:
            print("BRIA_BASE_URL is set: no fault injection, only the 460 of an unreachable image URL")
        else:
            from bria.testing import Fault

            # 1. A 429 with Retry-After: the POST was not processed, so it is safe to send again.
            server.inject("POST", "/v2/image/edit/", Fault(status=429, headers={"Retry-After": "0.2"}))
            result = client.image_editing.background_remove(image=IMAGE)
            posts = server.count("POST", "/v2/image/edit/")
            print(f"429 then success after {posts} POSTs: {result.image_url}")
            assert posts == 2

            # 2. A 460: Bria could not download the image. Not retried: the input has to change.
            body = b'{"error":{"code":460,"message":"Failed to download image","details":"404 from origin"}}'
            server.inject("POST", "/v2/image/edit/", Fault(status=460, body=body))

        try:
            client.image_editing.background_remove(image="https://example.invalid/missing.png")
        except bria.ImageDownloadError as error:
            print(f"460 -> {type(error).__name__}: status {error.status_code}, {error.message}")
        except bria.APIStatusError as error:  # every other error status: error.status_code, error.body
            print(f"HTTP {error.status_code}: {error.message}")
        else:
            raise AssertionError("expected an ImageDownloadError")

        # Local input problems are caught before anything is sent.
        try:
            client.image_editing.background_remove(image="no/such/file.png")
        except bria.ImageInputError as error:
            print(f"not sent: {error}")

        # Everything the package raises is a bria.BriaError:
        #   APIConnectionError / APITimeoutError  (no usable answer)
        #   APIStatusError and its subclasses     (RateLimitError, ImageDownloadError, ...)
        #   JobFailedError / JobTimeoutError      (v2 jobs)


if __name__ == "__main__":
    main()
