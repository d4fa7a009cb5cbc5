"""Refunds, returns and refund ledgers, and the cancellation of sub-order lines: the only writer.

Every change is one conditional single-document write: refunds and returns move on their state,
a ledger on its version, a sub-order's lines on its count of cancellations.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from workers.order.model import (
    SUB_ORDER_MOVES,
    Cancellation,
    LogEntry,
    Order,
    SubOrder,
    SubOrderAction,
    lines_after,
)
from workers.order.model.fields import stored_fields
from workers.order.model.refunds import Refund, RefundState
from workers.order.model.refunds_ledger import RefundLedger
from workers.order.model.returns import Return, ReturnState
from workers.order.repository.names import ORDERS, REFUND_LEDGERS, REFUNDS, RETURNS, SUB_ORDERS

Doc = dict[str, Any]
#: Cancellations of one sub-order lost to concurrent ones before giving up (redelivered then).
MAX_ATTEMPTS = 50


class MongoRefunds:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self._refunds = db[REFUNDS]
        self._returns = db[RETURNS]
        self._ledgers = db[REFUND_LEDGERS]
        self._subs = db[SUB_ORDERS]
        self._orders = db[ORDERS]

    async def add_refund(self, refund: Refund) -> Refund:
        with contextlib.suppress(DuplicateKeyError):
            await self._refunds.insert_one(refund.model_dump(by_alias=True))
        stored = await self.get_refund(refund.key)
        assert stored is not None
        return stored

    async def get_refund(self, refund_key: str) -> Refund | None:
        doc = await self._refunds.find_one({"_id": refund_key})
        return None if doc is None else Refund.model_validate(doc)

    async def move_refund(
        self,
        refund_key: str,
        sources: Collection[RefundState],
        target: RefundState,
        entry: LogEntry,
        fields: dict[str, Any] | None = None,
    ) -> Refund | None:
        moved = await self._refunds.find_one_and_update(
            {"_id": refund_key, "state": {"$in": sorted(sources)}},
            {"$set": {"state": target, **stored_fields(fields)}, "$push": {"history": entry.model_dump()}},
            return_document=ReturnDocument.AFTER,
        )
        return Refund.model_validate(moved) if moved is not None else await self.get_refund(refund_key)

    async def ledger(self, order: Order) -> RefundLedger:
        doc = await self._ledgers.find_one({"_id": order.key})
        return RefundLedger.opened(order) if doc is None else RefundLedger.model_validate(doc)

    async def save_ledger(self, ledger: RefundLedger, read_version: int) -> bool:
        doc = ledger.model_dump(by_alias=True)
        if read_version == 0:
            try:
                await self._ledgers.insert_one(doc)
            except DuplicateKeyError:
                return False
            return True
        result = await self._ledgers.replace_one({"_id": ledger.order_key, "version": read_version}, doc)
        return result.modified_count == 1

    async def cancel_lines(self, sub_order_id: str, cancellation: Cancellation) -> SubOrder | None:
        sources, target = SUB_ORDER_MOVES[SubOrderAction.CANCEL]
        for _ in range(MAX_ATTEMPTS):
            sub = await self._sub(sub_order_id)
            if sub is None or sub.cancelled_by(cancellation.refund_key) or sub.status not in sources:
                return sub
            left = lines_after(sub.lines, cancellation.lines)
            done = len(sub.cancellations)
            query: Doc = {"_id": sub_order_id, "status": {"$in": sorted(sources)}}
            query[f"cancellations.{done}"] = {"$exists": False}
            if done:
                query[f"cancellations.{done - 1}"] = {"$exists": True}
            fields: Doc = {"lines": [line.model_dump() for line in left]}
            if not left:
                fields["status"] = target
            update = {"$set": fields, "$push": {"cancellations": cancellation.model_dump()}}
            if (await self._subs.update_one(query, update)).modified_count == 1:
                return await self._sub(sub_order_id)
        raise RuntimeError(f"sub-order {sub_order_id}: too much contention, will be redelivered")

    async def sub_orders_of(self, order_key: str) -> list[SubOrder]:
        cursor = self._subs.find({"order_key": order_key}).sort("supplier_id", ASCENDING)
        return [SubOrder.model_validate(doc) async for doc in cursor]

    async def stop_awaiting(self, order_key: str, sub_order_id: str, entry: LogEntry) -> None:
        await self._orders.update_one(
            {"_id": order_key, "awaiting_shipment": sub_order_id},
            {"$pull": {"awaiting_shipment": sub_order_id}, "$push": {"events": entry.model_dump()}},
        )

    async def log_once_by(self, order_key: str, entry: LogEntry, field: str) -> None:
        already = {"$elemMatch": {"type": entry.type, f"data.{field}": entry.data.get(field)}}
        await self._orders.update_one(
            {"_id": order_key, "events": {"$not": already}}, {"$push": {"events": entry.model_dump()}}
        )

    async def add_returns(self, returns: list[Return]) -> None:
        for ret in returns:
            with contextlib.suppress(DuplicateKeyError):
                await self._returns.insert_one(ret.model_dump(by_alias=True))

    async def get_return(self, return_id: str) -> Return | None:
        doc = await self._returns.find_one({"_id": return_id})
        return None if doc is None else Return.model_validate(doc)

    async def returns_of(self, refund_key: str) -> list[Return]:
        cursor = self._returns.find({"refund_key": refund_key}).sort("_id", ASCENDING)
        return [Return.model_validate(doc) async for doc in cursor]

    async def move_return(
        self,
        return_id: str,
        sources: Collection[ReturnState],
        target: ReturnState,
        entry: LogEntry,
        fields: dict[str, Any] | None = None,
    ) -> Return | None:
        moved = await self._returns.find_one_and_update(
            {"_id": return_id, "state": {"$in": sorted(sources)}},
            {"$set": {"state": target, **stored_fields(fields)}, "$push": {"history": entry.model_dump()}},
            return_document=ReturnDocument.AFTER,
        )
        return Return.model_validate(moved) if moved is not None else await self.get_return(return_id)

    async def _sub(self, sub_order_id: str) -> SubOrder | None:
        doc = await self._subs.find_one({"_id": sub_order_id})
        return None if doc is None else SubOrder.model_validate(doc)


async def ensure_indexes(db: AsyncDatabase[Doc]) -> None:
    await db[REFUNDS].create_index("list_key")
    await db[REFUNDS].create_index([("merchant_id", 1), ("list_key", 1)])
    await db[REFUNDS].create_index("order_key")
    await db[RETURNS].create_index("refund_key")
    await db[RETURNS].create_index([("supplier_id", 1), ("list_key", 1)])
