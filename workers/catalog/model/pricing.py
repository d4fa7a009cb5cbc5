"""The price a merchant pays: ONE rule, used by order pricing and by the merchant's browse view.

A merchant of tier T pays for SKU S at moment t the promotional price of the promotion whose
window holds t, if that promotion names T; otherwise T's normal price. A tier without a normal
price cannot buy the SKU at all, whatever a promotion says: a promotion never makes a SKU
orderable for a tier the supplier did not price.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from workers.catalog.model.promotions import PromotionWindow
from workers.catalog.model.skus import Sku


class PromotionalCost(BaseModel):
    """The promotion pricing a tier now, as merchants see it."""

    model_config = ConfigDict(frozen=True)
    id: str
    cost: int
    ends_at: datetime


class TierCost(BaseModel):
    model_config = ConfigDict(frozen=True)
    #: The tier's normal price.
    cost: int
    promotion: PromotionalCost | None = None

    @property
    def pays(self) -> int:
        return self.cost if self.promotion is None else self.promotion.cost


def tier_cost(
    tier_prices: Mapping[str, int], windows: Sequence[PromotionWindow], tier: str, at: datetime | None
) -> TierCost | None:
    """What `tier` pays at `at` (no promotion when `at` is None); None: the tier cannot buy it."""
    if tier not in tier_prices:
        return None
    # Windows of one SKU never overlap, so at most one holds `at`.
    window = next((w for w in windows if at is not None and w.holds(at)), None)
    if window is None or tier not in window.tier_prices:
        return TierCost(cost=tier_prices[tier])
    promotion = PromotionalCost(id=window.promotion_id, cost=window.tier_prices[tier], ends_at=window.ends_at)
    return TierCost(cost=tier_prices[tier], promotion=promotion)


@dataclass(frozen=True)
class SkuOffer:
    """A SKU as sold at moment `at`: what order pricing reads of the catalog."""

    sku: str
    supplier_id: str
    orderable: bool
    tier_prices: dict[str, int]
    windows: tuple[PromotionWindow, ...] = ()
    at: datetime | None = None
    #: What the supplier is paid per unit (settlement reads it off the order line); None if unset.
    settlement_price: int | None = None
    #: Its product's category as the SKU carries it (sales reads it off the order line).
    category: str | None = None

    @classmethod
    def of(cls, sku: Sku, windows: Sequence[PromotionWindow], at: datetime | None) -> SkuOffer:
        return cls(
            sku.id,
            sku.supplier_id,
            sku.orderable,
            sku.tier_prices,
            tuple(windows),
            at,
            sku.settlement_price,
            sku.category,
        )

    def cost_for(self, tier: str) -> TierCost | None:
        return tier_cost(self.tier_prices, self.windows, tier, self.at)

    def unit_cost(self, tier: str) -> tuple[int, str | None] | None:
        """The tier's cost, promotional if a promotion prices this tier, with the promotion's id;
        None when the tier cannot buy the SKU (`tier_cost`)."""
        cost = self.cost_for(tier)
        if cost is None:
            return None
        return cost.pays, None if cost.promotion is None else cost.promotion.id
