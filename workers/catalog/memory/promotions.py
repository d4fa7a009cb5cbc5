"""In-memory twin of `MongoPromotions`: a claim is one check-and-add, like the conditional upsert."""

from __future__ import annotations

from datetime import datetime

from workers.catalog.memory.products import MemoryProducts
from workers.catalog.model import Promotion, PromotionWindow, Sku


class MemoryPromotions:
    def __init__(self, products: MemoryProducts) -> None:
        self.promotions: dict[str, Promotion] = {}
        #: SKU code -> the windows of the promotions pricing it (`promotion_skus`).
        self.windows: dict[str, list[PromotionWindow]] = {}
        self._products = products

    async def get(self, promotion_id: str) -> Promotion | None:
        return self.promotions.get(promotion_id)

    async def skus(self, codes: list[str]) -> dict[str, Sku]:
        return {code: self._products.skus[code] for code in codes if code in self._products.skus}

    async def insert(self, promotion: Promotion) -> Promotion:
        return self.promotions.setdefault(promotion.id, promotion)

    async def claim(self, sku: str, window: PromotionWindow) -> str | None:
        windows = self.windows.setdefault(sku, [])
        clash = next((w for w in windows if window.overlaps(w)), None)
        if clash is not None:
            return clash.promotion_id
        if window not in windows:  # $addToSet
            windows.append(window)
        return None

    async def drop(self, promotion_id: str, skus: list[str]) -> None:
        for sku in skus:
            if sku in self.windows:
                self.windows[sku] = [w for w in self.windows[sku] if w.promotion_id != promotion_id]
        if (promotion := self.promotions.get(promotion_id)) is not None and promotion.state == "claiming":
            del self.promotions[promotion_id]

    async def open(self, promotion_id: str) -> Promotion | None:
        if (promotion := self.promotions.get(promotion_id)) is None:
            return None
        self.promotions[promotion_id] = promotion.model_copy(update={"state": "open"})
        return self.promotions[promotion_id]

    async def mark_ended(self, promotion_id: str, ends_at: datetime, at: datetime) -> Promotion | None:
        promotion = self.promotions.get(promotion_id)
        if promotion is None or promotion.ended_at is not None:
            return None
        self.promotions[promotion_id] = promotion.model_copy(update={"ends_at": ends_at, "ended_at": at})
        return self.promotions[promotion_id]

    async def close_windows(self, promotion: Promotion) -> None:
        for sku in promotion.skus:
            self.windows[sku] = [
                _closed(w, promotion) for w in self.windows.get(sku, []) if not _dropped(w, promotion)
            ]


def _dropped(window: PromotionWindow, promotion: Promotion) -> bool:
    return window.promotion_id == promotion.id and promotion.never_ran


def _closed(window: PromotionWindow, promotion: Promotion) -> PromotionWindow:
    if window.promotion_id != promotion.id:
        return window
    return window.model_copy(update={"ends_at": min(window.ends_at, promotion.ends_at)})
