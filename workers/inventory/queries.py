"""Inventory's read side: stock levels per SKU, where a supplier's stock sync stands, and the
SKUs whose stock breaks an invariant (for the audit)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.cursor import AsyncCursor
from pymongo.asynchronous.database import AsyncDatabase

from workers.inventory.model import StockRecord, StockSync, available, shortfall, sync_key

Doc = dict[str, Any]


class StockLevel(BaseModel):
    sku: str
    on_hand: int
    reserved: int
    available: int
    shortfall: int

    @classmethod
    def of(cls, sku: str, on_hand: int, reserved: int) -> StockLevel:
        return cls(
            sku=sku,
            on_hand=on_hand,
            reserved=reserved,
            available=available(on_hand, reserved),
            shortfall=shortfall(on_hand, reserved),
        )


class SyncProgress(BaseModel):
    sync_id: str
    items: int
    chunks: int
    chunks_done: int


class StockMismatch(BaseModel):
    """A SKU whose stock document breaks the invariants, with each broken one described."""

    sku: str
    problems: list[str]


class InventoryQueries:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db

    async def stock_levels(self, skus: list[str]) -> dict[str, StockLevel]:
        """Every SKU asked for; one with no stock document yet has nothing on hand."""
        cursor = self._db[StockRecord.COLLECTION].find({"_id": {"$in": skus}})
        found = {record.sku: record async for record in _records(cursor)}
        return {
            sku: StockLevel.of(sku, record.on_hand, record.reserved)
            if (record := found.get(sku))
            else StockLevel.of(sku, 0, 0)
            for sku in skus
        }

    async def sync_progress(self, supplier_id: str, sync_id: str) -> SyncProgress | None:
        doc = await self._db[StockSync.COLLECTION].find_one({"_id": sync_key(supplier_id, sync_id)})
        if doc is None:
            return None
        sync = StockSync.model_validate(doc)
        return SyncProgress(sync_id=sync_id, items=sync.items, chunks=sync.chunks, chunks_done=len(sync.done))

    async def reservation_mismatches(self) -> list[StockMismatch]:
        """Every SKU whose reserved count, holds and available count disagree (see DESIGN.md)."""
        cursor = self._db[StockRecord.COLLECTION].find()
        return [
            StockMismatch(sku=record.sku, problems=problems)
            async for record in _records(cursor)
            if (problems := record.violations())
        ]


async def _records(cursor: AsyncCursor[Doc]) -> AsyncIterator[StockRecord]:
    async for doc in cursor:
        yield StockRecord.model_validate(doc)
