"""Standard Webhooks signing: secrets, message ids, the JSON body and the three headers.

Receivers verify with the same `standardwebhooks` package:
`Webhook(secret).verify(body, headers)`.
"""

import base64
import json
import secrets
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from standardwebhooks import Webhook

USER_AGENT = "Threadkeeper-Webhooks/1"


def secret_new() -> str:
    """Return a new signing secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def message_id_new() -> str:
    """Return a new message id, the `webhook-id` a delivery keeps through every retry."""
    return f"msg_{uuid4().hex}"


def payload_for(*, event: str, data: dict[str, Any], at: datetime) -> dict[str, Any]:
    """Return the event's payload: its type, when it happened, and what it is about."""
    return {"type": event, "timestamp": at.astimezone(UTC).isoformat(), "data": data}


def body_of(payload: dict[str, Any]) -> bytes:
    """Return the exact bytes that are signed and sent (compact UTF-8 JSON)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def signed_headers(*, secret: str, message_id: str, body: bytes, now: datetime) -> dict[str, str]:
    """Return the request headers for one attempt, signed at `now` (each attempt re-signs)."""
    now = now.astimezone(UTC)
    signature = Webhook(secret).sign(msg_id=message_id, timestamp=now, data=body.decode())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
