"""The order view shows each sub-order's state as the sub-order itself has it."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api, bearer
from tests.support.flows import scene, wait_status
from tests.support.system import System, eventually


async def test_an_accepted_sub_order_shows_accepted_on_its_order(system: System, api: Api) -> None:
    """Regression: the order used to keep its own copy of the status, stuck at `routed`."""
    s = await scene(api, stock=5, funds=10_000)
    key = (await api.place(s.shop, "VIEW-1", [(s.sku, 1)])).json()["order_key"]
    sub_id = (await wait_status(system, key, "routed"))["sub_orders"][0]["id"]

    accepted = await api.http.post(f"/v1/supplier/orders/{sub_id}/accept", headers=bearer(s.supplier.key))
    assert accepted.status_code == 202
    order = await eventually(lambda: _sub_order_in(api, key, "accepted"), what="accepted on the order")
    assert order["status"] == "routed"
    assert order["sub_orders"] == [
        {"id": sub_id, "supplier_id": s.supplier.id, "account_id": None, "status": "accepted"}
    ]

    shipment = {"carrier": "SF", "tracking_no": "VIEW-SF1"}
    shipped = await api.http.post(
        f"/v1/supplier/orders/{sub_id}/shipments", json=shipment, headers=bearer(s.supplier.key)
    )
    assert shipped.status_code == 202
    order = await eventually(lambda: _sub_order_in(api, key, "shipped"), what="shipped on the order")
    [sub] = order["sub_orders"]
    assert (sub["shipment"]["carrier"], sub["shipment"]["tracking_no"]) == ("SF", "VIEW-SF1")
    listed = await api.http.get("/v1/orders", headers=bearer(s.merchant.key))
    assert [o["sub_orders"] for o in listed.json()["items"]] == [order["sub_orders"]]
    await wait_status(system, key, "shipped")


async def _sub_order_in(api: Api, key: str, status: str) -> dict[str, Any] | None:
    order = await api.order(key)
    return order if [s["status"] for s in order["sub_orders"]] == [status] else None
