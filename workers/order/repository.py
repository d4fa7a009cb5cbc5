"""Orders and sub-orders (both owned here); the reads of other areas the saga needs, as a port."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from workers.order.model import Offer

Doc = dict[str, Any]
ORDERS = "orders"
SUB_ORDERS = "sub_orders"


class OrderRepository(Protocol):
    async def get(self, order_key: str) -> Doc | None: ...
    async def insert(self, order: Doc) -> Doc: ...
    async def transition(
        self, order_key: str, from_: list[str], to: str, entries: list[Doc], **fields: Any
    ) -> Doc | None: ...
    async def log_once(self, order_key: str, entry: Doc, sub_order_id: str) -> None: ...
    async def oldest_awaiting_funds(self, merchant_id: str) -> Doc | None: ...
    async def add_sub_orders(self, sub_orders: list[Doc]) -> list[Doc]: ...
    async def get_sub_order(self, sub_order_id: str) -> Doc | None: ...
    async def note_push(self, sub_order_id: str, push: Doc) -> None: ...
    async def move_sub_order(
        self, sub_order_id: str, supplier_id: str, from_: list[str], to: str, **fields: Any
    ) -> Doc | None: ...
    async def mark_sub_order_shipped(
        self, order_key: str, sub_order_id: str, shipment: Doc, at: datetime
    ) -> None: ...
    async def finish_shipping(self, order_key: str, at: datetime) -> Doc | None: ...


class CatalogReader(Protocol):
    async def merchant_tier(self, merchant_id: str) -> str | None: ...
    async def offers(self, skus: list[str], at: datetime | None = None) -> Mapping[str, Offer]: ...
    async def webhook_suppliers(self, supplier_ids: list[str]) -> set[str]: ...
    async def shop(self, platform: str, shop_id: str) -> Doc | None: ...
    async def supplier(self, supplier_id: str) -> Doc | None: ...
    async def routing_rules(self, supplier_ids: list[str]) -> dict[str, list[Doc]]: ...
    async def webhook_accounts(self, account_ids: list[str]) -> set[str]: ...
    async def supplier_account(self, account_id: str) -> Doc | None: ...


class MongoOrderRepository:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._orders = db[ORDERS]
        self._subs = db[SUB_ORDERS]

    async def get(self, order_key: str) -> Doc | None:
        return await self._orders.find_one({"_id": order_key})

    async def insert(self, order: Doc) -> Doc:
        try:
            await self._orders.insert_one(order)
        except DuplicateKeyError:
            stored = await self.get(order["_id"])
            assert stored is not None
            return stored
        return order

    async def transition(
        self, order_key: str, from_: list[str], to: str, entries: list[Doc], **fields: Any
    ) -> Doc | None:
        """Move status only from an expected one, logging in the same write; else read as is."""
        moved = await self._orders.find_one_and_update(
            {"_id": order_key, "status": {"$in": from_}},
            {"$set": {"status": to, **fields}, "$push": {"events": {"$each": entries}}},
            return_document=ReturnDocument.AFTER,
        )
        return moved if moved is not None else await self.get(order_key)

    async def log_once(self, order_key: str, entry: Doc, sub_order_id: str) -> None:
        await self._orders.update_one(
            {
                "_id": order_key,
                "events": {
                    "$not": {"$elemMatch": {"type": entry["type"], "data.sub_order_id": sub_order_id}}
                },
            },
            {"$push": {"events": entry}},
        )

    async def oldest_awaiting_funds(self, merchant_id: str) -> Doc | None:
        return await self._orders.find_one(
            {"merchant_id": merchant_id, "status": "awaiting_funds"},
            sort=[("received_at", ASCENDING)],
        )

    async def add_sub_orders(self, sub_orders: list[Doc]) -> list[Doc]:
        """Insert once; what an earlier delivery stored wins, and is what comes back."""
        try:
            await self._subs.insert_many(sub_orders, ordered=False)
        except BulkWriteError as exc:  # already there from an earlier delivery
            if any(err.get("code") != 11000 for err in exc.details.get("writeErrors", [])):
                raise
            ids = [sub["_id"] for sub in sub_orders]
            return await self._subs.find({"_id": {"$in": ids}}).sort("supplier_id", ASCENDING).to_list()
        return sub_orders

    async def get_sub_order(self, sub_order_id: str) -> Doc | None:
        return await self._subs.find_one({"_id": sub_order_id})

    async def note_push(self, sub_order_id: str, push: Doc) -> None:
        """Where the push of a sub-order stands, for its supplier to see; the newest attempt wins."""
        await self._subs.update_one(
            {"_id": sub_order_id, "push.attempts": {"$not": {"$gt": push["attempts"]}}},
            {"$set": {"push": push}},
        )

    async def move_sub_order(
        self, sub_order_id: str, supplier_id: str, from_: list[str], to: str, **fields: Any
    ) -> Doc | None:
        moved = await self._subs.find_one_and_update(
            {"_id": sub_order_id, "supplier_id": supplier_id, "status": {"$in": from_}},
            {"$set": {"status": to, **fields}},
            return_document=ReturnDocument.AFTER,
        )
        return moved if moved is not None else await self.get_sub_order(sub_order_id)

    async def mark_sub_order_shipped(
        self, order_key: str, sub_order_id: str, shipment: Doc, at: datetime
    ) -> None:
        """The order stops waiting for this sub-order, logging it in the same write (once)."""
        await self._orders.update_one(
            {"_id": order_key, "awaiting_shipment": sub_order_id},
            {
                "$pull": {"awaiting_shipment": sub_order_id},
                "$push": {
                    "events": {
                        "type": "sub_order_shipped",
                        "at": at,
                        "data": {"sub_order_id": sub_order_id, **shipment},
                    }
                },
            },
        )

    async def finish_shipping(self, order_key: str, at: datetime) -> Doc | None:
        """`routed` -> `shipped` once the order waits for no sub-order's shipment."""
        entry = {"type": "shipped", "at": at, "data": {}}
        return await self._orders.find_one_and_update(
            {
                "_id": order_key,
                "status": "routed",
                "awaiting_shipment": {"$size": 0},
            },
            {"$set": {"status": "shipped", "shipped_at": at}, "$push": {"events": entry}},
            return_document=ReturnDocument.AFTER,
        )


async def ensure_indexes(db: AsyncDatabase[Doc]) -> None:
    await db[ORDERS].create_index([("merchant_id", 1), ("status", 1), ("received_at", 1)])
    await db[ORDERS].create_index("list_key")
    await db[ORDERS].create_index("status")
    await db[SUB_ORDERS].create_index([("supplier_id", 1), ("status", 1), ("list_key", 1)])
    await db[SUB_ORDERS].create_index("order_key")
    await db[SUB_ORDERS].create_index([("account_id", 1), ("list_key", 1)])
