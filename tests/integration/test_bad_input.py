"""Refused webhooks: the documented error, no order stored and nothing published."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from tests.support.api import Api, Shop, order_body, signed
from tests.support.flows import Scene, published, scene
from tests.support.system import System

URL = "/v1/webhooks/generic/orders"


@pytest.fixture(scope="module")
async def s(api: Api) -> Scene:
    return await scene(api, stock=5, funds=10_000)


async def assert_refused(
    system: System,
    api: Api,
    shop: Shop,
    body: bytes,
    headers: dict[str, str],
    status: int,
    code: str,
    mentions: str = "",
) -> None:
    before = published("order.place")
    response = await api.http.post(URL, content=body, headers=headers)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert mentions in error["message"]
    await asyncio.sleep(0.3)
    assert published("order.place") == before
    assert await system.db["orders"].count_documents({"shop_id": shop.shop_id}) == 0


async def test_bad_signature_is_401(system: System, api: Api, s: Scene) -> None:
    body = order_body("BAD-1", [(s.sku, 1)])
    await assert_refused(
        system, api, s.shop, body, signed(s.shop, body, secret="not-the-secret"), 401, "bad_signature"
    )


async def test_stale_timestamp_is_401(system: System, api: Api, s: Scene) -> None:
    body = order_body("BAD-2", [(s.sku, 1)])
    headers = signed(s.shop, body, at=time.time() - 301)
    await assert_refused(system, api, s.shop, body, headers, 401, "bad_signature")


async def test_unknown_shop_is_401(system: System, api: Api, s: Scene) -> None:
    body = order_body("BAD-3", [(s.sku, 1)])
    stranger = Shop("no-such-shop", s.shop.secret, s.merchant)
    await assert_refused(system, api, s.shop, body, signed(stranger, body), 401, "bad_signature")


async def test_malformed_json_is_400(system: System, api: Api, s: Scene) -> None:
    body = b'{"order_id": "BAD-4", "lines": ['
    await assert_refused(system, api, s.shop, body, signed(s.shop, body), 400, "malformed_json")


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"sku": "X", "qty": 0, "unit_price": 1}, "lines.0.qty"),
        ({"sku": "X", "qty": 1, "unit_price": -5}, "lines.0.unit_price"),
        ({"qty": 1, "unit_price": 1}, "lines.0.sku"),
    ],
)
async def test_invalid_line_is_422_naming_the_field(
    system: System, api: Api, s: Scene, line: dict[str, object], field: str
) -> None:
    payload = json.loads(order_body("BAD-5", [(s.sku, 1)]))
    payload["lines"] = [line]
    body = json.dumps(payload).encode()
    await assert_refused(
        system, api, s.shop, body, signed(s.shop, body), 422, "invalid_field", mentions=field
    )


async def test_unknown_sku_is_rejected_with_nothing_reserved(system: System, api: Api, s: Scene) -> None:
    """A well-formed order for an unknown SKU is accepted, then rejected `unknown_sku`."""
    from tests.support.flows import wait_status

    key = (await api.place(s.shop, "BAD-6", [(s.sku, 1), ("NO-SUCH-SKU", 1)])).json()["order_key"]
    order = await wait_status(system, key, "rejected")
    assert order["reason"] == "unknown_sku"
    assert (await api.sku(s.sku))["reserved"] == 0
    assert await system.db["reservations"].find_one({"_id": key}) is None
