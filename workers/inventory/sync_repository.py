"""Bulk stock syncs: one document per caller's sync id, with the chunks already applied."""

from __future__ import annotations

from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

Doc = dict[str, Any]
STOCK_SYNCS = "stock_syncs"


def sync_key(supplier_id: str, sync_id: str) -> str:
    """Sync ids are the caller's own, so they are unique per supplier, not platform-wide."""
    return f"{supplier_id}:{sync_id}"


class SyncRepository(Protocol):
    async def record(self, supplier_id: str, sync_id: str, doc: Doc) -> Doc: ...
    async def get(self, supplier_id: str, sync_id: str) -> Doc | None: ...
    async def mark_done(self, supplier_id: str, sync_id: str, chunk: int) -> None: ...


class MongoSyncRepository:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._syncs = db[STOCK_SYNCS]

    async def record(self, supplier_id: str, sync_id: str, doc: Doc) -> Doc:
        """Insert once; a repeat gets what the first call stored."""
        key = sync_key(supplier_id, sync_id)
        try:
            await self._syncs.insert_one({"_id": key, **doc})
        except DuplicateKeyError:
            stored = await self._syncs.find_one({"_id": key})
            assert stored is not None
            return stored
        return {"_id": key, **doc}

    async def get(self, supplier_id: str, sync_id: str) -> Doc | None:
        return await self._syncs.find_one({"_id": sync_key(supplier_id, sync_id)})

    async def mark_done(self, supplier_id: str, sync_id: str, chunk: int) -> None:
        await self._syncs.update_one({"_id": sync_key(supplier_id, sync_id)}, {"$addToSet": {"done": chunk}})
