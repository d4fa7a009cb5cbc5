"""Inventory's read side: stock levels per SKU, where a supplier's stock sync stands, and the
SKUs whose stock breaks an invariant (for the audit)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from workers.inventory.model import (
    Reservation,
    ReservationState,
    StockRecord,
    StockSync,
    available,
    shortfall,
    sync_key,
)

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
        # Only the counts: a hot SKU's holds are many, and a listing needs none of them.
        counts = {"on_hand": 1, "reserved": 1}
        cursor = self._db[StockRecord.COLLECTION].find({"_id": {"$in": skus}}, counts)
        found = {
            doc["_id"]: StockLevel.of(doc["_id"], doc["on_hand"], doc["reserved"]) async for doc in cursor
        }
        return {sku: found.get(sku) or StockLevel.of(sku, 0, 0) for sku in skus}

    async def sync_progress(self, supplier_id: str, sync_id: str) -> SyncProgress | None:
        doc = await self._db[StockSync.COLLECTION].find_one({"_id": sync_key(supplier_id, sync_id)})
        if doc is None:
            return None
        sync = StockSync.model_validate(doc)
        return SyncProgress(sync_id=sync_id, items=sync.items, chunks=sync.chunks, chunks_done=len(sync.done))

    async def reservation_mismatches(self) -> list[StockMismatch]:
        """Every SKU whose counts disagree with each other, or whose `reserved` is not what the
        reserved orders still hold of it (see DESIGN.md): checked at a quiet moment."""
        held = await self._held_by_reserved_orders()
        mismatches = []
        async for doc in self._db[StockRecord.COLLECTION].find():
            record = StockRecord.model_validate(doc)
            problems = record.violations()
            if (wanted := held.pop(record.sku, 0)) != record.reserved:
                problems.append(f"reserved {record.reserved} != {wanted} held by reserved orders")
            if problems:
                mismatches.append(StockMismatch(sku=record.sku, problems=problems))
        orphans = [
            StockMismatch(sku=sku, problems=[f"no stock, {n} held by reserved orders"])
            for sku, n in held.items()
        ]
        return mismatches + orphans

    async def _held_by_reserved_orders(self) -> Counter[str]:
        units: Counter[str] = Counter()
        query = {"state": ReservationState.RESERVED.value}
        async for doc in self._db[Reservation.COLLECTION].find(query, {"lines": 1, "taken": 1, "state": 1}):
            reservation = Reservation.model_validate(doc)
            for line in reservation.lines:
                units[line.sku] += reservation.remaining(line.sku)
        return Counter({sku: n for sku, n in units.items() if n})

    async def restocked(self) -> Counter[str]:
        """Units per SKU put back on hand by returns."""
        units: Counter[str] = Counter()
        async for doc in self._db[StockRecord.COLLECTION].find({"restocked": {"$gt": 0}}):
            record = StockRecord.model_validate(doc)
            units[record.sku] += record.restocked
        return units
