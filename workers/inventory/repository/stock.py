"""Stock documents. Every change is one conditional single-document update.

The stock arithmetic of `StockRecord` is written here again as update pipelines, so each change
reads and writes one document atomically; the memory twin applies the model's methods.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from workers.inventory.model import Held, StockRecord, Synced, Take, take_mark
from workers.inventory.repository.reservations import MongoReservations

Doc = dict[str, Any]
Expr = dict[str, Any]


def _parted(order_keys: list[str]) -> tuple[Expr, Expr]:
    """The units these orders hold in the document's `holds`, and the holds without theirs."""
    theirs = {"$in": ["$$this.o", {"$literal": order_keys}]}
    units = {"$sum": {"$map": {"input": {"$filter": {"input": "$holds", "cond": theirs}}, "in": "$$this.q"}}}
    return units, {"$filter": {"input": "$holds", "cond": {"$not": [theirs]}}}


def _settled_fields(order_keys: list[str]) -> Expr:
    """`StockRecord.with_settled`: these orders' holds counted in `settled` instead."""
    units, kept = _parted(order_keys)
    return {"settled": {"$add": [{"$ifNull": ["$settled", 0]}, units]}, "holds": kept}


def _taken_fields(order_key: str, take: Take, mark: str, *, shipped: bool) -> Expr:
    """`StockRecord.taken`: off the order's hold while it has one, else off `settled`."""
    mine = {"$eq": ["$$this.o", {"$literal": order_key}]}
    has_hold = {"$gt": [{"$size": {"$filter": {"input": "$holds", "cond": mine}}}, 0]}
    less = {"o": "$$this.o", "q": {"$subtract": ["$$this.q", take.qty]}}
    reduced = {"$map": {"input": "$holds", "in": {"$cond": [mine, less, "$$this"]}}}
    settled = {"$ifNull": ["$settled", 0]}
    return {
        "holds": {
            "$cond": [has_hold, {"$filter": {"input": reduced, "cond": {"$gt": ["$$this.q", 0]}}}, "$holds"]
        },
        "settled": {"$cond": [has_hold, settled, {"$subtract": [settled, take.qty]}]},
        "reserved": {"$subtract": ["$reserved", take.qty]},
        "on_hand": {"$max": [0, {"$subtract": ["$on_hand", take.qty]}]} if shipped else "$on_hand",
        "marks": {"$concatArrays": [{"$ifNull": ["$marks", []]}, [{"$literal": mark}]]},
    }


class Settling:
    """Settled orders whose holds still sit in a SKU's `holds`, per SKU. A process moves them with
    its next hold on that SKU (no command of their own); the periodic sweep moves only those
    that waited a whole sweep for one, so under load it writes almost nothing."""

    def __init__(self) -> None:
        self._fresh: dict[str, set[str]] = {}
        self._waiting: dict[str, set[str]] = {}

    def add(self, order_key: str, skus: list[str]) -> None:
        for sku in skus:
            self._fresh.setdefault(sku, set()).add(order_key)

    def claim(self, sku: str) -> list[str]:
        return sorted(self._fresh.pop(sku, set()) | self._waiting.pop(sku, set()))

    def claim_waiting(self) -> dict[str, list[str]]:
        """The SKUs no hold came for since the last sweep; the rest wait for the next one."""
        claimed = {sku: sorted(orders) for sku, orders in self._waiting.items()}
        self._waiting, self._fresh = self._fresh, {}
        return claimed

    def restore(self, sku: str, order_keys: list[str]) -> None:
        if order_keys:
            self._fresh.setdefault(sku, set()).update(order_keys)


_SELECTED = {"_id": 0, "selected": 1}
_RECOMPUTE_AVAILABLE = {"$set": {"available": {"$max": [0, {"$subtract": ["$on_hand", "$reserved"]}]}}}


def _hold_update(order_key: str, qty: int, settled: list[str]) -> Doc | list[Doc]:
    """The new hold, carrying the moves of settled holds this process has queued for the SKU."""
    hold = {"o": order_key, "q": qty}
    if not settled:
        return {"$inc": {"reserved": qty, "available": -qty}, "$push": {"holds": hold}}
    fields = _settled_fields(settled)
    held = {"$concatArrays": [fields.pop("holds"), [{"$literal": hold}]]}
    return [
        {"$set": {**fields, "holds": held, "reserved": {"$add": ["$reserved", qty]}}},
        _RECOMPUTE_AVAILABLE,
    ]


class MongoInventoryRepository(MongoReservations):
    """Stock documents here, reservations in `MongoReservations`: the one writer of both."""

    def __init__(self, db: AsyncDatabase[Doc], settling: Settling | None = None) -> None:
        super().__init__(db)
        self._stock = db[StockRecord.COLLECTION]
        self._settling = settling or Settling()

    async def hold(self, sku: str, order_key: str, qty: int) -> Held | None:
        settled = self._settling.claim(sku)
        try:
            taken = await self._stock.find_one_and_update(
                {"_id": sku, "available": {"$gte": qty}, "holds.o": {"$ne": order_key}},
                _hold_update(order_key, qty, settled),
                projection=_SELECTED,
            )
        except BaseException:
            self._settling.restore(sku, settled)
            raise
        if taken is None:
            self._settling.restore(sku, settled)
            taken = await self._stock.find_one({"_id": sku, "holds.o": order_key}, _SELECTED)
        return None if taken is None else Held(selected=bool(taken.get("selected")))

    async def settle(self, order_key: str, skus: list[str]) -> None:
        self._settling.add(order_key, skus)

    async def settle_queued(self) -> int:
        """The sweep: move the settled holds no hold of their SKU carried since the last sweep;
        how many SKUs were written. Two sweeps in a row move everything queued."""
        claimed = self._settling.claim_waiting()
        unwritten = list(claimed.items())
        try:
            while unwritten:
                sku, order_keys = unwritten[0]
                await self._stock.update_one({"_id": sku}, [{"$set": _settled_fields(order_keys)}])
                unwritten.pop(0)
        finally:  # a failed write leaves it and the rest queued for the next sweep
            for sku, order_keys in unwritten:
                self._settling.restore(sku, order_keys)
        return len(claimed)

    async def mark_selected(self, sku: str) -> bool:
        result = await self._stock.update_one({"_id": sku}, {"$set": {"selected": True}})
        return result.matched_count == 1

    async def release_hold(self, sku: str, order_key: str) -> None:
        units, kept = _parted([order_key])
        await self._stock.update_one(
            {"_id": sku, "holds.o": order_key},
            [
                {"$set": {"reserved": {"$subtract": ["$reserved", units]}, "holds": kept}},
                _RECOMPUTE_AVAILABLE,
            ],
        )

    async def apply_take(self, sku: str, order_key: str, take: Take, *, shipped: bool) -> None:
        mark = take_mark(order_key, take.key)
        await self._stock.update_one(
            {"_id": sku, "marks": {"$ne": mark}},
            [{"$set": _taken_fields(order_key, take, mark, shipped=shipped)}, _RECOMPUTE_AVAILABLE],
        )

    async def unmark(self, sku: str, mark: str) -> None:
        await self._stock.update_one({"_id": sku, "marks": mark}, {"$pull": {"marks": mark}})

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
                            "first_synced_at": _first_synced(at),
                        }
                    },
                    _RECOMPUTE_AVAILABLE,
                ],
                upsert=True,
            )
        except DuplicateKeyError:  # the document exists with this sync or a newer one
            return await self._created_by(sku, at)
        if result.upserted_id is not None:
            return Synced.CREATED
        return Synced.UPDATED if result.modified_count == 1 else await self._created_by(sku, at)

    async def _created_by(self, sku: str, at: datetime) -> Synced:
        """A sync not applied again: CREATED if it is the one that created the record (a repeat)."""
        created = await self._stock.find_one({"_id": sku, "first_synced_at": at}, {"_id": 1})
        return Synced.STALE if created is None else Synced.CREATED


def _first_synced(at: datetime) -> Doc:
    """Kept from the first sync; a record from before this field was first synced earlier."""
    return {"$ifNull": ["$first_synced_at", {"$ifNull": ["$synced_at", at]}]}


async def ensure_indexes(db: AsyncDatabase[Doc]) -> None:
    await db[StockRecord.COLLECTION].create_index("supplier_id")
