"""Refunds before shipment on real RabbitMQ and store: cancelled, released, credited exactly, the
ERP told, each refund applied once however often it comes and however many race."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from juhe.messaging.consumer import HANDLED
from juhe.signing import verify
from tests.conftest import settled_audit
from tests.support.api import Api, Party, Shop, bearer, signed, unique
from tests.support.flows import scene, wait_status
from tests.support.receiver import CallbackReceiver, Received
from tests.support.system import System, eventually


async def erp_scene(
    api: Api, receiver: CallbackReceiver, path: str
) -> tuple[dict[str, Any], Party, Shop, str]:
    """A webhook (ERP) supplier with one SKU of 5, a funded merchant with a shop."""
    created = await api.ok(
        await api.http.post(
            "/v1/suppliers",
            json={"name": unique("erp"), "delivery": {"mode": "webhook", "url": receiver.url(path)}},
            headers=api.admin,
        ),
        201,
    )
    merchant = await api.merchant()
    shop = await api.shop(merchant)
    await api.top_up(merchant, 10_000)
    sku = await api.listed_sku(Party(created["id"], created["api_key"]), stock=5)
    await eventually(lambda: _stock(api, sku, "on_hand", 5), what="stock")
    await eventually(lambda: _balance(api, merchant, 10_000), what="top-up")
    return created, merchant, shop, sku


async def platform_refund(
    api: Api, shop: Shop, refund_id: str, order_id: str, lines: Any = None
) -> httpx.Response:
    payload: dict[str, Any] = {"refund_id": refund_id, "order_id": order_id, "reason": "不想要了"}
    if lines is not None:
        payload["lines"] = lines
    body = json.dumps(payload, ensure_ascii=False).encode()
    return await api.http.post("/v1/webhooks/generic/refunds", content=body, headers=signed(shop, body))


async def test_refund_before_shipment_releases_credits_cancels_and_tells_the_erp(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    path = f"/erp/{unique('sup')}"
    erp, merchant, shop, sku = await erp_scene(api, receiver, path)
    key = (await api.place(shop, "RF-1", [(sku, 2)])).json()["order_key"]
    order = await wait_status(system, key, "routed")
    sub_id = order["sub_orders"][0]["id"]
    await eventually(lambda: _stock(api, sku, "reserved", 2), what="reserved")

    refunded = await platform_refund(api, shop, "R-1", "RF-1")
    assert refunded.status_code == 202
    refund_key = refunded.json()["refund_key"]
    order = await wait_status(system, key, "cancelled")
    assert order["reason"] == "cancelled_by_refund"
    await eventually(lambda: _balance(api, merchant, 10_000), what="credited back")
    wallet = await api.wallet(merchant)
    assert [(e["kind"], e["amount"], e["reference"]) for e in wallet["entries"][:1]] == [
        ("refund_credit", 2400, f"{refund_key}:cancel")
    ]
    level = await eventually(lambda: _stock(api, sku, "reserved", 0), what="released")
    assert (level["on_hand"], level["available"]) == (5, 5)

    shipped = await api.http.post(
        f"/v1/supplier/orders/{sub_id}/shipments",
        json={"carrier": "SF", "tracking_no": "SF1"},
        headers=bearer(erp["api_key"]),
    )
    assert shipped.status_code == 409
    listing = await api.ok(await api.http.get("/v1/supplier/orders", headers=bearer(erp["api_key"])), 200)
    [mine] = [s for s in listing["items"] if s["id"] == sub_id]
    assert mine["status"] == "cancelled"
    assert mine["cancellations"][0]["reason"] == "不想要了"

    push = await eventually(lambda: _cancellation(receiver, path), what="cancellation push")
    body = json.loads(push.body)
    assert (body["type"], body["id"], body["lines"]) == ("sub_order.cancelled", sub_id, [])
    assert body["cancelled_lines"] == [{"sku": sku, "qty": 2}]
    assert verify(
        erp["webhook_secret"],
        push.headers["x-juhe-timestamp"],
        push.body,
        push.headers["x-juhe-signature"],
        skew=300,
    )
    view = await api.ok(await api.http.get(f"/v1/refunds/{refund_key}", headers=bearer(merchant.key)), 200)
    assert (view["state"], view["credited"], view["source"]) == ("refunded", 2400, "platform")
    assert [(ln["sku"], ln["qty"], ln["mode"]) for ln in view["lines"]] == [(sku, 2, "cancel")]


async def test_the_same_refund_pushed_ten_times_is_applied_once(system: System, api: Api) -> None:
    s = await scene(api, stock=5, funds=10_000)
    key = (await api.place(s.shop, "RF-2", [(s.sku, 3)])).json()["order_key"]
    await wait_status(system, key, "routed")
    handled = HANDLED.labels("order.request_refund")._value.get()
    lines = [{"sku": s.sku, "qty": 1}]
    answers = await asyncio.gather(*(platform_refund(api, s.shop, "R-2", "RF-2", lines) for _ in range(10)))
    assert {a.status_code for a in answers} == {202}
    await wait_status(system, key, "partially_refunded")
    await eventually(lambda: _handled_since(handled, 10), what="every push handled")
    await eventually(lambda: _balance(api, s.merchant, 10_000 - 3 * 1200 + 1200), what="credited")
    wallet = await api.wallet(s.merchant)
    assert [e["kind"] for e in wallet["entries"]].count("refund_credit") == 1
    listed = await api.ok(await api.http.get(f"/v1/refunds?order_key={key}", headers=api.admin), 200)
    assert [(r["state"], r["credited"]) for r in listed["items"]] == [("refunded", 1200)]
    order = await api.order(key)
    assert order["sub_orders"][0]["status"] == "routed"
    assert (await api.sku(s.sku))["reserved"] == 2


async def test_twenty_concurrent_partial_refunds_never_credit_more_than_charged(
    system: System, api: Api
) -> None:
    s = await scene(api, stock=10, funds=20_000)
    key = (await api.place(s.shop, "RF-3", [(s.sku, 5)])).json()["order_key"]
    await wait_status(system, key, "routed")
    url = f"/v1/merchant/orders/{key}/refunds"
    answers = await asyncio.gather(
        *(
            api.http.post(
                url,
                json={"refund_id": f"R-{i}", "reason": "拍错了", "lines": [{"sku": s.sku, "qty": 1}]},
                headers=bearer(s.merchant.key),
            )
            for i in range(20)
        )
    )
    assert {a.status_code for a in answers} == {202}
    keys = [a.json()["refund_key"] for a in answers]
    refunds = await eventually(lambda: _all_decided(api, key, 20), within=60, what="20 refunds decided")
    states = [r["state"] for r in refunds]
    assert (states.count("refunded"), states.count("refused")) == (5, 15)
    assert {r["refund_key"] for r in refunds} == set(keys)
    refused = [r for r in refunds if r["state"] == "refused"]
    # Nothing was left to refund: said so by the ledger, or, for a refund decided after the fifth
    # cancelled the order, by the order's status.
    nothing_left = ("quantity_above_refundable", "order_not_refundable: the order is cancelled")
    assert all(r["refusal"].startswith(nothing_left) for r in refused), [r["refusal"] for r in refused]
    await wait_status(system, key, "cancelled")
    # A refusal is stored on the refund first, then logged on the order.
    order = await eventually(lambda: _refusals_logged(api, key, 15), what="15 refusals logged")
    logged = [e for e in order["events"] if e["type"] == "refund_refused"]
    assert sorted(e["data"]["refund_key"] for e in logged) == sorted(r["refund_key"] for r in refused)
    await eventually(lambda: _balance(api, s.merchant, 20_000), what="credited in full")
    wallet = await api.wallet(s.merchant)
    credits = [e["amount"] for e in wallet["entries"] if e["kind"] == "refund_credit"]
    assert (len(credits), sum(credits)) == (5, 5 * 1200)
    assert await settled_audit(system.db, concerning=lambda p: key in p or s.sku in p) == []


async def test_a_refund_of_another_merchants_order_is_404(system: System, api: Api) -> None:
    s = await scene(api, stock=5, funds=5_000)
    key = (await api.place(s.shop, "RF-4", [(s.sku, 1)])).json()["order_key"]
    await wait_status(system, key, "routed")
    other = await api.merchant()
    answer = await api.http.post(
        f"/v1/merchant/orders/{key}/refunds",
        json={"refund_id": "X", "reason": "?"},
        headers=bearer(other.key),
    )
    assert answer.status_code == 404
    operator = await api.http.post(
        f"/v1/orders/{key}/refunds", json={"refund_id": "OP-1", "reason": "客服"}, headers=api.admin
    )
    assert (operator.status_code, operator.json()) == (202, {"refund_key": "operator:OP-1"})
    await wait_status(system, key, "cancelled")
    assert (await api.http.get("/v1/refunds/operator:OP-1", headers=bearer(other.key))).status_code == 404


async def _stock(api: Api, sku: str, field: str, value: int) -> dict[str, Any] | None:
    level = await api.sku(sku)
    return level if level[field] == value else None


async def _balance(api: Api, merchant: Party, amount: int) -> bool:
    return (await api.wallet(merchant))["balance"] == amount


async def _cancellation(receiver: CallbackReceiver, path: str) -> Received | None:
    return next((r for r in receiver.for_path(path) if b"sub_order.cancelled" in r.body), None)


async def _handled_since(before: float, n: int) -> bool:
    return HANDLED.labels("order.request_refund")._value.get() >= before + n


async def _refusals_logged(api: Api, key: str, n: int) -> dict[str, Any] | None:
    order = await api.order(key)
    return order if sum(e["type"] == "refund_refused" for e in order["events"]) >= n else None


async def _all_decided(api: Api, key: str, n: int) -> list[dict[str, Any]] | None:
    page = await api.ok(await api.http.get(f"/v1/refunds?order_key={key}&limit=100", headers=api.admin), 200)
    items: list[dict[str, Any]] = page["items"]
    return items if len(items) == n and all(r["state"] != "requested" for r in items) else None


async def test_an_erp_account_gets_the_cancellation_of_an_accepted_sub_order_retried_until_taken(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    s = await scene(api, stock=5, funds=10_000)
    path = f"/erp/{unique('acc')}"
    body = {
        "name": unique("erp"),
        "channel": "erp",
        "delivery": {"mode": "webhook", "url": receiver.url(path)},
    }
    erp = await api.ok(
        await api.http.post("/v1/supplier/accounts", json=body, headers=bearer(s.supplier.key)), 201
    )
    rules = {"rules": [{"default": True, "account_id": erp["id"]}]}
    await api.ok(await api.http.put("/v1/supplier/routing", json=rules, headers=bearer(s.supplier.key)), 200)
    key = (await api.place(s.shop, "RF-5", [(s.sku, 2)])).json()["order_key"]
    order = await wait_status(system, key, "routed")
    sub_id = order["sub_orders"][0]["id"]
    await eventually(lambda: _calls(receiver, path, 1), what="sub-order pushed")
    accepted = await api.http.post(f"/v1/supplier/orders/{sub_id}/accept", headers=bearer(erp["api_key"]))
    assert accepted.status_code == 202
    await eventually(lambda: _logged(system, key, "sub_order_accepted"), what="accepted")

    receiver.fail_first[path] = 1  # the cancellation's first attempt is refused
    answer = await api.http.post(
        f"/v1/orders/{key}/refunds", json={"refund_id": unique("OP"), "reason": "缺货拦截"}, headers=api.admin
    )
    assert answer.status_code == 202
    await wait_status(system, key, "cancelled")
    pushed = await eventually(lambda: _logged(system, key, "cancellation_pushed"), within=30, what="pushed")
    assert pushed["data"]["attempts"] == 2
    first, second = receiver.for_path(path)[1:]
    assert first.body == second.body
    cancelled = json.loads(second.body)
    assert (cancelled["type"], cancelled["id"], cancelled["reason"]) == (
        "sub_order.cancelled",
        sub_id,
        "缺货拦截",
    )
    assert second.headers["x-juhe-shop"] == erp["id"]
    assert verify(
        erp["webhook_secret"],
        second.headers["x-juhe-timestamp"],
        second.body,
        second.headers["x-juhe-signature"],
        skew=300,
    )
    [mine] = (await api.ok(await api.http.get("/v1/supplier/orders", headers=bearer(erp["api_key"])), 200))[
        "items"
    ]
    assert (mine["status"], mine["cancellations"][0]["reason"]) == ("cancelled", "缺货拦截")


async def _calls(receiver: CallbackReceiver, path: str, n: int) -> bool:
    return len(receiver.for_path(path)) >= n


async def _logged(system: System, key: str, kind: str) -> dict[str, Any] | None:
    order = await system.db["orders"].find_one({"_id": key})
    return next((e for e in order["events"] if e["type"] == kind), None) if order else None
