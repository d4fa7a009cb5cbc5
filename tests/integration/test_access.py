"""Suppliers see only their own sub-orders; merchants only their own orders and wallet."""

from __future__ import annotations

from tests.support.api import Api, bearer
from tests.support.flows import scene, wait_status
from tests.support.system import System


async def test_supplier_cannot_touch_another_suppliers_sub_order(system: System, api: Api) -> None:
    s = await scene(api, stock=5, funds=10_000)
    other = await api.supplier()
    key = (await api.place(s.shop, "ACCESS-1", [(s.sku, 1)])).json()["order_key"]
    order = await wait_status(system, key, "routed")
    sub_id = order["sub_orders"][0]["id"]

    listing = await api.http.get("/v1/supplier/orders", headers=bearer(other.key))
    assert listing.status_code == 200
    assert listing.json() == {"items": [], "next_cursor": None}
    accept = await api.http.post(f"/v1/supplier/orders/{sub_id}/accept", headers=bearer(other.key))
    ship = await api.http.post(
        f"/v1/supplier/orders/{sub_id}/shipments",
        headers=bearer(other.key),
        json={"carrier": "SF", "tracking_no": "X1"},
    )
    assert (accept.status_code, ship.status_code) == (404, 404)
    assert accept.json()["error"]["code"] == "not_found"
    sub = await system.db["sub_orders"].find_one({"_id": sub_id})
    assert (sub["status"], sub.get("shipment")) == ("routed", None)
    own = await api.http.get("/v1/supplier/orders", headers=bearer(s.supplier.key))
    assert [item["id"] for item in own.json()["items"]] == [sub_id]


async def test_merchant_sees_only_its_own_orders_and_wallet(system: System, api: Api) -> None:
    s = await scene(api, stock=5, funds=10_000)
    other = await api.merchant()
    key = (await api.place(s.shop, "ACCESS-2", [(s.sku, 1)])).json()["order_key"]
    await wait_status(system, key, "routed")

    mine = await api.http.get(f"/v1/orders/{key}", headers=bearer(s.merchant.key))
    assert mine.status_code == 200
    assert mine.json()["order_key"] == key
    theirs = await api.http.get(f"/v1/orders/{key}", headers=bearer(other.key))
    assert theirs.status_code == 404
    listing = await api.http.get("/v1/orders", headers=bearer(other.key))
    assert listing.json()["items"] == []
    own_listing = await api.http.get("/v1/orders", headers=bearer(s.merchant.key))
    assert [o["order_key"] for o in own_listing.json()["items"]] == [key]
    assert (
        await api.http.get(f"/v1/merchants/{s.merchant.id}/wallet", headers=bearer(other.key))
    ).status_code == 404
    own_wallet = await api.http.get(f"/v1/merchants/{s.merchant.id}/wallet", headers=bearer(s.merchant.key))
    assert own_wallet.json()["balance"] == 10_000 - 1200
