"""Holiday promotions: the only writer of `promotions` and `promotion_skus`.

Each SKU has one document in `promotion_skus` holding the windows of the promotions that
price it. A window is added by a single conditional upsert whose filter says "no other
promotion's window overlaps this one".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from workers.catalog.model import Promotion, PromotionWindow, Sku
from workers.catalog.model.base import PROMOTION_SKUS, PROMOTIONS, SKUS


class MongoPromotions:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._promotions = db[PROMOTIONS]
        self._windows = db[PROMOTION_SKUS]
        self._skus = db[SKUS]

    async def get(self, promotion_id: str) -> Promotion | None:
        doc = await self._promotions.find_one({"_id": promotion_id})
        return None if doc is None else Promotion.model_validate(doc)

    async def skus(self, codes: list[str]) -> dict[str, Sku]:
        return {doc["_id"]: Sku.model_validate(doc) async for doc in self._skus.find({"_id": {"$in": codes}})}

    async def insert(self, promotion: Promotion) -> Promotion:
        try:
            await self._promotions.insert_one(promotion.model_dump(by_alias=True))
        except DuplicateKeyError:
            return await self.get(promotion.id) or promotion
        return promotion

    async def claim(self, sku: str, window: PromotionWindow) -> str | None:
        overlapping = {
            "promotion_id": {"$ne": window.promotion_id},
            "starts_at": {"$lt": window.ends_at},
            "ends_at": {"$gt": window.starts_at},
        }
        # Two attempts: a first upsert can lose an insert race for a SKU's very first window.
        for _ in range(2):
            try:
                await self._windows.update_one(
                    {"_id": sku, "windows": {"$not": {"$elemMatch": overlapping}}},
                    {"$addToSet": {"windows": window.model_dump()}},
                    upsert=True,
                )
                return None
            except DuplicateKeyError:
                doc = await self._windows.find_one({"_id": sku}, {"windows": {"$elemMatch": overlapping}})
                if doc and doc.get("windows"):
                    return str(doc["windows"][0]["promotion_id"])
        return "unknown"

    async def drop(self, promotion_id: str, skus: list[str]) -> None:
        await self._windows.update_many(
            {"_id": {"$in": skus}}, {"$pull": {"windows": {"promotion_id": promotion_id}}}
        )
        await self._promotions.delete_one({"_id": promotion_id, "state": "claiming"})

    async def open(self, promotion_id: str) -> Promotion | None:
        doc = await self._promotions.find_one_and_update(
            {"_id": promotion_id}, {"$set": {"state": "open"}}, return_document=ReturnDocument.AFTER
        )
        return None if doc is None else Promotion.model_validate(doc)

    async def mark_ended(self, promotion_id: str, ends_at: datetime, at: datetime) -> Promotion | None:
        doc = await self._promotions.find_one_and_update(
            {"_id": promotion_id, "ended_at": None},
            {"$set": {"ends_at": ends_at, "ended_at": at}},
            return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else Promotion.model_validate(doc)

    async def close_windows(self, promotion: Promotion) -> None:
        mine = {"_id": {"$in": promotion.skus}}
        if promotion.never_ran:
            await self._windows.update_many(mine, {"$pull": {"windows": {"promotion_id": promotion.id}}})
            return
        await self._windows.update_many(
            {**mine, "windows.promotion_id": promotion.id}, {"$min": {"windows.$.ends_at": promotion.ends_at}}
        )
