"""Returns after shipment on real RabbitMQ and store: received with a damaged unit, restocked and
credited exactly, the damaged unit credited only once the operator approves; rejections and
refunds without return."""

from __future__ import annotations

from typing import Any

from tests.conftest import settled_audit
from tests.support.api import Api, Party, bearer
from tests.support.flows import Scene, scene, wait_status
from tests.support.system import System, eventually


async def shipped(system: System, api: Api, order_id: str, qty: int) -> tuple[Scene, str]:
    s = await scene(api, stock=10, funds=20_000)
    key = (await api.place(s.shop, order_id, [(s.sku, qty)])).json()["order_key"]
    order = await wait_status(system, key, "routed")
    answer = await api.http.post(
        f"/v1/supplier/orders/{order['sub_orders'][0]['id']}/shipments",
        json={"carrier": "SF", "tracking_no": f"SF-{order_id}"},
        headers=bearer(s.supplier.key),
    )
    assert answer.status_code == 202
    await wait_status(system, key, "shipped")
    await eventually(lambda: _on_hand(api, s.sku, 10 - qty), what="committed")
    return s, key


async def open_return(api: Api, s: Scene, key: str, refund_id: str, qty: int) -> dict[str, Any]:
    answer = await api.http.post(
        f"/v1/merchant/orders/{key}/refunds",
        json={"refund_id": refund_id, "reason": "尺码不合适", "lines": [{"sku": s.sku, "qty": qty}]},
        headers=bearer(s.merchant.key),
    )
    assert answer.status_code == 202
    return await eventually(lambda: _supplier_return(api, s.supplier, key, "requested"), what="return opened")


async def test_return_with_a_damaged_unit_restocks_and_credits_exactly_after_approval(
    system: System, api: Api
) -> None:
    s, key = await shipped(system, api, "RT-1", 3)
    ret = await open_return(api, s, key, "R-1", 3)
    assert [(ln["sku"], ln["qty"]) for ln in ret["lines"]] == [(s.sku, 3)]
    tracked = await api.http.post(
        f"/v1/returns/{ret['id']}/tracking",
        json={"carrier": "YTO", "tracking_no": "YT-back-1"},
        headers=bearer(s.merchant.key),
    )
    assert tracked.status_code == 202
    await eventually(lambda: _supplier_return(api, s.supplier, key, "in_transit"), what="in transit")

    too_many = await api.http.post(
        f"/v1/supplier/returns/{ret['id']}/receive",
        json={"lines": [{"sku": s.sku, "received": 4, "damaged": 0}]},
        headers=bearer(s.supplier.key),
    )
    assert too_many.status_code == 422
    received = await api.http.post(
        f"/v1/supplier/returns/{ret['id']}/receive",
        json={"lines": [{"sku": s.sku, "received": 3, "damaged": 1}]},
        headers=bearer(s.supplier.key),
    )
    assert received.status_code == 202
    got = await eventually(lambda: _credited(api, s.supplier, key, "received", 2400), what="received")
    assert [(ln["received"], ln["damaged"]) for ln in got["lines"]] == [(3, 1)]
    await eventually(lambda: _on_hand(api, s.sku, 7 + 2), what="restocked")
    await eventually(lambda: _balance(api, s.merchant, 20_000 - 3600 + 2400), what="undamaged credited")
    await wait_status(system, key, "partially_refunded")
    again = await api.http.post(
        f"/v1/supplier/returns/{ret['id']}/receive",
        json={"lines": [{"sku": s.sku, "received": 3, "damaged": 0}]},
        headers=bearer(s.supplier.key),
    )
    assert again.status_code == 409

    approved = await api.http.post(f"/v1/returns/{ret['id']}/approve-damaged", headers=api.admin)
    assert approved.status_code == 202
    await wait_status(system, key, "refunded")
    await eventually(lambda: _balance(api, s.merchant, 20_000), what="damaged credited")
    assert (await api.sku(s.sku))["on_hand"] == 9  # the damaged unit is not restocked
    [refund] = (
        await api.ok(await api.http.get(f"/v1/refunds?order_key={key}", headers=bearer(s.merchant.key)), 200)
    )["items"]
    assert (refund["state"], refund["credited"]) == ("refunded", 3600)
    assert [(c["kind"], c["id"].rsplit(":", 1)[1]) for c in refund["credits"]] == [
        ("return", "received"),
        ("return", "damaged"),
    ]
    assert [r["state"] for r in refund["returns"]] == ["refunded"]
    history = [h["type"] for h in refund["returns"][0]["history"]]
    assert history == ["requested", "in_transit", "received", "refunded"]
    assert await settled_audit(system.db, concerning=lambda p: key in p or s.sku in p) == []


async def test_a_partial_return_can_be_rejected_then_refunded_without_return(
    system: System, api: Api
) -> None:
    s, key = await shipped(system, api, "RT-2", 2)
    ret = await open_return(api, s, key, "R-2", 1)
    no_reason = await api.http.post(f"/v1/returns/{ret['id']}/reject", json={}, headers=api.admin)
    assert no_reason.status_code == 422
    rejected = await api.http.post(
        f"/v1/returns/{ret['id']}/reject", json={"reason": "已使用"}, headers=api.admin
    )
    assert rejected.status_code == 202
    await eventually(lambda: _supplier_return(api, s.supplier, key, "rejected"), what="rejected")
    assert (await api.order(key))["status"] == "shipped"

    second = await open_return(api, s, key, "R-3", 2)  # the rejected unit is refundable again
    only = await api.http.post(
        f"/v1/returns/{second['id']}/refund-only", json={"reason": "快递丢件"}, headers=api.admin
    )
    assert only.status_code == 202
    await wait_status(system, key, "refunded")
    await eventually(lambda: _balance(api, s.merchant, 20_000), what="refund only credited")
    assert (await api.sku(s.sku))["on_hand"] == 8  # nothing restocked
    late = await api.http.post(f"/v1/returns/{second['id']}/reject", json={"reason": "x"}, headers=api.admin)
    assert late.status_code == 409


async def _supplier_return(api: Api, supplier: Party, key: str, state: str) -> dict[str, Any] | None:
    page = await api.ok(
        await api.http.get(f"/v1/supplier/returns?state={state}", headers=bearer(supplier.key)), 200
    )
    return next((r for r in page["items"] if r["order_key"] == key), None)


async def _credited(api: Api, supplier: Party, key: str, state: str, amount: int) -> dict[str, Any] | None:
    ret = await _supplier_return(api, supplier, key, state)
    return ret if ret is not None and ret["credited"] == amount else None


async def _on_hand(api: Api, sku: str, n: int) -> bool:
    return (await api.sku(sku))["on_hand"] == n


async def _balance(api: Api, merchant: Party, amount: int) -> bool:
    return (await api.wallet(merchant))["balance"] == amount
