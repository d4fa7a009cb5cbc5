"""What the edge and the other areas read of the catalog: typed views, never raw documents."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel

from schemas.catalog import ProductStatus
from workers.catalog.model import (
    HistoryEntry,
    PendingRevision,
    Product,
    PromotionalCost,
    PromotionWindow,
    Sku,
    tier_cost,
)


class SkuOwner(BaseModel):
    product_id: str
    supplier_id: str


class SkuListing(BaseModel):
    """A SKU as a shop lists it: its specs, with its product's name and status (None: no product)."""

    sku: str
    product_id: str
    specs: dict[str, str]
    name: str | None
    status: ProductStatus | None


class MerchantSku(BaseModel):
    """A SKU as a merchant of one tier sees it: the price it would be charged, and stock."""

    sku: str
    specs: dict[str, str]
    #: The tier's normal price; null if the tier has none (it cannot buy this SKU).
    cost: int | None
    #: The promotion pricing the tier now, if any; an order now is charged its `cost`.
    promotion: PromotionalCost | None
    available: int


def merchant_sku(
    sku: Sku, windows: Sequence[PromotionWindow], tier: str, at: datetime, available: int
) -> MerchantSku:
    """Priced by `tier_cost`, the rule order pricing charges by: shown and charged never differ."""
    price = tier_cost(sku.tier_prices, windows, tier, at)
    return MerchantSku(
        sku=sku.id,
        specs=sku.specs,
        cost=None if price is None else price.cost,
        promotion=None if price is None else price.promotion,
        available=available,
    )


class ProductHead(BaseModel):
    """What every view of a product starts with."""

    id: str
    supplier_id: str
    name: str
    category: str | None
    brand: str | None
    category_id: str | None
    brand_id: str | None
    model_id: str | None


class ProductSummary(ProductHead):
    """A product in the list, for operators and suppliers."""

    status: ProductStatus
    skus: list[str]
    created_at: datetime
    pending_revision: bool

    @classmethod
    def of(cls, product: Product) -> ProductSummary:
        return cls(**_head(product), pending_revision=product.pending_revision is not None)


class MerchantProductSummary(ProductHead):
    """A product in the list, for merchants: each SKU at the merchant's own tier."""

    status: ProductStatus
    skus: list[MerchantSku]
    created_at: datetime


class ProductView(ProductHead):
    """One product, as merchants may see it."""

    status: ProductStatus
    skus: list[str]
    created_at: datetime
    attributes: dict[str, str]
    sku_specs: dict[str, dict[str, str]]


class ProductDetail(ProductView):
    """One product, as operators and its supplier see it."""

    pending_revision: PendingRevision | None
    history: list[HistoryEntry]

    @classmethod
    def of(cls, product: Product, skus: list[Sku]) -> ProductDetail:
        return cls(
            **_head(product),
            attributes=product.attributes,
            sku_specs={sku.id: sku.specs for sku in skus},
            pending_revision=product.pending_revision,
            history=product.history,
        )

    def for_merchant(self) -> ProductView:
        return ProductView.model_validate(self.model_dump(exclude={"pending_revision", "history"}))


class MerchantProduct(ProductHead):
    """A listed product in the merchant's browse."""

    listed_at: datetime | None
    skus: list[MerchantSku]


class CategoryNode(BaseModel):
    id: str
    name: str
    parent_id: str | None
    #: Products in this category, and in its whole subtree (deleted ones left out).
    products: int
    subtree_products: int
    children: list[CategoryNode]


def _head(product: Product) -> dict[str, object]:
    return product.model_dump(
        include={
            "id",
            "supplier_id",
            "name",
            "category",
            "brand",
            "category_id",
            "brand_id",
            "model_id",
            "status",
            "skus",
            "created_at",
        }
    )
