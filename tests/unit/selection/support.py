"""Selection's unit-test world: a shop, the catalog's SKUs, stock, and a shop endpoint that answers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from schemas.selection import SelectSku
from workers.selection.handlers.ports import Reads, SyncDeps
from workers.selection.memory import MemorySelections

SHOP = {
    "_id": "generic:shop-1",
    "platform": "generic",
    "shop_id": "shop-1",
    "merchant_id": "mer_1",
    "webhook_secret": "s3cret",
    "callback_url": "http://shop.test/hook",
}


@dataclass(frozen=True)
class Shop:
    """A shop as accounts answers it: its merchant, and the mapping the adapters sign with."""

    doc: dict[str, Any]

    @property
    def merchant_id(self) -> str:
        return str(self.doc["merchant_id"])

    def for_adapters(self) -> dict[str, Any]:
        return self.doc


@dataclass
class Shops:
    shops: dict[tuple[str, str], dict[str, Any]] = field(
        default_factory=lambda: {("generic", "shop-1"): SHOP}
    )

    async def shop(self, platform: str, shop_id: str) -> Shop | None:
        doc = self.shops.get((platform, shop_id))
        return None if doc is None else Shop(doc)


@dataclass(frozen=True)
class Listed:
    product_id: str
    specs: dict[str, str]
    name: str | None
    status: str | None


@dataclass
class CatalogReads:
    """SKU-A of product prd_1, listed unless a test moves it."""

    status: str | None = "listed"

    async def sku_listing(self, sku: str) -> Listed | None:
        return Listed("prd_1", {"颜色": "红"}, "保温杯", self.status) if sku == "SKU-A" else None

    async def product_status(self, product_id: str) -> str | None:
        return self.status


@dataclass(frozen=True)
class Level:
    available: int


@dataclass
class Stock:
    available: int = 7

    async def stock_levels(self, skus: list[str]) -> dict[str, Level]:
        return {sku: Level(self.available) for sku in skus}


@dataclass
class ShopEndpoint:
    """Records every push; answers `status`."""

    status: int = 200
    bodies: list[dict[str, Any]] = field(default_factory=list)

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.bodies.append(json.loads(body))
        return self.status


@dataclass
class World:
    repo: MemorySelections = field(default_factory=MemorySelections)
    shops: Shops = field(default_factory=Shops)
    catalog: CatalogReads = field(default_factory=CatalogReads)
    stock: Stock = field(default_factory=Stock)
    endpoint: ShopEndpoint = field(default_factory=ShopEndpoint)

    @property
    def reads(self) -> Reads:
        return Reads(self.shops, self.catalog, self.stock)

    @property
    def deps(self) -> SyncDeps:
        return SyncDeps(self.repo, self.reads, self.endpoint.post, timedelta(days=1))


def select(price: int = 2990, merchant_id: str = "mer_1", sku: str = "SKU-A") -> SelectSku:
    return SelectSku(
        correlation_id="sel_1",
        selection_id="sel_1",
        merchant_id=merchant_id,
        platform="generic",
        shop_id="shop-1",
        sku=sku,
        retail_price=price,
    )
