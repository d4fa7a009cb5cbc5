"""Requests answered by the catalog worker (request/reply over the broker)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints

from schemas.common import Fen, Frozen, ShortText, Sku
from schemas.envelope import Command

SpecValue = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class SkuDraft(Frozen):
    sku: Sku
    specs: dict[SpecValue, SpecValue] = Field(default_factory=dict, max_length=16)
    tier_prices: dict[str, Fen]
    stock: int = Field(default=0, ge=0, le=10**9)


class CreateProduct(Command):
    NAME: ClassVar[str] = "catalog.create_product"
    product_id: str
    supplier_id: str
    name: ShortText
    category: ShortText
    brand: ShortText
    skus: list[SkuDraft] = Field(min_length=1, max_length=500)


ProductAction = Literal["approve", "reject", "delist", "relist", "delete", "restore"]


class ChangeProductStatus(Command):
    NAME: ClassVar[str] = "catalog.change_product_status"
    product_id: str
    action: ProductAction
    reason: str | None = None
    actor: str = "operator"

    def business_key(self) -> str:
        return f"{self.product_id}|{self.action}|{self.occurred_at.isoformat()}"
