"""A thin client for the public API, speaking as operator, supplier, merchant or platform."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from juhe.signing import signature

#: What a test SKU's supplier is paid per unit, unless a test says otherwise.
SETTLEMENT_PRICE = 700


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@dataclass(frozen=True)
class Party:
    id: str
    key: str


@dataclass(frozen=True)
class Shop:
    shop_id: str
    secret: str
    merchant: Party


#: Where a generic platform pushes its orders.
WEBHOOK_PATH = "/v1/webhooks/generic/orders"


def signed(shop: Shop, body: bytes, *, at: float | None = None, secret: str | None = None) -> dict[str, str]:
    ts = str(int(time.time() if at is None else at))
    return {
        "Content-Type": "application/json",
        "X-Juhe-Shop": shop.shop_id,
        "X-Juhe-Timestamp": ts,
        "X-Juhe-Signature": signature(secret or shop.secret, ts, body),
    }


def address() -> dict[str, str]:
    return {
        "name": "张三",
        "phone": "13800000000",
        "province": "广东省",
        "city": "深圳市",
        "district": "南山区",
        "detail": "科技园 1 号",
    }


def order_body(order_id: str, lines: list[tuple[str, int]], unit_price: int = 1990) -> bytes:
    payload = {
        "order_id": order_id,
        "lines": [{"sku": s, "qty": q, "unit_price": unit_price} for s, q in lines],
        "shipping_address": address(),
    }
    return json.dumps(payload, ensure_ascii=False).encode()


class Api:
    def __init__(self, http: httpx.AsyncClient, admin_token: str) -> None:
        self.http = http
        self.admin = bearer(admin_token)

    async def ok(self, response: httpx.Response, status: int) -> Any:
        assert response.status_code == status, response.text
        return response.json()

    async def supplier(self, delivery: dict[str, Any] | None = None) -> Party:
        body = {"name": unique("supplier"), "delivery": delivery or {"mode": "pull"}}
        data = await self.ok(await self.http.post("/v1/suppliers", json=body, headers=self.admin), 201)
        return Party(data["id"], data["api_key"])

    async def merchant(self, tier: str = "standard") -> Party:
        body = {"name": unique("merchant"), "tier": tier}
        data = await self.ok(await self.http.post("/v1/merchants", json=body, headers=self.admin), 201)
        return Party(data["id"], data["api_key"])

    async def shop(self, merchant: Party, callback_url: str | None = None) -> Shop:
        body = {"platform": "generic", "shop_id": unique("shop"), "callback_url": callback_url}
        url = f"/v1/merchants/{merchant.id}/shops"
        data = await self.ok(await self.http.post(url, json=body, headers=self.admin), 201)
        return Shop(data["shop_id"], data["webhook_secret"], merchant)

    async def top_up(self, merchant: Party, amount: int, reference: str | None = None) -> None:
        body = {"amount": amount, "reference": reference or unique("topup")}
        url = f"/v1/merchants/{merchant.id}/wallet/top-ups"
        await self.ok(await self.http.post(url, json=body, headers=self.admin), 202)

    async def listed_sku(
        self,
        supplier: Party,
        stock: int,
        prices: dict[str, int] | None = None,
        settlement_price: int = SETTLEMENT_PRICE,
    ) -> str:
        sku = unique("SKU")
        tier_prices = prices or {"standard": 1200, "silver": 1100, "gold": 1000}
        draft = {"sku": sku, "specs": {"颜色": "红"}, "tier_prices": tier_prices, "stock": stock}
        body = {
            "name": "保温杯",
            "category": "家居",
            "brand": "聚合",
            "skus": [draft | {"settlement_price": settlement_price}],
        }
        data = await self.ok(
            await self.http.post("/v1/supplier/products", json=body, headers=bearer(supplier.key)), 201
        )
        await self.ok(await self.http.post(f"/v1/products/{data['id']}/approve", headers=self.admin), 200)
        return sku

    async def place(self, shop: Shop, order_id: str, lines: list[tuple[str, int]]) -> httpx.Response:
        body = order_body(order_id, lines)
        return await self.http.post(WEBHOOK_PATH, content=body, headers=signed(shop, body))

    async def order(self, key: str) -> dict[str, Any]:
        return await self.ok(await self.http.get(f"/v1/orders/{key}", headers=self.admin), 200)

    async def sku(self, sku: str) -> dict[str, Any]:
        return await self.ok(await self.http.get(f"/v1/skus/{sku}", headers=self.admin), 200)

    async def wallet(self, merchant: Party) -> dict[str, Any]:
        url = f"/v1/merchants/{merchant.id}/wallet"
        return await self.ok(await self.http.get(url, headers=self.admin), 200)
