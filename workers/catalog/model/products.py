"""Products: review and listing states, the history every change leaves, reviewed revisions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from schemas.catalog import CreateProduct, EditProduct, ProductAction, ProductStatus
from workers.catalog.model.base import Stored
from workers.catalog.model.positions import ListPosition

#: action -> (states it may start from, state it leads to); restore returns to the prior state.
TRANSITIONS: dict[ProductAction, tuple[frozenset[ProductStatus], ProductStatus | None]] = {
    "approve": (frozenset({ProductStatus.PENDING_REVIEW}), ProductStatus.LISTED),
    "reject": (frozenset({ProductStatus.PENDING_REVIEW}), ProductStatus.REJECTED),
    "delist": (frozenset({ProductStatus.LISTED}), ProductStatus.DELISTED),
    "relist": (frozenset({ProductStatus.DELISTED}), ProductStatus.LISTED),
    "delete": (frozenset(set(ProductStatus) - {ProductStatus.DELETED}), ProductStatus.DELETED),
    "restore": (frozenset({ProductStatus.DELETED}), None),
}
#: Approved content changes only by review; a draft (pending or rejected) is simply rewritten.
REVIEWED = frozenset({ProductStatus.LISTED, ProductStatus.DELISTED})
DRAFTS = frozenset({ProductStatus.PENDING_REVIEW, ProductStatus.REJECTED})

HistoryEvent = Literal[
    "status_changed",
    "edited",
    "revision_submitted",
    "revision_approved",
    "revision_rejected",
    "price_changed",
]


class HistoryEntry(BaseModel):
    """One change of a product, of any kind; `id` is the request that made it (a redelivery finds it)."""

    #: Entries written before `event` existed are all status changes.
    event: HistoryEvent = "status_changed"
    by: str
    at: datetime
    why: str | None = None
    id: str | None = None
    status: ProductStatus | None = None
    revision: str | None = None
    sku: str | None = None
    tier_prices: dict[str, int] | None = None
    settlement_price: int | None = None


class Content(BaseModel):
    """What a product's content is checked against: the catalog's categories, brands, models."""

    category_id: str | None
    brand_id: str | None
    model_id: str | None
    attributes: dict[str, str]


class ContentChange(BaseModel):
    """What applying an edit writes on the product (SKU specs are written on the SKUs first)."""

    name: str | None = None
    category_id: str | None = None
    brand_id: str | None = None
    attributes: dict[str, str] | None = None
    position: ListPosition | None = None

    def fields(self) -> dict[str, object]:
        changed = self.model_dump(exclude_none=True, exclude={"position"})
        return changed | (self.position.model_dump() if self.position else {})


class Revision(BaseModel):
    """A supplier's edit of the content; None leaves a field as it is."""

    name: str | None = None
    category_id: str | None = None
    brand_id: str | None = None
    attributes: dict[str, str] | None = None
    sku_specs: dict[str, dict[str, str]] | None = None

    @classmethod
    def of(cls, cmd: EditProduct) -> Revision:
        specs = None if cmd.skus is None else {edit.sku: dict(edit.specs) for edit in cmd.skus}
        fields = cmd.model_dump(include={"name", "category_id", "brand_id", "attributes"})
        return cls(**fields, sku_specs=specs)

    def change(self, created_at: datetime) -> ContentChange:
        position = None if self.name is None else ListPosition.of(self.name, created_at)
        content = self.model_dump(include={"name", "category_id", "brand_id", "attributes"})
        return ContentChange(**content, position=position)


class PendingRevision(Revision):
    """A listed product's edit, waiting for an operator's review."""

    id: str
    by: str
    at: datetime


class Product(Stored, ListPosition):
    id: str = Field(alias="_id")
    supplier_id: str
    name: str
    #: Free text of the first API version; `category_id`/`brand_id` pick catalog data.
    category: str | None = None
    brand: str | None = None
    category_id: str | None = None
    brand_id: str | None = None
    model_id: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)
    status: ProductStatus
    skus: list[str]
    created_at: datetime
    history: list[HistoryEntry] = Field(default_factory=list)
    listed_at: datetime | None = None
    listed_key: str | None = None
    last_command: str | None = None
    deleted_from: ProductStatus | None = None
    deleted_at: datetime | None = None
    pending_revision: PendingRevision | None = None

    @classmethod
    def new(cls, cmd: CreateProduct, at: datetime) -> Product:
        entry = HistoryEntry(
            status=ProductStatus.PENDING_REVIEW, by=cmd.supplier_id, at=at, id=cmd.message_id
        )
        fields = cmd.model_dump(
            include={"supplier_id", "name", "category", "brand", "category_id", "brand_id", "model_id"}
        )
        return cls(
            **fields,
            **ListPosition.of(cmd.name, at).model_dump(),
            id=cmd.product_id,
            attributes=dict(cmd.attributes),
            status=ProductStatus.PENDING_REVIEW,
            skus=[draft.sku for draft in cmd.skus],
            created_at=at,
            history=[entry],
        )

    @property
    def category_key(self) -> str | None:
        return category_key(self.category_id, self.category)

    def content_after(self, revision: Revision) -> Content:
        return Content(
            category_id=self.category_id if revision.category_id is None else revision.category_id,
            brand_id=self.brand_id if revision.brand_id is None else revision.brand_id,
            model_id=self.model_id,
            attributes=self.attributes if revision.attributes is None else revision.attributes,
        )

    def foreign_sku_problem(self, codes: list[str]) -> str | None:
        for i, code in enumerate(codes):
            if code not in self.skus:
                return f"skus.{i}.sku: {code!r} is not a SKU of this product"
        return None

    def did(self, request_id: str) -> bool:
        """Whether the request `request_id` already left its entry in the history."""
        return any(entry.id == request_id for entry in self.history)

    def purgeable(self, now: datetime, retention: timedelta) -> bool:
        return (
            self.status is ProductStatus.DELETED
            and self.deleted_at is not None
            and (self.deleted_at < now - retention)
        )


def category_key(category_id: str | None, category: str | None) -> str | None:
    """The category a product's sales count in: its taxonomy id, else its free-text category."""
    return category_id or category


def listed_key(at: datetime, product_id: str) -> str:
    """Sorts like the listing time: a fixed-width timestamp, then the id as the tie-break."""
    return f"{at.isoformat(timespec='microseconds')}|{product_id}"
