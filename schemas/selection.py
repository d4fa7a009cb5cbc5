"""Selection (选品上架): a merchant's shop lists a SKU at its own retail price; pushes to the shop.

The messages keep the `catalog.` names they were published under before selection became an
area of its own: a name is a routing key and part of every message id, so renaming one would
strand the messages in flight. Their queues are the selection worker's (`selection.<name>`).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field, PlainSerializer, StrictInt

from schemas.commands import OutboundCommand
from schemas.common import MAX_FEN, Sku
from schemas.envelope import Command

RetailPrice = Annotated[StrictInt, Field(ge=1, le=MAX_FEN)]
SelectionStatus = Literal["listed", "delisted"]
DelistReason = Literal["removed_by_merchant", "product_delisted", "product_deleted"]
#: Selections have always shown their times as Python's isoformat (`+00:00`); kept as it was.
IsoTime = Annotated[datetime, PlainSerializer(lambda at: at.isoformat(), return_type=str, when_used="json")]


class SelectSku(Command):
    """Add a listed SKU to one of the merchant's shops (request/reply; idempotent on the id)."""

    NAME: ClassVar[str] = "catalog.select_sku"
    selection_id: str
    merchant_id: str
    platform: str
    shop_id: str
    sku: Sku
    retail_price: RetailPrice

    def business_key(self) -> str:
        return f"{self.selection_id}|{self.retail_price}"


class ChangeSelectionPrice(Command):
    NAME: ClassVar[str] = "catalog.change_selection_price"
    selection_id: str
    merchant_id: str
    retail_price: RetailPrice

    def business_key(self) -> str:
        return f"{self.selection_id}|{self.retail_price}"


class RemoveSelection(Command):
    """The merchant takes the SKU off its shop (the selection stays, delisted)."""

    NAME: ClassVar[str] = "catalog.remove_selection"
    selection_id: str
    merchant_id: str

    def business_key(self) -> str:
        return self.selection_id


class PushListing(OutboundCommand):
    """Push revision `revision` of a selection (upsert or delist) to its shop."""

    NAME: ClassVar[str] = "catalog.push_listing"
    selection_id: str
    revision: StrictInt = Field(ge=1)
    #: A second look after a lease held by another push (which may have died) ran out.
    recheck: bool = False

    def business_key(self) -> str:
        return f"{self.selection_id}|{self.revision}|{self.attempt}"


class PushStock(OutboundCommand):
    """Push a selection's CURRENT available stock; `token` is the coalescing window it closes."""

    NAME: ClassVar[str] = "catalog.push_stock"
    selection_id: str
    token: str

    def business_key(self) -> str:
        return f"{self.selection_id}|{self.token}|{self.attempt}"


def selection_id(platform: str, shop_id: str, sku: str) -> str:
    """One selection per shop and SKU: a retried request lands on the same document."""
    digest = hashlib.sha256(f"{platform}\x00{shop_id}\x00{sku}".encode()).hexdigest()
    return f"sel_{digest[:20]}"


# -- what a shop receives (`type` is added by the platform adapter: listing.upsert, ...)


class ListingUpsert(BaseModel):
    selection_id: str
    sku: str
    product_id: str
    name: str | None
    specs: dict[str, str]
    retail_price: int
    available: int


class ListingDelist(BaseModel):
    selection_id: str
    sku: str
    reason: DelistReason | None


class StockFigure(BaseModel):
    sku: str
    available: int


# -- answers (the worker's reply, and the same shape where the edge reads it back)


class PushView(BaseModel):
    """One outcome of a push to the shop (`listing.upsert`, `stock`, `…_failed`, ...)."""

    type: str
    at: IsoTime
    attempts: int
    revision: int | None = None
    available: int | None = None
    error: str | None = None


class SelectionView(BaseModel):
    id: str
    platform: str
    shop_id: str
    sku: str
    product_id: str
    retail_price: int
    status: SelectionStatus
    delisted_reason: DelistReason | None
    revision: int
    synced_revision: int
    created_at: IsoTime
    updated_at: IsoTime
    pushes: list[PushView]
