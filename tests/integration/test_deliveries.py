"""Outbound HTTP: shipment callbacks retry until 2xx; webhook suppliers get signed pushes."""

from __future__ import annotations

import json
from collections.abc import Callable

from juhe.signing import verify
from tests.support.api import Api, Party, bearer, unique
from tests.support.flows import published, scene, wait_status
from tests.support.receiver import CallbackReceiver, Received
from tests.support.system import System, eventually


async def test_failed_shipment_callback_is_retried_until_it_succeeds(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    s = await scene(api, stock=5, funds=10_000)
    path = f"/retry/{unique('shop')}"
    receiver.fail_first[path] = 1
    shop = await api.shop(s.merchant, callback_url=receiver.url(path))
    key = (await api.place(shop, "RETRY-1", [(s.sku, 1)])).json()["order_key"]
    order = await wait_status(system, key, "routed")
    sub_id = order["sub_orders"][0]["id"]
    shipped = await api.http.post(
        f"/v1/supplier/orders/{sub_id}/shipments",
        json={"carrier": "YTO", "tracking_no": "YT1"},
        headers=bearer(s.supplier.key),
    )
    assert shipped.status_code == 202

    synced = await eventually(lambda: _logged(system, key, "shipment_synced"), within=30, what="synced")
    calls = receiver.for_path(path)
    assert len(calls) == 2  # one refused with 500, one accepted after the first backoff step
    assert calls[0].body == calls[1].body
    assert json.loads(calls[1].body) == {
        "type": "shipment",
        "order_id": "RETRY-1",
        "carrier": "YTO",
        "tracking_no": "YT1",
        "lines": [{"sku": s.sku, "qty": 1}],
    }
    assert synced["data"]["attempts"] == 2


async def test_webhook_supplier_receives_signed_push_of_its_sub_order(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    path = f"/erp/{unique('sup')}"
    erp = await api.http.post(
        "/v1/suppliers",
        json={"name": unique("erp"), "delivery": {"mode": "webhook", "url": receiver.url(path)}},
        headers=api.admin,
    )
    created = erp.json()
    merchant = await api.merchant()
    shop = await api.shop(merchant)
    await api.top_up(merchant, 10_000)
    sku = await api.listed_sku(Party(created["id"], created["api_key"]), stock=4)
    await eventually(lambda: _on_hand(api, sku, 4), what="stock")
    key = (await api.place(shop, "ERP-1", [(sku, 2)])).json()["order_key"]
    order = await wait_status(system, key, "routed")

    [push] = await eventually(lambda: _calls(receiver, path), what="push")
    body = json.loads(push.body)
    assert (body["id"], body["order_key"], body["lines"]) == (
        order["sub_orders"][0]["id"],
        key,
        [{"sku": sku, "qty": 2}],
    )
    assert push.headers["x-juhe-shop"] == created["id"]
    assert verify(
        created["webhook_secret"],
        push.headers["x-juhe-timestamp"],
        push.body,
        push.headers["x-juhe-signature"],
        skew=300,
    )


async def test_same_top_up_reference_twice_credits_once(system: System, api: Api) -> None:
    merchant = await api.merchant()
    handled_before = published("wallet.credited")
    await api.top_up(merchant, 700, reference="bank-ref-1")
    await api.top_up(merchant, 700, reference="bank-ref-1")
    await eventually(lambda: _at_least(published, "wallet.credited", handled_before + 2), what="both handled")

    wallet = await api.wallet(merchant)
    assert wallet["balance"] == 700
    assert [(e["kind"], e["amount"], e["reference"]) for e in wallet["entries"]] == [
        ("top_up", 700, "bank-ref-1")
    ]


async def _at_least(counter: Callable[[str], float], name: str, n: float) -> bool:
    return counter(name) >= n


async def _logged(system: System, key: str, kind: str) -> dict[str, object] | None:
    order = await system.db["orders"].find_one({"_id": key})
    return next((e for e in order["events"] if e["type"] == kind), None) if order else None


async def _on_hand(api: Api, sku: str, n: int) -> bool:
    return (await api.sku(sku))["on_hand"] == n


async def _calls(receiver: CallbackReceiver, path: str) -> list[Received] | None:
    return receiver.for_path(path) or None
