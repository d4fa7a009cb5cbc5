"""Selection (选品上架): a merchant's shop lists a SKU at its own retail price; pushes to the shop."""

from __future__ import annotations

import hashlib
from typing import Annotated, ClassVar

from pydantic import Field, StrictInt

from schemas.commands import OutboundCommand
from schemas.common import MAX_FEN, Sku
from schemas.envelope import Command

RetailPrice = Annotated[StrictInt, Field(ge=1, le=MAX_FEN)]


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
