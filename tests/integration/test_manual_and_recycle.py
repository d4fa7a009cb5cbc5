"""Manual orders by the merchant itself; deleted products are not orderable until restored."""

from __future__ import annotations

import asyncio

from tests.support.api import Api, address, bearer
from tests.support.flows import scene, wait_status
from tests.support.system import System


async def test_manual_order_completes_the_saga_once_per_client_order_id(system: System, api: Api) -> None:
    s = await scene(api, stock=5, funds=10_000, price=1000)
    body = {
        "client_order_id": "MY-1",
        "lines": [{"sku": s.sku, "qty": 2, "unit_price": 1500}],
        "shipping_address": address(),
    }
    first, second = await asyncio.gather(
        *(api.http.post("/v1/merchant/orders", json=body, headers=bearer(s.merchant.key)) for _ in range(2))
    )
    assert (first.status_code, second.status_code) == (202, 202)
    key = first.json()["order_key"]
    assert key == second.json()["order_key"] == f"manual:{s.merchant.id}:MY-1"

    order = await wait_status(system, key, "routed")
    assert (order["platform"], order["charged"]) == ("manual", 2000)
    sub_id = order["sub_orders"][0]["id"]
    ship = await api.http.post(
        f"/v1/supplier/orders/{sub_id}/shipments",
        headers=bearer(s.supplier.key),
        json={"carrier": "SF", "tracking_no": "M1"},
    )
    assert ship.status_code == 202
    await wait_status(system, key, "shipped")
    assert (
        await system.db["orders"].count_documents({"platform": "manual", "merchant_id": s.merchant.id}) == 1
    )
    assert (await api.wallet(s.merchant))["balance"] == 8000


async def test_operator_and_supplier_cannot_use_the_manual_channel(api: Api) -> None:
    body = {
        "client_order_id": "X",
        "lines": [{"sku": "A", "qty": 1, "unit_price": 1}],
        "shipping_address": address(),
    }
    response = await api.http.post("/v1/merchant/orders", json=body, headers=api.admin)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


async def test_deleted_product_is_unknown_until_restored(system: System, api: Api) -> None:
    s = await scene(api, stock=5, funds=10_000)
    product_id = (await api.sku(s.sku))["product_id"]
    deleted = await api.http.delete(f"/v1/products/{product_id}", headers=api.admin)
    assert deleted.json()["status"] == "deleted"

    gone = (await api.place(s.shop, "BIN-1", [(s.sku, 1)])).json()["order_key"]
    assert (await wait_status(system, gone, "rejected"))["reason"] == "unknown_sku"
    assert (await api.sku(s.sku))["reserved"] == 0

    restored = await api.http.post(f"/v1/products/{product_id}/restore", headers=api.admin)
    assert restored.json()["status"] == "listed"
    back = (await api.place(s.shop, "BIN-2", [(s.sku, 1)])).json()["order_key"]
    await wait_status(system, back, "routed")
    illegal = await api.http.post(f"/v1/products/{product_id}/restore", headers=api.admin)
    assert illegal.status_code == 409
