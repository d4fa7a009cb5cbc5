"""Stock and reservation documents. Every change is one conditional single-document update.

The stock arithmetic of `StockRecord` is written here again as update pipelines, so each change
reads and writes one document atomically; the memory twin applies the model's methods.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from schemas.common import StockLine
from workers.inventory.model import Held, Reservation, ReservationState, StockRecord, Synced

Doc = dict[str, Any]
Expr = dict[str, Any]


def _held_qty(order_key: str) -> Expr:
    """Quantity this order holds on the document, from the document itself."""
    mine = {"$filter": {"input": "$holds", "cond": {"$eq": ["$$this.o", {"$literal": order_key}]}}}
    return {"$sum": {"$map": {"input": mine, "in": "$$this.q"}}}


def _without_hold(order_key: str) -> Expr:
    return {"$filter": {"input": "$holds", "cond": {"$ne": ["$$this.o", {"$literal": order_key}]}}}


def _hold_reduced(order_key: str, qty: int, key: str) -> Expr:
    """The order's hold less `qty` (not below 0) with `key` noted on it; dropped when emptied."""
    reduced = {
        "o": "$$this.o",
        "q": {"$max": [0, {"$subtract": ["$$this.q", qty]}]},
        "k": {"$concatArrays": [{"$ifNull": ["$$this.k", []]}, [{"$literal": key}]]},
    }
    mine = {"$eq": ["$$this.o", {"$literal": order_key}]}
    mapped = {"$map": {"input": "$holds", "in": {"$cond": [mine, reduced, "$$this"]}}}
    return {"$filter": {"input": mapped, "cond": {"$gt": ["$$this.q", 0]}}}


_SELECTED = {"_id": 0, "selected": 1}
_RECOMPUTE_AVAILABLE = {"$set": {"available": {"$max": [0, {"$subtract": ["$on_hand", "$reserved"]}]}}}


def _reservation(doc: Doc | None) -> Reservation:
    if doc is None:  # an upsert with AFTER always returns the document
        raise RuntimeError("reservation document missing after upsert")
    return Reservation.model_validate(doc)


class MongoInventoryRepository:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._stock = db[StockRecord.COLLECTION]
        self._reservations = db[Reservation.COLLECTION]

    async def open_reservation(self, order_key: str, lines: list[StockLine]) -> Reservation:
        opened = Reservation.opened(order_key, lines).model_dump(by_alias=True, exclude={"order_key"})
        for _ in range(3):
            try:
                doc = await self._reservations.find_one_and_update(
                    {"_id": order_key},
                    {"$setOnInsert": opened},
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

    async def hold(self, sku: str, order_key: str, qty: int) -> Held | None:
        taken = await self._stock.find_one_and_update(
            {"_id": sku, "available": {"$gte": qty}, "holds.o": {"$ne": order_key}},
            {"$inc": {"reserved": qty, "available": -qty}, "$push": {"holds": {"o": order_key, "q": qty}}},
            projection=_SELECTED,
        )
        if taken is None:
            taken = await self._stock.find_one({"_id": sku, "holds.o": order_key}, _SELECTED)
        return None if taken is None else Held(selected=bool(taken.get("selected")))

    async def mark_selected(self, sku: str) -> bool:
        result = await self._stock.update_one({"_id": sku}, {"$set": {"selected": True}})
        return result.matched_count == 1

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

    async def commit_hold(self, sku: str, order_key: str, qty: int, key: str) -> bool:
        return await self._take_part(sku, order_key, qty, key, shipped=True)

    async def release_part(self, sku: str, order_key: str, qty: int, key: str) -> bool:
        return await self._take_part(sku, order_key, qty, key, shipped=False)

    async def _take_part(self, sku: str, order_key: str, qty: int, key: str, *, shipped: bool) -> bool:
        """`StockRecord.taken_part` as one conditional update."""
        take = {"$min": [_held_qty(order_key), qty]}
        on_hand = {"$max": [0, {"$subtract": ["$on_hand", take]}]} if shipped else "$on_hand"
        result = await self._stock.update_one(
            {"_id": sku, "holds": {"$elemMatch": {"o": order_key, "k": {"$ne": key}}}},
            [
                {
                    "$set": {
                        "on_hand": on_hand,
                        "reserved": {"$subtract": ["$reserved", take]},
                        "holds": _hold_reduced(order_key, qty, key),
                    }
                },
                _RECOMPUTE_AVAILABLE,
            ],
        )
        return result.modified_count == 1

    async def restock(self, sku: str, key: str, qty: int) -> bool:
        result = await self._stock.update_one(
            {"_id": sku, "restocks": {"$ne": key}},
            [
                {
                    "$set": {
                        "on_hand": {"$add": ["$on_hand", qty]},
                        "restocked": {"$add": [{"$ifNull": ["$restocked", 0]}, qty]},
                        "restocks": {"$concatArrays": [{"$ifNull": ["$restocks", []]}, [{"$literal": key}]]},
                    }
                },
                _RECOMPUTE_AVAILABLE,
            ],
        )
        return result.modified_count == 1

    async def set_on_hand(self, sku: str, supplier_id: str, on_hand: int, at: datetime) -> Synced:
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
            return Synced.STALE
        if result.upserted_id is not None:
            return Synced.CREATED
        return Synced.UPDATED if result.modified_count == 1 else Synced.STALE


async def ensure_indexes(db: AsyncDatabase[Doc]) -> None:
    await db[StockRecord.COLLECTION].create_index("supplier_id")
