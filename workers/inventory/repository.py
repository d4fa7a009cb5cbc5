"""Stock and reservation documents. Every change is one conditional single-document update."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from schemas.common import StockLine
from workers.inventory.model import Reservation, ReservationState

STOCK = "stock"
RESERVATIONS = "reservations"


class InventoryRepository(Protocol):
    async def open_reservation(self, order_key: str, lines: list[StockLine]) -> Reservation: ...
    async def decide(
        self,
        order_key: str,
        state: ReservationState,
        reason: str | None = None,
        sku: str | None = None,
    ) -> Reservation: ...
    async def close_reservation(self, order_key: str) -> Reservation: ...
    async def hold(self, sku: str, order_key: str, qty: int) -> bool: ...
    async def release_hold(self, sku: str, order_key: str) -> None: ...
    async def commit_hold(self, sku: str, order_key: str) -> bool: ...
    async def set_on_hand(self, sku: str, supplier_id: str, on_hand: int, at: datetime) -> bool: ...


def _held_qty(order_key: str) -> dict[str, Any]:
    """Quantity this order holds on the document, from the document itself."""
    mine = {"$filter": {"input": "$holds", "cond": {"$eq": ["$$this.o", {"$literal": order_key}]}}}
    return {"$sum": {"$map": {"input": mine, "in": "$$this.q"}}}


def _without_hold(order_key: str) -> dict[str, Any]:
    return {"$filter": {"input": "$holds", "cond": {"$ne": ["$$this.o", {"$literal": order_key}]}}}


_RECOMPUTE_AVAILABLE = {"$set": {"available": {"$max": [0, {"$subtract": ["$on_hand", "$reserved"]}]}}}


def _reservation(doc: dict[str, Any] | None) -> Reservation:
    if doc is None:  # an upsert with AFTER always returns the document
        raise RuntimeError("reservation document missing after upsert")
    return Reservation(
        order_key=doc["_id"],
        state=ReservationState(doc["state"]),
        reason=doc.get("reason"),
        sku=doc.get("sku"),
    )


class MongoInventoryRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._stock = db[STOCK]
        self._reservations = db[RESERVATIONS]

    async def open_reservation(self, order_key: str, lines: list[StockLine]) -> Reservation:
        insert = {"state": ReservationState.PENDING.value, "lines": [ln.model_dump() for ln in lines]}
        for _ in range(3):
            try:
                doc = await self._reservations.find_one_and_update(
                    {"_id": order_key},
                    {"$setOnInsert": insert},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
                return _reservation(doc)
            except DuplicateKeyError:  # a concurrent upsert of the same order won; read it
                continue
        raise RuntimeError(f"reservation {order_key} could not be opened")

    async def decide(
        self,
        order_key: str,
        state: ReservationState,
        reason: str | None = None,
        sku: str | None = None,
    ) -> Reservation:
        doc = await self._reservations.find_one_and_update(
            {"_id": order_key, "state": ReservationState.PENDING.value},
            {"$set": {"state": state.value, "reason": reason, "sku": sku}},
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            doc = await self._reservations.find_one({"_id": order_key})
        if doc is None:
            raise RuntimeError(f"reservation {order_key} vanished")
        return _reservation(doc)

    async def close_reservation(self, order_key: str) -> Reservation:
        """Mark released (a rejection stays a rejection); a later reserve will not hold."""
        try:
            doc = await self._reservations.find_one_and_update(
                {"_id": order_key, "state": {"$ne": ReservationState.REJECTED.value}},
                {"$set": {"state": ReservationState.RELEASED.value, "reason": "released"}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:  # it exists and is rejected: the upsert collided with it
            doc = await self._reservations.find_one({"_id": order_key})
        return _reservation(doc)

    async def hold(self, sku: str, order_key: str, qty: int) -> bool:
        taken = await self._stock.find_one_and_update(
            {"_id": sku, "available": {"$gte": qty}, "holds.o": {"$ne": order_key}},
            {"$inc": {"reserved": qty, "available": -qty}, "$push": {"holds": {"o": order_key, "q": qty}}},
            projection={"_id": 1},
        )
        if taken is not None:
            return True
        already = await self._stock.find_one({"_id": sku, "holds.o": order_key}, {"_id": 1})
        return already is not None

    async def release_hold(self, sku: str, order_key: str) -> None:
        await self._stock.update_one(
            {"_id": sku, "holds.o": order_key},
            [
                {
                    "$set": {
                        "reserved": {"$subtract": ["$reserved", _held_qty(order_key)]},
                        "holds": _without_hold(order_key),
                    }
                },
                _RECOMPUTE_AVAILABLE,
            ],
        )

    async def commit_hold(self, sku: str, order_key: str) -> bool:
        """Shipped: the held units leave both on-hand and reserved."""
        result = await self._stock.update_one(
            {"_id": sku, "holds.o": order_key},
            [
                {
                    "$set": {
                        "on_hand": {"$max": [0, {"$subtract": ["$on_hand", _held_qty(order_key)]}]},
                        "reserved": {"$subtract": ["$reserved", _held_qty(order_key)]},
                        "holds": _without_hold(order_key),
                    }
                },
                _RECOMPUTE_AVAILABLE,
            ],
        )
        return result.modified_count == 1

    async def set_on_hand(self, sku: str, supplier_id: str, on_hand: int, at: datetime) -> bool:
        """Absolute count from the supplier; an older sync than the last applied is ignored."""
        try:
            result = await self._stock.update_one(
                {"_id": sku, "synced_at": {"$lt": at}},
                [
                    {
                        "$set": {
                            "supplier_id": supplier_id,
                            "on_hand": on_hand,
                            "reserved": {"$ifNull": ["$reserved", 0]},
                            "holds": {"$ifNull": ["$holds", []]},
                            "synced_at": at,
                        }
                    },
                    _RECOMPUTE_AVAILABLE,
                ],
                upsert=True,
            )
        except DuplicateKeyError:  # the document exists with a newer sync
            return False
        return result.modified_count == 1 or result.upserted_id is not None


async def ensure_indexes(db: AsyncDatabase[dict[str, Any]]) -> None:
    await db[STOCK].create_index("supplier_id")
