"""The reference cache's bound, end to end: a price change applies to every order received more
than `JUHE_REFERENCE_CACHE_SECONDS` after it was answered; with 0, to the very next order.

The bounded case runs on a system of its own (own namespace and database) with a short bound;
the rest of the suite runs with 0.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, suppress

import httpx
import pytest

from juhe.settings import Settings
from tests.conftest import drop_database, settled_audit
from tests.support.api import Api, Shop, bearer, order_body, signed, unique
from tests.support.flows import Scene, scene, wait_status
from tests.support.platforms import douyin_headers, douyin_push, fixture
from tests.support.system import System, delete_namespace, eventually, start_system
from workers.audit import audit

BOUND = 3.0
OLD = {"standard": 1200, "silver": 1200, "gold": 1200}
NEW = {"standard": 1500, "silver": 1500, "gold": 1500}


@pytest.fixture(scope="module")
async def cached(settings: Settings) -> AsyncIterator[System]:
    own = settings.model_copy(
        update={"namespace": f"{settings.namespace}_cache", "reference_cache_seconds": BOUND}
    )
    try:
        async with AsyncExitStack() as stack:
            running = await start_system(own, stack)
            yield running
            # Whatever the tests did, the invariants hold once the system is quiet (roll-ups lag).
            with suppress(AssertionError):
                await eventually(lambda: _clean(running), what="audit clean")
            assert await settled_audit(running.db) == []
    finally:  # a failed check above must not leave this system's queues or data behind
        await delete_namespace(own)
        await drop_database(own)


async def _clean(running: System) -> bool:
    return await audit(running.db) == []


@pytest.fixture(scope="module")
def cached_api(cached: System) -> Api:
    return Api(cached.http, cached.settings.admin_token)


async def _unit_cost(system: System, api: Api, shop: Shop, sku: str) -> int:
    response = await api.place(shop, unique("RC"), [(sku, 1)])
    assert response.status_code == 202, response.text
    order = await wait_status(system, response.json()["order_key"], "routed")
    [line] = order["lines"]
    cost: int = line["unit_cost"]
    return cost


async def _change_prices(api: Api, world: Scene, prices: dict[str, int]) -> None:
    url = f"/v1/supplier/skus/{world.sku}/prices"
    response = await api.http.put(url, json={"tier_prices": prices}, headers=bearer(world.supplier.key))
    assert response.status_code == 200, response.text


async def test_a_price_change_applies_to_orders_received_once_the_bound_has_passed(
    cached: System, cached_api: Api
) -> None:
    """Within the bound an order may pay the price read before the change; an order received
    more than the bound after the change was answered pays the new one."""
    world = await scene(cached_api, stock=10, funds=100_000, price=OLD["standard"])
    first_placed = time.monotonic()  # the first order's read of the SKU starts after this
    assert await _unit_cost(cached, cached_api, world.shop, world.sku) == 1200

    await _change_prices(cached_api, world, NEW)
    answered = time.monotonic()
    soon = await _unit_cost(cached, cached_api, world.shop, world.sku)
    if time.monotonic() - first_placed < BOUND:  # read within the bound of the first read: kept
        assert soon == 1200
    else:  # too slow a machine to see the kept price; the bound still holds
        assert soon in (1200, 1500)

    await asyncio.sleep(max(0.0, answered + BOUND - time.monotonic()) + 0.05)
    assert await _unit_cost(cached, cached_api, world.shop, world.sku) == 1500


async def test_a_rotated_shop_secret_signs_at_once_while_the_shop_is_kept(
    cached: System, cached_api: Api
) -> None:
    """The edge keeps the shop; a push its kept secret refuses is judged on the stored one."""
    merchant = await cached_api.merchant()
    shop = await cached_api.shop(merchant)
    first = order_body(unique("RC"), [("NO-SUCH-SKU", 1)])
    before = await cached_api.http.post(
        "/v1/webhooks/generic/orders", content=first, headers=signed(shop, first)
    )
    assert before.status_code == 202, before.text

    path = f"/v1/merchants/{merchant.id}/shops/generic/{shop.shop_id}/webhook-secret/rotate"
    rotated = await cached_api.http.post(path, json={"grace_seconds": 600}, headers=bearer(merchant.key))
    assert rotated.status_code == 200, rotated.text
    secret = rotated.json()["webhook_secret"]
    body = order_body(unique("RC"), [("NO-SUCH-SKU", 1)])
    after = await cached_api.http.post(
        "/v1/webhooks/generic/orders", content=body, headers=signed(shop, body, secret=secret)
    )
    assert after.status_code == 202, after.text
    forged = await cached_api.http.post(
        "/v1/webhooks/generic/orders", content=body, headers=signed(shop, body, secret="not-the-secret")
    )
    assert forged.status_code == 401


async def test_an_app_signed_push_sees_a_shop_added_and_an_app_secret_replaced_at_once(
    cached: System, cached_api: Api
) -> None:
    """The edge keeps the platform app and the shops pushes name; what they refuse is re-read."""
    world = await scene(cached_api, stock=10, funds=100_000)
    app = await _douyin_app(cached_api, secrets.token_hex(16))
    shop_id = str(secrets.randbelow(10**9) + 10**9)
    body = _douyin_order(world.sku, shop_id)
    unknown = await _push(cached_api, body, douyin_headers(app, body))
    assert unknown.status_code == 401

    shop = {"platform": "douyin", "shop_id": shop_id}
    url = f"/v1/merchants/{world.merchant.id}/shops"
    assert (await cached_api.http.post(url, json=shop, headers=cached_api.admin)).status_code == 201
    known = await _push(cached_api, body, douyin_headers(app, body))
    assert (known.status_code, known.json()) == (200, {"code": 0, "msg": "success"})

    replaced = await _douyin_app(cached_api, secrets.token_hex(16), app_key=app["app_key"])
    again = _douyin_order(world.sku, shop_id)
    signed_anew = await _push(cached_api, again, douyin_headers(replaced, again))
    assert (signed_anew.status_code, signed_anew.json()) == (200, {"code": 0, "msg": "success"})


async def _douyin_app(api: Api, secret: str, app_key: str | None = None) -> dict[str, str]:
    app = {"app_key": app_key or unique("douyin-app"), "app_secret": secret}
    response = await api.http.put("/v1/platforms/douyin/app", json=app, headers=api.admin)
    assert response.status_code == 200, response.text
    return app


def _douyin_order(sku: str, shop_id: str) -> bytes:
    line = {**json.loads(fixture("douyin_order")[0]["data"])["sku_order_list"][0], "code": sku}
    order_id = str(secrets.randbelow(10**18))
    return douyin_push(
        "douyin_order", msg_id=unique("msg"), shop_id=int(shop_id), p_id=order_id, order_id=order_id,
        sku_order_list=[line],
    )  # fmt: skip


async def _push(api: Api, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return await api.http.post("/v1/webhooks/douyin/orders", content=body, headers=headers)


async def test_with_zero_the_very_next_order_pays_the_new_price(system: System, api: Api) -> None:
    assert system.settings.reference_cache_seconds == 0
    world = await scene(api, stock=10, funds=100_000, price=OLD["standard"])
    assert await _unit_cost(system, api, world.shop, world.sku) == 1200
    await _change_prices(api, world, NEW)
    assert await _unit_cost(system, api, world.shop, world.sku) == 1500
