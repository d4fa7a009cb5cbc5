"""The reads every order repeats, through the process's reference cache: merchants' tiers,
suppliers' routing rules and delivery modes (the order worker), and shops and platform apps
(the edge's webhook intake). One entry per merchant, supplier, account or shop
(docs/reference-cache.md).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from juhe.reference_cache import Clock, ReadThrough
from schemas.supplier_accounts import RoutingRule
from workers.accounts.model import PlatformApp, Shop
from workers.accounts.queries.views import ShopWithApp

ShopKey = tuple[str, str]  # (platform, shop id)


class AccountsSource(Protocol):
    """`AccountsQueries`, as the cache reads it."""

    async def merchant_tier(self, merchant_id: str) -> str | None: ...
    async def routing_rules(self, supplier_ids: list[str]) -> dict[str, list[RoutingRule]]: ...
    async def webhook_suppliers(self, supplier_ids: list[str]) -> set[str]: ...
    async def webhook_accounts(self, account_ids: list[str]) -> set[str]: ...
    async def shop(self, platform: str, shop_id: str) -> ShopWithApp | None: ...
    async def shops(self, platform: str, shop_ids: list[str]) -> dict[str, Shop]: ...
    async def platform_app(self, platform: str) -> PlatformApp | None: ...


class AccountsCache:
    """One per process: what it read of accounts, kept `seconds` after reading."""

    def __init__(self, seconds: float, clock: Clock = time.monotonic) -> None:
        self.seconds = seconds
        self.tiers: ReadThrough[str, str] = ReadThrough(seconds, clock)
        self.routing: ReadThrough[str, list[RoutingRule]] = ReadThrough(seconds, clock)
        self.supplier_pushes: ReadThrough[str, bool] = ReadThrough(seconds, clock)
        self.account_pushes: ReadThrough[str, bool] = ReadThrough(seconds, clock)
        self.signing_shops: ReadThrough[ShopKey, ShopWithApp] = ReadThrough(seconds, clock)
        self.named_shops: ReadThrough[ShopKey, Shop] = ReadThrough(seconds, clock)
        self.apps: ReadThrough[str, PlatformApp] = ReadThrough(seconds, clock)

    @property
    def enabled(self) -> bool:
        return self.seconds > 0


class CachedAccounts:
    """`AccountsQueries`' reads of the order saga and the webhook intake, reading only what the
    cache lacks; the same answers, at most `seconds` old."""

    def __init__(self, queries: AccountsSource, cache: AccountsCache) -> None:
        self._queries = queries
        self._cache = cache

    async def merchant_tier(self, merchant_id: str) -> str | None:
        return await self._cache.tiers.get(merchant_id, self._queries.merchant_tier)

    async def routing_rules(self, supplier_ids: list[str]) -> dict[str, list[RoutingRule]]:
        """Each supplier's rules; a supplier that never set any is absent."""
        return await self._cache.routing.get_many(supplier_ids, self._queries.routing_rules)

    async def webhook_suppliers(self, supplier_ids: list[str]) -> set[str]:
        pushes = await self._cache.supplier_pushes.get_many(
            supplier_ids, _by_key(self._queries.webhook_suppliers)
        )
        return {supplier_id for supplier_id, pushed in pushes.items() if pushed}

    async def webhook_accounts(self, account_ids: list[str]) -> set[str]:
        pushes = await self._cache.account_pushes.get_many(
            account_ids, _by_key(self._queries.webhook_accounts)
        )
        return {account_id for account_id, pushed in pushes.items() if pushed}

    async def shop(self, platform: str, shop_id: str) -> ShopWithApp | None:
        return await self._cache.signing_shops.get((platform, shop_id), lambda key: self._queries.shop(*key))

    async def shops(self, platform: str, shop_ids: list[str]) -> dict[str, Shop]:
        """Those of the platform's shops that exist, by shop id."""

        async def load(keys: list[ShopKey]) -> dict[ShopKey, Shop]:
            found = await self._queries.shops(platform, [shop_id for _, shop_id in keys])
            return {(platform, shop_id): shop for shop_id, shop in found.items()}

        found = await self._cache.named_shops.get_many([(platform, s) for s in shop_ids], load)
        return {shop_id: shop for (_, shop_id), shop in found.items()}

    async def platform_app(self, platform: str) -> PlatformApp | None:
        return await self._cache.apps.get(platform, self._queries.platform_app)


def _by_key(
    load: Callable[[list[str]], Awaitable[set[str]]],
) -> Callable[[list[str]], Awaitable[dict[str, bool]]]:
    """A read answering which of the ids are in a set, as an answer for each id."""

    async def answers(ids: list[str]) -> dict[str, bool]:
        pushed = await load(ids)
        return {i: i in pushed for i in ids}

    return answers
