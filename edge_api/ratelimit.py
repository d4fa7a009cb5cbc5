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
