"""Products, their SKUs and the list's position bounds: the only writer of `products`, `skus`
and `catalog_stats`, and the recycle bin's purge."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import structlog
from pydantic import BaseModel
from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from schemas.catalog import ProductStatus
from workers.catalog.model import (
    DRAFTS,
    REVIEWED,
    ContentChange,
    HistoryEntry,
    ListPosition,
    PendingRevision,
    Product,
    Sku,
    Transition,
)
from workers.catalog.model.base import BOUNDS_ID, PRODUCTS, SKUS, STATS

_log = structlog.get_logger("catalog.products")


def stored(model: BaseModel) -> dict[str, Any]:
    """A model as stored: unset (None) fields are left out, so `$min` and `$exists` see them absent."""
    return model.model_dump(by_alias=True, exclude_none=True)


class MongoProducts:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._products = db[PRODUCTS]
        self._skus = db[SKUS]
        self._stats = db[STATS]

    async def get(self, product_id: str) -> Product | None:
        doc = await self._products.find_one({"_id": product_id})
        return None if doc is None else Product.model_validate(doc)

    async def insert(self, product: Product) -> Product:
        try:
            await self._products.insert_one(stored(product))
        except DuplicateKeyError:
            return await self.get(product.id) or product
        return product

    async def transition(self, product_id: str, transition: Transition) -> Product | None:
        sets: dict[str, Any] = {"status": transition.status, "last_command": transition.command_id}
        if transition.deleted_from is not None:
            sets |= {"deleted_from": transition.deleted_from, "deleted_at": transition.deleted_at}
        update: dict[str, Any] = {"$set": sets, "$push": {"history": stored(transition.entry)}}
        if transition.listed_at is not None:  # $min keeps the first listing: new arrivals stay new once
            update["$min"] = {"listed_at": transition.listed_at, "listed_key": transition.listed_key}
        allowed = {"_id": product_id, "status": {"$in": sorted(transition.allowed_from)}}
        doc = await self._products.find_one_and_update(allowed, update, return_document=ReturnDocument.AFTER)
        return None if doc is None else Product.model_validate(doc)

    async def submit_revision(self, product_id: str, revision: PendingRevision, entry: HistoryEntry) -> None:
        await self._products.update_one(
            {"_id": product_id, "history.id": {"$ne": entry.id}, "status": {"$in": sorted(REVIEWED)}},
            {"$set": {"pending_revision": stored(revision)}, "$push": {"history": stored(entry)}},
        )

    async def apply_edit(self, product_id: str, change: ContentChange, entry: HistoryEntry) -> None:
        draft = {"_id": product_id, "history.id": {"$ne": entry.id}, "status": {"$in": sorted(DRAFTS)}}
        await self._apply(draft, {**change.fields(), "status": ProductStatus.PENDING_REVIEW}, entry)

    async def apply_revision(
        self, product_id: str, revision_id: str, change: ContentChange, entry: HistoryEntry
    ) -> None:
        # The status may have moved since the reviewer's read (a delist): only content is written.
        await self._apply({"_id": product_id, "pending_revision.id": revision_id}, change.fields(), entry)

    async def _apply(self, where: dict[str, Any], fields: dict[str, object], entry: HistoryEntry) -> None:
        await self._products.update_one(
            where,
            {"$set": fields, "$unset": {"pending_revision": ""}, "$push": {"history": stored(entry)}},
        )

    async def discard_revision(self, product_id: str, revision_id: str, entry: HistoryEntry) -> None:
        await self._products.update_one(
            {"_id": product_id, "pending_revision.id": revision_id},
            {"$unset": {"pending_revision": ""}, "$push": {"history": stored(entry)}},
        )

    async def record(self, product_id: str, entry: HistoryEntry) -> None:
        await self._products.update_one(
            {"_id": product_id, "history.id": {"$ne": entry.id}}, {"$push": {"history": stored(entry)}}
        )

    async def widen_bounds(self, position: ListPosition) -> None:
        """$min/$max are idempotent: a redelivery changes nothing."""
        await self._stats.update_one(
            {"_id": BOUNDS_ID},
            {
                "$min": {"pos_created_min": position.pos_created, "pos_name_min": position.pos_name},
                "$max": {"pos_created_max": position.pos_created, "pos_name_max": position.pos_name},
            },
            upsert=True,
        )

    async def claim_sku(self, sku: Sku) -> bool:
        try:
            await self._skus.insert_one(stored(sku))
        except DuplicateKeyError:  # ours on a redelivery, or another product's
            owner = await self._skus.find_one({"_id": sku.id}, {"product_id": 1})
            return owner is not None and owner["product_id"] == sku.product_id
        return True

    async def release_skus(self, product_id: str) -> None:
        await self._skus.delete_many({"product_id": product_id})

    async def set_orderable(self, product_id: str, orderable: bool, category: str | None) -> None:
        changed = {"orderable": orderable, "category": category}
        await self._skus.update_many({"product_id": product_id}, {"$set": changed})

    async def set_sku_category(self, product_id: str, category: str | None) -> None:
        await self._skus.update_many({"product_id": product_id}, {"$set": {"category": category}})

    async def set_specs(self, product_id: str, sku_specs: dict[str, dict[str, str]]) -> None:
        for code, specs in sku_specs.items():
            await self._skus.update_one({"_id": code, "product_id": product_id}, {"$set": {"specs": specs}})

    async def set_prices(
        self, sku: str, supplier_id: str, tier_prices: dict[str, int], settlement_price: int | None = None
    ) -> Sku | None:
        changed: dict[str, object] = {"tier_prices": tier_prices}
        if settlement_price is not None:
            changed["settlement_price"] = settlement_price
        doc = await self._skus.find_one_and_update(
            {"_id": sku, "supplier_id": supplier_id},
            {"$set": changed},
            return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else Sku.model_validate(doc)

    async def purge_recycle_bin(self, now: datetime, retention: timedelta) -> int:
        """Remove products deleted longer ago than `retention`, with their SKUs; how many went.

        Idempotent and safe on every worker copy at once: each delete is conditional. SKUs go
        first, so a crash leaves the product to be found again. Stock documents belong to
        inventory and stay (an unknown SKU's stock is never read by an order).
        """
        expired = {"status": ProductStatus.DELETED, "deleted_at": {"$lt": now - retention}}
        purged = 0
        async for product in self._products.find(expired, {"_id": 1}):
            await self._skus.delete_many({"product_id": product["_id"], "orderable": False})
            result = await self._products.delete_one({"_id": product["_id"], **expired})
            purged += result.deleted_count
        if purged:
            _log.info("catalog.recycle_bin.purged", products=purged)
        return purged
