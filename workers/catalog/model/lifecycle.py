"""A product's review and listing: which action moves it where, and what the move writes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from schemas.catalog import ProductAction, ProductStatus
from workers.catalog.model.products import TRANSITIONS, HistoryEntry, Product, listed_key


class Transition(BaseModel):
    """A status change that applies only while the product is still in one of `allowed_from`."""

    allowed_from: frozenset[ProductStatus]
    status: ProductStatus
    command_id: str
    entry: HistoryEntry
    #: Set when the change lists the product; only the first listing is kept (new arrivals stay new once).
    listed_at: datetime | None = None
    listed_key: str | None = None
    deleted_from: ProductStatus | None = None
    deleted_at: datetime | None = None

    def refusal(self, action: ProductAction) -> str:
        names = " or ".join(sorted(s.value for s in self.allowed_from))
        return f"cannot {action} a product that is not {names}"

    def applied_to(self, product: Product) -> Product | None:
        """The product after this change, or None when its status no longer allows it."""
        if product.status not in self.allowed_from:
            return None
        update: dict[str, object] = {
            "status": self.status,
            "last_command": self.command_id,
            "history": [*product.history, self.entry],
        }
        if self.listed_at is not None and self.listed_key is not None:
            update["listed_at"] = min(product.listed_at or self.listed_at, self.listed_at)
            update["listed_key"] = min(product.listed_key or self.listed_key, self.listed_key)
        if self.deleted_from is not None:
            update |= {"deleted_from": self.deleted_from, "deleted_at": self.deleted_at}
        return product.model_copy(update=update)


def plan_transition(
    product: Product, action: ProductAction, *, command_id: str, by: str, why: str | None, at: datetime
) -> Transition:
    """`action` on `product` as read; the store applies it only if the status still allows it."""
    allowed_from, target = TRANSITIONS[action]
    status = target or product.deleted_from or ProductStatus.PENDING_REVIEW
    listing = status is ProductStatus.LISTED
    deleting = status is ProductStatus.DELETED
    return Transition(
        allowed_from=allowed_from,
        status=status,
        command_id=command_id,
        entry=HistoryEntry(status=status, by=by, at=at, why=why, id=command_id),
        listed_at=at if listing else None,
        listed_key=listed_key(at, product.id) if listing else None,
        deleted_from=product.status if deleting else None,
        deleted_at=at if deleting else None,
    )
