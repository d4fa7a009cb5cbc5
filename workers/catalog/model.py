"""Product review and listing states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


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


@dataclass(frozen=True)
class PromoPrice:
    """The promotion pricing a SKU at the order's receipt; tiers it does not name pay normally."""

    promotion_id: str
    tier_prices: dict[str, int]


@dataclass(frozen=True)
class SkuOffer:
    """What the catalog says about a SKU at pricing time."""

    sku: str
    supplier_id: str
    orderable: bool
    tier_prices: dict[str, int]
    promotion: PromoPrice | None = None

    def unit_cost(self, tier: str) -> tuple[int, str | None]:
        """The tier's cost, promotional if a promotion prices this tier; with its id."""
        if self.promotion is not None and tier in self.promotion.tier_prices:
            return self.promotion.tier_prices[tier], self.promotion.promotion_id
        return self.tier_prices[tier], None


def missing_tiers(tier_prices: dict[str, int], tiers: list[str]) -> list[str]:
    return [tier for tier in tiers if tier not in tier_prices]


def spec_problem(model: dict[str, Any], specs: dict[str, str], where: str) -> str | None:
    """Why `specs` does not fit the product model's dimensions, naming the field, else None."""
    allowed: dict[str, list[str]] = model["specs"]
    for dimension, value in specs.items():
        if dimension not in allowed:
            return f"{where}.{dimension}: not a spec of model {model['name']!r} ({', '.join(allowed)})"
        if value not in allowed[dimension]:
            return f"{where}.{dimension}: {value!r} is not one of {', '.join(allowed[dimension])}"
    for dimension in allowed:
        if dimension not in specs:
            return f"{where}.{dimension}: missing (model {model['name']!r} requires it)"
    return None


def attribute_problem(model: dict[str, Any], attributes: dict[str, str]) -> str | None:
    for name in attributes:
        if name not in model["attributes"]:
            return f"attributes.{name}: not an attribute of model {model['name']!r}"
    return None


def name_grams(name: str) -> list[str]:
    """Lower-cased characters and character pairs: a multikey index answers substring search."""
    text = name.lower()
    return sorted(set(text) | {text[i : i + 2] for i in range(len(text) - 1)})


def query_grams(q: str) -> list[str]:
    text = q.lower()
    return [text] if len(text) == 1 else sorted({text[i : i + 2] for i in range(len(text) - 1)})


_POS_BASE = 0x110000


def name_pos(name_key: str) -> int:
    """An integer that orders like the first three characters: lets a scan window the name order."""
    head = [ord(c) for c in name_key[:3]] + [0, 0, 0]
    return (head[0] * _POS_BASE + head[1]) * _POS_BASE + head[2]


def created_pos(at: datetime) -> int:
    return int(at.timestamp() * 1_000_000)


def sort_fields(name: str, created_at: datetime) -> dict[str, Any]:
    """The derived fields the product list sorts, windows and searches on."""
    key = name.lower()
    return {
        "name_key": key,
        "pos_name": name_pos(key),
        "pos_created": created_pos(created_at),
        "name_grams": name_grams(name),
    }
