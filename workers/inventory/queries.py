"""Inventory's read side: stock levels per SKU, and where a supplier's stock sync stands."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from workers.inventory.model import available, shortfall
from workers.inventory.sync_repository import STOCK_SYNCS, sync_key

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


class InventoryQueries:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._db = db

    async def stock_levels(self, skus: list[str]) -> dict[str, StockLevel]:
        """Every SKU asked for; one with no stock document yet has nothing on hand."""
        found = {d["_id"]: d async for d in self._db["stock"].find({"_id": {"$in": skus}})}
        return {
            sku: StockLevel.of(
                sku, found.get(sku, {}).get("on_hand", 0), found.get(sku, {}).get("reserved", 0)
            )
            for sku in skus
        }

    async def sync_progress(self, supplier_id: str, sync_id: str) -> SyncProgress | None:
        doc = await self._db[STOCK_SYNCS].find_one({"_id": sync_key(supplier_id, sync_id)})
        if doc is None:
            return None
        return SyncProgress(
            sync_id=sync_id, items=doc["items"], chunks=doc["chunks"], chunks_done=len(doc["done"])
        )
