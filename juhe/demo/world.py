"""The demo's small world, created over the public API as an operator and suppliers would."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx


@dataclass(frozen=True)
class Merchant:
    name: str
    id: str
    tier: str
    platform: str
    shop_id: str
    secret: str  # the shop's webhook secret (generic) or our platform app's secret
    app_key: str = ""


@dataclass
class World:
    run: str
    skus: dict[str, int] = field(default_factory=dict)  # code → stock at the start
    merchants: list[Merchant] = field(default_factory=list)
    suppliers: dict[str, str] = field(default_factory=dict)  # id → name
    orders: list[dict[str, Any]] = field(default_factory=list)  # as GET /v1/orders/{key} shows them


class Client:
    def __init__(self, http: httpx.AsyncClient, admin_token: str) -> None:
        self.http = http
        self.admin = {"Authorization": f"Bearer {admin_token}"}

    async def call(self, method: str, url: str, body: Any = None, key: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {key}"} if key else self.admin
        response = await self.http.request(method, url, json=body, headers=headers)
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {url} answered {response.status_code}: {response.text}")
        return response.json()


PRODUCTS = {
    "深圳杯业": ("不锈钢保温杯 500ml", "家居", [("红", 40, 1200), ("蓝", 6, 1200)]),
    "义乌百货": ("帆布收纳箱", "收纳", [("大号", 30, 2500), ("小号", 25, 1800)]),
}
#: (name, platform, tier, top-up in fen): the third merchant runs out of money on purpose.
MERCHANTS = [
    ("小店 generic", "generic", "standard", 200_000),
    ("天猫旗舰店", "taobao", "gold", 200_000),
    ("抖音小店", "douyin", "silver", 6_000),
]


async def build(api: Client) -> World:
    world = World(run=secrets.token_hex(3))
    for supplier_name, product in PRODUCTS.items():
        await _supplier(api, world, supplier_name, *product)
    apps = {p: await _app(api, p) for p in ("taobao", "douyin")}
    for name, platform, tier, funds in MERCHANTS:
        world.merchants.append(await _merchant(api, world, name, platform, tier, funds, apps.get(platform)))
    first = next(iter(world.skus))
    now = datetime.now(UTC)
    await api.call(
        "POST",
        "/v1/promotions",
        {
            "name": f"双十二 {world.run}",
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(),
            "items": [{"sku": first, "tier_prices": {"gold": 900, "silver": 1000}}],
        },
    )
    return world


async def _supplier(
    api: Client, world: World, name: str, product: str, category: str, skus: list[Any]
) -> None:
    made = await api.call("POST", "/v1/suppliers", {"name": name, "delivery": {"mode": "pull"}})
    world.suppliers[made["id"]] = name
    drafts: list[dict[str, Any]] = []
    for spec, stock, price in skus:
        code = f"DEMO-{world.run}-{len(world.skus) + len(drafts) + 1}"
        tiers = {"standard": price, "silver": price - 100, "gold": price - 200}
        settlement = price * 7 // 10  # what the supplier is paid per unit
        draft = {"sku": code, "specs": {"规格": spec}, "tier_prices": tiers, "stock": stock}
        drafts.append(draft | {"settlement_price": settlement})
    body = {"name": product, "category": category, "brand": "聚合", "skus": drafts}
    created = await api.call("POST", "/v1/supplier/products", body, key=made["api_key"])
    await api.call("POST", f"/v1/products/{created['id']}/approve")
    world.skus.update({d["sku"]: d["stock"] for d in drafts})


async def _app(api: Client, platform: str) -> tuple[str, str]:
    key, secret = f"demo-{platform}", secrets.token_hex(16)
    await api.call("PUT", f"/v1/platforms/{platform}/app", {"app_key": key, "app_secret": secret})
    return key, secret


async def _merchant(
    api: Client, world: World, name: str, platform: str, tier: str, funds: int, app: tuple[str, str] | None
) -> Merchant:
    made = await api.call("POST", "/v1/merchants", {"name": name, "tier": tier})
    shop_id = f"demo-{world.run}-{platform}"
    shop = await api.call(
        "POST", f"/v1/merchants/{made['id']}/shops", {"platform": platform, "shop_id": shop_id}
    )
    reference = f"demo-{world.run}-{made['id']}"
    await api.call(
        "POST", f"/v1/merchants/{made['id']}/wallet/top-ups", {"amount": funds, "reference": reference}
    )
    key, secret = app if app else ("", shop["webhook_secret"])
    return Merchant(name, made["id"], tier, platform, shop_id, secret, key)
