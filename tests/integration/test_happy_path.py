"""The order pipeline end to end on real RabbitMQ and store."""

from __future__ import annotations

import json

from juhe.signing import verify
from tests.support.api import Api
from tests.support.receiver import CallbackReceiver
from tests.support.system import System, eventually


async def test_two_suppliers_three_lines_ship_and_sync(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    """Two sub-orders, exact debit at tier cost, stock reserved then committed, signed callback."""
    a, b = await api.supplier(), await api.supplier()
    merchant = await api.merchant(tier="gold")
    shop = await api.shop(merchant, callback_url=receiver.url(f"/cb/{merchant.id}"))
    await api.top_up(merchant, 100_000)
    sku_a1 = await api.listed_sku(a, stock=10, prices={"standard": 1200, "silver": 1100, "gold": 1000})
    sku_a2 = await api.listed_sku(a, stock=5, prices={"standard": 600, "silver": 550, "gold": 500})
    sku_b1 = await api.listed_sku(b, stock=3, prices={"standard": 3000, "silver": 2900, "gold": 2500})
    await eventually(lambda: _stock_is(api, sku_b1, 3), what="initial stock")

    response = await api.place(shop, "P-1001", [(sku_a1, 2), (sku_a2, 1), (sku_b1, 3)])
    assert response.status_code == 202
    key = response.json()["order_key"]
    assert key == f"generic:{shop.shop_id}:P-1001"

    order = await eventually(lambda: _order_in(api, key, "routed"), what="routed")
    assert order["total_cost"] == 2 * 1000 + 500 + 3 * 2500
    assert order["charged"] == order["total_cost"] == 10_000
    assert [ln["unit_cost"] for ln in order["lines"]] == [1000, 500, 2500]
    assert sorted(s["supplier_id"] for s in order["sub_orders"]) == sorted([a.id, b.id])
    wallet = await api.wallet(merchant)
    assert wallet["balance"] == 90_000
    assert [(e["kind"], e["amount"]) for e in wallet["entries"]] == [
        ("order_debit", -10_000),
        ("top_up", 100_000),
    ]
    assert (await api.sku(sku_a1))["reserved"] == 2
    assert (await api.sku(sku_b1))["available"] == 0

    for supplier in (a, b):
        listing = (
            await api.http.get(
                "/v1/supplier/orders?status=routed", headers={"Authorization": f"Bearer {supplier.key}"}
            )
        ).json()
        mine = [s for s in listing["items"] if s["order_key"] == key]
        assert len(mine) == 1
        ship = await api.http.post(
            f"/v1/supplier/orders/{mine[0]['id']}/shipments",
            json={"carrier": "SF", "tracking_no": f"SF-{supplier.id}"},
            headers={"Authorization": f"Bearer {supplier.key}"},
        )
        assert ship.status_code == 202

    order = await eventually(lambda: _order_in(api, key, "shipped"), what="shipped")
    assert {s["status"] for s in order["sub_orders"]} == {"shipped"}
    a1 = await eventually(lambda: _sku_if(api, sku_a1, reserved=0))
    assert (a1["on_hand"], a1["available"]) == (8, 8)
    b1 = await eventually(lambda: _sku_if(api, sku_b1, reserved=0))
    assert (b1["on_hand"], b1["available"]) == (0, 0)

    calls = await eventually(lambda: _calls(receiver, f"/cb/{merchant.id}", 2), what="callbacks")
    bodies = sorted((json.loads(c.body) for c in calls), key=lambda b: b["tracking_no"])
    assert {b["order_id"] for b in bodies} == {"P-1001"}
    assert sorted(b["tracking_no"] for b in bodies) == sorted([f"SF-{a.id}", f"SF-{b.id}"])
    for call in calls:
        assert call.headers["x-juhe-shop"] == shop.shop_id
        assert verify(
            shop.secret,
            call.headers["x-juhe-timestamp"],
            call.body,
            call.headers["x-juhe-signature"],
            skew=300,
        )
    types = [e["type"] for e in (await api.order(key))["events"]]
    assert types[:4] == ["received", "reserved", "paid", "routed"]
    assert types.count("sub_order_shipped") == 2
    assert "shipped" in types


async def _order_in(api: Api, key: str, status: str) -> dict | None:  # type: ignore[type-arg]
    response = await api.http.get(f"/v1/orders/{key}", headers=api.admin)
    if response.status_code == 200 and response.json()["status"] == status:
        return response.json()  # type: ignore[no-any-return]
    return None


async def _stock_is(api: Api, sku: str, on_hand: int) -> bool:
    return (await api.sku(sku))["on_hand"] == on_hand


async def _sku_if(api: Api, sku: str, **expected: int) -> dict | None:  # type: ignore[type-arg]
    doc = await api.sku(sku)
    return doc if all(doc[k] == v for k, v in expected.items()) else None


async def _calls(receiver: CallbackReceiver, path: str, n: int) -> list | None:  # type: ignore[type-arg]
    calls = receiver.for_path(path)
    return calls if len(calls) >= n else None
