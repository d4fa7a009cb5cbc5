"""Refund requests are recorded once; every accepted push is archived raw and linked."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.api import Api, bearer, order_body, signed, unique
from tests.support.flows import Scene, scene, wait_status
from tests.support.platforms import douyin_headers, douyin_push
from tests.support.system import System, eventually
from workers.order.repository import purge_expired_payloads


@pytest.fixture(scope="module")
async def s(api: Api) -> Scene:
    return await scene(api, stock=20, funds=100_000)


async def refund_requests(system: System, key: str) -> list[dict[str, Any]]:
    return [doc async for doc in system.db["refund_requests"].find({"_id": key})]


async def test_a_generic_refund_is_recorded_once_and_logged_on_the_order(
    system: System, api: Api, s: Scene
) -> None:
    order_key = (await api.place(s.shop, unique("R"), [(s.sku, 1)])).json()["order_key"]
    await wait_status(system, order_key, "routed")
    order_id = order_key.rsplit(":", 1)[1]
    body = json.dumps({"refund_id": "RF-1", "order_id": order_id, "reason": "不想要了"}).encode()
    url = "/v1/webhooks/generic/refunds"
    first = await api.http.post(url, content=body, headers=signed(s.shop, body))
    second = await api.http.post(url, content=body, headers=signed(s.shop, body))
    refund_key = f"generic:{s.shop.shop_id}:RF-1"
    assert (first.status_code, first.json()) == (202, {"refund_key": refund_key})
    assert (second.status_code, second.json()) == (202, {"refund_key": refund_key})

    logged = {"_id": order_key, "events.type": "refund_requested", "payload_ids": {"$size": 2}}
    await eventually(lambda: system.db["orders"].find_one(logged), what="refund_requested logged")
    order = await api.order(order_key)
    [request] = await refund_requests(system, refund_key)
    assert (request["status"], request["order_key"], request["lines"], request["reason"]) == (
        "pending", order_key, None, "不想要了",
    )  # fmt: skip
    assert [e["data"]["refund_key"] for e in order["events"] if e["type"] == "refund_requested"] == [
        refund_key
    ]
    assert request["payload_ids"][0] in order["payloads"]


async def test_a_repeated_douyin_refund_push_is_recorded_once(system: System, api: Api, s: Scene) -> None:
    shop_id = str(secrets.randbelow(10**9) + 10**9)
    app = {"app_key": unique("dy"), "app_secret": secrets.token_hex(16)}
    assert (await api.http.put("/v1/platforms/douyin/app", json=app, headers=api.admin)).status_code == 200
    shop = {"platform": "douyin", "shop_id": shop_id}
    assert (
        await api.http.post(f"/v1/merchants/{s.merchant.id}/shops", json=shop, headers=api.admin)
    ).status_code == 201
    body = douyin_push("douyin_refund", shop_id=int(shop_id))
    for _ in range(2):
        response = await api.http.post(
            "/v1/webhooks/douyin/refunds", content=body, headers=douyin_headers(app, body)
        )
        assert (response.status_code, response.json()) == (200, {"code": 0, "msg": "success"})
    key = f"douyin:{shop_id}:7000893114000949517"
    [request] = await eventually(lambda: refund_requests(system, key), what="refund request")
    assert (request["order_key"], request["details"]["refund_amount"]) == (
        f"douyin:{shop_id}:4837328765348566675",
        3980,
    )
    assert await system.db["refund_requests"].count_documents({"shop_id": shop_id}) == 1


async def test_the_raw_push_is_archived_linked_and_readable_by_operators_only(
    system: System, api: Api, s: Scene
) -> None:
    body = order_body(unique("A"), [(s.sku, 1)])
    headers = {**signed(s.shop, body), "Cookie": "session=secret"}
    key = (await api.http.post("/v1/webhooks/generic/orders", content=body, headers=headers)).json()[
        "order_key"
    ]
    again = {**signed(s.shop, body), "X-Retry": "1"}
    await api.http.post("/v1/webhooks/generic/orders", content=body, headers=again)
    await eventually(lambda: system.db["orders"].find_one({"_id": key, "payload_ids": {"$size": 1}}))
    order = await api.order(key)
    [payload_id] = order["payloads"]  # the same body twice is one archived payload
    archived = (await api.http.get(f"/v1/payloads/{payload_id}", headers=api.admin)).json()
    assert (archived["id"], archived["platform"], archived["body"]) == (payload_id, "generic", body.decode())
    assert archived["headers"]["x-juhe-signature"] == headers["X-Juhe-Signature"]
    assert "cookie" not in archived["headers"]
    stored = await system.db["raw_payloads"].find_one({"_id": payload_id})
    expires = stored["expires_at"].replace(tzinfo=UTC)
    assert timedelta(days=29, hours=23) < expires - datetime.now(UTC) <= timedelta(days=30)
    merchant = await api.http.get(f"/v1/payloads/{payload_id}", headers=bearer(s.merchant.key))
    assert merchant.status_code == 403
    missing = await api.http.get("/v1/payloads/pl_nope", headers=api.admin)
    assert missing.status_code == 404


async def test_purge_deletes_exactly_the_expired_payloads(system: System) -> None:
    long_ago = datetime(2001, 1, 1, tzinfo=UTC)
    expired = {"_id": unique("pl_old"), "platform": "generic", "expires_at": long_ago}
    kept = {"_id": unique("pl_new"), "platform": "generic", "expires_at": long_ago + timedelta(days=1)}
    await system.db["raw_payloads"].insert_many([expired, kept])
    assert await purge_expired_payloads(system.db, long_ago + timedelta(hours=1)) == 1
    assert await system.db["raw_payloads"].find_one({"_id": expired["_id"]}) is None
    assert await system.db["raw_payloads"].find_one({"_id": kept["_id"]}) is not None
    await system.db["raw_payloads"].delete_one({"_id": kept["_id"]})
