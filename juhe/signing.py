"""HMAC-SHA256 signatures for webhooks in both directions (platform shops, suppliers)."""

from __future__ import annotations

import hashlib
import hmac
import time


def signature(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, shop_or_account: str, body: bytes, *, now: float | None = None
) -> dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    return {
        "Content-Type": "application/json",
        "X-Juhe-Shop": shop_or_account,
        "X-Juhe-Timestamp": timestamp,
        "X-Juhe-Signature": signature(secret, timestamp, body),
    }


def verify(
    secret: str, timestamp: str, body: bytes, given: str, *, skew: int, now: float | None = None
) -> bool:
    """Constant-time check of the signature and that the timestamp is within `skew` seconds."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent_at) > skew:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), given)
