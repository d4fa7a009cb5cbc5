"""The reference cache: per key, kept for its bound after the read began, never with 0."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

import pytest

from juhe.reference_cache import ReadThrough


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Store:
    """A store of reference data that records which keys each read asked for."""

    def __init__(self, clock: Clock, **values: int) -> None:
        self.values = dict(values)
        self.reads: list[list[str]] = []
        self.clock = clock
        self.read_takes = 0.0

    async def load(self, keys: list[str]) -> Mapping[str, int]:
        self.reads.append(keys)
        self.clock.now += self.read_takes
        return {key: self.values[key] for key in keys if key in self.values}


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def test_within_the_bound_a_key_is_not_read_again(clock: Clock) -> None:
    store, cache = Store(clock, A=1), ReadThrough[str, int](5, clock)
    assert await cache.get_many(["A"], store.load) == {"A": 1}
    store.values["A"] = 2
    clock.now += 4.999
    assert await cache.get_many(["A"], store.load) == {"A": 1}
    assert store.reads == [["A"]]


async def test_once_the_bound_has_passed_the_key_is_read_again(clock: Clock) -> None:
    store, cache = Store(clock, A=1), ReadThrough[str, int](5, clock)
    await cache.get_many(["A"], store.load)
    store.values["A"] = 2
    clock.now += 5
    assert await cache.get_many(["A"], store.load) == {"A": 2}
    assert store.reads == [["A"], ["A"]]


async def test_zero_reads_the_store_every_time(clock: Clock) -> None:
    store, cache = Store(clock, A=1), ReadThrough[str, int](0, clock)
    assert await cache.get_many(["A"], store.load) == {"A": 1}
    store.values["A"] = 2
    assert await cache.get_many(["A"], store.load) == {"A": 2}
    assert await cache.get("A", _one(store)) == 2
    assert store.reads == [["A"], ["A"], ["A"]]
    assert not cache.enabled


async def test_only_the_keys_not_kept_are_read(clock: Clock) -> None:
    """An order of A and B after one of B and C reads only A, once for all the keys it lacks."""
    store, cache = Store(clock, A=1, B=2, C=3, D=4), ReadThrough[str, int](5, clock)
    assert await cache.get_many(["B", "C"], store.load) == {"B": 2, "C": 3}
    assert await cache.get_many(["A", "B"], store.load) == {"A": 1, "B": 2}
    assert await cache.get_many(["D", "C", "A", "D"], store.load) == {"D": 4, "C": 3, "A": 1}
    assert store.reads == [["B", "C"], ["A"], ["D"]]


async def test_a_key_the_store_lacks_is_kept_missing_for_the_same_bound(clock: Clock) -> None:
    store, cache = Store(clock), ReadThrough[str, int](5, clock)
    assert await cache.get("NEW", _one(store)) is None
    store.values["NEW"] = 7
    clock.now += 4.9
    assert await cache.get_many(["NEW"], store.load) == {}
    clock.now += 0.1
    assert await cache.get("NEW", _one(store)) == 7
    assert store.reads == [["NEW"], ["NEW"]]


async def test_the_bound_counts_from_when_the_read_began(clock: Clock) -> None:
    """A read that took 2 s of a 5 s bound is kept 3 s after it answered, so a change answered
    while it ran shows 5 s after it at the latest."""
    store, cache = Store(clock, A=1), ReadThrough[str, int](5, clock)
    store.read_takes = 2
    await cache.get_many(["A"], store.load)
    store.values["A"], store.read_takes = 2, 0
    clock.now += 2.999
    assert await cache.get_many(["A"], store.load) == {"A": 1}
    clock.now += 0.001
    assert await cache.get_many(["A"], store.load) == {"A": 2}


async def test_a_read_slower_than_the_bound_is_not_kept(clock: Clock) -> None:
    store, cache = Store(clock, A=1), ReadThrough[str, int](5, clock)
    store.read_takes = 6
    await cache.get_many(["A"], store.load)
    await cache.get_many(["A"], store.load)
    assert store.reads == [["A"], ["A"]]


def test_a_negative_bound_is_refused() -> None:
    with pytest.raises(ValueError, match="a cache of -1 seconds"):
        ReadThrough[str, int](-1)


def _one(store: Store) -> Callable[[str], Awaitable[int | None]]:
    async def load(key: str) -> int | None:
        return (await store.load([key])).get(key)

    return load
