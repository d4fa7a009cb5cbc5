"""The original order's side of its reships, on the order collections (`MongoOrderRepository`
writes the reship orders themselves). Each change is one conditional single-document update."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from workers.order.model import LogEntry, SubOrder
from workers.order.model.reship_links import ReshipClaim
from workers.order.repository.names import ORDERS, SUB_ORDERS

Doc = dict[str, Any]


class MongoReships:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._orders = db[ORDERS]
        self._subs = db[SUB_ORDERS]

    async def sub_orders_of(self, order_key: str) -> list[SubOrder]:
        cursor = self._subs.find({"order_key": order_key}).sort("supplier_id", ASCENDING)
        return [SubOrder.model_validate(doc) async for doc in cursor]

    async def claim(self, order_key: str, claim: ReshipClaim, seen: int, entry: LogEntry) -> bool:
        # Exactly `seen` claims (claims are never removed, so the count only grows): the
        # quantities checked against are still the stored ones.
        query: Doc = {
            "_id": order_key,
            f"reships.{seen}": {"$exists": False},
            "reships.key": {"$ne": claim.key},
        }
        if seen:
            query[f"reships.{seen - 1}"] = {"$exists": True}
        result = await self._orders.update_one(
            query, {"$push": {"reships": claim.model_dump(), "events": entry.model_dump()}}
        )
        return result.modified_count == 1

    async def release(self, order_key: str, reship_key: str, reason: str, entry: LogEntry) -> bool:
        open_claim = {"$elemMatch": {"key": reship_key, "rejected": None}}
        result = await self._orders.update_one(
            {"_id": order_key, "reships": open_claim},
            {"$set": {"reships.$.rejected": reason}, "$push": {"events": entry.model_dump()}},
        )
        return result.modified_count == 1

    async def log_refusal(self, order_key: str, entry: LogEntry, reship_key: str) -> None:
        already = {"$elemMatch": {"type": entry.type, "data.reship_key": reship_key}}
        await self._orders.update_one(
            {"_id": order_key, "events": {"$not": already}}, {"$push": {"events": entry.model_dump()}}
        )
