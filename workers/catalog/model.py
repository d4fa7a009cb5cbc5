"""Product review and listing states."""

from __future__ import annotations

from enum import StrEnum


class ProductStatus(StrEnum):
    PENDING_REVIEW = "pending_review"
    LISTED = "listed"
    REJECTED = "rejected"
    DELISTED = "delisted"
    DELETED = "deleted"


#: action -> (states it may start from, state it leads to); restore returns to the prior state.
TRANSITIONS: dict[str, tuple[frozenset[ProductStatus], ProductStatus | None]] = {
    "approve": (frozenset({ProductStatus.PENDING_REVIEW}), ProductStatus.LISTED),
    "reject": (frozenset({ProductStatus.PENDING_REVIEW}), ProductStatus.REJECTED),
    "delist": (frozenset({ProductStatus.LISTED}), ProductStatus.DELISTED),
    "relist": (frozenset({ProductStatus.DELISTED}), ProductStatus.LISTED),
    "delete": (frozenset(set(ProductStatus) - {ProductStatus.DELETED}), ProductStatus.DELETED),
    "restore": (frozenset({ProductStatus.DELETED}), None),
}


def missing_tiers(tier_prices: dict[str, int], tiers: list[str]) -> list[str]:
    return [tier for tier in tiers if tier not in tier_prices]
