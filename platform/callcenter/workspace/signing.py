"""Webhook signatures (pure): HMAC-SHA256 over ``<timestamp>.<body>``, like Stripe's scheme.

Receivers recompute the signature with their secret, compare in constant time and refuse
timestamps older than a few minutes (replays).
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-CC-Signature"
TIMESTAMP_HEADER = "X-CC-Timestamp"
EVENT_ID_HEADER = "X-CC-Event-Id"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>`` of ``<timestamp>.<body>`` keyed by ``secret``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str, timestamp: int, body: bytes, signature: str, *, now: int, tolerance_s: int = 300
) -> bool:
    """Whether ``signature`` is valid for this body and recent enough."""
    if abs(now - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def retry_delays(attempts: int, first_s: float = 0.5, cap_s: float = 30.0) -> list[float]:
    """Delays before each retry: exponential from ``first_s``, capped."""
    return [min(first_s * 2**i, cap_s) for i in range(max(0, attempts - 1))]


def should_retry(status: int | None) -> bool:
    """Retry network errors (None), 408, 429 and 5xx; a 2xx is done, other 4xx are final."""
    if status is None:
        return True
    return status in (408, 429) or status >= 500
