"""Selections (选品上架): a merchant's shop lists one SKU at its own retail price.

A selection is `listed` or `delisted`; every change of what the shop should show starts a new
`revision`, pushed to the shop as a `PushListing`; `delivered_revision` is the newest one the
shop acknowledged. Stock pushes are coalesced per selection through one open window at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from schemas.selection import DelistReason, PushListing, PushView, SelectionStatus, SelectionView, SelectSku

#: Written by `repository` only, read by `queries` only.
SELECTIONS = "selections"
LISTED: SelectionStatus = "listed"
DELISTED: SelectionStatus = "delisted"
#: product status -> why its selections were delisted; a relist brings back only these.
PRODUCT_REASONS: dict[str, DelistReason] = {"delisted": "product_delisted", "deleted": "product_deleted"}
#: The delivery log keeps the latest entries only; the view shows fewer.
LOG_KEEP = 20
SHOWN_PUSHES = 5


class PushLogEntry(BaseModel):
    """An outcome of a push (`listing.upsert`, `listing.delist`, `stock`, or one `…_failed`)."""

    type: str
    at: datetime
    attempts: int
    revision: int | None = None
    available: int | None = None
    error: str | None = None


class Selection(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")
    id: str = Field(alias="_id")
    merchant_id: str
    platform: str
    shop_id: str
    sku: str
    product_id: str
    retail_price: int
    status: SelectionStatus
    delisted_reason: DelistReason | None = None
    revision: int
    delivered_revision: int = 0
    #: The token of the open stock window (its push is scheduled); the last one closed.
    stock_push_pending: str | None = None
    stock_push_token: str | None = None
    #: Which revision's push holds the right to send, and until when.
    push_lease_revision: int | None = None
    push_lease_until: datetime | None = None
    deliveries: list[PushLogEntry] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime

    @classmethod
    def new(cls, cmd: SelectSku, product_id: str, now: datetime) -> Selection:
        return cls(
            id=cmd.selection_id,
            merchant_id=cmd.merchant_id,
            platform=cmd.platform,
            shop_id=cmd.shop_id,
            sku=cmd.sku,
            product_id=product_id,
            retail_price=cmd.retail_price,
            status=LISTED,
            revision=1,
            created_at=now,
            updated_at=now,
        )

    @property
    def synced(self) -> bool:
        return self.delivered_revision >= self.revision

    def push(self) -> PushListing:
        return PushListing(correlation_id=self.id, selection_id=self.id, revision=self.revision)

    def view(self) -> SelectionView:
        fields = self.model_dump(
            include={
                "id",
                "platform",
                "shop_id",
                "sku",
                "product_id",
                "retail_price",
                "status",
                "delisted_reason",
            }
        )
        return SelectionView(
            **fields,
            revision=self.revision,
            synced_revision=self.delivered_revision,
            created_at=self.created_at,
            updated_at=self.updated_at,
            pushes=[PushView(**entry.model_dump()) for entry in self.deliveries[-SHOWN_PUSHES:]],
        )


@dataclass(frozen=True)
class Expect:
    """What the stored selection must still be for a change to apply (one conditional write)."""

    merchant_id: str | None = None
    status: SelectionStatus | None = None
    revision: int | None = None
    price_other_than: int | None = None

    def holds(self, sel: Selection) -> bool:
        return (
            self.merchant_id in (None, sel.merchant_id)
            and self.status in (None, sel.status)
            and self.revision in (None, sel.revision)
            and (self.price_other_than is None or sel.retail_price != self.price_other_than)
        )


@dataclass(frozen=True)
class Change:
    """What a change sets. A status is always written with its reason (None when listed)."""

    status: SelectionStatus | None = None
    delisted_reason: DelistReason | None = None
    retail_price: int | None = None
    updated_at: datetime | None = None

    def fields(self) -> dict[str, object]:
        fields: dict[str, object] = {}
        if self.status is not None:
            fields |= {"status": self.status, "delisted_reason": self.delisted_reason}
        if self.retail_price is not None:
            fields["retail_price"] = self.retail_price
        if self.updated_at is not None:
            fields["updated_at"] = self.updated_at
        return fields


def following(sel: Selection, product_status: str | None) -> Change | None:
    """How a selection follows its product's status (None: the product is gone): off the shelf
    with it, back with it, except a selection its merchant removed. None: nothing changes."""
    status = product_status or "deleted"
    if sel.status == LISTED and status in PRODUCT_REASONS:
        return Change(status=DELISTED, delisted_reason=PRODUCT_REASONS[status])
    if sel.status == DELISTED and status == LISTED and sel.delisted_reason in PRODUCT_REASONS.values():
        return Change(status=LISTED)
    return None
