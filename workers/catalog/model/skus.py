"""SKUs and their tier prices: every required tier priced, and only tiers that exist."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from schemas.catalog import SkuDraft
from workers.catalog.model.base import Stored


class Sku(Stored):
    id: str = Field(alias="_id")
    product_id: str
    supplier_id: str
    specs: dict[str, str] = Field(default_factory=dict)
    tier_prices: dict[str, int]
    #: Follows the product: true exactly while it is listed.
    orderable: bool = False
    #: What the supplier is paid per unit; None on SKUs created before it was required.
    settlement_price: int | None = None
    #: Its product's category (`Product.category_key`), kept here so an order priced from the
    #: SKU knows it without reading the product; None when the product has none, or on SKUs
    #: stored before SKUs carried it (until the product's next status change).
    category: str | None = None

    @classmethod
    def of(cls, draft: SkuDraft, *, product_id: str, supplier_id: str, category: str | None = None) -> Sku:
        return cls(
            id=draft.sku,
            product_id=product_id,
            supplier_id=supplier_id,
            specs=dict(draft.specs),
            tier_prices=dict(draft.tier_prices),
            settlement_price=draft.settlement_price,
            category=category,
        )


def missing_tiers(tier_prices: dict[str, int], tiers: Sequence[str]) -> list[str]:
    return [tier for tier in tiers if tier not in tier_prices]


def tier_prices_problem(
    tier_prices: dict[str, int], *, required: Sequence[str], known: Sequence[str], where: str
) -> str | None:
    """Why these prices cannot be stored, naming the field (`where` or `where.<tier>`), else None.

    Every required tier needs a price; a tier that does not exist would be a price nobody pays,
    stored under a key anyone may invent.
    """
    if missing := missing_tiers(tier_prices, required):
        return f"{where}: no price for tier {missing[0]!r}"
    for tier in tier_prices:
        if tier not in known:
            return f"{where}.{tier}: unknown tier {tier!r}; known: {', '.join(known)}"
    return None


def drafts_problem(
    drafts: Sequence[SkuDraft], *, required: Sequence[str], known: Sequence[str]
) -> str | None:
    for i, draft in enumerate(drafts):
        where = f"skus.{i}.tier_prices"
        if problem := tier_prices_problem(draft.tier_prices, required=required, known=known, where=where):
            return problem
        if draft.settlement_price is None:
            # A new SKU is settled with its supplier from its first sale (docs/settlement.md).
            return f"skus.{i}.settlement_price: required (what the supplier is paid per unit, in fen)"
    return None
