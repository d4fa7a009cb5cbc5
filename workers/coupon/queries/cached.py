"""Whether a merchant holds a usable coupon, through the process's reference cache: asked for
every order, answered "no" for most merchants most of the time (docs/reference-cache.md).

A kept "yes" costs nothing wrong: the order asks the coupon worker, which locks a coupon or
answers that none applies. A kept "no" means a coupon issued or claimed within the bound is
not used by orders received within the bound.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Protocol

from juhe.reference_cache import Clock, ReadThrough


class HolderSource(Protocol):
    """`CouponQueries`, as the cache reads it."""

    async def has_usable(self, merchant_id: str, at: datetime) -> bool: ...


class CouponHolders:
    """One per process: per merchant, whether it held a usable coupon when last read."""

    def __init__(self, seconds: float, clock: Clock = time.monotonic) -> None:
        self.held: ReadThrough[str, bool] = ReadThrough(seconds, clock)


class CachedCoupons:
    def __init__(self, queries: HolderSource, holders: CouponHolders) -> None:
        self._queries = queries
        self._holders = holders

    async def has_usable(self, merchant_id: str, at: datetime) -> bool:
        async def read(merchant: str) -> bool:
            return await self._queries.has_usable(merchant, at)

        return bool(await self._holders.held.get(merchant_id, read))
