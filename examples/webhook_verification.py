"""Verify a webhook delivery before trusting it (`bria.webhooks`).

Run: `python examples/webhook_verification.py`

When you pass `webhook_url=...`, Bria POSTs the job's final status there, signed with a key derived
from your API token. In your web framework's handler, verify the raw body bytes and the three
`Bria-Webhook-*` headers before parsing anything. This example builds a delivery the way Bria signs
one and checks it; it needs no server.
"""

from __future__ import annotations

import json
import os
import time

from bria import webhooks

API_TOKEN = os.environ.get("BRIA_API_TOKEN", "example-token")


def handle_delivery(headers: dict[str, str], raw_body: bytes) -> int:
    """What a webhook endpoint does: 401 unless genuine and recent, else process and 200."""
    if not webhooks.verify_request(headers, raw_body, api_token=API_TOKEN, tolerance=300):
        return 401
    payload = json.loads(raw_body)
    print(f"verified: job {payload['request_id']} is {payload['status']}")
    return 200


def main() -> None:
    body = json.dumps({"request_id": "req_123", "status": "COMPLETED", "result": {"image_url": "https://..."}})
    raw = body.encode()
    timestamp = str(int(time.time()))
    signature = webhooks.compute_signature(raw, webhook_id="req_123", timestamp=timestamp, api_token=API_TOKEN)
    headers = {
        webhooks.WEBHOOK_ID_HEADER: "req_123",
        webhooks.WEBHOOK_TIMESTAMP_HEADER: timestamp,
        webhooks.WEBHOOK_SIGNATURE_HEADER: signature,
    }

    assert handle_delivery(headers, raw) == 200
    # The lower-level check, with the values taken from the headers yourself:
    assert webhooks.verify_signature(
        raw, webhook_id="req_123", timestamp=timestamp, signature_header=signature, api_token=API_TOKEN
    )

    tampered = raw.replace(b"COMPLETED", b"ERROR")
    assert handle_delivery(headers, tampered) == 401
    print("tampered body: rejected")

    stale = {**headers, webhooks.WEBHOOK_TIMESTAMP_HEADER: str(int(time.time()) - 3600)}
    assert handle_delivery(stale, raw) == 401  # signed for another timestamp, and too old anyway
    print("replayed / stale delivery: rejected")

    other = webhooks.verify_signature(
        raw, webhook_id="req_123", timestamp=timestamp, signature_header=signature, api_token="another-token"
    )
    assert not other  # a signature made with someone else's token
    print("checked against another token: rejected")


if __name__ == "__main__":
    main()
