"""Webhook signature verification: Bria's published vectors, tampering, malformed input, freshness."""

from __future__ import annotations

import hmac
from typing import Any

import pytest

from bria.webhooks import (
    WEBHOOK_ID_HEADER,
    WEBHOOK_SIGNATURE_HEADER,
    WEBHOOK_TIMESTAMP_HEADER,
    compute_signature,
    verify_request,
    verify_signature,
)

TOKEN = "test-token-abc123"
WEBHOOK_ID = "req-9f8e7d6c"
TS = "1723800000"
BODY = b'{"request_id":"req-9f8e7d6c","status":"COMPLETED"}'
SIG = "v1=L49e/+aGg8Xr6F7PT9+bYWJ4ADPN73Pu5ooGltV5MUs="

VECTORS = [
    (TOKEN, WEBHOOK_ID, TS, BODY, SIG),
    (
        "contract-test-shared-token",
        "req_contract_test_001",
        "1700000000",
        b'{"status":"COMPLETED","result":{"url":"https://cdn.bria.ai/final.png"},"request_id":"req_contract_test_001"}',
        "v1=muClfnkuIXEqW69htILKVEwJdzC0LWB1tP53ptLm7SM=",
    ),
]


def _verify(
    payload: bytes = BODY,
    webhook_id: str = WEBHOOK_ID,
    timestamp: str = TS,
    header: str = SIG,
    token: str = TOKEN,
    **kwargs: Any,
) -> bool:
    return verify_signature(
        payload, webhook_id=webhook_id, timestamp=timestamp, signature_header=header, api_token=token, **kwargs
    )


@pytest.mark.parametrize(("token", "webhook_id", "ts", "body", "signature"), VECTORS)
def test_published_vectors(token: str, webhook_id: str, ts: str, body: bytes, signature: str) -> None:
    assert _verify(body, webhook_id, ts, signature, token)
    assert compute_signature(body, webhook_id=webhook_id, timestamp=ts, api_token=token) == signature


@pytest.mark.parametrize(
    "header",
    [
        f"v1=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,{SIG}",
        f"v2=something, {SIG} ,v1=bm90LWl0",
        f"  {SIG}  ",
        f"v1=not base64!!, {SIG}",
    ],
)
def test_any_matching_token_passes(header: str) -> None:
    assert _verify(header=header)


@pytest.mark.parametrize(
    "change",
    [
        {"payload": BODY + b" "},
        {"payload": BODY.replace(b"COMPLETED", b"ERROR")},
        {"webhook_id": "req-9f8e7d6d"},
        {"timestamp": "1723800001"},
        {"token": "test-token-abc124"},
        {"token": ""},
    ],
)
def test_tampering_fails(change: dict[str, Any]) -> None:
    assert not _verify(**change)


@pytest.mark.parametrize(
    "header",
    ["", "v1=", "v2=xyz", "v1=garbage-base64!!", "v1", ",,,", "=", SIG.replace("v1=", "v2="), SIG[:-2], "v1=é"],
)
def test_malformed_headers_fail(header: str) -> None:
    assert not _verify(header=header)


@pytest.mark.parametrize("bad", [None, "a string body", 42])
def test_wrong_types_do_not_raise(bad: Any) -> None:
    assert not _verify(payload=bad)
    assert not _verify(header=bad)


def test_tolerance() -> None:
    ts = int(TS)
    assert _verify(tolerance=300, now=ts + 300)
    assert _verify(tolerance=300, now=ts - 299.5)
    assert not _verify(tolerance=300, now=ts + 301)
    assert not _verify(tolerance=300, now=ts - 301)
    assert _verify(now=ts + 10**6)  # no tolerance: the age is not checked
    assert not _verify(timestamp="1723800000.0", tolerance=300, now=ts)  # not an integer
    assert not _verify(tolerance=300)  # the vector is from 2024: stale today


def test_verify_request_reads_headers_case_insensitively() -> None:
    headers = {
        WEBHOOK_ID_HEADER.lower(): WEBHOOK_ID,
        WEBHOOK_TIMESTAMP_HEADER.upper(): TS,
        WEBHOOK_SIGNATURE_HEADER: SIG,
    }
    assert verify_request(headers, BODY, api_token=TOKEN, now=int(TS) + 5)
    assert verify_request(headers, BODY, api_token=TOKEN, tolerance=None)
    assert not verify_request(headers, BODY, api_token=TOKEN)  # default tolerance of 300 s
    assert not verify_request({WEBHOOK_ID_HEADER: WEBHOOK_ID, WEBHOOK_SIGNATURE_HEADER: SIG}, BODY, api_token=TOKEN)


def test_constant_time_compare_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def recording(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)
    assert _verify(header=f"v1=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=, {SIG}")
    assert len(calls) == 2
    assert not _verify(payload=b"tampered")
    assert len(calls) == 3


def test_token_never_appears_in_output(capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    _verify()
    _verify(header="v1=garbage")
    captured = capsys.readouterr()
    assert TOKEN not in captured.out + captured.err + caplog.text
