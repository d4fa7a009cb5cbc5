"""Webhook inputs found by fuzzing (each reproducible with curl): a 4xx in the error shape, not a 500.

Every refusal also publishes nothing and stores no order.
"""

from __future__ import annotations

import asyncio
import json
import secrets

import pytest

from tests.support.api import Api, Shop, signed, unique
from tests.support.flows import published
from tests.support.platforms import FORM, fixture, form_push
from tests.support.system import System


@pytest.fixture(scope="module")
async def shop(api: Api) -> Shop:
    return await api.shop(await api.merchant())


@pytest.fixture(scope="module")
async def apps(api: Api) -> dict[str, dict[str, str]]:
    registered = {}
    for platform in ("taobao", "pdd"):
        app = {"app_key": unique(f"{platform}-app"), "app_secret": secrets.token_hex(16)}
        response = await api.http.put(f"/v1/platforms/{platform}/app", json=app, headers=api.admin)
        assert response.status_code == 200, response.text
        registered[platform] = app
    return registered


async def refused(
    system: System, api: Api, url: str, body: bytes, headers: dict[str, str | bytes], status: int, code: str
) -> str:
    """Post; assert the status and error code, that nothing was published; return the message."""
    before, orders = published("order.place"), await system.db["orders"].count_documents({})
    response = await api.http.post(url, content=body, headers=headers)
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error"}
    assert response.json()["error"]["code"] == code
    await asyncio.sleep(0.3)
    assert published("order.place") == before
    assert await system.db["orders"].count_documents({}) == orders
    message: str = response.json()["error"]["message"]
    return message


async def test_a_400_digit_timestamp_is_401(system: System, api: Api, shop: Shop) -> None:
    body = b"{}"
    headers: dict[str, str | bytes] = {**signed(shop, body), "X-Juhe-Timestamp": "9" * 400}
    await refused(system, api, "/v1/webhooks/generic/orders", body, headers, 401, "bad_signature")


async def test_a_non_ascii_signature_is_401(system: System, api: Api, shop: Shop) -> None:
    body = b"{}"
    headers: dict[str, str | bytes] = {**signed(shop, body), "X-Juhe-Signature": "é".encode() * 32}
    await refused(system, api, "/v1/webhooks/generic/refunds", body, headers, 401, "bad_signature")


async def test_a_signed_body_of_100000_nested_brackets_is_400(system: System, api: Api, shop: Shop) -> None:
    body = b"[" * 100_000
    headers: dict[str, str | bytes] = {**signed(shop, body)}
    message = await refused(system, api, "/v1/webhooks/generic/orders", body, headers, 400, "malformed_json")
    assert message == "request body is nested too deeply"


async def test_a_pdd_push_with_a_400_digit_timestamp_is_401(
    system: System, api: Api, apps: dict[str, dict[str, str]]
) -> None:
    body = form_push("pdd_order", apps["pdd"]) + b"&timestamp=" + b"9" * 400  # the last one counts
    await refused(system, api, "/v1/webhooks/pdd/orders", body, {**FORM}, 401, "bad_signature")


async def test_a_taobao_price_beyond_any_amount_is_422_naming_the_line(
    system: System, api: Api, apps: dict[str, dict[str, str]]
) -> None:
    orders = json.loads(fixture("taobao_order")["content"])["orders"]
    orders["order"][0]["price"] = "99999999999"
    body = form_push("taobao_order", apps["taobao"], orders=orders)
    message = await refused(system, api, "/v1/webhooks/taobao/orders", body, {**FORM}, 422, "invalid_field")
    assert message.startswith("content.orders.order.0.price: ")
