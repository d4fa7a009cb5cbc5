"""Push the demo's orders through the running system and tell what became of them."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx

from juhe.demo import pushes
from juhe.demo.pushes import Line, Push
from juhe.demo.world import Client, Merchant, World, build

ORDERS_PER_MERCHANT = 12
SETTLE_SECONDS = 60.0
#: Statuses an order can rest in while nobody acts: routed, rejected, or waiting for money.
SETTLED = {"routed", "rejected", "awaiting_funds", "shipped"}


def push_for(merchant: Merchant, order_id: str, lines: list[Line]) -> Push:
    if merchant.platform == "douyin":
        return pushes.douyin(merchant.app_key, merchant.secret, merchant.shop_id, order_id, lines)
    if merchant.platform == "taobao":
        return pushes.taobao(merchant.app_key, merchant.secret, merchant.shop_id, order_id, lines)
    return pushes.generic(merchant.shop_id, merchant.secret, order_id, lines)


def order_lines(world: World, rng: random.Random, n: int) -> list[Line]:
    """Mostly real SKUs, a large order now and then, and one unknown SKU to show a rejection."""
    if n == 5:
        return [Line(f"DEMO-{world.run}-NOPE", 1, 1990)]
    codes = rng.sample(sorted(world.skus), k=rng.choice((1, 1, 2)))
    return [Line(code, rng.choice((1, 2, 3, 8)), rng.choice((1990, 2990, 3990))) for code in codes]


async def push_orders(api: Client, world: World) -> list[str]:
    rng = random.Random(world.run)
    keys: list[str] = []
    for n in range(ORDERS_PER_MERCHANT):
        for merchant in world.merchants:
            order_id = f"{world.run}{n:03d}{merchant.platform[:2]}"
            push = push_for(merchant, order_id, order_lines(world, rng, n))
            answer = await api.http.post(push.url, content=push.body, headers=push.headers)
            if answer.status_code >= 300:
                raise RuntimeError(f"{merchant.platform} push answered {answer.status_code}: {answer.text}")
            keys.append(f"{merchant.platform}:{merchant.shop_id}:{order_id}")
    return keys


async def settle(api: Client, keys: list[str]) -> list[dict[str, Any]]:
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        orders = [await api.call("GET", f"/v1/orders/{key}") for key in keys]
        if all(o["status"] in SETTLED for o in orders) or time.monotonic() > deadline:
            return orders
        await asyncio.sleep(0.5)


async def report(
    api: Client, world: World, orders: list[dict[str, object]], say: Callable[[str], None]
) -> None:
    say(f"\n{len(orders)} orders pushed (signed as generic, taobao and douyin push them):")
    say("  platform tier     balance     merchant: orders by status")
    for merchant in world.merchants:
        mine = [o for o in orders if o["merchant_id"] == merchant.id]
        outcomes = Counter(str(o["status"]) + (f" ({o['reason']})" if o.get("reason") else "") for o in mine)
        wallet = await api.call("GET", f"/v1/merchants/{merchant.id}/wallet")
        fen = wallet["balance"]
        say(
            f"  {merchant.name:<14} {merchant.platform:<8} {merchant.tier:<8} balance ¥{fen / 100:>9.2f}  "
            + ", ".join(f"{n} {status}" for status, n in sorted(outcomes.items()))
        )
    say("\nStock after the run (on hand / reserved / available):")
    for code, start in world.skus.items():
        sku = await api.call("GET", f"/v1/skus/{code}")
        say(f"  {code}  started {start:>3}  now {sku['on_hand']} / {sku['reserved']} / {sku['available']}")
    say("\nSuppliers pull their sub-orders with GET /v1/supplier/orders; orders are at GET /v1/orders/{key}.")


async def demo(http: httpx.AsyncClient, admin_token: str, say: Callable[[str], None]) -> World:
    api = Client(http, admin_token)
    world = await build(api)
    say(
        f"Seeded run {world.run}: {len(world.suppliers)} suppliers, {len(world.skus)} SKUs, "
        f"{len(world.merchants)} merchants on generic, taobao and douyin, one promotion."
    )
    world.orders = await settle(api, await push_orders(api, world))
    await report(api, world, world.orders, say)
    return world
