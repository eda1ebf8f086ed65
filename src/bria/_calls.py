"""The two pure ends of one operation call, through what its `Operation` record binds.

request_arguments: the caller's arguments -> checked, images resolved -> httpx request arguments (the
                   generated `request_kwargs`, on the operation's server URL).
interpret:         the final answer -> a typed error, the documented model, a `Job`, result data (a
                   finished job's, or a v1 answer's whose `result_url` names the URL's property), or the
                   bytes of a file answer (`binary_media_types`, Segmind's image/jpeg) as a `BinaryResult`.
check_result:      result data whose spec requires a result URL has one.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from ._exceptions import APIResponseValidationError, status_error
from ._images import resolve_images
from ._jobs import Job, ResultData, seed_of
from ._operation import Operation
from ._results import BinaryResult
from ._validation import check_arguments, is_given

_PRESENT = object()
_WHITESPACE = b" \t\r\n"


def request_arguments(operation: Operation, arguments: dict[str, Any], base_url: httpx.URL) -> dict[str, Any]:
    """Keyword arguments for `httpx.Client.build_request`; raises ParameterError/ImageInputError first."""
    given = dict(arguments)
    image_attributes: dict[str, Any] = {}
    provided_images: dict[str, object] = {}
    for slot in operation.images:
        value = given.pop(slot.parameter, None)
        if is_given(operation, value):
            image_attributes.update(resolve_images(slot, value, operation.file_type))
            provided_images[slot.parameter] = _PRESENT
    if operation.finish_flag is not None and not is_given(operation, given.get(operation.finish_flag)):
        given[operation.finish_flag] = True
    checked = check_arguments(operation, given | provided_images)
    body_values = {k: v for k, v in checked.items() if k in operation.body_attributes}
    call = {k: v for k, v in checked.items() if k not in operation.body_attributes and k not in provided_images}
    if operation.body_model is not None:
        call["body"] = operation.body_model(**body_values, **image_attributes)
    request = operation.request_kwargs(**call)
    request["url"] = f"{base_url}{operation.path_prefix}{request['url']}"
    return request


def interpret(operation: Operation, response: httpx.Response, now: float) -> Any:
    """What the call returns for its final answer (retries and redirects are behind it).

    A documented body is parsed once: by the generated parser for a model or a 202, by `json_object`
    for a v2 job's finished (`sync=true`) answer.
    """
    error = status_error(response, operation.failure_statuses, operation.credit_statuses)
    if error is not None:
        raise error
    status = response.status_code
    if operation.binary_media_types:
        return _binary_result(operation, response)
    if status in operation.empty_statuses:
        return None
    if status in operation.object_statuses and not _starts_an_object(response.content):
        # A JSON array where an object is documented: the generated `from_dict` would take a list of pairs
        # for a model (`dict(src)`), and the job path would fail on `.get`.
        raise _bad_answer(operation, response, "the answer is not the JSON object the spec documents")
    if operation.is_job and status != 202 and status in operation.object_statuses:
        payload = json_object(response)
        if payload is None:
            raise _bad_answer(operation, response, "the answer is not the JSON object the spec documents")
        return ResultData.from_payload(payload, str(payload.get("request_id", "")))
    try:
        parsed = operation.parse_response(response=response)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        # JSONDecodeError is a ValueError: truncated JSON, an HTML page with a 200, a missing field.
        raise _bad_answer(operation, response, f"the answer does not match the spec ({type(error).__name__})") from None
    if parsed is None:
        raise _bad_answer(operation, response, "undocumented answer")
    if not operation.is_job:
        return parsed if operation.result_url is None else _answer_result(operation, response, parsed)
    status_url = str(parsed.status_url)
    try:
        httpx.URL(status_url)
    except httpx.InvalidURL:
        raise _bad_answer(operation, response, "the job's status_url is not a URL") from None
    return Job(
        request_id=str(parsed.request_id),
        status_url=status_url,
        operation_name=operation.qualified_name,
        submitted_at=now,
    )


def _binary_result(operation: Operation, response: httpx.Response) -> BinaryResult:
    """A file answer, never parsed: its Content-Type must be a documented one (a JSON or HTML page with a 200
    is a gateway's or proxy's answer, not the image) and its body not empty."""
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not any(_media_matches(media, documented) for documented in operation.binary_media_types):
        expected = " or ".join(operation.binary_media_types)
        raise _bad_answer(operation, response, f"the answer is {media or 'untyped'}, not the documented {expected}")
    if not response.content:
        raise _bad_answer(operation, response, f"the {media} answer is empty")
    return BinaryResult(
        content=response.content,
        content_type=media,
        remaining_credits=_credits(response, operation.credits_header),
        status_code=response.status_code,
    )


def _media_matches(media: str, documented: str) -> bool:
    # A documented range (`image/*`) takes any subtype; a concrete type only itself.
    kind, _, subtype = documented.lower().partition("/")
    return media == documented.lower() or (subtype == "*" and media.startswith(kind + "/"))


def _credits(response: httpx.Response, header: str | None) -> int | None:
    """The credits header as an integer. A missing or malformed value is None, not an error: the image in the
    body is what the call was for, and the spec makes the header optional."""
    value = response.headers.get(header) if header else None
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def check_result(operation: Operation, data: ResultData) -> None:
    """An `ImageResult` is typed with a `str` URL: an answer without one breaks the spec, it is not a result."""
    if operation.image_result and not data.image_url:
        body = json.dumps(dict(data.raw), default=str).encode()
        raise APIResponseValidationError(
            f"{operation.qualified_name}: the finished answer has no result URL", status_code=200, body=body
        )


def _answer_result(operation: Operation, response: httpx.Response, parsed: Any) -> ResultData:
    # The parser accepted the body, so it is a JSON object.
    payload = json_object(response) or {}
    return ResultData(
        request_id=str(payload.get("request_id") or ""),
        image_url=_first_url(payload.get(str(operation.result_url))),
        seed=seed_of(payload),
        raw=payload,
        answer=parsed,
    )


def _first_url(value: Any) -> str | None:
    """The URL in a result property: a string, or the first URL in a list (v1 gen_fill's `urls`), or in
    the first items of its rows (replace_background's `result`, rows of [url, seed, sid]). A moderated
    result's sentinel (`422_image_blocked_due_to_content_moderation`) is not a URL and is passed over."""
    candidates = value if isinstance(value, list) else [value]
    for candidate in candidates:
        url = candidate[0] if isinstance(candidate, list) and candidate else candidate
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            return url
    return None


def json_object(response: httpx.Response) -> dict[str, Any] | None:
    """The answer's JSON object, or None when the body is not one (garbled, an array, a string): a status
    poll then tries again, an operation answer is an APIResponseValidationError."""
    try:
        payload = json.loads(response.content)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def _starts_an_object(body: bytes) -> bool:
    # Whether the rest parses is the parser's to say; an object is told from any other JSON by its first byte.
    return body.lstrip(_WHITESPACE)[:1] == b"{"


def _bad_answer(operation: Operation, response: httpx.Response, reason: str) -> APIResponseValidationError:
    return APIResponseValidationError(
        f"{operation.qualified_name}: {reason}", status_code=response.status_code, body=response.content
    )
