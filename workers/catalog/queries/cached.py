"""Order pricing's reads of the catalog through the process's reference cache, per SKU.

A SKU is kept with all its promotion windows, not with "is a promotion on now": each order
picks the window holding its own `received_at`, so a promotion starts and ends on the exact
moment for every order, cached or not (docs/reference-cache.md).
"""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime
from typing import Protocol

from juhe.reference_cache import Clock, ReadThrough
from workers.catalog.model import SkuOffer


class OfferTerms(Protocol):
    """`CatalogQueries`, as the cache reads it."""

    async def offer_terms(self, skus: list[str]) -> dict[str, SkuOffer]: ...


class CatalogCache:
    """One per process: each SKU's terms and promotion windows, kept `seconds` after reading."""

    def __init__(self, seconds: float, clock: Clock = time.monotonic) -> None:
        self.skus: ReadThrough[str, SkuOffer] = ReadThrough(seconds, clock)


class CachedCatalog:
    """`CatalogQueries.offers` for order pricing, reading only the SKUs the cache lacks."""

    def __init__(self, queries: OfferTerms, cache: CatalogCache) -> None:
        self._queries = queries
        self._cache = cache

    async def offers(self, skus: list[str], at: datetime | None = None) -> dict[str, SkuOffer]:
        """The SKUs as sold at `at` (with no promotion when `at` is None); unknown ones left out."""
        terms = await self._cache.skus.get_many(skus, self._queries.offer_terms)
        return {code: dataclasses.replace(offer, at=at) for code, offer in terms.items()}
