"""Routing (分流): supplier accounts, rules by merchant, tier or default, pushes to ERP accounts."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import aio_pika
from prometheus_client import REGISTRY

from juhe.signing import verify
from schemas.commands import PushSubOrder
from schemas.envelope import utcnow
from tests.support.api import Api, Party, bearer, unique
from tests.support.flows import scene, wait_status
from tests.support.receiver import CallbackReceiver, Received
from tests.support.system import System, eventually
from workers.order.subscribers import WORKER as ORDER_WORKER

PULL = {"mode": "pull"}


async def account(api: Api, supplier: Party, channel: str, delivery: dict[str, Any]) -> dict[str, str]:
    body = {"name": unique(channel), "channel": channel, "delivery": delivery}
    response = await api.http.post("/v1/supplier/accounts", json=body, headers=bearer(supplier.key))
    return await api.ok(response, 201)  # type: ignore[no-any-return]


async def set_rules(api: Api, supplier: Party, rules: list[dict[str, Any]]) -> Any:
    return await api.http.put("/v1/supplier/routing", json={"rules": rules}, headers=bearer(supplier.key))


async def supplier_orders(api: Api, key: str) -> list[dict[str, Any]]:
    data = await api.ok(await api.http.get("/v1/supplier/orders", headers=bearer(key)), 200)
    return data["items"]  # type: ignore[no-any-return]


async def routed_order(system: System, api: Api, merchant: Party, sku: str) -> dict[str, Any]:
    shop = await api.shop(merchant)
    await api.top_up(merchant, 10_000)
    key = (await api.place(shop, unique("P"), [(sku, 1)])).json()["order_key"]
    await wait_status(system, key, "routed")
    return await api.order(key)


async def test_two_merchants_reach_two_accounts_and_each_account_key_sees_only_its_own(
    system: System, api: Api
) -> None:
    """Both merchants are gold: the merchant rule beats the tier rule for the first."""
    s = await scene(api, stock=10, funds=0)
    erp, jd = await account(api, s.supplier, "erp", PULL), await account(api, s.supplier, "jd", PULL)
    first, second = await api.merchant("gold"), await api.merchant("gold")
    rules = [
        {"merchant_id": first.id, "account_id": erp["id"]},
        {"tier": "gold", "account_id": jd["id"]},
        {"default": True, "account_id": erp["id"]},
    ]
    assert (await set_rules(api, s.supplier, rules)).status_code == 200
    got = await api.http.get("/v1/supplier/routing", headers=bearer(s.supplier.key))
    assert got.json() == {"rules": rules}

    a = await routed_order(system, api, first, s.sku)
    b = await routed_order(system, api, second, s.sku)
    [sub_a], [sub_b] = a["sub_orders"], b["sub_orders"]
    assert (sub_a["supplier_id"], sub_a["account_id"]) == (s.supplier.id, erp["id"])
    assert (sub_b["supplier_id"], sub_b["account_id"]) == (s.supplier.id, jd["id"])

    assert [(o["id"], o["account_id"]) for o in await supplier_orders(api, erp["api_key"])] == [
        (sub_a["id"], erp["id"])
    ]
    assert [o["id"] for o in await supplier_orders(api, jd["api_key"])] == [sub_b["id"]]
    assert {o["id"] for o in await supplier_orders(api, s.supplier.key)} == {sub_a["id"], sub_b["id"]}

    foreign = await api.http.post(f"/v1/supplier/orders/{sub_b['id']}/accept", headers=bearer(erp["api_key"]))
    assert foreign.status_code == 404
    ack = await api.http.post(f"/v1/supplier/orders/{sub_a['id']}/accept", headers=bearer(erp["api_key"]))
    assert ack.status_code == 202
    await eventually(lambda: _sub_status(system, sub_a["id"], "accepted"), what="ack applied")
    assert (await system.db["sub_orders"].find_one({"_id": sub_b["id"]}))["status"] == "routed"


async def test_a_rule_naming_another_suppliers_account_is_refused_and_nothing_changes(api: Api) -> None:
    mine, other = await api.supplier(), await api.supplier()
    own, foreign = await account(api, mine, "erp", PULL), await account(api, other, "erp", PULL)
    good = [{"default": True, "account_id": own["id"]}]
    assert (await set_rules(api, mine, good)).status_code == 200

    bad = await set_rules(
        api, mine, [{"tier": "gold", "account_id": own["id"]}, {"default": True, "account_id": foreign["id"]}]
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["message"].startswith("rules.1.account_id: no account")
    two = await set_rules(api, mine, [{"tier": "gold", "default": True, "account_id": own["id"]}])
    assert two.status_code == 422
    assert (await api.http.get("/v1/supplier/routing", headers=bearer(mine.key))).json() == {"rules": good}


async def test_an_account_key_cannot_manage_accounts_or_routing(api: Api) -> None:
    supplier = await api.supplier()
    own = await account(api, supplier, "meituan", PULL)
    as_account = bearer(own["api_key"])
    body = {"name": "x", "channel": "erp", "delivery": PULL}
    assert (await api.http.post("/v1/supplier/accounts", json=body, headers=as_account)).status_code == 403
    assert (await api.http.get("/v1/supplier/routing", headers=as_account)).status_code == 403
    listed = await api.http.get(f"/v1/suppliers/{supplier.id}/accounts", headers=api.admin)
    assert [(a["id"], a["channel"], a["delivery"]) for a in listed.json()["items"]] == [
        (own["id"], "meituan", PULL)
    ]
    assert "webhook_secret" not in listed.json()["items"][0]


async def test_a_webhook_account_receives_its_signed_push(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    s = await scene(api, stock=5, funds=0)
    path = f"/erp/{unique('acc')}"
    erp = await account(api, s.supplier, "erp", {"mode": "webhook", "url": receiver.url(path)})
    assert (await set_rules(api, s.supplier, [{"default": True, "account_id": erp["id"]}])).status_code == 200

    order = await routed_order(system, api, await api.merchant(), s.sku)
    [push] = await eventually(lambda: _calls(receiver, path, 1), what="push")
    body = json.loads(push.body)
    assert (body["id"], body["supplier_id"], body["account_id"], body["lines"]) == (
        order["sub_orders"][0]["id"],
        s.supplier.id,
        erp["id"],
        [{"sku": s.sku, "qty": 1}],
    )
    assert push.headers["x-juhe-shop"] == erp["id"]
    headers = push.headers
    assert verify(
        erp["webhook_secret"], headers["x-juhe-timestamp"], push.body, headers["x-juhe-signature"], skew=300
    )
    [seen] = await eventually(lambda: _pushed(api, erp["api_key"], "delivered"), what="push delivered")
    assert seen["push"]["attempts"] == 1


async def test_a_failing_erp_endpoint_is_retried_then_dead_lettered_visibly(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    s = await scene(api, stock=5, funds=0)
    path = f"/erp-down/{unique('acc')}"
    receiver.fail_first[path] = 1_000
    erp = await account(api, s.supplier, "erp", {"mode": "webhook", "url": receiver.url(path)})
    await set_rules(api, s.supplier, [{"default": True, "account_id": erp["id"]}])
    order = await routed_order(system, api, await api.merchant(), s.sku)
    key, sub_id = order["order_key"], order["sub_orders"][0]["id"]

    first, second = await eventually(lambda: _calls(receiver, path, 2), within=30, what="a retry")
    assert first.body == second.body
    await eventually(lambda: _pushed(api, erp["api_key"], "retrying"), what="retry visible")

    # The push as it stands after retrying for the whole give-up time: this attempt is its last.
    dead_before = _dead_lettered()
    give_up = timedelta(seconds=system.settings.callback_give_up_seconds, minutes=1)
    last = PushSubOrder(
        correlation_id=key, order_key=key, sub_order_id=sub_id, attempt=9, first_attempt_at=utcnow() - give_up
    )
    await system.edge_runtime.bus.publish(last)

    failed = await eventually(lambda: _logged(system, key, "sub_order_pushed_failed"), what="dead letter")
    assert (failed["data"]["attempts"], failed["data"]["error"]) == (9, "HTTP 500")
    [seen] = await eventually(lambda: _pushed(api, erp["api_key"], "failed"), what="failure visible")
    assert (seen["push"]["attempts"], seen["status"]) == (9, "routed")
    assert _dead_lettered() == dead_before + 1
    assert await _dlq_depth(system, PushSubOrder) >= 1
    assert not any(e["type"] == "sub_order_pushed" for e in (await api.order(key))["events"])


async def _sub_status(system: System, sub_id: str, status: str) -> bool:
    doc = await system.db["sub_orders"].find_one({"_id": sub_id})
    return doc is not None and doc["status"] == status


async def _calls(receiver: CallbackReceiver, path: str, n: int) -> list[Received] | None:
    calls = receiver.for_path(path)
    return calls[:n] if len(calls) >= n else None


async def _pushed(api: Api, key: str, status: str) -> list[dict[str, Any]] | None:
    items = await supplier_orders(api, key)
    return items if items and all((o.get("push") or {}).get("status") == status for o in items) else None


async def _logged(system: System, key: str, kind: str) -> dict[str, Any] | None:
    order = await system.db["orders"].find_one({"_id": key})
    return next((e for e in order["events"] if e["type"] == kind), None) if order else None


def _dead_lettered() -> float:
    value = REGISTRY.get_sample_value("juhe_deliveries_dead_lettered_total", {"message": PushSubOrder.NAME})
    return value or 0.0


async def _dlq_depth(system: System, message: type[PushSubOrder]) -> int:
    name = system.workers.runtime.topology.queue_for(ORDER_WORKER, message).name + ".dlq"
    connection = await aio_pika.connect(system.settings.amqp_url)
    async with connection:
        queue = await (await connection.channel()).declare_queue(name, passive=True)
        return int(queue.declaration_result.message_count or 0)
