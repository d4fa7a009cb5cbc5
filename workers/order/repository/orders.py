"""Orders and sub-orders: the only writer of both collections.

Every change is one single-document conditional update: a step applies only from the statuses
it starts from (the model's tables), and its log entry is written in the same update.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from juhe.store.group_insert import GroupInserts, private_inserts
from workers.order.model import (
    COUPON_APPLIED,
    COUPON_ASKED,
    ORDER_STEPS,
    SUB_ORDER_MOVES,
    LogEntry,
    Order,
    OrderChange,
    OrderStatus,
    OrderStep,
    Push,
    Shipment,
    SubOrder,
    SubOrderAction,
)
from workers.order.repository.names import ORDERS, SUB_ORDERS

Doc = dict[str, Any]


class MongoOrderRepository:
    def __init__(self, db: AsyncDatabase[Doc], inserts: GroupInserts | None = None) -> None:
        self._orders = db[ORDERS]
        self._subs = db[SUB_ORDERS]
        grouped = inserts or private_inserts(db)
        self._insert_orders = grouped(ORDERS)
        self._insert_subs = grouped(SUB_ORDERS)

    async def get(self, order_key: str) -> Order | None:
        doc = await self._orders.find_one({"_id": order_key})
        return None if doc is None else Order.model_validate(doc)

    async def insert(self, order: Order) -> Order:
        if await self._insert_orders.insert_one(order.model_dump(by_alias=True)):
            return order
        stored = await self.get(order.key)
        assert stored is not None
        return stored

    async def transition(
        self, order_key: str, step: OrderStep, entries: list[LogEntry], change: OrderChange | None = None
    ) -> Order | None:
        sources, target = ORDER_STEPS[step]
        fields = {} if change is None else change.model_dump(exclude_none=True)
        moved = await self._orders.find_one_and_update(
            {"_id": order_key, "status": {"$in": sorted(sources)}},
            {"$set": {"status": target, **fields}, "$push": {"events": {"$each": _dump(entries)}}},
            return_document=ReturnDocument.AFTER,
        )
        return Order.model_validate(moved) if moved is not None else await self.get(order_key)

    async def log_once(self, order_key: str, entry: LogEntry, sub_order_id: str) -> None:
        already = {"$elemMatch": {"type": entry.type, "data.sub_order_id": sub_order_id}}
        await self._orders.update_one(
            {"_id": order_key, "events": {"$not": already}}, {"$push": {"events": entry.model_dump()}}
        )

    async def oldest_awaiting_funds(self, merchant_id: str) -> Order | None:
        doc = await self._orders.find_one(
            {"merchant_id": merchant_id, "status": OrderStatus.AWAITING_FUNDS},
            sort=[("received_at", ASCENDING)],
        )
        return None if doc is None else Order.model_validate(doc)

    async def mark_sub_order_shipped(self, order_key: str, sub_order_id: str, entry: LogEntry) -> bool:
        result = await self._orders.update_one(
            {"_id": order_key, "awaiting_shipment": sub_order_id},
            {"$pull": {"awaiting_shipment": sub_order_id}, "$push": {"events": entry.model_dump()}},
        )
        return result.modified_count == 1

    async def finish_shipping(self, order_key: str, entry: LogEntry) -> Order | None:
        sources, target = ORDER_STEPS[OrderStep.SHIP]
        moved = await self._orders.find_one_and_update(
            {"_id": order_key, "status": {"$in": sorted(sources)}, "awaiting_shipment": {"$size": 0}},
            {"$set": {"status": target, "shipped_at": entry.at}, "$push": {"events": entry.model_dump()}},
            return_document=ReturnDocument.AFTER,
        )
        return None if moved is None else Order.model_validate(moved)

    async def apply_coupon(
        self, order_key: str, coupon_id: str | None, discount: int, entry: LogEntry
    ) -> Order | None:
        moved = await self._orders.find_one_and_update(
            {
                "_id": order_key,
                "status": OrderStatus.RESERVED,
                "coupon_step": COUPON_ASKED,
                "charged": {"$gte": discount},
            },
            {
                "$set": {"coupon_step": COUPON_APPLIED, "coupon_id": coupon_id, "discount": discount},
                "$inc": {"charged": -discount},
                "$push": {"events": entry.model_dump()},
            },
            return_document=ReturnDocument.AFTER,
        )
        return Order.model_validate(moved) if moved is not None else await self.get(order_key)

    async def add_sub_orders(self, subs: list[SubOrder]) -> list[SubOrder]:
        if all(await self._insert_subs.insert([sub.model_dump(by_alias=True) for sub in subs])):
            return subs
        # Some already there from an earlier delivery: the stored ones are the routing.
        query = {"_id": {"$in": [sub.id for sub in subs]}}
        stored = await self._subs.find(query).sort("supplier_id", ASCENDING).to_list()
        return [SubOrder.model_validate(doc) for doc in stored]

    async def get_sub_order(self, sub_order_id: str) -> SubOrder | None:
        doc = await self._subs.find_one({"_id": sub_order_id})
        return None if doc is None else SubOrder.model_validate(doc)

    async def note_push(self, sub_order_id: str, push: Push) -> None:
        await self._subs.update_one(
            {"_id": sub_order_id, "push.attempts": {"$not": {"$gt": push.attempts}}},
            {"$set": {"push": push.model_dump()}},
        )

    async def accept_sub_order(self, sub_order_id: str, supplier_id: str, at: datetime) -> SubOrder | None:
        return await self._move(sub_order_id, supplier_id, SubOrderAction.ACCEPT, {"accepted_at": at})

    async def ship_sub_order(
        self, sub_order_id: str, supplier_id: str, shipment: Shipment
    ) -> SubOrder | None:
        fields = {"shipment": shipment.model_dump()}
        return await self._move(sub_order_id, supplier_id, SubOrderAction.SHIP, fields)

    async def cancel_sub_orders(self, sub_order_ids: list[str]) -> None:
        sources, target = SUB_ORDER_MOVES[SubOrderAction.CANCEL]
        await self._subs.update_many(
            {"_id": {"$in": sub_order_ids}, "status": {"$in": sorted(sources)}}, {"$set": {"status": target}}
        )

    async def _move(
        self, sub_order_id: str, supplier_id: str, action: SubOrderAction, fields: Doc
    ) -> SubOrder | None:
        sources, target = SUB_ORDER_MOVES[action]
        moved = await self._subs.find_one_and_update(
            {"_id": sub_order_id, "supplier_id": supplier_id, "status": {"$in": sorted(sources)}},
            {"$set": {"status": target, **fields}},
            return_document=ReturnDocument.AFTER,
        )
        return SubOrder.model_validate(moved) if moved is not None else await self.get_sub_order(sub_order_id)


def _dump(entries: list[LogEntry]) -> list[Doc]:
    return [entry.model_dump() for entry in entries]


async def ensure_indexes(db: AsyncDatabase[Doc]) -> None:
    await db[ORDERS].create_index([("merchant_id", 1), ("status", 1), ("received_at", 1)])
    await db[ORDERS].create_index("list_key")
    await db[ORDERS].create_index("status")
    await db[SUB_ORDERS].create_index([("supplier_id", 1), ("status", 1), ("list_key", 1)])
    await db[SUB_ORDERS].create_index("order_key")
    await db[SUB_ORDERS].create_index([("account_id", 1), ("list_key", 1)])
