"""Requests answered by the catalog worker (request/reply over the broker)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints

from schemas.common import Fen, Frozen, ShortText, Sku, StockLevel
from schemas.envelope import Command

SpecValue = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class SkuDraft(Frozen):
    sku: Sku
    specs: dict[SpecValue, SpecValue] = Field(default_factory=dict, max_length=16)
    tier_prices: dict[str, Fen]
    stock: StockLevel = 0


class CreateProduct(Command):
    NAME: ClassVar[str] = "catalog.create_product"
    product_id: str
    supplier_id: str
    name: ShortText
    category: ShortText | None = None
    brand: ShortText | None = None
    skus: list[SkuDraft] = Field(min_length=1, max_length=500)
    category_id: str | None = None
    brand_id: str | None = None
    model_id: str | None = None
    attributes: dict[SpecValue, ShortText] = Field(default_factory=dict, max_length=32)


ProductAction = Literal["approve", "reject", "delist", "relist", "delete", "restore"]


class ChangeProductStatus(Command):
    NAME: ClassVar[str] = "catalog.change_product_status"
    product_id: str
    action: ProductAction
    reason: str | None = None
    actor: str = "operator"

    def business_key(self) -> str:
        return f"{self.product_id}|{self.action}|{self.occurred_at.isoformat()}"


class CreateCategory(Command):
    NAME: ClassVar[str] = "catalog.create_category"
    category_id: str
    name: ShortText
    parent_id: str | None = None


class ChangeCategory(Command):
    """Rename (`name`) and/or move (`parent_id`, with `move` set; None = to the root)."""

    NAME: ClassVar[str] = "catalog.change_category"
    category_id: str
    name: ShortText | None = None
    move: bool = False
    parent_id: str | None = None

    def business_key(self) -> str:
        return f"{self.category_id}|{self.occurred_at.isoformat()}"


class CreateBrand(Command):
    NAME: ClassVar[str] = "catalog.create_brand"
    brand_id: str
    name: ShortText


class CreateProductModel(Command):
    NAME: ClassVar[str] = "catalog.create_product_model"
    model_id: str
    name: ShortText
    specs: dict[SpecValue, list[SpecValue]] = Field(default_factory=dict, max_length=16)
    attributes: list[SpecValue] = Field(default_factory=list, max_length=32)


class SkuSpecsEdit(Frozen):
    sku: Sku
    specs: dict[SpecValue, SpecValue]


class EditProduct(Command):
    """A supplier's content edit; on a listed product it waits for review as a revision."""

    NAME: ClassVar[str] = "catalog.edit_product"
    product_id: str
    supplier_id: str
    name: ShortText | None = None
    category_id: str | None = None
    brand_id: str | None = None
    attributes: dict[SpecValue, ShortText] | None = None
    skus: list[SkuSpecsEdit] | None = None

    def business_key(self) -> str:
        return f"{self.product_id}|{self.occurred_at.isoformat()}"


class ReviewRevision(Command):
    NAME: ClassVar[str] = "catalog.review_revision"
    product_id: str
    approve: bool
    reason: str | None = None
    actor: str = "operator"

    def business_key(self) -> str:
        return f"{self.product_id}|{self.approve}|{self.occurred_at.isoformat()}"


class ChangeSkuPrices(Command):
    NAME: ClassVar[str] = "catalog.change_sku_prices"
    sku: Sku
    supplier_id: str
    tier_prices: dict[str, Fen]

    def business_key(self) -> str:
        return f"{self.sku}|{self.occurred_at.isoformat()}"
