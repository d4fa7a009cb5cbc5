"""Catalog's messages: requests the catalog worker answers (request/reply), and its answers.

Keys of specs, attributes and tier prices become MongoDB field names, so `FieldKey` refuses
`$`, `.` and NUL; every collection in a request is capped, so no request can store (and have
echoed back) an unbounded document.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field, StrictInt, StringConstraints

from schemas.common import MAX_FEN, Fen, Frozen, Instant, ShortText, Sku, StockLevel
from schemas.envelope import Command

MAX_SKUS = 200
MAX_SPECS = 16
MAX_ATTRIBUTES = 32
MAX_TIERS = 64
MAX_SPEC_VALUES = 50
MAX_PROMOTION_ITEMS = 500

#: A key stored as a MongoDB field name: not empty, no `$`, `.` or NUL.
FieldKey = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^$.\x00]+$")]
SpecValue = Annotated[str, StringConstraints(min_length=1, max_length=64)]
#: Whether the tier exists is the catalog's rule (`tier_prices_problem`), asked of accounts' tiers.
TierKey = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[^$.\x00]+$")]
#: The id of a category, brand or product model.
Ref = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Specs = Annotated[dict[FieldKey, SpecValue], Field(max_length=MAX_SPECS)]
Attributes = Annotated[dict[FieldKey, ShortText], Field(max_length=MAX_ATTRIBUTES)]
TierPrices = Annotated[dict[TierKey, Fen], Field(max_length=MAX_TIERS)]
#: A promotional price must be a real price: 0 would give goods away.
PromoFen = Annotated[StrictInt, Field(gt=0, le=MAX_FEN)]


class ProductStatus(StrEnum):
    PENDING_REVIEW = "pending_review"
    LISTED = "listed"
    REJECTED = "rejected"
    DELISTED = "delisted"
    DELETED = "deleted"


ProductAction = Literal["approve", "reject", "delist", "relist", "delete", "restore"]
PromotionStatus = Literal["pending", "scheduled", "active", "ended"]


class SkuDraft(Frozen):
    sku: Sku
    specs: Specs = Field(default_factory=dict)
    tier_prices: TierPrices
    stock: StockLevel = 0
    #: What the platform pays the supplier per unit (货款); required of a new SKU (`drafts_problem`).
    settlement_price: Fen | None = None


class CreateProduct(Command):
    NAME: ClassVar[str] = "catalog.create_product"
    product_id: str
    supplier_id: str
    name: ShortText
    category: ShortText | None = None
    brand: ShortText | None = None
    skus: list[SkuDraft] = Field(min_length=1, max_length=MAX_SKUS)
    category_id: Ref | None = None
    brand_id: Ref | None = None
    model_id: Ref | None = None
    attributes: Attributes = Field(default_factory=dict)


class ChangeProductStatus(Command):
    NAME: ClassVar[str] = "catalog.change_product_status"
    product_id: str
    action: ProductAction
    reason: str | None = None
    actor: str = "operator"

    def business_key(self) -> str:
        return f"{self.product_id}|{self.action}|{self.occurred_at.isoformat()}"


class SkuSpecsEdit(Frozen):
    sku: Sku
    specs: Specs


class EditProduct(Command):
    """A supplier's content edit; on a listed product it waits for review as a revision."""

    NAME: ClassVar[str] = "catalog.edit_product"
    product_id: str
    supplier_id: str
    name: ShortText | None = None
    category_id: Ref | None = None
    brand_id: Ref | None = None
    attributes: Attributes | None = None
    skus: list[SkuSpecsEdit] | None = Field(default=None, max_length=MAX_SKUS)

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
    tier_prices: TierPrices
    #: None leaves the SKU's settlement price as it is.
    settlement_price: Fen | None = None

    def business_key(self) -> str:
        return f"{self.sku}|{self.occurred_at.isoformat()}"


class CreateCategory(Command):
    NAME: ClassVar[str] = "catalog.create_category"
    category_id: str
    name: ShortText
    parent_id: Ref | None = None


class ChangeCategory(Command):
    """Rename (`name`) and/or move (`parent_id`, with `move` set; None = to the root)."""

    NAME: ClassVar[str] = "catalog.change_category"
    category_id: str
    name: ShortText | None = None
    move: bool = False
    parent_id: Ref | None = None

    def business_key(self) -> str:
        return f"{self.category_id}|{self.occurred_at.isoformat()}"


class CreateBrand(Command):
    NAME: ClassVar[str] = "catalog.create_brand"
    brand_id: str
    name: ShortText


ModelSpecs = Annotated[
    dict[FieldKey, Annotated[list[SpecValue], Field(max_length=MAX_SPEC_VALUES)]], Field(max_length=MAX_SPECS)
]
AttributeNames = Annotated[list[FieldKey], Field(max_length=MAX_ATTRIBUTES)]


class CreateProductModel(Command):
    NAME: ClassVar[str] = "catalog.create_product_model"
    model_id: str
    name: ShortText
    specs: ModelSpecs = Field(default_factory=dict)
    attributes: AttributeNames = Field(default_factory=list)


class PromotionItem(Frozen):
    sku: Sku
    #: Partial on purpose: a tier without a promotional price pays its normal price.
    tier_prices: dict[TierKey, PromoFen] = Field(min_length=1, max_length=32)


class CreatePromotion(Command):
    NAME: ClassVar[str] = "catalog.create_promotion"
    promotion_id: str
    name: ShortText
    starts_at: Instant
    ends_at: Instant
    items: list[PromotionItem] = Field(min_length=1, max_length=MAX_PROMOTION_ITEMS)

    def business_key(self) -> str:
        return self.promotion_id


class EndPromotion(Command):
    """End a promotion at `occurred_at`; orders received from then on pay normal prices."""

    NAME: ClassVar[str] = "catalog.end_promotion"
    promotion_id: str
    actor: str = "operator"

    def business_key(self) -> str:
        return self.promotion_id


# -- answers (the worker's reply, and the same shape where the edge reads it back)


class ProductState(BaseModel):
    id: str
    status: ProductStatus


class EditOutcome(ProductState):
    pending_revision: bool


class SkuPrices(BaseModel):
    sku: str
    tier_prices: dict[str, int]
    #: Null for a SKU created before settlement prices, until its supplier sets one.
    settlement_price: int | None = None


class CategoryView(BaseModel):
    id: str
    name: str
    parent_id: str | None
    path: list[str]


class BrandView(BaseModel):
    id: str
    name: str


class ProductModelView(BaseModel):
    id: str
    name: str
    specs: dict[str, list[str]]
    attributes: list[str]


class PromotionView(BaseModel):
    id: str
    name: str
    starts_at: datetime
    ends_at: datetime
    status: PromotionStatus
    ended_at: datetime | None
    items: list[PromotionItem]
    created_at: datetime
