"""Builders for catalog's unit tests: commands as the edge sends them, tiers as accounts has them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from schemas.catalog import CreateProduct, SkuDraft
from workers.catalog.memory import MemoryProducts, MemoryPromotions, MemoryTaxonomy

PRICES = {"standard": 1200, "silver": 1100, "gold": 1000}


@dataclass
class StaticTiers:
    """Accounts' tiers: the configured ones are required, `vip` was added by an operator."""

    required: list[str] = field(default_factory=lambda: ["standard", "silver", "gold"])
    added: list[str] = field(default_factory=lambda: ["vip"])

    async def required_tiers(self) -> list[str]:
        return self.required

    async def known_tiers(self) -> list[str]:
        return [*self.required, *self.added]


@dataclass
class Catalog:
    products: MemoryProducts = field(default_factory=MemoryProducts)
    taxonomy: MemoryTaxonomy = field(default_factory=MemoryTaxonomy)
    tiers: StaticTiers = field(default_factory=StaticTiers)
    promotions: MemoryPromotions = field(init=False)

    def __post_init__(self) -> None:
        self.promotions = MemoryPromotions(self.products)


def create(product_id: str, *skus: str, name: str = "保温杯", **fields: Any) -> CreateProduct:
    drafts = [
        SkuDraft(sku=sku, specs={"颜色": "红"}, tier_prices=PRICES, stock=5, settlement_price=800)
        for sku in skus
    ]
    return CreateProduct(
        correlation_id=product_id,
        product_id=product_id,
        supplier_id="sup_1",
        name=name,
        category="家居",
        brand="聚合",
        skus=drafts,
        **fields,
    )
