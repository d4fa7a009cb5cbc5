"""Replacement orders (补单) on real RabbitMQ and store: routed and shipped again with no second
debit unless the operator charges it, never more than shipped, linked both ways."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from juhe.signing import verify
from tests.conftest import settled_audit
from tests.support.api import Api, Party, bearer, unique
from tests.support.flows import Scene, scene, wait_status
from tests.support.receiver import CallbackReceiver, Received
from tests.support.system import System, eventually
from workers.audit import audit

PRICE = 1200


async def shipped_order(system: System, api: Api, qty: int = 2, ship: bool = True) -> tuple[Scene, str]:
    """A scene whose order of `qty` units is routed and (by default) shipped; its key."""
    s = await scene(api, stock=10, funds=10_000, price=PRICE)
    key = (await api.place(s.shop, unique("P"), [(s.sku, qty)])).json()["order_key"]
    order = await wait_status(system, key, "routed")
    if ship:
        await ship_sub_order(api, s.supplier, order["sub_orders"][0]["id"], "SF-1")
        await wait_status(system, key, "shipped")
    return s, key


async def ship_sub_order(api: Api, supplier: Party, sub_id: str, tracking_no: str) -> None:
    body = {"carrier": "SF", "tracking_no": tracking_no}
    url = f"/v1/supplier/orders/{sub_id}/shipments"
    await api.ok(await api.http.post(url, json=body, headers=bearer(supplier.key)), 202)


async def merchant_reship(api: Api, merchant: Party, key: str, body: dict[str, Any]) -> Any:
    return await api.http.post(f"/v1/merchant/orders/{key}/reships", json=body, headers=bearer(merchant.key))


async def operator_reship(api: Api, key: str, body: dict[str, Any]) -> Any:
    return await api.http.post(f"/v1/orders/{key}/reships", json=body, headers=api.admin)


def lines(sku: str, qty: int) -> list[dict[str, Any]]:
    return [{"sku": sku, "qty": qty}]


async def test_a_reship_is_routed_and_shipped_with_no_second_debit(system: System, api: Api) -> None:
    s, key = await shipped_order(system, api)
    entries_before = (await api.wallet(s.merchant))["entries"]
    assert await eventually(lambda: _sku_is(api, s.sku, on_hand=8, reserved=0), what="committed")

    body = {"reship_id": "r1", "reason": "damaged", "lines": lines(s.sku, 1)}
    accepted = await api.ok(await merchant_reship(api, s.merchant, key, body), 202)
    rkey = f"reship:{key}:r1"
    assert accepted == {"reship_key": rkey, "order_key": key, "reship_id": "r1"}
    reship = await wait_status(system, rkey, "routed")
    assert (reship["charged"], reship["total_cost"]) == (0, PRICE)
    assert await eventually(lambda: _sku_is(api, s.sku, on_hand=8, reserved=1), what="reserved again")

    [sub] = reship["sub_orders"]
    listing = await api.ok(
        await api.http.get("/v1/supplier/orders?status=routed", headers=bearer(s.supplier.key)), 200
    )
    [seen] = [o for o in listing["items"] if o["id"] == sub["id"]]
    assert (seen["order_key"], seen["reship_of"], seen["reship_reason"]) == (rkey, key, "damaged")

    await ship_sub_order(api, s.supplier, sub["id"], "SF-2")
    await wait_status(system, rkey, "shipped")
    assert await eventually(lambda: _sku_is(api, s.sku, on_hand=7, reserved=0), what="committed again")
    assert (await api.wallet(s.merchant))["entries"] == entries_before

    original, view = await api.order(key), await api.order(rkey)
    assert [(c["key"], c["reason"], c["lines"], c["charge"]) for c in original["reships"]] == [
        (rkey, "damaged", lines(s.sku, 1), False)
    ]
    assert "reship_opened" in [e["type"] for e in original["events"]]
    assert (view["reship"]["order_key"], view["platform_order_id"]) == (key, original["platform_order_id"])

    again = await api.ok(await merchant_reship(api, s.merchant, key, body), 202)
    assert again == accepted
    assert len((await api.order(key))["reships"]) == 1
    assert await settled_audit(system.db, concerning=lambda p: key in p) == []


async def test_a_quantity_above_the_shipped_one_is_422_and_creates_nothing(system: System, api: Api) -> None:
    s, key = await shipped_order(system, api)
    too_many = await merchant_reship(
        api, s.merchant, key, {"reship_id": "r1", "reason": "lost", "lines": lines(s.sku, 3)}
    )
    assert too_many.status_code == 422
    assert too_many.json()["error"]["message"] == (
        f"lines[0]: 3 of {s.sku} asked, only 2 shipped and not yet reshipped"
    )
    await api.ok(
        await merchant_reship(
            api, s.merchant, key, {"reship_id": "r2", "reason": "lost", "lines": lines(s.sku, 2)}
        ),
        202,
    )
    await wait_status(system, f"reship:{key}:r2", "routed")
    beyond = await merchant_reship(
        api, s.merchant, key, {"reship_id": "r3", "reason": "lost", "lines": lines(s.sku, 1)}
    )
    assert beyond.status_code == 422
    assert [c["reship_id"] for c in (await api.order(key))["reships"]] == ["r2"]
    for rid in ("r1", "r3"):
        assert await system.db["orders"].find_one({"_id": f"reship:{key}:{rid}"}) is None


async def test_an_order_not_shipped_is_409(system: System, api: Api) -> None:
    s, key = await shipped_order(system, api, ship=False)
    refused = await merchant_reship(
        api, s.merchant, key, {"reship_id": "r1", "reason": "lost", "lines": lines(s.sku, 1)}
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "conflict"
    assert (await api.order(key))["reships"] == []


async def test_a_merchant_cannot_reship_another_merchants_order(system: System, api: Api) -> None:
    s, key = await shipped_order(system, api)
    other = await api.merchant()
    body = {"reship_id": "r1", "reason": "lost", "lines": lines(s.sku, 1)}
    assert (await merchant_reship(api, other, key, body)).status_code == 404
    assert (await merchant_reship(api, other, "generic:nope:nope", body)).status_code == 404
    charged = await merchant_reship(api, s.merchant, key, {**body, "charge": True})
    assert charged.status_code == 422  # only the operator charges
    assert (await api.order(key))["reships"] == []


async def test_an_operator_charged_reship_debits_exactly_its_lines_cost(system: System, api: Api) -> None:
    s, key = await shipped_order(system, api)
    balance = (await api.wallet(s.merchant))["balance"]
    body = {"reship_id": "r1", "reason": "wrong_item", "lines": lines(s.sku, 2), "charge": True}
    await api.ok(await operator_reship(api, key, body), 202)
    rkey = f"reship:{key}:r1"
    reship = await wait_status(system, rkey, "routed")
    assert reship["charged"] == 2 * PRICE
    wallet = await api.wallet(s.merchant)
    assert wallet["balance"] == balance - 2 * PRICE
    assert [(e["kind"], e["amount"], e["reference"]) for e in wallet["entries"][:2]] == [
        ("order_debit", -2 * PRICE, rkey),
        ("order_debit", -2 * PRICE, key),
    ]


async def test_the_operator_sends_a_reship_to_another_account_of_the_supplier(
    system: System, api: Api
) -> None:
    s, key = await shipped_order(system, api)
    body = {"name": unique("jd"), "channel": "jd", "delivery": {"mode": "pull"}}
    account = await api.ok(
        await api.http.post("/v1/supplier/accounts", json=body, headers=bearer(s.supplier.key)), 201
    )
    foreign = await operator_reship(
        api, key, {"reship_id": "r0", "reason": "lost", "lines": lines(s.sku, 1), "account_id": "acc_nope"}
    )
    assert foreign.status_code == 422
    reship = {"reship_id": "r1", "reason": "lost", "lines": lines(s.sku, 1), "account_id": account["id"]}
    await api.ok(await operator_reship(api, key, reship), 202)
    routed = await wait_status(system, f"reship:{key}:r1", "routed")
    [sub] = routed["sub_orders"]
    assert sub["account_id"] == account["id"]
    listing = await api.ok(await api.http.get("/v1/supplier/orders", headers=bearer(account["api_key"])), 200)
    assert [o["id"] for o in listing["items"]] == [sub["id"]]


async def _sku_is(api: Api, sku: str, *, on_hand: int, reserved: int) -> bool:
    got = await api.sku(sku)
    return (got["on_hand"], got["reserved"]) == (on_hand, reserved)


async def test_concurrent_reships_of_the_same_units_never_pass_the_shipped_quantity(
    system: System, api: Api
) -> None:
    """All five pass the edge's early check; the worker's claim lets exactly two through."""
    s, key = await shipped_order(system, api)
    bodies = [{"reship_id": f"c{i}", "reason": "lost", "lines": lines(s.sku, 1)} for i in range(5)]
    answers = await asyncio.gather(*(merchant_reship(api, s.merchant, key, b) for b in bodies))
    assert [a.status_code for a in answers] == [202] * 5
    claims = await eventually(lambda: _settled(system, key, 5), what="every reship claimed or refused")
    assert len(claims["reships"]) == 2
    assert sum(1 for e in claims["events"] if e["type"] == "reship_refused") == 3
    for claim in claims["reships"]:
        await wait_status(system, claim["key"], "routed")
    assert await eventually(lambda: _sku_is(api, s.sku, on_hand=8, reserved=2), what="two reserved")


async def test_the_audit_reports_a_reship_beyond_what_shipped(system: System, api: Api) -> None:
    s, key = await shipped_order(system, api)
    await api.ok(
        await merchant_reship(
            api, s.merchant, key, {"reship_id": "r1", "reason": "lost", "lines": lines(s.sku, 1)}
        ),
        202,
    )
    await wait_status(system, f"reship:{key}:r1", "routed")
    orders = system.db["orders"]
    await orders.update_one({"_id": key}, {"$set": {"reships.0.lines.0.qty": 3}})
    try:
        assert f"order {key}: {s.sku} reshipped beyond what shipped" in await audit(system.db)
    finally:
        await orders.update_one({"_id": key}, {"$set": {"reships.0.lines.0.qty": 1}})
    assert await settled_audit(system.db, concerning=lambda p: key in p) == []


async def _settled(system: System, key: str, requests: int) -> dict[str, Any] | None:
    order = await system.db["orders"].find_one({"_id": key})
    refused = sum(1 for e in order["events"] if e["type"] == "reship_refused") if order else 0
    return order if order and len(order["reships"]) + refused == requests else None


async def test_the_shop_is_told_of_the_reship_shipment_under_its_own_platform_order_id(
    system: System, api: Api, receiver: CallbackReceiver
) -> None:
    s = await scene(api, stock=10, funds=10_000, price=PRICE)
    path = f"/cb/{unique('shop')}"
    shop = await api.shop(s.merchant, callback_url=receiver.url(path))
    order_id = unique("P")
    key = (await api.place(shop, order_id, [(s.sku, 1)])).json()["order_key"]
    order = await wait_status(system, key, "routed")
    await ship_sub_order(api, s.supplier, order["sub_orders"][0]["id"], "SF-1")
    await wait_status(system, key, "shipped")
    body = {"reship_id": "r1", "reason": "missing_item", "lines": lines(s.sku, 1)}
    await api.ok(await merchant_reship(api, s.merchant, key, body), 202)
    reship = await wait_status(system, f"reship:{key}:r1", "routed")
    await ship_sub_order(api, s.supplier, reship["sub_orders"][0]["id"], "SF-2")

    first, second = await eventually(lambda: _calls(receiver, path, 2), what="two shipment syncs")
    synced = sorted((json.loads(c.body) for c in (first, second)), key=lambda b: b["tracking_no"])
    assert [(b["order_id"], b["tracking_no"], b.get("reship")) for b in synced] == [
        (order_id, "SF-1", None),
        (order_id, "SF-2", {"reship_id": "r1", "reason": "missing_item"}),
    ]
    assert verify(
        shop.secret,
        second.headers["x-juhe-timestamp"],
        second.body,
        second.headers["x-juhe-signature"],
        skew=300,
    )


async def test_a_reship_refused_stock_is_rejected_on_both_and_its_units_free_again(
    system: System, api: Api
) -> None:
    s = await scene(api, stock=2, funds=10_000, price=PRICE)
    key = (await api.place(s.shop, unique("P"), [(s.sku, 2)])).json()["order_key"]
    order = await wait_status(system, key, "routed")
    await ship_sub_order(api, s.supplier, order["sub_orders"][0]["id"], "SF-1")
    await wait_status(system, key, "shipped")
    balance = (await api.wallet(s.merchant))["balance"]

    await api.ok(
        await merchant_reship(
            api, s.merchant, key, {"reship_id": "r1", "reason": "lost", "lines": lines(s.sku, 2)}
        ),
        202,
    )
    rejected = await wait_status(system, f"reship:{key}:r1", "rejected")
    assert rejected["reason"] == "out_of_stock"
    original = await eventually(lambda: _claim_rejected(api, key), what="rejection on the original")
    assert [(c["reship_id"], c["rejected"]) for c in original["reships"]] == [("r1", "out_of_stock")]
    assert "reship_rejected" in [e["type"] for e in original["events"]]
    assert (await api.wallet(s.merchant))["balance"] == balance
    again = await merchant_reship(
        api, s.merchant, key, {"reship_id": "r2", "reason": "lost", "lines": lines(s.sku, 2)}
    )
    assert again.status_code == 202


async def _claim_rejected(api: Api, key: str) -> dict[str, Any] | None:
    order = await api.order(key)
    return order if order["reships"] and order["reships"][0].get("rejected") else None


async def _calls(receiver: CallbackReceiver, path: str, n: int) -> list[Received] | None:
    calls = receiver.for_path(path)
    return calls[:n] if len(calls) >= n else None
