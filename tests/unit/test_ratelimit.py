"""The per-address token bucket of the application form."""

from __future__ import annotations

from edge_api.ratelimit import TokenBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refused_with_the_wait_until_the_next_token() -> None:
    clock = Clock()
    buckets = TokenBuckets(burst=2, per_hour=60, clock=clock)  # one token a minute
    assert [buckets.take("1.2.3.4") for _ in range(3)] == [0, 0, 60]
    assert buckets.take("5.6.7.8") == 0  # per address
    clock.now += 30
    assert buckets.take("1.2.3.4") == 30
    clock.now += 30
    assert buckets.take("1.2.3.4") == 0


def test_refill_never_exceeds_the_burst() -> None:
    clock = Clock()
    buckets = TokenBuckets(burst=2, per_hour=3600, clock=clock)
    buckets.take("a")
    clock.now += 10_000
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 1]
