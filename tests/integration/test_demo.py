"""`juhe demo` against the real system: every pushed order lands somewhere explainable."""

from __future__ import annotations

from collections import Counter

from juhe.demo.run import ORDERS_PER_MERCHANT, demo
from juhe.demo.world import MERCHANTS
from tests.support.api import Api, Party


async def test_the_demo_routes_rejects_and_waits_exactly(api: Api) -> None:
    said: list[str] = []
    world = await demo(api.http, api.admin["Authorization"].removeprefix("Bearer "), said.append)

    statuses = Counter(o["status"] for o in world.orders)
    assert len(world.orders) == ORDERS_PER_MERCHANT * len(MERCHANTS)
    assert set(statuses) <= {"routed", "rejected", "awaiting_funds"}
    assert [o["reason"] for o in world.orders if o.get("reason") == "unknown_sku"] == ["unknown_sku"] * 3
    assert statuses["routed"] > 0
    for merchant, (_, _, _, funds) in zip(world.merchants, MERCHANTS, strict=True):
        routed = [o for o in world.orders if o["merchant_id"] == merchant.id and o["status"] == "routed"]
        assert (await api.wallet(Party(merchant.id, "")))["balance"] == funds - sum(
            o["charged"] for o in routed
        )
    held = Counter[str]()
    for order in world.orders:
        if order["status"] in ("routed", "awaiting_funds"):
            for line in order["lines"]:
                held[line["sku"]] += line["qty"]
    for code, start in world.skus.items():
        sku = await api.sku(code)
        assert (sku["on_hand"], sku["reserved"]) == (start, held[code])
    assert said[0].startswith(f"Seeded run {world.run}: 2 suppliers, 4 SKUs, 3 merchants")
