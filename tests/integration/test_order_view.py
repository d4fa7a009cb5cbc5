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


async def test_order_and_sub_order_lists_page_with_a_cursor(system: System, api: Api) -> None:
    """Orders newest first, a supplier's sub-orders oldest first; each cursor picks up after its page."""
    s = await scene(api, stock=10, funds=10_000)
    keys = []
    for n in range(3):
        keys.append((await api.place(s.shop, f"PAGE-{n}", [(s.sku, 1)])).json()["order_key"])
        await wait_status(system, keys[-1], "routed")
    merchant = bearer(s.merchant.key)

    first = (await api.http.get("/v1/orders", params={"limit": 2}, headers=merchant)).json()
    assert [o["order_key"] for o in first["items"]] == [keys[2], keys[1]]
    rest = await api.http.get(
        "/v1/orders", params={"limit": 2, "cursor": first["next_cursor"]}, headers=merchant
    )
    assert ([o["order_key"] for o in rest.json()["items"]], rest.json()["next_cursor"]) == ([keys[0]], None)
    shipped = await api.http.get("/v1/orders", params={"status": "shipped"}, headers=merchant)
    assert shipped.json() == {"items": [], "next_cursor": None}

    supplier = bearer(s.supplier.key)
    seen, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = (await api.http.get("/v1/supplier/orders", params=params, headers=supplier)).json()
        seen += [sub["order_key"] for sub in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert seen == keys
    bad = await api.http.get("/v1/orders", params={"cursor": "a"}, headers=merchant)
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_field")
