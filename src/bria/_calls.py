"""One operation call, split into the pure steps the sync and async clients share.

build_request: arguments -> checked, images resolved -> the generated `_get_kwargs` output.
interpret:     httpx answer -> the generated `_build_response` -> typed model, Job or result data.
"""

from __future__ import annotations

import importlib
import json
from functools import cache
from typing import Any

import httpx

from ._exceptions import APIResponseValidationError, make_status_error
from ._images import resolve_image
from ._jobs import Job, ResultData
from ._operation import Operation
from ._validation import check_arguments, is_given

_PRESENT = object()


@cache
def _generated_module(operation_package: str, name: str) -> Any:
    return importlib.import_module(f"{operation_package}.{name}")


@cache
def parser_client(package: str) -> Any:
    """The generated `Client` that `_build_response` wants; it only reads `raise_on_unexpected_status`."""
    return _generated_module(package, "client").Client(base_url="http://unused", raise_on_unexpected_status=False)


def build_request(operation: Operation, arguments: dict[str, Any]) -> dict[str, Any]:
    given = dict(arguments)
    image_attributes: dict[str, Any] = {}
    provided_images: dict[str, object] = {}
    for slot in operation.images:
        value = given.pop(slot.parameter, None)
        if is_given(value):
            file_type = _generated_module(operation.package, "types").File
            image_attributes.update(resolve_image(slot, value, file_type))
            provided_images[slot.parameter] = _PRESENT
    if operation.finish_flag is not None and not is_given(given.get(operation.finish_flag)):
        given[operation.finish_flag] = True
    checked = check_arguments(operation, given | provided_images)
    body_values = {k: v for k, v in checked.items() if k in operation.body_attributes}
    call = {k: v for k, v in checked.items() if k not in operation.body_attributes and k not in provided_images}
    if operation.body_model is not None:
        call["body"] = operation.body_model(**body_values, **image_attributes)
    request: dict[str, Any] = operation.endpoint._get_kwargs(**call)
    request["url"] = operation.path_prefix + request["url"]
    return request


def interpret(operation: Operation, response: httpx.Response) -> Any:
    """The parsed answer; a Job or ResultData for v2 jobs. Error statuses were raised by the transport."""
    where = f"{operation.document}.{operation.name}"
    if response.status_code in operation.object_statuses and json_object(response) is None:
        # A JSON array where an object is documented: the generated `from_dict` would take a list of pairs
        # for a model (`dict(src)`), and the job path would fail on `.get`.
        raise APIResponseValidationError(
            f"{where}: the answer is not the JSON object the spec documents",
            status_code=response.status_code,
            body=response.content,
        )
    try:
        built = operation.endpoint._build_response(client=parser_client(operation.package), response=response)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        # JSONDecodeError is a ValueError: truncated JSON, an HTML page with a 200, a missing field.
        raise APIResponseValidationError(
            f"{where}: the answer does not match the spec ({type(error).__name__})",
            status_code=response.status_code,
            body=response.content,
        ) from None
    if response.status_code in operation.failure_statuses:
        raise make_status_error(response)
    if response.status_code in operation.empty_statuses:
        return None
    if built.parsed is None:
        raise APIResponseValidationError(
            f"{where}: undocumented answer", status_code=response.status_code, body=response.content
        )
    if not operation.is_job:
        return built.parsed
    if response.status_code == 202:
        status_url = str(built.parsed.status_url)
        try:
            httpx.URL(status_url)
        except httpx.InvalidURL:
            raise APIResponseValidationError(
                f"{where}: the job's status_url is not a URL", status_code=202, body=response.content
            ) from None
        return Job(request_id=str(built.parsed.request_id), status_url=status_url, operation=where)
    payload = json.loads(response.content)
    return ResultData.from_payload(payload, str(payload.get("request_id", "")))


def json_object(response: httpx.Response) -> dict[str, Any] | None:
    """The answer's JSON object, or None when the body is not one (garbled, an array, a string): a status
    poll then tries again, an operation answer is an APIResponseValidationError."""
    try:
        payload = json.loads(response.content)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None
