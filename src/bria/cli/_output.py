"""One call of an operation from parsed arguments, and what it prints or saves."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import IO, Any

from ._catalog import OperationInfo
from ._parser import ARG_PREFIX


def call_arguments(info: OperationInfo, namespace: argparse.Namespace) -> dict[str, Any]:
    """The facade keyword arguments the user gave (flags left out are not sent: the SDK's UNSET).

    An argument the method requires but the user left out is passed as None: the SDK then raises its
    ParameterError naming it (a usage error), not Python's TypeError about a missing keyword.
    """
    values = vars(namespace)
    given = {}
    for param in info.params:
        value = values.get(ARG_PREFIX + param.name)
        if value is not None or param.keyword_required:
            given[param.name] = value
    return given


def wait_arguments(info: OperationInfo, namespace: argparse.Namespace, *, wait: bool) -> dict[str, Any]:
    if not info.operation.is_job:
        return {}
    return {"wait": wait, "max_wait": getattr(namespace, "max_wait", None)}


def warn_deprecated(info: OperationInfo, stream: IO[str]) -> None:
    # The SDK's DeprecationWarning would point at this module (and be hidden by default): say it once, plainly.
    if info.operation.deprecated:
        print(f"warning: {info.operation.deprecated}", file=stream)


def invoke(client: Any, info: OperationInfo, namespace: argparse.Namespace) -> Any:
    """Call the operation on a `bria.Bria` as the command line asks; SDK errors propagate."""
    method = getattr(getattr(client, info.operation.document), info.name)
    kwargs = call_arguments(info, namespace)
    kwargs.update(wait_arguments(info, namespace, wait=not getattr(namespace, "no_wait", False)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return method(**kwargs)


def to_jsonable(answer: Any) -> Any:
    """What `--json` prints: a result's raw body, a job's fields, a model's `to_dict()`, lists of those."""
    from bria import Job, Result

    if isinstance(answer, Result):
        return dict(answer.raw)
    if isinstance(answer, Job):
        return {"request_id": answer.request_id, "status_url": answer.status_url}
    if isinstance(answer, list | tuple):
        return [to_jsonable(item) for item in answer]
    if hasattr(answer, "to_dict"):
        return answer.to_dict()
    return answer


def dumps(value: Any, *, indent: int | None = 2) -> str:
    # default=str: generated models may hold UUIDs or datetimes in to_dict() output.
    return json.dumps(value, indent=indent, ensure_ascii=False, default=str)


def emit(answer: Any, namespace: argparse.Namespace, stdout: IO[str] | None = None) -> None:
    """Save (`-o`) and print the answer: JSON with `--json`, else a short human line or two."""
    stdout = stdout or sys.stdout
    from bria import Job, Result

    saved: Path | None = None
    if namespace.output:
        saved = save(answer, Path(namespace.output))
    if namespace.json:
        print(dumps(to_jsonable(answer)), file=stdout)
        return
    if saved is not None:
        print(f"saved {saved}", file=stdout)
        return
    if isinstance(answer, Job):
        print(f"request_id: {answer.request_id}\nstatus_url: {answer.status_url}", file=stdout)
    elif isinstance(answer, Result):
        print(answer.image_url or dumps(dict(answer.raw)), file=stdout)
    elif answer is not None:
        print(dumps(to_jsonable(answer)), file=stdout)


def save(answer: Any, path: Path) -> Path:
    """`Result.download` for a result with a URL; JSON of anything else (a job, a model, a list)."""
    from bria import Result

    if isinstance(answer, Result) and answer.image_url:
        return answer.download(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(to_jsonable(answer)) + "\n")
    return path
