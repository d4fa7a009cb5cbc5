"""Catalog's read side: what the edge and the other areas may know of products and SKUs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from workers.catalog.model import PromoPrice, SkuOffer

__all__ = ["CatalogQueries", "PromoPrice", "SkuOffer", "SkuOwner"]

Doc = dict[str, Any]
SAMPLE_SIZE = 100
#: SKU codes per `$in`: the embedded store's `$in` grows quadratically with its size.
LOOKUP_BATCH = 100


class SkuOwner(BaseModel):
    product_id: str
    supplier_id: str


class CatalogQueries:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db

    async def offers(self, skus: list[str], at: datetime | None = None) -> dict[str, SkuOffer]:
        """The SKUs as sold at `at`, with the promotion whose window holds `at`, if any."""
        promos = {} if at is None else await self._promotions(skus, at)
        cursor = self._db["skus"].find({"_id": {"$in": skus}})
        return {
            doc["_id"]: SkuOffer(
                doc["_id"], doc["supplier_id"], doc["orderable"], doc["tier_prices"], promos.get(doc["_id"])
            )
            async for doc in cursor
        }

    async def _promotions(self, skus: list[str], at: datetime) -> dict[str, PromoPrice]:
        """One read by `_id`: windows of one SKU never overlap, so at most one holds `at`."""
        active = {"$elemMatch": {"starts_at": {"$lte": at}, "ends_at": {"$gt": at}}}
        cursor = self._db["promotion_skus"].find({"_id": {"$in": skus}}, {"windows": active})
        return {
            doc["_id"]: PromoPrice(w["promotion_id"], w["tier_prices"])
            async for doc in cursor
            for w in doc.get("windows", [])[:1]
        }

    async def skus_missing_price(self, tier: str) -> tuple[int, list[str]]:
        """How many SKUs lack a price for `tier`, and the first codes of them in code order."""
        missing = {f"tier_prices.{tier}": {"$exists": False}}
        count = await self._db["skus"].count_documents(missing)
        docs = await self._db["skus"].find(missing, {"_id": 1}).sort("_id", 1).limit(SAMPLE_SIZE).to_list()
        return count, [str(d["_id"]) for d in docs]

    async def sku_owner(self, sku: str) -> SkuOwner | None:
        doc = await self._db["skus"].find_one({"_id": sku}, {"product_id": 1, "supplier_id": 1})
        return None if doc is None else SkuOwner.model_validate(doc)

    async def owned_skus(self, supplier_id: str, codes: list[str]) -> set[str]:
        """Which of `codes` are SKUs of this supplier."""
        owned: set[str] = set()
        for i in range(0, len(codes), LOOKUP_BATCH):
            query = {"_id": {"$in": codes[i : i + LOOKUP_BATCH]}, "supplier_id": supplier_id}
            owned |= {d["_id"] async for d in self._db["skus"].find(query, {"_id": 1})}
        return owned
