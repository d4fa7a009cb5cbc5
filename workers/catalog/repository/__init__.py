"""Catalog's storage: the only code that writes its collections, and their indexes."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from workers.catalog.model.base import CATEGORIES, PRODUCTS, PROMOTIONS, SKUS
from workers.catalog.model.positions import LIST_LEADS, LIST_POSITIONS
from workers.catalog.repository.products import MongoProducts
from workers.catalog.repository.promotions import MongoPromotions
from workers.catalog.repository.taxonomy import MongoTaxonomy

__all__ = ["MongoProducts", "MongoPromotions", "MongoTaxonomy", "ensure_indexes"]


async def ensure_indexes(db: AsyncDatabase[dict[str, Any]]) -> None:
    await db[SKUS].create_index("product_id")
    await db[PRODUCTS].create_index([("supplier_id", 1), ("status", 1)])
    await db[PRODUCTS].create_index([("status", 1), ("deleted_at", 1)])
    # Merchant browse and new arrivals: listed products, newest listing first.
    await db[PRODUCTS].create_index([("status", 1), ("listed_key", -1)])
    for position in LIST_POSITIONS:
        await db[PRODUCTS].create_index([(position, 1)])
        for lead in LIST_LEADS:
            await db[PRODUCTS].create_index([(lead, 1), (position, 1)])
    await db[PROMOTIONS].create_index("list_key")
    await db[CATEGORIES].create_index("path")
    await db[CATEGORIES].create_index("parent_id")
