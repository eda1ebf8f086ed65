"""Requests that Prism 5.14.2 does not answer from the spec, so the suite does not send them.

Used by the schemathesis test and by the client tests; each withheld case is counted in the summary.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from schemathesis import Case

_MULTIPART_NAME_BREAKERS = ("%", ";")


def withheld_reason(case: Case[Any]) -> str | None:
    """Why this case must not be sent to Prism, or None. Withheld cases are counted in the summary.

    Two kinds of request are not answered from the spec, so they say nothing about it:

    - Prism 5.14.2 crashes (uncaught exception, process exit) on a multipart part name containing `%` that is
      not valid percent-encoding (`URIError: URI malformed` in prism-http's validator/validators/body.js,
      decodeUriEntities) or containing `;` (parse-multipart-data then reads a `filename=` parameter that is not
      there: the crash of stoplightio/prism#2672). Schemathesis invents such names for the free-form extra
      properties of multipart bodies. test_harness.py shows the crash and how the supervisor reports it.
    - A JSON body that is not JSON at all (schemathesis' "Invalid syntax: random bytes") is rejected by Prism's
      HTTP layer (micri) before the spec is consulted, with its own `400 {"error": {"code": "invalid_json"}}`,
      whatever the spec documents for 400.
    """
    media_type = case.media_type or ""
    if (
        media_type.startswith("multipart/")
        and isinstance(case.body, Mapping)
        and multipart_names_crash_prism(case.body)
    ):
        return "multipart part name Prism 5.14 crashes on"
    if "json" in media_type and isinstance(case.body, bytes):
        try:
            json.loads(case.body)
        except ValueError:
            return "JSON body that is not JSON (answered by Prism's HTTP layer, not from the spec)"
    return None


def multipart_names_crash_prism(names: Iterable[object]) -> bool:
    """Whether a multipart body with these part names would crash Prism (see `withheld_reason`)."""
    return any(any(ch in str(name) for ch in _MULTIPART_NAME_BREAKERS) for name in names)
