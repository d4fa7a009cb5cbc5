"""Untimed setup through the public API: suppliers, listed SKUs with stock, merchants, shops, funds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tests.support.api import Api, Party, Shop

T = TypeVar("T")

STOCK_PER_SKU = 1_000_000
TOP_UP_FEN = 10**10
_SETUP_CONCURRENCY = 8
_VISIBLE_TIMEOUT = 120.0
_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class World:
    shops: list[Shop]
    skus: list[str]
    tiers: dict[str, str]  # merchant id -> tier


async def _bounded(factories: list[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run the calls with a little concurrency, keeping their order."""
    gate = asyncio.Semaphore(_SETUP_CONCURRENCY)

    async def one(factory: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await factory()

    return list(await asyncio.gather(*(one(f) for f in factories)))


async def build_world(api: Api, *, suppliers: int, skus: int, merchants: int, tiers: list[str]) -> World:
    """Onboard everyone, then wait until stock and wallet balances are visible."""
    parties = await _bounded([api.supplier for _ in range(suppliers)])
    codes = await _bounded([_sku_factory(api, parties[i % suppliers]) for i in range(skus)])
    tier_of = [tiers[i % len(tiers)] for i in range(merchants)]
    owners = await _bounded([_merchant_factory(api, tier) for tier in tier_of])
    shops = await _bounded([_shop_factory(api, m) for m in owners])
    await _bounded([_top_up_factory(api, m) for m in owners])
    await _bounded([_visible_factory(api, code) for code in codes])
    await _bounded([_funded_factory(api, m) for m in owners])
    return World(shops, codes, {m.id: tier for m, tier in zip(owners, tier_of, strict=True)})


async def until(probe: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll until the probe holds; setup effects arrive asynchronously."""
    deadline = time.monotonic() + _VISIBLE_TIMEOUT
    while not await probe():
        if time.monotonic() > deadline:
            raise TimeoutError(f"setup: timed out waiting for {what}")
        await asyncio.sleep(_POLL_SECONDS)


def _sku_factory(api: Api, supplier: Party) -> Callable[[], Awaitable[str]]:
    return lambda: api.listed_sku(supplier, stock=STOCK_PER_SKU)


def _merchant_factory(api: Api, tier: str) -> Callable[[], Awaitable[Party]]:
    return lambda: api.merchant(tier=tier)


def _shop_factory(api: Api, merchant: Party) -> Callable[[], Awaitable[Shop]]:
    return lambda: api.shop(merchant)


def _top_up_factory(api: Api, merchant: Party) -> Callable[[], Awaitable[None]]:
    return lambda: api.top_up(merchant, TOP_UP_FEN)


def _visible_factory(api: Api, sku: str) -> Callable[[], Awaitable[None]]:
    async def stocked() -> bool:
        response = await api.http.get(f"/v1/skus/{sku}", headers=api.admin)
        return response.status_code == 200 and bool(response.json()["on_hand"] == STOCK_PER_SKU)

    return lambda: until(stocked, f"stock of {sku}")


def _funded_factory(api: Api, merchant: Party) -> Callable[[], Awaitable[None]]:
    async def funded() -> bool:
        response = await api.http.get(f"/v1/merchants/{merchant.id}/wallet", headers=api.admin)
        return response.status_code == 200 and bool(response.json()["balance"] >= TOP_UP_FEN)

    return lambda: until(funded, f"funds of {merchant.id}")
