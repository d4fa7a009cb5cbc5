"""HMAC-SHA256 signatures for webhooks in both directions (platform shops, suppliers)."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

#: Unix seconds as platforms send them: ASCII digits only, at most 12 (the year 33658).
_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")


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


def unix_seconds(text: str) -> int | None:
    """A timestamp header as an int; None for anything but a plain run of ASCII digits.

    `int()` alone takes signs, spaces, underscores and non-ASCII digits, and a 400-digit
    number overflows a float when compared with the clock.
    """
    return int(text) if _UNIX_SECONDS.fullmatch(text) else None


def same(given: str, expected: str) -> bool:
    """Constant-time equality of a received value (attacker text) and the expected one.

    Compared as bytes: `hmac.compare_digest` raises on str with non-ASCII characters.
    """
    return hmac.compare_digest(_utf8(given), _utf8(expected))


def _utf8(text: str) -> bytes:
    # surrogatepass: a lone surrogate (not valid UTF-8) still compares, as unequal.
    return text.encode("utf-8", "surrogatepass")


def fresh(timestamp: str, *, skew: int, now: float) -> bool:
    """The timestamp is unix seconds within `skew` seconds of `now`."""
    sent_at = unix_seconds(timestamp)
    return sent_at is not None and abs(now - sent_at) <= skew


def verify(
    secret: str, timestamp: str, body: bytes, given: str, *, skew: int, now: float | None = None
) -> bool:
    """Constant-time check of the signature and that the timestamp is within `skew` seconds."""
    if not fresh(timestamp, skew=skew, now=time.time() if now is None else now):
        return False
    return same(given, signature(secret, timestamp, body))
