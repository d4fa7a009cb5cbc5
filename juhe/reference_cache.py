"""A process's cache of reference data read by key: tiers, prices and promotion windows,
routing rules, delivery modes, shops (docs/reference-cache.md).

Each entry is kept `seconds` after the read that fetched it *began*, so a change answered before
a read that saw the old value is seen by every read started more than `seconds` after the
change; 0 keeps nothing and every read goes to the store. A key the store has nothing under is
kept too, for the same time. One instance per process and kind of data (no module-level state):
workers run as several copies, each with its own.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from cachetools import TLRUCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Clock = Callable[[], float]
#: Entries per cache; past it the least recently used go first.
MAX_ENTRIES = 100_000


@dataclass(frozen=True)
class _Entry(Generic[V]):
    value: V | None  # None: the store had nothing under the key
    read_at: float


class ReadThrough(Generic[K, V]):
    """Values by key, read from the store in one call for all the keys not read lately."""

    def __init__(self, seconds: float, clock: Clock = time.monotonic, maxsize: int = MAX_ENTRIES) -> None:
        if seconds < 0:
            raise ValueError(f"a cache of {seconds} seconds")
        self.seconds = seconds
        self._clock = clock
        self._entries: TLRUCache[K, _Entry[V], float] = TLRUCache(maxsize, self._expires, clock)

    @property
    def enabled(self) -> bool:
        return self.seconds > 0

    def _expires(self, _key: K, entry: _Entry[V], _now: float) -> float:
        return entry.read_at + self.seconds

    async def get_many(
        self, keys: Iterable[K], load: Callable[[list[K]], Awaitable[Mapping[K, V]]]
    ) -> dict[K, V]:
        """The values under `keys` (a key the store has nothing under is left out); `load` is
        called once, with the keys not read within the last `seconds`, if there are any."""
        wanted = list(dict.fromkeys(keys))
        kept = {key: entry for key in wanted if (entry := self._entries.get(key)) is not None}
        missing = [key for key in wanted if key not in kept]
        if missing:
            read_at = self._clock()
            loaded = await load(missing)
            for key in missing:
                kept[key] = _Entry(loaded.get(key), read_at)
                if self.enabled:
                    self._entries[key] = kept[key]
        return {key: value for key in wanted if (value := kept[key].value) is not None}

    async def get(self, key: K, load: Callable[[K], Awaitable[V | None]]) -> V | None:
        """The value under one key, read by `load` unless read within the last `seconds`."""

        async def one(keys: list[K]) -> dict[K, V]:
            value = await load(keys[0])
            return {} if value is None else {keys[0]: value}

        return (await self.get_many([key], one)).get(key)
