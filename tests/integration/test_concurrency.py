"""Duplicate storms and oversell pressure: effects happen exactly once, stock never goes negative."""

from __future__ import annotations

import asyncio

from tests.support.api import Api, order_body, signed
from tests.support.flows import scene, wait_status
from tests.support.system import System, eventually


async def test_duplicate_webhook_storm_is_one_order(system: System, api: Api) -> None:
    """The same webhook 20x at once: one order, one debit, one reservation."""
    s = await scene(api, stock=10, funds=50_000)
    body = order_body("STORM-1", [(s.sku, 2)])
    responses = await asyncio.gather(
        *(
            api.http.post("/v1/webhooks/generic/orders", content=body, headers=signed(s.shop, body))
            for _ in range(20)
        )
    )
    keys = {r.json()["order_key"] for r in responses}
    assert [r.status_code for r in responses] == [202] * 20
    assert keys == {f"generic:{s.shop.shop_id}:STORM-1"}
    key = keys.pop()
    await wait_status(system, key, "routed")
    await asyncio.sleep(1.0)  # let every duplicate drain through the saga

    assert (
        await system.db["orders"].count_documents({"platform_order_id": "STORM-1", "shop_id": s.shop.shop_id})
        == 1
    )
    debits = await system.db["ledger"].find({"merchant_id": s.merchant.id, "kind": "order_debit"}).to_list()
    assert [d["amount"] for d in debits] == [-2400]
    assert (await api.wallet(s.merchant))["balance"] == 50_000 - 2400
    stock = await api.sku(s.sku)
    assert (stock["reserved"], stock["available"]) == (2, 8)
    assert await system.db["sub_orders"].count_documents({"order_key": key}) == 1


async def test_two_hundred_buyers_for_fifty_units(system: System, api: Api) -> None:
    """200 concurrent single-unit orders on 50 in stock: exactly 50 routed, 150 out of stock."""
    s = await scene(api, stock=50, funds=1_000_000, price=1000)
    bodies = [order_body(f"RUSH-{i}", [(s.sku, 1)]) for i in range(200)]
    sem = asyncio.Semaphore(50)

    async def push(body: bytes) -> int:
        async with sem:
            r = await api.http.post("/v1/webhooks/generic/orders", content=body, headers=signed(s.shop, body))
            return r.status_code

    assert set(await asyncio.gather(*(push(b) for b in bodies))) == {202}
    orders = system.db["orders"]
    query = {"shop_id": s.shop.shop_id, "status": {"$in": ["routed", "rejected"]}}
    await eventually(lambda: _count_is(orders, query, 200), within=120, what="200 orders settled")

    assert await orders.count_documents({"shop_id": s.shop.shop_id, "status": "routed"}) == 50
    rejected = await orders.find({"shop_id": s.shop.shop_id, "status": "rejected"}).to_list()
    assert len(rejected) == 150
    assert {o["reason"] for o in rejected} == {"out_of_stock"}
    stock = await api.sku(s.sku)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (50, 50, 0)
    assert (await api.wallet(s.merchant))["balance"] == 1_000_000 - 50 * 1000
    assert (
        await system.db["ledger"].count_documents({"merchant_id": s.merchant.id, "kind": "order_debit"}) == 50
    )


async def _count_is(collection: object, query: dict[str, object], n: int) -> bool:
    return await collection.count_documents(query) == n  # type: ignore[attr-defined, no-any-return]
