"""Verify the signature on a Bria webhook delivery.

Bria signs each delivery with a key derived from the organization's ``api_token``::

    signing_key = HMAC-SHA256(key=api_token, msg=b"bria-webhook-signing-v1")      # raw digest
    message     = f"{webhook_id}.{timestamp}.".encode() + raw_body
    signature   = base64(HMAC-SHA256(key=signing_key, msg=message))

and sends it as ``Bria-Webhook-Signature: v1=<base64>[, v1=<base64> ...]`` next to
``Bria-Webhook-Id`` (the request id) and ``Bria-Webhook-Timestamp`` (Unix seconds). A delivery is
genuine if any ``v1`` token matches. Verify the raw body bytes exactly as received, before parsing.

The functions here never raise on malformed input (they return False) and never log; the token is
used only as an HMAC key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import time
from collections.abc import Mapping

__all__ = [
    "SIGNATURE_VERSION",
    "WEBHOOK_ID_HEADER",
    "WEBHOOK_SIGNATURE_HEADER",
    "WEBHOOK_TIMESTAMP_HEADER",
    "compute_signature",
    "verify_request",
    "verify_signature",
]

WEBHOOK_ID_HEADER = "Bria-Webhook-Id"
WEBHOOK_TIMESTAMP_HEADER = "Bria-Webhook-Timestamp"
WEBHOOK_SIGNATURE_HEADER = "Bria-Webhook-Signature"
SIGNATURE_VERSION = "v1"

_KEY_DERIVATION_LABEL = b"bria-webhook-signing-v1"
_DIGEST_SIZE = hashlib.sha256().digest_size
_MAX_TOKENS = 64  # more signature tokens than this is not a real delivery


def _digest(payload: bytes, webhook_id: str, timestamp: str, api_token: str) -> bytes:
    signing_key = hmac.new(api_token.encode("utf-8"), _KEY_DERIVATION_LABEL, hashlib.sha256).digest()
    message = f"{webhook_id}.{timestamp}.".encode() + payload
    return hmac.new(signing_key, message, hashlib.sha256).digest()


def compute_signature(payload: bytes, *, webhook_id: str, timestamp: str, api_token: str) -> str:
    """The ``Bria-Webhook-Signature`` value Bria would send for this delivery (``v1=<base64>``)."""
    digest = _digest(bytes(payload), webhook_id, timestamp, api_token)
    return f"{SIGNATURE_VERSION}={base64.b64encode(digest).decode('ascii')}"


def _candidates(signature_header: str) -> list[bytes]:
    """The decoded ``v1`` signatures in the header; other versions and undecodable tokens are skipped."""
    found: list[bytes] = []
    for token in signature_header.split(",")[:_MAX_TOKENS]:
        version, sep, value = token.strip().partition("=")
        if not sep or version.strip() != SIGNATURE_VERSION:
            continue
        value = value.strip()
        if not value or not value.isascii():
            continue
        try:
            decoded = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            continue
        if len(decoded) == _DIGEST_SIZE:
            found.append(decoded)
    return found


def _fresh(timestamp: str, tolerance: float, now: float | None) -> bool:
    if not (timestamp.isascii() and timestamp.isdigit()):
        return False
    if math.isnan(tolerance) or tolerance < 0:
        return False
    current = time.time() if now is None else now
    return abs(current - int(timestamp)) <= tolerance


def verify_signature(
    payload: bytes,
    *,
    webhook_id: str,
    timestamp: str,
    signature_header: str,
    api_token: str,
    tolerance: float | None = None,
    now: float | None = None,
) -> bool:
    """True if ``signature_header`` holds a valid ``v1`` signature of this delivery.

    ``payload`` is the raw request body. With ``tolerance`` (seconds), the timestamp must also be an
    integer within ``tolerance`` of ``now`` (default: ``time.time()``). Malformed input gives False.
    """
    try:
        if not isinstance(payload, bytes | bytearray | memoryview):
            return False
        if not all(isinstance(v, str) for v in (webhook_id, timestamp, signature_header, api_token)):
            return False
        if not api_token or not webhook_id or not timestamp:
            return False
        if tolerance is not None and not _fresh(timestamp, float(tolerance), now):
            return False
        candidates = _candidates(signature_header)
        if not candidates:
            return False
        expected = _digest(bytes(payload), webhook_id, timestamp, api_token)
        matched = False
        for candidate in candidates:  # compare every token: the time taken does not depend on which matched
            matched |= hmac.compare_digest(expected, candidate)
        return matched
    except Exception:  # malformed input of some unforeseen kind: not verified, and no error text
        return False


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == wanted:
            return value
    return None


def verify_request(
    headers: Mapping[str, str],
    payload: bytes,
    *,
    api_token: str,
    tolerance: float | None = 300.0,
    now: float | None = None,
) -> bool:
    """Verify a delivery from its headers (looked up case-insensitively) and raw body.

    By default the timestamp must be within 5 minutes of now; pass ``tolerance=None`` to skip that.
    """
    try:
        webhook_id = _header(headers, WEBHOOK_ID_HEADER)
        timestamp = _header(headers, WEBHOOK_TIMESTAMP_HEADER)
        signature = _header(headers, WEBHOOK_SIGNATURE_HEADER)
    except Exception:
        return False
    if webhook_id is None or timestamp is None or signature is None:
        return False
    return verify_signature(
        payload,
        webhook_id=webhook_id,
        timestamp=timestamp,
        signature_header=signature,
        api_token=api_token,
        tolerance=tolerance,
        now=now,
    )
