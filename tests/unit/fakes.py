"""In-memory twins of the repositories, with the same atomic semantics per call."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from workers.catalog.model import PromoPrice, SkuOffer


@dataclass
class PromoWindow:
    promotion_id: str
    starts_at: datetime
    ends_at: datetime
    tier_prices: dict[str, int]


class MemoryCatalog:
    """Twin of the order worker's `CatalogReader`: merchants' tiers, SKUs, promotion windows."""

    def __init__(self) -> None:
        self.tiers: dict[str, str] = {}
        self.skus: dict[str, SkuOffer] = {}
        self.windows: dict[str, list[PromoWindow]] = {}

    async def merchant_tier(self, merchant_id: str) -> str | None:
        return self.tiers.get(merchant_id)

    async def offers(self, skus: list[str], at: datetime | None = None) -> dict[str, SkuOffer]:
        found: dict[str, SkuOffer] = {}
        for code in skus:
            if (offer := self.skus.get(code)) is None:
                continue
            active = [w for w in self.windows.get(code, []) if at and w.starts_at <= at < w.ends_at]
            promo = PromoPrice(active[0].promotion_id, active[0].tier_prices) if active else None
            found[code] = replace(offer, promotion=promo)
        return found

    async def webhook_suppliers(self, supplier_ids: list[str]) -> set[str]:
        return set()

    async def shop(self, platform: str, shop_id: str) -> dict[str, object] | None:
        return None

    async def supplier(self, supplier_id: str) -> dict[str, object] | None:
        return None
