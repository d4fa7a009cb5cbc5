"""Bulk stock syncs: one document per caller's sync id, with the chunks already applied."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from workers.inventory.model import StockSync, sync_key

Doc = dict[str, Any]


class MongoStockSyncRepository:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._syncs = db[StockSync.COLLECTION]

    async def record(self, sync: StockSync) -> StockSync:
        try:
            await self._syncs.insert_one(sync.model_dump(by_alias=True))
        except DuplicateKeyError:
            stored = await self._syncs.find_one({"_id": sync.key})
            assert stored is not None  # syncs are never deleted
            return StockSync.model_validate(stored)
        return sync

    async def get(self, supplier_id: str, sync_id: str) -> StockSync | None:
        doc = await self._syncs.find_one({"_id": sync_key(supplier_id, sync_id)})
        return None if doc is None else StockSync.model_validate(doc)

    async def mark_done(self, supplier_id: str, sync_id: str, chunk: int) -> None:
        await self._syncs.update_one({"_id": sync_key(supplier_id, sync_id)}, {"$addToSet": {"done": chunk}})
