"""Token buckets per client address, kept in this edge process's memory.

The limit is therefore per edge process: N edge replicas admit up to N times the burst.
That is enough to stop a script hammering the unauthenticated application form; a shared
limit would need a shared counter (a store document per address and window).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from edge_api.openapi import errors

#: Past this many tracked addresses, buckets that have refilled completely are forgotten.
MAX_TRACKED = 10_000


@dataclass
class _Bucket:
    tokens: float
    at: float


class TokenBuckets:
    def __init__(self, burst: int, per_hour: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.burst = burst
        self.rate = per_hour / 3600.0  # tokens per second
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str) -> int:
        """Take one token for `key`: 0 if allowed, else the whole seconds until one is available."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0
        return max(1, math.ceil((1.0 - bucket.tokens) / self.rate))

    def _forget_full(self, now: float) -> None:
        if len(self._buckets) < MAX_TRACKED:
            return
        full_after = self.burst / self.rate
        for key in [k for k, b in self._buckets.items() if now - b.at >= full_after]:
            del self._buckets[key]


def application_buckets(request: Request) -> TokenBuckets:
    """The buckets of the application form: one set per app (per edge process), made on first use."""
    state = request.app.state
    if not hasattr(state, "application_limiter"):
        settings = state.edge.settings
        state.application_limiter = TokenBuckets(
            settings.application_rate_burst, settings.application_rate_per_hour
        )
    buckets: TokenBuckets = state.application_limiter
    return buckets


#: The `responses=` entry of a rate-limited route: the error, and when to retry.
RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {
        **errors(429)[429],
        "headers": {"Retry-After": {"description": "Whole seconds to wait.", "schema": {"type": "integer"}}},
    }
}
