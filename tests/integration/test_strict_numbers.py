"""Money, quantities and seconds are JSON integers; times are RFC 3339 strings with a timezone.

Each look-alike (a string amount, a boolean, a float, a unix time) is a 422 naming the field,
where it used to be read as 100 fen, 1 fen, 1 unit, 0 s or a time; nothing is published.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import pytest

from juhe.messaging.bus import PUBLISHED
from tests.support.api import Api, Party, Shop, address, bearer, signed, unique


@dataclass(frozen=True)
class Parties:
    supplier: Party
    merchant: Party
    shop: Shop


@pytest.fixture(scope="module")
async def parties(api: Api) -> Parties:
    merchant = await api.merchant()
    return Parties(await api.supplier(), merchant, await api.shop(merchant))


def published() -> float:
    return sum(sample.value for metric in PUBLISHED.collect() for sample in metric.samples)


async def refused(api: Api, method: str, url: str, body: Any, headers: dict[str, str], field: str) -> None:
    before = published()
    response = await api.http.request(method, url, json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_field"
    assert response.json()["error"]["message"].startswith(f"{field}: "), response.text
    await asyncio.sleep(0.1)
    assert published() == before


@pytest.mark.parametrize("amount", ["100.00", "100", True, 100.0])
async def test_a_top_up_amount_is_an_integer_of_fen(api: Api, parties: Parties, amount: Any) -> None:
    url = f"/v1/merchants/{parties.merchant.id}/wallet/top-ups"
    await refused(api, "POST", url, {"amount": amount, "reference": unique("ref")}, api.admin, "amount")


@pytest.mark.parametrize(
    ("qty", "price", "field"),
    [
        (True, 100, "lines.0.qty"),
        (1.0, 100, "lines.0.qty"),
        ("1", 100, "lines.0.qty"),
        (1, "19.90", "lines.0.unit_price"),
        (1, True, "lines.0.unit_price"),
    ],
)
async def test_a_manual_order_line_has_integer_qty_and_price(
    api: Api, parties: Parties, qty: Any, price: Any, field: str
) -> None:
    line = {"sku": "SKU-1", "qty": qty, "unit_price": price}
    body = {"client_order_id": unique("c"), "lines": [line], "shipping_address": address()}
    await refused(api, "POST", "/v1/merchant/orders", body, bearer(parties.merchant.key), field)


async def test_a_webhook_line_qty_of_true_is_422(api: Api, parties: Parties) -> None:
    payload = {"order_id": unique("P"), "lines": [{"sku": "SKU-1", "qty": True, "unit_price": 1}]}
    body = json.dumps({**payload, "shipping_address": address()}).encode()
    before = published()
    url, headers = "/v1/webhooks/generic/orders", signed(parties.shop, body)
    response = await api.http.post(url, content=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"].startswith("lines.0.qty: ")
    await asyncio.sleep(0.1)
    assert published() == before


@pytest.mark.parametrize("grace", [False, "60", 60.0])
async def test_grace_seconds_are_an_integer(api: Api, parties: Parties, grace: Any) -> None:
    url = f"/v1/merchants/{parties.merchant.id}/api-keys/rotate"
    await refused(api, "POST", url, {"grace_seconds": grace}, api.admin, "grace_seconds")


@pytest.mark.parametrize(
    ("stock", "price", "field"),
    [
        (1.0, 1200, "skus.0.stock"),
        (True, 1200, "skus.0.stock"),
        ("5", 1200, "skus.0.stock"),
        (5, "12.00", "skus.0.tier_prices.standard"),
        (5, True, "skus.0.tier_prices.standard"),
        (5, 1200.0, "skus.0.tier_prices.standard"),
    ],
)
async def test_a_product_sku_has_integer_stock_and_prices(
    api: Api, parties: Parties, stock: Any, price: Any, field: str
) -> None:
    sku = {"sku": unique("SKU"), "tier_prices": {"standard": price}, "stock": stock}
    body = {"name": "cup", "category": "home", "brand": "juhe", "skus": [sku]}
    await refused(api, "POST", "/v1/supplier/products", body, bearer(parties.supplier.key), field)


@pytest.mark.parametrize("on_hand", [True, 3.0, "3"])
async def test_a_stock_sync_on_hand_is_an_integer(api: Api, parties: Parties, on_hand: Any) -> None:
    body = {"items": [{"sku": "SKU-1", "on_hand": on_hand}]}
    await refused(api, "PUT", "/v1/supplier/inventory", body, bearer(parties.supplier.key), "items.0.on_hand")


@pytest.mark.parametrize("price", [True, 1990.0, "19.90"])
async def test_a_retail_price_is_an_integer(api: Api, parties: Parties, price: Any) -> None:
    body = {"platform": "generic", "shop_id": parties.shop.shop_id, "sku": "SKU-1", "retail_price": price}
    await refused(api, "POST", "/v1/merchant/selections", body, bearer(parties.merchant.key), "retail_price")


@pytest.mark.parametrize("starts_at", [1777636800, "1777636800", 1777636800.5, "2026-05-01T12:00:00"])
async def test_a_promotion_time_is_an_rfc3339_string_with_a_timezone(api: Api, starts_at: Any) -> None:
    body = {
        "name": "holiday",
        "starts_at": starts_at,
        "ends_at": "2026-05-02T12:00:00+08:00",
        "items": [{"sku": "SKU-1", "tier_prices": {"gold": 100}}],
    }
    await refused(api, "POST", "/v1/promotions", body, api.admin, "starts_at")
